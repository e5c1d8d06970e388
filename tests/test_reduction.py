"""Reductions compared with torch: values, dtypes, shapes, named tuples, errors, gradients."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import flambeau

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 5))
TIES = np.array([[1., 3., 3.], [2., 2., 0.]])
ZEROS = np.array([[1., 0., 2.], [0., 0., 3.], [2., 3., 4.]])
BIG = RNG.standard_normal((256, 256))  # past the BLAS fast paths' size thresholds

# (name, call, input array, also check gradient)
CASES = [
    ("sum", lambda m, x: m.sum(x, (0, -1), keepdim=True), A, True),
    ("sum_int", lambda m, x: m.sum(x.long()), A, False),
    ("mean", lambda m, x: m.mean(x, 1), A, True),
    ("nansum", lambda m, x: m.nansum(x, 1), np.where(A > 1, np.nan, A), True),
    ("nanmean", lambda m, x: m.nanmean(x, 1), np.where(A > 1, np.nan, A), True),
    ("prod", lambda m, x: m.prod(x, 1), A, True),
    ("prod_zeros", lambda m, x: m.prod(x, 1), ZEROS, True),
    ("prod_full_zero", lambda m, x: m.prod(x), ZEROS[2:] * [[1, 0, 1]], True),
    ("std", lambda m, x: m.std(x, (0, 2), keepdim=True), A, True),
    ("var_corr", lambda m, x: m.var(x, 1, correction=0), A, True),
    ("std_unbiased", lambda m, x: m.std(x, 1, False), A, True),
    ("max_full_ties", lambda m, x: m.max(x), TIES, True),
    ("max_dim", lambda m, x: m.max(x, 1), TIES, True),
    ("min_dim_keep", lambda m, x: m.min(x, -1, keepdim=True), A, True),
    ("amax_ties", lambda m, x: m.amax(x, 1), TIES, True),
    ("amin_tuple", lambda m, x: m.amin(x, (0, 2)), A, True),
    ("argmax", lambda m, x: m.argmax(x, 1), TIES, False),
    ("argmin_flat", lambda m, x: m.argmin(x, keepdim=True), A, False),
    ("all_u8", lambda m, x: m.all(x.to(m.uint8), 1), ZEROS, False),
    ("any", lambda m, x: m.any(x, (0, 1)), ZEROS, False),
    ("count_nonzero", lambda m, x: m.count_nonzero(x, 0), ZEROS, False),
    ("norm", lambda m, x: m.norm(x), A, True),
    ("norm_zero", lambda m, x: m.norm(x * 0, dim=1), A, True),
    ("norm_p3", lambda m, x: m.norm(x, 3, dim=(0, 1)), A, True),
    ("norm_inf", lambda m, x: m.norm(x, float("inf"), dim=1), TIES, True),
    ("norm_1", lambda m, x: m.norm(x, 1), A, True),
    ("norm_nuc", lambda m, x: m.norm(x, "nuc"), A[0], True),
    ("logsumexp", lambda m, x: m.logsumexp(x * 300, 1), A, True),
    ("norm_big", lambda m, x: m.norm(x), BIG, True),
    ("logsumexp_big", lambda m, x: m.logsumexp(x, 1), BIG, True),
    ("std_big", lambda m, x: m.std(x, 0), BIG, True),
    ("cumsum", lambda m, x: m.cumsum(x, 1), A, True),
    ("cumsum_dtype", lambda m, x: m.cumsum(x.int(), 0, dtype=m.int32), A, False),
    ("cumprod", lambda m, x: m.cumprod(x, -1), A, True),
    ("cumprod_zeros", lambda m, x: m.cumprod(x, 1), ZEROS, True),
    ("cummax", lambda m, x: m.cummax(x, 1), TIES, True),
    ("cummin", lambda m, x: m.cummin(x, 0), A, True),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), A, True),
    ("diff", lambda m, x: m.diff(x, 2, 1), A, True),
    ("dist", lambda m, x: m.dist(x, x * 2 + 1, 3), A, True),
    ("renorm", lambda m, x: m.renorm(x, 2, 0, 2.0), A, True),
    ("isclose", lambda m, x: m.isclose(x, x + 1e-6), A, False),
    ("aminmax", lambda m, x: m.aminmax(x, dim=1), A, False),
]


def run(lib, fn, array, grad=False):
    x = lib.tensor(array, requires_grad=grad)
    return x, fn(lib, x)


def check(got, want):
    if isinstance(want, tuple):
        assert type(got).__name__ == type(want).__name__
        if hasattr(want, "_fields"):
            assert got._fields == want._fields
        for g, w in zip(got, want):
            check(g, w)
        return
    if isinstance(want, torch.Tensor):
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        assert tuple(got.shape) == tuple(want.shape)
        # torch.testing's defaults: float32 sums may round differently near cancellation
        rtol, atol = (1.3e-6, 1e-5) if want.dtype == torch.float32 else (1e-6, 1e-9)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=rtol,
                                   atol=atol, equal_nan=True)
    else:
        assert got == want


@pytest.mark.parametrize("name,fn,array,grad", CASES, ids=[c[0] for c in CASES])
def test_forward_and_grad(name, fn, array, grad):
    compare_case(fn, array, grad)


def compare_case(fn, array, grad, check_name=True):
    """Runs ``fn`` on both libraries: outputs, and with ``grad`` gradients and node names."""
    fx, fout = run(flambeau, fn, array, grad)
    tx, tout = run(torch, fn, array, grad)
    check(fout, tout)
    if grad:
        first = lambda o: o[0] if isinstance(o, tuple) else o
        w = RNG.standard_normal(tuple(first(tout).shape))
        (first(tout) * torch.tensor(w)).sum().backward()
        (first(fout) * flambeau.tensor(w)).sum().backward()
        np.testing.assert_allclose(fx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-9)
        if check_name:
            assert first(fout).grad_fn.name() == first(tout).grad_fn.name()


def test_named_tuple_repr():
    assert repr(flambeau.max(flambeau.tensor([[1., 2.]]), 1)).replace("flambeau", "torch") == \
        repr(torch.max(torch.tensor([[1., 2.]]), 1))


@pytest.mark.parametrize("call", [
    lambda m: m.empty(0).max(), lambda m: m.empty(0).amax(), lambda m: m.empty(0).argmax(),
    lambda m: m.empty(0, 3).max(0), lambda m: m.tensor([1, 2]).mean(),
    lambda m: m.tensor([1, 2]).std(), lambda m: m.tensor([1, 2]).norm(),
    lambda m: m.tensor([1, 2]).nanmean(),
])
def test_errors(call):
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(type(want.value), match=None) as got:
        call(flambeau)
    assert str(got.value) == str(want.value)


def test_empty_and_dof_warning():
    assert flambeau.empty(0).sum().item() == 0 and np.isnan(flambeau.empty(0).mean().item())
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert np.isnan(flambeau.tensor([1.]).std().item())


def test_std_var_mean_pair():
    for name in ("std_mean", "var_mean"):
        got, want = getattr(flambeau, name)(flambeau.tensor(A), 1), getattr(torch, name)(
            torch.tensor(A), 1)
        check(tuple(got), tuple(want))


OPS = {"sum": {}, "mean": {}, "prod": {}, "amax": {}, "argmax": {}, "std": {}, "cumsum": {}}


@settings(max_examples=50, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       op=st.sampled_from(sorted(OPS)), dtype=st.sampled_from(["float64", "float32", "int64"]),
       data=st.data())
def test_hypothesis(shape, op, dtype, data):
    seed = data.draw(st.integers(0, 2**32 - 1))  # values drawn through hypothesis: reproducible
    a = (np.random.default_rng(seed).standard_normal(shape) * 3).astype(dtype)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keep = data.draw(st.booleans())
    if (op in ("mean", "std")) and dtype == "int64":
        return
    call = {"cumsum": lambda m, x: m.cumsum(x, dim), "argmax": lambda m, x: m.argmax(x, dim, keep),
            "prod": lambda m, x: m.prod(x, dim, keep)}.get(
        op, lambda m, x: getattr(m, op)(x, dim, keepdim=keep))
    check(run(flambeau, call, a)[1], run(torch, call, a)[1])


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, float("inf")])
@pytest.mark.parametrize("shapes", [((), ()), ((3, 4), (4,))])
def test_dist_second_order(p, shapes):
    """dist's gradient is differentiable again: gradgrad matches torch (float64)."""
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shapes]
    cot, w = rng.standard_normal(()), [rng.standard_normal(s) for s in shapes]
    results = []
    for lib in (flambeau, torch):
        xs = [lib.tensor(a).requires_grad_() for a in arrays]
        out = lib.dist(*xs, p)
        grads = lib.autograd.grad([out], xs, [lib.tensor(cot)], create_graph=True)
        total = sum((g * lib.tensor(v)).sum() for g, v in zip(grads, w))
        second = lib.autograd.grad([total], xs, allow_unused=True) if total.requires_grad \
            else (None, None)
        results.append([np.zeros(s) if g is None or (lib is torch and g._is_zerotensor())
                        else g.detach().numpy() for g, s in zip(second, shapes)]
                       + [g.detach().numpy() for g in grads])
    for f, t in zip(*results):
        np.testing.assert_allclose(f, t, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(300, 400), (2, 128, 300), (70000,), (5, 20000)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("call", [lambda m, x: m.sum(x), lambda m, x: x.sum(-1),
                                  lambda m, x: x.mean(), lambda m, x: x.mean(-1, True),
                                  lambda m, x: x.sum(-1, keepdim=True)])
def test_large_sums(shape, dtype, call):
    """Large float sums (a matrix-vector product along the last dim) match torch's."""
    t = torch.randn(shape, dtype=dtype, generator=torch.Generator().manual_seed(0)) + 0.25
    f = flambeau.tensor(t.numpy())
    expected, got = call(torch, t), call(flambeau, f)
    assert got.dtype == getattr(flambeau, str(expected.dtype).split(".")[1])
    torch.testing.assert_close(torch.from_numpy(np.asarray(got.numpy())), expected)


def test_large_sum_special_values():
    t = torch.full((300, 300), -0.0)
    t[3, 4], t[5, 6], t[7, 8] = float("inf"), float("-inf"), float("nan")
    f = flambeau.tensor(t.numpy())
    for call in (lambda x: x.sum(1), lambda x: x.sum(), lambda x: x[:2].sum(1),
                 lambda x: x[:, :100].sum(1)):
        torch.testing.assert_close(torch.from_numpy(np.asarray(call(f).numpy())), call(t),
                                   equal_nan=True)
        torch.testing.assert_close(torch.from_numpy(np.asarray(call(f[10:]).numpy())),
                                   call(t[10:]), equal_nan=True)


@pytest.mark.parametrize("call", ["sum()", "sum(0)", "mean()", "nansum()", "nanmean()",
                                  "cumsum(0)", "cumprod(0)", "prod()", "logcumsumexp(0)",
                                  "norm()", "norm(p=1)", "norm(p=3)", "mode()"])
@pytest.mark.parametrize("values", [[float("inf"), -float("inf")], [3e38, 3e38],
                                    [float("nan"), 1.0]])
def test_overflow_and_nan_come_out_silently(call, values):
    """inf - inf, overflow and nan give their values without NumPy's RuntimeWarning, as in
    torch."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = eval("x." + call, {"x": flambeau.tensor(values)})
        theirs = eval("x." + call, {"x": torch.tensor(values)})
    if call == "mode()":  # (torch's mode of a nan run is its own: only values without nan)
        if values[0] != values[0]:
            return
        ours, theirs = ours.values, theirs.values
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
