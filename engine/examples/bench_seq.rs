//! Training-step benchmark for sequence models, on random data, SGD (lr 0.01):
//!
//! * LSTM: input 32, hidden 128, sequence 32, batch 32; the last step's
//!   hidden state → `Linear(128, 10)` → cross-entropy.
//! * Transformer: 2 post-LN encoder blocks (d = 64, 4 heads, feed-forward
//!   256, ReLU), sequence 32, batch 32; mean over the sequence →
//!   `Linear(64, 10)` → cross-entropy.
//! * Embedding lookup (1,024 ids from a 1,000 × 64 table, forward + backward):
//!   one-hot · matmul against one slice per id.
//!
//!     cargo run --release -p nma-engine --example bench_seq [-- --steps 50]
//!
//! Prints the median ms/step for 1 and 2 threads and the time per kernel kind.
//! Compare with `python3 bench/torch_seq.py` (the same steps in PyTorch).

use std::time::Instant;

use nma_engine::nn::{self, Embedding, Lstm, TransformerEncoderBlock};
use nma_engine::prelude::*;
use nma_engine::runtime;

const BATCH: usize = 32;
const SEQ: usize = 32;

fn median_ms(steps: usize, warmup: usize, f: &mut dyn FnMut() -> f32) -> f64 {
    let mut times = Vec::with_capacity(steps);
    for i in 0..warmup + steps {
        let t = Instant::now();
        let loss = f();
        assert!(loss.is_finite());
        if i >= warmup {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn profile(steps: usize, f: &mut dyn FnMut() -> f32) -> String {
    runtime::set_profiling(true);
    let t = Instant::now();
    for _ in 0..steps {
        f();
    }
    let total = t.elapsed().as_secs_f64();
    let rows = runtime::take_profile();
    runtime::set_profiling(false);
    let per = |s: f64| s / steps as f64 * 1e3;
    let mut out = String::new();
    let mut accounted = 0.0;
    for (kind, seconds, calls) in rows.iter().take(12) {
        if !kind.starts_with(' ') {
            accounted += seconds;
        }
        out += &format!("  {kind:<26} {:>8.3} ms  ({:.0} calls)\n", per(*seconds), *calls as f64 / steps as f64);
    }
    let all: f64 = rows.iter().filter(|r| !r.0.starts_with(' ')).map(|r| r.1).sum();
    out += &format!(
        "  {:<26} {:>8.3} ms\n  {:<26} {:>8.3} ms",
        "outside realization",
        per(total - all.max(accounted)),
        "total (profiled)",
        per(total)
    );
    out
}

fn labels(seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    (0..BATCH).map(|_| rng.below(10)).collect()
}

fn lstm_step() -> impl FnMut() -> f32 {
    let lstm = Lstm::new(32, 128, 0);
    let head = Linear::new(128, 10, 1);
    let mut params = lstm.parameters();
    params.extend(head.parameters());
    let mut opt = Sgd::new(params, 0.01);
    let x = Tensor::randn(&[BATCH, SEQ, 32], 2);
    let y = labels(3);
    move || {
        opt.zero_grad();
        let (_, (h, _)) = lstm.forward_with(&x, None);
        let loss = nn::cross_entropy(&head.forward(&h.squeeze(0)), &y);
        loss.backward();
        opt.step();
        loss.item()
    }
}

fn transformer_step() -> impl FnMut() -> f32 {
    let blocks = [TransformerEncoderBlock::new(64, 4, 256, 0), TransformerEncoderBlock::new(64, 4, 256, 1)];
    let head = Linear::new(64, 10, 2);
    let mut params: Vec<Tensor> = blocks.iter().flat_map(|b| b.parameters()).collect();
    params.extend(head.parameters());
    let mut opt = Sgd::new(params, 0.01);
    let x = Tensor::randn(&[BATCH, SEQ, 64], 3) + nn::positional_encoding(SEQ, 64);
    let y = labels(4);
    move || {
        opt.zero_grad();
        let mut h = x.clone();
        for b in &blocks {
            h = b.forward(&h);
        }
        let loss = nn::cross_entropy(&head.forward(&h.mean_dim(1, false)), &y);
        loss.backward();
        opt.step();
        loss.item()
    }
}

fn embedding_step(by_slices: bool) -> impl FnMut() -> f32 {
    let emb = Embedding::new(1000, 64, 0);
    let mut rng = Rng::new(5);
    let ids: Vec<usize> = (0..BATCH * SEQ).map(|_| rng.below(1000)).collect();
    let w = Tensor::randn(&[BATCH * SEQ, 64], 6);
    move || {
        emb.zero_grad();
        let e = if by_slices { emb.lookup_by_slices(&ids) } else { emb.lookup(&ids) };
        let loss = e.mul(&w).sum();
        loss.backward();
        loss.item()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let steps = args
        .iter()
        .position(|a| a == "--steps")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    println!("nma-engine sequence benchmarks, median of {steps} steps after 5 warm-up");
    for threads in [1, 2] {
        runtime::set_threads(threads);
        let lstm = median_ms(steps, 5, &mut lstm_step());
        let tr = median_ms(steps, 5, &mut transformer_step());
        println!("threads={threads}: LSTM {lstm:.2} ms/step, transformer {tr:.2} ms/step");
    }
    runtime::set_threads(1);
    let onehot = median_ms(steps, 3, &mut embedding_step(false));
    let slices = median_ms(5.min(steps), 1, &mut embedding_step(true));
    println!("embedding lookup 1024 ids of 1000x64, fwd+bwd, 1 thread: one-hot matmul {onehot:.2} ms, slices+cat {slices:.2} ms");
    println!("\nLSTM profile (1 thread, per step):\n{}", profile(10, &mut lstm_step()));
    println!("\ntransformer profile (1 thread, per step):\n{}", profile(10, &mut transformer_step()));
}
