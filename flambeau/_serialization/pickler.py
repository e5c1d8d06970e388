"""The pickler ``save`` uses: tensors become torch's ``_rebuild_tensor_v2`` calls on
persistent storage ids, and flambeau's classes and functions are written under torch's names,
so that real torch reads the file.

It is the pure-Python pickler (whose ``save_global`` can be changed): the pickle holds a few
objects per tensor, the storages are written around it.
"""
import pickle
import types
from collections import OrderedDict

from .. import _dtype, _naming
from .._storage import TypedStorage, UntypedStorage, _PublicStorage
from .._tensor import Tensor
from . import names

_TORCH_NAMES = names.torch_names()


class Pickler(pickle._Pickler):
    """Collects the storages it meets in ``storages`` (key -> flat uint8 array), in order, and
    their element sizes in ``itemsizes``; ``legacy`` writes the persistent ids of torch's
    format before 1.6."""
    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol)
        self.storages, self.itemsizes, self.legacy = {}, {}, legacy
        self._keys = {}  # id(Storage) -> (key, dtype, the Storage: kept alive for its id)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        return NotImplemented

    def persistent_id(self, obj):
        if not isinstance(obj, _PublicStorage):
            return None
        storage, dtype = obj._storage, obj._dtype or _dtype.uint8
        known = self._keys.get(id(storage))
        if known is None:
            key = str(len(self._keys))
            self._keys[id(storage)] = known = (key, dtype, storage)
            self.storages[key] = storage.bytes()
            self.itemsizes[key] = dtype.itemsize
        elif known[1] is not dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same data "
                               "as different types")
        kind = names.UNTYPED if type(obj) is UntypedStorage else names.STORAGE_TYPES[dtype]
        pid = ("storage", kind, known[0], "cpu",
               storage.nbytes() // dtype.itemsize)
        return pid + (None,) if self.legacy else pid

    def save_global(self, obj, name=None):
        known = _TORCH_NAMES.get(id(obj))
        if known is None:
            module = getattr(obj, "__module__", None) or ""
            root = module.partition(".")[0]
            if root == "flambeau":
                module = _naming.to_torch(module)
            elif root not in ("torch", "torchvision") or _naming.public_name != "torch":
                return super().save_global(obj, name)
            known = module, name or obj.__qualname__
        module, name = known
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode())
        self.memoize(obj)

    def _save_named(self, obj):
        self.save_global(obj)

    for _type in (names.StorageType, type(_dtype.float32), type(_dtype.bfloat16),
                  types.FunctionType):
        dispatch[_type] = _save_named
    del _type


def _reduce_tensor(t):
    """What torch's ``Tensor.__reduce_ex__`` gives inside ``torch.save``: a Parameter rebuilt
    from its data, a subclass through ``_rebuild_from_type_v2`` (flambeau's Buffer is saved as
    the plain tensor torch's is)."""
    from ..nn.parameter import Buffer, Parameter
    cls = type(t)
    if cls is Tensor or cls is Buffer:
        return _reduce_plain(t)
    if t.is_sparse:
        return names._rebuild_sparse_tensor, (t.layout, (t._indices(), t._values(),
                                                         tuple(t.shape), t.is_coalesced()))
    state = getattr(t, "__dict__", None)
    if isinstance(t, Parameter):
        if state:
            return names._rebuild_parameter_with_state, (t.data, t.requires_grad, OrderedDict(),
                                                         state)
        return names._rebuild_parameter, (t.data, t.requires_grad, OrderedDict())
    func, args = _reduce_plain(t)
    return names._rebuild_from_type_v2, (func, cls, args, state or {})


def _reduce_plain(t):
    if not t.is_cpu:
        t = t.cpu()
    storage = t._get_storage()
    memory = storage.bytes()
    start = memory.__array_interface__["data"][0]
    if t._data.size and not start <= t._data.__array_interface__["data"][0] < start + memory.size:
        t = t.detach().clone()  # (its storage is not the memory it views: save a copy)
        storage = t._get_storage()
    view = (t.storage_offset(), tuple(t.shape), t.stride(), t.requires_grad, OrderedDict())
    if t._dtype._barebones:  # no typed storage class in torch: an untyped one and the dtype
        return names._rebuild_tensor_v3, (UntypedStorage._wrap(storage), *view, t._dtype)
    return names._rebuild_tensor_v2, (TypedStorage._wrap(storage, t._dtype), *view)
