"""Creation ops: tensors from data, constant fills, ranges.

Unlike NumPy, data made of Python floats becomes the default dtype (float32), ranges follow
torch's length rule (``ceil((end - start) / step)`` in double precision), and every creation
op takes ``dtype=``, ``device=`` and ``requires_grad=``.
"""
import math
import operator
import warnings

import numpy as np

from .. import _backend, _dtype, _naming
from .._device import as_device
from .._storage import allocation_error
from .._tensor import Tensor, make
from .determinism import uninitialised_fill
from ._util import (empty_strided_array, like_layout, parse_size, scalar_dtype, warn_caller,
                    xp_for)
from .registry import defop, write_out

# the options every factory takes, in the words of torch's signatures
_OPTIONS = ("ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
            "bool? pin_memory=False, bool? requires_grad=False")
_LIKE_OPTIONS = "MemoryFormat? memory_format=None, " + _OPTIONS


def _finish(array, dtype, requires_grad):
    t = make(array, dtype)
    if requires_grad:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _to_device(array, device):
    """A host array moved to ``device`` (a no-op for the CPU)."""
    if device is None:
        return array
    xp = xp_for(device)
    return array if xp is np else xp.asarray(array)


# ---- tensors from data ---------------------------------------------------------------------

_EXACT = {float: np.float64, complex: np.complex128}


def _infer_array(data, dtype=None):
    """A NumPy array of ``dtype`` (the one asked for, or else inferred as torch infers it) from
    nested Python data, and that dtype. Values are stored as torch stores them: exactly (ints
    beyond 2**53 too), with torch's errors for ints out of range (see :func:`_store`)."""
    if data.__class__ is not list:  # (a list, the common case, is none of these)
        if isinstance(data, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        if isinstance(data, np.ndarray):
            dtype = dtype or _dtype.from_numpy_dtype(data.dtype)
            return _cast(data, dtype), dtype  # (a copy)
        if isinstance(data, np.generic):  # (before float: np.float64 is a float)
            return _stored(data, dtype or _dtype.from_numpy_dtype(data.dtype))
        if isinstance(data, (bool, int, float, complex)):  # floats in double until cast once
            dtype = dtype or scalar_dtype(data)
            if dtype._category == 1 or data.__class__ is complex and dtype._category == 2:
                return np.array(_store(data, dtype), dtype.numpy_dtype), dtype
            return _cast(np.array(data, _EXACT.get(data.__class__, dtype.numpy_dtype)),
                         dtype), dtype
    first = _first_leaf(data)
    try:  # (NumPy would take a tensor leaf as an array: torch takes it as a number)
        array = None if isinstance(first, Tensor) else np.array(data)
    except (ValueError, OverflowError):  # ragged, or ints beyond int64 and uint64
        array = None
    if array is None or array.dtype == object:
        shape, target = _check_nesting(data, dtype)
        if 0 in shape:  # (torch reads no element: the default dtype unless one is given)
            target = dtype or _dtype.get_default_dtype()
            return np.empty(shape, target.numpy_dtype), target
        return _stored(data, target)
    kind = array.dtype.kind
    if kind not in "biufc":
        _check_nesting(data, dtype)  # (strings among the numbers)
        raise TypeError(f"new(): invalid data type '{array.dtype}'")
    holds_arrays = isinstance(first, (np.ndarray, np.generic))
    if holds_arrays or array.dtype.char not in _OF_PYTHON:  # leaves not all Python numbers
        inferred = dtype or _leaves_dtype(data)
        if (inferred._category < 2 or kind == "c") and not isinstance(first, np.ndarray):
            return _stored(data, inferred)  # (NumPy scalars into integers: one by one)
    elif kind in "fc":  # Python floats: the default dtype
        inferred = _dtype.get_default_dtype() if kind == "f" else _dtype.default_complex_dtype()
    else:
        inferred = _dtype.int64 if kind == "i" else _dtype.bool
    target = dtype or inferred
    if target._category == 1:
        if target is _dtype.uint64 or kind in "uc" or kind == "f" and (
                array.dtype != np.float64 or holds_arrays):
            return _stored(data, target)  # (an exact walk: leaves of several kinds)
        if kind != "b" and array.size and target is not _dtype.int64 or kind == "f":
            low, high = _dtype.INT_RANGES[target]
            least, most = array.min(initial=0), array.max(initial=0)
            if kind == "f" and (least < 0 and not target.is_signed or
                                max(-least, most) >= 2 ** 53):
                return _stored(data, target)  # (ints wrap, floats do not; large ints exact)
            floor = low if kind == "f" or low else -high  # (negative ints wrap into unsigned)
            if not (floor <= least and most <= high):  # (False for NaN)
                raise _dtype.overflow_error(target, target._name)
    elif dtype is None and kind == "f" and first.__class__ is not float and \
            array.max(initial=0) >= 2 ** 63:  # ints beyond int64 (NumPy made them floats)?
        return _stored(data, _leaves_dtype(data))
    elif kind == "c" and target._category == 2:
        _store(1j, target)  # (torch refuses the complex leaf)
    return _cast(array, target), target


def _cast(array, dtype):
    """A copy of ``array`` as ``dtype`` (1e40 becomes inf, a large int wraps, as in torch)."""
    return _backend.quietly(array.astype, dtype._np or dtype.numpy_dtype)  # (np.array: 2.5x)


_OF_PYTHON = "?ldD"  # the NumPy types of arrays of Python numbers (bool, int, float, complex)


def _leaves_dtype(data):
    """The dtype torch infers for nested data: its leaves' dtypes promoted (a Python float
    the default dtype, an int int64; a NumPy scalar, array or tensor its own dtype)."""
    found = None

    def walk(seq):
        nonlocal found
        for item in seq:
            if isinstance(item, (list, tuple)):
                walk(item)
                continue
            leaf = item._dtype if isinstance(item, Tensor) else \
                _dtype.from_numpy_dtype(item.dtype) if isinstance(item, (np.ndarray, np.generic)) \
                else scalar_dtype(item)
            found = leaf if found is None else _dtype.promote_types(found, leaf)
    walk(data if isinstance(data, (list, tuple)) else [data])
    return found or _dtype.get_default_dtype()


def _stored(data, dtype):
    """``data`` converted leaf by leaf (see :func:`_store`) into an array of ``dtype``."""
    def walk(seq):
        if isinstance(seq, (list, tuple)) or isinstance(seq, np.ndarray) and seq.ndim:
            return [walk(item) for item in seq]
        return _store(seq, dtype)
    category = dtype._category
    exact = dtype.numpy_dtype if category < 2 else np.float64 if category == 2 else \
        np.complex128
    values = walk(data)
    try:
        return _cast(np.array(values, exact), dtype), dtype
    except ValueError:  # (tensors of several sizes among numbers)
        raise TypeError("new(): invalid data type") from None


def _store(leaf, dtype):
    """One leaf of ``tensor()`` data as torch stores it in ``dtype``: uint64 takes Python ints
    only; other integer types take ints within int64 and within the type's range (negative
    ones down to ``-max`` wrap into unsigned types) and floats within range, truncated."""
    category = dtype._category
    if isinstance(leaf, Tensor):  # a number, as torch reads a tensor among the data
        leaf = _tensor_leaf(leaf, dtype)
    if category == 0:
        return bool(leaf)
    if category > 1:
        if category == 2 and isinstance(leaf, complex):
            raise TypeError("must be real number, not complex")
        return float(leaf) if category == 2 else complex(leaf)
    if dtype is _dtype.uint64:
        if not isinstance(leaf, int):
            raise TypeError("an integer is required")
        if not 0 <= leaf < 2 ** 64:
            raise OverflowError("can't convert negative int to unsigned" if leaf < 0 else
                                "int too big to convert")
        return leaf
    low, high = _dtype.INT_RANGES[dtype]
    if isinstance(leaf, float):
        if leaf != leaf or not float(low) <= leaf <= float(high):
            raise _dtype.overflow_error(dtype, dtype._name)
        return _dtype.wrap_int(int(leaf), dtype)
    value = operator.index(leaf)
    if not -2 ** 63 <= value < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if not (low or -high) <= value <= high:
        raise _dtype.overflow_error(dtype, dtype._name)
    return value if value >= low else _dtype.wrap_int(value, dtype)


def _tensor_leaf(leaf, dtype):
    """A one-element tensor among ``tensor()`` data as the number torch reads from it: an index
    (``__index__``) for bool and integer dtypes, else ``item()`` (uint64 takes none)."""
    category = dtype._category
    if dtype is _dtype.uint64:
        raise TypeError("an integer is required")
    if category < 2:
        if leaf._data.size != 1 or leaf._dtype._category > 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
    elif leaf._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    elif category == 2 and leaf._dtype.is_complex:
        raise RuntimeError("value cannot be converted to type double without overflow")
    return leaf.item()


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _check_nesting(data, dtype):
    """torch's errors for data NumPy could not make a plain array of: a leaf of no numeric
    type, a sequence where the first elements put a number or the reverse, sequences of other
    lengths; the leaves read in torch's order. Returns the shape and the dtype."""
    shape, first = [], data
    while isinstance(first, (list, tuple)):  # (the first elements set the shape)
        shape.append(len(first))
        first = first[0] if first else None
    if isinstance(first, str):  # (a sequence to torch, of no fixed depth)
        raise ValueError("too many dimensions 'str'")
    _check_leaves(data, dtype)
    target = dtype or _leaves_dtype(data)

    def walk(item, depth):  # in torch's order: the first misfit raises
        sequence = isinstance(item, (list, tuple))
        if depth == len(shape):
            if not sequence:
                _store(item, target)
                return
            raise _not_a_number(type(item).__name__, target)  # a sequence for a number
        if not sequence:
            raise TypeError("not a sequence")
        if len(item) != shape[depth]:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} "
                             f"(got {len(item)})")
        for element in item:
            walk(element, depth + 1)
    if 0 not in shape:  # (torch reads no element of empty data)
        walk(data, 0)
    return shape, target


def _check_leaves(data, dtype):
    if isinstance(data, (list, tuple)):
        for item in data:
            _check_leaves(item, dtype)
    elif not isinstance(data, (bool, int, float, complex, np.generic, np.ndarray, Tensor)):
        name = type(data).__name__
        if dtype is None:
            if isinstance(data, (str, bytes)):
                raise TypeError(f"new(): invalid data type '{name}'")
            raise RuntimeError(f"Could not infer dtype of {name}")
        raise _not_a_number(name, dtype)


def _not_a_number(name, dtype):
    """torch's TypeError for a value of type ``name`` stored as a number of ``dtype`` (floats
    and complex numbers are converted as floats)."""
    if dtype is _dtype.uint64:
        return TypeError("an integer is required")
    if dtype.is_floating_point or dtype.is_complex:
        return TypeError(f"must be real number, not {name}")
    return TypeError(f"'{name}' object cannot be interpreted as an integer")


@defop(method=False, signature="tensor(object data, *, ScalarType? dtype=None, Device? device=None, "
                                "bool pin_memory=False, bool requires_grad=False)")
def tensor(data, *, dtype=None, device=None, pin_memory=False, requires_grad=False):
    """A new tensor holding a copy of ``data`` (nested lists, scalars, arrays or tensors).

    Python floats give the default dtype, ints int64, bools bool, as in PyTorch.
    """
    if isinstance(data, Tensor):
        warn_caller(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).")
        dtype = dtype or data._dtype
        array = _cast(data._data, dtype)
    else:
        array, dtype = _infer_array(data, dtype)
    return _finish(_to_device(array, device), dtype, requires_grad)


@defop(method=False, signature="as_tensor(object data, *, ScalarType? dtype=None, "
                                "Device? device=None)")
def as_tensor(data, *, dtype=None, device=None):
    """``data`` as a tensor, sharing memory with it when no conversion is needed."""
    if isinstance(data, Tensor):
        if (dtype is None or dtype is data._dtype) and (device is None or
                                                      as_device(device) == data.device):
            return data
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.numpy_dtype == data.dtype) \
            and (device is None or as_device(device).type == "cpu"):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


@defop(method=False)
def from_numpy(*args, **kwargs):
    """A tensor sharing memory with a NumPy array (writes show on both sides); the array is
    given by place, as torch's one-argument C function takes it."""
    if kwargs or len(args) != 1:
        where = f"{_naming.public_name}._VariableFunctionsClass.from_numpy()"
        raise TypeError(f"{where} takes no keyword arguments" if kwargs else
                        f"{where} takes exactly one argument ({len(args)} given)")
    ndarray, = args
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    dtype = _dtype.from_numpy_dtype(ndarray.dtype)
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support "
                      "non-writable tensors. This means writing to this tensor will result in "
                      "undefined behavior. You may want to copy the array to protect its data or "
                      "make it writable before converting it to a tensor. This type of warning "
                      "will be suppressed for the rest of this program.", UserWarning,
                      stacklevel=2)
    return make(ndarray, dtype)


@defop(method=False, signature="frombuffer(object buffer, *, ScalarType dtype, int count=-1, "
                                "int offset=0, bool requires_grad=False)")
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor sharing memory with an object of the buffer protocol (``bytes``,
    ``bytearray``, ``memoryview``, ``array.array``...): ``count`` elements from byte
    ``offset`` (-1: all that follow)."""
    try:
        memory = np.frombuffer(buffer, np.uint8)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    except BufferError:
        raise RuntimeError("could not retrieve buffer from object") from None
    length, item = memory.size, dtype.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % item:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({item})")
        count = (length - offset) // item
    elif offset + count * item > length:
        raise ValueError(f"requested buffer length ({count} * {item} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if not memory.flags.writeable:
        _warn_once("The given buffer is not writable, and PyTorch does not support non-writable "
                   "tensors. This means you can write to the underlying (supposedly "
                   "non-writable) buffer using the tensor. You may want to copy the buffer to "
                   "protect its data or make it writable before converting it to a tensor. This "
                   "type of warning will be suppressed for the rest of this program.")
    array = memory[offset:offset + count * item].view(dtype.numpy_dtype)
    return _finish(array, dtype, requires_grad)


_warned = set()


def _warn_once(message):
    if message not in _warned:
        _warned.add(message)
        warn_caller(message)


# ---- constant fills ------------------------------------------------------------------------

def _filled(fill, size, dtype, device, requires_grad, fn_name, strides=None):
    size = parse_size(size, fn_name)
    dtype = dtype or _dtype.get_default_dtype()
    if fill is None:  # uninitialised, unless deterministic algorithms say otherwise
        fill = uninitialised_fill(dtype)
    elif fill.__class__ is not int or not 0 <= fill <= 1:  # (zeros and ones need no check)
        fill = _dtype.checked_scalar(fill, dtype, math.prod(size))
    np_dtype = dtype._np or dtype.numpy_dtype  # (the property explains a missing bfloat16)
    xp = np if device is None else xp_for(device)
    try:
        if strides is not None:  # a layout like another tensor's (see like_layout)
            array = empty_strided_array(size, strides, np_dtype)
            if fill is not None:
                _backend.quietly(array.fill, fill)
        elif fill is None:
            array = xp.empty(size, np_dtype)
        elif fill == 0 and fill.__class__ is not complex:
            array = xp.zeros(size, np_dtype)
        else:
            array = xp.empty(size, np_dtype)
            if dtype._category == 2:  # (inf where torch lets a value overflow)
                _backend.quietly(array.fill, fill)
            else:
                array.fill(fill)
    except (MemoryError, ValueError) as error:
        raise allocation_error(error, size, np_dtype.itemsize) or error from None
    if requires_grad:
        return _finish(array, dtype, requires_grad)
    return make(array, dtype)


def _fill_uninitialised(array, dtype):
    """Fills a new array as deterministic algorithms ask (see ``determinism``), if they do."""
    fill = uninitialised_fill(dtype)
    if fill is not None:
        array.fill(fill)


def _factory(fill, name, doc, options=""):
    def factory(size, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False, *, memory_format=None):  # (options by place: cheaper)
        return _filled(fill, size, dtype, device, requires_grad, name)
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = doc
    return defop(factory, method=False,
                 signature=f"{name}(int[] size, *, {options}Tensor? out=None, {_OPTIONS})")


zeros = _factory(0, "zeros", "A tensor of the given size filled with 0.")
ones = _factory(1, "ones", "A tensor of the given size filled with 1.")
empty = _factory(None, "empty", "A tensor of the given size with uninitialised values.",
                 "MemoryFormat? memory_format=None, ")


@defop(method=False, signature="full(int[] size, Scalar fill_value, *, Tensor? out=None, "
                                + _OPTIONS + ")")
def full(size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value's type."""
    dtype = dtype or scalar_dtype(fill_value)
    return _filled(fill_value, size, dtype, device, requires_grad, "full")


def _number(value, fn_name):
    """A ``fill_value`` as torch's parser takes a Number (a one-element tensor gives its value);
    None, which ``_filled`` reads as "uninitialised", is refused with the rest."""
    if isinstance(value, Tensor):
        value = value.item()
    if not isinstance(value, (int, float, complex, np.number, np.bool_)):
        raise TypeError(f"{fn_name}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(value).__name__}")
    return value


def _like_factory(fill, name):
    def like(input, *, memory_format=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
        return _filled(fill, input._data.shape, dtype or input._dtype,
                       device if device is not None else input.device, requires_grad, name,
                       like_layout(input, memory_format))
    like.__name__ = like.__qualname__ = name
    like.__doc__ = f"Like :func:`{name[:-5]}` with the size (and default dtype, device) of input."
    return defop(like, method=False, signature=f"{name}(Tensor input, *, {_LIKE_OPTIONS})")


zeros_like = _like_factory(0, "zeros_like")
ones_like = _like_factory(1, "ones_like")
empty_like = _like_factory(None, "empty_like")


@defop(method=False, signature="full_like(Tensor input, Scalar fill_value, *, "
                                + _LIKE_OPTIONS + ")")
def full_like(input, fill_value, *, memory_format=None, dtype=None, layout=None, device=None,
              pin_memory=False, requires_grad=False):
    return _filled(fill_value, input._data.shape, dtype or input._dtype,
                   device if device is not None else input.device, requires_grad, "full_like",
                   like_layout(input, memory_format))


def _new_factory(fill, name):
    def new(self, size, *, dtype=None, layout=None, device=None, pin_memory=False,
            requires_grad=False):
        return _filled(fill, (size,), dtype or self._dtype,
                       device if device is not None else self.device, requires_grad, name)
    new.__name__ = new.__qualname__ = name
    new.__doc__ = f"A tensor of ``size`` like ``{name[4:]}``, with this tensor's dtype and device."
    return defop(new, function=False, signature=f"{name}(Tensor input, int[] size, *, {_OPTIONS})")


new_zeros = _new_factory(0, "new_zeros")
new_ones = _new_factory(1, "new_ones")
new_empty = _new_factory(None, "new_empty")


@defop(function=False, signature="new_full(Tensor input, int[] size, Scalar fill_value, *, "
                                  + _OPTIONS + ")")
def new_full(self, size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value``, with this tensor's dtype and device."""
    return _filled(_number(fill_value, "new_full"), (size,), dtype or self._dtype,
                   device if device is not None else self.device, requires_grad, "new_full")


@defop(function=False, signature="new_tensor(Tensor input, object data, *, ScalarType? dtype=None, "
                                  "Device? device=None, bool requires_grad=False)")
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A copy of ``data`` as a tensor with this tensor's dtype and device by default."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        data = data._data
    return tensor(data, dtype=dtype or self._dtype,
                  device=device if device is not None else self.device,
                  requires_grad=requires_grad)


def legacy_new(args, dtype, device):
    """``Tensor(2, 3)``, ``Tensor([1, 2])``, ``Tensor(size)``, ``Tensor()`` of ``dtype``."""
    if len(args) == 1 and not isinstance(args[0], int) and not isinstance(args[0], tuple):
        data = args[0]
        if isinstance(data, Tensor):
            return data
        return tensor(data, dtype=dtype, device=device)
    return _filled(None, args or (0,), dtype, device, False, "new")


@defop(method=False, signature="scalar_tensor(Scalar s, *, " + _OPTIONS + ")")
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    return _filled(s, (), dtype or _dtype.get_default_dtype(), device, requires_grad,
                   "scalar_tensor")


@defop(method=False, signature="empty_strided(int[] size, int[] stride, *, " + _OPTIONS + ")")
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    """An uninitialised tensor with the given strides (over a buffer just large enough)."""
    dtype = dtype or _dtype.get_default_dtype()
    size, stride = parse_size((size,), "empty_strided"), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of "
                           f"strides ({len(stride)})")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    try:
        buffer = xp_for(device).empty(extent, dtype=dtype.numpy_dtype)
    except (MemoryError, ValueError) as error:
        raise allocation_error(error, size, dtype.itemsize, stride) or error from None
    _fill_uninitialised(buffer, dtype)
    t = make(buffer, dtype)
    t._data = t._get_storage().strided(size, stride, 0, buffer.dtype)
    return t.requires_grad_(requires_grad) if requires_grad else t


# ---- ranges --------------------------------------------------------------------------------

def _ends(name, start, end):
    """linspace's and logspace's ends as numbers (torch takes 0-d tensors only)."""
    ranks = [(which, x._data.ndim) for which, x in (("start", start), ("end", end))
             if isinstance(x, Tensor)]  # (torch names the ends given as tensors)
    if any(r for _, r in ranks):
        raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got "
                           + " and ".join(f"{w} with {r} dimension(s)" for w, r in ranks) + ".")
    return [x.item() if isinstance(x, Tensor) else x for x in (start, end)]


@defop(method=False, signature=[
    "arange(Scalar end, *, Tensor? out=None, " + _OPTIONS + ")",
    "arange(Scalar start, Scalar end, *, " + _OPTIONS + ")",
    "arange(Scalar start, Scalar end, Scalar step=1, *, Tensor? out=None, " + _OPTIONS + ")"])
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Values from ``start`` to ``end`` (excluded) by ``step``.

    The length is ``ceil((end - start) / step)`` computed in double precision, as in torch;
    the dtype is ``out``'s, else int64 when all bounds are integers, else the default float
    dtype. For an integer dtype torch casts the bounds to it first (towards zero), and int64
    also counts the length from the cast bounds: ``arange(0, 6, 1.5, dtype=int64)`` is 0..5.
    """
    if end is None:
        start, end = 0, start
    integral = isinstance(start, int) and isinstance(end, int) and isinstance(step, int)
    if dtype is None:
        dtype = out._dtype if out is not None else \
            _dtype.int64 if integral else _dtype.get_default_dtype()
    if dtype is _dtype.bool or dtype._family:  # (no arange kernel for uint16/32/64, complex)
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{dtype._scalar_name}'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is _dtype.int64 and not integral and math.isfinite(start) and math.isfinite(end):
        start, end, step = int(start), int(end), int(step)
        integral = True
        if step == 0:
            raise ValueError("step must be nonzero")
    if not integral and not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    length = max(math.ceil((end - start) / step), 0)
    try:
        if dtype.is_floating_point or dtype.is_complex:
            values = np.arange(length, dtype=np.float64) * step + start
        else:
            values = np.arange(length, dtype=np.int64) * int(step) + int(start)
    except (MemoryError, ValueError) as error:
        raise allocation_error(error, (length,), dtype.itemsize) or error from None
    array = _to_device(values.astype(dtype.numpy_dtype, copy=False), device)
    result = _finish(array, dtype, requires_grad)
    return result if out is None else write_out(out, result)


@defop(method=False, name="range", signature=(
    "range(Scalar start, Scalar end, Scalar step=1, *, Tensor? out=None, ScalarType? dtype=None, "
    "Device? device=None, bool requires_grad=False)"))
def range_(start, end, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated torch.range: like arange but ``end`` is included; float by default."""
    warn_caller("torch.range is deprecated and will be removed in a future release because its "
                "behavior is inconsistent with Python's range builtin. Instead, use "
                "torch.arange, which produces values in [start, end).")
    dtype = dtype or _dtype.get_default_dtype()
    length = math.floor((end - start) / step) + 1
    values = np.arange(length, dtype=np.float64) * step + start
    return _finish(_to_device(values.astype(dtype.numpy_dtype), device), dtype, requires_grad)


def _space(name, extra=""):
    """The signatures of linspace and logspace: start and end each a Tensor or a Number."""
    return [f"{name}({a} start, {b} end, int steps, {extra}*, Tensor? out=None, {_OPTIONS})"
            for a, b in (("Tensor", "Tensor"), ("Scalar", "Tensor"), ("Tensor", "Scalar"),
                         ("Scalar", "Scalar"))]


@defop(method=False, signature=_space("linspace"))
def linspace(start, end, steps, *, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """``steps`` values evenly spaced from ``start`` to ``end`` inclusive."""
    start, end = _ends("linspace", start, end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    inferred = _dtype.default_complex_dtype() if isinstance(start, complex) or \
        isinstance(end, complex) else _dtype.get_default_dtype()
    dtype = dtype or inferred
    if inferred.is_complex and not dtype.is_complex:
        raise RuntimeError(f"torch.linspace(): inferred dtype {inferred._cpp_name} can't be "
                           f"safely cast to passed dtype {dtype._scalar_name}")
    if dtype._barebones and steps > 1:
        raise NotImplementedError(f"\"linspace_cpu\" not implemented for '{dtype._scalar_name}'")
    if steps == 1:  # torch fills the one value: start, converted as fill_ converts it
        start = _dtype.checked_scalar(start, dtype, numel=1)
    try:
        values = _linspace(start, end, steps, dtype.numpy_dtype)
    except (MemoryError, ValueError) as error:
        raise allocation_error(error, (steps,), dtype.itemsize) or error from None
    if not (dtype.is_floating_point or dtype.is_complex):
        values = np.trunc(values.real)
    return _finish(_to_device(values.astype(dtype.numpy_dtype), device), dtype, requires_grad)


def _linspace(start, end, steps, dtype=None):
    """torch's linspace: the first half counts up from start, the second half down from end.
    For float32/float64 results, computed as torch's kernel does: in that dtype, each value one
    fused multiply-add (``start + step * i`` rounded once; long double stands in for the fma)."""
    if steps == 1:
        return np.array([start], dtype=np.result_type(float, type(start)))
    i = np.arange(steps)
    half = steps // 2
    if dtype in (np.float32, np.float64) and not isinstance(start + end, complex):
        f = np.dtype(dtype).type
        step = (f(end) - f(start)) / f(steps - 1)
        counts = np.where(i < half, i, i - (steps - 1)).astype(np.longdouble)
        base = np.where(i < half, f(start), f(end)).astype(np.longdouble)
        return (base + counts * np.longdouble(step)).astype(dtype)
    step = (end - start) / (steps - 1)
    return np.where(i < half, start + i * step, end - (steps - 1 - i) * step)


@defop(method=False, signature=_space("logspace", "float base=10.0, "))
def logspace(start, end, steps, base=10.0, *, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """``base ** linspace(start, end, steps)``."""
    start, end = _ends("logspace", start, end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype or _dtype.get_default_dtype()
    values = np.power(base, _linspace(start, end, steps))
    if not (dtype.is_floating_point or dtype.is_complex):
        values = np.trunc(values)
    return _finish(_to_device(values.astype(dtype.numpy_dtype), device), dtype, requires_grad)


@defop(method=False, signature=["eye(int n, *, Tensor? out=None, " + _OPTIONS + ")",
                                "eye(int n, int m, *, Tensor? out=None, " + _OPTIONS + ")"])
def eye(n, m=None, *, dtype=None, layout=None, device=None, pin_memory=False,
        requires_grad=False):
    """A 2-d tensor with ones on the diagonal."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = dtype or _dtype.get_default_dtype()
    if dtype._barebones:
        raise NotImplementedError(f"\"eye\" not implemented for '{dtype._scalar_name}'")
    return _finish(xp_for(device).eye(n, m, dtype=dtype.numpy_dtype), dtype, requires_grad)


@defop(function=False, signature="new_empty_strided(Tensor input, int[] size, int[] stride, *, "
                                  + _OPTIONS + ")")
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      pin_memory=False, requires_grad=False):
    """``empty_strided`` with this tensor's dtype unless given."""
    return empty_strided(size, stride, dtype=dtype or self._dtype, device=device,
                         requires_grad=requires_grad)


@defop(method=False, signature="empty_permuted(int[] size, int[] physical_layout, *, " +
                                _OPTIONS + ")")
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """An uninitialised tensor whose memory holds dims in ``physical_layout`` order."""
    size, order = tuple(size), tuple(physical_layout)
    if len(size) != len(order):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(order)}")
    for i, d in enumerate(order):
        if not 0 <= d < len(order):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and "
                               f"{len(order) - 1}, but got {d} at index {i}).  NB: negative "
                               "dims not currently supported; file an issue if you want it.")
    if len(set(order)) != len(order):
        raise RuntimeError("Duplicate dim not allowed")
    dtype = dtype or _dtype.get_default_dtype()
    array = xp_for(device).empty([size[d] for d in order], dtype=dtype.numpy_dtype)
    _fill_uninitialised(array, dtype)
    t = make(array.transpose(np.argsort(order)), dtype)
    return t.requires_grad_(requires_grad) if requires_grad else t
