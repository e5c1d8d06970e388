"""torch.testing: :func:`assert_close` (with the deprecated :func:`assert_allclose`) and
:func:`make_tensor`, with torch's tolerances, checks and messages.

flambeau tensors are all strided and quantized tensors do not exist, so ``check_layout`` and
the quantized comparisons have nothing to act on; ``FileCheck`` (a TorchScript tool) is not
provided.
"""
from ._comparison import assert_allclose, assert_close
from ._creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]
