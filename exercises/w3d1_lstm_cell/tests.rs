use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn sig(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// rows·vector for a row-major [rows, cols] matrix.
fn matvec(w: &[f32], cols: usize, v: &[f32]) -> Vec<f64> {
    w.chunks(cols).map(|row| row.iter().zip(v).map(|(a, b)| *a as f64 * *b as f64).sum()).collect()
}

/// An LSTM step in f64 for one example (gate blocks i, f, g, o).
fn lstm_by_hand(x: &[f32], h: &[f32], c: &[f32], wi: &[f32], wh: &[f32], b: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let n = h.len();
    let (a, r) = (matvec(wi, x.len(), x), matvec(wh, n, h));
    let z: Vec<f64> = (0..4 * n).map(|k| a[k] + r[k] + b[k] as f64).collect();
    let (mut h2, mut c2) = (Vec::new(), Vec::new());
    for j in 0..n {
        let (i, f, g, o) = (sig(z[j]), sig(z[n + j]), z[2 * n + j].tanh(), sig(z[3 * n + j]));
        let cn = f * c[j] as f64 + i * g;
        c2.push(cn as f32);
        h2.push((o * cn.tanh()) as f32);
    }
    (h2, c2)
}

#[test]
fn rnn_step_by_hand() {
    // batch 2, input 2, hidden 3
    let x = Tensor::from_vec(vec![1.0, -1.0, 0.5, 2.0], &[2, 2]);
    let h = Tensor::from_vec(vec![0.1, 0.2, -0.3, 0.0, -0.5, 0.4], &[2, 3]);
    let wi = vec![0.5, -0.2, 0.1, 0.3, -0.4, 0.6];
    let wh = vec![0.2, 0.0, -0.1, 0.3, 0.5, 0.1, -0.2, 0.4, 0.25];
    let b = vec![0.1, -0.1, 0.05];
    let mut want = Vec::new();
    for (xr, hr) in x.to_vec().chunks(2).zip(h.to_vec().chunks(3)) {
        let (a, r) = (matvec(&wi, 2, xr), matvec(&wh, 3, hr));
        want.extend((0..3).map(|j| (a[j] + r[j] + b[j] as f64).tanh() as f32));
    }
    let got = rnn_cell(&x, &h, &Tensor::from_vec(wi, &[3, 2]), &Tensor::from_vec(wh, &[3, 3]), &Tensor::from_vec(b, &[3]));
    assert_close(&got, &[2, 3], &want, 1e-5);
}

#[test]
fn lstm_step_by_hand() {
    // batch 1, input 2, hidden 2: the bias gives each gate block its own value.
    let x = vec![0.5, -1.0];
    let (h, c) = (vec![0.2, -0.1], vec![1.0, -2.0]);
    let wi: Vec<f32> = (0..16).map(|k| ((k * 7 % 11) as f32 - 5.0) / 10.0).collect();
    let wh: Vec<f32> = (0..16).map(|k| ((k * 5 % 13) as f32 - 6.0) / 10.0).collect();
    let b = vec![1.0, 0.5, -1.0, 2.0, 0.3, -0.7, 1.5, -0.5];
    let (want_h, want_c) = lstm_by_hand(&x, &h, &c, &wi, &wh, &b);
    let (h2, c2) = lstm_cell(
        &Tensor::from_vec(x, &[1, 2]),
        (&Tensor::from_vec(h, &[1, 2]), &Tensor::from_vec(c, &[1, 2])),
        &Tensor::from_vec(wi, &[8, 2]),
        &Tensor::from_vec(wh, &[8, 2]),
        &Tensor::from_vec(b, &[8]),
    );
    assert_close(&c2, &[1, 2], &want_c, 1e-5);
    assert_close(&h2, &[1, 2], &want_h, 1e-5);
}
