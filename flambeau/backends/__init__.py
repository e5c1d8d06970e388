"""``torch.backends``: the switches of torch's compute libraries.

flambeau computes with NumPy and its OpenBLAS: cuDNN, MPS and oneDNN (mkldnn) are absent, so
their ``is_available()`` say False, and their flags are kept, checked when assigned as torch
checks them, so that scripts setting ``cudnn.benchmark = True`` run; the flags change nothing.
"""
import contextlib
import importlib
import sys
import types

from .. import _naming

_SUBMODULES = ("cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum")


class FlagModule(types.ModuleType):
    """A module whose boolean flags are checked when assigned (torch's ``ContextProp``)."""


def bool_flags(module_name, **flags):
    """Turns the module into one whose attributes ``name`` (keyword, given as
    ``(torch's setter name, default)``) take bools only, with torch's error otherwise."""
    module = sys.modules[module_name]
    values = {}
    properties = {}
    for name, (setter, default) in flags.items():
        values[name] = default
        properties[name] = property(lambda self, n=name: values[n],
                                    lambda self, v, n=name, s=setter: _set(values, n, s, v))
    module.__class__ = type("FlagModule", (FlagModule,), properties)
    return values


def _set(values, name, setter, value):
    if not isinstance(value, bool):
        raise RuntimeError(f"{setter} expects a bool, but got {type(value).__name__}")
    values[name] = value


@contextlib.contextmanager
def flags_set(module_name, **values):
    """Sets a backend module's flags for a ``with`` block, then restores them (its
    ``flags()``)."""
    module = sys.modules[module_name]
    old = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            setattr(module, name, value)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    raise _naming.missing_attribute(__name__, name)
