use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// Attention in f64, one query at a time (mask: 1 allowed, 0 blocked).
fn reference(q: &[f32], k: &[f32], v: &[f32], d: usize, dv: usize, mask: Option<&[f32]>) -> (Vec<f32>, Vec<f32>) {
    let (nq, nk) = (q.len() / d, k.len() / d);
    let (mut w, mut out) = (vec![0f32; nq * nk], vec![0f32; nq * dv]);
    for i in 0..nq {
        let s: Vec<f64> = (0..nk)
            .map(|j| (0..d).map(|c| q[i * d + c] as f64 * k[j * d + c] as f64).sum::<f64>() / (d as f64).sqrt())
            .collect();
        let allowed = |j: usize| mask.map_or(true, |m| m[i * nk + j] > 0.5);
        let m = (0..nk).filter(|&j| allowed(j)).map(|j| s[j]).fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = (0..nk).map(|j| if allowed(j) { (s[j] - m).exp() } else { 0.0 }).collect();
        let t: f64 = e.iter().sum();
        for j in 0..nk {
            w[i * nk + j] = (e[j] / t) as f32;
            for c in 0..dv {
                out[i * dv + c] += (e[j] / t * v[j * dv + c] as f64) as f32;
            }
        }
    }
    (w, out)
}

#[test]
fn masked_pairs_get_no_weight() {
    // A causal mask: query i sees keys 0..=i only.
    let q = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]);
    let k = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
    let v = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let mask = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0], &[2, 3]);
    let w = attention_weights(&q, &k, Some(&mask)).to_vec();
    assert_eq!(w[1], 0.0, "blocked pairs need weight exactly 0, got weights {w:?}");
    assert_eq!(w[5], 0.0, "blocked pairs need weight exactly 0, got weights {w:?}");
    assert_close(&attention_weights(&q, &k, Some(&mask)), &[2, 3], &[1.0, 0.0, 0.0, 0.330238, 0.669762, 0.0], 1e-5);
    assert_close(&attention(&q, &k, &v, Some(&mask)), &[2, 2], &[1.0, 2.0, 2.339523, 3.339523], 1e-4);
}

#[test]
fn larger_head_against_a_reference() {
    // d = 8, so a √d that is really √2 or 8 shows up.
    let (nq, nk, d, dv) = (5, 7, 8, 3);
    let q = Tensor::randn(&[nq, d], 11);
    let k = Tensor::randn(&[nk, d], 12);
    let v = Tensor::randn(&[nk, dv], 13);
    let mask: Vec<f32> = (0..nq * nk).map(|i| if (i * 7 + 3) % 4 == 0 && i % nk != 2 { 0.0 } else { 1.0 }).collect();
    let (w, out) = reference(&q.to_vec(), &k.to_vec(), &v.to_vec(), d, dv, None);
    assert_close(&attention_weights(&q, &k, None), &[nq, nk], &w, 1e-4);
    assert_close(&attention(&q, &k, &v, None), &[nq, dv], &out, 1e-4);
    let (w, out) = reference(&q.to_vec(), &k.to_vec(), &v.to_vec(), d, dv, Some(&mask));
    let m = Tensor::from_vec(mask, &[nq, nk]);
    assert_close(&attention_weights(&q, &k, Some(&m)), &[nq, nk], &w, 1e-4);
    assert_close(&attention(&q, &k, &v, Some(&m)), &[nq, dv], &out, 1e-4);
}

#[test]
fn works_on_a_batch() {
    let (b, n, d) = (3, 4, 2);
    let q = Tensor::randn(&[b, n, d], 21);
    let k = Tensor::randn(&[b, n, d], 22);
    let v = Tensor::randn(&[b, n, d], 23);
    let (qv, kv, vv) = (q.to_vec(), k.to_vec(), v.to_vec());
    let mut expected = Vec::new();
    for i in 0..b {
        let r = |x: &[f32]| x[i * n * d..(i + 1) * n * d].to_vec();
        expected.extend(reference(&r(&qv), &r(&kv), &r(&vv), d, d, None).1);
    }
    assert_close(&attention(&q, &k, &v, None), &[b, n, d], &expected, 1e-4);
}
