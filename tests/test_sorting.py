"""Sorting, selection, quantiles, uniques, histograms, searchsorted compared with torch."""
import numpy as np
import pytest
import torch

import flambeau
from test_reduction import compare_case

RNG = np.random.default_rng(1)
A = RNG.standard_normal((3, 5))
INTS = RNG.integers(0, 4, (3, 7)).astype(np.float64)
NAN = np.where(A > 1, np.nan, A)
INFS = np.where(INTS > 1, np.inf, -INTS)  # runs of inf (inf - inf is nan, not 0)

CASES = [
    ("sort", lambda m, x: m.sort(x, 1), A, True),
    ("sort_desc_stable", lambda m, x: m.sort(x, stable=True, dim=0, descending=True), INTS, True),
    ("sort_nan", lambda m, x: m.sort(x, descending=True, stable=True), NAN, False),
    ("argsort", lambda m, x: m.argsort(x, stable=True, dim=0), INTS, False),
    ("msort", lambda m, x: m.msort(x), A, True),
    ("topk", lambda m, x: m.topk(x, 2), A, True),
    ("topk_small", lambda m, x: m.topk(x, 3, 0, largest=False), A, True),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2, 1, keepdim=True), A, True),
    ("median", lambda m, x: m.median(x), A, True),
    ("median_dim", lambda m, x: m.median(x, 1), A, True),
    ("median_nan", lambda m, x: m.median(x, 1), NAN, False),
    ("nanmedian", lambda m, x: m.nanmedian(x, 1), NAN, False),
    ("mode", lambda m, x: m.mode(x, 1), INTS, True),
    ("mode_inf", lambda m, x: m.mode(x, 1), INFS, False),
    ("quantile", lambda m, x: m.quantile(x, 0.3, 1), A, True),
    ("quantile_q", lambda m, x: m.quantile(x, m.tensor([0.1, 0.5, 1.0], dtype=m.float64),
                                           0, keepdim=True), A, True),
    *[(f"quantile_{i}", lambda m, x, i=i: m.quantile(x, 0.4, interpolation=i), A, False)
      for i in ("lower", "higher", "midpoint", "nearest")],
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.7, 1), NAN, False),
    ("unique", lambda m, x: m.unique(x, return_inverse=True, return_counts=True), INTS, False),
    ("unique_dim", lambda m, x: m.unique(x, dim=1, return_inverse=True), INTS[:2] % 2, False),
    ("unique_consecutive", lambda m, x: m.unique_consecutive(
        x, return_inverse=True, return_counts=True), INTS, False),
    ("bincount", lambda m, x: m.bincount(x.long()[0], minlength=6), INTS, False),
    ("bincount_w", lambda m, x: m.bincount(x.long()[0], x[1]), INTS, False),
    ("histc", lambda m, x: m.histc(x, 6), A, False),
    ("histogram", lambda m, x: m.histogram(x, 4), A, False),
    ("searchsorted", lambda m, x: m.searchsorted(m.sort(x, 1)[0], x[:, :2] + 0.1), A, False),
    ("searchsorted_right", lambda m, x: m.searchsorted(m.sort(x, 1)[0], x, right=True,
                                                       out_int32=True), INTS, False),
    ("bucketize", lambda m, x: m.bucketize(x, m.tensor([0., 1.5, 2.], dtype=m.float64)),
     INTS, False),
]


@pytest.mark.parametrize("name,fn,array,grad", CASES, ids=[c[0] for c in CASES])
def test_forward_and_grad(name, fn, array, grad):
    # torch names a quantile's node after its internal decomposition (a squeeze)
    compare_case(fn, array, grad, check_name=not name.startswith("quantile"))


@pytest.mark.parametrize("call", [
    lambda m: m.tensor([3., 1]).topk(3), lambda m: m.tensor([3., 1]).kthvalue(3),
    lambda m: m.tensor([3, 1]).quantile(0.5), lambda m: m.tensor([3., 1]).quantile(1.5),
    lambda m: m.bincount(m.tensor([1, -1])),
])
def test_errors(call):
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(type(want.value)) as got:
        call(flambeau)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("kw", [{}, {"return_inverse": True}, {"return_counts": True},
                                {"return_inverse": True, "return_counts": True}])
def test_unique_keeps_each_nan(kw):
    """torch treats every NaN as distinct; NumPy's unique would merge them."""
    data = [1.0, float("nan"), 2.0, float("nan"), 1.0]
    ours, theirs = flambeau.unique(flambeau.tensor(data), **kw), torch.unique(torch.tensor(data),
                                                                            **kw)
    ours, theirs = (ours,) if not kw else ours, (theirs,) if not kw else theirs
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int16,
                                   torch.uint8])
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k", [1, 3, 4])
@pytest.mark.parametrize("special", ["none", "nan", "inf", "extreme"])
def test_topk_few_long_rows(dtype, largest, k, special):
    """Small k over long rows (k arg-extrema) against torch, ties included (few distinct
    values), NaN and the mask values (infinities, integer extremes) falling back to sorting.
    torch's order among tied indices is its own: the indices must point at the values."""
    g = torch.Generator().manual_seed(k)
    t = torch.randint(0, 6, (7, 100), generator=g).to(dtype)
    if special != "none" and dtype.is_floating_point:
        t[2, 5] = t[2, 50] = float(special) if special == "nan" else float("inf")
        t[3, 7] = -float("inf")
    elif special == "extreme" and not dtype.is_floating_point:
        t[1, :] = torch.iinfo(dtype).min if largest else torch.iinfo(dtype).max
    x = flambeau.tensor(t.numpy())
    for dim in (1, 0):
        values, indices = x.topk(k, dim, largest)
        expected = torch.topk(t, k, dim, largest)
        np.testing.assert_array_equal(values.numpy(), expected.values.numpy())
        np.testing.assert_array_equal(t.gather(dim, torch.tensor(indices.numpy().copy())),
                                      expected.values)
