"""The worker process: its loop, its seeding and what it knows about itself."""
import faulthandler
import io
import os
import queue
import random
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler

import numpy as np

from .... import _shared_memory as shared_memory, manual_seed
from ...._tensor import Tensor, _rebuild
from . import ExceptionWrapper, fetch

_worker_info = None

_POLL_INTERVAL = 0.1
"""Seconds between a waiting worker's checks that it should stop. The main process asks its
workers to stop through their index queues, but when the iterator is collected as part of a
reference cycle, the garbage collector may close those queues first; the done event then
tells the workers instead."""


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What a DataLoader worker knows about itself: ``id`` (0 to ``num_workers - 1``),
    ``num_workers``, ``seed`` (``base_seed + id``), ``dataset`` (this process's copy), and as
    in torch ``rng`` (None: a process's generators are its own) and ``worker_method``."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The :class:`WorkerInfo` of the current DataLoader worker; None in the main process."""
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Persistent workers: start a new epoch."""
    seed: object = None


class ManagerWatchdog:
    """Tells a worker whether the process that started it is still alive."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


def _generate_state(base_seed, worker_id):
    """The NumPy seed of worker ``worker_id``: four 32-bit words hashed from the worker id
    and ``base_seed`` (NumPy's SeedSequence mixing, as torch computes it)."""
    mask = 0xFFFFFFFF
    shift = 16
    hash_const = 0x43B0D7E5

    def hash32(value):
        nonlocal hash_const
        value = (value ^ hash_const) & mask
        hash_const = (hash_const * 0x931E8875) & mask
        value = (value * hash_const) & mask
        return (value ^ (value >> shift)) & mask

    def mix(x, y):
        result = ((0xCA01F9DD * x) - (0x4973F715 * y)) & mask
        return (result ^ (result >> shift)) & mask

    pool = [hash32(v) for v in (worker_id, base_seed & mask, base_seed >> 32, 0)]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash32(pool[i_src]))
    hash_const = 0x8B51F9DD
    state = []
    for value in pool:
        value = (value ^ hash_const) & mask
        hash_const = (hash_const * 0x58F38DED) & mask
        value = (value * hash_const) & mask
        state.append((value ^ (value >> shift)) & mask)
    return state


def _pickled(data, worker_id):
    """``data`` pickled here rather than by the queue's background thread, which would drop
    a batch that cannot be pickled and leave the main process waiting for it: such a batch
    raises in the main process instead."""
    buffer = io.BytesIO()
    try:
        ForkingPickler(buffer).dump(data)
    except Exception:
        buffer = io.BytesIO()
        ForkingPickler(buffer).dump(ExceptionWrapper(
            where=f"in DataLoader worker process {worker_id}"))
    return buffer.getvalue()


def _worker_loop(is_iterable, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """Fetches the batches whose keys arrive on ``index_queue`` (as ``(task, keys, names of
    segments returned)``) and puts ``(task, pickled batch)`` (or the wrapped exception) on
    ``data_queue``, until told to stop (None) or orphaned."""
    global _worker_info
    try:
        faulthandler.enable()  # a crash prints the worker's traceback before it dies
        shared_memory.lend_segments()
        shared_memory.install(Tensor, _rebuild)
        seed = base_seed + worker_id
        random.seed(seed)
        manual_seed(seed)
        np.random.seed(_generate_state(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = fetch.create_fetcher(is_iterable, dataset, auto_collation, collate_fn,
                                           drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=_POLL_INTERVAL)
            except queue.Empty:
                if done_event.is_set():  # the stop message may never come (see above)
                    break
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                fetcher = fetch.create_fetcher(is_iterable, dataset, auto_collation, collate_fn,
                                               drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index, returned = r
            shared_memory.reclaim(returned)
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not is_iterable:
                        data = ExceptionWrapper(
                            where=f"in DataLoader worker process {worker_id}")
                    else:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                except Exception:
                    data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, _pickled(data, worker_id)))
            del data, idx, index, r  # its segments are lent until the main process copies
        if not watchdog.is_alive():  # orphaned: nobody else will remove this worker's files
            shared_memory.remove_segments(os.getpid())
    except KeyboardInterrupt:
        pass  # the main process handles Ctrl-C
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
