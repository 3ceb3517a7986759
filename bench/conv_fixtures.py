"""Prints the PyTorch reference values pasted into engine/tests/conv.rs and
engine/tests/norm.rs. Run OFFLINE (never at test time):

    python3 bench/conv_fixtures.py > /tmp/fixtures.rs

Inputs are deterministic formulas both sides compute: element i (row-major)
of a tensor made by `wave(shape, a, b)` is sin(a*i + b). Losses are
sum(y * cos(0.7*i)) so every output element gets a distinct gradient.
"""
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def wave(shape, a, b):
    n = math.prod(shape)
    return torch.tensor([math.sin(a * i + b) for i in range(n)]).reshape(shape)


def probe(y):
    n = y.numel()
    return (y * torch.tensor([math.cos(0.7 * i) for i in range(n)]).reshape(y.shape)).sum()


def emit(name, t):
    vals = ", ".join(f"{v:.6}" for v in t.flatten().tolist())
    print(f"pub const {name}: &[f32] = &[{vals}];")


def case(name, f, *inputs):
    ts = [t.clone().requires_grad_(True) for t in inputs]
    y = f(*ts)
    probe(y).backward()
    print(f"// {name}: output shape {list(y.shape)}")
    emit(f"{name}_Y", y.detach())
    for i, t in enumerate(ts):
        emit(f"{name}_G{i}", t.grad)


x = wave([2, 3, 5, 6], 0.37, 0.1)
w = wave([4, 3, 3, 3], 0.91, 0.3) * 0.5
b = wave([4], 1.3, 0.0)
case("CONV_BASIC", lambda x, w, b: F.conv2d(x, w, b, 1, 1), x, w, b)

x = wave([1, 2, 7, 8], 0.53, 0.2)
w = wave([3, 2, 3, 2], 0.77, 0.4)
case("CONV_STRIDED", lambda x, w: F.conv2d(x, w, None, 2, (1, 2), (2, 1)), x, w)

x = wave([2, 4, 5, 5], 0.29, 0.5)
w = wave([4, 2, 3, 3], 0.61, 0.1)
b = wave([4], 0.9, 0.2)
case("CONV_GROUPS", lambda x, w, b: F.conv2d(x, w, b, 1, 0, 1, 2), x, w, b)

x = wave([1, 4, 6, 6], 0.41, 0.7)
w = wave([4, 1, 3, 3], 0.83, 0.2)
case("CONV_DEPTHWISE", lambda x, w: F.conv2d(x, w, None, 2, 1, 1, 4), x, w)

x = wave([2, 3, 9], 0.47, 0.3)
w = wave([2, 3, 3], 0.71, 0.6)
b = wave([2], 1.1, 0.4)
case("CONV1D", lambda x, w, b: F.conv1d(x, w, b, 2, 1, 2), x, w, b)

x = wave([1, 2, 3, 4], 0.59, 0.1)
w = wave([2, 3, 3, 3], 0.67, 0.9)
b = wave([3], 0.8, 0.3)
case("CONVT", lambda x, w, b: F.conv_transpose2d(x, w, b, 2, 1, 1), x, w, b)

x = wave([1, 4, 3, 3], 0.31, 0.2)
w = wave([4, 1, 2, 3], 0.73, 0.5)
case("CONVT_GROUPS", lambda x, w: F.conv_transpose2d(x, w, None, (1, 2), (0, 1), 0, 2, (2, 1)), x, w)

x = wave([2, 2, 6, 8], 0.97, 0.3)
case("MAXPOOL2", lambda x: F.max_pool2d(x, 2), x)
case("MAXPOOL3", lambda x: F.max_pool2d(x, 3, 2, 1), x)
case("AVGPOOL3", lambda x: F.avg_pool2d(x, 3, 2, 1), x)
x = wave([2, 2, 5, 7], 0.43, 0.6)
case("ADAPTIVE", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), x)

# Normalisation
x = wave([4, 3, 2, 3], 0.57, 0.2) * 2 + 0.5
w = wave([3], 1.7, 0.3)
b = wave([3], 0.9, 1.0)
case("BATCHNORM2D", lambda x, w, b: F.batch_norm(x, None, None, w, b, True), x, w, b)
bn = torch.nn.BatchNorm2d(3)
bn(x)
bn(x * 0.5 + 1.0)
emit("BN_RUNNING_MEAN", bn.running_mean)
emit("BN_RUNNING_VAR", bn.running_var)
bn.eval()
emit("BN_EVAL_Y", bn(x).detach())
x = wave([5, 4], 0.63, 0.1)
case("BATCHNORM1D", lambda x: F.batch_norm(x, None, None, None, None, True), x)
x = wave([2, 3, 4], 0.39, 0.8)
w = wave([3, 4], 1.3, 0.1)
b = wave([3, 4], 0.7, 0.2)
case("LAYERNORM", lambda x, w, b: F.layer_norm(x, [3, 4], w, b), x, w, b)
x = wave([2, 6, 2, 2], 0.51, 0.4)
w = wave([6], 1.1, 0.3)
b = wave([6], 0.6, 0.5)
case("GROUPNORM", lambda x, w, b: F.group_norm(x, 3, w, b), x, w, b)
