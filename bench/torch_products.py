"""The transformer bench's linear layers' products and the LSTM bench's three
largest products alone in PyTorch, one thread, best of 30 (the twin of
`cargo run --release -p nma-engine --example bench_products`, whose attention
cases have no twin here)."""
import time

import torch

LAYERS = [(1024, 64, 192), (1024, 64, 64), (1024, 64, 256), (1024, 256, 64)]


def report(label, product, flops):
    """Best of 30 calls of `product`, in µs and GFLOP/s."""
    best = float("inf")
    for _ in range(30):
        t = time.perf_counter()
        product()
        best = min(best, time.perf_counter() - t)
    print(f"{label} {best * 1e6:8.1f} us {flops / best / 1e9:6.1f} GFLOP/s")


torch.set_num_threads(1)
print(f"torch {torch.__version__} products, 1 thread, best of 30")
for rows, inp, out in LAYERS:
    x, w, g = torch.randn(rows, inp), torch.randn(out, inp), torch.randn(rows, out)
    for name, product in [("x·Wᵀ", lambda: x @ w.t()), ("g·W", lambda: g @ w), ("gᵀ·x", lambda: g.t() @ x)]:
        report(f"{rows}x{inp}x{out} {name:<5}", product, 2.0 * rows * inp * out)

dgates, h, x, w_ih = torch.randn(1024, 512), torch.randn(1024, 128), torch.randn(1024, 32), torch.randn(512, 32)
report("lstm 1024x512x128 dgᵀ·h", lambda: dgates.t() @ h, 2.0 * 1024 * 512 * 128)
report("lstm 1024x512x32 dgᵀ·x", lambda: dgates.t() @ x, 2.0 * 1024 * 512 * 32)
report("lstm 1024x32x512 x·W_ihᵀ", lambda: x @ w_ih.t(), 2.0 * 1024 * 512 * 32)
