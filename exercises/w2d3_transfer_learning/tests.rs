use super::*;
use nma_engine::prelude::*;

fn accuracy(model: &dyn Module, data: &Dataset) -> f32 {
    let pred = model.forward(&data.x()).argmax_dim(1);
    let correct = pred.iter().zip(data.labels()).filter(|(p, t)| p == t).count();
    correct as f32 / data.len() as f32
}

fn snapshot(params: &[Tensor]) -> Vec<Vec<f32>> {
    params.iter().map(|p| p.to_vec()).collect()
}

#[test]
fn fits_a_head_on_blobs_without_touching_the_body() {
    let data = data::blobs(300, 3, 0.4, 11);
    let (train_set, test_set) = data::train_test_split(&data, 0.3, 12);
    let body = Sequential::default().add(Linear::new(2, 16, 13)).add(ReLU);
    // Clones of the body's parameters share their values: if the body trains, these change.
    let params = body.parameters();
    let before = snapshot(&params);
    let model = fine_tune_head(body, &train_set, 14, |_, _| {});
    assert!(
        before == snapshot(&params),
        "the body's weights changed: only the new head may train (freeze the body, or detach its features)"
    );
    let acc = accuracy(model.as_ref(), &test_set);
    assert!(
        acc >= 0.9,
        "three well-separated blobs through a random ReLU body: test accuracy {acc}, expected ≥ 0.9 — is the head trained?"
    );
}

#[test]
fn reports_each_step_and_scores_every_class() {
    let train_set = data::blobs(120, 4, 0.5, 21);
    let body = Sequential::default().add(Linear::new(2, 8, 22)).add(ReLU);
    let mut losses = Vec::new();
    let model = fine_tune_head(body, &train_set, 23, |_, loss| losses.push(loss));
    let scores = model.forward(&train_set.x());
    assert_eq!(scores.shape(), vec![120, 4], "one score per class for each of the 120 examples");
    assert!(
        losses.len() >= 10,
        "on_step was called {} times: call it after every optimizer step with that step's loss",
        losses.len()
    );
    let (first, last) = (losses[0], *losses.last().unwrap());
    assert!(losses.iter().all(|l| l.is_finite()), "a reported loss is not finite: {losses:?}");
    assert!(last < first, "the head's loss should fall while it trains: first {first}, last {last}");
}
