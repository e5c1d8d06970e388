"""Pooling against torch: max (values, indices, ceil_mode, dilation, padding), average
(count_include_pad, divisor_override, ceil_mode) and adaptive pooling in 1 to 3 dims, outputs
and input gradients, second derivatives, module reprs and errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

RNG = np.random.default_rng(1)
TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-12, atol=1e-12)}


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs and messages print torch's names."""


def run_both(fn, shape, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    results = []
    for lib in (torch, flambeau):
        t = lib.tensor(x, requires_grad=True)
        out = fn(lib, t)
        values = out[0] if isinstance(out, tuple) else out
        values.backward(lib.tensor(np.cos(np.arange(values.numel())).reshape(values.shape)
                                   .astype(dtype)))
        results.append((out, values, t.grad))
    (ot, vt, gt), (of, vf, gf) = results
    np.testing.assert_allclose(to_numpy(vf), to_numpy(vt), **TOL[dtype])
    np.testing.assert_allclose(to_numpy(gf), to_numpy(gt), **TOL[dtype])
    assert type(vf.grad_fn).__name__ == type(vt.grad_fn).__name__
    if isinstance(ot, tuple):
        np.testing.assert_array_equal(to_numpy(of[1]), to_numpy(ot[1]))
        assert of[1].dtype == flambeau.int64


CASES = [
    ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=2, padding=1, dilation=2,
                                      ceil_mode=True, return_indices=True)),
    ("max_pool2d", (3, 7, 7), dict(kernel_size=3, stride=4, return_indices=True)),
    ("max_pool2d", (0, 3, 6, 6), dict(kernel_size=2)),
    ("max_pool1d", (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, return_indices=True)),
    ("max_pool3d", (2, 2, 5, 6, 4), dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), padding=1,
                                         return_indices=True)),
    ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                      count_include_pad=False)),
    ("avg_pool2d", (3, 9, 8), dict(kernel_size=(2, 3), divisor_override=4)),
    ("avg_pool1d", (2, 3, 10), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)),
    ("avg_pool3d", (1, 2, 5, 6, 7), dict(kernel_size=3, stride=2, padding=1,
                                         count_include_pad=False)),
    ("adaptive_avg_pool2d", (2, 3, 9, 8), dict(output_size=(4, 3))),
    ("adaptive_avg_pool2d", (2, 3, 9, 8), dict(output_size=1)),
    ("adaptive_avg_pool2d", (3, 9, 8), dict(output_size=(None, 5))),
    ("adaptive_avg_pool1d", (2, 3, 10), dict(output_size=4)),
    ("adaptive_avg_pool3d", (1, 2, 5, 6, 7), dict(output_size=(2, 3, 4))),
    ("adaptive_max_pool2d", (2, 3, 9, 8), dict(output_size=(4, 3), return_indices=True)),
    ("adaptive_max_pool1d", (2, 3, 10), dict(output_size=3, return_indices=True)),
    ("adaptive_max_pool3d", (1, 2, 5, 6, 7), dict(output_size=(2, 3, 4))),
    ("lp_pool2d", (2, 3, 9, 8), dict(norm_type=2, kernel_size=(3, 2), stride=2)),
    ("lp_pool1d", (2, 3, 9), dict(norm_type=3.0, kernel_size=2, ceil_mode=True)),
    ("lp_pool3d", (1, 2, 4, 6, 5), dict(norm_type=float("inf"), kernel_size=2)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,shape,options", CASES)
def test_functional(name, shape, options, dtype):
    run_both(lambda lib, x: getattr(lib.nn.functional, name)(x, **options), shape, dtype)


@pytest.mark.parametrize("nd,shape,options", [
    (1, (2, 3, 9), dict(kernel_size=2)),
    (2, (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    (2, (3, 8, 7), dict(kernel_size=2, output_size=(9, 7))),
    (3, (1, 2, 4, 6, 4), dict(kernel_size=2)),
])
def test_max_unpool(nd, shape, options):
    def unpool(lib, x):
        pool = dict(options)
        pool.pop("output_size", None)
        F = lib.nn.functional
        values, indices = getattr(F, f"max_pool{nd}d")(x, return_indices=True, **pool)
        return getattr(F, f"max_unpool{nd}d")(values, indices, **options)
    run_both(unpool, shape, "float64")


@pytest.mark.parametrize("nd,shape,kernel,out", [(2, (2, 3, 11, 9), (3, 2), (4, 5)),
                                                (2, (3, 10, 10), 2, (5, 3)),
                                                (3, (1, 2, 7, 8, 6), (2, 3, 2), (3, 4, 3))])
def test_fractional_max_pool_given_samples(nd, shape, kernel, out):
    batch = shape[0] if len(shape) == nd + 2 else 1
    samples = RNG.random((batch, shape[-nd - 1], nd))
    run_both(lambda lib, x: getattr(lib.nn.functional, f"fractional_max_pool{nd}d")(
        x, kernel, output_size=out, return_indices=True, _random_samples=lib.tensor(samples)),
             shape, "float64")


def test_fractional_max_pool_module():
    for lib in (torch, flambeau):
        lib.manual_seed(0)
    x = RNG.standard_normal((2, 3, 10, 9)).astype("float32")
    theirs = torch.nn.FractionalMaxPool2d(3, output_ratio=0.5)
    ours = flambeau.nn.FractionalMaxPool2d(3, output_ratio=0.5)
    assert repr(ours) == repr(theirs)
    a, b = ours(flambeau.tensor(x)), theirs(torch.tensor(x))
    assert tuple(a.shape) == tuple(b.shape) == (2, 3, 5, 4)
    raises_like(lambda: flambeau.nn.FractionalMaxPool3d(2),
                lambda: torch.nn.FractionalMaxPool3d(2))


def test_torch_namespace():
    run_both(lambda lib, x: lib.max_pool2d(x, 3, 2, 1, 1, True), (2, 3, 8, 8), "float64")
    run_both(lambda lib, x: lib.avg_pool1d(x, 3, 2), (2, 3, 8), "float64")


@pytest.mark.parametrize("name,options", [("max_pool2d", dict(kernel_size=2, stride=1)),
                                          ("avg_pool2d", dict(kernel_size=3, padding=1)),
                                          ("adaptive_avg_pool2d", dict(output_size=(2, 3))),
                                          ("adaptive_max_pool2d", dict(output_size=(2, 3)))])
def test_second_derivatives(name, options):
    x = flambeau.randn(2, 2, 5, 6, dtype=flambeau.float64, requires_grad=True)
    assert flambeau.autograd.gradgradcheck(
        lambda t: getattr(flambeau.nn.functional, name)(t, **options), (x,))


@pytest.mark.parametrize("make", [
    lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.MaxPool1d(3, stride=2, padding=1, dilation=2, return_indices=True,
                            ceil_mode=True),
    lambda nn: nn.MaxPool3d((2, 1, 2)),
    lambda nn: nn.AvgPool1d(3),
    lambda nn: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
    lambda nn: nn.AvgPool3d(2, divisor_override=3),
    lambda nn: nn.AdaptiveAvgPool2d((None, 3)),
    lambda nn: nn.AdaptiveAvgPool1d(2),
    lambda nn: nn.AdaptiveAvgPool3d(1),
    lambda nn: nn.AdaptiveMaxPool2d(2, return_indices=True),
    lambda nn: nn.AdaptiveMaxPool1d(3),
    lambda nn: nn.LPPool2d(2, 3, stride=2),
    lambda nn: nn.LPPool1d(1.5, 2),
])
def test_modules(make):
    """Printing, constants and outputs."""
    theirs, ours = make(torch.nn), make(flambeau.nn)
    assert repr(ours) == repr(theirs)
    assert type(ours).__constants__ == type(theirs).__constants__
    nd = {"1d": 1, "2d": 2, "3d": 3}[type(theirs).__name__[-2:]]
    x = RNG.standard_normal((2, 3) + (6,) * nd).astype("float32")
    a, b = ours(flambeau.tensor(x)), theirs(torch.tensor(x))
    a, b = (a[0], b[0]) if isinstance(b, tuple) else (a, b)
    np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-6)


ERRORS = [
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 4, 4), 2, padding=2),
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 2, 2), 3),
    lambda lib: lib.nn.functional.avg_pool2d(lib.ones(1, 1, 4, 4), 2, divisor_override=0),
]


@pytest.mark.parametrize("divisor", [None, 4, -3])
def test_integer_average_rounds_toward_zero(divisor):
    x = np.arange(-40, 41, 3).reshape(1, 1, 3, 9)
    a = flambeau.nn.functional.avg_pool2d(flambeau.tensor(x), (2, 3), 1, divisor_override=divisor)
    b = torch.nn.functional.avg_pool2d(torch.tensor(x), (2, 3), 1, divisor_override=divisor)
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_max_unpool_module_repr():
    for n in (1, 2, 3):
        assert repr(getattr(flambeau.nn, f"MaxUnpool{n}d")(2, padding=1)) == \
            repr(getattr(torch.nn, f"MaxUnpool{n}d")(2, padding=1))


@pytest.mark.parametrize("call", ERRORS)
def test_errors(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))
