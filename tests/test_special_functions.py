"""Bessel J0, J1, Y0, Y1, K0, K1 (plain and scaled), Airy Ai and the regularized incomplete
gamma functions against torch (and against mpmath where torch's float64 kernels are less
accurate than 1e-12: its J, Y and Ai carry absolute errors up to about 1e-6)."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same

RNG = np.random.default_rng(11)
_EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, 1e-30, 1e-5, 0.5, 1.0,
          np.nextafter(1.0, 0), np.nextafter(1.0, 2), 1.5, 2, 5, 8, 10.5, 10.49, 10.51, 24.9, 25,
          25.1, 30, 100, 700, 1e3, 1e5]
LINE = np.concatenate([_EDGES, np.negative(_EDGES), RNG.uniform(-40, 40, 400),
                       np.exp(RNG.uniform(-20, 6, 200))])
BESSEL = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_k0",
          "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
          "airy_ai"]


def _mp_reference(name):
    mpmath = pytest.importorskip("mpmath")
    positive = lambda f: lambda v: f(v) if v > 0 else mpmath.nan  # noqa: E731
    return {
        "bessel_j0": lambda v: mpmath.besselj(0, v), "bessel_j1": lambda v: mpmath.besselj(1, v),
        "bessel_y0": positive(lambda v: mpmath.bessely(0, v)),
        "bessel_y1": positive(lambda v: mpmath.bessely(1, v)),
        "modified_bessel_k0": positive(lambda v: mpmath.besselk(0, v)),
        "modified_bessel_k1": positive(lambda v: mpmath.besselk(1, v)),
        "scaled_modified_bessel_k0": positive(lambda v: mpmath.besselk(0, v) * mpmath.exp(v)),
        "scaled_modified_bessel_k1": positive(lambda v: mpmath.besselk(1, v) * mpmath.exp(v)),
        "airy_ai": mpmath.airyai}[name], mpmath


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_float64_vs_torch(name):
    x = LINE
    ours = getattr(flambeau.special, name)(flambeau.tensor(x))
    theirs = getattr(torch.special, name)(torch.tensor(x))
    assert_same(ours, theirs, rtol=1e-6, atol=2e-6)
    # special values (zeros, infinities, NaN, signs) exactly as torch
    o, t = ours.numpy(), theirs.numpy()
    special = ~np.isfinite(t) | (t == 0) | (np.abs(x) < 1e-5)
    np.testing.assert_array_equal(np.signbit(o[special & (t == 0)]),
                                  np.signbit(t[special & (t == 0)]))
    np.testing.assert_allclose(o[special], t[special], rtol=1e-15, equal_nan=True)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_accuracy(name):
    reference, mpmath = _mp_reference(name)
    x = np.concatenate([RNG.uniform(-40, 40, 30), np.exp(RNG.uniform(-30, 6.5, 20)),
                        [0.999, 1.001, 24.99, 25.01, -10.49, -10.51, 1.49, 1.51]])
    got = getattr(flambeau.special, name)(flambeau.tensor(x)).numpy()
    with mpmath.workdps(30):
        want = np.array([float(reference(mpmath.mpf(v))) for v in x])
    finite = np.isfinite(want)
    assert np.isnan(got[~finite]).all()
    # relative accuracy, except near the zeros of the oscillating functions (absolute there)
    scale = np.abs(want[finite])
    if name.startswith("bessel") or name == "airy_ai":
        scale = np.maximum(scale, np.minimum(1, np.abs(x[finite]) ** -0.5) * 1e-2)
    assert np.max(np.abs(got[finite] - want[finite]) / scale) < 1e-12


@pytest.mark.parametrize("name", BESSEL)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_bessel_dtypes(name, dtype):
    x = LINE[np.abs(LINE) < 80] if dtype == "float32" else np.arange(-3, 40)
    if dtype == "bool":
        x = np.array([True, False])
    tx = torch.tensor(x).to(getattr(torch, dtype))
    assert_same(getattr(flambeau.special, name)(flambeau.tensor(tx.numpy())),
                getattr(torch.special, name)(tx), rtol=1e-5, atol=5e-6)


@pytest.mark.parametrize("name", BESSEL)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "complex64"])
def test_bessel_unsupported_dtypes(name, dtype):
    with pytest.raises(NotImplementedError) as expected:
        getattr(torch.special, name)(torch.ones(2, dtype=getattr(torch, dtype)))
    with pytest.raises(NotImplementedError) as got:
        getattr(flambeau.special, name)(flambeau.ones(2, dtype=getattr(flambeau, dtype)))
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_not_differentiable(name):
    t = getattr(torch.special, name)(torch.ones(3, dtype=torch.float64, requires_grad=True))
    f = getattr(flambeau.special, name)(flambeau.ones(3, dtype=flambeau.float64,
                                                      requires_grad=True))
    assert f.requires_grad == t.requires_grad and f.grad_fn is None
    out = flambeau.empty(3, dtype=flambeau.float64)
    getattr(flambeau.special, name)(flambeau.tensor([0.5, 2.0, 30.0]), out=out)
    assert_same(out, getattr(torch.special, name)(torch.tensor([0.5, 2.0, 30.0],
                                                               dtype=torch.float64)))


# ---- incomplete gamma ----------------------------------------------------------------------

_A_EDGES = [0.0, -1.0, 1.0, 2.0, 0.5, 1e-3, 100.0, np.inf, np.nan]
_X_EDGES = [0.0, -0.0, -1.0, 1.0, 1e-300, 1e-3, 3.0, 1e5, np.inf, np.nan]
EDGE_A, EDGE_X = (g.ravel() for g in np.meshgrid(_A_EDGES, _X_EDGES))
A = np.concatenate([RNG.uniform(0, 30, 300), np.exp(RNG.uniform(-5, 6, 200)), EDGE_A])
X = np.concatenate([RNG.uniform(0, 40, 300), np.exp(RNG.uniform(-5, 6, 200)), EDGE_X])
GAMMA = [("igamma", "special.gammainc"), ("igammac", "special.gammaincc")]


def _get(lib, name):
    for part in name.split("."):
        lib = getattr(lib, part)
    return lib


@pytest.mark.parametrize("names", GAMMA)
def test_igamma_values(names):
    theirs = getattr(torch, names[0])(torch.tensor(A), torch.tensor(X))
    for name in names:
        assert_same(_get(flambeau, name)(flambeau.tensor(A), flambeau.tensor(X)), theirs,
                    rtol=1e-7, atol=1e-300)
    ours = getattr(flambeau.tensor(A), names[0])(flambeau.tensor(X))
    assert_same(ours, theirs, rtol=1e-7, atol=1e-300)


@pytest.mark.parametrize("upper", [False, True])
def test_igamma_accuracy(upper):
    mpmath = pytest.importorskip("mpmath")
    a, x = A[:150], X[:150]
    op = flambeau.igammac if upper else flambeau.igamma
    got = op(flambeau.tensor(a), flambeau.tensor(x)).numpy()
    want = np.array([float(mpmath.gammainc(u, v, mpmath.inf, regularized=True) if upper else
                           mpmath.gammainc(u, 0, v, regularized=True)) for u, v in zip(a, x)])
    np.testing.assert_allclose(got, want, rtol=2e-12, atol=1e-300)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float16", "float16"),
                                    ("float32", "float64"), ("int64", "float32"),
                                    ("bfloat16", "bfloat16")])
def test_igamma_dtypes_broadcast(name, dtypes):
    a = torch.tensor([[0.5], [2.0], [7.0]]).to(getattr(torch, dtypes[0]))
    x = torch.tensor([0.1, 1.0, 3.0, 9.0]).to(getattr(torch, dtypes[1]))
    ours = getattr(flambeau, name)(
        flambeau.tensor(a.float().numpy()).to(getattr(flambeau, dtypes[0])),
        flambeau.tensor(x.float().numpy()).to(getattr(flambeau, dtypes[1])))
    theirs = getattr(torch, name)(a, x)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert_same(ours.to(flambeau.float32), theirs.float(),
                rtol=1e-2 if "16" in dtypes[0] else 1e-6)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_inplace_and_out(name):
    a, x = np.array([0.5, 2.0, 7.0]), np.array([1.0, 1.0, 9.0])
    expected = getattr(torch, name)(torch.tensor(a), torch.tensor(x))
    fa = flambeau.tensor(a)
    assert getattr(fa, name + "_")(flambeau.tensor(x)) is fa
    assert_same(fa, expected, rtol=1e-12)
    out = flambeau.empty(3, dtype=flambeau.float64)
    getattr(flambeau, name)(flambeau.tensor(a), flambeau.tensor(x), out=out)
    assert_same(out, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
@pytest.mark.parametrize("args", [
    ("int", "int"), ("bool", "bool"), ("tensor", 2.0), (2.0, "tensor")])
def test_igamma_errors(name, args):
    def build(lib, spec):
        if spec == "int":
            return lib.tensor([1, 2])
        if spec == "bool":
            return lib.tensor([True, False])
        return lib.tensor([1.0, 2.0]) if spec == "tensor" else spec
    with pytest.raises(Exception) as expected:
        getattr(torch, name)(*(build(torch, s) for s in args))
    with pytest.raises(expected.type) as got:
        getattr(flambeau, name)(*(build(flambeau, s) for s in args))
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_gradients(name):
    a = np.array([[0.5], [1.0], [3.0], [0.0]])
    x = np.array([0.0, 0.2, 1.0, 4.0, 30.0])
    tx = torch.tensor(x, requires_grad=True)
    fx = flambeau.tensor(x, requires_grad=True)
    t = getattr(torch, name)(torch.tensor(a), tx)
    f = getattr(flambeau, name)(flambeau.tensor(a), fx)
    assert f.grad_fn.name() == t.grad_fn.name()
    t.sum().backward()
    f.sum().backward()
    assert_same(fx.grad, tx.grad, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_input_gradient_not_implemented(name):
    def run(lib):
        a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        getattr(lib, name)(a, lib.tensor([0.5, 3.0], dtype=lib.float64)).sum().backward()
    with pytest.raises(NotImplementedError) as expected:
        run(torch)
    with pytest.raises(NotImplementedError) as got:
        run(flambeau)
    assert str(got.value) == str(expected.value)
