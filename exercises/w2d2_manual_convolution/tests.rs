use super::*;

fn check(got: &[Vec<f32>], expected: &[Vec<f32>]) {
    let shape = |g: &[Vec<f32>]| (g.len(), g.first().map_or(0, Vec::len));
    assert_eq!(shape(got), shape(expected), "expected {} rows × {} columns, got {} × {}: {got:?}", shape(expected).0, shape(expected).1, shape(got).0, shape(got).1);
    for (i, (gr, er)) in got.iter().zip(expected).enumerate() {
        for (j, (g, e)) in gr.iter().zip(er).enumerate() {
            assert!((g - e).abs() <= 1e-4 * e.abs().max(1.0), "expected {expected:?}, got {got:?} (first difference at row {i}, column {j}: expected {e}, got {g})");
        }
    }
}

#[test]
fn the_numbers_0_to_8_with_a_2x2_kernel() {
    // Top-left: 0·0 + 1·1 + 2·3 + 3·4 = 19.
    let image = vec![vec![0., 1., 2.], vec![3., 4., 5.], vec![6., 7., 8.]];
    let kernel = vec![vec![0., 1.], vec![2., 3.]];
    check(&convolution2d(&image, &kernel), &[vec![19., 25.], vec![37., 43.]]);
}

#[test]
fn an_averaging_kernel_on_a_corner_shape() {
    // Each output is the mean of a 2×2 patch.
    let image = vec![vec![0., 200., 200.], vec![0., 0., 200.], vec![0., 0., 0.]];
    let kernel = vec![vec![0.25, 0.25], vec![0.25, 0.25]];
    check(&convolution2d(&image, &kernel), &[vec![50., 150.], vec![0., 50.]]);
}

#[test]
fn a_1x2_kernel_on_a_2x4_image() {
    // Not square: 2 rows − 1 + 1 = 2 rows, 4 columns − 2 + 1 = 3 columns. out = 2·left − right.
    let image = vec![vec![1., 2., 3., 4.], vec![5., 6., 7., 8.]];
    let kernel = vec![vec![2., -1.]];
    check(&convolution2d(&image, &kernel), &[vec![0., 1., 2.], vec![4., 5., 6.]]);
}
