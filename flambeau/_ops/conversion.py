"""Conversions: dtype and device moves (``to``, ``float()``, ``cpu()``...), copies, detaching.

``to`` returns the tensor itself when nothing changes (unless ``copy=True``), as in PyTorch;
conversions are differentiable (``ToCopyBackward0``), ``detach`` is not.
"""
import warnings

from .. import _backend, _dtype, _naming
from .._device import as_device, device as device_cls
from .._tensor import Tensor, make, make_view
from ..autograd.graph import record
from ._util import empty_strided_array, like_layout, needs_grad, warn_caller
from .promotion import broadcast_error
from .registry import check_inplace, commit_inplace, defop, register

def _convert(t, dtype, device, copy):
    """``t`` in ``dtype`` on ``device``; ``t`` itself when nothing changes and no copy is asked."""
    dtype = dtype or t._dtype
    same_device = device is None or device.type == t.device.type
    if dtype is t._dtype and same_device and not copy:
        return t
    array = t._data
    if not same_device:
        array = _backend.module_for(device.type).asarray(_backend.to_host(array)) \
            if device.type != "cpu" else _backend.to_host(array)
    if t._dtype.is_complex and not dtype.is_complex:
        warnings.warn("Casting complex values to real discards the imaginary part",
                      UserWarning, stacklevel=3)
        array = array.real
    # (out-of-range values cast as torch casts them, without NumPy's RuntimeWarning)
    array = _backend.quietly(array.astype, dtype.numpy_dtype, "K", "unsafe", True,
                             copy or array is t._data)
    out = make(array, dtype)
    if needs_grad(t) and (dtype.is_floating_point or dtype.is_complex):
        source = t._dtype
        record("ToCopyBackward0", (out,), (t,),
               lambda g: (g.real if g._dtype.is_complex and not source.is_complex else g)
               .to(source))
    return out


def _parse_to(args, kwargs):
    """(dtype, device, copy) from torch's ``to`` overloads: ``(device, dtype, non_blocking,
    copy)``, ``(dtype, non_blocking, copy)`` and ``(other, non_blocking, copy)``."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    flags = []
    for a in args:
        if isinstance(a, bool):
            flags.append(a)
        elif isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a._dtype, a.device
        elif isinstance(a, (str, device_cls, int)) and device is None:
            device = a
        else:
            names = ", ".join(type(x).__name__ for x in args)
            raise TypeError(f"to() received an invalid combination of arguments - got ({names})")
    copy = kwargs.pop("copy", flags[1] if len(flags) > 1 else False)
    return dtype, (as_device(device) if device is not None else None), copy


def to(self, *args, **kwargs):
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; keywords ``dtype``,
    ``device``, ``copy``, ``non_blocking``, ``memory_format``."""
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    dtype, device, copy = _parse_to(args, kwargs)
    if device is not None and device.type == "cuda":
        _backend.module_for("cuda")  # raises torch's error without a GPU backend
    return _convert(self, dtype, device, copy)


def _dtype_method(name, d):
    def method(self, memory_format=None):
        return _convert(self, d, None, False)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``self.to({_naming.public_name}.{d._name})``."
    register("", name, method, method=True)


for _name, _d in {"float": _dtype.float32, "double": _dtype.float64, "half": _dtype.float16,
                  "bfloat16": _dtype.bfloat16, "int": _dtype.int32, "long": _dtype.int64,
                  "short": _dtype.int16, "char": _dtype.int8, "byte": _dtype.uint8,
                  "bool": _dtype.bool, "cfloat": _dtype.complex64,
                  "cdouble": _dtype.complex128}.items():
    _dtype_method(_name, _d)


def cpu(self, memory_format=None):
    return _convert(self, None, as_device("cpu"), False)


def cuda(self, device=None, non_blocking=False, memory_format=None):
    _backend.module_for("cuda")
    return _convert(self, None, as_device("cuda" if device is None else device), False)


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """Without arguments, the legacy type name (``'torch.FloatTensor'``); else a conversion to
    a dtype, a type name string, or a legacy tensor type."""
    if dtype is None:
        return f"{_naming.public_name}.{self._dtype._scalar_name}Tensor"
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        matches = [d for d in _dtype.all_dtypes if d._scalar_name + "Tensor" == name]
        if not matches:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = matches[0]
    elif isinstance(dtype, type) and hasattr(dtype, "dtype"):
        dtype = dtype.dtype
    return _convert(self, dtype, None, False)


@defop(function=False, signature="type_as(Tensor input, Tensor other)")
def type_as(self, other):
    return _convert(self, other._dtype, other.device, False)


for _name, _fn in {"to": to, "cpu": cpu, "cuda": cuda, "type": type_}.items():
    register("", _name, _fn, method=True)


# ---- copies --------------------------------------------------------------------------------

@defop(signature="clone(Tensor input, *, MemoryFormat? memory_format=None)")
def clone(input, *, memory_format=None):
    """A copy with its own memory (differentiable: ``CloneBackward0``), laid out as torch's
    ``memory_format`` rule says (by default like the input: see ``like_layout``)."""
    return _copy(input, like_layout(input, memory_format))


def _copy(input, strides):
    """``clone`` with the given strides (None: C order)."""
    a = input._data
    if strides is None:
        array = a.copy()
    else:
        array = empty_strided_array(a.shape, strides, a.dtype)
        array[...] = a
    out = make(array, input._dtype)
    if needs_grad(input):
        record("CloneBackward0", (out,), (input,), lambda g: g)
    return out


def _pinning_device(name, device):
    """torch's checks of the deprecated ``device`` argument of is_pinned/pin_memory: True for
    the CPU, which pins nothing; an error where it names a GPU flambeau does not have."""
    if device is None:
        return None
    warn_caller(f"The argument 'device' of Tensor.{name}() is deprecated. Please do not pass "
                "this argument.", DeprecationWarning)
    if as_device(device).type == "cpu":
        return True
    if not _backend.cuda_device_count():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return False


@defop(function=False, signature="is_pinned(Tensor input, Device? device=None)")
def is_pinned(self, device=None):
    """Whether the memory is page-locked for fast copies to a GPU: never in flambeau."""
    _pinning_device("is_pinned", device)
    return False


@defop(function=False, signature="pin_memory(Tensor input, Device? device=None)")
def pin_memory(self, device=None):
    """Without a GPU this raises, as torch's CPU build does. With one (CuPy), flambeau does not
    page-lock host memory: the tensor itself is returned, and copies to the GPU work as usual."""
    if _pinning_device("pin_memory", device):
        raise RuntimeError("CPU device type not an accelerator.")
    if not _backend.cuda_device_count():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return self


@defop(function=False)
def contiguous(self, memory_format=None):
    """The tensor itself when contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return _copy(self, None)


@defop
def detach(input):
    """The same memory as a new tensor outside the graph."""
    return make_view(input, input._data)


def detach_(self):
    if self._base is not None:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using "
            "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as "
            "True, gradients are views of DDP buckets, and hence detach_() cannot be called on "
            "these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
            f"function in {_naming.public_name}/optim/optimizer.py as the solution.")
    self._grad_fn, self._requires_grad = None, False
    return self


register("", "detach_", detach_, method=True)


def copy_(self, src, non_blocking=False):
    """Copies ``src`` into ``self`` (broadcasting, casting); the copy is differentiable."""
    check_inplace(self)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    array = src._data
    if type(array) is not type(self._data):  # between devices
        array = _backend.array_module(self._data).asarray(_backend.to_host(array))
    try:
        array = _backend.array_module(array).broadcast_to(array, self._data.shape)
    except ValueError:
        raise broadcast_error(self._data, array) from None
    result = make(_backend.quietly(array.astype, self._dtype.numpy_dtype), self._dtype)
    if needs_grad(self, src):  # self's old history gets zeros: its values are gone
        source = src._dtype
        record("CopyBackwards", (result,), (self, src),
               lambda g: (g.new_zeros(g.shape), g.to(source)))
    return commit_inplace(self, result)


register("", "copy_", copy_, method=True)
