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
fn max_pooling_a_4x4_grid() {
    let map = vec![
        vec![1.0, 3.0, 0.0, 2.0],
        vec![4.0, 2.0, 5.0, 1.0],
        vec![0.0, 0.0, 7.0, 8.0],
        vec![6.0, 1.0, 9.0, 2.0],
    ];
    assert_eq!(max_pool2d(&map, 2), vec![vec![4.0, 5.0], vec![6.0, 9.0]], "the largest value of each 2×2 block");
}
