"""Pooling: max pooling with indices (``MaxPool2DWithIndicesBackward0``...), average pooling
(``AvgPool2DBackward0``...), adaptive average and max pooling, 2-d and 3-d; the 1-d forms run
the 2-d op on an unsqueezed input, as torch does.

Windows are strided views of the padded input (see ``conv.windows``); max pooling keeps the
flat input position of each maximum, and its derivative adds the gradient there with one
``bincount``; average pooling's derivative is the fold of ``conv.fold_array``. Adaptive average
pooling is separable: one averaging matrix per dim. Each derivative is differentiable again.
"""
import itertools

import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad1
from .conv import fold_array, kernel_for as _kernel_for, pad_array, windows
from .registry import defop


def _floating(dtype):
    return dtype.is_floating_point


def _real(dtype):
    return not dtype.is_complex and dtype is not _dtype.bool


def _floating_or_long(dtype):
    return dtype.is_floating_point or dtype is _dtype.int64


def _expand(value, nd, default=None):
    if value is None or isinstance(value, (tuple, list)) and not value:
        value = default
    value = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    return value * nd if len(value) == 1 else value


def _out_size(n, k, s, p, d, ceil_mode):
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _geometry(name, input, nd, kernel_size, stride, padding, dilation, ceil_mode):
    """Batched (N, C, *S) array, whether batched, and kernel, stride, padding, dilation, out."""
    a = input._data
    if a.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for "
                           "input")
    batched = a.ndim == nd + 2
    shape = a.shape
    a = a if batched else a[None]
    kernel = _expand(kernel_size, nd)
    stride = _expand(stride, nd, kernel)
    padding, dilation = _expand(padding, nd), _expand(dilation, nd)
    for k, s, p, d in zip(kernel, stride, padding, dilation):  # torch's output size, dim by dim
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if 2 * p > d * (k - 1) + 1:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if min(stride) <= 0 or min(kernel) <= 0 or min(dilation) <= 0:
        _bad_geometry(nd, kernel, stride, dilation)
    if 0 in shape[batched:]:
        _empty_plane(name, nd, shape)
    out = tuple(_out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in
                zip(a.shape[2:], kernel, stride, padding, dilation))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, a.shape[1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, (a.shape[1],) + out))}). Output "
                           "size is too small")
    return a, batched, kernel, stride, padding, dilation, out


def _empty_plane(name, nd, shape):
    """torch's error for an input with an empty dim other than the batch dim."""
    if nd < 3:
        raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(shape)}")
    where = "max_pool3d_with_indices_out_cpu_template" if name.startswith("max") else name
    raise RuntimeError(f"{where}(): Expected input's non-batch dimensions to have positive "
                       f"length, but input has a shape of {list(shape)} and non-batch dimension "
                       "0 has length zero!")


def _bad_geometry(nd, kernel, stride, dilation):
    """torch's errors for a negative stride, or a kernel or dilation below one."""
    letters = ("T", "H", "W")[3 - nd:]
    if min(stride) < 0:
        raise RuntimeError("stride should be greater than zero, but got " + " ".join(
            f"d{c}: {s}" for c, s in zip(letters, stride)))
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got " + " ".join(
            f"k{c}: {k}" for c, k in zip(letters, kernel)))
    raise RuntimeError("dilation should be greater than zero, but got " + " ".join(
        f"dilation{c}: {d}" for c, d in zip(letters, dilation)))


def _pads(sizes, kernel, stride, padding, dilation, out):
    """(lo, hi) widths that hold every window (hi grows for ceil_mode)."""
    return [(p, max(0, (o - 1) * s + d * (k - 1) + 1 - n - p))
            for n, k, s, p, d, o in zip(sizes, kernel, stride, padding, dilation, out)]


def _lowest(dtype):
    return np.iinfo(dtype).min if dtype.kind in "iu" else -np.inf  # bfloat16's kind is "V"


# ---- max pooling -----------------------------------------------------------------------------

def _scatter(g, indices, sizes, disjoint=False):
    """Each gradient added at its flat input position (per sample and channel); stored there
    when the windows are ``disjoint`` (no position is hit twice)."""
    rows, size = g.shape[0] * g.shape[1], int(np.prod(sizes))
    per_row = int(np.prod(indices.shape[2:]))
    index = (np.arange(rows)[:, None] * size + indices.reshape(rows, per_row)).reshape(-1)
    if disjoint:
        summed = np.zeros(rows * size, g.dtype)
        summed[index] = g.reshape(-1)
    else:
        summed = np.bincount(index, g.reshape(-1), minlength=rows * size)
    return summed.astype(g.dtype, copy=False).reshape(g.shape[:2] + tuple(sizes))


def _gather(g, indices):
    flat = g.reshape(g.shape[:2] + (int(np.prod(g.shape[2:])),))
    per_row = int(np.prod(indices.shape[2:]))
    return np.take_along_axis(flat, indices.reshape(indices.shape[:2] + (per_row,)), 2).reshape(
        indices.shape)


def _record_max(node, out, input, indices, batched, disjoint=False):
    """Records ``node`` on ``out``: the gradient goes to each maximum's position."""
    index_array = indices if batched else indices[None]
    sizes = input._data.shape[-(index_array.ndim - 2):]

    def unpool(g):
        gb = g._data if batched else g._data[None]
        grad = make(_scatter(gb, index_array, sizes, disjoint), g._dtype)
        grad = grad if batched else grad.squeeze(0)
        if needs_grad1(g):
            record(node[:-1] + "Backward0", (grad,), (g,), lambda gg: make(
                _gather(gg._data if batched else gg._data[None], index_array).reshape(
                    g._data.shape), gg._dtype))
        return grad
    record(node, (out,), (input,), unpool)


def _window_max(win):
    """The maximum over the kernel axes of a ``(N, C, *kernel, *out)`` window view and the tap
    (flat kernel offset) of its first occurrence (of its last NaN, as in torch):
    a few elementwise passes per tap over strided views, no window copy."""
    nd = (win.ndim - 2) // 2
    head = (slice(None), slice(None))
    views = [win[head + offsets] for offsets in itertools.product(*map(range, win.shape[2:2 + nd]))]
    best = views[0].copy()
    for v in views[1:]:
        np.maximum(best, v, out=best)
    taps = len(views)
    kind = np.uint8 if taps < 255 else np.int64
    key = np.zeros(best.shape, kind)  # the largest (taps - tap) of a tap holding the maximum
    hit = np.empty(best.shape, bool)
    scratch = np.empty(best.shape, kind)
    for t, v in enumerate(views):
        np.equal(v, best, out=hit)
        np.multiply(hit, kind(taps - t), out=scratch)
        np.maximum(key, scratch, out=key)
    arg = taps - key.astype(np.intp)
    nans = np.isnan(best) if best.dtype.kind == "f" else None
    if nans is not None and nans.any():  # torch keeps the last NaN of a window
        for t, v in enumerate(views):
            arg[nans & np.isnan(v)] = t
    return best, arg


def _max_pool(nd, name, input, kernel_size, stride, padding, dilation, ceil_mode):
    a, batched, kernel, stride, padding, dilation, out = _geometry(
        name, input, nd, kernel_size, stride, padding, dilation, ceil_mode)
    _kernel_for(f"max_pool{nd}d", input, _real)
    sizes = a.shape[2:]
    xp = pad_array(a, _pads(sizes, kernel, stride, padding, dilation, out), _lowest(a.dtype))
    values, taps = _window_max(windows(xp, kernel, stride, dilation, out))
    place = np.cumprod((1,) + sizes[:0:-1])[::-1]  # row-major strides of the input plane
    base = sum((np.arange(o) * s - p).reshape((o,) + (1,) * (nd - 1 - i)) * w
               for i, (o, s, p, w) in enumerate(zip(out, stride, padding, place)))
    table = sum(np.asarray(off) * d * w for off, d, w in zip(
        np.unravel_index(np.arange(int(np.prod(kernel))), kernel), dilation, place))
    indices = (base + table[taps]).astype(np.int64, copy=False)
    if not batched:
        values, indices = values[0], indices[0]
    result = make(np.ascontiguousarray(values), input._dtype)
    if needs_grad1(input):
        _record_max(f"MaxPool{nd}DWithIndicesBackward0", result, input, indices, batched,
                    all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation)))
    return result, make(indices, _dtype.int64)


def _max_family(nd):
    name = f"max_pool{nd}d_with_indices"

    def with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        return _max_pool(nd, name, input, kernel_size, stride, padding, dilation, ceil_mode)

    def values(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        return _max_pool(nd, name, input, kernel_size, stride, padding, dilation, ceil_mode)[0]
    with_indices.__name__ = with_indices.__qualname__ = name
    values.__name__ = values.__qualname__ = f"max_pool{nd}d"
    with_indices.__doc__ = f"{nd}-d max pooling: values and the flat input index of each."
    values.__doc__ = f"{nd}-d max pooling."
    ints = "int[1]"
    return (defop(values, method=False, signature=(
                f"max_pool{nd}d(Tensor input, {ints} kernel_size, {ints} stride=(), "
                f"{ints} padding=0, {ints} dilation=1, bool ceil_mode=False)")),
            defop(with_indices, method=False, function=False, signature=(
                f"{name}(Tensor input, int[{nd}] kernel_size, int[{nd}] stride=[], "
                f"int[{nd}] padding=0, int[{nd}] dilation=1, bool ceil_mode=False)")))


max_pool2d, max_pool2d_with_indices = _max_family(2)
max_pool3d, max_pool3d_with_indices = _max_family(3)


@defop(method=False, signature="max_pool1d_with_indices(Tensor input, int[1] kernel_size, "
                               "int[1] stride=(), int[1] padding=0, int[1] dilation=1, "
                               "bool ceil_mode=False)")
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    """1-d max pooling with indices: the 2-d op on a height of one."""
    if input._data.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input._data.ndim}-dimensional "
                           "tensor for argument #1 'self' (while checking arguments for "
                           "max_pool1d)")
    k, s, p, d = (_expand(v, 1, _expand(kernel_size, 1))[0] for v in
                  (kernel_size, stride, padding, dilation))
    values, indices = _max_pool(2, "max_pool1d", input.unsqueeze(-2), (1, k), (1, s), (0, p),
                                (1, d), ceil_mode)
    return values.squeeze(-2), indices.squeeze(-2)


@defop(method=False, signature="max_pool1d(Tensor input, int[1] kernel_size, int[1] stride=(), "
                               "int[1] padding=0, int[1] dilation=1, bool ceil_mode=False)")
def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """1-d max pooling."""
    a = input._data
    if a.ndim not in (2, 3) or 0 in a.shape[a.ndim - 2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(a.shape)}")
    k, s, p, d = (_expand(v, 1, _expand(kernel_size, 1))[0] for v in
                  (kernel_size, stride, padding, dilation))
    for what, value in (("kernel_size", k), ("stride", s)):
        if value <= 0:
            raise RuntimeError(f"max_pool1d() {what} must be greater than zero, but got {value}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if 2 * p > k:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = _out_size(a.shape[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    if not input._requires_grad:  # (with a gradient torch runs the 2-d op with indices)
        _kernel_for("max_pool1d_impl", input, _floating)
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


# ---- average pooling -------------------------------------------------------------------------

def _divisors(sizes, kernel, stride, padding, out, count_include_pad, divisor_override):
    if divisor_override:
        return divisor_override
    total = 1
    for i, (n, k, s, p, o) in enumerate(zip(sizes, kernel, stride, padding, out)):
        start = np.arange(o) * s - p
        if count_include_pad:
            length = np.minimum(start + k, n + p) - start
        else:
            length = np.minimum(start + k, n) - np.maximum(start, 0)
        total = total * length.reshape((o,) + (1,) * (len(out) - 1 - i))
    return total


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    name = f"avg_pool{nd}d"
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    a, batched, kernel, stride, padding, dilation, out = _geometry(
        name, input, nd, kernel_size, stride, padding, 1, ceil_mode)
    if nd == 3:
        _kernel_for("avg_pool3d_out_frame", input, lambda d: d is _dtype.int64 or
                    d in (_dtype.float32, _dtype.float64))
    else:
        _kernel_for("avg_pool2d", input, _floating_or_long)
    sizes = a.shape[2:]
    pads = _pads(sizes, kernel, stride, padding, dilation, out)
    divisor = _divisors(sizes, kernel, stride, padding, out, count_include_pad,
                        divisor_override)
    win = windows(pad_array(a, pads), kernel, stride, dilation, out)
    total = win.sum(tuple(range(2, 2 + nd)))
    if a.dtype.kind in "fc":
        values = (total / divisor).astype(a.dtype, copy=False)
    else:  # integers: rounded toward zero, as C's division
        values = np.abs(total) // np.abs(divisor)
        values *= np.sign(total) * np.sign(divisor)
    result = make(values if batched else values[0], input._dtype)
    if needs_grad1(input):
        node = f"AvgPool{nd}DBackward0"

        def spread(g, node=node):
            gb = g._data if batched else g._data[None]
            cols = np.broadcast_to((gb / divisor).astype(gb.dtype, copy=False)[
                (slice(None), slice(None)) + (None,) * nd], gb.shape[:2] + kernel + out)
            grad = np.ascontiguousarray(fold_array(cols, sizes, stride, pads, dilation))
            grad = make(grad if batched else grad[0], g._dtype)
            if needs_grad1(g):
                record(node[:-1] + "Backward0", (grad,), (g,), lambda gg: _avg_pool(
                    nd, gg, kernel, stride, padding, ceil_mode, count_include_pad,
                    divisor_override))
            return grad
        record(node, (result,), (input,), spread)
    return result


def _avg_family(nd):
    name = f"avg_pool{nd}d"

    def op(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
           divisor_override=None):
        return _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{nd}-d average pooling."
    return defop(op, method=False, function=False, signature=(
        f"{name}(Tensor input, int[{nd}] kernel_size, int[{nd}] stride=[], int[{nd}] padding=0, "
        f"bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)"))


avg_pool2d, avg_pool3d = _avg_family(2), _avg_family(3)


@defop(method=False, signature="avg_pool1d(Tensor input, int[1] kernel_size, int[1] stride=(), "
                               "int[1] padding=0, bool ceil_mode=False, "
                               "bool count_include_pad=True)")
def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling: the 2-d op on a height of one."""
    k, s, p = (_expand(v, 1, _expand(kernel_size, 1))[0] for v in
               (kernel_size, stride, padding))
    return _avg_pool(2, input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                     count_include_pad, None).squeeze(-2)


# ---- adaptive pooling ------------------------------------------------------------------------

def _bounds(n, o):
    """torch's adaptive windows: [floor(i n / o), ceil((i + 1) n / o))."""
    i = np.arange(o)
    return i * n // o, -(-(i + 1) * n // o)


def _adaptive_sizes(name, input, nd, output_size):
    """The output sizes (``None`` keeps the input's), after torch's checks of them."""
    a = input._data
    given = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    average = name.startswith("adaptive_avg")
    if len(given) != nd:
        raise RuntimeError(
            f"{name}() argument 'output_size' should contain one int (got {len(given)})"
            if nd == 1 else f"{name}: output_size must be {nd}" if average else
            f"{name}(): internal error: output_size.size() must be {nd}")
    if average and nd > 1 and any(o is not None and o < 0 for o in given):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to "
                           f"0 but received {{{', '.join(map(str, given))}}}")
    if a.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(a.shape)}")
    out = tuple(n if o is None else o for n, o in zip(a.shape[a.ndim - nd:], given))
    if not average and min(out) < 0:  # torch fails allocating max pooling's output
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: "
                           f"{list(a.shape[:a.ndim - nd]) + list(out)}")
    return out


def _average_taps(n, o, dtype):
    """The taps (see :func:`_apply_taps`) of adaptive averaging of ``n`` inputs to ``o``."""
    start, end = _bounds(n, o)
    index = start[:, None] + np.arange((end - start).max())
    weight = np.broadcast_to((1 / (end - start))[:, None], index.shape).astype(dtype)
    return np.minimum(index, n - 1), weight, index < end[:, None]


def taps_matrix(taps, n):
    """The ``(out, n)`` matrix of one dim's ``(index, weight, inside)`` taps."""
    index, weight, inside = taps
    m = np.zeros((index.shape[0], n), weight.dtype)
    rows = np.broadcast_to(np.arange(index.shape[0])[:, None], index.shape)
    np.add.at(m, (rows[inside], index[inside]), weight[inside])
    return m


def _apply_matrices(a, mats):
    nd = len(mats)
    for i, m in enumerate(mats):
        axis = a.ndim - nd + i
        a = np.moveaxis(np.tensordot(a, m, axes=([axis], [1])), -1, axis)
    return np.ascontiguousarray(a)


def _apply_taps(a, taps):
    """``a`` resampled over its last ``len(taps)`` dims tap by tap: output ``i`` of a dim is
    the sum of ``weight[i, k] * a[index[i, k]]`` over the ``k`` where ``inside[i, k]``."""
    nd = len(taps)
    for i, (index, weight, inside) in enumerate(taps):
        axis = a.ndim - nd + i
        with np.errstate(invalid="ignore"):  # 0 * inf = nan, as in torch
            terms = np.moveaxis(a, axis, -1)[..., index] * weight
        a = np.moveaxis(np.where(inside, terms, 0).sum(-1), -1, axis)
    return np.ascontiguousarray(a)


def separable(node, input, taps, back):
    """``input`` resampled over its last dims by each dim's taps, recorded as ``node``.
    The taps run as dense matrices; an input holding inf or nan is resampled tap by tap
    instead, so that it reaches only the outputs whose taps read it, as in torch's kernels
    (a dense product would spread nan along its whole row through ``0 * inf``)."""
    a = input._data
    mats = [taps_matrix(t, n) for t, n in zip(taps, a.shape[a.ndim - len(taps):])]
    data = _apply_matrices(a, mats) if np.isfinite(a).all() else _apply_taps(a, taps)
    out = make(data, input._dtype)
    if needs_grad1(input):
        record(node, (out,), (input,), lambda g: by_matrices(back, g, [m.T for m in mats], node))
    return out


def by_matrices(node, input, mats, back):
    """``input`` multiplied by ``mats`` over its last dims (the derivative of
    :func:`separable`: the transposed matrices), differentiable again."""
    out = make(_apply_matrices(input._data, mats), input._dtype)
    if needs_grad1(input):
        record(node, (out,), (input,),
               lambda g: by_matrices(back, g, [m.T for m in mats], node))
    return out


def _adaptive_avg(nd, input, output_size):
    name = f"adaptive_avg_pool{nd}d"
    out = _adaptive_sizes(name, input, nd, output_size)
    _kernel_for(name + "_cpu" * (nd == 3), input, _floating)
    dims = tuple(range(input._data.ndim - nd, input._data.ndim))
    if all(o == 1 for o in out) and input._dtype.is_floating_point:
        return input.mean(dims, keepdim=True)  # torch's fast path (MeanBackward1)
    taps = [_average_taps(n, o, input._data.dtype) for n, o in zip(input._data.shape[-nd:], out)]
    node = f"AdaptiveAvgPool{nd}DBackward0"
    return separable(node, input, taps, node[:-1] + "Backward0")


def _adaptive_max(nd, input, output_size):
    name = f"adaptive_max_pool{nd}d"
    out = _adaptive_sizes(name, input, nd, output_size)
    _kernel_for(name + "_cpu" * (nd == 3), input, _floating)
    a = input._data
    batched = a.ndim == nd + 2
    a = a if batched else a[None]
    sizes = a.shape[2:]
    values = np.empty(a.shape[:2] + out, a.dtype)
    indices = np.empty(a.shape[:2] + out, np.int64)
    bounds = [_bounds(n, o) for n, o in zip(sizes, out)]
    for cell in itertools.product(*map(range, out)):
        starts = [b[0][c] for b, c in zip(bounds, cell)]
        ends = [b[1][c] for b, c in zip(bounds, cell)]
        region = a[(slice(None), slice(None)) + tuple(map(slice, starts, ends))]
        flat = region.reshape(a.shape[:2] + (-1,))
        best = flat.argmax(-1)
        values[(Ellipsis,) + cell] = np.take_along_axis(flat, best[..., None], -1)[..., 0]
        local = np.unravel_index(best, [e - s for s, e in zip(starts, ends)])
        indices[(Ellipsis,) + cell] = np.ravel_multi_index(
            [p + s for p, s in zip(local, starts)], sizes)
    if not batched:
        values, indices = values[0], indices[0]
    result = make(values, input._dtype)
    if needs_grad1(input):
        _record_max(f"AdaptiveMaxPool{nd}DBackward0", result, input, indices, batched)
    return result, make(indices, _dtype.int64)


def _adaptive_family(nd):
    def avg(input, output_size):
        if nd == 1:  # the 2-d op on a height of one, as torch does
            _adaptive_sizes("adaptive_avg_pool1d", input, 1, output_size)
            return _adaptive_avg(2, input.unsqueeze(-2), (1,) + _expand(output_size, 1)
                                 ).squeeze(-2)
        return _adaptive_avg(nd, input, output_size)

    def max_(input, output_size):
        if nd == 1:
            _adaptive_sizes("adaptive_max_pool1d", input, 1, output_size)
            values, indices = _adaptive_max(2, input.unsqueeze(-2),
                                            (1,) + _expand(output_size, 1))
            return values.squeeze(-2), indices.squeeze(-2)
        return _adaptive_max(nd, input, output_size)
    avg.__name__ = avg.__qualname__ = f"adaptive_avg_pool{nd}d"
    max_.__name__ = max_.__qualname__ = f"adaptive_max_pool{nd}d"
    avg.__doc__ = f"{nd}-d adaptive average pooling (``None`` keeps an input size)."
    max_.__doc__ = f"{nd}-d adaptive max pooling: values and flat input indices."
    top = nd == 1  # torch.adaptive_avg_pool1d; the others are torch._C._nn's
    return (defop(avg, method=False, function=top,
                  signature=f"{avg.__name__}(Tensor input, int[{nd}] output_size)"),
            defop(max_, method=False, function=top,
                  signature=f"{max_.__name__}(Tensor input, int[{nd}] output_size)"))


adaptive_avg_pool1d, adaptive_max_pool1d = _adaptive_family(1)
adaptive_avg_pool2d, adaptive_max_pool2d = _adaptive_family(2)
adaptive_avg_pool3d, adaptive_max_pool3d = _adaptive_family(3)


# ---- max unpooling ---------------------------------------------------------------------------

def _max_unpool(nd, input, indices, output_size):
    """Each value written at its flat index of a zero ``(N, C, *output_size)`` output."""
    name = f"max_unpool{nd}d"
    a, idx = input._data, indices._data
    if idx.dtype != np.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{indices.dtype}")
    if a.shape != idx.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(a.shape)}) but got indices tensor with shape: "
                           f"{list(idx.shape)}")
    if a.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but got {list(a.shape)}")
    batched = a.ndim == nd + 2
    a, idx = (a, idx) if batched else (a[None], idx[None])
    sizes = tuple(output_size)
    size = int(np.prod(sizes))
    flat_idx = idx.reshape(a.shape[:2] + (-1,)) if a.size else idx.reshape(a.shape[:2] + (0,))
    _kernel_for(f"max_unpool{max(nd, 2)}d", input, _floating)  # (1-d is 2-d's kernel)
    invalid = (flat_idx < 0) | (flat_idx >= size)
    if invalid.any():  # the first one, in the order of the input
        raise RuntimeError(f"Found an invalid max index: {flat_idx.flat[invalid.argmax()]} "
                           f"(output volumes are of size {'x'.join(map(str, sizes))})")
    out = np.zeros(a.shape[:2] + (size,), a.dtype)
    np.put_along_axis(out, flat_idx, a.reshape(flat_idx.shape), 2)
    out = out.reshape(a.shape[:2] + sizes)
    result = make(out if batched else out[0], input._dtype)
    if needs_grad1(input):
        node = f"MaxUnpool{nd}DBackward0"
        index_array = idx

        def pick(g):
            gb = g._data if batched else g._data[None]
            grad = make(_gather(gb, index_array).reshape(input._data.shape), g._dtype)
            if needs_grad1(g):
                record(node[:-1] + "Backward0", (grad,), (g,), lambda gg: make(_scatter(
                    gg._data.reshape(index_array.shape), index_array, sizes).reshape(
                        g._data.shape), gg._dtype))
            return grad
        record(node, (result,), (input,), pick)
    return result


@defop(method=False, function=False,
       signature="max_unpool2d(Tensor input, Tensor indices, int[2] output_size)")
def max_unpool2d(input, indices, output_size):
    """The partial inverse of ``max_pool2d``: values back at their indices, zeros elsewhere."""
    return _max_unpool(2, input, indices, _expand(output_size, 2))


@defop(method=False, function=False,
       signature="max_unpool3d(Tensor input, Tensor indices, int[3] output_size, "
                 "int[3] stride, int[3] padding)")
def max_unpool3d(input, indices, output_size, stride, padding):
    """The partial inverse of ``max_pool3d``."""
    return _max_unpool(3, input, indices, _expand(output_size, 3))


# ---- fractional max pooling ------------------------------------------------------------------

def _intervals(sample, n, out, pool):
    """torch's pseudo-random window starts: ``(N, C, out)`` from samples ``(N, C)``."""
    alpha = sample.dtype.type((n - pool) / (out - 1)) if out > 1 else sample.dtype.type(0)
    i = np.arange(out - 1, dtype=sample.dtype)
    starts = ((i + sample[..., None]) * alpha).astype(np.int64) - \
        (sample[..., None] * alpha).astype(np.int64)
    last = np.full(sample.shape + (1,), n - pool, np.int64)
    return np.concatenate([starts, last], -1)


def _fractional_max_pool(nd, input, kernel_size, output_size, random_samples):
    name = f"fractional_max_pool{nd}d"
    a, s = input._data, random_samples._data
    if a.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(a.shape)}")
    batched = a.ndim == nd + 2
    a = a if batched else a[None]
    s = s[:a.shape[0]]  # an unbatched input reads the first samples
    kernel, out = _expand(kernel_size, nd), _expand(output_size, nd)
    sizes = a.shape[2:]
    for n, o, k, word in zip(sizes, out, kernel, ("time", "height", "width")[3 - nd:]):
        if o + k - 1 > n:
            raise RuntimeError(f"{name}(): pool {word} {k} too large relative to input {word} "
                               f"{n}")
    _kernel_for(name + "_out_frame", input, lambda dtype: not dtype.is_complex)
    # torch's 2-d kernel reads the samples as (w, h), the 3-d one as (t, h, w)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    starts = [_intervals(s[..., order[d]], sizes[d], out[d], kernel[d]) for d in range(nd)]
    # positions (N, C, *out, *kernel) of every window element, per dim
    positions = []
    for d in range(nd):
        shape = [a.shape[0], a.shape[1]] + [1] * (2 * nd)
        shape[2 + d] = out[d]
        offsets = [1] * (2 + 2 * nd)
        offsets[2 + nd + d] = kernel[d]
        positions.append(starts[d].reshape(shape) + np.arange(kernel[d]).reshape(offsets))
    place = np.cumprod((1,) + sizes[:0:-1])[::-1]
    flat = sum(p * w for p, w in zip(positions, place))
    planes = a.reshape(a.shape[:2] + (-1,))
    index = flat.reshape(a.shape[:2] + (-1,))
    windows_ = np.take_along_axis(planes, index, 2).reshape(flat.shape[:2 + nd] + (-1,))
    best = windows_.argmax(-1)[..., None]
    values = np.take_along_axis(windows_, best, -1)[..., 0]
    nans = np.isnan(windows_) if windows_.dtype.kind == "f" else None
    if nans is not None and nans.any():  # torch keeps the last NaN of a window
        last = windows_.shape[-1] - 1 - np.argmax(nans[..., ::-1], -1)
        best = np.where(nans.any(-1), last, best[..., 0])[..., None]
        values = np.take_along_axis(windows_, best, -1)[..., 0]
    indices = np.take_along_axis(flat.reshape(flat.shape[:2 + nd] + (-1,)), best, -1)[..., 0]
    if not batched:
        values, indices = values[0], indices[0]
    result = make(np.ascontiguousarray(values), input._dtype)
    if needs_grad1(input):
        _record_max(f"FractionalMaxPool{nd}DBackward0", result, input, indices, batched)
    return result, make(np.ascontiguousarray(indices), _dtype.int64)


@defop(method=False, function=False,
       signature="fractional_max_pool2d(Tensor input, int[2] kernel_size, int[2] output_size, "
                 "Tensor random_samples)")
def fractional_max_pool2d(input, kernel_size, output_size, random_samples):
    """Max pooling over pseudo-random windows (Graham's fractional max pooling)."""
    return _fractional_max_pool(2, input, kernel_size, output_size, random_samples)


@defop(method=False, function=False,
       signature="fractional_max_pool3d(Tensor input, int[3] kernel_size, int[3] output_size, "
                 "Tensor random_samples)")
def fractional_max_pool3d(input, kernel_size, output_size, random_samples):
    """3-d fractional max pooling."""
    return _fractional_max_pool(3, input, kernel_size, output_size, random_samples)
