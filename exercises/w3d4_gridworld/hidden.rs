use super::*;

const MAZE: [&str; 5] = ["..#...", ".##.#.", "......", "#.##.#", "...#.G"];

/// Distances to every state by repeated relaxation (Bellman–Ford style), written apart from BFS.
fn distances(lines: &[&str], from: (usize, usize)) -> Vec<Vec<Option<usize>>> {
    let cells: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    let (h, w) = (cells.len(), cells[0].len());
    let mut d = vec![vec![None; w]; h];
    if cells[from.0][from.1] == '#' {
        return d;
    }
    d[from.0][from.1] = Some(0);
    for _ in 0..h * w {
        for r in 0..h {
            for c in 0..w {
                if cells[r][c] == '#' {
                    continue;
                }
                let near = [(r.wrapping_sub(1), c), (r + 1, c), (r, c.wrapping_sub(1)), (r, c + 1)];
                for (nr, nc) in near {
                    if nr < h && nc < w {
                        if let Some(x) = d[nr][nc] {
                            if d[r][c].map_or(true, |y| x + 1 < y) {
                                d[r][c] = Some(x + 1);
                            }
                        }
                    }
                }
            }
        }
    }
    d
}

#[test]
fn paths_are_shortest_from_every_cell() {
    let grid = Grid::parse(&MAZE);
    let (w, goal) = (6, 29);
    let dist = distances(&MAZE, (4, 5));
    for s in 0..30 {
        let want = dist[s / w][s % w];
        let got = bfs_plan(&grid, s, goal);
        match (want, &got) {
            (None, None) => {}
            (None, Some(p)) => panic!("from state {s} the goal cannot be reached, but you return {p:?}"),
            (Some(d), None) => panic!("from state {s} the goal is {d} moves away, but you return None"),
            (Some(d), Some(p)) => {
                assert_eq!(p.len(), d + 1, "from state {s}: a shortest path has {d} moves ({} states), you return {p:?}", d + 1);
                assert_eq!((p[0], *p.last().unwrap()), (s, goal), "the path must start at {s} and end at the goal: {p:?}");
                for pair in p.windows(2) {
                    let ((r0, c0), (r1, c1)) = ((pair[0] / w, pair[0] % w), (pair[1] / w, pair[1] % w));
                    assert!(!grid.walls[pair[1]], "path {p:?} steps into the wall {}", pair[1]);
                    assert_eq!(r0.abs_diff(r1) + c0.abs_diff(c1), 1, "path {p:?}: {} → {} is not one step", pair[0], pair[1]);
                }
            }
        }
    }
}

#[test]
fn mdp_tables_of_a_small_maze() {
    // 0 1 2 3
    // 4 # G 7        (a 2 × 4 grid that is wider than it is tall)
    let grid = Grid::parse(&["....", ".#G."]);
    let m = build_mdp(&grid);
    let n = 8;
    // Where each action leads, by hand: [up, right, down, left].
    let moves: [[usize; 4]; 8] = [
        [0, 1, 4, 0],
        [1, 2, 1, 0],
        [2, 3, 6, 1],
        [3, 3, 7, 2],
        [0, 4, 4, 4],
        [5, 5, 5, 5], // wall: absorbing
        [6, 6, 6, 6], // goal: absorbing
        [3, 7, 7, 6],
    ];
    for s in 0..n {
        for a in 0..4 {
            let want: Vec<f64> = (0..n).map(|t| if t == moves[s][a] { 1.0 } else { 0.0 }).collect();
            assert_eq!(m.p[s][a], want, "p[{s}][{a}] should put probability 1 on state {}", moves[s][a]);
            let reward = if s != 6 && moves[s][a] == 6 { 1.0 } else { 0.0 };
            assert_eq!(m.r[s][a], reward, "r[{s}][{a}]");
        }
    }
}

#[test]
fn an_enclosed_goal_is_unreachable() {
    let grid = Grid::parse(&["..#.", "..#G"]);
    assert_eq!(bfs_plan(&grid, 0, 7), None, "the wall column cuts the goal off");
    assert_eq!(bfs_plan(&grid, 3, 7), Some(vec![3, 7]), "from just above the goal it is one step down");
}
