"""torchvision.transforms: the v1 transforms, the automatic augmentations and ``functional``."""
from . import functional
from .autoaugment import *  # noqa: F401,F403
from .autoaugment import __all__ as _autoaugment_all
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transforms_all

__all__ = _transforms_all + _autoaugment_all
