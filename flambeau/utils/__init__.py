"""torch.utils: its submodules (``flambeau.utils.data`` ...) are imported when first used."""
import importlib

from .. import _naming


def __getattr__(name):
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
    raise _naming.missing_attribute(__name__, name)
