"""PyTorch CPU reference for `cargo run --release -p nma-engine --example bench_cnn`.

One training step of a small CNN on 1×28×28 (conv 1→8 3×3 pad 1, ReLU, max-pool 2,
conv 8→16 3×3 pad 1, ReLU, max-pool 2, flatten, Linear 784→64, ReLU, Linear 64→10, cross-entropy),
batch 64, plain SGD (lr 0.05), on random data: forward, backward, update.
Prints the median ms/step over STEPS steps after WARMUP, for 1 and 2 threads.

    python3 bench/torch_cnn.py [--steps 500] [--threads 1 2]
"""
import torch

from torch_common import classifier_step_ms, main


def bench(threads: int, steps: int, warmup: int) -> float:
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10),
    )
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    return classifier_step_ms(model, x, y, 0.05, steps, warmup)


if __name__ == "__main__":
    main("CNN conv8-pool-conv16-pool-784-64-10 on 1x28x28, batch 64, SGD", 200, bench, "cnn")
