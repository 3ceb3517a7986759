use super::*;

#[test]
fn plan_around_a_wall() {
    // 0 1 2
    // 3 # G      from 3 the only way to the goal (5) goes over the top
    // # # #
    let grid = Grid::parse(&["...", ".#G", "###"]);
    assert_eq!(bfs_plan(&grid, 3, 5), Some(vec![3, 0, 1, 2, 5]), "from 3 round the wall to the goal at 5");
    assert_eq!(bfs_plan(&grid, 2, 2), Some(vec![2]), "a path from a state to itself is just that state");
    assert_eq!(bfs_plan(&grid, 3, 7), None, "state 7 is a wall: no path");
    assert_eq!(bfs_plan(&grid, 4, 5), None, "state 4 is a wall: no path starts there");
}

#[test]
fn the_plan_is_a_shortest_path() {
    // 0 1 2 3
    // 4 # # 7     from 1 to the goal: right over the top takes 4 moves,
    // 8 9 a G     left round the bottom 6
    let grid = Grid::parse(&["....", ".##.", "...G"]);
    assert_eq!(bfs_plan(&grid, 1, 11), Some(vec![1, 2, 3, 7, 11]), "the shortest way from 1 to the goal at 11 goes over the top");
}

#[test]
fn mdp_of_a_short_corridor() {
    // States 0, 1, 2 = goal.
    let m = build_mdp(&Grid::parse(&["..G"]));
    assert_eq!((m.n_states, m.n_actions), (3, 4));
    assert_eq!(m.p[0][1], vec![0.0, 1.0, 0.0], "right from 0 goes to 1");
    assert_eq!(m.p[0][3], vec![1.0, 0.0, 0.0], "left from 0 bumps into the edge and stays");
    assert_eq!(m.p[0][0], vec![1.0, 0.0, 0.0], "up from 0 leaves the grid: stay");
    assert_eq!(m.p[1][1], vec![0.0, 0.0, 1.0], "right from 1 reaches the goal");
    assert_eq!(m.r[1], vec![0.0, 1.0, 0.0, 0.0], "only entering the goal (right from 1) pays 1");
    assert_eq!(m.p[2][3], vec![0.0, 0.0, 1.0], "the goal is absorbing");
    assert_eq!(m.r[2], vec![0.0; 4], "staying in the goal pays nothing");
}

#[test]
fn walls_and_the_goal_are_absorbing() {
    // States 0, 1 = wall, 2 = goal.
    let m = build_mdp(&Grid::parse(&[".#G"]));
    for a in 0..4 {
        assert_eq!(m.p[1][a], vec![0.0, 1.0, 0.0], "a wall cell is absorbing: action {a} from the wall 1 stays there");
        assert_eq!(m.p[2][a], vec![0.0, 0.0, 1.0], "the goal is absorbing: action {a} from the goal 2 stays there");
    }
    assert_eq!(m.p[0][1], vec![1.0, 0.0, 0.0], "right from 0 bumps into the wall and stays");
}
