use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn act(a: Activation, z: f64) -> f64 {
    match a {
        Activation::Relu => z.max(0.0),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Tanh => z.tanh(),
        _ => unreachable!(),
    }
}

/// The forward pass in f64 from the layers' own weights.
fn reference(net: &Net, a: Activation, x: &[f32], n: usize) -> Vec<f32> {
    let mut h: Vec<Vec<f64>> = x.chunks(x.len() / n).map(|r| r.iter().map(|&v| v as f64).collect()).collect();
    for (i, layer) in net.layers.iter().enumerate() {
        let (w, b) = (layer.weight.to_vec(), layer.bias.as_ref().unwrap().to_vec());
        let (outs, ins) = (layer.out_features(), layer.in_features());
        h = h
            .iter()
            .map(|row| {
                (0..outs)
                    .map(|o| {
                        let z = b[o] as f64 + (0..ins).map(|k| w[o * ins + k] as f64 * row[k]).sum::<f64>();
                        if i + 1 < net.layers.len() { act(a, z) } else { z }
                    })
                    .collect()
            })
            .collect();
    }
    h.into_iter().flatten().map(|v| v as f32).collect()
}

#[test]
fn forward_matches_a_reference() {
    for a in [Activation::Relu, Activation::Sigmoid, Activation::Tanh] {
        let net = Net::new(a, 3, &[5, 4], 2, 7);
        assert_eq!(net.layers.len(), 3, "3 → 5 → 4 → 2 takes three layers, you built {}", net.layers.len());
        let x: Vec<f32> = (0..18).map(|i| ((i * 5 % 13) as f32 - 6.0) * 0.5).collect();
        let expected = reference(&net, a, &x, 6);
        assert_close(&net.forward(&Tensor::from_vec(x, &[6, 3])), &[6, 2], &expected, 1e-4);
    }
}

#[test]
fn layers_follow_the_hidden_sizes_in_order() {
    let net = Net::new(Activation::Relu, 6, &[8, 3, 5], 2, 0);
    let shapes: Vec<Vec<usize>> = net.layers.iter().map(|l| l.weight.shape()).collect();
    assert_eq!(shapes, vec![vec![8, 6], vec![3, 8], vec![5, 3], vec![2, 5]], "weight shapes of the four layers");
    let seeds_differ = net.layers[0].weight.to_vec()[0] != Net::new(Activation::Relu, 6, &[8], 2, 1).layers[0].weight.to_vec()[0];
    assert!(seeds_differ, "another seed should give other weights");
}

#[test]
fn every_parameter_gets_a_gradient() {
    let net = Net::new(Activation::Tanh, 4, &[6, 6], 3, 2);
    let params = net.parameters();
    assert_eq!(params.len(), 6, "three weights and three biases, got {} tensors", params.len());
    let shapes: Vec<Vec<usize>> = params.iter().map(|p| p.shape()).collect();
    assert_eq!(shapes, vec![vec![6, 4], vec![6], vec![6, 6], vec![6], vec![3, 6], vec![3]], "parameters in layer order, weight then bias");
    net.forward(&Tensor::randn(&[5, 4], 1)).square().mean().backward();
    for (i, p) in params.iter().enumerate() {
        assert!(p.grad().is_some(), "parameter {i} (shape {:?}) got no gradient", p.shape());
    }
}
