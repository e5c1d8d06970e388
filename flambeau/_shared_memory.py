"""Tensors cross process boundaries as one shared-memory buffer each, never element by element.

A worker collates a batch straight into a *segment*: a file in ``/dev/shm`` (the temporary
directory where there is none) mapped into memory. Pickling a tensor for a multiprocessing
queue or a spawned process (:func:`install` registers the reducer) sends the segment's name
and the tensor's layout, never the values; a tensor that does not live in a segment is first
copied into one. The receiver maps the same file, and then either

- takes it over (the general case): it removes the file's name at once, so the memory goes
  when the last process holding it lets it go; or
- copies the tensor out (a DataLoader worker's batch, *lent* to the main process), and the
  DataLoader returns the name to the worker with its next task: the worker reuses the segment
  for a later batch. Fresh shared pages cost far more to allocate than a batch costs to copy
  (0.7 ms against 0.02 ms for 64 MNIST images), so a worker keeps up to ``_POOL_LIMIT`` free
  segments of each size.

Segment names carry their creator's pid: whatever a stopped process left behind (its pool, and
batches still in a queue at shutdown) is removed with :func:`remove_segments`, which the
DataLoader calls for its workers, an orphaned worker calls for itself, and each process that
made segments calls for itself at exit.
"""
import atexit
import glob
import math
import mmap
import os
import sys

import numpy as np

if os.access("/dev/shm", os.W_OK):
    _DIR = "/dev/shm"
else:  # (tempfile is imported only here: it costs import time)
    import tempfile
    _DIR = tempfile.gettempdir()
_PREFIX = "flambeau_"
_POOL_LIMIT = 8
_reserve = getattr(os, "posix_fallocate", lambda fd, offset, nbytes: os.ftruncate(fd, nbytes))

_SHARED = "shared"  # the lender of a segment shared for good (share_memory_)
_cleanup_registered_for = None  # the pid whose exit handler is registered
_lending = False  # this process is a DataLoader worker: it lends its segments
_pool = {}  # (worker) size in bytes -> free segments
_lent = {}  # (worker) name -> segment lent to the main process
_returns = {}  # (main process) worker pid -> names of its segments copied out since last told
_rebuild = None  # the tensor module's rebuild function (given to install)


class _Segment(mmap.mmap):
    """A mapped segment; ``name`` is its file's name while this process may send it;
    ``shared``: a tensor's storage moved by ``share_memory_``, sent by name every time."""
    name = None
    shared = False


def _open(name, nbytes, create):
    fd = os.open(os.path.join(_DIR, name),
                 os.O_RDWR | os.O_CREAT | os.O_EXCL if create else os.O_RDWR, 0o600)
    try:
        if create:  # reserved now: a full /dev/shm raises OSError here, not SIGBUS later
            _reserve(fd, 0, nbytes)
        return _Segment(fd, nbytes)
    finally:
        os.close(fd)


def _new_segment(nbytes):
    global _cleanup_registered_for
    pid = os.getpid()
    if _cleanup_registered_for != pid:
        atexit.register(remove_segments, pid)
        _cleanup_registered_for = pid
    name = f"{_PREFIX}{pid}_{os.urandom(8).hex()}"
    segment = _open(name, nbytes, create=True)
    segment.name = name
    return segment


def empty(shape, dtype):
    """An uninitialised NumPy array of ``shape`` and NumPy ``dtype`` in a segment (a free one
    of the right size when this worker has one)."""
    nbytes = max(math.prod(shape) * dtype.itemsize, 1)
    free = _pool.get(nbytes)
    return np.ndarray(shape, dtype, buffer=free.pop() if free else _new_segment(nbytes))


def shared_bytes(memory):
    """A copy of the flat uint8 array ``memory`` in a segment that stays shared: every send
    passes its name (never taken over), and the file goes when this process exits."""
    shared = np.ndarray(memory.shape, np.uint8, buffer=_new_segment(max(memory.size, 1)))
    shared[...] = memory
    shared.base.shared = True
    return shared


def remove_segments(pid):
    """Removes the segment files of process ``pid`` that no receiver has taken over."""
    _returns.pop(pid, None)
    for path in glob.glob(os.path.join(_DIR, f"{_PREFIX}{pid}_*")):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _address(array):
    return array.__array_interface__["data"][0]


def _reduce_tensor(t):
    """Pickles ``t`` as (segment name, layout): its own segment's when it has one this
    process may send, else a copy's."""
    if t._grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since "
            "autograd does not support crossing process boundaries.  If you just want to "
            "transfer the data, call detach() on the tensor before serializing (e.g., putting "
            "it on the queue).")
    array = t._data
    if type(array) is not np.ndarray:  # device memory: by value
        return t.__reduce_ex__(4)
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    segment = root.base
    if not (isinstance(segment, _Segment) and segment.name):
        root = array = empty(array.shape, array.dtype)
        np.copyto(array, t._data)
        segment = root.base
    name, lender = segment.name, None
    if segment.shared:
        lender = _SHARED
    else:
        segment.name = None  # sent once: a second send makes a copy
    if _lending and not segment.shared:
        _lent[name] = segment
        lender = os.getpid()
    return _rebuild_tensor, (_rebuild, type(t), name, len(segment), _address(array) - _address(root),
                             array.dtype, array.shape, array.strides, t._dtype._name,
                             t._requires_grad, getattr(t, "__dict__", None), lender)


def _rebuild_tensor(rebuild, cls, name, nbytes, offset, np_dtype, shape, strides, dtype_name,
                    requires_grad, state, lender):
    segment = _open(name, nbytes, create=False)
    array = np.ndarray(shape, np_dtype, buffer=segment, offset=offset, strides=strides)
    if lender is None:
        os.unlink(os.path.join(_DIR, name))  # taken over
    elif lender == _SHARED:  # the same memory here, which this process may pass on
        segment.name, segment.shared = name, True
    else:
        array = array.copy()  # the segment goes back to its lender
        if lender in _returns:
            _returns[lender].append(name)
    return rebuild(cls, array, dtype_name, requires_grad, state)


def install(tensor_class, rebuild):
    """Makes multiprocessing pickle tensors (``tensor_class`` and its subclasses) through
    shared memory, in this process; ``rebuild(cls, array, dtype_name, requires_grad, state)``
    makes the tensor where it arrives."""
    global _rebuild
    from multiprocessing.reduction import ForkingPickler
    _rebuild = rebuild
    classes = [tensor_class]
    for cls in classes:  # Parameter and the other subclasses too (the table is by exact type)
        ForkingPickler.register(cls, _reduce_tensor)
        classes.extend(cls.__subclasses__())


def lend_segments():
    """This process is a DataLoader worker: its segments are lent to the main process."""
    global _lending
    _lending = True


def expect_returns(pid):
    """(Main process) worker ``pid``'s segments will be returned to it by :func:`returns`."""
    _returns[pid] = []


def returns(pid):
    """(Main process) the names of worker ``pid``'s segments copied out since last asked."""
    names = _returns.get(pid)
    if not names:
        return None  # never the list itself: the queue sends it later, and it may grow
    _returns[pid] = []
    return names


def reclaim(names):
    """(Worker) the main process has copied these segments out: pool them for reuse (unless
    this process still views one, or the pool is full)."""
    for name in names or ():
        segment = _lent.pop(name)
        free = _pool.setdefault(len(segment), [])
        if len(free) < _POOL_LIMIT and sys.getrefcount(segment) == 2:  # here and the call
            segment.name = name
            free.append(segment)
        else:
            os.unlink(os.path.join(_DIR, name))
