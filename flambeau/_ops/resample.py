"""Resampling and rearranging: nearest, nearest-exact, (bi/tri)linear and bicubic resampling
(``UpsampleBilinear2DBackward0``...), antialiased bilinear, bicubic and Lanczos-3
(``UpsampleBilinear2DAaBackward0``...), ``pixel_shuffle`` and ``pixel_unshuffle``.

These resamplings are separable: the taps of each resized dim make one ``(out, in)`` matrix,
applied by ``tensordot`` (see ``pooling.separable``), so the derivative is the transposed matrices
and every order of derivative exists. Source positions are computed in the input's precision,
as torch's kernels compute them. uint8 images (bilinear, bicubic) are resized in integers, as
torch's uint8 kernels (and torchvision v2) resize them: see :func:`resize_uint8`.
"""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad1
from .conv import kernel_for
from .indexing import _not_implemented
from .pooling import by_matrices, separable, taps_matrix
from .registry import defop


def _taps(mode, n, out, scale, align_corners, dtype):
    """The ``(index, weight, inside)`` taps (see ``pooling.separable``) taking a dim of size
    ``n`` to ``out`` samples: the inputs torch's kernel reads for each output, zero weights
    included."""
    real = np.float64 if dtype == np.float64 else np.float32
    d = np.arange(out, dtype=real)
    if mode in ("nearest", "nearest-exact"):
        step = real(1.0 / scale) if scale else real(n) / real(out)
        src = np.floor((d + real(0.5)) * step if mode == "nearest-exact" else d * step)
        index = np.minimum(src.astype(np.int64), n - 1)[:, None]
        return index, np.ones(index.shape, dtype), np.ones(index.shape, bool)
    if align_corners:
        step = real(n - 1) / real(out - 1) if out > 1 else real(0)
        src = d * step
    else:
        step = real(1.0 / scale) if scale else real(n) / real(out)
        src = (d + real(0.5)) * step - real(0.5)
        if mode == "linear":
            src = np.maximum(src, real(0))
    if mode == "cubic":
        start = np.floor(src)
        index = np.clip(start.astype(np.int64)[:, None] - 1 + np.arange(4), 0, n - 1)
        weight = np.stack(_cubic_weights(src - start), 1)
    else:
        low = np.minimum(src.astype(np.int64), n - 1)
        index = np.stack([low, np.minimum(low + 1, n - 1)], 1)
        frac = src - low
        weight = np.stack([1 - frac, frac], 1)
    return index, weight.astype(dtype), np.ones(index.shape, bool)


def _cubic_near(x, a):
    """Keys' cubic convolution kernel at distances ``0 <= x < 1``."""
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cubic_far(x, a):
    """Keys' cubic convolution kernel at distances ``1 <= x < 2``."""
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _cubic_weights(t, a=-0.75):
    """Keys' cubic convolution weights of the taps at -1, 0, 1, 2 for a fraction ``t``."""
    return _cubic_far(t + 1, a), _cubic_near(t, a), _cubic_near(1 - t, a), _cubic_far(2 - t, a)


def _cubic_slopes(t, a=-0.75):
    """The derivatives of :func:`_cubic_weights` in ``t``."""
    def near(x):  # d/dx of _cubic_near
        return (3 * (a + 2) * x - 2 * (a + 3)) * x

    def far(x):  # d/dx of _cubic_far
        return (3 * a * x - 10 * a) * x + 8 * a
    return far(t + 1), near(t), -near(1 - t), -far(2 - t)


def _triangle(x):
    return np.maximum(1 - np.abs(x), 0)


def _keys(x):
    """Keys' cubic kernel with a = -0.5 (Pillow's, which antialiased bicubic follows)."""
    x = np.abs(x)
    return np.where(x < 1, _cubic_near(x, -0.5), np.where(x < 2, _cubic_far(x, -0.5), 0))


def _lanczos(x):
    """The Lanczos-3 window: sinc(x) sinc(x / 3) over |x| < 3."""
    return np.where(np.abs(x) < 3, np.sinc(x) * np.sinc(x / 3), 0).astype(x.dtype)


_FILTERS = {"linear": (_triangle, 2), "cubic": (_keys, 4), "lanczos": (_lanczos, 6)}
# (filter, taps when enlarging)


def _antialias_taps(mode, n, out, scale, align_corners, dtype):
    """The taps of an antialiased resize: each output sample a normalised
    filter over the inputs under it, the filter widened by the shrink factor when shrinking
    (as Pillow and torch's ``_upsample_*_aa`` kernels do)."""
    real = np.float64 if dtype == np.float64 else np.float32
    if align_corners:
        step = real(n - 1) / real(out - 1) if out > 1 else real(0)
    else:
        step = real(1.0 / scale) if scale else real(n) / real(out)
    kernel, taps = _FILTERS[mode]
    support = real(taps * 0.5) * (step if step >= 1 else real(1))
    inverse = real(1) / step if step >= 1 else real(1)
    center = (np.float64(step) * (np.arange(out) + 0.5)).astype(real)
    low = np.maximum((center - support + 0.5).astype(np.int64), 0)
    count = np.clip(np.minimum((center + support + 0.5).astype(np.int64), n) - low, 0,
                    int(np.ceil(support)) * 2 + 1)
    offsets = np.arange(int(np.ceil(support)) * 2 + 1)
    inside = offsets < count[:, None]
    position = low[:, None] + offsets
    weights = kernel((((position.astype(real) - center[:, None]) + 0.5) * np.float64(inverse)
                      ).astype(real)) * inside
    total = weights.sum(1, keepdims=True)
    weights = np.divide(weights, total, out=weights, where=total != 0)
    return np.minimum(position, n - 1), weights.astype(dtype), inside


_NODES = {("cubic", 2): "UpsampleBicubic2DBackward0", ("lanczos", 2): "UpsampleLanczos2DBackward0",
          ("linear", 1): "UpsampleLinear1DBackward0",
          ("linear", 2): "UpsampleBilinear2DBackward0",
          ("linear", 3): "UpsampleTrilinear3DBackward0"}
_NODES.update({(mode, n): f"Upsample{word}{n}DBackward0" for n in (1, 2, 3) for mode, word in
               (("nearest", "Nearest"), ("nearest-exact", "NearestExact"))})


def _uint8_taps(mode, n, out, scale, align_corners, antialias):
    """torch's integer weights of a uint8 resize along one dim: the input indices ``(out,
    taps)``, their weights scaled to int16 and the number of bits they were scaled by (as
    many as keep the largest weight, running sums included, under 2**15). The float
    weights are computed in double: antialiased (Lanczos too) as :func:`_antialias_matrix`,
    else from the source index of each output (bicubic with Keys' a = -0.75), the taps that
    fall outside the input moved onto its edge."""
    size = _FILTERS[mode][1]
    if align_corners:
        step = (n - 1) / (out - 1) if out > 1 else 0.0
    else:
        step = 1.0 / scale if scale and scale > 0 else n / out
    rows = np.arange(out)
    if antialias:
        support = size * 0.5 * step if step >= 1 else size * 0.5
        taps = int(np.ceil(support)) * 2 + 1
        center = step * (rows + 0.5)
        first = np.maximum((center - support + 0.5).astype(np.int64), 0)
        count = np.clip(np.minimum((center + support + 0.5).astype(np.int64), n) - first, 0,
                        taps)
        j = np.arange(taps)
        kernel = _FILTERS[mode][0]
        weights = np.where(j < count[:, None], kernel(
            (j + first[:, None] - center[:, None] + 0.5) * (1 / step if step >= 1 else 1.0)), 0)
        total = np.zeros(out)
        for k in j:  # summed tap by tap, as torch sums them
            total += weights[:, k]
        weights /= np.where(total == 0, 1, total)[:, None]
        high = weights.max()
    else:
        src = step * rows if align_corners else step * (rows + 0.5) - 0.5
        if mode == "linear" and not align_corners:
            src = np.maximum(src, 0)
        index = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n - 1)
        frac = np.clip(src - index, 0, 1)
        lows = index - size // 2 + 1  # the first tap, maybe before the input
        first = np.maximum(lows, 0)
        weights, high = np.zeros((out, size)), 0.0
        for k in range(size):
            x = np.abs(k + 1 - size // 2 - frac)
            w = 1 - x if mode == "linear" else np.where(
                x < 1, _cubic_near(x, -0.75), _cubic_far(x, -0.75))
            slot = np.clip(lows + k, 0, n - 1) - first
            weights[rows, slot] += w
            high = max(high, weights[rows, slot].max())
    bits = 0
    while bits < 22 and int(0.5 + high * (1 << (bits + 1))) < 1 << 15:
        bits += 1
    scaled = weights * (1 << bits)
    ints = np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int32)
    return np.minimum(first[:, None] + np.arange(weights.shape[1]), n - 1), ints, bits


def resize_uint8(array, sizes, mode, align_corners, scales, antialias):
    """A uint8 ``(..., H, W)`` array resized as torch's uint8 kernels do it: integer weights
    (see :func:`_uint8_taps`), integer sums rounded by a half and shifted back, the width
    first, each pass clamped back to uint8; a dim already of its size is left alone."""
    for axis, n_out, scale in ((-1, sizes[1], scales[1]), (-2, sizes[0], scales[0])):
        if array.shape[axis] == n_out:
            continue
        index, weights, bits = _uint8_taps(mode, array.shape[axis], n_out, scale,
                                           align_corners, antialias)
        moved = np.moveaxis(array, axis, -1).astype(np.int32)
        total = np.full(moved.shape[:-1] + (n_out,), 1 << (bits - 1), np.int32)
        for k in range(index.shape[1]):
            total += moved[..., index[:, k]] * weights[:, k]
        np.right_shift(total, bits, out=total)
        array = np.moveaxis(np.clip(total, 0, 255).astype(np.uint8), -1, axis)
    return np.ascontiguousarray(array)


def _kernel_name(mode, nd, antialias):
    """The name of the CPU kernel torch reports as missing for a dtype it cannot resize."""
    if antialias:
        return "compute_index_ranges_weights"
    if nd == 2 and mode in ("nearest", "nearest-exact", "linear"):
        return f"upsample_{'bilinear' if mode == 'linear' else 'nearest'}2d_channels_last"
    return f"compute_indices_weights_{'nearest' if mode.startswith('nearest') else mode}"


def resample(mode, input, output_size, align_corners, scale_factors, antialias=False):
    """``input`` resized over its last ``len(output_size)`` dims."""
    nd = len(output_size)
    a = input._data
    if a.ndim != nd + 2:
        raise ValueError(f"Expected {nd + 2}D input, but got {a.ndim}D input")
    if min(a.shape[2:]) <= 0 or min(output_size) <= 0:
        def sizes(values):
            return ", ".join(f"{d}: {v}" for d, v in zip("DHW"[3 - nd:], values))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({sizes(a.shape[2:])}){' and' * (nd == 1)} output "
                           f"({sizes(output_size)})")
    scales = scale_factors or (None,) * nd
    nearest = mode.startswith("nearest")
    kernel_for(_kernel_name(mode, nd, antialias), input, lambda d: d.is_floating_point or (
        d is _dtype.uint8 and (nearest or nd == 2 and mode in ("linear", "cubic"))))
    if a.dtype == np.uint8 and not nearest:
        return make(resize_uint8(a, output_size, mode, align_corners, scales, antialias),
                    input._dtype)
    make_taps = _antialias_taps if antialias else _taps
    taps = [make_taps(mode, n, o, s, align_corners, a.dtype)
            for n, o, s in zip(a.shape[2:], output_size, scales)]
    node = _NODES[mode, nd]
    if antialias:
        node = node.replace("DBackward0", "DAaBackward0")
    if nearest:
        return _nearest(node, input, taps)
    return separable(node, input, taps, node[:-1] + "Backward0")


def _nearest(node, input, taps):
    """Nearest resampling as a gather of each dim's one tap; the derivative by the transposed
    one-hot matrices."""
    a = input._data
    sizes = a.shape[a.ndim - len(taps):]
    for axis, (index, _, _) in zip(range(a.ndim - len(taps), a.ndim), taps):
        a = np.take(a, index[:, 0], axis)
    out = make(np.ascontiguousarray(a), input._dtype)
    if needs_grad1(input):
        back = node[:-1] + "Backward0"
        mats = [taps_matrix(t, n).T for t, n in zip(taps, sizes)]
        record(node, (out,), (input,), lambda g: by_matrices(back, g, mats, node))
    return out


def _upsample_family(mode, nd, name, antialias=False):
    linear = mode in ("linear", "cubic", "lanczos")

    def op(input, output_size, *rest):
        align_corners, scale_factors = rest if linear else (False, rest[0])
        if output_size is None:
            output_size = [int(np.floor(n * s)) for n, s in
                           zip(input._data.shape[2:], scale_factors)]
        return resample(mode, input, tuple(output_size), align_corners, scale_factors,
                        antialias)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{'antialiased ' if antialias else ''}{mode} resampling of the last {nd} " \
                 f"dims to ``output_size``."
    middle = "bool align_corners, " if linear else ""
    return defop(op, method=False, function=False, signature=(
        f"{name}(Tensor input, int[]? output_size, {middle}float[]? scale_factors)"))


upsample_nearest1d = _upsample_family("nearest", 1, "upsample_nearest1d")
upsample_nearest2d = _upsample_family("nearest", 2, "upsample_nearest2d")
upsample_nearest3d = _upsample_family("nearest", 3, "upsample_nearest3d")
upsample_linear1d = _upsample_family("linear", 1, "upsample_linear1d")
upsample_bilinear2d = _upsample_family("linear", 2, "upsample_bilinear2d")
upsample_trilinear3d = _upsample_family("linear", 3, "upsample_trilinear3d")
upsample_bicubic2d = _upsample_family("cubic", 2, "upsample_bicubic2d")
_upsample_bilinear2d_aa = _upsample_family("linear", 2, "_upsample_bilinear2d_aa", True)
_upsample_bicubic2d_aa = _upsample_family("cubic", 2, "_upsample_bicubic2d_aa", True)
_upsample_lanczos2d_aa = _upsample_family("lanczos", 2, "_upsample_lanczos2d_aa", True)


# ---- pixel shuffle ---------------------------------------------------------------------------

def _shuffle(input, factor, up):
    """``(*, C r^2, H, W) -> (*, C, H r, W r)`` when ``up``, else the reverse."""
    name = "pixel_shuffle" if up else "pixel_unshuffle"
    a = input._data
    if a.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {a.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects {'upscale' if up else 'downscale'}_factor to be "
                           f"greater than 0, but got: {factor}")
    lead, (c, h, w) = a.shape[:-3], a.shape[-3:]
    r = factor
    if up:
        if c % (r * r):
            raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                               f"divisible by the square of upscale_factor, but input.size(-3)="
                               f"{c} is not divisible by {r * r}")
        b = a.reshape(lead + (c // (r * r), r, r, h, w))
        k = len(lead)
        out = b.transpose(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2)).reshape(
            lead + (c // (r * r), h * r, w * r))
    else:
        for size, dim in ((h, "height"), (w, "width")):
            if size % r:
                where = -2 if dim == "height" else -1
                raise RuntimeError(f"pixel_unshuffle expects {dim} to be divisible by "
                                   f"downscale_factor, but input.size({where})={size} is not "
                                   f"divisible by {r}")
        b = a.reshape(lead + (c, h // r, r, w // r, r))
        k = len(lead)
        out = b.transpose(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3)).reshape(
            lead + (c * r * r, h // r, w // r))
    result = make(np.ascontiguousarray(out), input._dtype)
    if needs_grad1(input):
        record("PixelShuffleBackward0" if up else "PixelUnshuffleBackward0", (result,),
               (input,), lambda g: _shuffle(g, factor, not up))
    return result


@defop(method=False, signature="pixel_shuffle(Tensor input, int upscale_factor)")
def pixel_shuffle(input, upscale_factor):
    """Moves blocks of ``r * r`` channels into ``r x r`` spatial blocks."""
    return _shuffle(input, upscale_factor, True)


@defop(method=False, signature="pixel_unshuffle(Tensor input, int downscale_factor)")
def pixel_unshuffle(input, downscale_factor):
    """The inverse of ``pixel_shuffle``."""
    return _shuffle(input, downscale_factor, False)


def _shuffle_groups(input, groups):
    """torch's checks of a channel shuffle; its (rows, columns) of channels."""
    a = input._data
    if a.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(a.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    c = a.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    return groups, c // groups


@defop(method=False, signature="channel_shuffle(Tensor input, int groups)")
def channel_shuffle(input, groups):
    """Channels ``(g, C/g)`` reordered as ``(C/g, g)``: the ShuffleNet interleaving."""
    return _interleave(input, *_shuffle_groups(input, groups))


@defop(method=False, signature="native_channel_shuffle(Tensor input, int groups)")
def native_channel_shuffle(input, groups):
    """:func:`channel_shuffle` by torch's native kernel, which has no derivative."""
    out = _interleave(input.detach(), *_shuffle_groups(input, groups))
    if needs_grad1(input):
        record("NotImplemented", (out,), (input,),
               lambda g: _not_implemented("native_channel_shuffle"))
    return out


def _interleave(input, rows, cols):
    a = input._data
    out = a.reshape((a.shape[0], rows, cols) + a.shape[2:]).swapaxes(1, 2).reshape(a.shape)
    result = make(np.ascontiguousarray(out), input._dtype)
    if needs_grad1(input):
        record("ChannelShuffleBackward0", (result,), (input,),
               lambda g: _interleave(g, cols, rows))
    return result
