use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn loss(data: Vec<f32>, shape: [usize; 2], labels: &[usize]) -> f32 {
    let got = cross_entropy(&Tensor::from_vec(data, &shape), labels);
    assert_eq!(got.numel(), 1, "the loss is a single number, got shape {:?}", got.shape());
    got.to_vec()[0]
}

/// Cross-entropy in f64 with the max-shift, as an independent reference.
fn reference(data: &[f32], classes: usize, labels: &[usize]) -> f32 {
    let rows: Vec<&[f32]> = data.chunks(classes).collect();
    let total: f64 = rows
        .iter()
        .zip(labels)
        .map(|(row, &y)| {
            let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b as f64));
            let lse = m + row.iter().map(|&v| (v as f64 - m).exp()).sum::<f64>().ln();
            lse - row[y] as f64
        })
        .sum();
    (total / rows.len() as f64) as f32
}

#[test]
fn stays_finite_for_huge_logits() {
    let got = loss(vec![1000.0, -1000.0, -1000.0, 1000.0], [2, 2], &[0, 1]);
    assert!(got.is_finite(), "the loss must stay finite for logits of ±1000, got {got}");
    assert_scalar_close(got, 0.0, 1e-5);
    assert_scalar_close(loss(vec![1000.0, 1000.0], [1, 2], &[0]), 2f32.ln(), 1e-5);
    assert_scalar_close(loss(vec![-1000.0; 3], [1, 3], &[2]), 3f32.ln(), 1e-5);
    // Confidently wrong: the true class's probability underflows to 0, its loss is 2000.
    let wrong = loss(vec![1000.0, -1000.0], [1, 2], &[1]);
    assert!(wrong.is_finite(), "the loss must stay finite for a confidently wrong row of ±1000, got {wrong}");
    assert_scalar_close(wrong, 2000.0, 1e-2);
}

#[test]
fn wrong_confident_prediction_costs_the_logit_gap() {
    // True class has logit 0, another has 50: the loss is about 50.
    assert_scalar_close(loss(vec![0.0, 50.0, -50.0], [1, 3], &[0]), 50.0, 1e-3);
}

#[test]
fn matches_a_reference_on_a_mixed_batch() {
    let data: Vec<f32> = (0..5 * 7).map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.7).collect();
    let labels = [3, 0, 6, 2, 2];
    assert_scalar_close(loss(data.clone(), [5, 7], &labels), reference(&data, 7, &labels), 1e-4);
}
