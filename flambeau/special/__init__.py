"""``flambeau.special``: the ``torch.special`` namespace (ops are registered by ``_ops`` families)."""
from .. import compat as _compat  # noqa: E402


def __getattr__(name):
    """``torch.<namespace>.X`` that flambeau lacks: an AttributeError that says so."""
    raise _compat.missing_attribute(__name__, name)
