"""Padding layers (zero, constant, reflection, replication, circular; 1 to 3 dims): each is
``F.pad`` with its mode and the widths given as an int or a tuple of 2, 4 or 6."""
from .. import functional as F
from .module import Module

__all__ = [f"{kind}Pad{n}d" for kind in ("Circular", "Constant", "Reflection", "Replication",
                                         "Zero") for n in (1, 2, 3)]


def _widths(padding, n):
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * n)


class _PadNd(Module):
    __constants__ = ["padding"]
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _widths(padding, self._dims)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _classes(base, kind, mode, doc):
    """The 1-, 2- and 3-d classes of one padding kind."""
    made = []
    for n in (1, 2, 3):
        made.append(type(f"{kind}Pad{n}d", (base,), {
            "_dims": n, "_mode": mode, "__module__": __name__,
            "__doc__": f"{doc} of the last {n} dim{'s' if n > 1 else ''}."}))
    return made


CircularPad1d, CircularPad2d, CircularPad3d = _classes(_PadNd, "Circular", "circular",
                                                       "Circular (wrap-around) padding")
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = _classes(_PadNd, "Reflection", "reflect",
                                                             "Reflection padding")
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = _classes(_PadNd, "Replication",
                                                                "replicate",
                                                                "Edge-replicating padding")
ConstantPad1d, ConstantPad2d, ConstantPad3d = _classes(_ConstantPadNd, "Constant", "constant",
                                                       "Padding with ``value``")


def _zero(constant):
    class ZeroPad(constant):
        def __init__(self, padding):
            super().__init__(padding, 0.0)

        def extra_repr(self):
            return f"{self.padding}"
    ZeroPad.__name__ = ZeroPad.__qualname__ = "Zero" + constant.__name__[8:]
    ZeroPad.__doc__ = f"Zero padding of the last {constant._dims} dims."
    return ZeroPad


ZeroPad1d, ZeroPad2d, ZeroPad3d = (_zero(c) for c in (ConstantPad1d, ConstantPad2d,
                                                      ConstantPad3d))
