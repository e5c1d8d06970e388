"""What an op saves for its derivative, and the small helpers derivative formulas share.

An op saves only the operands its derivative reads (found once from the derivative's
bytecode, :func:`_saving`); a Python scalar operand is saved as a :class:`_Constant`, the ones
not read as the ``_NONE`` placeholder.
"""
import dis

import numpy as np

from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad


def _wants(x):
    return isinstance(x, Tensor) and x._requires_grad


class _Constant(tuple):
    """A Python scalar operand kept among the saved tensors, as ``(value,)``: a tuple, made
    without a Python-level ``__init__``."""
    __slots__ = ()
    _storage = None  # as a tensor never modified in place


_NONE = _Constant((None,))


def _reads(fn, n):
    """Which of ``fn``'s parameters 1..n (after the gradient) its body uses, read once from
    its bytecode at definition time, so an op saves only the tensors its derivative needs."""
    code = getattr(fn, "__code__", None)
    if code is None or code.co_argcount < n + 1:
        return (True,) * n
    names = code.co_varnames[1:n + 1]
    raw, used = code.co_code, set(code.co_cellvars)  # cells: read inside a nested function
    for i in range(0, len(raw), 2):  # (op, arg) pairs; dis.get_instructions costs 20 ms here
        op, arg = raw[i], raw[i + 1]
        if op in _LOAD_FAST:
            used.add(code.co_varnames[arg])
        elif op == _LOAD_FAST_PAIR:
            used.update((code.co_varnames[arg >> 4], code.co_varnames[arg & 15]))
    return tuple(name in used for name in names)


_LOAD_FAST = {code for name, code in dis.opmap.items()
              if name in ("LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR")}
_LOAD_FAST_PAIR = dis.opmap.get("LOAD_FAST_LOAD_FAST")  # Python 3.13: two loads in one


def _saving(derivative, n):
    """What an op saves for ``derivative(grad, *n values)``: ``(keeps, tail, saved_outputs)``,
    whether each operand is saved, what follows the operands among the saved values, and the
    ``saved_outputs`` for :func:`record`. The values the derivative does not read are saved as
    the ``_NONE`` placeholder, so that the derivative needs no adapter."""
    *keeps, result = _reads(derivative, n)
    return (*keeps, *(((), (0,)) if result else ((_NONE,), ())))


def _pick(derivative, i):
    """The derivative of input ``i`` alone, from one that returns both."""
    return lambda *args: derivative(*args)[i]


def _saved(x):
    return x if isinstance(x, Tensor) else _Constant((x,))


def _value(x):
    """A saved operand back as what derivative formulas use: the tensor, or its scalar."""
    return x[0] if x.__class__ is _Constant else x


def _conj(v):
    """The complex conjugate of a tensor or a Python scalar (a no-op on real values)."""
    if isinstance(v, Tensor):
        return v.conj()
    return v.conjugate() if isinstance(v, complex) else v


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def masked(g, mask):
    """``where(mask, g, 0)`` for derivative formulas (``mask`` a NumPy bool array)."""
    out = make(np.where(mask, g._data, 0).astype(g._data.dtype, copy=False), g._dtype)
    if needs_grad(g):
        record("WhereBackward0", (out,), (g,), lambda gg: masked(gg, mask))
    return out


def _zero(g, x, out):
    """The derivative of a piecewise-constant unary op: reads neither operand, so that none is
    saved (``sign(x)`` changed in place stays differentiable, as in torch)."""
    return g * 0
