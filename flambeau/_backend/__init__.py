"""Layer 0: the array library behind a device.

NumPy serves ``cpu``; CuPy would serve ``cuda``. Everything above this layer reaches the array
library through :func:`array_module` (or through NumPy ufuncs, which dispatch to CuPy arrays by
themselves), so CPU and GPU share one code path.
"""
import functools

import numpy

cupy = None
try:  # pragma: no cover - exercised only where CuPy and a GPU exist
    import cupy
    if cupy.cuda.runtime.getDeviceCount() == 0:
        cupy = None
except Exception:  # ImportError, or CuPy present without a usable driver
    cupy = None


def _reuse_freed_memory():
    """Keeps glibc from handing large freed blocks back to the operating system.

    By default glibc serves each block above a dynamic threshold with its own ``mmap`` and
    unmaps it on ``free``, so every NumPy temporary of a few megabytes is page-faulted in
    afresh (on virtual machines, 5-7x the time of the arithmetic itself). Raising the mmap and
    trim thresholds lets freed blocks be reused, as PyTorch's caching CPU allocator reuses
    them. Elsewhere (no glibc) this does nothing."""
    import ctypes
    import sys
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # musl and other C libraries: leave them be
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # glibc's largest allowed value
    mallopt(m_trim_threshold, 256 * 1024 * 1024)


_reuse_freed_memory()


def matmul(a, b):
    """``numpy.matmul``, with float16 and bfloat16 operands multiplied in float32 by BLAS and
    the product rounded once, as torch's CPU kernels accumulate them: NumPy has no BLAS loop
    for the half types, and its own is some 50 times slower and accumulates in half precision.
    """
    dtype = a.dtype
    if dtype.itemsize == 2 and dtype.kind in "fV":  # float16, or ml_dtypes' bfloat16
        return numpy.matmul(a.astype(numpy.float32), b.astype(numpy.float32)).astype(dtype)
    if a.shape[-1] == 1 and a.ndim > 1 and b.ndim > 1 and b.shape[-2] == 1 and \
            a.dtype == b.dtype and isinstance(a, numpy.ndarray):
        # an outer product (a Linear's weight gradient for one sample): the same products,
        # 4x faster than OpenBLAS's gemm over a single term
        return numpy.multiply(a, b, order="C")
    return numpy.matmul(a, b)


def array_module(array):
    """NumPy for host arrays, CuPy for device arrays."""
    if cupy is not None and isinstance(array, cupy.ndarray):
        return cupy
    return numpy


def module_for(device_type):
    """The array library for a device type ('cpu' or 'cuda')."""
    if device_type == "cpu":
        return numpy
    if device_type == "cuda" and cupy is not None:
        return cupy
    raise AssertionError("Torch not compiled with CUDA enabled")


def cuda_device_count():
    return 0 if cupy is None else cupy.cuda.runtime.getDeviceCount()


def to_host(array):
    """A NumPy array with the same values (the array itself when already on the host)."""
    if isinstance(array, numpy.ndarray):
        return array
    return array.get()


# torch computes 1/0 and log(-1) silently; NumPy warns. ``silence()`` turns NumPy's
# floating-point warnings off until ``restore(token)``. NumPy 2 keeps that state in a context
# variable: setting it directly costs a fraction of ``np.errstate``'s entry and exit, which
# matters per op.
try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
    _IGNORE_ALL = _make_extobj(all="ignore")

    silence = functools.partial(_extobj_contextvar.set, _IGNORE_ALL)  # no Python frame
    restore = _extobj_contextvar.reset
except ImportError:  # another NumPy layout: the public, slower way
    def silence():
        state = numpy.errstate(all="ignore")
        state.__enter__()
        return state

    def restore(state):
        state.__exit__(None, None, None)


def quietly(fn, *args):
    """``fn(*args)`` with NumPy's floating-point warnings off."""
    token = silence()
    try:
        return fn(*args)
    finally:
        restore(token)
