use super::*;
use nma_engine::prelude::*;

fn std64(t: f64, sigma: f64) -> f64 {
    ((sigma.powf(2.0 * t) - 1.0) / (2.0 * sigma.ln())).sqrt()
}

fn close(got: f32, want: f64, tol: f64, what: &str) {
    assert!((got as f64 - want).abs() <= tol * want.abs().max(1.0), "{what}: expected {want:.6}, got {got}");
}

#[test]
fn other_sigmas_and_small_times() {
    close(diffusion_coeff(0.25, 16.0), 2.0, 1e-5, "diffusion_coeff(0.25, 16)");
    close(marginal_std(1.0, 2.0), std64(1.0, 2.0), 1e-5, "marginal_std(1, 2)");
    close(marginal_std(0.3, 10.0), std64(0.3, 10.0), 1e-5, "marginal_std(0.3, 10)");
    let small = marginal_std(1e-3, 25.0);
    assert!((small as f64 / std64(1e-3, 25.0) - 1.0).abs() < 2e-3, "marginal_std(0.001, 25) should be {:.6}, got {small}", std64(1e-3, 25.0));
}

#[test]
fn sums_over_coordinates_and_averages_over_points() {
    // A model that always answers 0: the loss is the mean over points of ‖z‖².
    let z: Vec<f32> = vec![1.0, 2.0, 0.0, -1.0, 0.5, 0.5, 3.0, 0.0, -2.0];
    let want = (5.0 + 1.5 + 13.0) / 3.0;
    let got = dsm_loss(&|x: &Tensor, _t: &Tensor| Tensor::zeros(&x.shape()), &Tensor::ones(&[3, 3]), &Tensor::from_vec(vec![0.1, 0.5, 0.9], &[3]), &Tensor::from_vec(z, &[3, 3]), 25.0);
    close(got.item(), want, 1e-5, "loss with a zero score");
}

#[test]
fn each_point_has_its_own_time() {
    // Mock score s(x̃, t) = t·x̃ − 1, with times that differ per point, σ = 5.
    let (x, t, z) = ([0.5f64, -1.0, 2.0, 1.5], [0.2f64, 0.7, 0.95, 0.4], [1.0f64, -0.5, 0.25, -2.0]);
    let mut total = 0.0;
    for n in 0..4 {
        let s = std64(t[n], 5.0);
        let noisy = x[n] + s * z[n];
        total += (s * (t[n] * noisy - 1.0) + z[n]).powi(2);
    }
    let f32s = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    let mock = |noisy: &Tensor, t: &Tensor| noisy * &t.unsqueeze(1) - 1.0;
    let got = dsm_loss(&mock, &Tensor::from_vec(f32s(&x), &[4, 1]), &Tensor::from_vec(f32s(&t), &[4]), &Tensor::from_vec(f32s(&z), &[4, 1]), 5.0);
    close(got.item(), total / 4.0, 1e-4, "loss with the mock score t·x̃ − 1");
}
