use super::*;

fn check(got: &[Vec<f32>], expected: &[Vec<f64>]) {
    let (eh, ew) = (expected.len(), expected[0].len());
    let (gh, gw) = (got.len(), got.first().map_or(0, Vec::len));
    assert_eq!((gh, gw), (eh, ew), "expected {eh} rows × {ew} columns, got {gh} × {gw}");
    for i in 0..eh {
        assert_eq!(got[i].len(), ew, "row {i} should have {ew} values, got {}", got[i].len());
        for j in 0..ew {
            let (g, e) = (got[i][j] as f64, expected[i][j]);
            assert!((g - e).abs() <= 1e-4 * e.abs().max(1.0), "at row {i}, column {j}: expected {e}, got {g}");
        }
    }
}

/// Straightforward reference in f64.
fn reference(image: &[Vec<f32>], kernel: &[Vec<f32>]) -> Vec<Vec<f64>> {
    let (h, w, kh, kw) = (image.len(), image[0].len(), kernel.len(), kernel[0].len());
    (0..=h - kh)
        .map(|i| {
            (0..=w - kw)
                .map(|j| {
                    let mut s = 0.0;
                    for a in 0..kh {
                        for b in 0..kw {
                            s += kernel[a][b] as f64 * image[i + a][j + b] as f64;
                        }
                    }
                    s
                })
                .collect()
        })
        .collect()
}

#[test]
fn rectangular_image_and_kernel() {
    // 4×6 image, 2×3 kernel → 3×4 output; swapping heights and widths anywhere shows.
    let image: Vec<Vec<f32>> = (0..4).map(|i| (0..6).map(|j| ((i * 7 + j * 3) % 11) as f32 - 4.0).collect()).collect();
    let kernel = vec![vec![1., -2., 0.5], vec![0., 3., -1.]];
    check(&convolution2d(&image, &kernel), &reference(&image, &kernel));
}

#[test]
fn the_kernel_is_not_flipped() {
    // A kernel that picks the top-left cell of each 2×2 patch. A flipped kernel would pick
    // the bottom-right cell instead.
    let image = vec![vec![1., 2., 3.], vec![4., 5., 6.], vec![7., 8., 9.]];
    let kernel = vec![vec![1., 0.], vec![0., 0.]];
    check(&convolution2d(&image, &kernel), &[vec![1., 2.], vec![4., 5.]]);
}

#[test]
fn kernel_as_large_as_the_image_gives_one_number() {
    let image = vec![vec![1., 2.], vec![3., 4.], vec![5., 6.]];
    let kernel = vec![vec![1., 1.], vec![-1., 1.], vec![0.5, 2.]];
    // 1 + 2 - 3 + 4 + 2.5 + 12 = 18.5
    check(&convolution2d(&image, &kernel), &[vec![18.5]]);
}
