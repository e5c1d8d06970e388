"""F.interpolate(antialias=True) against torch: bilinear, bicubic and lanczos, shrinking,
enlarging and both at once, sizes and scale factors, align_corners; values, gradients, second
derivatives, grad_fn names, float32 and float64; torch's errors for the other modes and for
lanczos without antialias or with align_corners."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-11, atol=1e-11)}

RESIZES = [
    ((2, 3, 13, 17), dict(size=(5, 7))),  # shrink by fractional factors
    ((1, 2, 8, 8), dict(size=(3, 3), align_corners=True)),
    ((1, 2, 5, 6), dict(size=(9, 13))),  # enlarge
    ((2, 1, 20, 9), dict(size=(7, 9))),  # shrink one dim, keep the other
    ((1, 1, 7, 7), dict(size=(1, 2))),
    ((1, 2, 11, 14), dict(scale_factor=(0.37, 1.7))),
    ((1, 2, 11, 14), dict(scale_factor=0.25, recompute_scale_factor=True)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize("shape,options", RESIZES)
def test_antialias(shape, options, mode, dtype):
    if mode == "lanczos" and options.get("align_corners"):
        pytest.skip("lanczos refuses align_corners (test_errors)")
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape).astype(dtype)
    results = []
    for lib in (torch, flambeau):
        xt = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.interpolate(xt, mode=mode, antialias=True, **options)
        seed = lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape).astype(dtype),
                          requires_grad=True)
        (grad,) = lib.autograd.grad(out, xt, seed, create_graph=True)
        (second,) = lib.autograd.grad((grad * grad).sum(), seed)
        results.append((out, grad, second))
    for ours, theirs in zip(results[1], results[0]):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), **TOL[dtype])
    assert type(results[1][0].grad_fn).__name__ == type(results[0][0].grad_fn).__name__


@pytest.mark.parametrize("mode,shape,options", [
    ("nearest", (1, 1, 4, 4), dict(antialias=True)), ("linear", (1, 1, 4), dict(antialias=True)),
    ("bilinear", (1, 1, 1, 4, 4), dict(antialias=True)),
    ("area", (1, 1, 4, 4), dict(antialias=True)), ("lanczos", (1, 1, 4, 4), {}),
    ("lanczos", (1, 1, 4, 4), dict(antialias=True, align_corners=True)),
    ("lanczos", (1, 1, 4), {})])
def test_errors(mode, shape, options):
    raises_like(lambda: flambeau.nn.functional.interpolate(flambeau.ones(shape), size=2,
                                                           mode=mode, **options),
                lambda: torch.nn.functional.interpolate(torch.ones(shape), size=2, mode=mode,
                                                        **options))
