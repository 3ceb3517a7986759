use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn bag_means_by_hand() {
    let weight = Tensor::from_vec(vec![1.0, 0.0, 0.0, 2.0, 3.0, 3.0, -1.0, 4.0], &[4, 2]);
    let bags = vec![vec![0, 1], vec![2, 2, 3], vec![3]];
    // [ (1,0)+(0,2) ]/2, [ (3,3)+(3,3)+(-1,4) ]/3, (-1,4)
    let want = [0.5, 1.0, 5.0 / 3.0, 10.0 / 3.0, -1.0, 4.0];
    assert_close(&embedding_bag_mean(&weight, &bags), &[3, 2], &want, 1e-5);
}

#[test]
fn classifier_scores_the_mean_vector() {
    let model = BagClassifier::new(6, 3, 2, 4);
    let bags = vec![vec![0, 5, 5], vec![1, 2, 3, 4]];
    let table = model.embedding.to_vec();
    let mut mean = Vec::new();
    for bag in &bags {
        for j in 0..3 {
            mean.push(bag.iter().map(|&id| table[id * 3 + j] as f64).sum::<f64>() as f32 / bag.len() as f32);
        }
    }
    let want = model.head.forward(&Tensor::from_vec(mean, &[2, 3])).to_vec();
    assert_close(&model.forward(&bags), &[2, 2], &want, 1e-5);
}

#[test]
fn an_empty_bag_gives_zeros() {
    let weight = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let bags = vec![vec![1], Vec::new(), vec![0, 1]];
    assert_close(&embedding_bag_mean(&weight, &bags), &[3, 2], &[3.0, 4.0, 0.0, 0.0, 2.0, 3.0], 1e-6);
}

#[test]
fn the_table_gets_a_gradient() {
    // The means must be built from tensor operations on `weight`, or the table never learns.
    let weight = Tensor::from_vec(vec![0.5, -1.0, 2.0, 0.0, 1.5, 1.0], &[3, 2]).requires_grad();
    embedding_bag_mean(&weight, &[vec![0, 2], vec![2]]).sum().backward();
    let g = weight.grad().expect("the table got no gradient: build the means from tensor operations on `weight`, not from its copied-out numbers");
    // Row 0: ½ from the first bag; row 1: in no bag; row 2: ½ + 1.
    assert_close(&g, &[3, 2], &[0.5, 0.5, 0.0, 0.0, 1.5, 1.5], 1e-6);
}
