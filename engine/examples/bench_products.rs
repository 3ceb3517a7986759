//! The transformer bench's matrix products alone, at one thread: each shape
//! and operand layout its training step runs (forward `x·Wᵀ`, the input
//! gradient `g·W`, the weight gradient `gᵀ·x`; then attention's 128 small
//! products per call, on heads sliced from the `[B, T, 3D]` projection);
//! then the LSTM bench's three largest, best of 30, in GFLOP/s. Each time
//! includes the engine's call and the output's copy out (`to_vec`), so a
//! product that writes a large C reads slower here than in a training step.
//!
//!     cargo run --release -p nma-engine --example bench_products [-- FILTER]
//!
//! With FILTER, only the products whose label contains it run (`attention`).
//!
//! Compare with `python3 bench/torch_products.py` (the same products in
//! PyTorch, attention's excepted).

use nma_engine::prelude::*;
use nma_engine::runtime;
use std::time::Instant;

/// A product's label and how to build it.
type Case<'a> = (&'static str, Box<dyn Fn() -> Tensor + 'a>);

/// (rows of x, features in, features out): the transformer's linear layers on 32 × 32 tokens.
const LAYERS: [(usize, usize, usize); 4] = [(1024, 64, 192), (1024, 64, 64), (1024, 64, 256), (1024, 256, 64)];

fn main() {
    runtime::set_threads(1);
    println!("nma-engine products ({}), 1 thread, best of 30", runtime::code_path());
    for (rows, inp, out) in LAYERS {
        let x = Tensor::randn(&[rows, inp], 1);
        let w = Tensor::randn(&[out, inp], 2);
        let g = Tensor::randn(&[rows, out], 3);
        let cases: [Case; 3] = [
            ("x·Wᵀ", Box::new(|| x.matmul(&w.t()))),
            ("g·W", Box::new(|| g.matmul(&w))),
            ("gᵀ·x", Box::new(|| g.t().matmul(&x))),
        ];
        for (name, product) in cases {
            let flops = 2.0 * (rows * inp * out) as f64;
            report(&format!("{rows}x{inp}x{out} {name:<5}"), flops, &*product);
        }
    }
    attention();
    // The LSTM bench's largest product: the recurrent weight's gradient,
    // `dgatesᵀ·h` over 32 steps of 32 rows (4 × 128 gates, hidden 128).
    let (dgates, h) = (Tensor::randn(&[1024, 512], 8), Tensor::randn(&[1024, 128], 9));
    report("lstm 1024x512x128 dgᵀ·h", 2.0 * (1024 * 512 * 128) as f64, &|| dgates.t().matmul(&h));
    // And the input weight's, `dgatesᵀ·x` (input 32): one panel of B.
    let x = Tensor::randn(&[1024, 32], 10);
    report("lstm 1024x512x32 dgᵀ·x", 2.0 * (1024 * 512 * 32) as f64, &|| dgates.t().matmul(&x));
    // And the input projection, `x·W_ihᵀ`: K = 32, sixteen panels.
    let w_ih = Tensor::randn(&[512, 32], 11);
    report("lstm 1024x32x512 x·W_ihᵀ", 2.0 * (1024 * 512 * 32) as f64, &|| x.matmul(&w_ih.t()));
}

/// Best of 30 runs of `product`, printed with its rate (unless the command
/// line's filter leaves it out).
fn report(label: &str, flops: f64, product: &dyn Fn() -> Tensor) {
    if std::env::args().nth(1).is_some_and(|filter| !label.contains(&filter)) {
        return;
    }
    let mut best = f64::MAX;
    for _ in 0..30 {
        let t = Instant::now();
        let c = product();
        std::hint::black_box(c.to_vec());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{label} {:8.1} us {:6.1} GFLOP/s", best * 1e6, flops / best / 1e9);
}

/// Attention's products in the transformer bench (batch 32, 32 tokens, 4
/// heads of 16): forward `Q·Kᵀ` and `P·V`, and their adjoints, each a
/// batch of 128 products on views of the projection, as `attend` makes them.
fn attention() {
    let (b, t, h, dh) = (32, 32, 4, 16);
    let d = h * dh;
    let qkv = Tensor::randn(&[b, t, 3 * d], 4);
    let heads = |x: Tensor| x.reshape(&[b, t, h, dh]).permute(&[0, 2, 1, 3]);
    let (q, k, v) = (heads(qkv.slice(2, 0, d)), heads(qkv.slice(2, d, 2 * d)), heads(qkv.slice(2, 2 * d, 3 * d)));
    let g_out = heads(Tensor::randn(&[b, t, d], 5));
    let p = Tensor::randn(&[b, h, t, t], 6);
    let g_scores = Tensor::randn(&[b, h, t, t], 7);
    let cases: [Case; 6] = [
        ("Q·Kᵀ ", Box::new(|| q.matmul(&k.transpose(2, 3)))),
        ("P·V  ", Box::new(|| p.matmul(&v))),
        ("gO·Vᵀ", Box::new(|| g_out.matmul(&v.transpose(2, 3)))),
        ("Pᵀ·gO", Box::new(|| p.transpose(2, 3).matmul(&g_out))),
        ("gS·K ", Box::new(|| g_scores.matmul(&k))),
        ("gSᵀ·Q", Box::new(|| g_scores.transpose(2, 3).matmul(&q))),
    ];
    for (name, product) in cases {
        report(&format!("attention {b}x{h} {name}"), 2.0 * (b * h * t * t * dh) as f64, &*product);
    }
}
