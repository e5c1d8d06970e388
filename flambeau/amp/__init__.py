"""``torch.amp``: automatic mixed precision (``autocast``) and gradient scaling
(``GradScaler``)."""
import warnings

from .. import _naming
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

_naming.public_classes([autocast, GradScaler])  # printed as torch.amp... under `run`

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]


def deprecated_spellings(device_type, default_dtype, module):
    """``torch.cpu.amp``'s and ``torch.cuda.amp``'s ``autocast`` and ``GradScaler``: the
    ``torch.amp`` ones for ``device_type``, warning that they are deprecated as torch's do."""
    def warn(name, how):
        warnings.warn(f"`torch.{device_type}.amp.{name}(args...)` is deprecated. Please use "
                      f"`torch.amp.{name}({how})` instead.", FutureWarning, stacklevel=3)

    class Autocast(autocast):
        def __init__(self, enabled=True, dtype=default_dtype, cache_enabled=True):
            warn("autocast", f"'{device_type}', args...")
            super().__init__(device_type, enabled=enabled, dtype=dtype,
                             cache_enabled=cache_enabled)

    class Scaler(GradScaler):
        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
            warn("GradScaler", f"'{device_type}', args...")
            super().__init__(device_type, init_scale, growth_factor, backoff_factor,
                             growth_interval, enabled)

    for cls, name in ((Autocast, "autocast"), (Scaler, "GradScaler")):
        cls.__name__ = cls.__qualname__ = name
        cls.__module__ = module
        cls.__doc__ = f"``torch.amp.{name}('{device_type}', ...)``, deprecated."
    _naming.public_classes([Autocast, Scaler])
    return Autocast, Scaler
