"""Numerical calculus on samples: finite differences (``diff``, ``gradient``) and the
trapezoid rule (``trapezoid``, ``trapz``, ``cumulative_trapezoid``), all written with flambeau
ops, so they are differentiable."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ._util import wrap_dim, wrap_dims
from .joining import cat
from .promotion import _not_implemented
from .reduction import _is_float
from .registry import defop

_bool = _dtype.bool


@defop(signature="diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, "
                  "Tensor? append=None, *, Tensor? out=None)")
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``!=`` for bool), after optionally
    joining ``prepend`` and ``append``."""
    if not input._data.ndim:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0 and prepend is None and append is None:
        return input.clone()  # (torch reads no dim then)
    d = wrap_dim(dim, input._data.ndim)
    for t in (prepend, append):
        if t is not None and t.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i in range(input.ndim) if t is not None else ():
            if i != d and t.shape[i] != input.shape[i]:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of "
                    f"input except along the differencing dimension; input.size({i}) = "
                    f"{input.shape[i]}, but got tensor.size({i}) = {t.shape[i]}")
    if n == 0:  # (the input alone)
        return input.clone()
    if prepend is not None or append is not None:
        input = cat([t for t in (prepend, input, append) if t is not None], d)
    for _ in range(n):
        length = input.shape[d] - 1
        if length <= 0:
            return input.narrow(d, 0, 0)
        hi, lo = input.narrow(d, 1, length), input.narrow(d, 0, length)
        input = hi != lo if input._dtype is _bool else hi - lo
    return input


# ---- numerical gradient and integration --------------------------------------------------

def _gradient_along(x, d, h, edge_order):
    """``x``'s derivative along ``d`` from coordinates ``h`` (an array) or a uniform step."""
    n = x._data.shape[d]
    shape = [1] * x._data.ndim
    shape[d] = -1

    def const(v):
        return make(np.asarray(v, x._dtype._np).reshape(shape), x._dtype)

    def part(start, length):
        return x.narrow(d, start, length)
    if isinstance(h, np.ndarray):
        dx = np.diff(h)
        a, b = dx[:-1], dx[1:]
        mid = (part(0, n - 2) * const(-b / (a * (a + b))) + part(1, n - 2) * const((b - a) / (a * b))
               + part(2, n - 2) * const(a / (b * (a + b))))
    else:
        dx = np.full(n - 1, float(h))
        mid = (part(2, n - 2) - part(0, n - 2)) / (2.0 * h)
    if edge_order == 1:
        first = (part(1, 1) - part(0, 1)) / float(dx[0])
        last = (part(n - 1, 1) - part(n - 2, 1)) / float(dx[-1])
    else:
        def edge(s, a, b, sign):  # the second-order one-sided stencil over steps a then b
            return sign * (part(s[0], 1) * (-(2 * a + b) / (a * (a + b)))
                           + part(s[1], 1) * ((a + b) / (a * b))
                           + part(s[2], 1) * (-a / (b * (a + b))))
        first = edge((0, 1, 2), float(dx[0]), float(dx[1]), 1)
        last = edge((n - 1, n - 2, n - 3), float(dx[-1]), float(dx[-2]), -1)
    return cat([first, mid, last], d)


@defop(method=False, signature=[
    "gradient(Tensor input, *, int[] dim, int edge_order=1)",
    "gradient(Tensor input, *, Scalar spacing, int[] dim, int edge_order=1)",
    "gradient(Tensor input, *, Scalar? spacing=None, int? dim=None, int edge_order=1)",
    "gradient(Tensor input, *, Scalar[] spacing, int? dim=None, int edge_order=1)",
    "gradient(Tensor input, *, Scalar[] spacing, int[] dim, int edge_order=1)",
    "gradient(Tensor input, *, Tensor[] spacing, int? dim=None, int edge_order=1)",
    "gradient(Tensor input, *, Tensor[] spacing, int[] dim, int edge_order=1)"])
def gradient(input, *, spacing=None, dim=None, edge_order=1):
    """Central-difference derivatives of ``input`` along each dim of ``dim`` (all by default),
    as a tuple; ``spacing`` is a step, one step per dim, or one coordinate tensor per dim."""
    ndim = input._data.ndim
    dims = tuple(range(ndim)) if dim is None else wrap_dims(dim, ndim)
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError("torch.gradient expected spacing to be unspecified, a scalar or "
                               "it's spacing and dim arguments to have the same length, but got "
                               f"a spacing argument of length {len(spacing)} and a dim argument "
                               f"of length {len(dims) if dim is not None else ndim}.")
        steps = [s._data.astype(np.float64) if isinstance(s, Tensor) else s for s in spacing]
    else:
        steps = [1 if spacing is None else spacing] * len(dims)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    for d in dims:
        if input._data.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
    if input._dtype._barebones:  # (torch differences the input in its own dtype)
        raise _not_implemented("add_stub", input._dtype)
    x = input if _is_float(input._dtype) else input.to(_dtype.get_default_dtype())
    return tuple(_gradient_along(x, d, h, edge_order) for d, h in zip(dims, steps))


def _trapezoid_widths(name, y, x, d):
    """``x``'s differences along ``d``, viewed to broadcast against ``y``'s (a 1-d ``x`` lies
    along ``d``, one with fewer dims gets leading ones), as torch takes them."""
    if x._data.ndim == 1:
        if x._data.shape[0] != y._data.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y._data.ndim
        shape[d] = -1
        x = x.reshape(shape)
    elif x._data.ndim < y._data.ndim:
        x = x.reshape((1,) * (y._data.ndim - x._data.ndim) + x._data.shape)
    n = x._data.shape[d]
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def _trapezoid_op(name, cumulative, real_dx):
    """torch's formulas, in the operands' dtypes (integer sums wrap as torch's do): with
    ``x``, the sum (or running sum) of ``(y_i + y_i+1) dx_i`` halved; with a constant ``dx``,
    ``dx (sum y - (y_first + y_last) / 2)`` or the running sum of ``dx / 2 (y_i + y_i+1)``.
    ``real_dx``: dx is declared a float (trapz), so a bool is one, where a Scalar refuses it."""
    noun = "cumulative_trapezoid" if cumulative else "trapezoid"

    def op(y, x=None, *, dx=None, dim=-1):
        d = wrap_dim(dim, y._data.ndim)
        n = y._data.shape[d]
        if n == 0 and not cumulative:
            shape = list(y._data.shape)
            del shape[d]
            return y.new_zeros(shape)
        if y._dtype is _bool or x is not None and x._dtype is _bool:
            raise RuntimeError(f"{noun}: received a bool input for `x` or `y`, but bool is not "
                               "supported" if x is not None else
                               f"{noun}: received a bool input for `y`, but bool is not supported")
        pairs = max(n - 1, 0)
        left, right = y.narrow(d, 0, pairs), y.narrow(d, 1 if n else 0, pairs)
        if x is not None:
            pairs = (left + right) * _trapezoid_widths(noun, y, x, d)
            return (pairs.cumsum(d) if cumulative else pairs.sum(d)) / 2.0
        dx = 1 if dx is None else float(dx) if real_dx else dx
        if isinstance(dx, (bool, complex)):
            raise RuntimeError(f"{noun}: Currently, we only support dx as a real number.")
        if cumulative:
            return (dx / 2.0 * (left + right)).cumsum(d)
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * dx
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"The {'running ' if cumulative else ''}trapezoid rule along ``dim`` over "
                  "samples at ``x`` (or spaced by ``dx``).")
    return op


def _trapezoid_rule(name, cumulative, dx="Scalar"):
    with_x = f"{name}(Tensor y, Tensor x, *, int dim=-1)"
    with_dx = f"{name}(Tensor y, *, {dx} dx=1, int dim=-1)"  # (torch tries trapz's first)
    return defop(_trapezoid_op(name, cumulative, dx == "float"), method=False,
                 signature=[with_dx, with_x] if dx == "float" else [with_x, with_dx])


trapezoid = _trapezoid_rule("trapezoid", False)
trapz = _trapezoid_rule("trapz", False, dx="float")
cumulative_trapezoid = _trapezoid_rule("cumulative_trapezoid", True)
