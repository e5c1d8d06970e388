"""Distances: ``cdist`` between two sets of rows, ``pdist`` between the rows of one,
``pairwise_distance`` and ``cosine_similarity`` along a dim."""
import math

import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad, wrap_dim
from .joining import broadcast_tensors
from .linalg_products import _norm as norm, vector_norm
from .reduction import _const
from .registry import defop, type_name
from .signature import checker

_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                "donot_use_mm_for_euclid_dist")


def _cdist_weights(diff, dist, p):
    """d dist / d x1 per pair and coordinate, written with flambeau ops (0 where dist is 0)."""
    zero = _const(dist._data == 0, dist)
    safe = (dist + zero).unsqueeze(-1)
    keep = (1 - zero).unsqueeze(-1)
    if p == 0:
        return diff * 0
    if p == 1:
        return diff.sign() * keep
    if p == 2:
        return diff / safe * keep
    if math.isinf(p):
        return diff.sign() * _const(np.abs(diff._data) == dist._data[..., None], diff) * keep
    return diff.sign() * diff.abs() ** (p - 1) / safe ** (p - 1) * keep


_check_cdist = checker("cdist(Tensor x1, Tensor x2, float p=2, int? compute_mode=None)")


@defop(method=False)
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Batched p-norm distances between the rows of ``x1`` and of ``x2``; for p=2 with more than
    25 rows (or ``use_mm_for_euclid_dist``) it uses the matrix-product formula as torch does."""
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _check_cdist(x1, x2, p)
    for name, x in (("X1", x1), ("X2", x2)):
        if not x._dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{type_name(x._dtype)}")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x._data.ndim}D")
    a, b = x1._data, x2._data
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    dtype = _dtype.promote_types(x1._dtype, x2._dtype)
    a, b = a.astype(dtype._np, copy=False), b.astype(dtype._np, copy=False)
    mm = p == 2 and (compute_mode == _CDIST_MODES[1] or compute_mode == _CDIST_MODES[0]
                     and (a.shape[-2] > 25 or b.shape[-2] > 25))
    if mm:
        sq = (np.einsum("...i,...i->...", a, a)[..., :, None]
              + np.einsum("...i,...i->...", b, b)[..., None, :]
              - 2 * (a @ np.swapaxes(b, -1, -2)))
        r = np.sqrt(np.maximum(sq, 0, out=sq), out=sq)
    else:
        diff = np.abs(a[..., :, None, :] - b[..., None, :, :])
        if p == 0:
            r = np.count_nonzero(diff, axis=-1).astype(dtype._np)
        elif math.isinf(p):
            r = diff.max(-1, initial=0)
        elif p == 1:
            r = diff.sum(-1)
        elif p == 2:
            r = np.sqrt(np.einsum("...i,...i->...", diff, diff))
        else:
            r = (diff ** p).sum(-1) ** (1 / p)
    out = make(np.ascontiguousarray(r, dtype._np), dtype)
    if needs_grad(x1, x2):
        def backward(g, x1, x2, out):
            w = g.unsqueeze(-1) * _cdist_weights(x1.unsqueeze(-2) - x2.unsqueeze(-3), out, p)
            return w.sum(-2), -w.sum(-3)
        record("CdistBackward0", (out,), (x1, x2), backward, saved=(x1, x2), saved_outputs=(0,))
    return out


@defop(method=False, signature="pdist(Tensor input, double p=2)")
def pdist(input, p=2.0):
    """The p-norm distances between each pair of rows i < j, in row-major order."""
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    if not input._dtype.is_floating_point:  # (integers and complex alike)
        raise RuntimeError("pdist only supports floating-point dtypes")
    i, j = np.triu_indices(x.shape[0], 1)
    diff = x[i] - x[j]
    if p == 0:
        r = (diff != 0).sum(1).astype(x.dtype)
    elif np.isinf(p):
        r = np.abs(diff).max(1, initial=0)
    elif p == 2:
        r = np.sqrt(np.einsum("pk,pk->p", diff, diff))
    else:
        r = (np.abs(diff) ** p).sum(1) ** (1.0 / p)
    out = make(r.astype(x.dtype, copy=False), input._dtype)
    if needs_grad(input):
        rows, cols = make(i), make(j)

        def backward(g, x, dist):
            diff = x[rows] - x[cols]
            pair = _cdist_weights(diff, dist, p) * g.unsqueeze(-1)
            return x.new_zeros(x.shape).index_add(0, rows, pair).index_add(0, cols, -pair)
        record("PdistBackward0", (out,), (input,), backward, saved=(input,),
               saved_outputs=(0,))
    return out


@defop(method=False,
       signature="cosine_similarity(Tensor x1, Tensor x2, int64_t dim=1, double eps=1e-08)")
def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    """<x1, x2> / (max(|x1|, eps) * max(|x2|, eps)) along ``dim``, after broadcasting."""
    common = _dtype.promote_types(x1._dtype, x2._dtype)
    if not common.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           + type_name(common))
    if x1._data.shape != x2._data.shape:
        x1, x2 = broadcast_tensors(x1, x2)
    if x1._data.ndim == 0:  # two numbers: their signs' product
        wrap_dim(dim, 0)
        return cosine_similarity(x1.reshape(1), x2.reshape(1), 0, eps)
    d = wrap_dim(dim, x1._data.ndim)
    n1 = vector_norm(x1, 2, d, True).clamp_min(eps)
    n2 = vector_norm(x2, 2, d, True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(d)


@defop(method=False,
       signature="pairwise_distance(Tensor x1, Tensor x2, double p=2, double eps=1e-06, "
                 "bool keepdim=False)")
def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dim."""
    n = max(x1._data.ndim, x2._data.ndim)
    return norm(x1 - x2 + eps, p, n - 1 if n else None, keepdim)
