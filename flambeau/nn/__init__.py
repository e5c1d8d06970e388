"""``torch.nn``: modules, parameters, ``functional``, ``init``."""
from . import parameter
from .parameter import (Buffer, Parameter, UninitializedBuffer, UninitializedParameter)
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from . import functional, init
from .parallel import DataParallel
from .. import _naming

_naming.public_classes([Buffer, Parameter, UninitializedBuffer, UninitializedParameter,
                        DataParallel,
                        modules.linear.NonDynamicallyQuantizableLinear,
                        *(globals()[name] for name in _modules_all)])

__all__ = ["Buffer", "DataParallel", "Parameter", "UninitializedBuffer",
           "UninitializedParameter", "functional", "init", "parameter", "utils", *_modules_all]


def __getattr__(name):
    """``utils`` (clipping, parametrizations ...) is imported when first used."""
    if name == "utils":
        import importlib
        return importlib.import_module(".utils", __name__)
    raise _naming.missing_attribute(__name__, name)
