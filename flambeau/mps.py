"""``torch.mps``: Apple's Metal backend, which flambeau does not have. The calls behave as on
torch's build for a machine without MPS: ``is_available()`` is False, ``manual_seed`` does
nothing, and the calls that need the device raise torch's error."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Nothing to seed without MPS."""


def _missing(what):
    raise RuntimeError(f"Cannot execute {what}() without MPS backend.")


def synchronize():
    _missing("deviceSynchronize")


def empty_cache():
    _missing("emptyCache")


def seed():
    _missing("getDefaultGenerator")


def get_rng_state(device="mps"):
    _missing("getDefaultGenerator")


def set_rng_state(new_state, device="mps"):
    _missing("getDefaultGenerator")


def current_allocated_memory():
    _missing("getCurrentAllocatedMemory")


def driver_allocated_memory():
    _missing("getDriverAllocatedMemory")


def recommended_max_memory():
    _missing("getRecommendedMaxMemory")
