"""``torch.accelerator``: the GPU flambeau computes on, if any (CUDA through CuPy).

Without one, as on torch's CPU build, ``current_accelerator()`` is None, ``device_count()`` 0,
and the per-device calls raise torch's error.
"""
from . import cuda as _cuda
from ._device import device as _device

_NONE = "Cannot access accelerator device when none is available."


def device_count():
    """The number of accelerator devices (0 without one)."""
    return _cuda.device_count()


def is_available():
    return device_count() > 0


def current_accelerator(check_available=False):
    """``device('cuda')`` when a GPU is usable, else None (``check_available`` changes nothing
    here: the only accelerator flambeau knows is one it can use)."""
    return _device("cuda") if is_available() else None


def _check():
    if not is_available():
        raise RuntimeError(_NONE)


def current_device_index():
    _check()
    return _cuda.current_device()


def synchronize(device=None, /):
    """Waits for the GPU's queued work."""
    _check()
    _cuda.synchronize(device)


def empty_cache():
    """Returns the GPU's cached blocks to the driver."""
    _check()
    _cuda.empty_cache()


def memory_allocated(device_index=None, /):
    _check()
    return _cuda.memory_allocated(device_index)
