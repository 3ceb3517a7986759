"""PyTorch CPU reference for `cargo run --release -p nma-engine --example bench_seq`.

One SGD (lr 0.01) training step on random data, median ms/step, 1 and 2 threads:
* LSTM: input 32, hidden 128, sequence 32, batch 32 (batch_first); the last
  hidden state -> Linear(128, 10) -> cross-entropy.
* Transformer: 2 post-LN nn.TransformerEncoderLayer (d 64, 4 heads, feed-forward
  256, ReLU, dropout 0, batch_first), sequence 32, batch 32; mean over the
  sequence -> Linear(64, 10) -> cross-entropy.

    python3 bench/torch_seq.py [--steps 50] [--threads 1 2]
"""
import argparse

import torch

from torch_common import median_ms, result


def lstm_step():
    lstm = torch.nn.LSTM(32, 128, batch_first=True)
    head = torch.nn.Linear(128, 10)
    opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.01)
    x = torch.randn(32, 32, 32)
    y = torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad(set_to_none=True)
        _, (h, _) = lstm(x)
        loss = torch.nn.functional.cross_entropy(head(h[0]), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def transformer_step():
    blocks = torch.nn.Sequential(
        *[torch.nn.TransformerEncoderLayer(64, 4, dim_feedforward=256, dropout=0.0, batch_first=True) for _ in range(2)]
    )
    blocks.train()
    head = torch.nn.Linear(64, 10)
    opt = torch.optim.SGD(list(blocks.parameters()) + list(head.parameters()), lr=0.01)
    x = torch.randn(32, 32, 64)
    y = torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(head(blocks(x).mean(1)), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    a = p.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, median of {a.steps} steps")
    for t in a.threads:
        torch.set_num_threads(t)
        l = median_ms(lstm_step(), a.steps, a.warmup)
        tr = median_ms(transformer_step(), a.steps, a.warmup)
        print(f"torch threads={t}: LSTM {l:.2f} ms/step, transformer {tr:.2f} ms/step")
        result("lstm", t, l)
        result("transformer", t, tr)


if __name__ == "__main__":
    main()
