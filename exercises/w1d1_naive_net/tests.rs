use super::*;
use nma_engine::prelude::*;

#[test]
fn forward_gives_two_scores_per_point() {
    let net = NaiveNet::new(0);
    let x = Tensor::randn(&[7, 2], 1);
    let scores = net.forward(&x);
    assert_eq!(scores.shape(), vec![7, 2], "7 points in, so 7 rows of 2 class scores out");
    assert!(
        scores.to_vec().iter().any(|&s| s != 0.0),
        "the scores are all zero: forward should run the two layers"
    );
}

#[test]
fn has_the_parameters_of_a_2_16_2_network() {
    let net = NaiveNet::new(0);
    let params = net.parameters();
    assert_eq!(params.len(), 4, "two weight matrices and two bias vectors, got {} tensors", params.len());
    // 2·16 weights + 16 biases, then 16·2 weights + 2 biases.
    assert_eq!(net.num_parameters(), 82, "a 2-16-2 network has 82 numbers to train");
}

#[test]
fn predict_picks_the_larger_score() {
    let net = NaiveNet::new(3);
    let x = Tensor::randn(&[20, 2], 4);
    let scores = net.forward(&x).to_vec();
    let expected: Vec<usize> = scores.chunks(2).map(|s| usize::from(s[1] > s[0])).collect();
    assert_eq!(net.predict(&x), expected, "predict should return, for each row, the index of its larger score");
}

#[test]
fn forward_is_not_a_straight_line() {
    // Two linear layers with nothing between them are one affine map f, for which
    // f(a) + f(b) = f(a + b) + f(0) at every pair of points. A ReLU in between breaks that.
    let net = NaiveNet::new(5);
    let a = Tensor::randn(&[30, 2], 6);
    let b = Tensor::randn(&[30, 2], 7);
    let sum = &a + &b;
    let zero = Tensor::zeros(&[30, 2]);
    let gap = (net.forward(&a) + net.forward(&b) - net.forward(&sum) - net.forward(&zero)).abs().max().item();
    assert!(gap > 1e-3, "forward behaves like one straight-line (affine) map: put a ReLU between the two layers");
}

#[test]
fn class_scores_can_be_negative() {
    // The output layer gives raw scores: nothing clips them at 0.
    let net = NaiveNet::new(8);
    let scores = net.forward(&Tensor::randn(&[50, 2], 9)).to_vec();
    assert!(
        scores.iter().any(|&s| s < 0.0),
        "all 100 class scores are ≥ 0: the output layer's scores should be raw, with no ReLU after it"
    );
}
