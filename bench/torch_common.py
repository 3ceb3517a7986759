"""Timing shared by the PyTorch reference benchmarks (torch_mlp.py, torch_cnn.py, torch_seq.py)."""
import argparse
import statistics
import time

import torch


def result(step, threads, ms):
    """One machine-readable line per measurement, as the engine's benches print, for scripts/bench-vs-torch."""
    isa = torch.backends.cpu.get_cpu_capability()
    print(f"result step={step} threads={threads} ms={ms:.4f} torch={torch.__version__} CPU, {isa}", flush=True)


def median_ms(step, steps, warmup):
    """Median wall time of `step()` in ms, over `steps` calls after `warmup` untimed ones."""
    times = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        step()
        if i >= warmup:
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def classifier_step_ms(model, x, y, lr, steps, warmup):
    """Median ms of one SGD training step (zero_grad, cross-entropy, backward, step)."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    return median_ms(step, steps, warmup)


def main(description, default_steps, bench, step_name):
    """Command line shared by the scripts: `bench(threads, steps, warmup)` gives ms/step."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=default_steps)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {description}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        ms = bench(threads, args.steps, args.warmup)
        print(f"torch threads={threads}: {ms:.3f} ms/step (median of {args.steps})")
        result(step_name, threads, ms)
