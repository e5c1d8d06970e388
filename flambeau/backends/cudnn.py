"""``torch.backends.cudnn``: cuDNN is not part of flambeau, so it is never available; its
flags are kept (bools, checked as torch checks them) and change nothing."""
from . import bool_flags, flags_set

benchmark_limit = None  # as torch without cuDNN reports it
bool_flags(__name__, enabled=("set_enabled_cudnn", True),
           benchmark=("set_benchmark_cudnn", False),
           deterministic=("set_deterministic_cudnn", False),
           allow_tf32=("set_allow_tf32_cublas", True))


def is_available():
    """False: flambeau has no cuDNN."""
    return False


def version():
    """None, as torch without cuDNN answers."""
    return None


def is_acceptable(tensor):
    """Whether cuDNN would take this tensor: never without cuDNN."""
    return False


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """A context manager that sets the flags for a ``with`` block, then restores them."""
    return flags_set(__name__, enabled=enabled, benchmark=benchmark,
                     benchmark_limit=benchmark_limit, deterministic=deterministic,
                     allow_tf32=allow_tf32)
