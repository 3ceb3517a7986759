use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn sig(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// rows·vector for a row-major [rows, cols] matrix, plus a bias.
fn affine(w: &[f32], cols: usize, v: &[f32], b: &[f32]) -> Vec<f64> {
    w.chunks(cols)
        .zip(b)
        .map(|(row, bias)| row.iter().zip(v).map(|(a, x)| *a as f64 * *x as f64).sum::<f64>() + *bias as f64)
        .collect()
}

/// A GRU step in f64 for one example (blocks r, z, n).
fn gru_by_hand(x: &[f32], h: &[f32], wi: &[f32], wh: &[f32], bi: &[f32], bh: &[f32]) -> Vec<f32> {
    let n = h.len();
    let (gi, gh) = (affine(wi, x.len(), x, bi), affine(wh, n, h, bh));
    (0..n)
        .map(|j| {
            let r = sig(gi[j] + gh[j]);
            let z = sig(gi[n + j] + gh[n + j]);
            let cand = (gi[2 * n + j] + r * gh[2 * n + j]).tanh();
            ((1.0 - z) * cand + z * h[j] as f64) as f32
        })
        .collect()
}

fn ramp(n: usize, a: usize, m: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|k| ((k * a % m) as f32 - (m / 2) as f32) * scale).collect()
}

#[test]
fn gru_step_by_hand() {
    // batch 2, input 2, hidden 2; the two biases differ, and each block has its own values.
    let x = vec![0.5, -1.0, 1.5, 0.25];
    let h = vec![0.2, -0.6, -0.4, 0.9];
    let wi = ramp(12, 7, 11, 0.1);
    let wh = ramp(12, 5, 13, 0.1);
    let bi = vec![0.4, -0.3, 1.0, -1.2, 0.2, 0.5];
    let bh = vec![-0.1, 0.6, 0.3, 0.8, -0.7, 1.1];
    let mut want = gru_by_hand(&x[..2], &h[..2], &wi, &wh, &bi, &bh);
    want.extend(gru_by_hand(&x[2..], &h[2..], &wi, &wh, &bi, &bh));
    let got = gru_cell(
        &Tensor::from_vec(x, &[2, 2]),
        &Tensor::from_vec(h, &[2, 2]),
        &Tensor::from_vec(wi, &[6, 2]),
        &Tensor::from_vec(wh, &[6, 2]),
        &Tensor::from_vec(bi, &[6]),
        &Tensor::from_vec(bh, &[6]),
    );
    assert_close(&got, &[2, 2], &want, 1e-5);
}

#[test]
fn an_open_update_gate_keeps_the_old_state() {
    // Every weight 0, a large bias on the z block only: z ≈ 1, so h' must be h itself
    // (and with z ≈ 0, the candidate tanh(0) = 0).
    let (inp, hid) = (3, 2);
    let bias_on_z = |bz: f32| Tensor::from_vec((0..3 * hid).map(|k| if k / hid == 1 { bz } else { 0.0 }).collect(), &[3 * hid]);
    let x = Tensor::from_vec(vec![1.0, -2.0, 0.5], &[1, inp]);
    let h = Tensor::from_vec(vec![0.7, -0.3], &[1, hid]);
    let (wi, wh, zero) = (Tensor::zeros(&[3 * hid, inp]), Tensor::zeros(&[3 * hid, hid]), Tensor::zeros(&[3 * hid]));
    let kept = gru_cell(&x, &h, &wi, &wh, &bias_on_z(30.0), &zero);
    assert_close(&kept, &[1, hid], &[0.7, -0.3], 1e-6);
    let replaced = gru_cell(&x, &h, &wi, &wh, &bias_on_z(-30.0), &zero);
    assert_close(&replaced, &[1, hid], &[0.0, 0.0], 1e-6);
}

#[test]
fn gradients_match_the_engine_cell() {
    // The same loss through your cell and through the engine's GruCell must give the same
    // gradient for every weight (a cell that leaves the tensor world gives none).
    let (batch, inp, hid) = (2, 3, 4);
    let make = || {
        (
            Tensor::randn(&[3 * hid, inp], 11).mul(0.5).requires_grad(),
            Tensor::randn(&[3 * hid, hid], 12).mul(0.5).requires_grad(),
            Tensor::randn(&[3 * hid], 13).requires_grad(),
            Tensor::randn(&[3 * hid], 14).requires_grad(),
        )
    };
    let x = Tensor::randn(&[batch, inp], 15);
    let h = Tensor::randn(&[batch, hid], 16).mul(0.5);
    let target = Tensor::randn(&[batch, hid], 17);
    let (wi, wh, bi, bh) = make();
    (gru_cell(&x, &h, &wi, &wh, &bi, &bh) - &target).square().sum().backward();
    let (ewi, ewh, ebi, ebh) = make();
    let cell = GruCell::from_tensors(ewi.clone(), ewh.clone(), ebi.clone(), ebh.clone());
    (cell.step(&x, &h) - &target).square().sum().backward();
    for (name, mine, engine, shape) in [
        ("w_ih", &wi, &ewi, vec![3 * hid, inp]),
        ("w_hh", &wh, &ewh, vec![3 * hid, hid]),
        ("b_ih", &bi, &ebi, vec![3 * hid]),
        ("b_hh", &bh, &ebh, vec![3 * hid]),
    ] {
        let got = mine.grad().unwrap_or_else(|| panic!("{name} got no gradient: build h' from tensor operations on the weights"));
        let want = engine.grad().expect("the engine cell's gradient");
        println!("checking the gradient of {name}");
        assert_close(&got, &shape, &want.to_vec(), 1e-4);
    }
}
