"""``flambeau.linalg``: the ``torch.linalg`` namespace (ops are registered by ``_ops`` families)."""
from .. import _naming  # noqa: E402


def __getattr__(name):
    """``torch.<namespace>.X`` that flambeau lacks: an AttributeError that says so."""
    raise _naming.missing_attribute(__name__, name)
