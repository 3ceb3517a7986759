use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// `n` clean glyphs as images `[n, 1, 12, 12]`.
fn glyphs(n: usize, seed: u64) -> Tensor {
    data::xo_glyphs(n, 0.0, seed).x().reshape(&[n, 1, 12, 12])
}

/// The error of always answering the average of the `train` glyphs, measured on `eval`: what a
/// decoder that ignores its code could reach. An all-black output does worse still (≈ 1.2×).
fn mean_glyph_mse(train: &Tensor, eval: &Tensor) -> f64 {
    let mean = train.reshape(&[train.shape()[0], 144]).mean_dim(0, true);
    let n = eval.shape()[0];
    nn::mse_loss(&mean.expand(&[n, 144]).reshape(&[n, 1, 12, 12]), eval).item() as f64
}

#[test]
fn codes_are_4x3x3_and_images_come_back_12x12() {
    let model = ConvAE::new(0);
    let z = model.encode(&glyphs(5, 1));
    assert_eq!(z.shape(), vec![5, 4, 3, 3], "5 images [5, 1, 12, 12] should encode to codes [5, 4, 3, 3]");
    let back = model.decode(&z);
    assert_eq!(back.shape(), vec![5, 1, 12, 12], "decoding [5, 4, 3, 3] should give [5, 1, 12, 12]");
    for v in back.to_vec() {
        assert!((0.0..=1.0).contains(&v), "pixels are in [0, 1], so the decoder should end in a sigmoid (got a pixel {v})");
    }
}

#[test]
fn training_cuts_the_reconstruction_error() {
    // Measured against the error of predicting the average glyph, not against the untrained
    // model: an untrained sigmoid outputs ~0.5 everywhere, so even an all-black image "halves" it.
    let seed = nma_harness::seed();
    let x = glyphs(64, seed.wrapping_add(2));
    let baseline = mean_glyph_mse(&x, &x);
    let mut run = Training::new("MSE / MSE of the average glyph", 0.7, Goal::AtMost);
    let model = train_conv_ae(&x, seed, |step, loss| run.step(step, loss));
    let after = nn::mse_loss(&model.forward(&x), &x).item() as f64;
    run.finish(after / baseline);
}
