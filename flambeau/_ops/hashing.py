"""``hash_tensor``: an xor of the elements' 64-bit patterns, as a uint64 tensor."""
import numpy as np

from .. import _dtype
from .._tensor import make
from ._util import wrap_dims
from .promotion import _not_implemented
from .registry import defop


@defop(signature="hash_tensor(Tensor input, int[1] dim=(), *, bool keepdim=False, int mode=0, "
                 "Tensor? out=None)")
def hash_tensor(input, dim=(), keepdim=False, *, mode=0):
    """The xor of the elements over ``dim`` (all by default), each widened to float64 or
    int64 and read as uint64 (mode 0, the only one torch has)."""
    a = input._data
    every = not isinstance(dim, int) and len(dim) == 0
    dims = tuple(range(a.ndim)) if every or not a.ndim else wrap_dims(dim, a.ndim)
    if not a.ndim and not every:
        wrap_dims(dim, 0)  # (checked only: a 0-d tensor takes dims 0 and -1)
    if a.size == 0:
        if len(dims) == a.ndim:
            raise RuntimeError("hash_tensor: Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for d in dims:
            if a.shape[d] == 0:
                raise IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero "
                                 "size.")
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    if input._dtype.is_complex:
        raise _not_implemented("xor_sum_cpu", input._dtype)
    wide = a.astype(np.float64 if input._dtype.is_floating_point else np.int64)
    return make(np.bitwise_xor.reduce(wide.view(np.uint64), axis=dims, keepdims=keepdim),
                _dtype.uint64)
