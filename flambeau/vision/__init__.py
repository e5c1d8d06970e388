"""torchvision 0.28 as ``flambeau.vision``: ``transforms``, ``datasets``, ``models``, ``ops``, ``utils``
and ``io``.

Under ``python -m flambeau run``, ``import torchvision`` gives this package. Pillow (the
``vision`` extra) is needed only by the features that make or read images.
"""
import importlib

from .. import _naming

__version__ = "0.28.0"
_SUBMODULES = ("datasets", "io", "models", "ops", "transforms", "tv_tensors", "utils")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    raise _naming.missing_attribute(__name__, name)
