"""``torch.backends.mkldnn``: flambeau does not use oneDNN (mkldnn), so it is not available;
its flags are kept (bools, checked as torch checks them) and change nothing."""
from . import bool_flags, flags_set

bool_flags(__name__, enabled=("set_enabled_mkldnn", True),
           deterministic=("set_deterministic_mkldnn", False))


def is_available():
    """False: flambeau computes with NumPy, not oneDNN (torch's CPU build says True)."""
    return False


def flags(enabled=False, deterministic=False):
    """A context manager that sets the flags for a ``with`` block, then restores them."""
    return flags_set(__name__, enabled=enabled, deterministic=deterministic)
