"""``torch.backends.opt_einsum``: whether the ``opt_einsum`` package is installed, and torch's
``enabled``/``strategy`` settings (``flags()`` checks them as torch does; assigning
``enabled`` does not, as in torch). flambeau's ``einsum`` contracts with NumPy's own path
search whatever they say."""
import contextlib
import functools
import importlib.util
import sys

from . import FlagModule


@functools.cache
def is_available():
    """Whether the ``opt_einsum`` package can be imported."""
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    """The ``opt_einsum`` package, or None when it is not installed."""
    return importlib.import_module("opt_einsum") if is_available() else None


_state = {"strategy": "auto" if is_available() else None}


def _set_enabled(value):
    if not is_available() and value:
        raise ValueError(
            f"opt_einsum is not available, so setting `enabled` to {value} will not reap the "
            "benefits of calculating an optimal path for einsum. torch.einsum will fall back to "
            "contracting from left to right. To enable this optimal path calculation, please "
            "install opt-einsum.")
    sys.modules[__name__].enabled = value


def _set_strategy(value):
    if not is_available():
        raise ValueError(
            f"opt_einsum is not available, so setting `strategy` to {value} will not be "
            "meaningful. torch.einsum will bypass path calculation and simply contract from "
            "left to right. Please install opt_einsum or unset `strategy`.")
    if not sys.modules[__name__].enabled:
        raise ValueError(
            f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be "
            "meaningful. torch.einsum will bypass path calculation and simply contract from "
            "left to right. Please set `enabled` to `True` as well or unset `strategy`.")
    if value not in ("auto", "greedy", "optimal"):
        raise ValueError(f"`strategy` must be one of the following: [auto, greedy, optimal] but "
                         f"is {value}")
    _state["strategy"] = value


class _OptEinsumModule(FlagModule):
    # without the package, ``strategy`` is a plain attribute (None), as in torch
    if is_available():
        strategy = property(lambda self: _state["strategy"], lambda self, v: _set_strategy(v))


@contextlib.contextmanager
def flags(enabled=None, strategy=None):
    """Sets ``enabled`` and ``strategy`` (those not None) for a ``with`` block."""
    old = (sys.modules[__name__].enabled, _state["strategy"] if is_available() else None)
    if enabled is not None:
        _set_enabled(enabled)
    if strategy is not None:
        _set_strategy(strategy)
    try:
        yield
    finally:
        _set_enabled(old[0])
        if old[1] is not None:
            _set_strategy(old[1])


enabled = is_available()
strategy = _state["strategy"]
sys.modules[__name__].__class__ = _OptEinsumModule
