"""``torch.compile``: flambeau has no graph compiler; what it returns runs eagerly, with the
same results as the model or function given.

A module comes back wrapped as torch wraps it (an ``OptimizedModule`` whose ``_orig_mod`` is
the model, so state dict keys gain the ``_orig_mod.`` prefix torch gives them), a function as
a function; ``torch.compile(mode=...)`` without a model is a decorator. The options are
checked as torch checks them and otherwise ignored.
"""
import functools

from . import _naming
from .nn import Module  # imported when torch.compile is first used, after flambeau.nn

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False, **kwargs):
    """``model`` (a module or a function), to be run eagerly; see the module docstring."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic,
                                 backend=backend, mode=mode, options=options, disable=disable,
                                 **kwargs)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kw):
        return model(*args, **kw)
    return compiled


class OptimizedModule(Module):
    """A compiled module: calls ``_orig_mod`` eagerly; unknown attributes are read from it."""

    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod
        self.training = mod.training

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)


_naming.public_classes([OptimizedModule])
