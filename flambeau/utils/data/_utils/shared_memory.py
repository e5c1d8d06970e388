"""Tensors cross process boundaries as one shared-memory buffer each, never element by element.

A worker collates a batch straight into a *segment*: a file in ``/dev/shm`` (the temporary
directory where there is none) mapped into memory. Pickling a tensor for a multiprocessing
queue or a spawned process (:func:`install` registers the reducer) sends the segment's name
and the tensor's layout; the receiver maps the same file and removes its name at once, so the
memory is freed when the last process holding it lets it go. A tensor that does not live in
a segment is copied into a new one when pickled.

Segment names carry their creator's pid: whatever a dead or stopped process left behind
(batches still in a queue at shutdown) is removed with :func:`remove_segments`, which the
DataLoader calls for its workers and each creating process calls for itself at exit.
"""
import atexit
import glob
import math
import mmap
import os
import secrets
import tempfile

import numpy as np

from .... import _tensor

_DIR = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
_PREFIX = "flambeau_"
_cleanup_registered_for = None  # the pid whose exit handler is registered
_reserve = getattr(os, "posix_fallocate", lambda fd, offset, nbytes: os.ftruncate(fd, nbytes))


class _Segment(mmap.mmap):
    """A mapped segment; ``name`` is its file's name until a receiver takes it over."""
    name = None


def _map(name, nbytes, create):
    path = os.path.join(_DIR, name)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL if create else os.O_RDWR, 0o600)
    try:
        if create:  # reserved now: a full /dev/shm raises OSError here, not SIGBUS later
            _reserve(fd, 0, nbytes)
        return _Segment(fd, nbytes)
    finally:
        os.close(fd)
        if not create:
            os.unlink(path)


def empty(shape, dtype):
    """An uninitialised NumPy array of ``shape`` and NumPy ``dtype`` in a new segment."""
    global _cleanup_registered_for
    pid = os.getpid()
    if _cleanup_registered_for != pid:
        atexit.register(remove_segments, pid)
        _cleanup_registered_for = pid
    name = f"{_PREFIX}{pid}_{secrets.token_hex(8)}"
    segment = _map(name, max(math.prod(shape) * dtype.itemsize, 1), create=True)
    segment.name = name
    return np.ndarray(shape, dtype, buffer=segment)


def remove_segments(pid):
    """Removes the segment files process ``pid`` made that nobody has taken over."""
    for path in glob.glob(os.path.join(_DIR, f"{_PREFIX}{pid}_*")):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _address(array):
    return array.__array_interface__["data"][0]


def _reduce_tensor(t):
    """Pickles ``t`` as (segment name, layout): its own segment's when it has one not yet
    handed over, else a copy's."""
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
    name, segment.name = segment.name, None  # one receiver takes the file over
    return _rebuild_tensor, (type(t), name, len(segment), _address(array) - _address(root),
                             array.dtype, array.shape, array.strides, t._dtype._name,
                             t._requires_grad, getattr(t, "__dict__", None))


def _rebuild_tensor(cls, name, nbytes, offset, np_dtype, shape, strides, dtype_name,
                    requires_grad, state):
    array = np.ndarray(shape, np_dtype, buffer=_map(name, nbytes, create=False),
                       offset=offset, strides=strides)
    return _tensor._rebuild(cls, array, dtype_name, requires_grad, state)


def install():
    """Makes multiprocessing pickle tensors through shared memory, in this process."""
    from multiprocessing.reduction import ForkingPickler
    ForkingPickler.register(_tensor.Tensor, _reduce_tensor)
