use super::*;

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-9, "{what}: expected {want}, got {got}");
}

/// Three tasks; row i is measured after training task i.
fn forgetting() -> Vec<Vec<f64>> {
    vec![
        vec![0.90, 0.10, 0.20],
        vec![0.60, 0.95, 0.30],
        vec![0.50, 0.70, 0.80],
    ]
}

#[test]
fn average_accuracy_is_the_mean_of_the_last_row() {
    close(average_accuracy(&forgetting()), (0.50 + 0.70 + 0.80) / 3.0, "average accuracy of rows [.9 .1 .2] [.6 .95 .3] [.5 .7 .8]");
}

#[test]
fn backward_transfer_is_negative_when_old_tasks_are_forgotten() {
    // Task 0: 0.90 → 0.50, task 1: 0.95 → 0.70; the last task is not counted.
    let want = ((0.50 - 0.90) + (0.70 - 0.95)) / 2.0;
    close(backward_transfer(&forgetting()), want, "backward transfer of rows [.9 .1 .2] [.6 .95 .3] [.5 .7 .8] (mean over the 2 old tasks)");
}

#[test]
fn forward_transfer_reads_above_the_diagonal() {
    // Before training task 1 the model already scored 0.10 on it, task 2: 0.30.
    let baseline = [0.25, 0.10, 0.20];
    let want = ((0.10 - 0.10) + (0.30 - 0.20)) / 2.0;
    close(forward_transfer(&forgetting(), &baseline), want, "forward transfer with baseline [.25 .1 .2] (uses r[0][1] and r[1][2])");
}
