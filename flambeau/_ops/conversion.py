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
from .signature import PYTHON_SCALAR_TYPES, checked

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


_TO = [f"to(Tensor input, {first}, bool non_blocking=False, bool copy=False, *, "
       "MemoryFormat? memory_format=None)"
       for first in ("Device? device=None, ScalarType? dtype=None", "ScalarType dtype",
                     "Tensor tensor")]


def _to_options(self, *args, device=None, dtype=None, tensor=None, copy=False,
                non_blocking=False, memory_format=None):
    """(dtype, device, copy) of a call that fits one of torch's ``to`` overloads: ``(device,
    dtype, non_blocking, copy)``, ``(dtype, non_blocking, copy)``, ``(tensor, non_blocking,
    copy)``, positional arguments as given. A Python number stands for a tensor of its type."""
    if args:
        first = args[0]
        if isinstance(first, Tensor) or first.__class__ in (float, bool, complex):
            tensor, flags = first, args[1:]
        elif isinstance(first, _dtype.dtype):
            dtype, flags = first, args[1:]
        else:
            device, dtype, flags = first, args[1] if len(args) > 1 else dtype, args[2:]
        copy = flags[1] if len(flags) > 1 else copy
    if tensor is not None:
        if isinstance(tensor, Tensor):
            dtype, device = tensor._dtype, tensor.device
        else:
            dtype = PYTHON_SCALAR_TYPES[tensor.__class__]
    return dtype, (as_device(device) if device is not None else None), copy


# torch._C._nn._parse_to: ``to``'s arguments checked and read without a tensor (Module.to)
parse_to = checked(_to_options, _TO, "to", method=True)


@defop(function=False, signature=_TO)
def to(self, *args, **kwargs):
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``. ``memory_format``
    and ``non_blocking`` are accepted and change nothing."""
    dtype, device, copy = _to_options(self, *args, **kwargs)
    if device is not None and device.type == "cuda":
        _backend.module_for("cuda")  # raises torch's error without a GPU backend
    return _convert(self, dtype, device, copy)


def _dtype_method(name, d):
    def method(self, *, memory_format=None):
        return _convert(self, d, None, False)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``self.to({_naming.public_name}.{d._name})``."
    defop(method, function=False,
          signature=f"{name}(Tensor input, *, MemoryFormat? memory_format=None)")


for _name, _d in {"float": _dtype.float32, "double": _dtype.float64, "half": _dtype.float16,
                  "bfloat16": _dtype.bfloat16, "int": _dtype.int32, "long": _dtype.int64,
                  "short": _dtype.int16, "char": _dtype.int8, "byte": _dtype.uint8,
                  "bool": _dtype.bool, "cfloat": _dtype.complex64,
                  "cdouble": _dtype.complex128}.items():
    _dtype_method(_name, _d)


@defop(function=False, signature="cpu(Tensor input, *, MemoryFormat? memory_format=None)")
def cpu(self, *, memory_format=None):
    return _convert(self, None, as_device("cpu"), False)


@defop(function=False, signature="cuda(Tensor input, Device? device=None, "
                                  "bool non_blocking=False, *, MemoryFormat? memory_format=None)")
def cuda(self, device=None, non_blocking=False, *, memory_format=None):
    _backend.module_for("cuda")
    return _convert(self, None, as_device("cuda" if device is None else device), False)


@defop(name="type", function=False,
       signature="type(Tensor input, object dtype=None, bool non_blocking=False, *, "
                 "MemoryFormat? memory_format=None)")
def type_(self, dtype=None, non_blocking=False, *, memory_format=None):
    """Without arguments, the legacy type name (``'torch.FloatTensor'``); else a conversion to
    a dtype, a type name string, or a legacy tensor type."""
    if dtype is None:
        return f"{_naming.public_name}.{self._dtype._scalar_name}Tensor"
    if isinstance(dtype, type):
        if isinstance(getattr(dtype, "dtype", None), _dtype.dtype):  # FloatTensor ...
            return _convert(self, dtype.dtype, None, False)
        dtype = dtype.__name__
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        matches = [d for d in _dtype.all_dtypes if d._scalar_name + "Tensor" == name]
        if not matches:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = matches[0]
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    return _convert(self, dtype, None, False)


@defop(function=False, signature="type_as(Tensor input, Tensor other)")
def type_as(self, other):
    """This tensor in ``other``'s dtype (and device)."""
    return _convert(self, other._dtype, other.device, False)


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


@defop(function=False, signature="contiguous(Tensor input, *, "
                                  "MemoryFormat memory_format=torch.contiguous_format)")
def contiguous(self, *, memory_format=None):
    """The tensor itself when contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return _copy(self, None)


@defop(signature="detach(Tensor input)")
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


defop(detach_, function=False, signature="detach_(Tensor input)")


@defop(function=False, signature=["copy_(Tensor input, Tensor other, bool non_blocking=False)",
                                   "copy_(Tensor input, Tensor other, bool async=False)|hidden"])
def copy_(self, other, non_blocking=False):
    """Copies ``other`` (a tensor or a number) into ``self`` (broadcasting, casting); the
    copy is differentiable."""
    check_inplace(self)
    src = other if isinstance(other, Tensor) else make(other)
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


# ---- the Tensor class's own methods (metadata, Python values), behind torch's checks -------

for _name, _rest, _function in [
        ("dim", "", False), ("ndimension", "", False), ("numel", "", True),
        ("nelement", "", False), ("element_size", "", False), ("data_ptr", "", False),
        ("is_floating_point", "", True), ("is_complex", "", True), ("is_signed", "", False),
        ("is_inference", "", True), ("storage_offset", "", False), ("get_device", "", False),
        ("tolist", "", False), ("item", "", False), ("untyped_storage", "", False),
        ("retain_grad", "", False), ("numpy", ", *, bool force=False", False),
        ("requires_grad_", ", bool requires_grad=True", False),
        ("is_contiguous", ", *, MemoryFormat memory_format=torch.contiguous_format", False)]:
    defop(getattr(Tensor, _name), name=_name, function=_function,
          signature=f"{_name}(Tensor input{_rest})")
