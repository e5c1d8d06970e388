"""softmax/log_softmax, cdist, cov/corrcoef, gradient, trapezoid, histogramdd, stft/istft vs torch:
values, dtypes, shapes, float64 gradients (through each library's autograd) and errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, twins

rng = np.random.default_rng(0)


def conv(v):
    """An argument built for flambeau from NumPy data, and its torch twin."""
    if isinstance(v, np.ndarray):
        return twins(v)
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], np.ndarray):
        pairs = [twins(x) for x in v]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return v, v


def check(fname, arrays, kwargs=None, grad=True, tol=1e-9):
    """``fname(*arrays, **kwargs)`` in both libraries: outputs and gradients of the first
    array's tensor under a random cotangent (all arrays float64 when ``grad``)."""
    kwargs = kwargs or {}
    fargs, targs = zip(*(twins(a, requires_grad=grad) if isinstance(a, np.ndarray) and i == 0
                         else conv(a) for i, a in enumerate(arrays)))
    fk = {k: conv(v)[0] for k, v in kwargs.items()}
    tk = {k: conv(v)[1] for k, v in kwargs.items()}
    fo = getattr(flambeau, fname)(*fargs, **fk)
    to = getattr(torch, fname)(*targs, **tk)
    fo = list(fo) if isinstance(fo, tuple) else [fo]
    to = list(to) if isinstance(to, tuple) else [to]
    flat = [(a, b) for a, b in zip(fo, to) if not isinstance(a, tuple)]
    flat += [p for a, b in zip(fo, to) if isinstance(a, tuple) for p in zip(a, b)]
    for a, b in flat:
        assert_same(a, b, tol, tol)
    if grad:
        cots = [rng.standard_normal(tuple(b.shape)) for b in to]
        cots = [c + 1j * rng.standard_normal(c.shape) if b.is_complex() else c
                for c, b in zip(cots, to)]
        fg, = flambeau.autograd.grad(fo, [fargs[0]], [flambeau.tensor(c) for c in cots])
        tg, = torch.autograd.grad(to, [targs[0]], [torch.tensor(c) for c in cots])
        assert_same(fg, tg, tol, tol)
    return fo, to


X = rng.standard_normal((4, 5, 6))

SOFTMAX = [((X,), {"dim": 1}), ((X,), {"dim": -1}), ((np.array(X[0, 0, 0]),), {"dim": 0}),
           ((X * 300,), {"dim": 0}), ((X.astype(np.float32),), {"dim": 2, "dtype": torch.float64}),
           ((np.zeros((3, 0)),), {"dim": 1})]


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("args,kwargs", SOFTMAX)
def test_softmax(name, args, kwargs):
    kw = dict(kwargs)
    if "dtype" in kw:
        kw["dtype"] = flambeau.float64
        out = getattr(flambeau, name)(flambeau.tensor(args[0]), **kw)
        assert_same(out, getattr(torch, name)(torch.tensor(args[0]), **kwargs), 1e-6, 1e-6)
        return
    fo, to = check(name, args, kwargs, grad=args[0].dtype == np.float64)
    assert fo[0].grad_fn.name() == to[0].grad_fn.name()
    # method, special namespace and out= forms agree
    f = flambeau.tensor(args[0])
    assert_same(getattr(f, name)(kwargs["dim"]), to[0].detach())
    assert_same(getattr(flambeau.special, name)(f, kwargs["dim"]), to[0].detach())
    out = flambeau.empty(0, dtype=flambeau.float64)
    getattr(flambeau, name)(f, kwargs["dim"], out=out)
    assert_same(out, to[0].detach())


def test_softmax_double_backward():
    f, t = twins(X[0], requires_grad=True)
    for lib, x in ((flambeau, f), (torch, t)):
        y = lib.log_softmax(x, 1) * lib.softmax(x, 0)
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), x)
        if lib is flambeau:
            ours = gg
    assert_same(ours, gg, 1e-9, 1e-9)


def test_softmax_errors():
    raises_like(lambda: flambeau.softmax(flambeau.tensor([1, 2]), 0),
                lambda: torch.softmax(torch.tensor([1, 2]), 0))
    raises_like(lambda: flambeau.softmax(flambeau.ones(2), 3),
                lambda: torch.softmax(torch.ones(2), 3))


A = rng.standard_normal((2, 7, 3))
B = rng.standard_normal((2, 5, 3))
BIG = rng.standard_normal((30, 3))


@pytest.mark.parametrize("args,kwargs", [
    ((A, B), {}), ((A, B), {"p": 1.0}), ((A, B), {"p": 0.0}), ((A, B), {"p": 3.0}),
    ((A, B), {"p": 0.5}), ((A, B), {"p": float("inf")}), ((BIG, B[0]), {}),
    ((A, B), {"compute_mode": "use_mm_for_euclid_dist"}),
    ((BIG, B[0]), {"compute_mode": "donot_use_mm_for_euclid_dist"}),
    ((np.concatenate([B[0], BIG]), B[0]), {}), ((A[0], A[0]), {"p": 1.5})])
def test_cdist(args, kwargs):
    check("cdist", args, kwargs, tol=1e-7)


def test_cdist_errors():
    for fa, ta in [((flambeau.ones(2, 3, dtype=flambeau.int64),) * 2,
                    (torch.ones(2, 3, dtype=torch.long),) * 2),
                   ((flambeau.ones(3), flambeau.ones(2, 3)), (torch.ones(3), torch.ones(2, 3))),
                   ((flambeau.ones(2, 3), flambeau.ones(2, 4)), (torch.ones(2, 3), torch.ones(2,
                                                                                              4)))]:
        raises_like(lambda: flambeau.cdist(*fa), lambda: torch.cdist(*ta))
    raises_like(lambda: flambeau.cdist(flambeau.ones(2, 3), flambeau.ones(2, 3), -1.0),
                lambda: torch.cdist(torch.ones(2, 3), torch.ones(2, 3), -1.0))
    raises_like(lambda: flambeau.cdist(flambeau.ones(2, 3), flambeau.ones(2, 3), compute_mode="x"),
                lambda: torch.cdist(torch.ones(2, 3), torch.ones(2, 3), compute_mode="x"))


M = rng.standard_normal((3, 6))
FW = rng.integers(0, 4, 6)
AW = rng.random(6)


@pytest.mark.parametrize("args,kwargs", [
    ((M,), {}), ((M[0],), {}), ((M,), {"correction": 0}), ((M,), {"fweights": FW}),
    ((M,), {"aweights": AW}), ((M,), {"fweights": FW, "aweights": AW, "correction": 2}),
    ((M + 1j * M[::-1],), {})])
def test_cov(args, kwargs):
    check("cov", args, kwargs)


@pytest.mark.parametrize("a", [M, M[:1], M[0], M + 2j * M[::-1], np.arange(6).reshape(2, 3)])
def test_corrcoef(a):
    check("corrcoef", (a,), grad=a.dtype == np.float64 and a.shape[0] > 1)


def test_cov_errors():
    x = np.ones((2, 3))
    for kw in [{"fweights": np.ones(3)}, {"aweights": np.ones(3, np.int64)},
               {"fweights": np.ones(2, np.int64)}, {"aweights": -np.ones(3)},
               {"fweights": np.ones((1, 3), np.int64)}]:
        fk = {k: conv(v)[0] for k, v in kw.items()}
        tk = {k: conv(v)[1] for k, v in kw.items()}
        raises_like(lambda: flambeau.cov(flambeau.tensor(x), **fk),
                    lambda: torch.cov(torch.tensor(x), **tk))
    raises_like(lambda: flambeau.cov(flambeau.ones(2, 2, 2)), lambda: torch.cov(torch.ones(2, 2,
                                                                                           2)))


G = rng.standard_normal((5, 4))
COORDS = [np.sort(rng.random(5)) * 4, np.sort(rng.random(4)) + np.arange(4)]


@pytest.mark.parametrize("kwargs", [
    {}, {"edge_order": 2}, {"spacing": 2.0}, {"dim": 1}, {"dim": [1, 0], "spacing": [0.5, 3.0]},
    {"spacing": COORDS}, {"spacing": COORDS, "edge_order": 2}, {"spacing": COORDS[:1], "dim": 0}])
def test_gradient(kwargs):
    check("gradient", (G,), kwargs)


def test_gradient_int_and_errors():
    assert_same(flambeau.gradient(flambeau.arange(5))[0], torch.gradient(torch.arange(5))[0])
    for kw in [{"spacing": [1.0, 2.0], "dim": 0}, {"edge_order": 3}]:
        raises_like(lambda: flambeau.gradient(flambeau.ones(2, 3), **kw),
                    lambda: torch.gradient(torch.ones(2, 3), **kw))
    raises_like(lambda: flambeau.gradient(flambeau.ones(2, 3), edge_order=2),
                lambda: torch.gradient(torch.ones(2, 3), edge_order=2))


Y = rng.standard_normal((3, 5))


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("args,kwargs", [
    ((Y,), {}), ((Y,), {"dx": 0.5}), ((Y,), {"dim": 0}), ((Y, np.sort(rng.random(5))), {}),
    ((Y, rng.random((3, 5))), {}), ((Y, np.sort(rng.random(3))), {"dim": 0}),
    ((np.zeros((3, 0)),), {})])
def test_trapezoid(name, args, kwargs):
    check(name, args, kwargs, grad=args[0].size > 0)


def test_trapezoid_int_and_errors():
    for name in ("trapezoid", "cumulative_trapezoid"):
        assert_same(getattr(flambeau, name)(flambeau.arange(5)), getattr(torch,
                                                                         name)(torch.arange(5)))
    raises_like(lambda: flambeau.trapezoid(flambeau.ones(3), flambeau.ones(2)),
                lambda: torch.trapezoid(torch.ones(3), torch.ones(2)))


P = rng.standard_normal((20, 2)).astype(np.float32)


@pytest.mark.parametrize("args,kwargs", [
    ((P, 3), {}), ((P, [2, 4]), {"density": True}), ((P, [2, 3]), {"range": [-1., 1., 0., 2.]}),
    ((P, [np.array([-1., 0., 2.], np.float32), np.array([-3., 0., 0.5, 3.], np.float32)]),
     {"weight": rng.random(20).astype(np.float32)}),
    ((np.zeros((4, 2), np.float32), 2), {})])
def test_histogramdd(args, kwargs):
    check("histogramdd", args, kwargs, grad=False, tol=1e-6)


def test_histogramdd_errors():
    raises_like(lambda: flambeau.histogramdd(flambeau.ones(3, 2), [2]),
                lambda: torch.histogramdd(torch.ones(3, 2), [2]))
    raises_like(lambda: flambeau.histogramdd(flambeau.ones(3, 2, dtype=flambeau.int64), 2),
                lambda: torch.histogramdd(torch.ones(3, 2, dtype=torch.long), 2))


S = rng.standard_normal((2, 64))
HANN = np.hanning(17)[:16]


@pytest.mark.parametrize("args,kwargs", [
    ((S, 16), {}), ((S[0], 16), {"hop_length": 5, "win_length": 10}),
    ((S, 16), {"window": HANN, "normalized": True}), ((S, 16), {"center": False}),
    ((S, 16), {"pad_mode": "constant", "onesided": False}),
    ((S, 16), {"pad_mode": "circular"}), ((S[0] + 1j * S[1], 12), {"window": np.hanning(12)})])
def test_stft(args, kwargs):
    fo, to = check("stft", args, {**kwargs, "return_complex": True})


@pytest.mark.parametrize("args,kwargs", [
    ((S, 16), {"window": HANN}), ((S[0], 16), {"hop_length": 4, "length": 70, "window": HANN}),
    ((S, 16), {"window": HANN, "normalized": True, "onesided": False}),
    ((S, 16), {"center": False, "hop_length": 3})])
def test_istft(args, kwargs):
    stft_kw = {k: v for k, v in kwargs.items() if k not in ("length",)}
    spec = torch.stft(torch.tensor(args[0]), args[1], return_complex=True,
                      **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                         for k, v in stft_kw.items()}).numpy()
    check("istft", (spec, args[1]), kwargs)


def test_stft_errors(as_torch):
    x, t = flambeau.tensor(S), torch.tensor(S)
    raises_like(lambda: flambeau.stft(x, 16), lambda: torch.stft(t, 16))
    for kw in [{"hop_length": 0}, {"win_length": 20}, {"window": "w5"}]:
        fk = {k: flambeau.ones(5) if v == "w5" else v for k, v in kw.items()}
        tk = {k: torch.ones(5) if v == "w5" else v for k, v in kw.items()}
        raises_like(lambda: flambeau.stft(x, 16, return_complex=True, **fk),
                    lambda: torch.stft(t, 16, return_complex=True, **tk))
    raises_like(lambda: flambeau.stft(x[0, :5], 16, center=False, return_complex=True),
                lambda: torch.stft(t[0, :5], 16, center=False, return_complex=True))
    with pytest.warns(UserWarning):
        out = flambeau.stft(x, 16, return_complex=False)
    assert tuple(out.shape) == (2, 9, 17, 2)
