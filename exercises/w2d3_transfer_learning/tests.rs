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

#[test]
fn the_head_reads_the_body_features() {
    // A body whose one feature is |x|: Linear(1 → 2) with weights [1, −1], ReLU, then
    // Linear(2 → 1) adding the two. Whatever the head learns, a model that runs the body and
    // feeds its feature to the head gives x and −x the same scores.
    let body = Sequential::default()
        .add(Linear::from_tensors(Tensor::from_vec(vec![1.0, -1.0], &[2, 1]), Some(Tensor::zeros(&[2]))))
        .add(ReLU)
        .add(Linear::from_tensors(Tensor::from_vec(vec![1.0, 1.0], &[1, 2]), Some(Tensor::zeros(&[1]))));
    // Class 1 when |x| > 1, on points from −2 to 1.
    let x: Vec<f32> = (0..150).map(|i| -2.0 + 3.0 * (i as f32 + 0.5) / 150.0).collect();
    let labels: Vec<usize> = x.iter().map(|v| usize::from(v.abs() > 1.0)).collect();
    let model = fine_tune_head(body, &Dataset::classification(x, 1, labels, 2), 51, |_, _| {});
    let probe = [0.3f32, 0.9, 1.8];
    let scores = |xs: Vec<f32>| model.forward(&Tensor::from_vec(xs, &[3, 1])).to_vec();
    let (plus, minus) = (scores(probe.to_vec()), scores(probe.iter().map(|v| -v).collect()));
    assert_eq!(plus.len(), 6, "three inputs and two classes should give [3, 2] scores");
    for (k, (a, b)) in plus.iter().zip(&minus).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5,
            "the body sees only |x|, yet x = {0} and x = −{0} get different scores ({a} and {b}): the returned model must run the body, and its head must read the body's features, not the raw inputs",
            probe[k / 2]
        );
    }
}
