use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// Channel c, row h, column w holds 100·c + 10·h + w.
fn coded_image(c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut data = Vec::new();
    for ch in 0..c {
        for row in 0..h {
            for col in 0..w {
                data.push((100 * ch + 10 * row + col) as f32);
            }
        }
    }
    data
}

#[test]
fn normalize_uses_the_channel_axis() {
    // C = H = W = 3, so per-channel values broadcast along the wrong axis do not fail
    // on shape; they give wrong numbers instead.
    let (c, h, w) = (3, 3, 3);
    let data = coded_image(c, h, w);
    let mean = [0.485f32, 0.456, 0.406];
    let std = [0.229f32, 0.224, 0.225];
    let expected: Vec<f32> = data
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let ch = i / (h * w);
            ((v as f64 - mean[ch] as f64) / std[ch] as f64) as f32
        })
        .collect();
    let got = normalize(&Tensor::from_vec(data, &[c, h, w]), &mean, &std);
    assert_close(&got, &[c, h, w], &expected, 1e-5);
}

#[test]
fn hflip_reverses_columns_only() {
    // Rows and channels stay put; a vertical flip or a reversal of all values fails.
    let (c, h, w) = (2, 3, 4);
    let mut expected = Vec::new();
    for ch in 0..c {
        for row in 0..h {
            for col in 0..w {
                expected.push((100 * ch + 10 * row + (w - 1 - col)) as f32);
            }
        }
    }
    let got = hflip(&Tensor::from_vec(coded_image(c, h, w), &[c, h, w]));
    assert_close(&got, &[c, h, w], &expected, 0.0);
}

#[test]
fn hflip_twice_is_the_identity_and_keeps_a_wide_image_wide() {
    let (c, h, w) = (3, 2, 5);
    let data = coded_image(c, h, w);
    let img = Tensor::from_vec(data.clone(), &[c, h, w]);
    let once = hflip(&img);
    assert_eq!(once.shape(), vec![c, h, w], "hflip must keep the shape [3, 2, 5], got {:?}", once.shape());
    assert_close(&hflip(&once), &[c, h, w], &data, 0.0);
}
