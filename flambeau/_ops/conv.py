"""Convolution: ``convolution`` (one ``ConvolutionBackward0`` node, plain or transposed, 1-d to
3-d, any groups), its fused derivative ``convolution_backward`` (itself differentiable, so
second derivatives work) and the ``conv1d``... ``conv_transpose3d`` entry points.

Kernels work on NumPy arrays: im2col is a strided window view of the padded input copied once
into a column matrix ``(C * K, out * N)``, so each product is one GEMM per group with the
batch folded into its columns (the weight gradient too: no per-sample products to sum); large
output planes keep one GEMM per sample, which is faster there.
The input gradient at stride 1 is a convolution again (of the output gradient by the flipped
weight); at larger strides it is the transposed product folded back by strided adds, one per
kernel offset (col2im). A transposed convolution is the input gradient of the convolution whose
weight it shares, and the reverse.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _backend, _dtype, _naming
from .._tensor import make
from ..autograd import grad_mode
from ..autograd.graph import record
from ._util import needs_grad
from .joining import constant_pad_nd
from .registry import defop, type_name

def kernel_for(name, input, supported):
    """torch's error where its CPU kernel ``name`` has no loop for the input's dtype (for
    which ``supported`` is False; none has loops for the barebones unsigned dtypes)."""
    if input._dtype._barebones or not supported(input._dtype):
        raise NotImplementedError(f'"{name}" not implemented for \'{type_name(input._dtype)}\'')


def _integral(dtype):
    return not (dtype.is_floating_point or dtype.is_complex or dtype is _dtype.bool)


# ---- array kernels ---------------------------------------------------------------------------


def windows(xp, kernel, stride, dilation, out):
    """The read-only view ``(N, C, *kernel, *out)`` of the windows of a padded ``(N, C, *S)``
    array."""
    st = xp.strides
    return as_strided(xp, xp.shape[:2] + tuple(kernel) + tuple(out),
                      st[:2] + tuple(s * d for s, d in zip(st[2:], dilation)) +
                      tuple(s * t for s, t in zip(st[2:], stride)), writeable=False)


def pad_array(x, pads, value=0):
    """``x`` with ``(lo, hi)`` widths around each spatial dim (x itself when there are none)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = np.full(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads)),
                 value, x.dtype)
    xp[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in
                                          zip(x.shape[2:], pads))] = x
    return xp


def out_sizes(sizes, kernel, stride, pads, dilation):
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, (lo, hi), d in zip(sizes, kernel, stride, pads, dilation))


def per_sample(n, out, depth, groups):
    """Whether a product over ``n`` samples with ``out`` output positions each and columns of
    ``depth`` rows per group runs one GEMM per sample (large planes: the layout of the arrays,
    no transposing copies; a single GEMM whose reduction runs over the whole batch is several
    times slower there in OpenBLAS; ungrouped shallow columns, as of a one-channel image or a
    1x1 convolution of few channels, whose transposing copies of the batch cost more than their
    GEMM) rather than one over the batch (small planes with many channels, or many groups, where
    per-sample GEMMs are tiny)."""
    return n > 1 and (math.prod(out) >= 512 or depth <= 32 and groups == 1)


def columns(x, kernel, stride, pads, dilation, batch_first=True):
    """im2col: the windows of ``x`` copied once from a strided view, as a contiguous
    ``(N, C, *kernel, *out)`` array, or ``(C, *kernel, *out, N)`` when not ``batch_first`` (for
    one GEMM over the whole batch; the batch last gives the copy rows of N to move, not rows of
    the output's width), and ``out``."""
    out = out_sizes(x.shape[2:], kernel, stride, pads, dilation)
    if batch_first:
        return np.ascontiguousarray(windows(pad_array(x, pads), kernel, stride, dilation,
                                            out)), out
    if any(lo or hi for lo, hi in pads):  # one copy moves the batch last and pads
        xp = np.zeros((x.shape[1],) + tuple(n + lo + hi for n, (lo, hi) in
                                            zip(x.shape[2:], pads)) + x.shape[:1], x.dtype)
        xp[(slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in
                                  zip(x.shape[2:], pads))] = np.moveaxis(x, 0, -1)
    else:
        xp = batch_last(x)
    st = xp.strides
    spatial = st[1:-1]
    return np.ascontiguousarray(as_strided(
        xp, xp.shape[:1] + tuple(kernel) + out + xp.shape[-1:],
        st[:1] + tuple(t * d for t, d in zip(spatial, dilation)) +
        tuple(t * s for t, s in zip(spatial, stride)) + st[-1:], writeable=False)), out


def batch_last(a):
    """An ``(N, C, *S)`` array as a contiguous ``(C, *S, N)`` one."""
    if a.shape[0] == 1:  # a reshape keeps the order, and gives row-major strides
        return np.ascontiguousarray(a).reshape(a.shape[1:] + (1,))
    return np.ascontiguousarray(np.moveaxis(a, 0, -1))


def batch_first(a):
    """The inverse of :func:`batch_last`: a ``(C, *S, N)`` array as a contiguous
    ``(N, C, *S)`` one."""
    if a.shape[-1] == 1:
        return np.ascontiguousarray(a).reshape((1,) + a.shape[:-1])
    return np.ascontiguousarray(np.moveaxis(a, -1, 0))


def fold_array(cols, sizes, stride, pads, dilation, lead=2):
    """col2im, the adjoint of :func:`columns`: ``(*lead, *kernel, *out, *rest)`` columns (``lead``
    dims before the kernel's) summed back into a ``(*lead, *sizes, *rest)`` array, one strided
    add per kernel offset (a view of a padded array)."""
    nd = len(sizes)
    kernel, out = cols.shape[lead:lead + nd], cols.shape[lead + nd:lead + 2 * nd]
    head, rest = cols.shape[:lead], cols.shape[lead + 2 * nd:]
    if all(k == 1 for k in kernel) and all(s == 1 for s in stride) and not any(
            lo or hi for lo, hi in pads):
        return cols.reshape(head + tuple(sizes) + rest)
    padded = [max(n + lo + hi, d * (k - 1) + s * (m - 1) + 1) for n, (lo, hi), d, k, s, m in
              zip(sizes, pads, dilation, kernel, stride, out)]
    xp = np.zeros(head + tuple(padded) + rest, cols.dtype)
    lead = (slice(None),) * lead
    for offsets in itertools.product(*map(range, kernel)):
        xp[lead + tuple(slice(o * d, o * d + s * (m - 1) + 1, s) for o, d, s, m in
                        zip(offsets, dilation, stride, out))] += cols[lead + offsets]
    return xp[lead + tuple(slice(lo, lo + n) for n, (lo, _) in zip(sizes, pads))]


def shifted(channels, wshape, out, groups, fold=False):
    """Whether a product runs on :func:`shifted_columns` (one GEMM per offset along the first
    kernel dim) rather than on full columns: for few channels against a sizeable kernel (LeNet's
    5x5 on 3 or 6 channels, where full columns are a copy 25 times the input's size) and
    per-sample GEMMs large enough (a depthwise convolution's small planes are faster as one
    product per group over the whole batch). A convolution also needs each of those GEMMs to
    contract at least as many rows as the output has channels (the price: one add of the output
    per further offset); the input gradient (``fold``) needs few rows, its GEMMs making them
    anyway and its col2im then adding one strided block per offset of the other kernel dims
    only, and enough output channels to contract (fewer make outer products, thin for BLAS)."""
    rows, plane = channels // groups * math.prod(wshape[3:]), math.prod(out)
    if wshape[2] == 1 or plane < 64 or plane * rows < 512:
        return False
    return rows <= 128 and wshape[0] // groups >= 8 if fold else \
        wshape[0] // groups <= rows <= 256


def phase_rows(kernel, stride, dilation, out):
    """The rows per phase of the first spatial dim that :func:`shifted_columns` keeps."""
    return out[0] + (kernel[0] - 1) * dilation[0] // stride[0]


def shifted_columns(x, kernel, stride, pads, dilation, out):
    """Columns over every kernel dim but the first: ``(N, C, *kernel[1:], s, q, *out[1:])``,
    the first spatial dim split as ``q * s + phase`` by its stride ``s`` (``q`` rows per phase),
    so that the columns of each offset along the first kernel dim are one contiguous block of
    rows: see :func:`shifted_block`."""
    s, q = stride[0], phase_rows(kernel, stride, dilation, out)
    (lo, hi), size = pads[0], x.shape[2]
    pads = [(lo, max(hi, q * s - size - lo))] + list(pads[1:])  # room for every phase's q rows
    xp = pad_array(x, pads)
    st = xp.strides
    rest = st[3:]
    return np.ascontiguousarray(as_strided(
        xp, xp.shape[:2] + tuple(kernel[1:]) + (s, q) + tuple(out[1:]),
        st[:2] + tuple(t * e for t, e in zip(rest, dilation[1:])) + (st[2], st[2] * s) +
        tuple(t * e for t, e in zip(rest, stride[1:])), writeable=False))


def shifted_block(cols, offset, stride, dilation, out, groups):
    """The columns of one offset along the first kernel dim, as ``(N, g, rows, out)``
    (a view)."""
    shift = offset * dilation[0]
    block = cols[(slice(None),) * (cols.ndim - len(out) - 1) + (
        shift % stride[0], slice(shift // stride[0], shift // stride[0] + out[0]))]
    return block.reshape(cols.shape[0], groups, -1, math.prod(out))


def shifted_fold(cols, sizes, stride, pads, dilation):
    """The adjoint of :func:`shifted_columns`: columns ``(N, C, *kernel[1:], s, q, *out[1:])``
    summed back into an ``(N, C, *sizes)`` array: col2im over the other kernel dims, then the
    phases of the first dim interleaved back into its rows."""
    nd = len(sizes)
    s, q = cols.shape[nd + 1:nd + 3]
    folded = fold_array(np.moveaxis(cols, (nd + 1, nd + 2), (2, 3)), sizes[1:], stride[1:],
                        pads[1:], dilation[1:], 4)
    n, c, lo, size = cols.shape[0], cols.shape[1], pads[0][0], sizes[0]
    x = np.zeros((n, c, max(q * s, lo + size)) + tuple(sizes[1:]), cols.dtype)
    x[:, :, :q * s] = folded.swapaxes(2, 3).reshape((n, c, q * s) + folded.shape[4:])
    return x[:, :, lo:lo + size]


def _grouped(w, groups):
    """A weight ``(Cout, Cin/g, *k)`` as ``(g, Cout/g, Cin/g * K)``."""
    return w.reshape(groups, w.shape[0] // groups, -1)


def _matrices(a, groups, rows):
    """Batch-last columns ``(C, ..., *out, N)`` as ``(g, rows, out * N)``."""
    return a.reshape(groups, rows, a.size // (groups * rows) if a.size else 0)


def whole(sizes, kernel, pads, dilation):
    """Whether the only window is the whole unpadded input (a generator's first layer, a
    discriminator's last): each product is then a plain matrix product, no columns made."""
    return tuple(sizes) == tuple(kernel) and all(d == 1 for d in dilation) and not any(
        lo or hi for lo, hi in pads)


def _by_group(a, groups):
    """An ``(N, C, ...)`` array as ``(g, N, C/g * ...)`` (a view)."""
    return a.reshape(a.shape[0], groups, -1).transpose(1, 0, 2)


def conv_forward(x, w, stride, pads, dilation, groups):
    """The convolution of ``x`` by ``w`` (no bias): one GEMM per group, over the whole batch or
    per sample (see :func:`per_sample`), or per offset (see :func:`shifted`)."""
    n, rows = x.shape[0], w[0].size
    out = out_sizes(x.shape[2:], w.shape[2:], stride, pads, dilation)
    if whole(x.shape[2:], w.shape[2:], pads, dilation):
        y = _backend.matmul(_by_group(x, groups), _grouped(w, groups).transpose(0, 2, 1))
        return np.ascontiguousarray(y.transpose(1, 0, 2)).reshape((n, w.shape[0]) + out)
    if shifted(x.shape[1], w.shape, out, groups):
        cols = shifted_columns(x, w.shape[2:], stride, pads, dilation, out)
        y = None
        for offset in range(w.shape[2]):
            term = _backend.matmul(_grouped(w[:, :, offset], groups),
                                   shifted_block(cols, offset, stride, dilation, out, groups))
            y = term if y is None else np.add(y, term, out=y)
        return y.reshape((n, w.shape[0]) + out)
    if per_sample(n, out, rows, groups):
        cols = columns(x, w.shape[2:], stride, pads, dilation)[0]
        y = _backend.matmul(_grouped(w, groups), cols.reshape(n, groups, rows, -1))
        return y.reshape((n, w.shape[0]) + out)
    cols = columns(x, w.shape[2:], stride, pads, dilation, batch_first=False)[0]
    y = _backend.matmul(_grouped(w, groups), _matrices(cols, groups, rows))
    return batch_first(y.reshape((w.shape[0],) + out + (n,)))


def conv_input_grad(gy, w, sizes, stride, pads, dilation, groups):
    """The gradient of the convolution's input of spatial ``sizes`` (the transposed
    convolution) from the output gradient ``gy``.

    Few rows per offset: one GEMM per offset along the first kernel dim into shifted columns,
    folded back (see :func:`shifted`). Else at stride 1, where the input is no larger than the
    output (padding 'same') or that convolution runs on shifted columns, the convolution of
    ``gy``, padded to the full extent, by the flipped weight with its channel dims swapped: an
    im2col copy and a GEMM as large as col2im's, without col2im's strided adds (much slower
    than copies); but not where that weight, a transposing copy (slower still), is over half
    the size of gy's columns (many channels on small planes: ResNet-18's 512-channel 2x2 ones,
    5.6 ms against 3.2). Otherwise one GEMM per group (over the batch or per sample), then
    col2im."""
    n, out, nd = gy.shape[0], gy.shape[2:], len(sizes)
    if whole(sizes, w.shape[2:], pads, dilation):
        gx = _backend.matmul(_by_group(gy, groups), _grouped(w, groups))
        return np.ascontiguousarray(gx.transpose(1, 0, 2)).reshape(
            (n, w.shape[1] * groups) + tuple(sizes))
    if shifted(w.shape[1] * groups, w.shape, out, groups, fold=True):
        cols = np.zeros((n, w.shape[1] * groups) + w.shape[3:] + (
            stride[0], phase_rows(w.shape[2:], stride, dilation, out)) + out[1:], gy.dtype)
        gy = gy.reshape(n, groups, w.shape[0] // groups, -1)
        for offset in range(w.shape[2]):
            shifted_block(cols, offset, stride, dilation, out, groups)[...] += _backend.matmul(
                _grouped(w[:, :, offset], groups).transpose(0, 2, 1), gy)
        return np.ascontiguousarray(shifted_fold(cols, sizes, stride, pads, dilation))
    edges = [(d * (k - 1) - lo, m - o + lo) for d, k, (lo, _), m, o in
             zip(dilation, w.shape[2:], pads, sizes, out)]
    flipped_shape = (w.shape[1] * groups, w.shape[0] // groups) + w.shape[2:]
    if all(s == 1 for s in stride) and min(min(e) for e in edges) >= 0 and (
            2 * w.size <= gy.size * math.prod(w.shape[2:])) and (
            math.prod(sizes) <= math.prod(out) or shifted(w.shape[0], flipped_shape, sizes, groups)):
        flipped = np.flip(w.reshape((groups, w.shape[0] // groups) + w.shape[1:]).swapaxes(1, 2),
                          tuple(range(3, 3 + nd)))
        return conv_forward(gy, flipped.reshape(flipped_shape), stride, edges, dilation, groups)
    wt = _grouped(w, groups).transpose(0, 2, 1)
    if n == 1 or per_sample(n, out, wt.shape[1], groups):
        cols = _backend.matmul(wt, gy.reshape(n, groups, w.shape[0] // groups, -1))
        cols = cols.reshape((n, w.shape[1] * groups) + w.shape[2:] + out)
        return np.ascontiguousarray(fold_array(cols, sizes, stride, pads, dilation))
    # the batch last: col2im's strided adds then run over rows of N, not of the output's width
    cols = _backend.matmul(wt, _matrices(batch_last(gy), groups, w.shape[0] // groups))
    cols = cols.reshape((w.shape[1] * groups,) + w.shape[2:] + out + (n,))
    return batch_first(fold_array(cols, sizes, stride, pads, dilation, 1))


def conv_weight_grad(gy, x, wshape, stride, pads, dilation, groups):
    """The gradient of the weight from the output gradient ``gy`` and the input ``x`` (its
    columns made again, cut to gy's positions): ``gy @ cols.T`` per group, summed over the
    samples or over the whole batch at once (see :func:`per_sample`); computed as
    ``(cols @ gy.T).T`` where the reduction is the long side (OpenBLAS runs that orientation
    several times faster there, and the other one faster for short ones)."""
    n, out, rows = gy.shape[0], gy.shape[2:], math.prod(wshape[1:])
    if whole(x.shape[2:], wshape[2:], pads, dilation):
        return _backend.matmul(_by_group(gy, groups).transpose(0, 2, 1),
                               _by_group(x, groups)).reshape(wshape)
    crop = tuple(slice(0, m) for m in out)
    if shifted(x.shape[1], wshape, out, groups):
        cols = shifted_columns(x, wshape[2:], stride, pads, dilation, out)
        gy = gy.reshape(n, groups, wshape[0] // groups, -1)
        gw = np.empty((wshape[2], wshape[0]) + wshape[1:2] + wshape[3:], gy.dtype)
        for offset in range(wshape[2]):
            block = shifted_block(cols, offset, stride, dilation, out, groups)
            _backend.matmul(gy, block.transpose(0, 1, 3, 2)).sum(0, out=gw[offset].reshape(
                groups, wshape[0] // groups, -1))
        return np.ascontiguousarray(np.moveaxis(gw, 0, 2))
    if per_sample(n, out, rows, groups):
        cols = columns(x, wshape[2:], stride, pads, dilation)[0][(Ellipsis,) + crop]
        gw = _backend.matmul(gy.reshape(n, groups, wshape[0] // groups, -1),
                             cols.reshape(n, groups, rows, -1).transpose(0, 1, 3, 2))
        return gw.sum(0).reshape(wshape)
    cols = columns(x, wshape[2:], stride, pads, dilation, batch_first=False)[0]
    cols = _matrices(cols[(Ellipsis,) + crop + (slice(None),)], groups, rows)
    gy = _matrices(batch_last(gy), groups, wshape[0] // groups)
    if gy.shape[2] >= rows:
        return np.ascontiguousarray(_backend.matmul(cols, gy.transpose(0, 2, 1)).transpose(
            0, 2, 1)).reshape(wshape)
    return _backend.matmul(gy, cols.transpose(0, 2, 1)).reshape(wshape)


# ---- the op --------------------------------------------------------------------------------

def _pairs(padding):
    return [(p, p) for p in padding]


def _expand(name, value, nd):
    value = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(value) == 1:
        return value * nd
    if len(value) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    return value


def _check(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """torch's checks of a convolution's arguments; the normalised (stride, padding, dilation,
    output_padding)."""
    x, w = input._data, weight._data
    if not transposed and bias is not None and bias._dtype is not input._dtype:
        raise RuntimeError(f"Input type ({input._dtype._cpp_name}) and bias type "
                           f"({bias._dtype._cpp_name}) should be the same")
    if w.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    nd = w.ndim - 2
    stride, padding, dilation = (_expand(n, v, nd) for n, v in (
        ("stride", stride), ("padding", padding), ("dilation", dilation)))
    output_padding = _expand("output_padding", output_padding, nd)
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if min(output_padding) < 0:
        raise RuntimeError("negative output_padding is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if x.ndim != w.ndim:
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional "
                           f"weight {list(w.shape)}, but got {x.ndim}-dimensional input of size "
                           f"{list(x.shape)} instead")
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:  # (torch prints the size in double brackets here)
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(w.shape)}] instead")
    channels = w.shape[0] if transposed else w.shape[1] * groups
    if x.shape[1] != channels:
        if transposed:
            raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected "
                               f"input{list(x.shape)} to have {w.shape[0]} channels, but got "
                               f"{x.shape[1]} channels instead")
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {channels} channels, but got "
                           f"{x.shape[1]} channels instead")
    out_channels = w.shape[1] * groups if transposed else w.shape[0]
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != out_channels):
        raise RuntimeError(f"Given {'transposed=1, ' if transposed else ''}weight of size "
                           f"{list(w.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size "
                           f"{list(bias._data.shape)} instead")
    if transposed:
        if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
            # torch runs a 1-d one as 2-d with a height of one, and says so
            ops, strides, dilations = ((lead,) * (nd == 1) + tuple(v) for lead, v in (
                (0, output_padding), (1, stride), (1, dilation)))
            names = ("depth", "height", "width")[3 - len(ops):]
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got " +
                " ".join(f"output_padding_{n}: {v}" for n, v in zip(names, ops)) + " " +
                " ".join(f"stride_{n}: {v}" for n, v in zip(names, strides)) + " " +
                " ".join(f"dilation_{n}: {v}" for n, v in zip(names, dilations)))
    else:
        padded = [n + 2 * p for n, p in zip(x.shape[2:], padding)]
        extent = [d * (k - 1) + 1 for d, k in zip(dilation, w.shape[2:])]
        if any(p < e for p, e in zip(padded, extent)):
            raise RuntimeError(f"Calculated padded input size per channel: "
                               f"({' x '.join(map(str, padded))}). Kernel size: "
                               f"({' x '.join(map(str, extent))}). Kernel size can't be greater "
                               "than actual input size")
    if input._dtype is not weight._dtype:
        if _onednn(x, w, stride, dilation, groups, input._dtype):
            raise RuntimeError(f"Input type ({_legacy_type(input._dtype)}) and weight type "
                               f"({_legacy_type(weight._dtype)}) should be the same or input "
                               f"should be a MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"expected scalar type {type_name(input._dtype)} but found "
                           f"{type_name(weight._dtype)}")
    return stride, padding, dilation, output_padding


def _onednn(x, w, stride, dilation, groups, dtype):
    """Whether torch would run this convolution by oneDNN (its checks, and so its messages,
    differ): float32 only, and not where its own kernels are faster (one small sample)."""
    from .. import _threads  # layer 5, read only on this error's path
    x4 = x.shape[:2] + (1,) * (4 - x.ndim) + x.shape[2:4]  # a 1-d one as 2-d
    kh, kw = ((1,) + w.shape[2:])[-2:]
    return dtype is _dtype.float32 and (
        max(stride) > 1 or max(dilation) > 1 or x.shape[0] >= 16 or kh != 1 or kw != 1 or
        _threads.get_num_threads() > 1) and (
        groups > 1 or kh > 3 and kw > 3 or x.shape[0] > 1 or math.prod(x4) > 20480)


def _legacy_type(dtype):
    """torch's legacy name of a CPU tensor type, as its messages print it."""
    if dtype._scalar_name in ("Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double"):
        return f"{_naming.public_name}.{dtype._scalar_name}Tensor"
    return f"CPU{dtype._scalar_name}Type"


def _transposed_sizes(x, w, stride, padding, dilation, output_padding):
    return tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, k, s, p, d, op in
                 zip(x.shape[2:], w.shape[2:], stride, padding, dilation, output_padding))


def _apply(x, w, stride, padding, dilation, transposed, output_padding, groups):
    """The bilinear part of a convolution on arrays."""
    if transposed:
        sizes = _transposed_sizes(x, w, stride, padding, dilation, output_padding)
        return conv_input_grad(x, w, sizes, stride, _pairs(padding), dilation, groups)
    return conv_forward(x, w, stride, _pairs(padding), dilation, groups)


def _add_bias(y, bias):
    if bias is not None:
        y += bias._data.reshape((-1,) + (1,) * (y.ndim - 2))
    return y


def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """N-d convolution (or transposed convolution) of a batched ``(N, C, *S)`` input."""
    stride, padding, dilation, output_padding = _check(
        input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    nd = len(stride)
    if transposed:
        kernel_for(f"slow_conv_transpose{max(nd, 2)}d_out_cpu", input, lambda d: not _integral(
            d) and d is not _dtype.bool or d is _dtype.int64)
    else:
        kernel_for("compute_columns3d" if nd == 3 else "slow_conv2d_cpu", input,
                   lambda d: d is not _dtype.bool)
    x = input._data
    if x.shape[1] == 0 and not transposed:  # torch's empty result keeps the input's channels
        out = make(np.zeros(x.shape[:2] + out_sizes(x.shape[2:], weight._data.shape[2:], stride,
                                                    _pairs(padding), dilation), x.dtype),
                   input._dtype)
        if needs_grad(input, weight, bias):
            record("ConvolutionBackward0", (out,), (input, weight, bias), lambda g: tuple(
                None if t is None else t.new_zeros(t.shape) for t in (input, weight, bias)))
        return out
    y = _apply(x, weight._data, stride, padding, dilation, transposed, output_padding, groups)
    out = make(_add_bias(y, bias), input._dtype)
    if needs_grad(input, weight, bias):
        options = (stride, padding, dilation, transposed, output_padding, groups)
        mask = (input._requires_grad, weight._requires_grad,
                bias is not None and bias._requires_grad)

        def derivative(g, x, w):
            if grad_mode.is_grad_enabled():  # create_graph: the differentiable op
                return _convolution_backward(g, x, w, None, *options, mask)
            return _backward(g._data, x, w, options, mask)
        record("ConvolutionBackward0", (out,), (input, weight, bias), derivative,
               saved=(input, weight))
    return out


convolution = defop(_convolution, name="convolution", method=False, signature=(
    "convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, "
    "int[] dilation, bool transposed, int[] output_padding, int groups)"))


def _backward(gy, input, weight, options, mask):
    """The gradients (tensors, None where the mask is False) of input, weight and bias."""
    stride, padding, dilation, transposed, output_padding, groups = options
    x, w = input._data, weight._data
    pads = _pairs(padding)
    gx = gw = gb = None
    # a transposed convolution's gradient is a convolution of gy, cropped to x's sizes (an
    # output_padding of a stride or more leaves positions no input reaches)
    crop = (Ellipsis,) + tuple(slice(0, n) for n in x.shape[2:])
    if mask[0]:
        gx = conv_forward(gy, w, stride, pads, dilation, groups)[crop] if transposed else \
            conv_input_grad(gy, w, x.shape[2:], stride, pads, dilation, groups)
        gx = make(np.ascontiguousarray(gx), input._dtype)
    if mask[1]:
        # a transposed convolution's weight gradient is that of the convolution from gy's
        # space to x's
        gw = make(conv_weight_grad(x, gy, w.shape, stride, pads, dilation, groups)
                  if transposed else
                  conv_weight_grad(gy, x, w.shape, stride, pads, dilation, groups),
                  weight._dtype)
    if mask[2]:
        gb = make(gy.sum((0,) + tuple(range(2, gy.ndim))), input._dtype)
    return gx, gw, gb


def _convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation,
                         transposed, output_padding, groups, output_mask):
    """The gradients of a convolution's input, weight and bias (None where the mask is
    False), differentiable in ``grad_output``, ``input`` and ``weight``."""
    options = (tuple(stride), tuple(padding), tuple(dilation), transposed,
               tuple(output_padding), groups)
    grads = _backward(grad_output._data, input, weight, options, output_mask)
    if needs_grad(grad_output, input, weight):
        outputs = tuple(g for g in grads if g is not None)

        def derivative(gg, gy, x, w):
            ggs = iter(gg if len(outputs) > 1 else (gg,))
            ggx, ggw, ggb = (next(ggs) if g is not None else None for g in grads)
            return _double_backward(ggx, ggw, ggb, gy, x, w, options)
        record("ConvolutionBackwardBackward0", outputs, (grad_output, input, weight),
               derivative, saved=(grad_output, input, weight))
    return grads


convolution_backward = defop(  # torch.ops.aten only
    _convolution_backward, name="convolution_backward", method=False, function=False,
    signature="convolution_backward(Tensor grad_output, Tensor input, Tensor weight, "
              "int[]? bias_sizes, int[] stride, int[] padding, int[] dilation, "
              "bool transposed, int[] output_padding, int groups, bool[3] output_mask)")


def _double_backward(ggx, ggw, ggb, gy, x, w, options):
    """Gradients of <ggx, gx> + <ggw, gw> + <ggb, gb> in (gy, x, w): the convolution being
    bilinear, each is a convolution or a convolution's gradient again."""
    g_gy = g_x = g_w = None
    if ggx is not None:
        g_gy = _convolution(ggx, w, None, *options)
        g_w = _convolution_backward(gy, ggx, w, None, *options, (False, True, False))[1]
    if ggw is not None:
        term = _convolution(x, ggw, None, *options)
        g_gy = term if g_gy is None else g_gy + term
        g_x = _convolution_backward(gy, x, ggw, None, *options, (True, False, False))[0]
    if ggb is not None:
        term = ggb.reshape((-1,) + (1,) * (gy.ndim - 2))
        g_gy = gy.new_zeros(gy.shape) + term if g_gy is None else g_gy + term
    return g_gy, g_x, g_w


# ---- conv1d ... conv_transpose3d ---------------------------------------------------------------

def _batched(name, input, nd):
    """``input`` with a batch dim (and whether it had one); torch's error for a wrong rank."""
    ndim = input._data.ndim
    if ndim == nd + 2:
        return input, True
    if ndim == nd + 1:
        return input.unsqueeze(0), False
    raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, "
                       f"but got input of size: {list(input._data.shape)}")


def _same_padding(input, weight, stride, dilation, nd):
    """'same': the symmetric padding, and the input padded first where the total is odd."""
    if any(s != 1 for s in _expand("stride", stride, nd)):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    dilation = _expand("dilation", dilation, nd)
    totals = [d * (k - 1) for d, k in zip(dilation, weight._data.shape[2:])]
    extra = []
    for total in reversed(totals):
        extra += [0, total % 2]
    if any(extra):
        input = constant_pad_nd(input, extra)
    return [t // 2 for t in totals], input


def _conv(name, nd, input, weight, bias, stride, padding, dilation, groups):
    batch_input, batched = _batched(name, input, nd)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            padding, batch_input = _same_padding(batch_input, weight, stride, dilation, nd)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    out = _convolution(batch_input, weight, bias, stride, padding, dilation, False, (0,), groups)
    return out if batched else out.squeeze(0)


def _conv_transpose(name, nd, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    batch_input, batched = _batched(name, input, nd)
    out = _convolution(batch_input, weight, bias, stride, padding, dilation, True,
                      output_padding, groups)
    return out if batched else out.squeeze(0)


def _entry_points(nd):
    conv_name, transpose_name = f"conv{nd}d", f"conv_transpose{nd}d"

    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        return _conv(conv_name, nd, input, weight, bias, stride, padding, dilation, groups)

    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                       groups=1, dilation=1):
        return _conv_transpose(transpose_name, nd, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)
    conv.__name__ = conv.__qualname__ = conv_name
    conv_transpose.__name__ = conv_transpose.__qualname__ = transpose_name
    conv.__doc__ = f"{nd}-d convolution of an ``(N, C, ...)`` or unbatched input."
    conv_transpose.__doc__ = f"{nd}-d transposed convolution (the adjoint of conv{nd}d)."
    ints = f"int[{nd}]"
    return (defop(conv, method=False, signature=[
                f"{conv_name}(Tensor input, Tensor weight, Tensor? bias=None, {ints} stride=1, "
                f"{ints} padding=0, {ints} dilation=1, int groups=1)",
                f"{conv_name}(Tensor input, Tensor weight, Tensor? bias=None, {ints} stride=1, "
                f"str padding=\"valid\", {ints} dilation=1, int groups=1)"]),
            defop(conv_transpose, method=False, signature=(
                f"{transpose_name}(Tensor input, Tensor weight, Tensor? bias=None, "
                f"{ints} stride=1, {ints} padding=0, {ints} output_padding=0, int groups=1, "
                f"{ints} dilation=1)")))


conv1d, conv_transpose1d = _entry_points(1)
conv2d, conv_transpose2d = _entry_points(2)
conv3d, conv_transpose3d = _entry_points(3)


@defop(method=False, signature="conv_tbc(Tensor input, Tensor weight, Tensor bias, int pad=0)")
def conv_tbc(input, weight, bias, pad=0):
    """1-d convolution of a ``(time, batch, channels)`` input by a ``(kernel, in, out)`` weight
    (one ``ConvTbcBackward0`` node)."""
    x, w, b = input._data, weight._data, bias._data
    for bad, text in ((lambda: x.ndim != 3, "Input must have 3 dims: time, batch, in_channel"),
                      (lambda: w.ndim != 3, "Weight tensor must have 3 dims: kernel_width, "
                                            "in_channels, out_channels."),
                      (lambda: b.ndim != 1, "Bias must be 1-D"),
                      (lambda: x.shape[2] != w.shape[1], "Input dim 2 (input channels) is not == "
                                                         "dim 1 in the weight tensor"),
                      (lambda: b.shape[0] != w.shape[2], "Bias size must equal dim 2 in the "
                                                         "weight tensor (output channels).")):
        if bad():  # in torch's order, each check assuming the ones before
            raise RuntimeError(text)
    length = x.shape[0] + 2 * pad - w.shape[0] + 1
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"{[length, x.shape[1], w.shape[2]]}")
    if input._dtype is not weight._dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{type_name(input._dtype)} and {type_name(weight._dtype)}")
    y = np.zeros((x.shape[1], w.shape[2], length), x.dtype) if length == 0 else conv_forward(
        x.transpose(1, 2, 0), w.transpose(2, 1, 0), (1,), [(pad, pad)], (1,), 1)
    out = make(np.ascontiguousarray((y + b[:, None]).transpose(2, 0, 1)), input._dtype)
    if needs_grad(input, weight, bias):
        def derivative(g, x, w):  # the convolution's gradients, in the (time, batch) layout
            gx, gw, gb = _convolution_backward(
                g.permute(1, 2, 0), x.permute(1, 2, 0), w.permute(2, 1, 0), None, (1,), (pad,),
                (1,), False, (0,), 1, (True, True, True))
            return gx.permute(2, 0, 1), gw.permute(2, 1, 0), gb
        record("ConvTbcBackward0", (out,), (input, weight, bias), derivative,
               saved=(input, weight))
    return out


# ---- im2col / col2im (F.unfold / F.fold) -----------------------------------------------------

def _unbatched(input, ndim):
    """``input`` with a batch dim, and whether it had one."""
    return (input._data, True) if input._data.ndim == ndim else (input._data[None], False)


@defop(method=False, function=False,
       signature="im2col(Tensor input, int[2] kernel_size, int[2] dilation, int[2] padding, "
                 "int[2] stride)")
def im2col(input, kernel_size, dilation, padding, stride):
    """The sliding blocks of a ``(N, C, H, W)`` (or ``(C, H, W)``) input as columns
    ``(N, C * kh * kw, L)``."""
    kernel, dilation, padding, stride = _block_args(kernel_size, dilation, padding, stride)
    shape = input._data.shape
    if len(shape) not in (3, 4) or 0 in shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: {list(shape)}")
    kernel_for("im2col_out_cpu", input, lambda d: not _integral(d))
    x, batched = _unbatched(input, 4)
    out = out_sizes(x.shape[2:], kernel, stride, _pairs(padding), dilation)
    if min(out) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(x.shape[2:])}, "
                           f"kernel_size={tuple(kernel)}, dilation={tuple(dilation)}, "
                           f"padding={tuple(padding)}, calculated shape of the array of sliding "
                           f"blocks as {out}, but its components must be at least one.")
    cols, out = columns(x, kernel, stride, _pairs(padding), dilation)
    cols = cols.reshape(x.shape[0], x.shape[1] * kernel[0] * kernel[1], out[0] * out[1])
    result = make(cols if batched else cols[0], input._dtype)
    if needs_grad(input):
        sizes = tuple(input._data.shape[-2:])
        record("Im2ColBackward0", (result,), (input,),
               lambda g: _col2im(g, sizes, kernel, dilation, padding, stride))
    return result


@defop(method=False, function=False,
       signature="col2im(Tensor input, int[2] output_size, int[2] kernel_size, int[2] dilation, "
                 "int[2] padding, int[2] stride)")
def col2im(input, output_size, kernel_size, dilation, padding, stride):
    """Columns ``(N, C * kh * kw, L)`` (or unbatched) summed back into ``(N, C, *output_size)``:
    the adjoint of ``im2col``."""
    kernel, dilation, padding, stride = _block_args(kernel_size, dilation, padding, stride)
    shape = input._data.shape
    if len(shape) not in (2, 3) or 0 in shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    kernel_for("col2im_out_cpu", input, lambda d: not _integral(d))
    return _col2im(input, _expand("output_size", output_size, 2), kernel, dilation, padding,
                   stride)


def _block_args(kernel_size, dilation, padding, stride):
    """im2col's and col2im's kernel_size, dilation, padding and stride as pairs, with torch's
    errors for values out of range."""
    pairs = [_expand(n, v, 2) for n, v in (("kernel_size", kernel_size), ("dilation", dilation),
                                           ("padding", padding), ("stride", stride))]
    for (h, w), bad, text, names in zip(pairs, (0, 0, -1, 0), (
            "kernel size should be greater than zero", "dilation should be greater than zero",
            "padding should be non-negative", "stride should be greater than zero"),
            ("kernel", "dilation", "pad", "stride")):
        if min(h, w) <= bad:
            raise RuntimeError(f"{text}, but got {names}_height: {h} {names}_width: {w}")
    return pairs


def _col2im(input, sizes, kernel, dilation, padding, stride):
    cols, batched = _unbatched(input, 3)
    out = out_sizes(sizes, kernel, stride, _pairs(padding), dilation)
    blocks = kernel[0] * kernel[1]
    if cols.shape[1] % blocks:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={cols.shape[1]} and "
                           f"kernel_size={tuple(kernel)}.")
    if cols.shape[2] != out[0] * out[1]:
        raise RuntimeError(f"Given output_size={tuple(sizes)}, kernel_size={tuple(kernel)}, "
                           f"dilation={tuple(dilation)}, padding={tuple(padding)}, "
                           f"stride={tuple(stride)}, expected size of input's dimension 2 to "
                           f"match the calculated number of sliding blocks {out[0]} * {out[1]} = "
                           f"{out[0] * out[1]}, but got input.size(2)={cols.shape[2]}.")
    folded = np.ascontiguousarray(fold_array(
        cols.reshape((cols.shape[0], cols.shape[1] // blocks) + tuple(kernel) + out), sizes,
        stride, _pairs(padding), dilation))
    result = make(folded if batched else folded[0], input._dtype)
    if needs_grad(input):
        record("Col2ImBackward0", (result,), (input,),
               lambda g: im2col(g, kernel, dilation, padding, stride))
    return result
