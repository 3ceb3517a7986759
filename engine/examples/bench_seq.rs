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
//!     cargo run --release -p nma-engine --example bench_seq [-- --steps 50] [--only lstm|transformer [--threads 2]] [--unfused]
//!
//! Prints the median ms/step for 1 and 2 threads and the time per kernel kind.
//! Compare with `python3 bench/torch_seq.py` (the same steps in PyTorch).

mod common;

use nma_engine::nn::{self, Embedding, Lstm, TransformerEncoderBlock};
use nma_engine::prelude::*;
use nma_engine::runtime;

const BATCH: usize = 32;
const SEQ: usize = 32;

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
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    // For comparison: LSTM layers unroll their cells instead of running one fused loop.
    if args.iter().any(|a| a == "--unfused") {
        runtime::set_fused_operators(false);
    }
    if let Some(model) = only {
        // One model alone, on 1 thread unless `--threads 2`, for profilers.
        let threads = args.iter().position(|a| a == "--threads").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok());
        let threads = threads.unwrap_or(1);
        runtime::set_threads(threads);
        let mut step: Box<dyn FnMut() -> f32> = match model.as_str() {
            "lstm" => Box::new(lstm_step()),
            "transformer" => Box::new(transformer_step()),
            other => panic!("--only takes lstm or transformer, not {other}"),
        };
        let ms = common::time_steps(&mut step, 5, steps).0;
        println!("{model}, {threads} thread(s): {ms:.2} ms/step\n{}", common::profile(10, &mut step));
        return;
    }
    println!("nma-engine sequence benchmarks, median of {steps} steps after 5 warm-up");
    for threads in [1, 2] {
        runtime::set_threads(threads);
        let lstm = common::time_steps(&mut lstm_step(), 5, steps).0;
        let tr = common::time_steps(&mut transformer_step(), 5, steps).0;
        println!("threads={threads}: LSTM {lstm:.2} ms/step, transformer {tr:.2} ms/step");
        common::result("lstm", threads, lstm);
        common::result("transformer", threads, tr);
    }
    if common::profiles_off() {
        return;
    }
    runtime::set_threads(1);
    let onehot = common::time_steps(&mut embedding_step(false), 3, steps).0;
    let slices = common::time_steps(&mut embedding_step(true), 1, 5.min(steps)).0;
    println!("embedding lookup 1024 ids of 1000x64, fwd+bwd, 1 thread: one-hot matmul {onehot:.2} ms, slices+cat {slices:.2} ms");
    println!("\nLSTM profile (1 thread, per step):\n{}", common::profile(10, &mut lstm_step()));
    println!("\ntransformer profile (1 thread, per step):\n{}", common::profile(10, &mut transformer_step()));
}
