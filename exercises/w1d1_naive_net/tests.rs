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
