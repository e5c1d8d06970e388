"""softmax and log_softmax over a dim (softmin is ``softmax(-x)`` in ``nn/functional.py``).

Each computes in blocks of whole rows when the dim is the last of a large C-contiguous input, so
that a block's temporaries stay in the cache; half precision computes in float32, as torch's
CPU kernels do, and the result is always C-contiguous.
"""
import numpy as np

from .._backend import restore as _restore, silence as _silence
from .._tensor import make
from ..autograd.graph import record
from ._saved import _Constant
from ._util import needs_grad, needs_grad1, wrap_dim
from .reduction import _add_reduce, _is_float, _max_reduce
from .registry import defop, type_name

_SOFTMAX_BLOCK = 1 << 20  # bytes per block of rows: a block's temporaries stay in cache
_SOFTMAX_SMALL = 64  # up to this many elements, each formula is written in a few NumPy calls


def _softmax_blocks(arrays, d):
    """Pairs of (views of ``arrays`` for one block, axis): blocks of whole rows when the reduced
    dim is the last of C-contiguous arrays (the row-wise temporaries then fit in the cache),
    else the whole arrays reduced along ``d``."""
    a = arrays[0]
    if d != a.ndim - 1 or a.nbytes <= _SOFTMAX_BLOCK:
        return [(arrays, d)]
    for x in arrays:
        if not x.flags.c_contiguous:
            return [(arrays, d)]
    c = a.shape[-1]
    flat = [x.reshape(-1, c) for x in arrays]
    step = max(_SOFTMAX_BLOCK // (c * a.itemsize), 1)
    return [([x[s:s + step] for x in flat], 1) for s in range(0, flat[0].shape[0], step)]


def _row_sum(x, d):
    """Sums along ``d`` kept as a dim (a matrix-vector product for long rows: SIMD)."""
    if d == x.ndim - 1 and x.shape[d] >= 64 and x.dtype.kind == "f":
        return (x @ np.ones(x.shape[d], x.dtype))[..., None]
    return _add_reduce(x, d, None, None, True)


def _softmax_forward(a, d, log):
    """softmax or log_softmax of array ``a`` along ``d``, the max shifted out first."""
    if a.size == 0:
        return np.empty(a.shape, a.dtype)
    if log and a.size <= _SOFTMAX_SMALL:  # (the operator, when it keeps C order: cheaper)
        lse = np.logaddexp.reduce(a, d, None, None, True)
        return a - lse if a.flags.c_contiguous else np.subtract(a, lse, order="C")
    r = np.empty(a.shape, a.dtype)  # C-contiguous whatever the input's layout, as torch's
    tmp = None  # log_softmax's exponentials, one block at a time
    for (x, o), axis in _softmax_blocks((a, r), d):
        np.subtract(x, _max_reduce(x, axis, None, None, True), out=o)
        if log:
            tmp = np.empty_like(o) if tmp is None else tmp[:len(o)]
            o -= np.log(_row_sum(np.exp(o, out=tmp), axis))
        else:
            np.exp(o, out=o)
            o /= _row_sum(o, axis)
    return r


def _softmax_backward(g, y, d, log):
    """The input's gradient of (log_)softmax from the output ``y`` and its gradient ``g``:
    ``g - exp(y) sum(g)`` for log_softmax, ``y (g - sum(g y))`` for softmax."""
    if y.size <= _SOFTMAX_SMALL and g.flags.c_contiguous:  # the formula in the fewest calls
        if log:  # (operators: a ufunc's keywords cost more than its work here)
            return g - np.exp(y) * _add_reduce(g, d, None, None, True)
        return y * (g - _add_reduce(g * y, d, None, None, True))
    r = np.empty_like(y)
    for (gb, yb, o), axis in _softmax_blocks((g, y, r), d):
        if log:
            np.exp(yb, out=o)
            o *= _row_sum(gb, axis)
            np.subtract(gb, o, out=o)
        else:
            np.multiply(gb, yb, out=o)
            s = _row_sum(o, axis)
            np.subtract(gb, s, out=o)
            o *= yb
    return r


def _softmax_op(name, log, node):
    """``softmax``/``log_softmax`` over ``dim``: one max-shift, exp and sum per block of rows."""
    def op(input, dim, dtype=None):
        if dtype is not None and dtype is not input._dtype:
            input = input.to(dtype)
        if not _is_float(input._dtype):
            raise NotImplementedError(f'"{"log_" if log else ""}softmax_lastdim_kernel_impl" '
                                      f"not implemented for '{type_name(input._dtype)}'")
        a = input._data
        d = wrap_dim(dim, a.ndim)  # (0 for a 0-d tensor)
        if a.dtype.itemsize == 2:  # half precision computes in float32, as torch's does
            a = a.astype(np.float32)
        token = _silence()  # inf and nan inputs: torch's results, no warning
        try:
            r = _softmax_forward(a.reshape(1) if a.ndim == 0 else a, d, log)
        finally:
            _restore(token)
        if r.dtype != input._data.dtype or not a.ndim:  # half precision, or 0-d
            r = r.reshape(a.shape).astype(input._dtype._np, copy=False)
        out = make(r, input._dtype)
        if needs_grad1(input):
            record(node, (out,), (input,), _softmax_derivative, saved=(_Constant((d, log)),),
                   saved_outputs=(0,))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` over ``dim`` (required), computed in ``dtype`` when given."
    return defop(op, name=name, signature=f"{name}(Tensor input, int dim, ScalarType? dtype=None, "
                                          "*, Tensor? out=None)")


def _softmax_derivative(g, how, out):
    d, log = how
    if needs_grad(g, out) or out._data.dtype.itemsize < 4:
        # a graph of the gradient, or half precision (which the ops compute in float32):
        # written with ops (sums over everything for a 0-d output)
        d = d if out._data.ndim else None
        if log:
            return g - out.exp() * g.sum(d, True)
        return out * (g - (g * out).sum(d, True))
    y, gd = out._data, g._data
    if y.ndim == 0:
        y, gd = y.reshape(1), gd.reshape(1)
    token = _silence()
    try:
        r = _softmax_backward(gd, y, d, log)
    finally:
        _restore(token)
    return make(r.reshape(out._data.shape), out._dtype)


softmax = _softmax_op("softmax", False, "SoftmaxBackward0")
log_softmax = _softmax_op("log_softmax", True, "LogSoftmaxBackward0")
