//! Training-step benchmark: a small CNN on 1×28×28, batch 64, SGD, random data.
//!
//!     cargo run --release -p nma-engine --example bench_cnn [-- --steps 200 --warmup 20 --im2col windows|stack]
//!
//! conv(1→8, 3, pad 1) - ReLU - max-pool 2 - conv(8→16, 3, pad 1) - ReLU -
//! max-pool 2 - flatten - Linear(784→64) - ReLU - Linear(64→10), cross-entropy,
//! `backward`, `Sgd`. Prints the median ms/step (p10, p90) for 1 and 2 threads
//! and the time per kernel kind. Convolution patches are gathered by stacking
//! shifted slices; `--im2col windows` uses the window trick instead (see `nn/conv.rs`).
//! Compare with `python3 bench/torch_cnn.py` (the same step in PyTorch).

mod common;

use nma_engine::prelude::*;
use nma_engine::runtime;

const BATCH: usize = 64;

fn model() -> Sequential {
    Sequential::default()
        .add(Conv2d::new(1, 8, 3, 1).padding(1))
        .add(nn::ReLU)
        .add(MaxPool2d::new(2))
        .add(Conv2d::new(8, 16, 3, 2).padding(1))
        .add(nn::ReLU)
        .add(MaxPool2d::new(2))
        .add(Flatten::default())
        .add(Linear::new(784, 64, 3))
        .add(nn::ReLU)
        .add(Linear::new(64, 10, 4))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let num =
        |name: &str, default: usize| value(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let (steps, warmup) = (num("--steps", 200), num("--warmup", 20));
    let method = value("--im2col").unwrap_or_else(|| "stack".into());
    nn::set_im2col(if method == "windows" {
        nn::Im2col::Windows
    } else {
        nn::Im2col::StackedSlices
    });

    let model = model();
    let mut opt = Sgd::new(model.parameters(), 0.05);
    let x = Tensor::rand(&[BATCH, 1, 28, 28], 1);
    let labels: Vec<usize> = (0..BATCH).map(|i| (i * 7) % 10).collect();
    let mut step = || {
        opt.zero_grad();
        let loss = nn::cross_entropy(&model.forward(&x), &labels);
        loss.backward();
        opt.step();
        loss.item()
    };
    println!("nma-engine: CNN conv8-pool-conv16-pool-784-64-10 on 1x28x28, batch {BATCH}, SGD; im2col = {method}; {steps} steps after {warmup} warm-up");
    let mut reports = Vec::new();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        let (med, p10, p90, loss) = common::time_steps(&mut step, warmup, steps);
        println!("engine threads={threads}: {med:.3} ms/step  (p10 {p10:.3}, p90 {p90:.3}; loss {loss:.4})");
        common::result("cnn", threads, med);
        if !common::profiles_off() {
            let out = common::profile(steps.min(50), &mut step);
            reports.push((threads, out));
        }
    }
    for (threads, report) in reports {
        println!("\nper-step profile, threads={threads}:\n{report}");
    }
}
