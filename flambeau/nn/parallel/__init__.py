"""``torch.nn.parallel``: :class:`DataParallel` and :func:`data_parallel`."""
from ... import _naming
from .data_parallel import DataParallel, data_parallel

__all__ = ["DataParallel", "data_parallel"]


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
