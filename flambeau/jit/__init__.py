"""``torch.jit``: flambeau has no TorchScript compiler. ``script`` and ``trace`` return the
module or function they are given, which then runs eagerly with the same results (``trace``
runs it once on the example inputs, as torch does); ``save``/``load`` write and read the whole
module with ``flambeau.save``/``flambeau.load`` (a pickled module, not a TorchScript archive);
the decorators (``ignore``, ``unused``, ``export``, ``script_method``) return what they
decorate. ``script``, ``trace``, ``save``, ``load`` and ``script_method`` warn that they are
deprecated, as torch 2.13's do.
"""
import typing
import warnings

from .. import _naming
from ..nn import Module


def _deprecated(name, instead="`torch.compile` or `torch.export`"):
    """torch's warning, raised from inside the package as torch's is, so that Python's default
    filters hide it from scripts."""
    warnings.warn(f"`torch.jit.{name}` is deprecated. Please switch to {instead}.",
                  DeprecationWarning, stacklevel=2)


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``obj`` itself (a module, function or class), run eagerly."""
    _deprecated("script")
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    """``func`` itself, after one run on ``example_inputs`` (a tensor or a tuple of them) or
    ``example_kwarg_inputs`` (a dict); it runs eagerly afterwards."""
    _deprecated("trace")
    if example_inputs is None and example_kwarg_inputs is None:
        raise TypeError("'NoneType' object is not iterable")
    if example_kwarg_inputs is not None:
        func(**example_kwarg_inputs)
    else:
        func(*(example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)))
    return func


def trace_module(mod, inputs, **kwargs):
    """``mod`` itself, after running each named method once on its inputs."""
    for name, example in inputs.items():
        getattr(mod, name)(*(example if isinstance(example, tuple) else (example,)))
    return mod


def save(m, f, _extra_files=None):
    """Writes the whole module with ``flambeau.save`` (readable by :func:`load`)."""
    _deprecated("save", "`torch.export`")
    from .. import serialization
    serialization.save(m, f)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Reads a module written by :func:`save` (the file is trusted: a pickled module)."""
    _deprecated("load", "`torch.export`")
    from .. import serialization
    return serialization.load(f, map_location=map_location, weights_only=False)


class ScriptModule(Module):
    """A base class for modules written for TorchScript; here a plain ``nn.Module``."""


_naming.public_classes([ScriptModule])


def script_method(fn):
    _deprecated("script_method")
    return fn


def unused(fn):
    """Returns ``fn``: everything runs eagerly."""
    return fn


def ignore(drop=False, **kwargs):
    """``@ignore`` and ``@ignore(drop=True)`` both leave the function as it is."""
    return drop if callable(drop) else unused


export = interface = unused


def is_scripting():
    """False: nothing runs as TorchScript."""
    return False


def is_tracing():
    return False


def annotate(the_type, the_value):
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


def enable_onednn_fusion(enabled):
    """Recorded nowhere: there is no fuser."""


def onednn_fusion_enabled():
    return False


Final = typing.Final
