"""Runs each engine bench and its PyTorch twin alternately, several rounds, and
prints one table: step, threads, engine ms, PyTorch ms, ratio (median and range),
with the CPU model and the engine's code path. Called by scripts/bench-vs-torch,
which builds the benches and provides a Python with torch.

    python3 bench/compare.py --python PY --examples DIR [--rounds 5] [--simd avx2] [--torch-widest]

--simd avx2 lowers PyTorch's vector instructions to the same width (its own
kernels, MKL's and oneDNN's, through their documented environment variables),
so the AVX2 path is compared with PyTorch as it runs on an AVX2 CPU;
--torch-widest leaves PyTorch on the widest instructions this CPU has.
--simd baseline leaves PyTorch alone: the baseline path's products run on the
matrixmultiply crate, which picks the CPU's widest instructions itself.
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# What PyTorch runs on a CPU that has only the engine's path: ATen's own
# kernels, MKL's products and oneDNN's convolutions, each capped.
TORCH_ISA = {
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
}
# (engine example, PyTorch script, steps each side measures)
PAIRS = [("bench_mlp", "torch_mlp.py"), ("bench_cnn", "torch_cnn.py"), ("bench_seq", "torch_seq.py")]
ORDER = ["mlp", "cnn", "lstm", "transformer"]
LINE = re.compile(r"^result step=(\w+) threads=(\d+) ms=([\d.]+)(?: path=(.*)| torch=(.*))?$")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run(cmd, env):
    """Runs one bench; returns {(step, threads): ms} and the code path or torch version it printed."""
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench-vs-torch: {' '.join(cmd)} failed (exit {out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    found, about = {}, None
    for line in out.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            found[(m.group(1), int(m.group(2)))] = float(m.group(3))
            about = m.group(4) or m.group(5) or about
    if not found:
        sys.exit(f"bench-vs-torch: {' '.join(cmd)} printed no result lines:\n{out.stdout[-2000:]}")
    return found, about


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--python", required=True, help="a Python that can import torch")
    p.add_argument("--examples", required=True, help="the folder holding the built bench examples")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--simd", default=None, help="NMA_SIMD for the engine: avx512, avx2 or baseline")
    p.add_argument("--torch-widest", action="store_true", help="leave PyTorch on the widest instructions this CPU has")
    a = p.parse_args()

    env = dict(os.environ, NMA_BENCH_PROFILE="0")
    if a.simd:
        env["NMA_SIMD"] = a.simd
        if not a.torch_widest:
            env.update(TORCH_ISA.get(a.simd, {}))
    engine = {}  # (step, threads) -> [ms per round]
    torch = {}
    ratios = {}
    path = torch_version = None
    for r in range(a.rounds):
        for example, script in PAIRS:
            sides = [("engine", [os.path.join(a.examples, example)]), ("torch", [a.python, os.path.join(HERE, script)])]
            # Alternate which side goes first, so a slow spell of the machine hits both.
            if r % 2:
                sides.reverse()
            results = {}
            for side, cmd in sides:
                results[side], about = run(cmd, env)
                if side == "engine":
                    path = about
                else:
                    torch_version = about
            for key, ms in results["engine"].items():
                if key in results["torch"]:
                    engine.setdefault(key, []).append(ms)
                    torch.setdefault(key, []).append(results["torch"][key])
                    ratios.setdefault(key, []).append(ms / results["torch"][key])
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr, flush=True)

    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores)")
    print(f"engine code path: {path}; PyTorch {torch_version}; {a.rounds} alternating rounds")
    print()
    print("| step | threads | nma-engine ms | PyTorch ms | ratio (median) | ratio range |")
    print("|---|---|---|---|---|---|")
    keys = sorted(ratios, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1]))
    for step, threads in keys:
        e, t, q = engine[(step, threads)], torch[(step, threads)], ratios[(step, threads)]
        print(
            f"| {step} | {threads} | {statistics.median(e):.3f} | {statistics.median(t):.3f} "
            f"| {statistics.median(q):.2f} | {min(q):.2f}–{max(q):.2f} |"
        )


if __name__ == "__main__":
    main()
