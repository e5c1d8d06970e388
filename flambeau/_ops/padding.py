"""Reflection, replication and circular padding of the last 1 to 3 dims (one node each:
``ReflectionPad2DBackward0``...). Each is one gather by per-dim index arrays; its derivative
sums the gradient back with one ``bincount`` and is differentiable again (the gather).
Circular padding records ``CircularPadNdBackward`` (torch composes it from slices)."""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad1
from .conv import kernel_for
from .registry import defop


def _circular(lo, hi, n):
    """Negative widths crop first; the padding wraps around what is left, as torch's."""
    start = max(-lo, 0)
    kept = n - start - max(-hi, 0)
    return np.arange(-max(lo, 0), kept + max(hi, 0)) % kept + start


_SOURCE = {
    "reflection": lambda lo, hi, n: np.abs(n - 1 - np.abs(np.arange(-lo, n + hi) - (n - 1))),
    "replication": lambda lo, hi, n: np.clip(np.arange(-lo, n + hi), 0, n - 1),
    "circular": _circular,
}


def _sources(kind, shape, pad):
    """The input position each output position reads, per padded dim (last dim last)."""
    nd = len(pad) // 2
    spatial = shape[len(shape) - nd:]
    widths = [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(nd))]
    return [_SOURCE[kind](lo, hi, n) for n, (lo, hi) in zip(spatial, widths)]


def _gather(a, sources):
    nd = len(sources)
    return a[(Ellipsis,) + np.ix_(*sources)] if nd > 1 else a[..., sources[0]]


def _scatter(g, sources, spatial):
    """The adjoint of :func:`_gather`: each output's gradient added to the position it read."""
    nd = len(sources)
    flat = np.ravel_multi_index(np.ix_(*sources), spatial).reshape(-1)
    lead = g.shape[:g.ndim - nd]
    rows = int(np.prod(lead))
    size = int(np.prod(spatial))
    index = (np.arange(rows)[:, None] * size + flat).reshape(-1)
    summed = np.bincount(index, g.reshape(-1), minlength=rows * size)
    return summed.astype(g.dtype, copy=False).reshape(lead + tuple(spatial))


def pad_with(kind, node, input, pad):
    """``input`` padded by ``kind`` with torch's ``pad`` widths (last dim first)."""
    a = input._data
    nd = len(pad) // 2
    if kind == "reflection":
        for i, n in enumerate(a.shape[a.ndim - nd:]):
            lo, hi = pad[2 * (nd - 1 - i)], pad[2 * (nd - 1 - i) + 1]
            if lo >= n or hi >= n:
                raise RuntimeError(f"Argument #4: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({lo}, "
                                   f"{hi}) at dimension {a.ndim - nd + i} of input "
                                   f"{list(a.shape)}")
    if kind == "circular":
        for i, n in enumerate(a.shape[a.ndim - nd:]):
            lo, hi = pad[2 * (nd - 1 - i)], pad[2 * (nd - 1 - i) + 1]
            if lo > n or hi > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if n + lo + hi < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
    if kind != "circular":
        kernel_for(f"{kind}_pad{nd}d", input, lambda d: d is not _dtype.bool)
    sources = _sources(kind, a.shape, pad)
    out = make(np.ascontiguousarray(_gather(a, sources)), input._dtype)
    if needs_grad1(input):
        spatial = a.shape[a.ndim - nd:]
        record(node, (out,), (input,), lambda g: _unpad(g, sources, spatial, node))
    return out


def _unpad(g, sources, spatial, node):
    out = make(_scatter(g._data, sources, spatial), g._dtype)
    if needs_grad1(g):
        record(node + "Backward", (out,), (g,),
               lambda gg: make(np.ascontiguousarray(_gather(gg._data, sources)), gg._dtype))
    return out


def _family(kind, nd):
    name = f"{kind}_pad{nd}d"
    node = f"{kind.capitalize()}Pad{nd}DBackward0"

    def op(input, padding):
        if input._data.ndim not in (nd + 1, nd + 2):
            raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with "
                               f"possibly 0 batch size and other non-zero dimensions for input, "
                               f"but got: {list(input._data.shape)}")
        return pad_with(kind, node, input, tuple(padding))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{kind.capitalize()} padding of the last {nd} dims."
    return defop(op, method=False, function=False,
                 signature=f"{name}(Tensor input, int[{2 * nd}] padding)")


reflection_pad1d, reflection_pad2d, reflection_pad3d = (_family("reflection", n) for n in (1, 2, 3))
replication_pad1d, replication_pad2d, replication_pad3d = (_family("replication", n)
                                                           for n in (1, 2, 3))


def pad_circular(input, pad):
    """Circular padding of the last ``len(pad) // 2`` dims (torch's ``_pad_circular``)."""
    return pad_with("circular", "CircularPadNdBackward", input, tuple(pad))
