"""PyTorch CPU reference for `cargo run --release -p nma-engine --example bench_mlp`.

One training step of an MLP 784-128-10 (Linear, ReLU, Linear, cross-entropy),
batch 64, plain SGD (lr 0.1), on random data: forward, backward, update.
Prints the median ms/step over STEPS steps after WARMUP, for 1 and 2 threads.

    python3 bench/torch_mlp.py [--steps 500] [--threads 1 2]
"""
import torch

from torch_common import classifier_step_ms, main


def bench(threads: int, steps: int, warmup: int) -> float:
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    x = torch.rand(64, 784)
    y = torch.randint(0, 10, (64,))
    return classifier_step_ms(model, x, y, 0.1, steps, warmup)


if __name__ == "__main__":
    main("MLP 784-128-10, batch 64, SGD", 500, bench, "mlp")
