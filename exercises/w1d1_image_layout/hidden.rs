use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// A synthetic [3, H, W] image whose every value tells where it came from:
/// channel c, row h, column w holds 100·c + 10·h + w.
fn synthetic_chw(h: usize, w: usize) -> Tensor {
    let mut data = Vec::new();
    for c in 0..3 {
        for y in 0..h {
            for x in 0..w {
                data.push((100 * c + 10 * y + x) as f32);
            }
        }
    }
    Tensor::from_vec(data, &[3, h, w])
}

#[test]
fn chw_to_hwc_moves_values_not_just_the_shape() {
    let (h, w) = (2, 4);
    let img = synthetic_chw(h, w);
    let mut expected = Vec::new();
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                expected.push((100 * c + 10 * y + x) as f32);
            }
        }
    }
    assert_close(&chw_to_hwc(&img), &[h, w, 3], &expected, 0.0);
}

#[test]
fn grayscale_of_a_synthetic_image_in_red_green_blue_order() {
    // Different, non-constant channels: swapping red and blue changes every pixel.
    let (h, w) = (3, 2);
    let mut data = Vec::new();
    let mut expected = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let (r, g, b) = (0.1 * (y * w + x) as f64, 0.5 + 0.05 * x as f64, 1.0 - 0.2 * y as f64);
            data.extend([r as f32, g as f32, b as f32]);
            expected.push((0.299 * r + 0.587 * g + 0.114 * b) as f32);
        }
    }
    let img = Tensor::from_vec(data, &[h, w, 3]);
    assert_close(&to_grayscale(&img), &[h, w], &expected, 1e-5);
}

#[test]
fn layout_then_grayscale() {
    // A channels-first image converted and then turned grey: every pixel is
    // 0.299·(10h + w) + 0.587·(100 + 10h + w) + 0.114·(200 + 10h + w) = 81.5 + 10h + w.
    let (h, w) = (2, 3);
    let img = synthetic_chw(h, w);
    let expected: Vec<f32> = (0..h).flat_map(|y| (0..w).map(move |x| 81.5 + (10 * y + x) as f32)).collect();
    assert_close(&to_grayscale(&chw_to_hwc(&img)), &[h, w], &expected, 1e-5);
}
