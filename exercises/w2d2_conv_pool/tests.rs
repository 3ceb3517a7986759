use super::*;
use nma_engine::prelude::*;

#[test]
fn a_vertical_edge_lights_channel_0_only() {
    // 4×5 image: dark columns 0–1, bright columns 2–4. Each 3×3 window straddling the
    // edge sees (1 + 2 + 1)·1 = 4 on the right; the horizontal kernel sees nothing.
    let row = [0.0, 0.0, 1.0, 1.0, 1.0];
    let image = Tensor::from_vec(row.iter().cycle().take(20).copied().collect(), &[1, 1, 4, 5]);
    let got = edge_maps(&image);
    assert_eq!(got.shape(), vec![1, 2, 2, 3], "a 4×5 image and two 3×3 kernels give [1, 2, 2, 3]");
    let expected = [4.0, 4.0, 0.0, 4.0, 4.0, 0.0, /* channel 1 */ 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    assert_eq!(got.to_vec(), expected.to_vec(), "channel 0 then channel 1, row by row");
}

#[test]
fn a_bright_to_dark_edge_is_cut_by_the_relu() {
    // The same edge the other way round (bright columns 0–1, dark 2–4): the vertical
    // kernel responds −4, and the ReLU turns every negative response into 0.
    let row = [1.0, 1.0, 0.0, 0.0, 0.0];
    let image = Tensor::from_vec(row.iter().cycle().take(20).copied().collect(), &[1, 1, 4, 5]);
    assert_eq!(edge_maps(&image).to_vec(), vec![0.0; 12], "negative responses must be cut to 0 by the ReLU");
}

#[test]
fn max_pooling_a_4x4_grid() {
    let map = vec![
        vec![1.0, 3.0, 0.0, 2.0],
        vec![4.0, 2.0, 5.0, 1.0],
        vec![0.0, 0.0, 7.0, 8.0],
        vec![6.0, 1.0, 9.0, 2.0],
    ];
    assert_eq!(max_pool2d(&map, 2), vec![vec![4.0, 5.0], vec![6.0, 9.0]], "the largest value of each 2×2 block");
}

#[test]
fn pooling_negative_numbers_and_a_leftover_column() {
    // A 2×3 grid in blocks of 2: one block; column 2 does not fill a block and is dropped.
    let map = vec![vec![-3.0, -1.0, 7.0], vec![-2.0, -5.0, 8.0]];
    assert_eq!(max_pool2d(&map, 2), vec![vec![-1.0]], "one 2×2 block whose largest value is −1 (a block of negative numbers has a negative maximum); the leftover column is dropped");
}
