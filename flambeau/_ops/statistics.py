"""Statistics of samples: counts (``bincount``), histograms (``histc``, ``histogram``,
``histogramdd``), covariance and correlation matrices. None is differentiable but ``cov`` and
``corrcoef``, which are written with flambeau ops."""
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..return_types import return_type
from .pointwise import complex_  # (torch.complex: named so that the builtin stays)
from .reduction import _is_float
from .registry import defop, type_name

_int64, _bool = _dtype.int64, _dtype.bool


@defop(signature="bincount(Tensor input, Tensor? weights=None, int minlength=0)")
def bincount(input, weights=None, minlength=0):
    """Counts of each non-negative integer (sums of ``weights``: float stays, else double)."""
    a = input._data
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                  f"'{type_name(input._dtype)}'")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return make(np.bincount(a, minlength=minlength).astype(np.int64), _int64)
    dtype = weights._dtype if weights._dtype.is_floating_point else _dtype.float64
    return make(np.bincount(a, weights._data, minlength).astype(dtype._np), dtype)


@defop(signature="histc(Tensor input, int bins=100, Scalar min=0, Scalar max=0, *, "
                 "Tensor? out=None)")
def histc(input, bins=100, min=0, max=0):
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0);
    elements outside are ignored."""
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                  f"'{type_name(input._dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    a = input._data
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(a, bins=bins, range=(lo, hi))
    return make(counts.astype(a.dtype), input._dtype)


_histogram_t = return_type("histogram", ["hist", "bin_edges"])


@defop(signature=["histogram(Tensor input, Tensor bins, *, Tensor? weight=None, "
                  "bool density=False, Tensor[2]? out=None)",
                  "histogram(Tensor input, int bins=100, *, float[]? range=None, "
                  "Tensor? weight=None, bool density=False, Tensor[2]? out=None)"])
def histogram(input, bins, *, range=None, weight=None, density=False):
    """``return_types.histogram(hist, bin_edges)``; ``bins`` is a count or a tensor of edges."""
    if not isinstance(bins, Tensor) and bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    edges = bins._data if isinstance(bins, Tensor) else bins
    hist, edges = np.histogram(input._data, bins=edges, range=range, density=density,
                               weights=None if weight is None else weight._data)
    dtype = input._data.dtype
    return _histogram_t(make(hist.astype(dtype), input._dtype), make(edges.astype(dtype),
                                                                      input._dtype))


# ---- histogramdd, covariance --------------------------------------------------------------

_histogramdd = return_type("histogramdd", ["hist", "bin_edges"])


@defop(method=False, signature=[
    f"histogramdd(Tensor input, {bins} bins, float[]? range=None, Tensor? weight=None, "
    "bool density=False)" for bins in ("int", "int[]", "Tensor[]")])
def histogramdd(input, bins, range=None, weight=None, density=False):
    """A D-dimensional histogram of the points in ``input``'s last dim (no gradient)."""
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f"\"histogramdd\" not implemented for "
                                  f"'{type_name(input._dtype)}'")
    dims = input._data.shape[-1]
    pts = input._data.reshape(-1, dims)
    if isinstance(bins, int):
        bins = [bins] * dims
    if len(bins) != dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    dt = input._dtype._np
    edges, index, inside = [], 0, np.ones(len(pts), bool)
    for k, b in enumerate(bins):
        col = pts[:, k]
        if isinstance(b, Tensor):
            e = b._data.astype(dt)
        else:
            lo, hi = (range[2 * k], range[2 * k + 1]) if range is not None else \
                ((col.min(), col.max()) if len(col) else (0, 1))
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            e = np.linspace(lo, hi, b + 1).astype(dt)
        nb = len(e) - 1
        inside &= (col >= e[0]) & (col <= e[-1])
        pos = np.clip(np.searchsorted(e, col, "right") - 1, 0, nb - 1 if nb else 0)
        index = index * nb + pos
        edges.append(e)
    nbins = [len(e) - 1 for e in edges]
    w = None if weight is None else weight._data.reshape(-1)[inside]
    hist = np.bincount(index[inside], w, math.prod(nbins)).reshape(nbins).astype(dt)
    if density:
        widths = np.ones(nbins, dt)
        for k, e in enumerate(edges):  # `range` is an argument here: the shapes come from arange
            widths = widths * np.diff(e).reshape([-1 if i == k else 1 for i in np.arange(dims)])
        with np.errstate(invalid="ignore", divide="ignore"):
            hist = hist / hist.sum() / widths
    return _histogramdd(make(hist, input._dtype), tuple(make(e, input._dtype) for e in edges))


def _check_weights(w, kind, n, integral):
    if w is None:
        return
    if w._data.ndim > 1:
        raise RuntimeError(f"cov(): expected {kind} to have one or fewer dimensions but got "
                           f"{kind} with {w._data.ndim} dimensions")
    ok = not _is_float(w._dtype) and w._dtype is not _bool if integral \
        else w._dtype.is_floating_point
    if not ok:
        raise RuntimeError(f"cov(): expected {kind} to have "
                           f"{'integral' if integral else 'floating point'} dtype but got "
                           f"{kind} with {type_name(w._dtype)} dtype")
    if w._data.size != n:
        raise RuntimeError(f"cov(): expected {kind} to have the same numel as there are "
                           f"observations in the input but got {w._data.size} != {n}")
    if w._data.size and w._data.min() < 0:
        raise RuntimeError(f"cov(): {kind} cannot be negative")


@defop(signature="cov(Tensor input, *, int correction=1, Tensor? fweights=None, "
                  "Tensor? aweights=None)")
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    columns), with integer frequency and float observation weights."""
    if input._data.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input._data.ndim} dimensions")
    x = input if input._data.ndim == 2 else input.reshape(1, -1)
    n = x._data.shape[1]
    _check_weights(fweights, "fweights", n, True)
    _check_weights(aweights, "aweights", n, False)
    w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    w_sum = n if w is None else w.sum()
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is None or correction == 0:
        norm = w_sum - correction
    elif aweights is None:
        norm = w_sum - correction
    else:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    if float(norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=3)
        norm = 0 * norm
    x = x - avg.unsqueeze(1)
    c = (x @ (x if w is None else x * w).t().conj()) / norm
    return c.squeeze()


@defop(signature="corrcoef(Tensor input)")
def corrcoef(input):
    """Pearson correlation coefficients of the rows of ``input``, clipped into [-1, 1]."""
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    std = c.diagonal()
    std = (std.real if c._dtype.is_complex else std).sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    if c._dtype.is_complex:
        return complex_(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))
    return c.clamp(-1, 1)
