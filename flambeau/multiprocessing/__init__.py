"""``torch.multiprocessing``: Python's :mod:`multiprocessing`, plus :func:`spawn` and
:func:`start_processes` (which report a child's exception or death in the parent) and torch's
sharing-strategy functions. A tensor whose storage ``Tensor.share_memory_`` (or
``Module.share_memory()``) moved to shared memory is the same memory in the processes it is
passed to (spawn or fork), so Hogwild training works; unlike torch, any other tensor put in a
``Queue`` or passed to a child arrives as a copy."""
import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403

from .spawn import (ProcessContext, ProcessException, ProcessExitedException,
                    ProcessRaisedException, spawn, start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies",
           *multiprocessing.__all__, "ProcessContext", "ProcessException",
           "ProcessExitedException", "ProcessRaisedException", "spawn", "start_processes"]

_all_sharing_strategies = {"file_system"} if sys.platform in ("darwin", "win32") \
    else {"file_descriptor", "file_system"}
_sharing_strategy = "file_system" if sys.platform in ("darwin", "win32") else "file_descriptor"


def set_sharing_strategy(new_strategy):
    """Records the strategy for sharing CPU tensors (one of
    :func:`get_all_sharing_strategies`); flambeau shares memory through files in /dev/shm
    either way."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of "
                             f"{_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    return _sharing_strategy


def get_all_sharing_strategies():
    return _all_sharing_strategies
