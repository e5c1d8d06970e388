"""``flambeau.cuda``: the GPU, when CuPy finds one; without one, the queries answer as torch's
CPU build does (``is_available()`` False, memory counters 0, device calls raise torch's
``AssertionError``)."""
import collections

from .. import _backend, _naming


def is_available():
    return _backend.cuda_device_count() > 0


def device_count():
    return _backend.cuda_device_count()


def is_initialized():
    return is_available()


def _check():
    _backend.module_for("cuda")  # raises torch's error when there is no GPU backend


def init():
    _check()


def _index(device):
    """The device number of ``device`` (None: the current one)."""
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    from .._device import device as as_device
    d = as_device(device)
    return 0 if d.index is None else d.index


def current_device():
    _check()
    return _backend.cupy.cuda.runtime.getDevice()


def set_device(device):
    _check()
    _backend.cupy.cuda.runtime.setDevice(_index(device))


def get_device_properties(device=None):
    """The properties CUDA reports for the device (a dict, CuPy's)."""
    _check()
    return _backend.cupy.cuda.runtime.getDeviceProperties(_index(device))


def get_device_name(device=None):
    return get_device_properties(device)["name"].decode()


def get_device_capability(device=None):
    props = get_device_properties(device)
    return props["major"], props["minor"]


def is_bf16_supported(including_emulation=True):
    """Whether the GPU computes in bfloat16 (False without one, as in torch)."""
    if not is_available():
        return False
    return including_emulation or get_device_capability()[0] >= 8


def synchronize(device=None):
    _check()
    _backend.cupy.cuda.Device(_index(device)).synchronize()


def manual_seed(seed):
    """Seeds the GPU generator (nothing to do without one)."""


manual_seed_all = manual_seed


def seed():
    """Seeds the GPU generator randomly (nothing to do without one)."""


seed_all = seed


def empty_cache():
    if is_available():
        _backend.cupy.get_default_memory_pool().free_all_blocks()


def ipc_collect():
    _check()


def mem_get_info(device=None):
    """``(free, total)`` bytes of the device."""
    _check()
    return _backend.cupy.cuda.runtime.memGetInfo()


def memory_allocated(device=None):
    """Bytes held by tensors (CuPy's memory pool); 0 without a GPU."""
    return _backend.cupy.get_default_memory_pool().used_bytes() if is_available() else 0


def memory_reserved(device=None):
    """Bytes the memory pool holds from the driver; 0 without a GPU."""
    return _backend.cupy.get_default_memory_pool().total_bytes() if is_available() else 0


# CuPy's pool keeps no peaks: the high-water marks are the current values
max_memory_allocated = memory_allocated
max_memory_reserved = memory_reserved


def memory_stats(device=None):
    """torch's counters; empty without a GPU, as in torch."""
    stats = collections.OrderedDict()
    if is_available():
        stats["allocated_bytes.all.current"] = memory_allocated(device)
        stats["reserved_bytes.all.current"] = memory_reserved(device)
    return stats


def reset_peak_memory_stats(device=None):
    _check()


def get_arch_list():
    """The CUDA architectures torch was compiled for: none (CuPy compiles for the device)."""
    return []


def __getattr__(name):
    if name == "amp":
        import importlib
        return importlib.import_module(".amp", __name__)
    raise _naming.missing_attribute(__name__, name)
