use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn loss(rows: &[&[f32]], labels: &[usize]) -> f32 {
    let classes = rows[0].len();
    let data: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    let got = cross_entropy(&Tensor::from_vec(data, &[rows.len(), classes]), labels);
    assert_eq!(got.numel(), 1, "the loss is a single number, got shape {:?}", got.shape());
    got.to_vec()[0]
}

#[test]
fn course_example() {
    // One row classified with confidence, one split between two classes.
    let got = loss(&[&[10.0, 1.0, -1.0, -20.0], &[10.0, 10.0, 2.0, -10.0]], &[0, 1]);
    assert_scalar_close(got, 0.346728, 1e-4);
}

#[test]
fn equal_logits_give_log_of_the_class_count() {
    let got = loss(&[&[0.3, 0.3, 0.3, 0.3], &[-2.0, -2.0, -2.0, -2.0]], &[1, 3]);
    assert_scalar_close(got, 4f32.ln(), 1e-5);
}

#[test]
fn a_confident_wrong_answer_costs_the_logit_gap() {
    // The true class has logit 0 and another 200: the loss is about 200. exp(200) overflows
    // f32 and exp(−200) underflows to 0, so neither raw exponentials nor the log of a
    // softmax probability get there; log-sum-exp with the row's maximum taken out does.
    let got = loss(&[&[0.0, 200.0, -5.0]], &[0]);
    assert!(got.is_finite(), "the loss must stay finite when the model is confidently wrong, got {got}");
    assert_scalar_close(got, 200.0, 1e-3);
}
