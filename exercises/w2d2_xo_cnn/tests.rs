use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn scores_every_glyph_for_two_classes() {
    let glyphs = data::xo_glyphs(6, 0.0, 3);
    let scores = build_cnn(0).forward(&glyphs.x());
    assert_eq!(scores.shape(), vec![6, 2], "6 flattened glyphs [6, 144] in, one row of 2 scores per glyph out");
}

#[test]
fn has_the_stated_number_of_parameters() {
    // conv: 4 filters of 1·3·3 weights + 4 biases = 40; linear: 4·5·5 = 100 features → 2, 100·2 + 2 = 202.
    let n = build_cnn(0).num_parameters();
    assert_eq!(n, 242, "Conv2d(1→4, 3×3) + Linear(100 → 2) has 40 + 202 = 242 parameters, your network has {n}");
}

#[test]
fn computes_convolution_relu_pooling_then_linear() {
    // The network's output, recomputed by hand in f64 from its own parameters.
    let model = build_cnn(2);
    let params: Vec<Vec<f32>> = model.parameters().iter().map(|p| p.to_vec()).collect();
    let sizes: Vec<usize> = params.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![36, 4, 200, 2], "parameters in order: conv weight [4, 1, 3, 3], conv bias [4], linear weight [2, 100], linear bias [2]");
    let (cw, cb, lw, lb) = (&params[0], &params[1], &params[2], &params[3]);
    let glyphs = data::xo_glyphs(3, 0.3, 5);
    let (x, got) = (glyphs.x().to_vec(), model.forward(&glyphs.x()).to_vec());
    for n in 0..3 {
        let pixel = |i: usize, j: usize| x[n * 144 + i * 12 + j] as f64;
        let mut features = Vec::new();
        for c in 0..4 {
            // 3×3 convolution (no padding) and ReLU: 10×10; then 2×2 max pooling: 5×5.
            let conv = |i: usize, j: usize| {
                let mut s = cb[c] as f64;
                for a in 0..3 {
                    for b in 0..3 {
                        s += cw[c * 9 + a * 3 + b] as f64 * pixel(i + a, j + b);
                    }
                }
                s.max(0.0)
            };
            for i in 0..5 {
                for j in 0..5 {
                    features.push(conv(2 * i, 2 * j).max(conv(2 * i, 2 * j + 1)).max(conv(2 * i + 1, 2 * j)).max(conv(2 * i + 1, 2 * j + 1)));
                }
            }
        }
        for o in 0..2 {
            let want = lb[o] as f64 + (0..100).map(|k| lw[o * 100 + k] as f64 * features[k]).sum::<f64>();
            let g = got[n * 2 + o] as f64;
            assert!(
                (g - want).abs() < 1e-4,
                "glyph {n}, score {o}: expected {want:.5} from conv → ReLU → 2×2 max pool → flatten → linear, got {g:.5}"
            );
        }
    }
}

#[test]
fn fits_the_training_glyphs() {
    let seed = nma_harness::seed();
    let train_set = data::xo_glyphs(800, 0.05, seed.wrapping_add(7));
    let mut run = Training::new("training accuracy", 0.95, Goal::AtLeast);
    let mut reported = 0;
    let model = train_cnn(&train_set, seed, |step, loss| {
        assert_eq!(step, reported, "on_step must number the steps 0, 1, 2, … in order");
        reported += 1;
        run.step(step, loss)
    });
    assert!(reported > 0, "on_step was never called: call it after every optimizer step");
    run.finish(train::evaluate(&model, &train_set) as f64);
}
