use super::*;
use nma_engine::prelude::*;

#[test]
fn a_dark_to_bright_step_downwards_lights_channel_1_and_relu_cuts_the_other_way() {
    // 5×4 image: rows 0–1 bright, rows 2–4 dark: a bright-to-dark step going down, so the
    // horizontal kernel gives −4 (cut to 0 by the ReLU) and the vertical kernel 0.
    // The second image, flipped top to bottom, gives +4 in channel 1.
    let col = |v: [f32; 5]| -> Vec<f32> { v.iter().flat_map(|&x| [x; 4]).collect() };
    let down = edge_maps(&Tensor::from_vec(col([1.0, 1.0, 0.0, 0.0, 0.0]), &[1, 1, 5, 4]));
    assert_eq!(down.shape(), vec![1, 2, 3, 2]);
    assert_eq!(down.to_vec(), vec![0.0; 12], "negative responses must be cut to 0 by the ReLU");
    let up = edge_maps(&Tensor::from_vec(col([0.0, 0.0, 1.0, 1.0, 1.0]), &[1, 1, 5, 4]));
    let expected = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, /* channel 1 */ 4.0, 4.0, 4.0, 4.0, 0.0, 0.0];
    assert_eq!(up.to_vec(), expected.to_vec(), "channel 0 then channel 1, row by row");
}

#[test]
fn edge_maps_match_a_loop_reference() {
    let (h, w) = (6, 7);
    let pixels: Vec<f32> = (0..h * w).map(|i| ((i * 37 + 11) % 17) as f32 / 4.0 - 2.0).collect();
    let got = edge_maps(&Tensor::from_vec(pixels.clone(), &[1, 1, h, w])).to_vec();
    assert_eq!(got.len(), 2 * (h - 2) * (w - 2), "expected [1, 2, {}, {}]", h - 2, w - 2);
    let mut k = 0;
    for c in 0..2 {
        for i in 0..h - 2 {
            for j in 0..w - 2 {
                let mut s = 0.0f64;
                for a in 0..3 {
                    for b in 0..3 {
                        s += EDGE_KERNELS[c * 9 + a * 3 + b] as f64 * pixels[(i + a) * w + j + b] as f64;
                    }
                }
                let want = s.max(0.0);
                assert!((got[k] as f64 - want).abs() < 1e-4, "channel {c}, row {i}, column {j}: expected {want}, got {}", got[k]);
                k += 1;
            }
        }
    }
}

#[test]
fn pooling_keeps_negative_maxima_and_drops_leftovers() {
    // 5×7 grid of negative numbers growing to the right and downwards, blocks of 2:
    // 2 rows × 3 columns out; row 4 and column 6 (which hold the grid's largest values)
    // are dropped.
    let map: Vec<Vec<f32>> = (0..5).map(|i| (0..7).map(|j| -((34 - (i * 7 + j)) as f32) - 1.0).collect()).collect();
    // Block (i, j)'s largest value is at its bottom-right cell (2i + 1, 2j + 1).
    let expected: Vec<Vec<f32>> =
        (0..2).map(|i| (0..3).map(|j| -((34 - (7 * (2 * i + 1) + 2 * j + 1)) as f32) - 1.0).collect()).collect();
    assert_eq!(max_pool2d(&map, 2), expected);
}

#[test]
fn pooling_with_3x3_blocks() {
    let map: Vec<Vec<f32>> = (0..6).map(|i| (0..6).map(|j| ((i * 5 + j * 3) % 8) as f32).collect()).collect();
    // Block maxima worked out by hand: every 3×3 block of (5i + 3j) mod 8 contains a 7.
    let blocks: Vec<Vec<f32>> = (0..2)
        .map(|bi| (0..2).map(|bj| {
            let mut m = f32::MIN;
            for i in 3 * bi..3 * bi + 3 { for j in 3 * bj..3 * bj + 3 { m = m.max(map[i][j]); } }
            m
        }).collect())
        .collect();
    assert_eq!(max_pool2d(&map, 3), blocks);
    assert_eq!(max_pool2d(&[vec![2.0, -1.0, 5.0], vec![0.5, 9.0, -3.0], vec![1.0, 1.0, 1.0]], 3), vec![vec![9.0]]);
}
