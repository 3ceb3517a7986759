use super::*;
use nma_engine::prelude::*;

#[test]
fn counts_parameters() {
    let small = Net::new(Activation::Relu, 2, &[16], 3, 0);
    assert_eq!(small.layers.len(), 2, "one hidden size means two layers");
    assert_eq!(small.num_parameters(), 99, "2-16-3: (2·16 + 16) + (16·3 + 3) = 99 parameters");
    let deeper = Net::new(Activation::Tanh, 10, &[32, 16], 4, 0);
    assert_eq!(deeper.layers.len(), 3, "two hidden sizes mean three layers");
    assert_eq!(deeper.num_parameters(), 948, "10-32-16-4: 352 + 528 + 68 = 948 parameters");
}

#[test]
fn output_shapes() {
    let net = Net::new(Activation::Relu, 10, &[32, 16], 4, 1);
    assert_eq!(net.forward(&Tensor::randn(&[7, 10], 2)).shape(), vec![7, 4], "7 examples, 4 outputs each");
    let linear = Net::new(Activation::Relu, 3, &[], 2, 1);
    assert_eq!(linear.layers.len(), 1, "no hidden sizes: a single layer from 3 to 2");
    assert_eq!(linear.forward(&Tensor::randn(&[5, 3], 3)).shape(), vec![5, 2]);
}

#[test]
fn the_activation_goes_between_the_layers() {
    // 3 → 5 → 4 → 2 with ReLU: layer 0, ReLU, layer 1, ReLU, layer 2 — and nothing after the last.
    let net = Net::new(Activation::Relu, 3, &[5, 4], 2, 4);
    assert_eq!(net.layers.len(), 3, "3 → 5 → 4 → 2 takes three layers, you built {}", net.layers.len());
    let x = Tensor::randn(&[8, 3], 5);
    let l = &net.layers;
    let want = l[2].forward(&l[1].forward(&l[0].forward(&x).relu()).relu()).to_vec();
    let got = net.forward(&x).to_vec();
    let worst = got.iter().zip(&want).map(|(g, w)| (g - w).abs()).fold(0.0f32, f32::max);
    assert!(
        got.len() == want.len() && worst < 1e-5,
        "forward should apply the activation after every layer but the last; on a 3 → 5 → 4 → 2 ReLU net your outputs differ from that by up to {worst}"
    );
}
