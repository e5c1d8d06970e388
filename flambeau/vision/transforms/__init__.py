"""torchvision.transforms: the v1 transforms and ``functional``."""
from . import functional
from .transforms import *  # noqa: F401,F403
from .transforms import __all__
