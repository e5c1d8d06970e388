"""torch's type promotion for the operands of an op: the result dtype, the operands cast to it
(Python ints wrapped into an integer dtype as torch's casts wrap them), ``alpha`` checked as
torch checks it, and torch's errors for shapes that do not broadcast, unsupported dtypes and
Python scalars where only tensors are taken.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor

_result_type_of = _dtype.result_type_of
_SCALARS = (bool, int, float, complex)


def operand(x, dtype):
    """The backend array (or weak Python scalar) of an operand, cast to ``dtype``."""
    if isinstance(x, Tensor):
        a = x._data
        return a if a.dtype == dtype._np else a.astype(dtype._np)
    if isinstance(x, _SCALARS):
        return _wrapped_int(x, dtype) if x.__class__ is int and dtype._category == 1 else x
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"unsupported operand type: {type(x).__name__}")


def promote(x, y, to_float=False):
    """torch's result dtype for a binary op, and the operands cast to it."""
    cx, cy = x.__class__, y.__class__
    if cx is Tensor:
        dtype = x._dtype
        if cy is Tensor and y._dtype is dtype or (dtype._category >= 2 if cy is float else
                                                  cy is int and dtype._category >= 1):
            if not to_float or dtype._category >= 2:  # the common case: no cast at all
                if cy is Tensor:
                    return x._data, y._data, dtype
                return x._data, _wrapped_int(y, dtype) if dtype._category == 1 else y, dtype
    elif cy is Tensor and _keeps_dtype(cx, y._dtype) and (not to_float or
                                                          y._dtype._category >= 2):
        dtype = y._dtype
        return _wrapped_int(x, dtype) if dtype._category == 1 else x, y._data, dtype
    dtype = _result_type_of(x, y)
    if to_float and dtype._category < 2:
        dtype = _dtype.get_default_dtype()
    return operand(x, dtype), operand(y, dtype), dtype


_INT_RANGES = _dtype.INT_RANGES


def _wrapped_int(x, dtype):
    """A Python int as an integer tensor's dtype holds it: wrapped around, as torch's cast
    does (NumPy would raise for an int outside the dtype's range)."""
    lo, hi = _INT_RANGES[dtype]
    if lo <= x <= hi:
        return x
    if not -2**63 <= x < 2**64:
        raise _dtype.unpack_error(x)
    return _dtype.wrap_int(x, dtype)


def _keeps_dtype(scalar_type, dtype):
    """Whether a Python scalar of this type leaves a tensor's dtype unchanged: a float with a
    floating tensor, an int with an integer or floating one (torch's weak scalars)."""
    if scalar_type is float:
        return dtype._category >= 2
    return scalar_type is int and dtype._category >= 1


def broadcast_error(*arrays):
    """torch's message for shapes that do not broadcast."""
    shapes = [np.shape(a) for a in arrays]
    n = max(len(s) for s in shapes)
    shapes = [(1,) * (n - len(s)) + s for s in shapes]
    for i in range(n - 1, -1, -1):
        sizes = [s[i] for s in shapes]
        big = [k for k, s in enumerate(sizes) if s != 1]
        for k in big[1:]:
            if sizes[k] != sizes[big[0]]:
                return RuntimeError(f"The size of tensor a ({sizes[big[0]]}) must match the size "
                                    f"of tensor b ({sizes[k]}) at non-singleton dimension {i}")
    return RuntimeError("shapes cannot be broadcast")


def _check_tensors(name, input, other):
    """torch's TypeError for a Python scalar given to an op with no Scalar overload."""
    for i, (arg, value) in enumerate((("input", input), ("other", other))):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, "
                            f"not {type(value).__name__}")


def _not_implemented(name, dtype):
    return NotImplementedError(f'"{name}" not implemented for \'{dtype._scalar_name}\'')


def checked_alpha(alpha, dtype, negated=False, truncate=False):
    """``alpha`` as torch converts it for an integer or bool ``dtype``: a float refused (or,
    ``truncate``, rounded toward zero, as index_add does), a value out of the dtype's range
    refused (``negated``: the range of ``-alpha``, which sub adds; negative values are in range
    of unsigned dtypes), and the rest wrapped around into the dtype."""
    if alpha == 1 or dtype._category > 1:
        return alpha
    if isinstance(alpha, float):
        if not truncate:
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
        alpha = int(alpha)
    if dtype._category == 0:
        return alpha
    low, high = _INT_RANGES[dtype]
    if not (low or -high) <= (-alpha if negated else alpha) <= high:
        raise RuntimeError(f"value cannot be converted to type {dtype._name}_t without overflow")
    return _wrapped_int(alpha, dtype)


def _times_alpha(b, alpha, dtype, negated):
    """The operand ``b`` (an array or a Python number) times ``alpha`` (see
    :func:`checked_alpha`) in ``dtype``: a Python int product wraps as in the dtype."""
    if alpha == 1:  # the common case: nothing to check or scale
        return b
    alpha = checked_alpha(alpha, dtype, negated)
    if alpha == 1:
        return b
    b = b * alpha
    if b.__class__ is int and dtype._category == 1:
        low = _INT_RANGES[dtype][0]
        b = (b - low) % (1 << 8 * dtype.itemsize) + low
    return b
