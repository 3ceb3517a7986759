use super::*;

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-9, "{what}: expected {want}, got {got}");
}

#[test]
fn learning_later_tasks_can_improve_old_ones() {
    // Positive backward transfer: each task helps the ones before it.
    let r = vec![
        vec![0.70, 0.40, 0.30, 0.25],
        vec![0.75, 0.80, 0.35, 0.30],
        vec![0.78, 0.82, 0.85, 0.50],
        vec![0.80, 0.90, 0.86, 0.88],
    ];
    close(backward_transfer(&r), ((0.80 - 0.70) + (0.90 - 0.80) + (0.86 - 0.85)) / 3.0, "backward transfer");
    close(average_accuracy(&r), (0.80 + 0.90 + 0.86 + 0.88) / 4.0, "average accuracy");
    let baseline = [0.25, 0.25, 0.25, 0.25];
    close(forward_transfer(&r, &baseline), ((0.40 - 0.25) + (0.35 - 0.25) + (0.50 - 0.25)) / 3.0, "forward transfer");
}

#[test]
fn nothing_forgotten_gives_zero_backward_transfer() {
    // Each column stays at its diagonal value from the diagonal down; the numbers above the
    // diagonal are below the baseline (the model was worse than untrained on tasks to come).
    let r = vec![vec![0.9, 0.05, 0.0], vec![0.9, 0.8, 0.1], vec![0.9, 0.8, 0.7]];
    close(backward_transfer(&r), 0.0, "backward transfer when no task is forgotten");
    close(forward_transfer(&r, &[0.1, 0.1, 0.1]), ((0.05 - 0.1) + (0.1 - 0.1)) / 2.0, "negative forward transfer");
    close(average_accuracy(&r), 0.8, "average accuracy");
}

#[test]
fn two_tasks_and_one_task() {
    let r = vec![vec![0.95, 0.5], vec![0.35, 0.9]];
    close(backward_transfer(&r), -0.6, "backward transfer with two tasks");
    close(forward_transfer(&r, &[0.5, 0.2]), 0.3, "forward transfer with two tasks");
    close(average_accuracy(&r), 0.625, "average accuracy with two tasks");
    let one = vec![vec![0.7]];
    close(average_accuracy(&one), 0.7, "average accuracy of a single task");
    close(backward_transfer(&one), 0.0, "backward transfer of a single task");
    close(forward_transfer(&one, &[0.1]), 0.0, "forward transfer of a single task");
}
