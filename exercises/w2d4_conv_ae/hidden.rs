use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn glyphs(n: usize, seed: u64) -> Tensor {
    data::xo_glyphs(n, 0.0, seed).x().reshape(&[n, 1, 12, 12])
}

/// The error on `eval` of always answering the average `train` glyph.
fn mean_glyph_mse(train: &Tensor, eval: &Tensor) -> f64 {
    let mean = train.reshape(&[train.shape()[0], 144]).mean_dim(0, true);
    let n = eval.shape()[0];
    nn::mse_loss(&mean.expand(&[n, 144]).reshape(&[n, 1, 12, 12]), eval).item() as f64
}

#[test]
fn reconstructs_glyphs_it_never_saw() {
    let seed = nma_harness::seed();
    let x = glyphs(64, seed.wrapping_add(40));
    let fresh = glyphs(200, seed.wrapping_add(900));
    let baseline = mean_glyph_mse(&x, &fresh);
    let mut run = Training::new("fresh MSE / MSE of the average glyph", 0.7, Goal::AtMost);
    let model = train_conv_ae(&x, seed.wrapping_add(1), |step, loss| run.step(step, loss));
    let after = nn::mse_loss(&model.forward(&fresh), &fresh).item() as f64;
    run.finish(after / baseline);
}

#[test]
fn the_code_is_a_bottleneck_of_36_numbers() {
    let model = ConvAE::new(3);
    let z = model.encode(&glyphs(2, 4));
    assert_eq!(z.numel() / 2, 36, "each image should be squeezed into 4·3·3 = 36 numbers (from 144 pixels)");
    // The decoder alone turns any code of that shape into an image of the input's range.
    let out = model.decode(&Tensor::randn(&[3, 4, 3, 3], 5));
    assert_eq!(out.shape(), vec![3, 1, 12, 12]);
    for v in out.to_vec() {
        assert!((0.0..=1.0).contains(&v), "pixels are in [0, 1]; end the decoder with a sigmoid (got {v})");
    }
}

#[test]
fn forward_is_decode_of_encode_and_every_layer_trains() {
    let model = ConvAE::new(6);
    let x = glyphs(3, 7);
    assert_eq!(model.forward(&x).to_vec(), model.decode(&model.encode(&x)).to_vec());
    let enc = model.encoder.parameters().len();
    let dec = model.decoder.parameters().len();
    assert!(enc > 0 && dec > 0, "both halves need trainable layers (encoder {enc}, decoder {dec} parameter tensors)");
    assert_eq!(model.parameters().len(), enc + dec, "parameters() must list the encoder's and the decoder's");
}
