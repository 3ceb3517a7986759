use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// relu(x·W1ᵀ + b1)·W2ᵀ + b2 in f64, from the network's own weights.
fn reference_forward(net: &NaiveNet, x: &[f32], n: usize) -> Vec<f32> {
    let (w1, b1) = (net.hidden.weight.to_vec(), net.hidden.bias.as_ref().unwrap().to_vec());
    let (w2, b2) = (net.output.weight.to_vec(), net.output.bias.as_ref().unwrap().to_vec());
    let mut out = Vec::new();
    for i in 0..n {
        let h: Vec<f64> = (0..16)
            .map(|j| {
                let z = b1[j] as f64 + (0..2).map(|k| w1[j * 2 + k] as f64 * x[i * 2 + k] as f64).sum::<f64>();
                z.max(0.0)
            })
            .collect();
        for c in 0..2 {
            out.push((b2[c] as f64 + (0..16).map(|j| w2[c * 16 + j] as f64 * h[j]).sum::<f64>()) as f32);
        }
    }
    out
}

#[test]
fn forward_matches_relu_between_the_layers() {
    let net = NaiveNet::new(11);
    assert_eq!(net.hidden.weight.shape(), vec![16, 2], "the hidden layer's weight is [16, 2]");
    assert_eq!(net.output.weight.shape(), vec![2, 16], "the output layer's weight is [2, 16]");
    let x: Vec<f32> = (0..24).map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.4).collect();
    let expected = reference_forward(&net, &x, 12);
    nma_engine::testing::assert_close(&net.forward(&Tensor::from_vec(x, &[12, 2])), &[12, 2], &expected, 1e-4);
}

#[test]
fn predict_with_hand_set_weights() {
    // Hidden units: relu(x₀) and relu(−x₀), then 14 dead units; class 1 wins when x₀ > 0.
    let mut w1 = vec![0.0; 32];
    w1[0] = 1.0;
    w1[2] = -1.0;
    let mut w2 = vec![0.0; 32];
    w2[0 * 16 + 1] = 1.0; // class 0 score = relu(−x₀)
    w2[1 * 16] = 1.0; // class 1 score = relu(x₀)
    let net = NaiveNet {
        hidden: Linear::from_tensors(Tensor::from_vec(w1, &[16, 2]), Some(Tensor::zeros(&[16]))),
        output: Linear::from_tensors(Tensor::from_vec(w2, &[2, 16]), Some(Tensor::from_vec(vec![0.0, 0.0], &[2]))),
    };
    let x = Tensor::from_vec(vec![2.0, 5.0, -1.0, 9.0, 0.5, -3.0, -4.0, 0.0], &[4, 2]);
    assert_eq!(net.predict(&x), vec![1, 0, 1, 0], "predicted classes of four points");
}

#[test]
fn trains_on_the_moons() {
    let seed = nma_harness::seed();
    let points = data::moons(400, 0.15, seed);
    let (train_set, test_set) = data::train_test_split(&points, 0.25, seed);
    let net = NaiveNet::new(seed.wrapping_mul(7).wrapping_add(3));
    let mut opt = Adam::new(net.parameters(), 0.05);
    let mut run = Training::new("test accuracy", 0.9, Goal::AtLeast);
    let (x, labels) = (train_set.x(), train_set.labels().to_vec());
    for step in 0..300 {
        let loss = nn::cross_entropy(&net.forward(&x), &labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        run.step(step, loss.item());
    }
    let predicted = net.predict(&test_set.x());
    let correct = predicted.iter().zip(test_set.labels()).filter(|(p, l)| p == l).count();
    run.finish(correct as f64 / test_set.len() as f64);
}
