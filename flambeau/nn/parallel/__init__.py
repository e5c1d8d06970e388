"""``torch.nn.parallel``: :class:`DataParallel` and :func:`data_parallel`."""
from .data_parallel import DataParallel, data_parallel

__all__ = ["DataParallel", "data_parallel"]


def __getattr__(name):
    from ... import compat
    raise compat.missing_attribute(__name__, name)
