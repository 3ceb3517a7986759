use super::*;
use nma_engine::prelude::*;

fn std64(t: f64, sigma: f64) -> f64 {
    ((sigma.powf(2.0 * t) - 1.0) / (2.0 * sigma.ln())).sqrt()
}

fn close(got: f32, want: f64, tol: f64, what: &str) {
    assert!((got as f64 - want).abs() <= tol * want.abs().max(1.0), "{what}: expected {want:.6}, got {got}");
}

#[test]
fn schedule_values() {
    close(diffusion_coeff(0.5, 25.0), 5.0, 1e-5, "diffusion_coeff(0.5, 25)");
    close(diffusion_coeff(0.0, 25.0), 1.0, 1e-6, "diffusion_coeff(0, 25)");
    close(marginal_std(0.5, 25.0), (24.0 / (2.0 * 25f64.ln())).sqrt(), 1e-5, "marginal_std(0.5, 25)");
    close(marginal_std(0.0, 25.0), 0.0, 1e-6, "marginal_std(0, 25)");
}

#[test]
fn a_hand_computed_batch() {
    // Mock score model s(x̃, t) = −x̃ (it ignores t). Two points in 2-D.
    let (x, t, z) = ([1.0, -2.0, 0.5, 0.0], [0.5, 1.0], [0.3, -1.2, -0.7, 2.0]);
    let mut total = 0.0;
    for n in 0..2 {
        let s = std64(t[n], 25.0);
        for d in 0..2 {
            let noisy = x[2 * n + d] + s * z[2 * n + d];
            total += (s * -noisy + z[2 * n + d]).powi(2);
        }
    }
    let want = total / 2.0;
    let f32s = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    let got = dsm_loss(
        &|noisy: &Tensor, _t: &Tensor| -noisy,
        &Tensor::from_vec(f32s(&x), &[2, 2]),
        &Tensor::from_vec(f32s(&t), &[2]),
        &Tensor::from_vec(f32s(&z), &[2, 2]),
        25.0,
    );
    assert_eq!(got.numel(), 1, "the loss is one number");
    close(got.item(), want, 1e-4, "loss with the mock score −x̃");
}

#[test]
fn the_true_score_of_a_point_mass_costs_nothing() {
    // Data all at 0: the noised density is N(0, s²), with score −x̃/s², so s·score + z = 0.
    let t = [0.2f32, 0.6, 0.9];
    let z = [0.4f32, -1.1, 1.5, 0.2, -0.3, 0.8];
    let exact = |noisy: &Tensor, t: &Tensor| {
        let s2: Vec<f32> = t.to_vec().iter().map(|&ti| std64(ti as f64, 25.0).powi(2) as f32).collect();
        -(noisy / &Tensor::from_vec(s2, &[3, 1]))
    };
    let got = dsm_loss(&exact, &Tensor::zeros(&[3, 2]), &Tensor::from_vec(t.to_vec(), &[3]), &Tensor::from_vec(z.to_vec(), &[3, 2]), 25.0);
    close(got.item(), 0.0, 1e-4, "loss of the exact score");
}
