"""flambeau: PyTorch rebuilt in Python on NumPy.

``import flambeau as torch`` (or ``python -m flambeau run script.py``) gives PyTorch's API.
Tensors, the operator library (with ``linalg``, ``fft`` and ``special``), autograd, ``nn``,
``optim``, ``utils.data``, ``save``/``load`` and torchvision as ``flambeau.vision``; see the
README for what is not there yet.
"""
__version__ = "0.1.0"

from . import _dtype, _naming
from ._dtype import (bfloat16, bool, can_cast, complex64, complex128, dtype, finfo, float16,
                     float32, float64, iinfo, int8, int16, int32, int64, set_default_dtype,
                     uint8, uint16, uint32, uint64)
from ._dtype import promote_types as _promote_types
from ._device import device
from ._size import Size
from ._storage import TypedStorage, UntypedStorage
from ._tensor import Tensor
from ._tensor_str import set_printoptions
from . import autograd
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.anomaly_mode import (is_anomaly_check_nan_enabled, is_anomaly_enabled,
                                    set_anomaly_enabled)
from . import _ops
from ._ops.registry import OPS as _OPS
from . import cuda, fft, linalg, random, return_types, special
from ._legacy import TYPES as _LEGACY_TYPES

float = float32
double = float64
half = float16
cfloat = complex64
cdouble = complex128
long = int64
int = int32
short = int16

globals().update(_LEGACY_TYPES)


class layout:
    """Memory layouts: ``strided`` (dense tensors) and ``sparse_coo``."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"{_naming.public_name}.{self.name}"

    def __reduce__(self):  # as torch pickles a layout (checkpoints name it so)
        from ._serialization.names import _get_layout
        return _get_layout, (f"torch.{self.name}",)


class memory_format(layout):
    """Memory formats (accepted for compatibility; results are contiguous)."""
    __reduce__ = object.__reduce__


_ops.signature.CLASSES.update(Layout=layout, MemoryFormat=memory_format)
_ops.signature.C_TYPE_NAMES.update({layout: "layout", memory_format: "memory_format"})
strided = layout("strided")
sparse_coo = layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
preserve_format = memory_format("preserve_format")


def _publish():
    """Binds every registered op to its namespace and to Tensor (see ``_ops.registry``)."""
    import sys
    import types
    for namespace, name, fn, method in _OPS:
        if method:
            setattr(Tensor, name, fn)
        else:
            module = sys.modules[__name__ + ("." + namespace if namespace else "")]
            setattr(module, name, fn)
    for dunder, op in {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div",
                       "pow": "pow", "floordiv": "floor_divide", "mod": "remainder",
                       "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
                       "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift"}.items():
        setattr(Tensor, f"__i{dunder}__", _ops.signature.operator_form(getattr(Tensor, op + "_")))
    for dunder, op in {"neg": "neg", "abs": "abs", "pos": "positive"}.items():
        setattr(Tensor, f"__{dunder}__", getattr(Tensor, op))
    # torch writes these methods in Python, so Python's own errors name them Tensor.X: a copy
    # of the function (the function form keeps its name) says so
    for name in ("backward", "register_hook", "register_post_accumulate_grad_hook", "norm",
                 "lu", "stft", "split", "unique", "unique_consecutive", "unflatten"):
        fn = getattr(Tensor, name)
        method = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__,
                                    fn.__closure__)
        method.__kwdefaults__, method.__doc__ = fn.__kwdefaults__, fn.__doc__
        method.__dict__.update(fn.__dict__)
        method.__qualname__, method.__module__ = f"Tensor.{name}", fn.__module__
        setattr(Tensor, name, method)


_publish()

from ._sparse import sparse_coo_tensor, DENSE_METHODS as _SPARSE_METHODS  # noqa: E402
from ._ops.dlpack import from_dlpack  # noqa: E402
for _name, _method in _SPARSE_METHODS.items():
    setattr(Tensor, _name, _method)


def is_grad_enabled(*args, **kwargs):
    """Whether operations record their graph (as torch's C function, it takes no arguments)."""
    _naming.no_arguments("is_grad_enabled", args, kwargs)
    return autograd.grad_mode.is_grad_enabled()


def is_inference_mode_enabled(*args, **kwargs):
    """Whether an ``inference_mode`` block is open (it takes no arguments)."""
    _naming.no_arguments("is_inference_mode_enabled", args, kwargs)
    return autograd.grad_mode.is_inference_mode_enabled()


def get_default_dtype(*args, **kwargs):
    """The dtype of new floating-point tensors (it takes no arguments)."""
    _naming.no_arguments("get_default_dtype", args, kwargs)
    return _dtype.get_default_dtype()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return isinstance(obj, (TypedStorage, UntypedStorage))


def result_type(tensor1, tensor2):
    """The dtype torch's promotion gives an op on these two operands."""
    from ._dtype import result_type_of
    return result_type_of(tensor1, tensor2)


# torch's C functions of dtypes, with their argument checks
result_type = _ops.signature.checked(result_type, [
    "result_type(Tensor tensor, Tensor other)", "result_type(Scalar scalar, Tensor tensor)",
    "result_type(Tensor tensor, Scalar other)", "result_type(Scalar scalar1, Scalar scalar2)"],
    "result_type")
can_cast = _ops.signature.checked(can_cast, ["can_cast(ScalarType from_, ScalarType to)"],
                                  "can_cast")
promote_types = _ops.signature.checked(
    lambda type1, type2: _promote_types(type1, type2),  # (the checks read its code object)
    ["promote_types(ScalarType type1, ScalarType type2)"], "promote_types")
promote_types.__doc__ = _promote_types.__doc__


_LAZY_MODULES = ("nn", "func", "serialization", "compat", "optim", "utils", "hub", "testing",
                 "backends", "jit", "accelerator", "mps", "cpu", "signal", "masked", "amp",
                 "sparse", "distributed", "multiprocessing", "compiler")
_LAZY_NAMES = {  # name -> the module defining it, imported on first use
    "compile": "._compile", "load": ".serialization", "save": ".serialization",
    **dict.fromkeys(("set_num_threads", "get_num_threads", "set_num_interop_threads",
                     "get_num_interop_threads"), "._threads"),
    **dict.fromkeys(("use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
                     "is_deterministic_algorithms_warn_only_enabled",
                     "set_deterministic_debug_mode", "get_deterministic_debug_mode",
                     "set_float32_matmul_precision", "get_float32_matmul_precision"),
                    ".backends._context"),
    **dict.fromkeys(("autocast", "is_autocast_enabled", "set_autocast_enabled",
                     "get_autocast_dtype", "set_autocast_dtype", "is_autocast_cache_enabled",
                     "set_autocast_cache_enabled", "clear_autocast_cache",
                     "autocast_increment_nesting", "autocast_decrement_nesting"),
                    ".amp.autocast_mode"),
}


def __getattr__(name):
    """``torch.X`` that flambeau lacks: an AttributeError that says so. The submodules of
    ``_LAZY_MODULES`` (``nn``, ``optim``, ``utils`` with data loading and its multiprocessing,
    ``hub``, ``testing`` ...) and the names of ``_LAZY_NAMES`` (``save``, ``load`` ...) are
    imported when first used, so that ``import flambeau`` stays fast."""
    import importlib
    if name in _LAZY_MODULES:
        return importlib.import_module("." + name, __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
    method = getattr(Tensor, name, None)
    if name[-1:] == "_" and hasattr(method, "_signature_texts") and \
            _naming.in_torch("torch." + name):  # torch.sigmoid_(x): the in-place method's
        globals()[name] = _ops.signature.function_form(method)
        return globals()[name]
    raise _naming.missing_attribute(__name__, name)
