use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn recognises_digits_it_never_saw() {
    let seed = nma_harness::seed();
    let digits = data::digits().map_inputs(|v| v / 16.0);
    let (train_set, test_set) = data::train_test_split(&digits, 0.2, seed.wrapping_add(31));
    let mut run = Training::new("test accuracy", 0.9, Goal::AtLeast);
    let model = train_digits(&train_set, seed, |step, loss| run.step(step, loss));
    run.finish(train::evaluate(&model, &test_set) as f64);
}

#[test]
fn reports_every_step_and_learns() {
    let seed = nma_harness::seed();
    let digits = data::digits().map_inputs(|v| v / 16.0);
    let part = digits.subset(&(0..400).map(|i| (i * 4 + seed as usize) % digits.len()).collect::<Vec<_>>());
    let mut losses: Vec<(usize, f32)> = Vec::new();
    train_digits(&part, seed, |step, loss| losses.push((step, loss)));
    assert!(losses.len() >= 10, "only {} steps were reported; call on_step after every optimizer step", losses.len());
    for (i, &(step, loss)) in losses.iter().enumerate() {
        assert_eq!(step, i, "steps must be numbered 0, 1, 2, … in order");
        assert!(loss.is_finite(), "the loss at step {step} is {loss}");
    }
    let tenth = losses.len() / 10;
    let mean = |part: &[(usize, f32)]| part.iter().map(|&(_, l)| l).sum::<f32>() / part.len() as f32;
    let (first, last) = (mean(&losses[..tenth]), mean(&losses[losses.len() - tenth..]));
    assert!(last < first, "the reported loss should fall: first tenth averages {first}, last tenth {last}");
}
