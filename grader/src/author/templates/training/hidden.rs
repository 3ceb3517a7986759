// Hidden tests: never copied into the learner's workspace; the tutor shows only that a
// hidden test failed, not its name or message.
//
// A training test reports its run with nma_harness::Training: `step(step, loss)` for each
// step (the tutor draws the loss curve live; a NaN or infinite loss ends the test as
// "diverged"), then `finish(metric)`, which fails the test unless the metric reaches the
// threshold (Goal::AtLeast for an accuracy, Goal::AtMost for a loss). Draw everything random
// from nma_harness::seed(): 0 when learners are graded, 1, 2, … when `author check`
// calibrates, which needs the reference to clear the threshold with room to spare on every
// seed ([calibration] in exercise.toml).
// TODO(author): replace this example with hidden tests of your exercise.
use super::*;
use nma_harness::{Goal, Training};

struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 40) as f32 / (1u64 << 24) as f32)
    }
}

#[test]
fn fits_a_line_from_a_random_start() {
    let mut rng = Lcg(nma_harness::seed());
    let (slope, intercept) = (rng.uniform(-3.0, 3.0), rng.uniform(-1.0, 1.0));
    let x: Vec<f32> = (0..41).map(|i| -1.0 + i as f32 / 20.0).collect();
    let y: Vec<f32> = x.iter().map(|v| slope * v + intercept).collect();
    let (w, b) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));

    let mut run = Training::new("final loss", 1e-3, Goal::AtMost);
    let (w, b, losses) = fit_line(&x, &y, w, b, 0.1, 200);
    assert_eq!(losses.len(), 200, "one loss per step");
    for (step, loss) in losses.iter().enumerate() {
        run.step(step, *loss);
    }
    // Judge the weights returned, not the losses reported.
    run.finish(mse(&x, &y, w, b) as f64);
}
