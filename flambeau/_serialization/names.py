"""The objects a checkpoint names, under torch's names.

A checkpoint calls ``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage`` and so on;
flambeau's own versions of those live here, with the tables mapping torch's names to them
(for loading) and them to torch's names (for saving).
"""
from collections import Counter, OrderedDict
from _codecs import encode

from .. import _dtype
from .._device import device
from .._size import Size
from .._storage import TypedStorage
from .._tensor import Tensor, _init_from, _new_tensor


class StorageType:
    """What ``torch.FloatStorage`` (and the other storage classes) stand for in a
    checkpoint: the dtype of a saved storage."""
    __slots__ = ("dtype", "name")

    def __init__(self, dtype, name):
        self.dtype, self.name = dtype, name

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


STORAGE_TYPES = {d: StorageType(d, f"{d._scalar_name}Storage") for d in _dtype.all_dtypes
                 if not d._barebones}  # (torch has no UInt16Storage: they save untyped)
UNTYPED = StorageType(_dtype.uint8, "UntypedStorage")  # (torch.storage.UntypedStorage)


def _check_ints(values, what):
    if type(values) not in (tuple, list, Size) or not all(type(v) is int for v in values):
        raise RuntimeError(f"invalid {what} in checkpoint: {values!r}")
    return tuple(values)


def _rebuild_tensor(storage, storage_offset, size, stride):
    """A tensor viewing ``storage`` (as torch's ``_rebuild_tensor``)."""
    if type(storage) is not TypedStorage:
        raise RuntimeError(f"expected a storage to rebuild a tensor from, got {type(storage)}")
    size, stride = _check_ints(size, "size"), _check_ints(stride, "stride")
    if type(storage_offset) is not int:
        raise RuntimeError(f"invalid storage offset in checkpoint: {storage_offset!r}")
    dtype, storage = storage._dtype, storage._storage
    array = storage.strided(size, stride, storage_offset, dtype.numpy_dtype)
    t = _new_tensor(Tensor)
    _init_from(t, array, dtype, storage)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    """A tensor of ``dtype`` over an untyped ``storage`` (how torch saves the dtypes that have
    no typed storage class: uint16, uint32, uint64)."""
    if type(storage) is not TypedStorage or type(dtype) is not _dtype.dtype:
        raise RuntimeError(f"expected an untyped storage and a dtype to rebuild a tensor from, "
                           f"got {type(storage)} and {type(dtype)}")
    return _rebuild_tensor_v2(TypedStorage._wrap(storage._storage, dtype), storage_offset, size,
                              stride, requires_grad, backward_hooks)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from ..nn import Parameter
    if not isinstance(data, Tensor):
        raise RuntimeError(f"expected a tensor to rebuild a Parameter from, got {type(data)}")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(param, state)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor subclass: ``func(*args)`` made an instance of ``new_type``, given ``state``."""
    if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
        raise RuntimeError(f"expected a Tensor subclass to rebuild, got {new_type!r}")
    result = func(*args)
    if not isinstance(result, Tensor):
        raise RuntimeError(f"expected a tensor to rebuild a {new_type.__name__} from")
    if type(result) is not new_type:
        result = Tensor._make_subclass(new_type, result, result.requires_grad)
    if new_type is Tensor and state:
        import warnings
        warnings.warn(f"flambeau's plain tensors hold no Python attributes: {sorted(state)!r} "
                      "saved with a tensor are dropped", stacklevel=2)
        return result
    _set_state(result, state)
    return result


def _set_state(obj, state):
    """Restores a saved ``__dict__`` (or ``(__dict__, slots)``); a tensor's own slots are
    never written from a file."""
    if not state:
        return
    if isinstance(state, tuple) and len(state) == 2:
        state, slots = state
        for key, value in (slots or {}).items():
            if key in Tensor.__slots__:
                raise RuntimeError(f"a checkpoint may not set a tensor's {key}")
            setattr(obj, key, value)
    if state:
        obj.__dict__.update(state)


def _rebuild_sparse_tensor(layout, data):
    """A sparse COO tensor from ``(indices, values, size[, is_coalesced])``, its indices
    checked against its size (torch validates the sparse tensors of a checkpoint too)."""
    from .. import sparse_coo
    from .._sparse import sparse_coo_tensor
    if layout is not sparse_coo or type(data) is not tuple or len(data) not in (3, 4) or \
            not all(isinstance(t, Tensor) for t in data[:2]):
        raise RuntimeError(f"unsupported sparse tensor in checkpoint: layout {layout!r}")
    indices, values, size = data[:3]
    return sparse_coo_tensor(indices, values, _check_ints(size, "size"), check_invariants=True,
                             is_coalesced=data[3] if len(data) == 4 else None)


def _get_layout(name):
    import flambeau
    layout = getattr(flambeau, str(name).rpartition(".")[2], None)
    if not isinstance(layout, flambeau.layout):
        raise RuntimeError(f"Unknown layout: {name}")
    return layout


# torch's name -> flambeau's object, for everything a weights-only load may meet
def allowed_globals():
    from ..nn import Parameter
    names = {
        "collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
        "torch.nn.parameter.Parameter": Parameter, "torch.Size": Size, "torch.Tensor": Tensor,
        "torch.device": device, "_codecs.encode": encode, "builtins.bytearray": bytearray,
        "builtins.set": set, "builtins.complex": complex,
        "torch.serialization._get_layout": _get_layout,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.storage.UntypedStorage": UNTYPED,
    }
    names.update({f"torch.{d._name}": d for d in _dtype.all_dtypes})
    names.update({f"torch.{t.name}": t for t in STORAGE_TYPES.values()})
    for fn in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
               _rebuild_parameter_with_state, _rebuild_sparse_tensor):
        names["torch._utils." + fn.__name__] = fn
    return names


# flambeau's object -> the (module, name) torch knows it by, where its own names differ
def torch_names():
    names = {id(fn): (module, fn.__name__) for module, fn in (
        ("torch._utils", _rebuild_tensor), ("torch._utils", _rebuild_tensor_v2),
        ("torch._utils", _rebuild_tensor_v3),
        ("torch._utils", _rebuild_parameter), ("torch._utils", _rebuild_parameter_with_state),
        ("torch._utils", _rebuild_sparse_tensor),
        ("torch._tensor", _rebuild_from_type_v2), ("torch.serialization", _get_layout))}
    names.update({id(t): ("torch", t.name) for t in STORAGE_TYPES.values()})
    names[id(UNTYPED)] = ("torch.storage", UNTYPED.name)
    names.update({id(d): ("torch", d._name) for d in _dtype.all_dtypes})
    return names

