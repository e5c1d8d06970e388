"""``torch.set_num_threads`` and friends: the threads of the BLAS that NumPy calls.

flambeau's heavy kernels are NumPy's calls into its bundled OpenBLAS, so the intra-op thread
count is OpenBLAS's, read and set through the library's own entry points (found among the
loaded libraries with ctypes). Its default is OpenBLAS's: the number of cores, or
``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``, as torch's. flambeau runs no inter-op thread
pool: ``set_num_interop_threads`` is recorded and checked as torch checks it.
"""
import ctypes
import functools
import os

_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "_64_", "")
_state = {"interop": None, "interop_set": False,
          "threads": os.cpu_count() or 1}  # the count where no OpenBLAS is found


@functools.cache
def _blas():
    """``(get_num_threads, set_num_threads)`` of the loaded OpenBLAS, or None without one."""
    lib, prefix, suffix = _openblas() or (None, None, None)
    if lib is None:
        return None
    get = getattr(lib, f"{prefix}_get_num_threads{suffix}")
    put = getattr(lib, f"{prefix}_set_num_threads{suffix}")
    get.restype, get.argtypes = ctypes.c_int, []
    put.restype, put.argtypes = None, [ctypes.c_int]
    return get, put


@functools.cache
def blas_core():
    """The kernels OpenBLAS runs on this CPU (``Haswell``, ``SkylakeX``, ...), or None without
    OpenBLAS. It picks them by the CPU model when it loads, unless ``OPENBLAS_CORETYPE`` names
    others; the choice decides how fast every product is (AVX-512 kernels ~1.7x AVX2 ones)."""
    lib, prefix, suffix = _openblas() or (None, None, None)
    corename = getattr(lib, f"{prefix}_get_corename{suffix}", None)
    if corename is None:
        return None
    corename.restype, corename.argtypes = ctypes.c_char_p, []
    return corename().decode()


def _openblas():
    """``(library, prefix, suffix)`` naming the loaded OpenBLAS's entry points, or None."""
    for path in _loaded_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                if getattr(lib, f"{prefix}_get_num_threads{suffix}", None) is not None and \
                        getattr(lib, f"{prefix}_set_num_threads{suffix}", None) is not None:
                    return lib, prefix, suffix
    return None


def _loaded_libraries():
    """Paths of the OpenBLAS libraries mapped into this process (NumPy's first)."""
    import numpy  # noqa: F401  (loads its BLAS)
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "blas" in line}
    except OSError:  # not Linux: the libraries NumPy's wheel bundles
        import glob
        root = os.path.dirname(os.path.dirname(numpy.__file__))
        paths = set(glob.glob(os.path.join(root, "numpy.libs", "*blas*")) +
                    glob.glob(os.path.join(os.path.dirname(numpy.__file__), ".dylibs", "*blas*")))
    return sorted(paths, key=lambda p: "numpy" not in p)


def _positive_int(value, name):
    if not isinstance(value, int) or isinstance(value, bool):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{name} expects a positive integer")


def set_num_threads(int):  # noqa: A002  (torch's parameter name)
    """Sets the number of threads OpenBLAS uses for the products NumPy sends it."""
    _positive_int(int, "set_num_threads")
    blas = _blas()
    if blas is not None:
        blas[1](int)
    else:
        _state["threads"] = int


def get_num_threads():
    """The number of threads OpenBLAS uses."""
    blas = _blas()
    return blas[0]() if blas is not None else _state["threads"]


def set_num_interop_threads(int):  # noqa: A002
    """Recorded (flambeau runs ops one after another); can be set once, as in torch."""
    _positive_int(int, "set_num_interop_threads")
    if _state["interop_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has "
                           "started or set_num_interop_threads called")
    _state.update(interop=int, interop_set=True)


def get_num_interop_threads():
    """The recorded count; by default the number of cores, as torch's."""
    return _state["interop"] or os.cpu_count() or 1
