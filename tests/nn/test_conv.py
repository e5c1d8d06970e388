"""Convolutions against torch: F.conv*d / conv_transpose*d / torch.convolution outputs and the
gradients of input, weight and bias (float64 tight, float32 loose) over odd shapes; second
derivatives; padding modes (F.pad); the modules' initialisation, reprs, output_size and errors;
a LeNet trained under ``python -m flambeau run``."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

RNG = np.random.default_rng(0)
TOL = {"float32": dict(rtol=2e-4, atol=2e-4), "float64": dict(rtol=1e-10, atol=1e-10)}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs and messages print torch's names."""


def run_both(fn, shapes, dtype):
    """``fn(lib, *tensors)`` in both libraries on the same random values: outputs, grad_fn
    names and the gradients of every input compared."""
    arrays = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    results = []
    for lib in (torch, flambeau):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *ts)
        out.backward(lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape)
                                .astype(dtype)))
        results.append((out, [t.grad for t in ts]))
    (ot, gt), (of, gf) = results
    assert tuple(of.shape) == tuple(ot.shape)
    np.testing.assert_allclose(to_numpy(of), to_numpy(ot), **TOL[dtype])
    for a, b in zip(gf, gt):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), **TOL[dtype])
    assert type(of.grad_fn).__name__ == type(ot.grad_fn).__name__
    assert of.dtype == getattr(flambeau, dtype)


CONV = [  # (nd, input shape, weight shape, options)
    (2, (2, 4, 9, 7), (6, 4, 3, 2), {}),  # non-square kernel
    (2, (2, 4, 9, 7), (6, 2, 3, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (2, 4, 8, 8), (4, 1, 3, 3), dict(groups=4, padding=(1, 0))),  # depthwise
    (2, (2, 4, 5, 5), (3, 4, 1, 1), {}),  # 1x1
    (2, (2, 3, 11, 10), (5, 3, 2, 2), dict(stride=(4, 3))),  # stride > kernel
    (2, (0, 3, 6, 6), (4, 3, 3, 3), {}),  # empty batch
    (2, (3, 7, 6), (4, 3, 3, 3), dict(padding=1)),  # unbatched
    (2, (2, 3, 7, 6), (4, 3, 4, 3), dict(padding="same", dilation=(1, 2))),
    (2, (2, 3, 7, 6), (4, 3, 3, 3), dict(padding="valid")),
    (1, (2, 3, 10), (4, 3, 3), dict(stride=2, padding=2, dilation=3)),
    (1, (3, 10), (6, 1, 4), dict(groups=3, padding="same")),
    (3, (2, 2, 5, 4, 6), (4, 2, 2, 3, 2), dict(stride=(1, 2, 1), padding=1)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("nd,x,w,options", CONV)
def test_conv(nd, x, w, options, bias, dtype):
    shapes = [x, w] + ([(w[0],)] if bias else [])
    run_both(lambda lib, *t: getattr(lib.nn.functional, f"conv{nd}d")(*t, **options),
             shapes, dtype)


TRANSPOSED = [
    (2, (2, 4, 5, 4), (4, 3, 3, 2), {}),
    (2, (2, 4, 5, 4), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1, groups=2,
                                         dilation=2)),
    (2, (2, 4, 3, 3), (4, 2, 2, 2), dict(stride=(3, 2), output_padding=(2, 1))),
    (2, (4, 5, 4), (4, 3, 3, 3), dict(stride=2)),  # unbatched
    (2, (2, 2, 4, 4), (2, 2, 4, 5), dict(stride=(3, 2), padding=(1, 2), output_padding=(2, 3),
                                         groups=2, dilation=(3, 4))),  # output_padding >= stride
    (1, (2, 3, 6), (3, 2, 4), dict(stride=3, padding=1, output_padding=2)),
    (3, (1, 2, 3, 4, 3), (2, 3, 2, 3, 2), dict(stride=2, padding=(0, 1, 0))),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("nd,x,w,options", TRANSPOSED)
def test_conv_transpose(nd, x, w, options, dtype):
    groups = options.get("groups", 1)
    shapes = [x, w, (w[1] * groups,)]
    run_both(lambda lib, *t: getattr(lib.nn.functional, f"conv_transpose{nd}d")(*t, **options),
             shapes, dtype)


@pytest.mark.parametrize("transposed", [False, True])
def test_torch_convolution(transposed):
    run_both(lambda lib, x, w, b: lib.convolution(x, w, b, [2, 1], [1, 0], [1, 2], transposed,
                                                  [1, 0] if transposed else [0, 0], 1),
             [(2, 3, 6, 7), (3, 3, 3, 2), (3,)], "float64")


@pytest.mark.parametrize("transposed", [False, True])
def test_second_derivatives(transposed):
    fn = flambeau.conv_transpose2d if transposed else flambeau.conv2d
    options = dict(stride=2, padding=1, groups=2)
    x = flambeau.randn(2, 4, 5, 4, dtype=flambeau.float64, requires_grad=True)
    w = flambeau.randn(4, 2, 3, 2, dtype=flambeau.float64, requires_grad=True)
    b = flambeau.randn(4 if not transposed else 4, dtype=flambeau.float64, requires_grad=True)
    assert flambeau.autograd.gradgradcheck(lambda *t: fn(*t, **options), (x, w, b))


def test_gradient_penalty_matches_torch():
    """A WGAN-GP style penalty: the norm of the input gradient, differentiated again."""
    x, w = RNG.standard_normal((2, 3, 6, 6)), RNG.standard_normal((4, 3, 3, 3))
    grads = []
    for lib in (torch, flambeau):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.conv2d(xt, wt, padding=1).tanh().sum()
        g, = lib.autograd.grad(out, xt, create_graph=True)
        (g.pow(2).sum() - 1).pow(2).backward()
        grads.append(to_numpy(wt.grad))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,pad", [((2, 3, 6), (2, 1)), ((2, 3, 6, 5), (1, 2, 2, 0)),
                                       ((3, 4, 4, 5), (1, 1, 0, 2)),
                                       ((1, 2, 3, 4, 5), (1, 0, 2, 1, 1, 2)),
                                       ((1, 3, 4, 4), (-1, 1, -2, 1))])
def test_pad_modes(mode, shape, pad):
    if min(pad) < 0 and mode != "circular":
        pytest.skip("negative widths crop: circular only")
    run_both(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode).pow(2), [shape],
             "float64")


@pytest.mark.parametrize("make", [
    lambda nn: nn.Conv2d(3, 6, 5),
    lambda nn: nn.Conv2d(4, 8, (3, 2), stride=2, padding=1, dilation=2, groups=2, bias=False,
                         padding_mode="reflect"),
    lambda nn: nn.Conv1d(2, 4, 3, padding="same", padding_mode="circular"),
    lambda nn: nn.Conv3d(2, 2, 3, padding="same", padding_mode="replicate"),
    lambda nn: nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1, groups=2),
    lambda nn: nn.ConvTranspose1d(2, 3, 4, dilation=2, bias=False),
    lambda nn: nn.ConvTranspose3d(2, 2, 2),
])
def test_modules_match_torch(make):
    torch.manual_seed(3)
    flambeau.manual_seed(3)
    theirs, ours = make(torch.nn), make(flambeau.nn)
    assert repr(ours) == repr(theirs)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(to_numpy(p), to_numpy(q), rtol=1e-6, atol=1e-7)
    nd = len(theirs.kernel_size)
    x = RNG.standard_normal((2, theirs.in_channels) + (7,) * nd).astype("float32")
    np.testing.assert_allclose(to_numpy(ours(flambeau.tensor(x))),
                               to_numpy(theirs(torch.tensor(x))), rtol=1e-4, atol=1e-5)
    assert type(theirs).__constants__ == type(ours).__constants__


def test_conv_transpose_output_size():
    for lib in (torch, flambeau):
        m = lib.nn.ConvTranspose2d(2, 3, 3, stride=2)
        assert tuple(m(lib.ones(1, 2, 4, 4), output_size=[10, 9]).shape) == (1, 3, 10, 9)
    raises_like(lambda: flambeau.nn.ConvTranspose2d(2, 3, 3, stride=2)(
                    flambeau.ones(1, 2, 4, 4), output_size=[12, 9]),
                lambda: torch.nn.ConvTranspose2d(2, 3, 3, stride=2)(
                    torch.ones(1, 2, 4, 4), output_size=[12, 9]))


ERRORS = [
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 2, 3, 3), groups=3),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 9, 9)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3),
                                         lib.ones(5)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 3), lib.ones(6, 4, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8, dtype=lib.float64),
                                         lib.ones(6, 4, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3), stride=0),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3),
                                         padding=-1),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3),
                                         padding="same", stride=2),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3),
                                         padding="foo"),
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 4, 8, 8), lib.ones(6, 4, 3, 3), groups=0),
    lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(2, 4, 8, 8), lib.ones(4, 3, 3, 3),
                                                   output_padding=2),
    lambda lib: lib.nn.Conv2d(4, 6, 3, groups=4),
    lambda lib: lib.nn.Conv2d(4, 6, 3, groups=0),
    lambda lib: lib.nn.Conv2d(4, 6, 3, padding_mode="zero"),
    lambda lib: lib.nn.Conv2d(4, 6, 3, padding="full"),
    lambda lib: lib.nn.Conv2d(4, 6, 3, stride=2, padding="same"),
    lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"),
    lambda lib: lib.nn.functional.pad(lib.ones(1, 1, 4, 4), (5, 5, 1, 1), mode="reflect"),
]


def _set_sorted(message):
    """A message with the Python set it prints in sorted order: a set's order depends on the
    hash seed and on the bytecode that built it, so torch's own order varies between runs."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) +
                  "}", message)


@pytest.mark.parametrize("call", ERRORS)
def test_errors(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(flambeau)
    assert _set_sorted(str(ours.value)) == _set_sorted(str(theirs.value))


LENET = '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

torch.manual_seed(0)
net = LeNet()
print(net)
x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
for step in range(15):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(net(x), y)
    loss.backward()
    opt.step()
    print(loss.item())
'''


def test_lenet_trains_under_run(tmp_path):
    script = tmp_path / "lenet.py"
    script.write_text(LENET)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "flambeau", "run", str(script)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "LeNet("
    assert "(conv1): Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))" in done.stdout
    losses = [float(v) for v in lines[-15:]]
    assert losses[-1] < losses[0] - 0.1


@pytest.mark.parametrize("name,shape", [("LazyConv1d", (2, 6, 8)), ("LazyConv2d", (6, 8, 8)),
                                        ("LazyConv3d", (1, 2, 5, 5, 5)),
                                        ("LazyConvTranspose2d", (2, 6, 4, 4))])
def test_lazy_modules(name, shape):
    torch.manual_seed(0)
    flambeau.manual_seed(0)
    theirs, ours = getattr(torch.nn, name)(4, 3), getattr(flambeau.nn, name)(4, 3)
    assert repr(ours) == repr(theirs)
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(to_numpy(ours(flambeau.tensor(x))),
                               to_numpy(theirs(torch.tensor(x))), rtol=1e-4, atol=1e-5)
    assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval(transpose):
    x = RNG.standard_normal((2, 4, 6, 6)).astype("float32")
    outs = []
    for lib in (torch, flambeau):
        lib.manual_seed(1)
        conv = lib.nn.ConvTranspose2d(4, 3, 3) if transpose else lib.nn.Conv2d(4, 3, 3)
        bn = lib.nn.BatchNorm2d(3)
        bn(conv(lib.tensor(x)))
        with lib.no_grad():
            bn.weight.mul_(1.5)
            bn.bias.add_(0.25)
        conv.eval(), bn.eval()
        fused = lib.nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
        outs.append((to_numpy(fused(lib.tensor(x))), to_numpy(bn(conv(lib.tensor(x)))),
                     repr(fused)))
    np.testing.assert_allclose(outs[1][0], outs[1][1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-4, atol=1e-5)
    assert outs[1][2] == outs[0][2]
