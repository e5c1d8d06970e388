"""``torch.cuda.amp``: the deprecated spellings of ``torch.amp`` for CUDA (they warn as
torch's do, then behave as ``torch.amp.autocast("cuda")``/``GradScaler("cuda")``)."""
import warnings

from .. import _dtype
from ..amp import autocast_mode, deprecated_spellings

autocast, GradScaler = deprecated_spellings("cuda", _dtype.float16, __name__)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """``torch.amp.custom_fwd(device_type="cuda")``, deprecated."""
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return autocast_mode.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """``torch.amp.custom_bwd(device_type="cuda")``, deprecated."""
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return autocast_mode.custom_bwd(bwd, device_type="cuda")
