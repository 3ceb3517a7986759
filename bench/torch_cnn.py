"""PyTorch CPU reference for `cargo run --release -p nma-engine --example bench_cnn`.

One training step of a small CNN on 1×28×28 (conv 1→8 3×3 pad 1, ReLU, max-pool 2,
conv 8→16 3×3 pad 1, ReLU, max-pool 2, flatten, Linear 784→64, ReLU, Linear 64→10, cross-entropy),
batch 64, plain SGD (lr 0.05), on random data: forward, backward, update.
Prints the median ms/step over STEPS steps after WARMUP, for 1 and 2 threads.

    python3 bench/torch_cnn.py [--steps 500] [--threads 1 2]
"""
import argparse
import statistics
import time

import torch


def bench(threads: int, steps: int, warmup: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"torch {torch.__version__}, CNN conv8-pool-conv16-pool-784-64-10 on 1x28x28, batch 64, SGD")
    for threads in args.threads:
        ms = bench(threads, args.steps, args.warmup)
        print(f"torch threads={threads}: {ms:.3f} ms/step (median of {args.steps})")


if __name__ == "__main__":
    main()
