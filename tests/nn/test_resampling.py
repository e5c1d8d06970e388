"""Resampling, rearranging and padding layers against torch: F.interpolate in every provided
mode, grid_sample/affine_grid, pixel_shuffle/unshuffle, fold/unfold, padding modules (outputs, gradients, grad_fn
names, second derivatives, reprs, errors)."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

RNG = np.random.default_rng(2)
TOL = {"float32": dict(rtol=2e-5, atol=2e-5), "float64": dict(rtol=1e-11, atol=1e-11)}


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs and messages print torch's names."""


def run_both(fn, shape, dtype="float64"):
    x = RNG.standard_normal(shape).astype(dtype)
    results = []
    for lib in (torch, flambeau):
        t = lib.tensor(x, requires_grad=True)
        out = fn(lib, t)
        out.backward(lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape).astype(dtype)))
        results.append((out, t.grad))
    (ot, gt), (of, gf) = results
    assert tuple(of.shape) == tuple(ot.shape)
    np.testing.assert_allclose(to_numpy(of), to_numpy(ot), **TOL[dtype])
    np.testing.assert_allclose(to_numpy(gf), to_numpy(gt), **TOL[dtype])
    assert type(of.grad_fn).__name__ == type(ot.grad_fn).__name__


INTERPOLATE = [
    ((2, 3, 5, 7), dict(scale_factor=2)),
    ((2, 3, 5, 7), dict(size=(9, 4))),
    ((2, 3, 5, 7), dict(scale_factor=(1.7, 0.6))),
    ((2, 3, 5), dict(size=8, mode="nearest-exact")),
    ((1, 2, 3, 4, 5), dict(scale_factor=1.5)),
    ((2, 3, 5), dict(size=9, mode="linear")),
    ((2, 3, 5, 7), dict(scale_factor=2, mode="bilinear")),
    ((2, 3, 5, 7), dict(size=(9, 11), mode="bilinear", align_corners=True)),
    ((2, 3, 5, 7), dict(scale_factor=1.3, mode="bilinear", recompute_scale_factor=True)),
    ((2, 3, 5, 7), dict(size=(3, 9), mode="bicubic")),
    ((2, 3, 5, 7), dict(scale_factor=1.5, mode="bicubic", align_corners=True)),
    ((1, 2, 3, 4, 5), dict(size=(4, 3, 7), mode="trilinear")),
    ((2, 3, 9, 7), dict(size=(4, 3), mode="area")),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,options", INTERPOLATE)
def test_interpolate(shape, options, dtype):
    run_both(lambda lib, x: lib.nn.functional.interpolate(x, **options), shape, dtype)


NONFINITE = [dict(size=(8, 8), mode="bilinear"),
             dict(size=(7, 7), mode="bilinear", align_corners=True),
             dict(size=(4, 4), mode="bilinear", align_corners=True),
             dict(size=(3, 3), mode="bicubic"),
             dict(size=(8, 8), mode="bicubic", align_corners=True),
             dict(size=(3, 8), mode="bilinear", antialias=True),
             dict(size=(3, 8), mode="area"),
             dict(size=(8, 3), mode="nearest")]


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("options", NONFINITE)
def test_interpolate_nonfinite_pixel(options, value):
    """An inf or nan pixel reaches the outputs whose taps read it, as in torch (zero-weight taps
    giving nan), not the whole row and column."""
    x = RNG.standard_normal((1, 2, 5, 6)).astype("float32")
    x[0, 1, 2, 3] = value
    got = flambeau.nn.functional.interpolate(flambeau.tensor(x), **options).numpy()
    want = torch.nn.functional.interpolate(torch.tensor(x), **options).numpy()
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)  # nan and inf in the same places


@pytest.mark.parametrize("name,factor,shape", [("pixel_shuffle", 2, (2, 8, 3, 4)),
                                               ("pixel_shuffle", 3, (9, 2, 2)),
                                               ("pixel_unshuffle", 2, (2, 3, 4, 6)),
                                               ("pixel_unshuffle", 3, (1, 2, 3, 6, 3))])
def test_pixel_shuffle(name, factor, shape):
    run_both(lambda lib, x: getattr(lib.nn.functional, name)(x, factor), shape)


@pytest.mark.parametrize("groups,shape", [(2, (2, 6, 3)), (3, (1, 6, 2, 2)), (1, (2, 4, 3))])
def test_channel_shuffle(groups, shape):
    run_both(lambda lib, x: lib.nn.functional.channel_shuffle(x, groups), shape)
    run_both(lambda lib, x: lib.channel_shuffle(x, groups), shape)


def test_fold_unfold():
    options = dict(dilation=(1, 2), padding=1, stride=(2, 1))
    run_both(lambda lib, x: lib.nn.functional.unfold(x, (3, 2), **options), (2, 3, 7, 6))
    run_both(lambda lib, x: lib.nn.functional.unfold(x, 2), (3, 4, 5))
    run_both(lambda lib, x: lib.nn.functional.fold(x, (7, 6), (3, 2), **options), (2, 18, 24))
    run_both(lambda lib, x: lib.nn.functional.fold(x, (4, 5), 2), (8, 12))


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_of_affine_grid(mode, padding_mode, align_corners):
    x = RNG.standard_normal((2, 3, 5, 6))
    theta = RNG.standard_normal((2, 2, 3)) * 0.8
    results = []
    for lib in (torch, flambeau):
        xt, tt = lib.tensor(x, requires_grad=True), lib.tensor(theta, requires_grad=True)
        F = lib.nn.functional
        grid = F.affine_grid(tt, (2, 3, 4, 7), align_corners=align_corners) * 1.3
        out = F.grid_sample(xt, grid, mode=mode, padding_mode=padding_mode,
                            align_corners=align_corners)
        out.pow(2).sum().backward()
        results.append((out, xt.grad, tt.grad))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-10)
    assert type(results[1][0].grad_fn).__name__ == "GridSampler2DBackward0"


def test_affine_grid_3d():
    run_both(lambda lib, t: lib.nn.functional.affine_grid(t, (2, 1, 3, 4, 5),
                                                          align_corners=False), (2, 3, 4))


@pytest.mark.parametrize("fn", [
    lambda F, x: F.interpolate(x, scale_factor=2, mode="bilinear"),
    lambda F, x: F.interpolate(x, size=(3, 7), mode="bicubic"),
    lambda F, x: F.pixel_shuffle(x, 2),
    lambda F, x: F.unfold(x, 2, stride=2),
    lambda F, x: F.pad(x, (1, 2, 0, 1), mode="reflect"),
])
def test_second_derivatives(fn):
    x = flambeau.randn(1, 4, 4, 5, dtype=flambeau.float64, requires_grad=True)
    assert flambeau.autograd.gradgradcheck(lambda t: fn(flambeau.nn.functional, t), (x,))


@pytest.mark.parametrize("make", [
    lambda nn: nn.Upsample(scale_factor=2),
    lambda nn: nn.Upsample(size=(5, 6), mode="bilinear", align_corners=False),
    lambda nn: nn.UpsamplingNearest2d(scale_factor=3),
    lambda nn: nn.UpsamplingBilinear2d(size=7),
    lambda nn: nn.PixelShuffle(2),
    lambda nn: nn.PixelUnshuffle(2),
    lambda nn: nn.ChannelShuffle(2),
    lambda nn: nn.Unfold(2, padding=1),
    lambda nn: nn.Fold((4, 4), 2, stride=2),
    lambda nn: nn.ZeroPad2d((1, 2, 0, 1)),
    lambda nn: nn.ConstantPad1d(2, 3.5),
    lambda nn: nn.ReflectionPad2d(1),
    lambda nn: nn.ReplicationPad3d((1, 0, 1, 0, 0, 1)),
    lambda nn: nn.CircularPad1d((1, 2)),
])
def test_modules(make):
    theirs, ours = make(torch.nn), make(flambeau.nn)
    assert repr(ours) == repr(theirs)
    assert type(ours).__constants__ == type(theirs).__constants__
    shape = (1, 4, 4, 4) if not isinstance(theirs, torch.nn.Fold) else (1, 8, 4)
    if isinstance(theirs, (torch.nn.ConstantPad1d, torch.nn.CircularPad1d)):
        shape = (1, 4, 4)
    if isinstance(theirs, torch.nn.ReplicationPad3d):
        shape = (1, 2, 3, 4, 4)
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(to_numpy(ours(flambeau.tensor(x))),
                               to_numpy(theirs(torch.tensor(x))), rtol=1e-5, atol=1e-6)


ERRORS = [
    lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4)),
    lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=2, scale_factor=2),
    lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=2, align_corners=True),
    lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=2, mode="linear"),
    lambda lib: lib.nn.functional.pixel_shuffle(lib.ones(1, 5, 2, 2), 2),
    lambda lib: lib.nn.functional.pixel_shuffle(lib.ones(5, 2), 2),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.ones(1, 2, 2, 2),
                                              mode="cubic"),
    lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 2, 2, 2),
                                              align_corners=False),
    lambda lib: lib.channel_shuffle(lib.ones(2, 6, 3), 4),
    lambda lib: lib.channel_shuffle(lib.ones(2, 6, 3), 0),
    lambda lib: lib.channel_shuffle(lib.ones(3), 1),
    lambda lib: lib.nn.functional.fold(lib.ones(1, 5, 4), (3, 3), 2),
    lambda lib: lib.nn.functional.fold(lib.ones(1, 8, 5), (3, 3), 2),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))
