// Stops power iteration after a fixed 5 rounds instead of running until v stops changing.
//! W1D2 — the SVD of a deep linear network, by power iteration (reference solution).
use nma_engine::prelude::*;

#[derive(Debug, Clone)]
pub struct Svd {
    pub values: Vec<f64>,
    pub u: Vec<Vec<f64>>,
    pub v: Vec<Vec<f64>>,
}

pub fn end_to_end(layers: &[Linear]) -> Tensor {
    let mut product = layers[0].weight.clone();
    for layer in &layers[1..] {
        product = layer.weight.matmul(&product);
    }
    product
}

fn times(a: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    a.iter().map(|row| row.iter().zip(v).map(|(x, y)| x * y).sum()).collect()
}

fn transposed_times(a: &[Vec<f64>], u: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a[0].len()];
    for (row, &ui) in a.iter().zip(u) {
        for (o, &x) in out.iter_mut().zip(row) {
            *o += x * ui;
        }
    }
    out
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

pub fn top_singular(a: &[Vec<f64>]) -> (f64, Vec<f64>, Vec<f64>) {
    let cols = a[0].len();
    // A start with a part along every direction (no symmetry to get stuck in).
    let mut v: Vec<f64> = (0..cols).map(|j| 1.0 / (j as f64 + 1.0) + 0.1 * j as f64).collect();
    let n = norm(&v);
    v.iter_mut().for_each(|x| *x /= n);
    for _ in 0..5 { // far too few rounds
        let mut next = transposed_times(a, &times(a, &v));
        let n = norm(&next);
        next.iter_mut().for_each(|x| *x /= n);
        let change = next.iter().zip(&v).map(|(p, q)| (p - q).abs()).fold(0.0, f64::max);
        v = next;
        if change < 1e-13 {
            break;
        }
    }
    let mut u = times(a, &v);
    let sigma = norm(&u);
    u.iter_mut().for_each(|x| *x /= sigma);
    (sigma, u, v)
}

pub fn net_svd(layers: &[Linear], k: usize) -> Svd {
    let a = end_to_end(layers);
    let cols = a.shape()[1];
    let mut rows: Vec<Vec<f64>> = a.to_vec().chunks(cols).map(|r| r.iter().map(|&x| x as f64).collect()).collect();
    let mut svd = Svd { values: Vec::new(), u: Vec::new(), v: Vec::new() };
    for _ in 0..k {
        let (sigma, u, v) = top_singular(&rows);
        for (row, &ui) in rows.iter_mut().zip(&u) {
            for (x, &vj) in row.iter_mut().zip(&v) {
                *x -= sigma * ui * vj;
            }
        }
        svd.values.push(sigma);
        svd.u.push(u);
        svd.v.push(v);
    }
    svd
}
