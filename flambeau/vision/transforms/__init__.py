"""torchvision.transforms: the v1 transforms, the automatic augmentations and ``functional``."""
from . import functional
from .autoaugment import *  # noqa: F401,F403
from .autoaugment import __all__ as _autoaugment_all
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transforms_all
from ... import _naming

__all__ = _transforms_all + _autoaugment_all


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
