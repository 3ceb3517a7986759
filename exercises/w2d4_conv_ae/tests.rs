use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// `n` clean glyphs as images `[n, 1, 12, 12]`.
fn glyphs(n: usize, seed: u64) -> Tensor {
    data::xo_glyphs(n, 0.0, seed).x().reshape(&[n, 1, 12, 12])
}

#[test]
fn codes_are_4x3x3_and_images_come_back_12x12() {
    let model = ConvAE::new(0);
    let z = model.encode(&glyphs(5, 1));
    assert_eq!(z.shape(), vec![5, 4, 3, 3], "5 images [5, 1, 12, 12] should encode to codes [5, 4, 3, 3]");
    let back = model.decode(&z);
    assert_eq!(back.shape(), vec![5, 1, 12, 12], "decoding [5, 4, 3, 3] should give [5, 1, 12, 12]");
}

#[test]
fn training_cuts_the_reconstruction_error() {
    let seed = nma_harness::seed();
    let x = glyphs(64, seed.wrapping_add(2));
    let before = nn::mse_loss(&ConvAE::new(seed).forward(&x), &x).item() as f64;
    let mut run = Training::new("MSE after / MSE before", 0.6, Goal::AtMost);
    let model = train_conv_ae(&x, seed, |step, loss| run.step(step, loss));
    let after = nn::mse_loss(&model.forward(&x), &x).item() as f64;
    run.finish(after / before);
}
