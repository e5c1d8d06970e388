"""Indexing: ``x[key]``, ``x[key] = value`` and the gather / scatter / mask family.

``x[key]`` differs from NumPy in three ways. Integers, slices and None are applied first, as a
view (torch's order), and the advanced indices (int/bool tensors, lists, arrays) then index that
view: so ``x[0, :, [1, 2]]`` has shape ``(n1, 2)`` where NumPy gives ``(2, n1)``. Negative steps
raise. Out-of-range indices raise torch's IndexError rather than NumPy's.
"""
import functools
from collections.abc import Sequence

import numpy as np

from .. import _dtype, _naming
from .._tensor import Tensor, _alias, make, make_view
from ..autograd.graph import record
from ..autograd.grad_mode import is_grad_enabled
from ._util import needs_grad, needs_grad1, sliced, wrap_dim
from . import barebones, promotion
from .promotion import broadcast_error, checked_alpha
from .registry import (OUT_DTYPE, check_inplace, check_no_overlap, defop, rebase_history, register,
                       type_name, write_out)
from .shape import _embed

_int64 = _dtype.int64


# ---- keys ----------------------------------------------------------------------------------

def _as_index_array(k):
    """A list / array / tensor index as a NumPy int64 or bool array (torch's dtype rules)."""
    if isinstance(k, Tensor):
        a, dt = k._data, k._dtype
        if dt.is_floating_point or dt.is_complex:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a if dt is _dtype.bool or dt is _int64 else a.astype(bool if dt is _dtype.uint8
                                                                    else np.int64)
    a = np.asarray([_as_index_array(e) if isinstance(e, Tensor) else e for e in k]
                   if isinstance(k, list) else k)
    if a.dtype == bool:
        return a
    if a.size == 0 or a.dtype.kind in "iu":
        return a.astype(np.int64)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


_UNSIGNED = {n: np.dtype(t) for n, t in ((8, np.uint64), (4, np.uint32), (2, np.uint16),
                                          (1, np.uint8))}


def _beyond(a, size):
    """Whether some element of the non-empty integer array ``a`` lies outside ``[0, size)``:
    seen as unsigned, negative elements are too large, so one argmax finds both kinds."""
    u = a.view(_UNSIGNED[a.itemsize])
    return u.item(u.argmax()) >= size


def _check_bounds(a, size, dim, error=IndexError, message=None):
    """torch's out-of-range error for the first index of ``a`` outside ``[-size, size)``."""
    if a.size and (a.flat[a.argmin()] < -size or a.flat[a.argmax()] >= size):
        bad = int(a[(a < -size) | (a >= size)].reshape(-1)[0])
        raise error(message or f"index {bad} is out of bounds for dimension {dim} with size "
                               f"{size}")


def _parse(t, key):
    """Splits ``key`` into a basic NumPy key (ints, slices, None: a view) and an advanced key
    for that view (None when there is no advanced index). Also returns the node name of the
    view ("AliasBackward0" when the basic key changes nothing), the key written with NumPy
    objects only (to index gradients), and where None inserted dims (to fix their strides)."""
    single_slice = type(key) is slice
    if type(key) is not tuple:
        key = (key,)
    shape = t._data.shape
    ndim = len(shape)
    items, consumed = [], 0
    for k in key:
        if k is None or k is Ellipsis or type(k) is slice:
            consumed += type(k) is slice
        elif type(k) is bool or isinstance(k, np.bool_):
            k = np.asarray(bool(k))
        elif isinstance(k, Tensor) and k._data.ndim == 0 and k._dtype is not _dtype.bool \
                and not k._dtype.is_floating_point:
            k, consumed = int(k._data), consumed + 1
        elif isinstance(k, (Tensor, list, tuple, range, np.ndarray)):  # (tuple, range: a list)
            k = _as_index_array(list(k) if type(k) in (tuple, range) else k)
            consumed += k.ndim if k.dtype == bool else 1
        elif hasattr(k, "__index__"):
            k, consumed = k.__index__(), consumed + 1
        elif isinstance(k, str):  # torch reads it as data for an index tensor
            raise TypeError("new(): invalid data type 'str'")
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             f"byte Variables are valid indices (got {type(k).__name__})")
        items.append(k)
    if consumed > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced, norm, nones = [], [], [], []
    name, n_advanced, d = "AliasBackward0", 0, 0
    for k in items:
        if k is Ellipsis:
            fill = ndim - consumed
            basic += [slice(None)] * fill
            advanced += [slice(None)] * fill
            norm.append(Ellipsis)
            d += fill
            consumed = ndim  # a second Ellipsis expands to nothing
            continue
        norm.append(k)
        if k is None:
            nones.append((len(advanced), shape[d] * t._data.strides[d] // t._data.itemsize
                          if d < ndim else 1))
            basic.append(None)
            advanced.append(slice(None))
            name = "UnsqueezeBackward0"
        elif type(k) is int:
            size = shape[d]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {d} with size {size}")
            basic.append(k)
            name, d = "SelectBackward0", d + 1
        elif type(k) is slice:
            bounds = k.indices(shape[d])  # Python's errors for a float or zero step
            if bounds[2] < 0:
                raise ValueError("step must be greater than zero")
            if single_slice or bounds != (0, shape[d], 1):
                name = "SliceBackward0"  # torch skips whole-dim slices inside a tuple
            basic.append(k)
            advanced.append(slice(None))
            d += 1
        else:
            basic += [slice(None)] * (k.ndim if k.dtype == bool else 1)
            if k.dtype == bool:
                if k.shape != shape[d:d + k.ndim] and k.ndim:
                    i = next(i for i, s in enumerate(k.shape) if s != shape[d + i])
                    raise IndexError(f"The shape of the mask {list(k.shape)} at index {i} does "
                                     f"not match the shape of the indexed tensor "
                                     f"{list(t._data.shape)} at index {d + i}")
                d += k.ndim
                n_advanced += k.ndim
            else:  # torch moves the indexed dims first: the dim it names is the index's rank
                _check_bounds(k, shape[d], n_advanced)
                d += 1
                n_advanced += 1
            advanced.append(k)
    return (tuple(basic) if name != "AliasBackward0" else (),
            tuple(advanced) if n_advanced or any(type(a) is not slice for a in advanced)
            else None, name, tuple(norm), nones)


def _basic_view(t, basic, name, nones):
    """The view of ``t`` for a basic key, recording its node."""
    a = t._data
    array = sliced(t, basic + (Ellipsis,)) if basic else a  # Ellipsis: a 0-d view, not a scalar
    if nones:  # NumPy gives inserted dims stride 0; torch the stride unsqueeze computes
        strides = list(array.strides)
        for pos, stride in nones:
            strides[pos] = stride * a.itemsize
        array = np.lib.stride_tricks.as_strided(array, array.shape, strides)
    out = make_view(t, array)
    out._base = t if t._base is None else t._base
    if needs_grad1(t):
        shape = a.shape
        record(name, (out,), (t,), lambda g: _embed(g, shape, basic))
    return out


def _shape_mismatch(advanced):
    shapes = ", ".join(str(list(a.shape)) for a in advanced if type(a) is not slice)
    return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with "
                      f"shapes {shapes}")


def _advanced(t, key):
    """``t`` indexed by an advanced key (a copy)."""
    try:
        out = make(np.ascontiguousarray(t._data[key]), t._dtype)
    except IndexError:
        raise _shape_mismatch(key) from None
    return _indexed(t, out, key)


def _indexed(t, out, key):
    """``out``, the values of ``t`` at an advanced ``key``, with IndexBackward0 recorded."""
    if needs_grad1(t):
        shape = t._data.shape
        record("IndexBackward0", (out,), (t,), lambda g: _accumulated(g, shape, key))
    return out


def _accumulated(g, shape, key):
    """Zeros of ``shape`` with ``g`` added at ``key`` (duplicates summed): the gradient of an
    advanced index, itself differentiable."""
    full = np.zeros(shape, dtype=g._data.dtype)
    np.add.at(full, key, g._data)
    out = make(full, g._dtype)
    if needs_grad(g):
        record("IndexPutBackward0", (out,), (g,), lambda gg: gg[key])
    return out


_NO_KEY = object()


def getitem(self, key=_NO_KEY, /):
    """``self[key]``: a view for ints, slices, None and Ellipsis; a copy with advanced
    indices. (``key`` is positional only, as torch's C slot takes it; a second key is Python's
    TypeError, worded as Python words it.)"""
    cls = type(key)
    if cls is int and self._data.ndim and -self._data.shape[0] <= key < self._data.shape[0]:
        return _basic_view(self, (key,), "SelectBackward0", ())  # fast path: one row
    if cls is slice and (key.step is None or type(key.step) is int and key.step > 0) \
            and self._data.ndim:
        return _basic_view(self, (key,), "SliceBackward0", ())  # fast path: a range of rows
    if cls is Tensor and key._data.ndim and self._data.ndim:  # fast paths: x[long], x[mask]
        k = key._data
        if key._dtype is _int64:
            try:  # NumPy's take checks the bounds (negative indices wrap, as in torch)
                array = self._data.take(k, 0)
            except IndexError:
                _check_bounds(k, self._data.shape[0], 0)  # raises torch's message
                raise
            return _indexed(self, make(array, self._dtype), (k,))
        if key._dtype is _dtype.bool and k.shape == self._data.shape[:k.ndim]:
            return _advanced(self, (k,))
    if key is _NO_KEY:  # self.__getitem__(), as torch's C slot words it
        raise TypeError("expected 1 argument, got 0")
    basic, advanced, name, _, nones = _parse(self, key)
    view = _basic_view(self, basic, name, nones) if basic or advanced is None else self
    return view if advanced is None else _advanced(view, advanced)


def setitem(self, key=_NO_KEY, value=_NO_KEY, *more):
    """``self[key] = value``, in place, broadcasting and casting ``value``."""
    if value is _NO_KEY or more:  # self.__setitem__(key), as torch's C slot words it
        raise TypeError(" expected 2 arguments, got "
                        f"{len(more) + (key is not _NO_KEY) + (value is not _NO_KEY)}")
    basic, advanced, _, norm, _ = _parse(self, key)
    if basic and self._requires_grad and self._grad_fn is None and is_grad_enabled():
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    check_inplace(self)
    check_no_overlap(self)
    target = self._data[basic + (Ellipsis,)] if basic else self._data
    is_tensor = isinstance(value, Tensor)
    if not (is_tensor or isinstance(value, (int, float, complex, np.generic))):
        raise TypeError(f"can't assign a {type(value).__name__} to a {_naming.public_name}."
                        f"{type_name(self._dtype)}Tensor")
    v = value._data if is_tensor else value
    try:
        if advanced is None:
            target[...] = v
        else:
            if is_tensor and value._dtype is not self._dtype:
                raise RuntimeError(f"Index put requires the source and destination dtypes match, "
                                   f"got {type_name(self._dtype)} for the destination and "
                                   f"{type_name(value._dtype)} for the source.")
            target[advanced] = v
    except ValueError:
        if advanced is not None:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} "
                               "cannot be broadcast to indexing result of shape "
                               f"{list(target[advanced].shape)}") from None
        if is_tensor:
            value.expand(target.shape)  # raises torch's words for the shapes
        raise broadcast_error(target, v) from None
    self._bump_version()
    if needs_grad(self, value):
        value_shape, value_dtype = np.shape(v), value._dtype if is_tensor else None
        name = "CopySlices" if basic else "IndexPutBackward0" if advanced is not None else \
            "FillBackward3" if not value_shape else "CopyBackwards"
        written = _alias(self)  # the new values, recorded, then put in self's place
        record(name, (written,), (self, value if is_tensor else None),
               lambda g: (_zero_at(g, norm), _value_grad(g, norm, value_shape, value_dtype)))
        rebase_history(self, written)


def _zero_at(g, key):
    g = g.clone()
    g[key] = 0
    return g


def _value_grad(g, key, shape, dtype):
    if dtype is None:
        return None
    g = g[key]
    extra = len(shape) - g.ndim
    if extra > 0:  # a value with leading size-1 dims beyond the indexed result's
        g = g.reshape((1,) * extra + tuple(g.shape))
    return g if g._dtype is dtype else g.to(dtype)


register("", "__getitem__", getitem, method=True)
register("", "__setitem__", setitem, method=True)


# ---- index tensors of the gather / scatter family -------------------------------------------

def _index(index, fn, kinds=("int64", "int32"), error=RuntimeError, message=None):
    """The NumPy array of an index tensor, after ``fn``'s dtype check."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._dtype._name not in kinds and index._data.size:
        raise error(message.format(type_name(index._dtype)) if message else
                    f"{fn}(): Expected dtype int32/int64 for index")
    return index._data


def _coords(idx, dim):
    """Full coordinates for an along-``dim`` index: ``idx`` at ``dim``, positions elsewhere."""
    n = idx.ndim
    coords = [np.arange(s).reshape((1,) * d + (s,) + (1,) * (n - d - 1))
              for d, s in enumerate(idx.shape)]
    coords[dim] = idx
    return tuple(coords)


def _check_sizes(input, idx, dim, src=None, name="self", kernel=None):
    """torch's shape and range checks of gather / scatter (``src``: the source's shape, if
    any); returns the input's and the index's arrays, 0-d ones made 1-d (as torch sees them).
    Between the two, torch's ``kernel`` (if any) refuses the input's dtype."""
    a, idx = _flat(input._data), _flat(idx)
    if idx.size:
        _check_shapes(a.shape, idx.shape, dim, src, name)
        if kernel is not None:
            barebones.refuse(kernel, input)
        _check_range(_compressed(idx), dim, a.shape[dim])
    return a, idx


@functools.lru_cache(maxsize=64)
def _check_shapes(a_shape, shape, dim, src, name):
    """The shape half of ``_check_sizes`` (a pure function of shapes, so cached)."""
    if len(shape) != len(a_shape):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {name} "
                           "tensor")
    if src is not None:
        src = src or (1,)
        if len(shape) != len(src):
            raise RuntimeError("Index tensor must have the same number of dimensions as src "
                               "tensor")
    for d, n in enumerate(shape):
        if (d != dim and n > a_shape[d]) or (src is not None and n > src[d]):
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(shape)} to be no larger than self "
                                   f"{list(a_shape)} apart from dimension {dim}")
            raise RuntimeError(f"Expected index {list(shape)} to be no larger than self "
                               f"{list(a_shape)} apart from dimension {dim} and to be no larger "
                               f"size than src {list(src)}")


def _check_range(c, dim, size):
    """torch's error for the first element of the non-empty index ``c`` outside
    ``[0, size)`` (no wrapping)."""
    if _beyond(c, size):
        bad = int(c[(c < 0) | (c >= size)][0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _compressed(a):
    """``a`` with its broadcast (stride-0) dims cut to length 1: its distinct elements, in order
    (small arrays come back whole: cutting them costs more than it saves)."""
    if a.size > 256 and 0 in a.strides:
        return a[tuple([slice(None) if s else slice(1) for s in a.strides])]
    return a


def _flat(a):
    return a.reshape(1) if a.ndim == 0 else a


@functools.lru_cache(maxsize=32)
def _offsets(shape, dim, a_shape):
    """For an along-``dim`` index of ``shape`` into a C-contiguous array of ``a_shape``: the
    stride of ``dim`` and the flat offsets of the positions in the other dims (broadcastable
    to ``shape``), so that one ``take`` gathers (faster than NumPy's multi-array indexing)."""
    strides = np.cumprod((1,) + a_shape[:0:-1])[::-1].tolist()
    n = len(shape)
    offsets = np.zeros((1,) * n, np.int64)
    for d, s in enumerate(shape):
        if d != dim and s > 1:
            offsets = offsets + np.arange(0, s * strides[d], strides[d]).reshape(
                (1,) * d + (s,) + (1,) * (n - d - 1))
    offsets.flags.writeable = False
    return strides[dim], offsets


@defop(signature="gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False, "
                 "Tensor? out=None)", out_apart=True, out_exact=OUT_DTYPE)
def gather(input, dim, index, *, sparse_grad=False):
    """Values along ``dim`` at ``index``: ``out[i][j] = input[index[i][j]][j]`` for dim 0."""
    idx = _index(index, "gather")
    dim = wrap_dim(dim, input._data.ndim)
    a, i = _check_sizes(input, idx, dim, name="input", kernel="scatter_gather_tensor_cpu"
                        if input._dtype._barebones else None)
    if i.size and a.flags.c_contiguous:
        spread = i.strides[dim] == 0 and i.shape[dim] > 1 and i.size > 256
        if spread:  # an index expanded along dim: gather its distinct column, then broadcast
            i = i[(slice(None),) * dim + (slice(1),)]
        stride, offsets = _offsets(i.shape, dim, a.shape)
        result = a.reshape(-1).take(i * stride + offsets if stride != 1 else i + offsets)
        result = result.repeat(idx.shape[dim], dim) if spread else result.reshape(idx.shape)
        out = make(result, input._dtype)
    elif i.size:  # the other dims run over the index's extent (at most the input's)
        out = make(a[_coords(i, dim)].reshape(idx.shape), input._dtype)
    else:
        out = make(np.empty(idx.shape, a.dtype), input._dtype)
    if needs_grad1(input):
        shape = input._data.shape
        record("GatherBackward0", (out,), (input,),
               lambda g: _zeros(shape, g).scatter_add(dim, index, g))
    return out


def _zeros(shape, like):
    return make(np.zeros(shape, like._data.dtype), like._dtype)


_REDUCE_AT = {"sum": np.add, "add": np.add, "prod": np.multiply, "multiply": np.multiply,
              "mean": np.add, "amax": np.maximum, "amin": np.minimum}


def _scatter_array(input, dim, index, src, reduce=None, include_self=True, reductions=(),
                   reduce_error="", refuse=True):
    """The NumPy result of scattering ``src`` (array or scalar) into a copy of ``input``,
    combining with ``reduce`` when given (one of ``reductions``, else ``reduce_error``);
    ``refuse``: whether torch's scatter kernels refuse some dtypes here."""
    idx = _index(index, "scatter")
    a = input._data
    dim = wrap_dim(dim, a.ndim)
    known = reduce is None or reduce in reductions
    _check_sizes(input, idx, dim, src.shape if isinstance(src, np.ndarray) else None,
                 kernel=barebones.scatter(src, reduce, include_self, input._dtype)
                 if known and refuse else None)
    if not known:
        raise RuntimeError(reduce_error + str(reduce))
    out = _flat(a).copy()
    if idx.size == 0:
        return out.reshape(a.shape), dim
    coords = _coords(_flat(idx), dim)
    if isinstance(src, np.ndarray):
        src = _flat(src)[tuple(slice(s) for s in _flat(idx).shape)]
    if reduce is None:
        out[coords] = src
        return out.reshape(a.shape), dim
    if not include_self:
        out[coords] = _identity(reduce, out.dtype)
    _REDUCE_AT[reduce].at(out, coords, src)
    if reduce == "mean":
        count = np.full(out.shape, 1 if include_self else 0, out.dtype)
        np.add.at(count, coords, 1)
        count = np.maximum(count, 1)
        out = out / count if out.dtype.kind in "fc" else out // count
    return out.reshape(a.shape), dim


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


@defop(inplace=True, signature=[
    "scatter(Tensor input, int dim, Tensor index, Tensor src, *, Tensor? out=None)",
    "scatter(Tensor input, int dim, Tensor index, Tensor src, *, str reduce, Tensor? out=None)",
    "scatter(Tensor input, int dim, Tensor index, Scalar value, *, Tensor? out=None)",
    "scatter(Tensor input, int dim, Tensor index, Scalar value, *, str reduce, Tensor? out=None)"])
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """``input`` with ``src`` (or ``value``) written along ``dim`` at ``index``; ``reduce``
    ('add' or 'multiply') combines instead of overwriting (not differentiable, as in torch)."""
    if src is None:
        src = value
    is_tensor = isinstance(src, Tensor)
    if is_tensor and src._dtype is not input._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    array, dim = _scatter_array(input, dim, index, src._data if is_tensor else src, reduce,
                                reductions=("add", "multiply"),
                                reduce_error="reduce argument must be either add or multiply. "
                                             "Got ")
    out = make(array, input._dtype)
    if needs_grad(input, src):
        if reduce is not None:
            record("NotImplemented", (out,), (input, src if is_tensor else None),
                   lambda g: _not_implemented("scatter.reduce"))
        elif is_tensor:
            record("ScatterBackward0", (out,), (input, src),
                   lambda g: (g.scatter(dim, index, 0), g.gather(dim, index)))
        else:
            record("ScatterBackward1", (out,), (input,), lambda g: g.scatter(dim, index, 0))
    return out


def _not_implemented(name):
    raise RuntimeError(f"derivative for aten::{name} is not implemented")


@defop(inplace=True,
       signature="scatter_add(Tensor input, int dim, Tensor index, Tensor src, *, "
                 "Tensor? out=None)")
def scatter_add(input, dim, index, src):
    """``input`` with ``src`` added along ``dim`` at ``index`` (duplicates summed)."""
    if src._dtype is not input._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    array, dim = _scatter_array(input, dim, index, src._data, "sum", reductions=("sum",))
    out = make(array, input._dtype)
    if needs_grad(input, src):
        record("ScatterAddBackward0", (out,), (input, src),
               lambda g: (g, g.gather(dim, index)))
    return out


@defop(inplace=True, signature="scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, "
                               "str reduce, *, bool include_self=True, Tensor? out=None)")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """``input`` with ``src`` reduced into it along ``dim`` at ``index``: 'sum', 'prod',
    'mean', 'amax' or 'amin'; ``include_self=False`` leaves the scattered-to input values out."""
    if src._dtype is not input._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    array, dim = _scatter_array(input, dim, index, src._data, reduce, include_self,
                                ("sum", "prod", "mean", "amax", "amin"), "reduce argument must "
                                "be either sum, prod, mean, amax or amin, got ")
    out = make(array, input._dtype)
    if needs_grad(input, src):
        record("ScatterReduceBackward0", (out,), (input, src),
               lambda g, x, s, result: _scatter_reduce_backward(
                   g, x, s, result, dim, index, reduce, include_self),
               saved=(input, src), saved_outputs=(0,))
    return out


def _scatter_reduce_backward(g, x, src, result, dim, index, reduce, include_self):
    """torch's formulas: sums route, means divide by the counts, products use the product of
    the other factors (exact with zeros), amax/amin share the gradient among ties."""
    import flambeau
    scattered = _zeros(x.shape, x).scatter(dim, index, 1.0).bool()  # positions written to
    keep = scattered.logical_not() if not include_self else None
    if reduce == "sum":
        return (g if keep is None else g * keep), g.gather(dim, index)
    if reduce == "mean":
        count = _zeros(x.shape, x) + (1.0 if include_self else 0.0)
        count = count.scatter_add(dim, index, flambeau.ones_like(src)).clamp_min(1)
        gc = g / count
        return (gc if keep is None else g * keep), gc.gather(dim, index)
    if reduce == "prod":
        x_zero, s_zero = x == 0, src == 0
        own = x_zero if include_self else x_zero & ~scattered
        zeros = own.to(x._dtype).scatter_add(dim, index, s_zero.to(x._dtype))
        x_nz = flambeau.where(x_zero, 1.0, x) if include_self else \
            flambeau.where(x_zero | scattered, 1.0, x)
        nz_prod = x_nz.scatter_reduce(dim, index, flambeau.where(s_zero, 1.0, src), "prod")
        g_self = g * flambeau.where(x_zero, (zeros == 1) * nz_prod, (zeros == 0) * nz_prod / x_nz)
        zg, pg = zeros.gather(dim, index), (g * nz_prod).gather(dim, index)
        g_src = flambeau.where(s_zero, (zg == 1) * pg,
                               (zg == 0) * pg / flambeau.where(s_zero, 1.0, src))
        return (g_self if keep is None else g_self * keep), g_src
    x_is = x == result  # counted among the ties even when not included, as torch does
    s_is = src == result.gather(dim, index)
    share = g / x_is.to(g._dtype).scatter_add(dim, index, s_is.to(g._dtype))
    g_self = share * x_is
    return (g_self if keep is None else g_self * keep), share.gather(dim, index) * s_is


# ---- along one dim, at a list of indices ----------------------------------------------------

def _dim_index(input, dim, index, fn, **check):
    """``(dim, 1-d index array)`` for the index_* ops."""
    idx = _index(index, fn, **check)
    if idx.ndim > 1:
        raise IndexError(f"{fn}(): Index is supposed to be a vector")
    return wrap_dim(dim, input._data.ndim), idx.reshape(-1)


def _at(dim, idx):
    return (slice(None),) * dim + (idx,)


@defop(signature="index_select(Tensor input, int dim, Tensor index, *, Tensor? out=None)",
       out_apart=True, out_exact="index_select(): self and result must have the same scalar type")
def index_select(input, dim, index):
    """The slices of ``dim`` at ``index`` (a vector)."""
    a = input._data
    if isinstance(index, Tensor) and index._dtype is _int64 and index._data.ndim == 1:
        dim, idx = wrap_dim(dim, a.ndim), index._data  # the common case, checked directly
    else:
        dim, idx = _dim_index(input, dim, index, "index_select",
                              message="index_select(): Expected dtype int32 or int64 for index")
    size = a.shape[dim] if a.ndim else 1
    if idx.size and _beyond(idx, size):
        raise _index_select_error(a, dim, idx, size)
    out = make(a.take(idx, dim) if a.ndim else a.reshape(1).take(idx).reshape(()), input._dtype)
    if needs_grad1(input):
        shape = a.shape
        record("IndexSelectBackward0", (out,), (input,),
               lambda g: _zeros(shape, g).index_add(dim, index, g))
    return out


def _index_select_error(a, dim, idx, size):
    """torch's error for indices outside ``[0, size)``, worded as its kernels word it."""
    if a.ndim > 1 and not size:
        return RuntimeError("index_select(): self indexing axis dim should be positive")
    if a.ndim > 1 and (dim == 1 or not a.size):
        bad = int(idx[(idx < 0) | (idx >= size)][0])
        return RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    return IndexError("index out of range in self")


def _index_add_mismatch(a, s, dim, n):
    """index_add's own words for a source of the wrong shape."""
    if len(s) == len(a) and s[:dim] + s[dim + 1:] == a[:dim] + a[dim + 1:]:
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to "
                           f"source.size(dim): ({s[dim]}), for dim: {dim}")
    raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                       f"specified dimension. Got self.shape = {list(a)} source.shape = {list(s)}")


def _check_source(input, dim, idx, source, fn):
    if source._dtype is not input._dtype:
        raise RuntimeError(f"{fn}(): self ({type_name(input._dtype)}) and source "
                           f"({type_name(source._dtype)}) must have the same scalar type")
    a, s = input._data.shape, source._data.shape
    expected = a[:dim] + (len(idx),) + a[dim + 1:] if a else ()
    if s != expected and not (source._data.size == idx.size == 1 and not s):
        if fn == "index_add_":
            _index_add_mismatch(a, s, dim, len(idx))
        raise RuntimeError(f"{fn}(): Source/destination tensor must have same slice shapes. "
                           f"Destination slice shape: {list(a[:dim] + a[dim + 1:])} at dimension "
                           f"{dim} and source slice shape: {list(s[:dim] + s[dim + 1:])} at "
                           f"dimension 0.")


@defop(inplace=True,
       signature="index_add(Tensor input, int dim, Tensor index, Tensor source, *, "
                 "Scalar alpha=1, Tensor? out=None)")
def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with ``alpha * source`` added to the slices of ``dim`` at ``index``."""
    dim, idx = _dim_index(input, dim, index, "index_add_", message=(
        "index_add_(): Expected dtype int32/int64 for index but got: {}"))
    _check_source(input, dim, idx, source, "index_add_")
    a = input._data
    _check_bounds(idx, a.shape[dim] if a.ndim else 1, dim, *(
        (IndexError, "index out of range in self") if a.ndim <= 1 else (RuntimeError,)))
    out = _flat(a).copy()
    scale = checked_alpha(alpha, input._dtype, truncate=True)
    s = source._data if scale == 1 else source._data * scale
    np.add.at(out, _at(dim, idx), s.reshape(np.shape(out[_at(dim, idx)])))
    out = make(out.reshape(a.shape), input._dtype)
    if needs_grad(input, source):
        shape = source._data.shape
        record("IndexAddBackward0", (out,), (input, source),
               lambda g: (g, _reshape(g.index_select(dim, index) * alpha
                                      if alpha != 1 else g.index_select(dim, index), shape)))
    return out


def _reshape(g, shape):
    return g if g.shape == shape else g.reshape(shape)


@defop(inplace=True,
       signature="index_copy(Tensor input, int dim, Tensor index, Tensor source, *, "
                 "Tensor? out=None)")
def index_copy(input, dim, index, source):
    """``input`` with the slices of ``dim`` at ``index`` replaced by ``source``'s."""
    dim, idx = _dim_index(input, dim, index, "index_copy_", kinds=("int64",), message=(
        "index_copy_(): Expected a long tensor for index, but got {}"))
    _check_source(input, dim, idx, source, "index_copy_")
    a = input._data
    size = a.shape[dim] if a.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = int(idx[(idx < 0) | (idx >= size)][0])
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {dim} "
                         f"with size {size}")
    out = _flat(a).copy()
    out[_at(dim, idx)] = source._data.reshape(np.shape(out[_at(dim, idx)]))
    out = make(out.reshape(a.shape), input._dtype)
    if needs_grad(input, source):
        shape = source._data.shape
        record("IndexCopyBackward0", (out,), (input, source),
               lambda g: (g.index_fill(dim, index, 0),
                          _reshape(g.index_select(dim, index), shape)))
    return out


@defop(inplace=True, signature=["index_fill(Tensor input, int dim, Tensor index, Tensor value)",
                  "index_fill(Tensor input, int dim, Tensor index, Scalar value)"])
def index_fill(input, dim, index, value):
    """``input`` with the slices of ``dim`` at ``index`` set to ``value`` (a scalar or a 0-d
    tensor)."""
    dim, idx = _dim_index(input, dim, index, "index_fill_", kinds=("int64",),
                          error=IndexError, message="index_fill_(): Expected dtype int64 for "
                                                    "index.")
    a = input._data
    _check_bounds(idx, a.shape[dim] if a.ndim else 1, dim)
    is_tensor = isinstance(value, Tensor)
    if is_tensor and value._data.ndim:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    out = _flat(a).copy()
    out[_at(dim, idx)] = value._data if is_tensor else \
        _dtype.checked_scalar(value, input._dtype, a.size)
    out = make(out.reshape(a.shape), input._dtype)
    if needs_grad(input, value):
        if is_tensor:  # each filled slice counts once, however often its index repeats
            unique = make(np.unique(idx), _int64)
            record("IndexFillBackward1", (out,), (input, value),
                   lambda g: (g.index_fill(dim, index, 0), g.index_select(dim, unique).sum()))
        else:
            record("IndexFillBackward0", (out,), (input,), lambda g: g.index_fill(dim, index, 0))
    return out


@defop(inplace=True, signature="index_put(Tensor input, Tensor?[] indices, Tensor values, "
                               "bool accumulate=False)")
def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` written (or, with ``accumulate``, added) at ``input[indices]``
    for a tuple of index tensors (None entries select whole dims)."""
    if values._dtype is not input._dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{type_name(input._dtype)} for the destination and "
                           f"{type_name(values._dtype)} for the source.")
    key = tuple(slice(None) if i is None else i for i in indices)
    _, advanced, _, norm, _ = _parse(input, key)
    if advanced is None:
        advanced = norm
    out = input._data.copy()
    try:
        if accumulate:
            np.add.at(out, advanced, values._data)
        else:
            out[advanced] = values._data
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
                           "be broadcast to indexing result of shape "
                           f"{list(out[advanced].shape)}") from None
    out = make(out, input._dtype)
    if needs_grad(input, values):
        vshape = values._data.shape
        record("IndexPutBackward0", (out,), (input, values),
               lambda g: (g if accumulate else _zero_at(g, norm),
                          _value_grad(g, norm, vshape, values._dtype)))
    return out


# ---- masks ---------------------------------------------------------------------------------

_MASK_ERRORS = {  # torch words each op's refusal of a non-bool mask differently
    "masked_fill": lambda d: "masked_fill_ only supports boolean masks, but got mask with dtype "
                             + d._cpp_name,
    "masked_scatter": lambda d: "masked_scatter_ only supports boolean masks, but got mask with "
                                "dtype " + type_name(d),
    "masked_select": lambda d: "masked_select: expected BoolTensor for mask",
}


def _mask(mask, fn):
    if mask._dtype is not _dtype.bool:
        raise RuntimeError(_MASK_ERRORS[fn](mask._dtype))
    return mask._data


def _broadcast(a, m):
    try:
        return np.broadcast_arrays(a, m)
    except ValueError:
        raise broadcast_error(a, m) from None


@defop(inplace=True, signature=["masked_fill(Tensor input, Tensor mask, Tensor value)",
                  "masked_fill(Tensor input, Tensor mask, Scalar value)"])
def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (broadcast together)."""
    m = _mask(mask, "masked_fill")
    is_tensor = isinstance(value, Tensor)
    if is_tensor and value._data.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    a = input._data
    scalar = _dtype.checked_scalar(value.item() if is_tensor else value, input._dtype, a.size)
    v = np.asarray(value._data if is_tensor else scalar)
    v = (v.real if v.dtype.kind == "c" and a.dtype.kind != "c" else v).astype(a.dtype)
    if m.shape != a.shape:
        a, m = _broadcast(a, m)
    out = make(np.where(m, v, a), input._dtype)
    if needs_grad(input, value):
        if is_tensor:
            record("MaskedFillBackward1", (out,), (input, value),
                   lambda g: (g.masked_fill(mask, 0), g.masked_select(mask).sum()))
        else:
            record("MaskedFillBackward0", (out,), (input,), lambda g: g.masked_fill(mask, 0))
    return out


@defop(inplace=True, signature="masked_scatter(Tensor input, Tensor mask, Tensor source)")
def masked_scatter(input, mask, source):
    """``input`` with ``source``'s first elements written, in order, where ``mask`` is True."""
    m = _mask(mask, "masked_scatter")
    if source._dtype is not input._dtype:
        raise RuntimeError("masked_scatter_: expected self and source to have same dtypes but "
                           f"got {type_name(input._dtype)} and {type_name(source._dtype)}")
    a, m = _broadcast(input._data, m)
    count = int(np.count_nonzero(m))
    if count > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = a.copy()
    out[m] = source._data.reshape(-1)[:count]
    out = make(out, input._dtype)
    if needs_grad(input, source):
        shape, n = source._data.shape, source._data.size
        record("MaskedScatterBackward0", (out,), (input, source),
               lambda g: (g.masked_fill(mask, 0), _zeros((n,), g).index_copy(
                   0, make(np.arange(count)), g.masked_select(mask)).reshape(shape)))
    return out


@defop(signature="masked_select(Tensor input, Tensor mask, *, Tensor? out=None)",
       out_apart=True, out_exact="masked_select(): self and result must have the same scalar type")
def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a vector (broadcast together)."""
    m = _mask(mask, "masked_select")
    a, m = _broadcast(input._data, m)
    out = make(a[m], input._dtype)
    if needs_grad(input):
        shape = a.shape
        record("MaskedSelectBackward0", (out,), (input,),
               lambda g: _zeros(shape, g).masked_scatter(mask, g))
    return out


# ---- flat indices --------------------------------------------------------------------------

def _flat_index(input, index, fn):
    idx = _index(index, fn, kinds=("int64",),
                 message=fn + "(): Expected a long tensor for index, but got {}")
    n = input._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx[(idx < -n) | (idx >= n)].reshape(-1)[0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         "elements.")
    return idx


@defop(signature="take(Tensor input, Tensor index, *, Tensor? out=None)", out_apart=True,
       out_exact="take(): self and out expected to have the same dtype, but got self.dtype = "
                 "{result._scalar_name} and out.dtype = {out._scalar_name}")
def take(input, index):
    """The elements of ``input`` flattened, at ``index`` (the result has index's shape)."""
    idx = _flat_index(input, index, "take")
    out = make(input._data.reshape(-1)[idx], input._dtype)
    if needs_grad(input):
        shape = input._data.shape
        record("TakeBackward0", (out,), (input,),
               lambda g: _zeros(shape, g).put(index, g, accumulate=True))
    return out


@defop(inplace=True,
       signature="put(Tensor input, Tensor index, Tensor source, bool accumulate=False)")
def put(input, index, source, accumulate=False):
    """``input`` with ``source``'s elements written (or added) at flat ``index``."""
    idx = _flat_index(input, index, "put").reshape(-1)
    if source._dtype is not input._dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {type_name(input._dtype)} and source.dtype = "
                           f"{type_name(source._dtype)}")
    if source._data.size != idx.size:
        raise RuntimeError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source._data.size}, "
                           f"index.numel() = {idx.size}")
    out = input._data.copy()
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, idx, source._data.reshape(-1))
    else:
        flat[idx] = source._data.reshape(-1)
    out = make(out, input._dtype)
    if needs_grad(input, source):
        shape = source._data.shape
        record("PutBackward0", (out,), (input, source),
               lambda g: (g if accumulate else g.put(index, _zeros(shape, g)),
                          g.take(index).reshape(shape)))
    return out


@defop(signature="take_along_dim(Tensor input, Tensor indices, int? dim=None, *, Tensor? out=None)")
def take_along_dim(input, indices, dim=None):
    """``gather`` after broadcasting ``input`` and ``indices`` in every dim but ``dim``
    (the flattened input when ``dim`` is None). Along a given ``dim``, indices wrap around
    modulo its size, as in torch."""
    if indices._dtype is not _int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{type_name(indices._dtype)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    n = input._data.ndim
    if indices._data.ndim != n:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {n} dimensions for input, and "
                           f"{indices._data.ndim} dimensions for indices")
    dim = wrap_dim(dim, n)
    size, k = input._data.shape[dim], indices._data
    if size and k.size and _beyond(k, size):
        indices = make(np.remainder(k, size), _int64)
    a, i = list(input._data.shape), list(indices._data.shape)
    a[dim] = i[dim] = 1
    shape = list(np.broadcast_shapes(tuple(a), tuple(i)))
    in_shape, idx_shape = list(shape), list(shape)
    in_shape[dim], idx_shape[dim] = input._data.shape[dim], indices._data.shape[dim]
    return gather(input.expand(in_shape), dim, indices.expand(idx_shape))


# ---- where and nonzero ---------------------------------------------------------------------

@defop(method=False, signature=[
    "where(Tensor condition)",
    "where(Tensor condition, Tensor input, Tensor other, *, Tensor? out=None)",
    "where(Tensor condition, Scalar self, Tensor other)",
    "where(Tensor condition, Tensor input, Scalar other)",
    "where(Tensor condition, Scalar self, Scalar other)"])
def where(condition, input=None, other=None):
    """``input`` where ``condition`` is True, else ``other`` (tensors or scalars, promoted
    together); with the condition alone, ``nonzero(condition, as_tuple=True)``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._dtype is not _dtype.bool:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {type_name(condition._dtype)}")
    dtype = input._dtype if isinstance(input, Tensor) and isinstance(other, Tensor) and \
        input._dtype is other._dtype else _dtype.result_type_of(input, other)
    np_dtype = dtype._np
    x = input._data if isinstance(input, Tensor) else input
    y = other._data if isinstance(other, Tensor) else other
    try:
        array = np.where(condition._data, x, y)
    except ValueError:  # torch names the first pair that does not broadcast
        c = condition._data
        try:
            np.broadcast_shapes(c.shape, np.shape(x))
        except ValueError:
            raise broadcast_error(c, x) from None
        raise broadcast_error(np.broadcast_to(c, np.broadcast_shapes(c.shape, np.shape(x))),
                              y) from None
    out = make(array if array.dtype == np_dtype else array.astype(np_dtype), dtype)
    if needs_grad(input, other):
        record("WhereBackward0", (out,),
               (None, input if isinstance(input, Tensor) else None,
                other if isinstance(other, Tensor) else None),
               lambda g: (None, where(condition, g, 0.0), where(condition, 0.0, g)))
    return out


@defop(name="where", function=False,
       signature=["where(Tensor input, Tensor condition, Tensor other)",
                  "where(Tensor input, Tensor condition, Scalar other)"])
def _where_method(self, condition, other):
    """``where(condition, self, other)``."""
    return where(condition, self, other)


def nonzero(input, *, as_tuple=False, out=None):
    """The positions of the nonzero elements: an ``(n, ndim)`` int64 tensor, or a tuple of one
    index vector per dim with ``as_tuple``."""
    a = input._data
    positions = np.nonzero(a.reshape(1) if a.ndim == 0 else a)
    if as_tuple:
        if out is not None:
            raise RuntimeError("nonzero does not support the out kwarg when as_tuple is True")
        return tuple(make(p.astype(np.int64), _int64) for p in positions)
    stacked = np.stack(positions, axis=1).astype(np.int64) if a.ndim else \
        np.zeros((len(positions[0]), 0), np.int64)
    result = make(stacked, _int64)
    return result if out is None else write_out(out, result)


defop(nonzero, method=False,
      signature="nonzero(Tensor input, *, bool as_tuple=False, Tensor? out=None)")
defop(nonzero, function=False,
      signature=["nonzero(Tensor input)", "nonzero(Tensor input, *, bool as_tuple)"])


@defop(signature="argwhere(Tensor input)")
def argwhere(input):
    """``nonzero(input)``: the positions of the nonzero elements as rows."""
    return nonzero(input)


@defop(signature="nonzero_static(Tensor input, *, int size, int fill_value=-1, "
                  "Tensor? out=None)")
def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero(input)`` cut or padded with ``fill_value`` rows to exactly ``size`` rows."""
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    rows = nonzero(input)._data[:size]
    pad = np.full((size - len(rows), rows.shape[1]), fill_value, np.int64)
    return make(np.concatenate([rows, pad]), _int64)


# ---- writing into a view of a copy: select_scatter, slice_scatter, diagonal_scatter --------

def _view_scatter(name, view, node, signature):
    """An op returning a copy of ``input`` with ``src`` written into ``view(copy, *args)``."""
    def op(input, src, *args, **kwargs):
        out = make(input._data.copy(), input._dtype)
        target = view(out, *args, **kwargs)._data
        if target.shape != src._data.shape:
            raise RuntimeError("expected src to have a size equal to the slice of self. src size "
                               f"= {list(src._data.shape)}, slice size = {list(target.shape)}")
        target[...] = src._data
        if needs_grad(input, src):
            record(node, (out,), (input, src), lambda g: (
                getattr(g, name)(_zeros(src._data.shape, g), *args, **kwargs),
                view(g, *args, **kwargs).to(src._dtype)))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"A copy of ``input`` with ``src`` written where ``{view.__name__}`` looks."
    return defop(op, name=name, signature=f"{name}(Tensor input, Tensor src, {signature}")


def _slice(t, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return t[(slice(None),) * wrap_dim(dim, t._data.ndim) + (slice(start, end, step),)]


def _select(t, dim, index):
    return t[(slice(None),) * wrap_dim(dim, t._data.ndim) + (index,)]


def _diagonal(t, offset=0, dim1=0, dim2=1):
    return t.diagonal(offset, dim1, dim2)


select_scatter = _view_scatter("select_scatter", _select, "SelectScatterBackward0",
                               "int dim, int index)")
slice_scatter = _view_scatter("slice_scatter", _slice, "SliceScatterBackward0",
                              "int dim=0, int? start=None, int? end=None, int step=1, *, "
                              "Tensor? out=None)")
diagonal_scatter = _view_scatter("diagonal_scatter", _diagonal, "DiagonalScatterBackward0",
                                 "int offset=0, int dim1=0, int dim2=1)")


# ---- index_reduce, unravel_index, isin -----------------------------------------------------

@defop(inplace=True, signature="index_reduce(Tensor input, int dim, Tensor index, Tensor source, "
                               "str reduce, *, bool include_self=True, Tensor? out=None)")
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """``input`` with the slices of ``source`` along ``dim`` reduced ('prod', 'mean', 'amax',
    'amin') into the slices ``index`` names: ``scatter_reduce`` with the index spread."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if index._dtype not in (_int64, _dtype.int32):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                           + type_name(index._dtype))
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_reduce_(): self ({type_name(input._dtype)}) and source "
                           f"({type_name(source._dtype)}) must have the same scalar type")
    if index._data.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    d = wrap_dim(dim, input._data.ndim)
    if source._data.ndim and source._data.shape[d] != index._data.size:
        raise RuntimeError("index_reduce_(): Number of indices (" + str(index._data.size) +
                           ") should be equal to source.size(dim) (" +
                           str(source._data.shape[d]) + ")")
    shape = [1] * source._data.ndim
    if shape:
        shape[d] = -1
    spread = make(np.broadcast_to(index._data.astype(np.int64).reshape(shape),
                                  source._data.shape), _int64)
    barebones.refuse(barebones.index_reduce, input, reduce, include_self, index)
    result = make(_scatter_array(input, d, spread, source._data, reduce, include_self,
                                 (reduce,), refuse=False)[0], input._dtype)
    if needs_grad(input, source):
        record("IndexReduceBackward0", (result,), (input, source),
               lambda g, x, s, out: _scatter_reduce_backward(g, x, s, out, d, spread, reduce,
                                                             include_self),
               saved=(input, source), saved_outputs=(0,))
    return result


@defop(method=False)
def unravel_index(indices, shape):
    """Flat indices as a tuple of coordinate tensors (int64) for ``shape``; indices out of
    range wrap around, as torch's do."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices._dtype.is_floating_point or indices._dtype.is_complex or \
            indices._dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got "
                        f"{_naming.public_name}.{indices._dtype._name}")
    if not isinstance(shape, (int, Sequence)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    for s in () if isinstance(shape, int) else shape:
        if not isinstance(s, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(s)}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    # (torch divides by int64 tensors: its promotion refuses uint16/32/64 indices)
    flat = indices._data.astype(_dtype.promote_types(indices._dtype, _int64)._np)
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    return tuple(make((flat // st) % max(s, 1), _int64) for s, st in zip(shape, strides))


_TENSOR_OF_NUMBER = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}


@defop(method=False,
       signature=["isin(Tensor elements, Tensor test_elements, *, bool assume_unique=False, "
                  "bool invert=False, Tensor? out=None)",
                  "isin(Scalar element, Tensor test_elements, *, bool assume_unique=False, "
                  "bool invert=False, Tensor? out=None)",
                  "isin(Tensor elements, Scalar test_element, *, bool assume_unique=False, "
                  "bool invert=False, Tensor? out=None)"])
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each of ``elements`` is among ``test_elements`` (either may be a scalar)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__})")
    for t in (elements, test_elements):
        if isinstance(t, Tensor) and t._dtype is _dtype.bool:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    if not isinstance(test_elements, Tensor):
        a, b = elements._data, np.asarray(test_elements)
    else:
        if not isinstance(elements, Tensor):  # a number: torch's 0-d tensor of it (float64...)
            elements = make(np.asarray(elements, _TENSOR_OF_NUMBER[type(elements)]))
        a, b = elements._data, test_elements._data
        # torch's kernels: few test elements compared one by one in the operands' result type,
        # else sorted together (cat's promotion)
        if b.size < 10.0 * a.size ** 0.145:
            common = _dtype.result_type_of(elements, test_elements)
            if common._barebones:
                raise promotion._not_implemented("isin_default_cpu", common)
        else:
            common = _dtype.promote_types(elements._dtype, test_elements._dtype)
        a, b = a.astype(common._np, copy=False), b.astype(common._np, copy=False)
    return make(np.isin(a, b, assume_unique=assume_unique, invert=invert), _dtype.bool)
