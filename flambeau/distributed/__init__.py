"""``torch.distributed`` on CPU processes: process groups, collectives, point-to-point messages
and stores, over flambeau's own TCP backend (answering to "gloo"; see ``distributed_c10d``).
``nn.parallel.DistributedDataParallel`` and ``utils.data.DistributedSampler`` build on it."""
from .. import _naming
from . import distributed_c10d
from ._store import DistError, DistNetworkError, DistStoreError, FileStore, Store, TCPStore
from .distributed_c10d import *  # noqa: F401,F403
from .distributed_c10d import P2POp, ProcessGroup, Work

__all__ = ["DistError", "DistNetworkError", "DistStoreError", "FileStore", "Store", "TCPStore",
           "is_available", *distributed_c10d.__all__]

_naming.public_classes([ProcessGroup, Work, P2POp])


def is_available():
    """True: the distributed package is there (on flambeau's TCP backend)."""
    return True


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
