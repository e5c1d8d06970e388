"""Storage: the flat memory behind a tensor and all of its views.

Every view of a tensor holds the same :class:`Storage`, so writes through one view show in the
others, and the storage's version counter (bumped by in-place ops, checked by autograd) is
shared. ``tensor.untyped_storage()`` shows the bytes, ``tensor.storage()`` the elements, both
sharing memory with the tensor as in PyTorch.
"""
import mmap
import warnings

import numpy as np

from . import _backend, _naming, _shared_memory
from . import _dtype as _dtypes
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
            self._bytes = a.ravel(order="K").view(np.uint8)  # memory order: never a copy
        return self._bytes

    def nbytes(self):
        return self.bytes().size

    def is_shared(self):
        """Whether the memory is a mapped shared-memory segment."""
        base = self.bytes()
        while isinstance(base, np.ndarray):
            base = base.base
        return isinstance(base, mmap.mmap)

    def share_memory_(self):
        """Moves the bytes into a shared-memory segment (unless they are in one): processes
        this one starts later (fork or spawn) and those it sends a tensor of it to map the
        same memory. Tensors made before the move keep viewing the old memory."""
        if not self.is_shared() and type(self._array) is np.ndarray:  # (device memory stays)
            self._array = self._bytes = _shared_memory.shared_bytes(self.bytes())

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


def check_size(size, itemsize):
    """torch's RuntimeError when an array of ``size`` would need more bytes than an int64
    counts (NumPy itself may crash computing some such shapes)."""
    numel = 1
    for n in size:
        numel *= n
    if numel * itemsize > _INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)}")


def allocation_error(error, size=None, itemsize=None, stride=None):
    """torch's RuntimeError for NumPy's ``error`` (MemoryError, or ValueError for an array too
    big to address) making an array of ``size`` (and ``stride``): a size overflow or a failed
    allocation, in torch's words; None when ``error`` was about something else. Without
    ``size``, the shape and dtype NumPy's MemoryError carries are used."""
    if size is None:
        if not hasattr(error, "shape"):
            return None
        size, itemsize = error.shape, error.dtype.itemsize
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


class _PublicStorage:
    """What ``UntypedStorage`` and ``TypedStorage`` share: a :class:`Storage` seen as elements
    (bytes, or values of a dtype), with torch's methods. ``resize_`` gives the storage new
    memory; tensors made before keep viewing the old memory (torch moves them too)."""
    _dtype = None  # the elements' dtype: bytes (uint8) for UntypedStorage

    @classmethod
    def _wrap(cls, storage, dtype=None):
        new = cls.__new__(cls)
        new._storage = storage
        if dtype is not None:
            new._dtype = dtype
        return new

    def _elements(self):
        memory = self._storage.bytes()
        return memory if self._dtype is None else memory.view(self._dtype.numpy_dtype)

    @property
    def device(self):
        return _device_of(self._storage._array)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    is_sparse = False

    def is_shared(self):
        return self._storage.is_shared()

    def share_memory_(self):
        """Moves the storage into shared memory (see ``Tensor.share_memory_``)."""
        self._storage.share_memory_()
        return self

    def is_pinned(self, device="cuda"):
        return False

    def resizable(self):
        return True

    def nbytes(self):
        return self._storage.nbytes()

    def size(self):
        return self._storage.nbytes() // self.element_size()

    __len__ = size

    def element_size(self):
        return 1 if self._dtype is None else self._dtype.itemsize

    def data_ptr(self):
        return self._storage.data_ptr()

    def untyped(self):
        return UntypedStorage._wrap(self._storage)

    def cpu(self):
        return type(self)._wrap(self._storage, self._dtype)

    def tolist(self):
        return _backend.to_host(self._elements()).tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, i):
        elements = self._elements()
        if isinstance(i, int) and not -len(elements) <= i < len(elements):
            shown = i + len(elements) if i < 0 else i  # (torch reports it wrapped)
            raise IndexError(f"index {shown} out of range for storage of size {len(elements)}")
        return _backend.to_host(elements)[i].tolist()

    def __setitem__(self, i, value):
        self._elements()[i] = value

    def fill_(self, value):
        # (bytes wrap around as torch's do: fill_(300) stores 44)
        _backend.quietly(self._elements().fill, np.array(value).astype(self._elements().dtype))
        return self

    def copy_(self, source, non_blocking=None):
        if not isinstance(source, _PublicStorage):
            raise TypeError("copy_(): argument 'src' (position 1) must be "
                            f"{_naming.public_name}.Storage, not {type(source).__name__}")
        if source.nbytes() != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src was "
                               f"{source.nbytes()} bytes")
        self._storage.bytes()[...] = source._storage.bytes()
        return self

    def clone(self):
        return type(self)._wrap(Storage(self._storage.bytes().copy()), self._dtype)

    def resize_(self, size):
        nbytes = size * self.element_size()
        if nbytes < 0:
            raise RuntimeError("[enforce fail at alloc_cpu.cpp:98] ((ptrdiff_t)nbytes) >= 0. "
                               "alloc_cpu() seems to have been called with negative number: "
                               f"{nbytes % 2 ** 64}")
        old = self._storage.bytes()
        try:
            memory = np.zeros(nbytes, np.uint8)
        except (MemoryError, ValueError) as error:
            raise allocation_error(error, (nbytes,), 1) or error from None
        keep = min(nbytes, old.size)
        memory[:keep] = old[:keep]
        self._storage._bytes = memory
        return self if self._dtype is None else None  # (torch's TypedStorage returns None)

    def _to(self, dtype):
        """A new typed storage of the elements converted to ``dtype``."""
        values = _backend.quietly(self._elements().astype, dtype.numpy_dtype)
        return TypedStorage._wrap(Storage(values), dtype)

    def __reduce__(self):
        return _rebuild_storage, (type(self), self._storage.bytes().copy(),
                                  self._dtype and self._dtype._name)

    def __repr__(self):
        from . import _tensor_str
        values = _backend.to_host(self._elements())
        if self._dtype is None:
            return _storage_repr(values.tolist(), "UntypedStorage", f"device={self.device}")
        return _tensor_str.storage_repr(values, self._dtype,
                                        f"dtype={self._dtype}, device={self.device}")

    __str__ = __repr__


# storage.float(), .double() ...: the elements converted, as a TypedStorage
for _name, _dtype_name in {"float": "float32", "double": "float64", "half": "float16",
                           "bfloat16": "bfloat16", "int": "int32", "long": "int64",
                           "short": "int16", "char": "int8", "byte": "uint8", "bool": "bool",
                           "complex_float": "complex64", "complex_double": "complex128"}.items():
    def _convert(self, _d=_dtype_name):
        return self._to(getattr(_dtypes, _d))
    _convert.__name__ = _convert.__qualname__ = _name
    _convert.__doc__ = f"The elements as a ``{_dtype_name}`` TypedStorage (a copy)."
    setattr(_PublicStorage, _name, _convert)


def _rebuild_storage(cls, memory, dtype_name):
    return cls._wrap(Storage(memory), dtype_name and getattr(_dtypes, dtype_name))


@_naming.public_class
class UntypedStorage(_PublicStorage):
    """The bytes of a storage (``tensor.untyped_storage()``); ``UntypedStorage(n)`` makes ``n``
    bytes, ``UntypedStorage([1, 2])`` bytes of those values."""

    def __init__(self, data=0, *, device=None):
        memory = np.zeros(data, np.uint8) if isinstance(data, int) else \
            np.array(data, np.int64).astype(np.uint8)  # (wrapping around, as torch's)
        self._storage = Storage(memory)

    def type(self):
        return f"{_naming.public_name}.storage.UntypedStorage"

    def new(self):
        return UntypedStorage()


@_naming.public_class
class TypedStorage(_PublicStorage):
    """The elements of a storage in a dtype (``tensor.storage()``, deprecated in PyTorch);
    ``TypedStorage(n, dtype=...)`` makes ``n`` elements, ``TypedStorage([1., 2.])`` holds those."""

    def __init__(self, data=0, *, dtype=None, device=None, wrap_storage=None):
        dtype = dtype or _dtypes.get_default_dtype()
        if wrap_storage is not None:
            self._storage, self._dtype = wrap_storage._storage, dtype
            return
        values = np.zeros(data, dtype.numpy_dtype) if isinstance(data, int) else \
            np.array(data, dtype.numpy_dtype)
        self._storage, self._dtype = Storage(values), dtype

    @property
    def dtype(self):
        return self._dtype

    def type(self):
        return f"{_naming.public_name}.{self._dtype._scalar_name}Storage"

    def pickle_storage_type(self):
        return f"{self._dtype._scalar_name}Storage"

    _untyped_storage = property(_PublicStorage.untyped)


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
