"""``flambeau.cuda``: whether a GPU backend (CuPy with a device) is present."""
from . import _backend


def is_available():
    return _backend.cuda_device_count() > 0


def device_count():
    return _backend.cuda_device_count()


def _check():
    _backend.module_for("cuda")  # raises torch's error when there is no GPU backend


def current_device():
    _check()
    return 0


def synchronize(device=None):
    if is_available():
        _backend.cupy.cuda.Device().synchronize()


def manual_seed(seed):
    """Seeds the GPU generator (nothing to do without one)."""


manual_seed_all = manual_seed


def empty_cache():
    if is_available():
        _backend.cupy.get_default_memory_pool().free_all_blocks()
