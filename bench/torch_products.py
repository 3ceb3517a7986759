"""The transformer bench's matrix products alone in PyTorch, one thread, best of 30
(the twin of `cargo run --release -p nma-engine --example bench_products`)."""
import time

import torch

LAYERS = [(1024, 64, 192), (1024, 64, 64), (1024, 64, 256), (1024, 256, 64)]

torch.set_num_threads(1)
print(f"torch {torch.__version__} products, 1 thread, best of 30")
for rows, inp, out in LAYERS:
    x, w, g = torch.randn(rows, inp), torch.randn(out, inp), torch.randn(rows, out)
    for name, product in [("x·Wᵀ", lambda: x @ w.t()), ("g·W", lambda: g @ w), ("gᵀ·x", lambda: g.t() @ x)]:
        best = float("inf")
        for _ in range(30):
            t = time.perf_counter()
            product()
            best = min(best, time.perf_counter() - t)
        flops = 2.0 * rows * inp * out
        print(f"{rows}x{inp}x{out} {name:<5} {best * 1e6:8.1f} us {flops / best / 1e9:6.1f} GFLOP/s")
