"""``torch.cpu``: the CPU as a device module (always available, one device, nothing to wait
for), and ``torch.cpu.amp``."""
from . import amp  # noqa: F401


def is_available():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """Nothing to wait for: CPU ops finish before they return."""


def is_initialized():
    return True
