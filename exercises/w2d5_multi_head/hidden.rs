use super::*;
use nma_engine::prelude::*;
use nma_engine::rng::Rng;
use nma_engine::testing::assert_close;

fn random(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| rng.normal() * scale).collect()
}

/// Multi-head self-attention in f64 with plain loops; weights row-major [d, d], used as x·W.
fn reference(x: &[f32], w: [&[f32]; 4], n: usize, d: usize, h: usize) -> Vec<f32> {
    let proj = |m: &[f32]| -> Vec<f64> {
        let mut out = vec![0f64; n * d];
        for i in 0..n {
            for j in 0..d {
                out[i * d + j] = (0..d).map(|c| x[i * d + c] as f64 * m[c * d + j] as f64).sum();
            }
        }
        out
    };
    let (q, k, v) = (proj(w[0]), proj(w[1]), proj(w[2]));
    let dh = d / h;
    let mut concat = vec![0f64; n * d];
    for head in 0..h {
        let cols = head * dh..(head + 1) * dh;
        for i in 0..n {
            let s: Vec<f64> = (0..n)
                .map(|j| cols.clone().map(|c| q[i * d + c] * k[j * d + c]).sum::<f64>() / (dh as f64).sqrt())
                .collect();
            let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = s.iter().map(|x| (x - m).exp()).collect();
            let t: f64 = e.iter().sum();
            for c in cols.clone() {
                concat[i * d + c] = (0..n).map(|j| e[j] / t * v[j * d + c]).sum();
            }
        }
    }
    let mut out = vec![0f32; n * d];
    for i in 0..n {
        for j in 0..d {
            out[i * d + j] = (0..d).map(|c| concat[i * d + c] * w[3][c * d + j] as f64).sum::<f64>() as f32;
        }
    }
    out
}

fn check(n: usize, d: usize, h: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let x = random(&mut rng, n * d, 1.0);
    let ws: Vec<Vec<f32>> = (0..4).map(|_| random(&mut rng, d * d, 0.6)).collect();
    let t = |v: &Vec<f32>| Tensor::from_vec(v.clone(), &[d, d]);
    let layer = SelfAttention::new(t(&ws[0]), t(&ws[1]), t(&ws[2]), t(&ws[3]), h);
    let expected = reference(&x, [&ws[0], &ws[1], &ws[2], &ws[3]], n, d, h);
    assert_close(&layer.forward(&Tensor::from_vec(x, &[n, d])), &[n, d], &expected, 1e-4);
}

#[test]
fn matches_a_reference_with_random_weights() {
    check(5, 6, 2, 7);
    check(4, 6, 3, 8);
}

#[test]
fn four_heads_of_two_dimensions() {
    check(6, 8, 4, 9 + nma_harness::seed());
}

#[test]
fn permuting_the_tokens_permutes_the_output() {
    let (n, d, h) = (6, 8, 2);
    let mut rng = Rng::new(nma_harness::seed() + 100);
    let w: Vec<Tensor> = (0..4).map(|_| Tensor::from_vec(random(&mut rng, d * d, 0.5), &[d, d])).collect();
    let layer = SelfAttention::new(w[0].clone(), w[1].clone(), w[2].clone(), w[3].clone(), h);
    let x = random(&mut rng, n * d, 1.0);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let permuted: Vec<f32> = order.iter().flat_map(|&i| x[i * d..(i + 1) * d].to_vec()).collect();
    let y = layer.forward(&Tensor::from_vec(x, &[n, d])).to_vec();
    let expected: Vec<f32> = order.iter().flat_map(|&i| y[i * d..(i + 1) * d].to_vec()).collect();
    let got = layer.forward(&Tensor::from_vec(permuted, &[n, d]));
    // Self-attention has no notion of order: shuffle the tokens and the outputs shuffle the same way.
    assert_close(&got, &[n, d], &expected, 1e-4);
}
