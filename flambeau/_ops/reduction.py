"""Reductions: sums, means and their kin over all dims or over ``dim`` (int or tuple).

Sums of integer and bool tensors are int64 (NumPy would keep int32 on some platforms and
count bools as int); ``mean`` of an integer tensor raises, as in torch.
"""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad, wrap_dims
from .registry import defop


def reduce_dims(input, dim):
    """Axes to reduce as a tuple (all of them for ``None`` or an empty list)."""
    n = input._data.ndim
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):
        return tuple(range(n))
    return wrap_dims(dim, n) if n else ()


def restore_shape(grad, shape, dims, keepdim):
    """A reduction's gradient broadcast back over the reduced dims."""
    if not keepdim and dims:
        kept = list(shape)
        for d in dims:
            kept[d] = 1
        grad = grad.reshape(kept)
    return grad.expand(shape)


@defop(out=True)
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` (all dims by default). Integer and bool inputs sum to int64."""
    if dtype is None:
        dtype = input._dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = _dtype.int64
    dims = reduce_dims(input, dim)
    out = make(np.sum(input._data, axis=dims, dtype=dtype._np, keepdims=keepdim), dtype)
    if needs_grad(input):
        shape = input._data.shape
        record("SumBackward1" if dim is not None else "SumBackward0", (out,), (input,),
               lambda g: restore_shape(g, shape, dims, keepdim))
    return out


@defop(out=True)
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """The arithmetic mean over ``dim`` (all dims by default); needs a floating dtype."""
    dtype = dtype or input._dtype
    if not (dtype.is_floating_point or dtype.is_complex):
        from .registry import type_name
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           "floating point or complex dtype. Got: " + type_name(dtype))
    dims = reduce_dims(input, dim)
    out = make(np.mean(input._data, axis=dims, dtype=dtype._np, keepdims=keepdim), dtype)
    if needs_grad(input):
        shape = input._data.shape
        count = int(np.prod([shape[d] for d in dims])) if dims else 1
        record("MeanBackward1" if dim is not None else "MeanBackward0", (out,), (input,),
               lambda g: restore_shape(g / count, shape, dims, keepdim))
    return out
