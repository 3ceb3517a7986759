"""PyTorch CPU reference for `cargo run --release -p nma-engine --example bench_mlp`.

One training step of an MLP 784-128-10 (Linear, ReLU, Linear, cross-entropy),
batch 64, plain SGD (lr 0.1), on random data: forward, backward, update.
Prints the median ms/step over STEPS steps after WARMUP, for 1 and 2 threads.

    python3 bench/torch_mlp.py [--steps 500] [--threads 1 2]
"""
import argparse
import statistics
import time

import torch


def bench(threads: int, steps: int, warmup: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.rand(64, 784)
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
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"torch {torch.__version__}, MLP 784-128-10, batch 64, SGD")
    for threads in args.threads:
        ms = bench(threads, args.steps, args.warmup)
        print(f"torch threads={threads}: {ms:.3f} ms/step (median of {args.steps})")


if __name__ == "__main__":
    main()
