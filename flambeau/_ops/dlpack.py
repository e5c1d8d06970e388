"""DLPack exchange (``torch.from_dlpack``, ``torch.utils.dlpack``): a tensor shares its memory
with any DLPack producer or consumer (NumPy >= 1.22, CuPy, JAX, torch), through NumPy's own
DLPack support; ``Tensor.__dlpack__`` is in ``_tensor.py``."""
import numpy as np

from .. import _dtype
from .._tensor import make


class _Capsule:
    """A bare DLPack capsule (``to_dlpack``'s result) offered to NumPy, which reads producers."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)  # (DLPack's CPU, device 0)


def from_dlpack(ext_tensor):
    """A tensor sharing memory with ``ext_tensor``: an object with ``__dlpack__`` or a DLPack
    capsule (which can be read once, as in torch)."""
    if not hasattr(ext_tensor, "__dlpack__"):  # (torch takes anything else for a capsule)
        ext_tensor = _Capsule(ext_tensor)
    try:
        array = np.from_dlpack(ext_tensor)
    except (ValueError, TypeError) as error:
        if isinstance(ext_tensor, _Capsule):
            raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor "
                               "capsules can be consumed only once, so you might have already "
                               "constructed a tensor from it once.") from None
        raise BufferError(str(error)) from None
    return make(array, _dtype.from_numpy_dtype(array.dtype))


def to_dlpack(tensor):
    """A DLPack capsule of ``tensor``'s memory (the legacy interface; prefer ``__dlpack__``)."""
    return tensor.__dlpack__()
