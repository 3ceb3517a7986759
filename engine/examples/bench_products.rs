//! The transformer bench's matrix products alone, at one thread: each shape
//! and operand layout its training step runs (forward `x·Wᵀ`, the input
//! gradient `g·W`, the weight gradient `gᵀ·x`), best of 30, in GFLOP/s.
//!
//!     cargo run --release -p nma-engine --example bench_products
//!
//! Compare with `python3 bench/torch_products.py` (the same products in PyTorch).

use nma_engine::prelude::*;
use nma_engine::runtime;
use std::time::Instant;

/// (rows of x, features in, features out): the transformer's linear layers on 32 × 32 tokens.
const LAYERS: [(usize, usize, usize); 4] = [(1024, 64, 192), (1024, 64, 64), (1024, 64, 256), (1024, 256, 64)];

fn main() {
    runtime::set_threads(1);
    println!("nma-engine products ({}), 1 thread, best of 30", runtime::code_path());
    for (rows, inp, out) in LAYERS {
        let x = Tensor::randn(&[rows, inp], 1);
        let w = Tensor::randn(&[out, inp], 2);
        let g = Tensor::randn(&[rows, out], 3);
        let cases: [(&str, Box<dyn Fn() -> Tensor>); 3] = [
            ("x·Wᵀ", Box::new(|| x.matmul(&w.t()))),
            ("g·W", Box::new(|| g.matmul(&w))),
            ("gᵀ·x", Box::new(|| g.t().matmul(&x))),
        ];
        for (name, product) in cases {
            let mut best = f64::MAX;
            for _ in 0..30 {
                let t = Instant::now();
                let c = product();
                std::hint::black_box(c.to_vec());
                best = best.min(t.elapsed().as_secs_f64());
            }
            let flops = 2.0 * (rows * inp * out) as f64;
            println!("{rows}x{inp}x{out} {name:<5} {:8.1} us {:6.1} GFLOP/s", best * 1e6, flops / best / 1e9);
        }
    }
}
