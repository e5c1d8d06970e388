"""F.grid_sample against torch where test_resampling does not reach: volumes
(``grid_sampler_3d``: trilinear and nearest) and bicubic sampling of images, every padding mode,
align_corners, points inside and outside, odd sizes; values, input and grid gradients, the
grad_fn name, float32 and float64; torch's errors for bad shapes."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

TOL = {"float32": dict(rtol=2e-5, atol=2e-5), "float64": dict(rtol=1e-11, atol=1e-11)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d(mode, padding_mode, align_corners, dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4, 5, 3)).astype(dtype)
    grid = (rng.uniform(-1.4, 1.4, (2, 3, 2, 4, 3))).astype(dtype)  # some points outside
    seed = np.cos(np.arange(2 * 3 * 3 * 2 * 4)).reshape(2, 3, 3, 2, 4).astype(dtype)
    results = []
    for lib in (torch, flambeau):
        xt, gt = lib.tensor(x, requires_grad=True), lib.tensor(grid, requires_grad=True)
        out = lib.nn.functional.grid_sample(xt, gt, mode=mode, padding_mode=padding_mode,
                                            align_corners=align_corners)
        out.backward(lib.tensor(seed))
        results.append((out, xt.grad, gt.grad))
    for ours, theirs in zip(results[1], results[0]):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), **TOL[dtype])
    assert type(results[1][0].grad_fn).__name__ == "GridSampler3DBackward0"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_bicubic(padding_mode, align_corners, dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 5, 6)).astype(dtype)
    grid = rng.uniform(-1.5, 1.5, (2, 4, 7, 2)).astype(dtype)
    seed = np.cos(np.arange(2 * 3 * 4 * 7)).reshape(2, 3, 4, 7).astype(dtype)
    results = []
    for lib in (torch, flambeau):
        xt, gt = lib.tensor(x, requires_grad=True), lib.tensor(grid, requires_grad=True)
        out = lib.nn.functional.grid_sample(xt, gt, mode="bicubic", padding_mode=padding_mode,
                                            align_corners=align_corners)
        out.backward(lib.tensor(seed))
        results.append((out, xt.grad, gt.grad))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), **TOL[dtype])
    assert type(results[1][0].grad_fn).__name__ == "GridSampler2DBackward0"


def test_grid_sample_3d_of_affine_grid():
    """A rotated and scaled volume, as a spatial transformer samples it."""
    rng = np.random.default_rng(4)
    x, theta = rng.standard_normal((1, 2, 5, 6, 7)), rng.standard_normal((1, 3, 4)) * 0.7
    results = []
    for lib in (torch, flambeau):
        xt, tt = lib.tensor(x, requires_grad=True), lib.tensor(theta, requires_grad=True)
        F = lib.nn.functional
        grid = F.affine_grid(tt, (1, 2, 3, 4, 5), align_corners=False)
        out = F.grid_sample(xt, grid, align_corners=False)
        out.pow(2).sum().backward()
        results.append((out, xt.grad, tt.grad))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-10)


ERRORS = [
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 2, 2, 2, 3),
                                              mode="bicubic", align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 2, 2, 2),
                                              align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3, 3), lib.ones(2, 2, 2, 2, 3),
                                              align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 0, 3), lib.ones(1, 2, 2, 2, 3),
                                              align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.ones(1, 2, 2, 3),
                                              align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3), lib.ones(1, 2, 1),
                                              align_corners=False),
    lambda lib: lib.grid_sampler_3d(lib.ones(1, 1, 3, 3), lib.ones(1, 2, 2, 2), 0, 0, False),
    lambda lib: lib.nn.functional.grid_sample(
        lib.ones(1, 1, 3, 3, 3), lib.ones(1, 2, 2, 2, 3, dtype=lib.float64), align_corners=False),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))
