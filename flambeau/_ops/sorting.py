"""Sorting, selection, quantiles, uniques and binary search.

Differences from NumPy: results are torch's named tuples (``return_types.sort(values,
indices)``...), indices are int64, NaN sorts as the largest value, ``median`` is the lower
median (an element, never an average), ``mode`` picks the smallest most-frequent value and its
last index, and batched ``searchsorted`` searches each row of a multi-dim sequence.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ..return_types import return_type
from ._util import needs_grad, needs_grad1, wrap_dim
from .reduction import _max_reduce, along, flipped, put_along, select_backward, take_along
from .registry import defop
from .signature import checker

_int64 = _dtype.int64


def _argsort(a, d, descending):
    """A stable argsort along ``d``; descending keeps equal elements in their original order
    (an ascending sort of the order-reversed values: ``~a`` for integers and bools, ``-a`` for
    floats without NaN)."""
    if not descending:
        return a.argsort(d, kind="stable")
    kind = a.dtype.kind
    if kind in "iub":
        return (~a).argsort(d, kind="stable")
    if kind == "f" and a.size and not np.isnan(_max_reduce(a, None)):
        return (-a).argsort(d, kind="stable")
    return flipped(a.shape[d] - 1 - flipped(a, d).argsort(d, kind="stable"), d)


def _as_1d(input):
    """The array with 0-d made 1-d (torch treats a scalar as one element along dim 0)."""
    a = input._data
    return a.reshape(1) if a.ndim == 0 else a


def _selected(name, input, index, d, keepdim, node, result):
    """Values at ``index`` along ``d`` as ``result(values, indices)``, recording ``node``."""
    a = _as_1d(input)
    values = a[along(a.shape, index, d)]
    if not keepdim or input._data.ndim == 0:
        values, index = values.squeeze(d), index.squeeze(d)
    shape = input._data.shape
    out = make(values if shape else values.reshape(()), input._dtype)
    if needs_grad1(input):
        record(node, (out,), (input,),
               lambda g: select_backward(g, d, index, shape, keepdim) if shape else g)
    return result(out, make(index if shape else index.reshape(()), _int64))


_sort_t = return_type("sort", ["values", "indices"])


@defop(signature=["sort(Tensor input, *, bool? stable, int dim=-1, bool descending=False, "
                  "Tensor[]? out=None)",
                  "sort(Tensor input, int dim=-1, bool descending=False, *, Tensor[]? out=None)"])
def sort(input, dim=-1, descending=False, stable=False):
    """``return_types.sort(values, indices)`` along ``dim``; always stable."""
    a = _as_1d(input)
    d = wrap_dim(dim, a.ndim)
    index = _argsort(a, d, descending)
    out = make(a[along(a.shape, index, d)].reshape(input._data.shape), input._dtype)
    if needs_grad1(input):
        shape = a.shape
        record("SortBackward1" if stable else "SortBackward0", (out,), (input,),
               lambda g: put_along(g.reshape(shape), d, index, shape).reshape(g.shape))
    return _sort_t(out, make(index.reshape(input._data.shape), _int64))


@defop(signature=["argsort(Tensor input, *, bool stable, int dim=-1, bool descending=False, "
                  "Tensor? out=None)",
                  "argsort(Tensor input, int dim=-1, bool descending=False)"])
def argsort(input, dim=-1, descending=False, stable=False):
    """The int64 indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending)[1]


@defop(signature="msort(Tensor input, *, Tensor? out=None)")
def msort(input):
    """The values of ``input`` sorted along dim 0."""
    return sort(input, 0)[0]


_topk_t = return_type("topk", ["values", "indices"])


_FEW = 4  # up to this k, topk takes k arg-extrema instead of partitioning


def _top_few(a, k, d, largest):
    """The indices of ``k`` rounds of argmax (argmin) along ``d``, each masking its pick; ties
    and NaNs come first-index first as in the stable sort. None when a pick meets the mask
    value (an infinity, the integer extreme) or, for the smallest, a NaN: sort then."""
    pick = np.argmax if largest else np.argmin
    if a.dtype.kind == "f":
        fill = -np.inf if largest else np.inf
    else:
        info = np.iinfo(a.dtype)
        fill = info.min if largest else info.max
    work = a.copy()
    picks = []
    for _ in range(k):
        i = np.expand_dims(pick(work, d), d)
        key = along(work.shape, i, d)
        v = work[key]
        if (v == fill).any() or (not largest and v.dtype.kind == "f" and np.isnan(v).any()):
            return None
        work[key] = fill
        picks.append(i)
    return np.concatenate(picks, d)


@defop(signature="topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True, *, "
                 "Tensor[]? out=None)")
def topk(input, k, dim=-1, largest=True, sorted=True):
    """``return_types.topk(values, indices)``: the ``k`` largest (or smallest) along ``dim``."""
    a = _as_1d(input)
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if input._dtype is _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    index = _top_few(a, k, d, largest) if 0 < k <= _FEW and n > 64 and \
        a.dtype.kind in "fiu" else None
    if index is None:
        if 0 < k < n and n > 64 and not (a.dtype.kind in "fc" and np.isnan(a).any()):
            # partition first (linear time), then sort only the k selected
            keyed = (-a if a.dtype.kind in "fc" else ~a) if largest else a  # ~ reverses int order
            part = np.argpartition(keyed, k - 1, axis=d)
            part = part[(slice(None),) * d + (slice(k),)]
            order = keyed[along(a.shape, part, d)].argsort(d, kind="stable")
            index = part[along(part.shape, order, d)]
        else:
            index = _argsort(a, d, largest)[(slice(None),) * d + (slice(k),)]
    return _selected("topk", input, index, d, True, "TopkBackward0", _topk_t)


_kth_t = return_type("kthvalue", ["values", "indices"])


@defop(signature="kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False, *, "
                  "Tensor[2]? out=None)", out_apart=True)
def kthvalue(input, k, dim=-1, keepdim=False):
    """``return_types.kthvalue``: the ``k``-th smallest element along ``dim`` (1-based)."""
    a = _as_1d(input)
    d = wrap_dim(dim, a.ndim)
    if not 1 <= k <= a.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input._dtype is _dtype.bool:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    index = np.take(_argsort(a, d, False), [k - 1], axis=d)
    return _selected("kthvalue", input, index, d, keepdim, "KthvalueBackward0", _kth_t)


def _median_op(name, ignore_nan):
    result = return_type(name, ["values", "indices"])
    cap = name.capitalize()

    def op(input, dim=None, keepdim=False):
        if dim is None:
            flat = input.reshape(-1)
            if flat._data.size == 0:
                return make(np.full((), np.nan, input._data.dtype), input._dtype)
            values = op(flat, 0)[0]
            out = make(values._data, input._dtype)
            if needs_grad(input):
                index = np.asarray(op(input.detach().reshape(-1), 0)[1]._data)
                shape = input._data.shape
                record(cap + "Backward0", (out,), (input,),
                       lambda g: select_backward(g.reshape(1), 0, index.reshape(1),
                                                 (int(np.prod(shape)),), True).reshape(shape))
            return out
        a = _as_1d(input)
        d = wrap_dim(dim, a.ndim)
        if a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        order = _argsort(a, d, False)
        nan = np.isnan(a).sum(d, keepdims=True) if a.dtype.kind in "fc" else 0
        valid = a.shape[d] - nan
        if ignore_nan:
            pos = np.maximum(valid - 1, 0) // 2
        else:  # a NaN anywhere makes the median NaN: point at the first NaN
            pos = np.where(nan > 0, valid, (a.shape[d] - 1) // 2)
        index = np.take_along_axis(order, np.broadcast_to(pos, order.shape[:d] + (1,)
                                                          + order.shape[d + 1:]), d)
        return _selected(name, input, index, d, keepdim, cap + "Backward1", result)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = ("The lower median (an element, not an average) of all elements, or "
                  f"``return_types.{name}(values, indices)`` along ``dim``"
                  + ("; NaNs are ignored." if ignore_nan else "; NaN if any element is."))
    return defop(op, name=name, signature=[
        f"{name}(Tensor input)",
        f"{name}(Tensor input, int dim, bool keepdim=False, *, Tensor[2]? out=None)"])


median = _median_op("median", False)
nanmedian = _median_op("nanmedian", True)
_mode_t = return_type("mode", ["values", "indices"])


@defop(signature="mode(Tensor input, int dim=-1, bool keepdim=False, *, Tensor[2]? out=None)")
def mode(input, dim=-1, keepdim=False):
    """``return_types.mode``: the most frequent value along ``dim`` (the smallest among ties)
    and its last index. Vectorised: sort, then measure runs of equal values."""
    a = _as_1d(input)
    d = wrap_dim(dim, a.ndim)
    order = _argsort(a, d, False)
    s = np.take_along_axis(a, order, d)
    n = a.shape[d]
    pos = np.arange(n).reshape((-1,) + (1,) * (a.ndim - d - 1))
    start = np.ones(s.shape, bool)
    lead = (slice(None),) * d
    start[lead + (slice(1, None),)] = s[lead + (slice(1, None),)] != s[lead + (slice(None, -1),)]
    run_start = np.maximum.accumulate(np.where(start, pos, 0), axis=d)
    best = np.argmax(pos - run_start, axis=d, keepdims=True)  # end of the first longest run
    index = np.take_along_axis(order, best, d)  # stable sort: the run's last is the last index
    return _selected("mode", input, index, d, keepdim, "ModeBackward0", _mode_t)


# ---- quantiles ---------------------------------------------------------------------------

def _quantile(name, ignore_nan):
    def op(input, q, dim=None, keepdim=False, *, interpolation="linear"):
        if input._dtype not in (_dtype.float32, _dtype.float64):
            raise RuntimeError("quantile() input tensor must be either float or double dtype")
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                               f"midpoint or nearest, but got {interpolation}")  # (both ops)
        scalar_q = not isinstance(q, Tensor)
        qs = np.atleast_1d(np.asarray(q._data if not scalar_q else q, dtype=np.float64))
        if ((qs < 0) | (qs > 1)).any():
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got "
                               f"{qs[(qs < 0) | (qs > 1)][0]:g}" if scalar_q else
                               f"{name}() q values must be in the range [0, 1]")
        x = input.reshape(-1) if dim is None else input
        d = 0 if dim is None else wrap_dim(dim, input._data.ndim)
        x = x if x.ndim else x.reshape(1)
        values = sort(x, d)[0].movedim(d, -1)
        n = values.shape[-1]
        nan = np.isnan(values._data).sum(-1, keepdims=True)
        count = n - nan if ignore_nan else np.where(nan > 0, 0, n)
        rank = qs * np.maximum(count - 1, 0)  # [..., len(q)]
        if interpolation in ("lower", "higher", "nearest", "midpoint"):
            lo = np.floor(rank) if interpolation != "higher" else np.ceil(rank)
            if interpolation == "nearest":
                lo = np.round(rank)  # round half to even, as torch
        else:
            lo = np.floor(rank)
        lo_i = lo.astype(np.int64)
        hi_i = np.minimum(np.ceil(rank).astype(np.int64), np.maximum(count - 1, 0))
        below = take_along(values, -1, np.minimum(lo_i, n - 1))
        if interpolation in ("lower", "higher", "nearest"):
            out = below
        else:
            above = take_along(values, -1, np.minimum(hi_i, n - 1))
            w = 0.5 if interpolation == "midpoint" else make((rank - lo).astype(
                values._data.dtype), values._dtype)
            out = below + (above - below) * w
        nan_rows = (count == 0) if ignore_nan else (nan > 0)
        if nan_rows.any():
            out = out * make(np.where(nan_rows, np.nan, 1).astype(values._data.dtype))
        out = out.movedim(-1, 0)  # q leads
        if input.ndim == 0:
            out = out.reshape(len(qs))
        elif keepdim:
            out = out.reshape((len(qs),) + (tuple(1 for _ in input.shape) if dim is None else
                                            input.shape[:d] + (1,) + input.shape[d + 1:]))
        return out.squeeze(0) if scalar_q or q.ndim == 0 else out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = ("The ``q``-quantiles over ``dim`` (all elements by default), ``q`` a float or "
                  "a 1-d tensor (its dim leads the result)"
                  + (", ignoring NaNs." if ignore_nan else "; NaN where a NaN is present."))
    return defop(op, name=name, signature=[
        f"{name}(Tensor input, {q} q, int? dim=None, bool keepdim=False, *, "
        "str interpolation='linear', Tensor? out=None)" for q in ("Tensor", "float")])


quantile = _quantile("quantile", False)
nanquantile = _quantile("nanquantile", True)


# ---- uniques -----------------------------------------------------------------------------

_UNIQUE2 = checker("_unique2(Tensor input, bool sorted=True, bool return_inverse=False, "
                   "bool return_counts=False)")
_UNIQUE_DIM = checker("unique_dim(Tensor input, int dim, bool sorted=True, "
                      "bool return_inverse=False, bool return_counts=False)")
_UNIQUE_CONSECUTIVE = checker("unique_consecutive(Tensor input, bool return_inverse=False, "
                              "bool return_counts=False, int? dim=None)")


@defop
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Unique elements (or slices along ``dim``), always sorted as torch's CPU kernel does;
    NaNs are all distinct."""
    flags = {"sorted": sorted, "return_inverse": return_inverse, "return_counts": return_counts}
    if dim is None:
        _UNIQUE2(input, **flags)
    else:
        _UNIQUE_DIM(input, dim, **flags)
    a = input._data
    if dim is None:
        values, inverse, counts = _unique_flat(a.reshape(-1), return_inverse, return_counts)
    else:
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True,
                                            axis=dim)
    out = make(values, input._dtype)
    extra = []
    if return_inverse:
        extra.append(make(inverse.reshape(a.shape if dim is None else -1), _int64))
    if return_counts:
        extra.append(make(counts, _int64))
    return (out, *extra) if extra else out


def _unique_flat(flat, return_inverse, return_counts):
    """(sorted unique values, inverse or None, counts or None) of a 1-d array: a sort, then
    the starts of runs (``!=``, so each NaN starts its own run, as in torch)."""
    order = flat.argsort(kind="stable") if return_inverse else None
    s = flat[order] if return_inverse else np.sort(flat)
    start = np.empty(s.shape, bool)
    start[:1] = True
    np.not_equal(s[1:], s[:-1], out=start[1:])
    inverse = counts = None
    if return_inverse:
        inverse = np.empty(s.shape, np.int64)
        inverse[order] = np.add.accumulate(start, dtype=np.int64) - 1
    if return_counts:
        at = np.flatnonzero(start)
        counts = np.empty(at.shape, np.int64)
        counts[:-1] = at[1:] - at[:-1]
        counts[-1:] = len(s) - at[-1:]
    return s[start], inverse, counts


@defop
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Elements (or slices along ``dim``) with consecutive repeats collapsed."""
    _UNIQUE_CONSECUTIVE(input, return_inverse=return_inverse, return_counts=return_counts, dim=dim)
    a = input._data
    flat = a.reshape(-1) if dim is None else np.moveaxis(a, wrap_dim(dim, a.ndim), 0)
    n = flat.shape[0]
    change = np.ones(n, bool)
    if n > 1:
        neq = flat[1:] != flat[:-1]
        change[1:] = neq.reshape(n - 1, -1).any(1)
    starts = np.flatnonzero(change)
    values = flat[starts] if dim is None else np.moveaxis(flat[starts], 0, wrap_dim(dim, a.ndim))
    extra = []
    if return_inverse:
        inverse = np.cumsum(change) - 1
        extra.append(make(inverse.reshape(a.shape) if dim is None else inverse, _int64))
    if return_counts:
        extra.append(make(np.diff(np.append(starts, n)), _int64))
    out = make(np.ascontiguousarray(values), input._dtype)
    return (out, *extra) if extra else out


# ---- binary search -----------------------------------------------------------------------

@defop(method=False,
       signature=["searchsorted(Tensor sorted_sequence, Tensor input, *, bool out_int32=False, "
                  "bool right=False, str? side=None, Tensor? sorter=None, Tensor? out=None)",
                  "searchsorted(Tensor sorted_sequence, Scalar self, *, bool out_int32=False, "
                  "bool right=False, str? side=None, Tensor? sorter=None, Tensor? out=None)"])
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """Where ``input`` would be inserted in each (last-dim) row of ``sorted_sequence``."""
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side != "right":
            raise RuntimeError(f"torch.searchsorted(): side and right can't be set to "
                               f"opposites, got side of {side} while right was True")
        right = side == "right"
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    dtype = _dtype.int32 if out_int32 else _int64
    side = "right" if right else "left"
    if seq.ndim <= 1:
        return make(np.searchsorted(seq, values, side).astype(dtype._np), dtype)
    if seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           "first N-1 dimensions of boundaries tensor and input value tensor must "
                           f"match, but we got boundaries tensor {list(seq.shape)} and input value "
                           f"tensor {list(values.shape)}")
    # batched: one merged sort keyed by (row, value, which side of a tie first), then count
    # the sequence elements that precede each value within its row
    n, m = seq.shape[-1], values.shape[-1]
    seq2, val2 = seq.reshape(-1, n), values.reshape(-1, m)
    rows = np.concatenate([np.repeat(np.arange(len(seq2)), n), np.repeat(np.arange(len(val2)), m)])
    keys = np.concatenate([seq2.ravel(), val2.ravel()])
    is_seq = np.concatenate([np.ones(seq2.size, bool), np.zeros(val2.size, bool)])
    order = np.lexsort((is_seq if not right else ~is_seq, keys, rows))
    before = np.cumsum(is_seq[order]) - rows[order] * n
    result = np.empty(len(keys), np.int64)
    result[order] = before
    return make(result[seq2.size:].reshape(values.shape).astype(dtype._np), dtype)


@defop(method=False,
       signature=["bucketize(Tensor input, Tensor boundaries, *, bool out_int32=False, "
                  "bool right=False, Tensor? out=None)",
                  "bucketize(Scalar self, Tensor boundaries, *, bool out_int32=False, "
                  "bool right=False)"])
def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each element given 1-d ``boundaries`` (``searchsorted`` with the two
    arguments swapped)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
