"""``flambeau.sparse``: torch.sparse's functions on sparse COO tensors (see ``flambeau._sparse``
for what a sparse tensor supports), and the legacy ``torch.sparse.FloatTensor``-style
constructors."""
import warnings

from .. import _dtype
from .._sparse import SparseTensor, sparse_coo_tensor, sparse_softmax, sparse_sum, spmm
from .._tensor import Tensor

__all__ = ["mm", "sum", "softmax", "log_softmax", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor"]


def mm(mat1, mat2, reduce="sum"):
    """The product of a 2-D sparse ``mat1`` and a dense ``mat2`` (dense result); the gradient
    of ``mat1`` is sparse, with ``mat1``'s indices (``SparseAddmmBackward0``)."""
    if reduce != "sum":
        raise NotImplementedError("flambeau's sparse.mm supports reduce='sum' only")
    if not isinstance(mat1, Tensor) or not mat1.is_sparse:
        return mat1.mm(mat2)
    return spmm(mat1, mat2)


def sum(input, dim=None, dtype=None):
    """The sum of a sparse tensor's values: a dense 0-d tensor without ``dim``; over ``dim`` a
    sparse tensor, dense once every sparse dim is summed."""
    if not input.is_sparse:
        return input.sum(dim, dtype=dtype) if dim is not None else input.sum(dtype=dtype)
    return sparse_sum(input, dim, dtype=dtype)


def softmax(input, dim, *, dtype=None):
    """The softmax over ``dim`` of a sparse tensor's specified entries (the absent ones count
    as minus infinity: they stay absent)."""
    return sparse_softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    """The log of :func:`softmax`, computed stably."""
    return sparse_softmax(input, dim, dtype, log=True)


class _LegacySparseType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, SparseTensor) and obj.dtype is cls._dtype


def _legacy(name, dtype):
    """``torch.sparse.FloatTensor(indices, values, size)`` (or ``(*size)`` for an empty one)."""
    def __new__(cls, *args, size=None):
        if args and isinstance(args[0], Tensor):
            warnings.warn("torch.sparse.SparseTensor(indices, values, shape, *, device=) is "
                          "deprecated.  Please use torch.sparse_coo_tensor(indices, values, "
                          "shape, dtype=, device=).", UserWarning, stacklevel=2)
            indices, values = args[0], args[1]
            shape = size if size is not None else (args[2] if len(args) > 2 else None)
            return sparse_coo_tensor(indices, values, shape)
        warnings.warn("torch.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
                      "torch.sparse_coo_tensor(shape, dtype=, device=).", UserWarning,
                      stacklevel=2)
        shape = tuple(args[0]) if len(args) == 1 and not isinstance(args[0], int) else args
        from .._ops.creation import empty, zeros
        return sparse_coo_tensor(zeros(len(shape), 0, dtype=_dtype.int64),
                                 empty((0,), dtype=dtype), shape)
    return _LegacySparseType(name, (), {"__new__": __new__, "_dtype": dtype,
                                        "__module__": __name__})


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
LongTensor = _legacy("LongTensor", _dtype.int64)
IntTensor = _legacy("IntTensor", _dtype.int32)
ShortTensor = _legacy("ShortTensor", _dtype.int16)
CharTensor = _legacy("CharTensor", _dtype.int8)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
