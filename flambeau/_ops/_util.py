"""Small helpers shared by the op families: argument parsing and the recording test."""
import math
import os
import sys
import warnings

import numpy as np

from .. import _backend, _dtype
from .._device import as_device
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode

wrap_dim = _wrap_dim


def wrap_dim_of_dims(dim, ndim):
    """``wrap_dim`` for ops that refuse a 0-d tensor (fft, unbind, roll): torch's IndexError
    naming the dim, where ``wrap_dim`` lets 0-d tensors take dims -1 and 0."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn_caller(message, category=UserWarning):
    """``warnings.warn`` attributed to the user's line: the first caller outside flambeau and
    the argument-checking code generated for declared ops (which adds frames of its own)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and (frame.f_code.co_filename.startswith(_PACKAGE) or
                                 frame.f_code.co_filename.startswith("<signature")):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


_grad_state = grad_mode._state


def needs_grad(*tensors):
    """True when the op must record: some tensor input requires grad and grad mode is on.
    (The inputs are tested first: a slot is cheaper to read than the thread-local mode.)"""
    for t in tensors:
        if isinstance(t, Tensor) and t._requires_grad:
            return _grad_state.enabled
    return False


def needs_grad1(t):
    """``needs_grad`` for one tensor (the hot path of unary ops and views)."""
    return t._requires_grad and _grad_state.enabled


def needs_grad2(x, y):
    """``needs_grad`` for a binary op whose operands may be Python scalars (a Tensor's class
    tested first: cheaper than isinstance)."""
    return ((x._requires_grad if x.__class__ is Tensor else
             isinstance(x, Tensor) and x._requires_grad) or
            (y._requires_grad if y.__class__ is Tensor else
             isinstance(y, Tensor) and y._requires_grad)) and _grad_state.enabled


def parse_size(size, fn_name="size"):
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(torch.Size(...))`` -> a tuple of ints."""
    if len(size) == 1 and size[0].__class__ is not int and hasattr(size[0], "__iter__") \
            and not isinstance(size[0], Tensor):
        size = tuple(size[0])
    for s in size:  # the common case, non-negative ints, needs no conversion
        if s.__class__ is not int or s < 0:
            return _checked_size(size, fn_name)
    return size


def _checked_size(size, fn_name):
    """A size with an element that is not a non-negative int: converted, or torch's error."""
    for i, s in enumerate(size):
        if type(s) is not int:
            if not hasattr(s, "__index__"):
                raise TypeError(f"{fn_name}(): argument 'size' must be tuple of ints, but found "
                                f"element of type {type(s).__name__} at pos {i}")
            size = tuple(x.__index__() for x in size)
            break
    if size and min(size) < 0:
        if fn_name == "zeros":  # torch's zeros checks first, in its own words
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                           f"{list(size)}")
    return size


def int_list(value, fn_name, arg, position=2):
    """A list-of-ints argument as a tuple; torch's TypeError for a lone number (``flip(x, 1)``:
    only the method form takes ints one by one)."""
    if value.__class__ is tuple:  # the common case, and what the method form passes
        return value
    if isinstance(value, (int, float, complex)) or isinstance(value, Tensor) and value.ndim == 0:
        raise TypeError(f"{fn_name}(): argument '{arg}' (position {position}) must be tuple of "
                        f"ints, not {type(value).__name__}")
    return tuple(value)


def wrap_dims(dims, ndim):
    """An int, tuple or list of dims made non-negative (duplicates raise as in torch)."""
    if isinstance(dims, int):
        return (_wrap_dim(dims, ndim),)
    out = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        dup = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    return out


def sliced(t, key):
    """``t``'s array indexed by a basic ``key`` (ints, slices, None, one Ellipsis). An empty
    result starts where torch's view would (NumPy leaves an empty slice at its input's start,
    so its storage offset would be lost)."""
    a = t._data
    array = a[key]
    if array.size or not a.size:
        return array
    offset, dim = 0, 0
    for k in key:
        if k is None:
            continue
        if k is Ellipsis:
            dim += a.ndim - sum(k is not None and k is not Ellipsis for k in key)
            continue
        n = a.shape[dim]
        offset += (k.indices(n)[0] if k.__class__ is slice else k % n) * a.strides[dim]
        dim += 1
    memory = t._get_storage().bytes()
    offset += a.__array_interface__["data"][0] - memory.__array_interface__["data"][0]
    return np.ndarray(array.shape, a.dtype, memory, offset, array.strides)


def like_layout(t, memory_format=None):
    """The strides (in elements) torch gives a new tensor like ``t`` under ``memory_format``
    (``preserve_format`` when None): ``t``'s own when they are dense and non-overlapping, else
    dense strides in the order of ``t``'s. None means plain C order (the fast path)."""
    a = t._data
    if a.flags.c_contiguous and a.size and 1 not in a.shape or memory_format is not None and \
            getattr(memory_format, "name", "") != "preserve_format":
        return None
    shape, strides = a.shape, t.stride()
    return strides if _dense(shape, strides) else _dense_strides_like(shape, strides)


def empty_strided_array(shape, strides, np_dtype):
    """An uninitialised array of ``shape`` with dense ``strides`` (in elements)."""
    numel = math.prod(shape)
    item = np.dtype(np_dtype).itemsize
    return np.ndarray(shape, np_dtype, np.empty(numel, np_dtype), 0,
                      tuple(s * item for s in strides))


def _dense(shape, strides):
    """torch's is_non_overlapping_and_dense: the elements fill a block of memory, once each."""
    required = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] > 1), key=strides.__getitem__):
        if strides[d] != required:
            return False
        required *= shape[d]
    return True


def _dense_strides_like(shape, strides):
    """torch's infer_dense_strides: contiguous strides for the dims ordered as ``strides``
    orders them (innermost first; zero strides and ties keep their place)."""
    perm = list(range(len(shape)))[::-1]
    for i in range(1, len(perm)):  # insertion sort where zero strides compare as unordered
        j = i
        for k in range(i - 1, -1, -1):
            a, b = perm[k], perm[j]
            if strides[a] == 0 or strides[b] == 0 or strides[a] < strides[b]:
                break
            if strides[a] > strides[b] or shape[a] > shape[b]:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
    out, step = [0] * len(shape), 1
    for d in perm:
        out[d] = step
        step *= shape[d]
    return tuple(out)


def xp_for(device):
    """The array module for a ``device=`` argument (None: the CPU)."""
    if device is None:
        return np
    return _backend.module_for(as_device(device).type)


def np_dtype(dtype):
    return dtype.numpy_dtype


def scalar_dtype(value):
    """The dtype torch gives a Python scalar on its own (``torch.tensor(value)``)."""
    if isinstance(value, bool):
        return _dtype.bool
    if isinstance(value, int):
        return _dtype.int64
    if isinstance(value, complex):
        return _dtype.default_complex_dtype()
    return _dtype.get_default_dtype()


ndarray = np.ndarray
