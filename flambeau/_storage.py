"""Storage: the flat memory behind a tensor and all of its views.

Every view of a tensor holds the same :class:`Storage`, so writes through one view show in the
others, and the storage's version counter (bumped by in-place ops, checked by autograd) is
shared. ``tensor.untyped_storage()`` shows the bytes, ``tensor.storage()`` the elements, both
sharing memory with the tensor as in PyTorch.
"""
import warnings

import numpy as np

from . import _backend, _naming
from ._device import device as _device_cls


class Storage:
    """The memory under a family of views: the array that owns it and a version counter."""
    __slots__ = ("_array", "_version", "_bytes")

    def __init__(self, array):
        self._array = array  # the first tensor's array; views address memory relative to it
        self._version = 0
        self._bytes = None

    def data_ptr(self):
        return self.bytes().__array_interface__["data"][0] if self.nbytes() else 0

    def bytes(self):
        """The whole storage as a flat uint8 array (computed once)."""
        if self._bytes is None:
            a = self._array
            while not (a.flags.c_contiguous or a.base is None):  # a strided from_numpy array:
                a = a.base                                         # address its owner's memory
            self._bytes = a.reshape(-1).view(np.uint8)
        return self._bytes

    def nbytes(self):
        return self.bytes().size

    def strided(self, size, stride, offset, np_dtype):
        """An array of ``size`` and element ``stride`` from element ``offset`` of this memory;
        torch's errors when it would reach outside the storage (so it never can)."""
        size, stride = tuple(size), tuple(stride)
        item = np_dtype.itemsize
        check_strided(size, stride, offset, item, self.nbytes())
        memory = self.bytes()
        start = min(offset * item, memory.size)  # (an empty view may start past the end)
        return np.ndarray(size, np_dtype, memory, start, tuple(s * item for s in stride))

    def offset_of(self, array):
        """Element offset of a view's first element from the start of the storage."""
        if array.size == 0 and self.nbytes() == 0:
            return 0
        start = self.bytes().__array_interface__["data"][0]
        return (array.__array_interface__["data"][0] - start) // array.itemsize


_INT64_MAX = 2 ** 63 - 1


def check_strided(size, stride, offset, itemsize, nbytes):
    """torch's checks that a view of ``size``/``stride`` (in elements) from element ``offset``
    stays inside ``nbytes`` bytes of storage."""
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(st < 0 for st in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    extent = 1 + sum((n - 1) * st for n, st in zip(size, stride))
    if any(n < 0 for n in size) or extent * itemsize > _INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    needed = (offset + extent) * itemsize
    if all(size) and needed > nbytes:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size of "
                           f"{needed} are out of bounds for storage of size {nbytes}")


def allocation_error(error, size, itemsize, stride=None):
    """torch's RuntimeError for NumPy's ``error`` (MemoryError, or ValueError for an array too
    big to address) making an array of ``size`` (and ``stride``): a size overflow or a failed
    allocation, in torch's words; None when ``error`` was about something else."""
    if stride is None:
        numel, shown = 1, f"sizes={list(size)}"
        for n in size:
            numel *= n
        nbytes = numel * itemsize
    else:
        nbytes = (1 + sum((n - 1) * st for n, st in zip(size, stride))) * itemsize
        shown = f"sizes={list(size)} and strides={list(stride)}"
    if nbytes > _INT64_MAX:
        return RuntimeError(f"Storage size calculation overflowed with {shown}")
    if isinstance(error, MemoryError) or "too big" in str(error):
        return RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: "
                            f"can't allocate memory: you tried to allocate {nbytes} bytes. "
                            "Error code 12 (Cannot allocate memory)")
    return None


def _device_of(array):
    return _device_cls("cpu") if isinstance(array, np.ndarray) else _device_cls("cuda", 0)


@_naming.public_class
class UntypedStorage:
    """The bytes of a storage, indexable like a sequence of ints (``tensor.untyped_storage()``)."""

    def __init__(self, storage):
        self._storage = storage

    @property
    def device(self):
        return _device_of(self._storage._array)

    def nbytes(self):
        return self._storage.nbytes()

    size = __len__ = nbytes

    def element_size(self):
        return 1

    def data_ptr(self):
        return self._storage.data_ptr()

    def __getitem__(self, i):
        return _backend.to_host(self._storage.bytes())[i].tolist()

    def __setitem__(self, i, value):
        self._storage.bytes()[i] = value

    def tolist(self):
        return _backend.to_host(self._storage.bytes()).tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        return _storage_repr(self.tolist(), "UntypedStorage", f"device={self.device}")

    __str__ = __repr__


@_naming.public_class
class TypedStorage:
    """The elements of a storage in a dtype (``tensor.storage()``, deprecated in PyTorch)."""

    def __init__(self, storage, dtype):
        self._storage, self.dtype = storage, dtype

    def _elements(self):
        return self._storage.bytes().view(self.dtype.numpy_dtype)

    @property
    def device(self):
        return _device_of(self._storage._array)

    def size(self):
        return self._storage.nbytes() // self.dtype.itemsize

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._storage.nbytes()

    def data_ptr(self):
        return self._storage.data_ptr()

    def untyped(self):
        return UntypedStorage(self._storage)

    _untyped_storage = property(untyped)

    def __getitem__(self, i):
        return _backend.to_host(self._elements())[i].tolist()

    def __setitem__(self, i, value):
        self._elements()[i] = value

    def tolist(self):
        return _backend.to_host(self._elements()).tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        from . import _tensor_str
        values = _backend.to_host(self._elements())
        return _tensor_str.storage_repr(values, self.dtype,
                                        f"dtype={self.dtype}, device={self.device}")

    __str__ = __repr__


def _storage_repr(values, kind, details):
    lines = [f" {v}" for v in values]
    lines.append(f"[{_naming.public_name}.storage.{kind}({details}) of size {len(values)}]")
    return "\n".join(lines)


_warned = False


def warn_typed_storage():
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will "
            "be the only storage class. This should only matter to you if you are using storages "
            "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead "
            "of tensor.storage()", UserWarning, stacklevel=3)
