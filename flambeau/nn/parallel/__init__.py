"""``torch.nn.parallel``: :class:`DataParallel`, :func:`data_parallel` and
:class:`DistributedDataParallel`."""
from ... import _naming
from .data_parallel import DataParallel, data_parallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


def __getattr__(name):
    """DistributedDataParallel is imported when first used (it brings the distributed
    package)."""
    if name == "DistributedDataParallel":
        from .distributed import DistributedDataParallel
        return DistributedDataParallel
    raise _naming.missing_attribute(__name__, name)
