"""The convolution kernels' fast paths against torch: one GEMM over the whole batch or one per
sample (forward, weight gradient, input gradient), a plain matrix product where the window is
the whole input, shifted columns (one GEMM per offset along the first kernel dim, stride phases
included), the stride-1 input gradient computed as a convolution by the flipped weight (and the
col2im fallback where the padding exceeds the kernel's reach or the stride is larger), for
plain and transposed convolutions, groups, depthwise, 1x1 and 3-d; values, contiguous results,
first and second derivatives, float32 and float64."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import to_numpy
from flambeau._ops import conv

TOL = {"float32": dict(rtol=3e-4, atol=3e-4), "float64": dict(rtol=1e-10, atol=1e-10)}

CASES = [  # (transposed, input shape, weight shape, options)
    (False, (3, 4, 9, 8), (6, 2, 3, 3), dict(padding=1, groups=2)),  # stride 1, groups
    (False, (2, 3, 9, 8), (4, 3, 3, 2), dict(padding=(2, 3), dilation=(2, 3))),
    (False, (2, 3, 9, 8), (4, 3, 3, 2), dict(padding=(2, 1), dilation=(2, 3))),  # col2im
    (False, (2, 3, 7, 7), (4, 3, 3, 3), dict(padding=3)),  # padding past the kernel: col2im
    (False, (2, 4, 8, 8), (8, 1, 3, 3), dict(padding=1, groups=4)),  # depthwise, multiplier 2
    (False, (2, 5, 6, 6), (3, 5, 1, 1), {}),  # 1x1
    (False, (2, 5, 7, 7), (3, 5, 1, 1), dict(stride=2)),  # strided 1x1 (a downsample)
    (False, (2, 4, 9, 9), (6, 4, 4, 4), dict(stride=2, padding=1)),  # col2im
    (False, (1, 3, 6, 5), (2, 3, 3, 3), dict(padding=1)),  # batch of one
    (False, (2, 8, 2, 2), (8, 8, 3, 3), dict(padding=1)),  # a weight larger than its columns
    (False, (1, 3, 7, 6), (2, 3, 3, 3), dict(stride=2, padding=1)),  # batch of one, col2im
    (False, (2, 2, 5, 4, 6), (3, 2, 3, 2, 3), dict(padding=(1, 0, 1))),  # 3-d
    (False, (2, 3, 12), (4, 3, 5), dict(padding=2, dilation=2)),  # 1-d
    # output planes of 512 positions or more: one GEMM per sample
    (False, (2, 3, 24, 24), (4, 3, 3, 3), dict(padding=1)),
    (False, (2, 4, 26, 26), (6, 2, 4, 4), dict(groups=2)),  # col2im
    (False, (3, 2, 50, 48), (4, 2, 3, 3), dict(stride=2, padding=(1, 2))),
    # shallow columns (one input channel): one GEMM per sample on small planes too
    (False, (3, 1, 12, 12), (5, 1, 4, 4), dict(stride=2, padding=1)),  # DCGAN's first layer
    (True, (3, 5, 6, 6), (5, 1, 4, 4), dict(stride=2, padding=1)),  # and its generator's last
    # few channels against a sizeable kernel: shifted columns (stride phases, groups, 1-d, 3-d)
    (False, (2, 3, 14, 13), (4, 3, 5, 5), {}),  # LeNet's shape: also the input gradient
    (False, (2, 4, 23, 20), (6, 2, 3, 4), dict(stride=(3, 2), padding=(2, 1), dilation=(2, 1),
                                                groups=2)),
    (False, (2, 4, 150), (3, 4, 5), dict(stride=2, padding=1)),
    (False, (2, 2, 9, 7, 8), (3, 2, 3, 2, 2), dict(stride=(2, 1, 1), padding=1)),
    (True, (2, 3, 23, 23), (3, 2, 3, 3), dict(stride=2, output_padding=1)),
    (True, (2, 6, 5, 5), (6, 2, 3, 3), dict(padding=1, groups=3)),  # stride 1
    (True, (2, 4, 5, 4), (4, 3, 3, 3), dict(dilation=2, output_padding=1)),
    (True, (2, 4, 4, 4), (4, 2, 4, 4), dict(stride=2, padding=1)),  # DCGAN's upsampling
    (True, (3, 5, 1, 1), (5, 4, 4, 4), {}),  # a generator's first layer: a matrix product
    (True, (3, 4, 1, 1), (4, 3, 3, 2), dict(groups=2)),
    (False, (3, 4, 5, 4), (6, 2, 5, 4), dict(groups=2)),  # a discriminator's last layer
]


def _conv(lib, transposed, nd):
    return getattr(lib.nn.functional, f"conv_transpose{nd}d" if transposed else f"conv{nd}d")


@pytest.mark.parametrize("shifted", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transposed,x,w,options", CASES)
def test_fast_paths(transposed, x, w, options, dtype, shifted, monkeypatch):
    """Each case with shifted columns used everywhere, and nowhere."""
    monkeypatch.setattr(conv, "shifted", lambda *args, **kwargs: shifted)
    rng = np.random.default_rng(len(x) + sum(w))
    out_channels = w[1] * options.get("groups", 1) if transposed else w[0]
    arrays = [rng.standard_normal(s).astype(dtype) for s in (x, w, (out_channels,))]
    results = []
    for lib in (torch, flambeau):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = _conv(lib, transposed, len(w) - 2)(*ts, **options)
        seed = lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape).astype(dtype))
        grads = lib.autograd.grad(out, ts, seed, create_graph=True)
        # second derivatives: the gradient of <grads, cos> in the input, weight and output seed
        total = sum((g * lib.cos(g.detach())).sum() for g in grads)
        seed.requires_grad_(False)
        second = lib.autograd.grad(total, ts[:2])
        results.append((out, grads, second))
    (out_t, grads_t, second_t), (out_f, grads_f, second_f) = results
    assert tuple(out_f.shape) == tuple(out_t.shape)
    assert out_f.stride() == out_t.stride()
    np.testing.assert_allclose(to_numpy(out_f), to_numpy(out_t), **TOL[dtype])
    assert all(g.is_contiguous() for g in grads_f)
    for ours, theirs in zip(grads_f + second_f, grads_t + second_t):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), **TOL[dtype])


@pytest.mark.parametrize("transposed", [False, True])
def test_empty_batch(transposed):
    """An empty batch gives empty outputs and input gradients and zero weight gradients."""
    x, w = np.ones((0, 4, 6, 6), np.float32), np.ones((4, 4, 3, 3), np.float32)
    results = []
    for lib in (torch, flambeau):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = _conv(lib, transposed, 2)(xt, wt, stride=2, padding=1)
        out.sum().backward()
        results.append((out, xt.grad, wt.grad))
    for ours, theirs in zip(*reversed(results)):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
