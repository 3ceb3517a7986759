//! Training-step benchmark: MLP 784-128-10, batch 64, SGD, on random data.
//!
//!     cargo run --release -p nma-engine --example bench_mlp [-- --steps 500 --memory-steps 10000 --threads 1]
//!
//! Prints the median ms/step (after warm-up) for 1 and 2 threads of the real
//! step (`Mlp`, `cross_entropy`, `backward`, `Sgd`) and of a hand-written
//! variant, the time per kernel kind, and resident memory before and after a
//! long run.
//! Compare with `python3 bench/torch_mlp.py` (the same step in PyTorch).

mod common;

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};
use nma_engine::runtime;

const BATCH: usize = 64;
const LR: f32 = 0.1;

struct Model {
    w1: Tensor,
    b1: Tensor,
    w2: Tensor,
    b2: Tensor,
}

/// One step: forward, cross-entropy, hand-written backward, SGD update; all
/// realized in one pass. Returns the loss.
fn step(model: &mut Model, x: &Tensor, y: &Tensor) -> f32 {
    let h = x.matmul(&model.w1) + &model.b1;
    let a = h.relu();
    let logits = a.matmul(&model.w2) + &model.b2;
    let z = &logits - logits.max_dim(1, true);
    let logp = &z - z.exp().sum_dim(1, true).log();
    let loss = -(&logp * y).sum() / BATCH as f32;

    let dlogits = (logp.exp() - y) / BATCH as f32;
    let dw2 = a.t().matmul(&dlogits);
    let db2 = dlogits.sum_dim(0, false);
    let dh = dlogits.matmul(&model.w2.t()) * h.gt(0.0);
    let dw1 = x.t().matmul(&dh);
    let db1 = dh.sum_dim(0, false);

    let w1 = &model.w1 - dw1 * LR;
    let b1 = &model.b1 - db1 * LR;
    let w2 = &model.w2 - dw2 * LR;
    let b2 = &model.b2 - db2 * LR;
    Tensor::realize_all(&[&loss, &w1, &b1, &w2, &b2]);
    *model = Model {
        w1: w1.detach(),
        b1: b1.detach(),
        w2: w2.detach(),
        b2: b2.detach(),
    };
    loss.item()
}

fn rss_kib() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4
}

/// The real training step: `Mlp`, `cross_entropy`, autograd, `Sgd`.
struct Real {
    model: Mlp,
    opt: Sgd,
    x: Tensor,
    labels: Vec<usize>,
}

impl Real {
    fn step(&mut self) -> f32 {
        self.opt.zero_grad();
        let loss = cross_entropy(&self.model.forward(&self.x), &self.labels);
        loss.backward();
        self.opt.step();
        loss.item()
    }
}

/// Median ms/step (and p10, p90) of `steps` steps after `warmup`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let steps = arg("--steps", 500);
    let warmup = arg("--warmup", 50);
    let memory_steps = if common::profiles_off() { 0 } else { arg("--memory-steps", 10_000) };
    // `--threads N` measures only N threads (e.g. under a profiler); default both.
    let thread_counts: Vec<usize> = match arg("--threads", 0) {
        0 => vec![1, 2],
        n => vec![n],
    };

    let x = Tensor::rand(&[BATCH, 784], 1);
    let labels: Vec<usize> = (0..BATCH).map(|i| (i * 7) % 10).collect();
    let y = Tensor::one_hot(&labels, 10);
    let mut hand = Model {
        w1: (Tensor::rand(&[784, 128], 2) - 0.5) * 0.07,
        b1: Tensor::zeros(&[128]),
        w2: (Tensor::rand(&[128, 10], 3) - 0.5) * 0.17,
        b2: Tensor::zeros(&[10]),
    }
    .detached();
    let model = Mlp::new(&[784, 128, 10], Activation::Relu, 0);
    let opt = Sgd::new(model.parameters(), LR);
    let mut real = Real {
        model,
        opt,
        x: x.clone(),
        labels: labels.clone(),
    };

    println!("nma-engine: MLP 784-128-10, batch {BATCH}, SGD lr {LR}, {steps} steps after {warmup} warm-up");
    let mut profiles = Vec::new();
    for &threads in &thread_counts {
        runtime::set_threads(threads);
        let (med, p10, p90, loss) = common::time_steps(|| real.step(), warmup, steps);
        common::result("mlp", threads, med);
        println!(
            "engine threads={threads}: {med:.3} ms/step  (p10 {p10:.3}, p90 {p90:.3}; loss {loss:.4})  \
             [Mlp + cross_entropy + backward + Sgd]"
        );
        let (med, p10, p90, _) = common::time_steps(|| step(&mut hand, &x, &y), warmup, steps);
        println!(
            "engine threads={threads}: {med:.3} ms/step  (p10 {p10:.3}, p90 {p90:.3})  \
             [hand-written backward, update in the same realization]"
        );
        if !common::profiles_off() {
            profiles.push((threads, common::profile(200, &mut || real.step())));
        }
    }
    for (threads, report) in profiles {
        println!("\nper-step profile of the real step, threads={threads}:\n{report}");
    }

    if memory_steps > 0 {
        let before = rss_kib();
        for _ in 0..memory_steps {
            real.step();
        }
        let after = rss_kib();
        println!(
            "\nmemory: RSS {before} KiB before, {after} KiB after {memory_steps} more real steps ({:+} KiB); {} cached programs",
            after as isize - before as isize,
            runtime::cached_programs()
        );
    }
}

impl Model {
    fn detached(self) -> Model {
        Model {
            w1: self.w1.detach(),
            b1: self.b1.detach(),
            w2: self.w2.detach(),
            b2: self.b2.detach(),
        }
    }
}
