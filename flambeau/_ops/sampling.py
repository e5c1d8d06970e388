"""Spatial transformers: ``affine_grid_generator`` (``AffineGridGeneratorBackward0``) and
``grid_sampler_2d``/``grid_sampler_3d`` (``GridSampler2DBackward0``...: bilinear/trilinear,
nearest or (2-d) bicubic, zeros, border or reflection padding, align_corners), as torch's CPU
kernels compute them.

The sampler gathers the neighbours of every sampling point (1, 4, 8 or 16) with NumPy fancy
indexing; its derivative adds the weighted gradient back with one ``bincount`` and
differentiates the weights for the grid. Like torch's, the sampler's derivative is not itself
differentiable.
"""
import itertools
import math

import numpy as np

from .._tensor import make
from ..autograd.graph import record
from ._fma import fma
from ._util import needs_grad, needs_grad1
from .registry import defop, type_name
from .resample import _cubic_slopes, _cubic_weights


def _steps(n, align_corners, dtype):
    if n <= 1:
        return np.zeros(max(n, 1), dtype)
    r = np.linspace(-1, 1, n, dtype=dtype)
    return r if align_corners else r * dtype.type((n - 1) / n)


def _base_grid(sizes, align_corners, dtype):
    """``(*sizes, nd + 1)``: the normalised coordinates of every output point (x first)
    and a one."""
    nd = len(sizes)
    axes = np.meshgrid(*[_steps(n, align_corners, dtype) for n in sizes], indexing="ij")
    return np.stack(list(axes[::-1]) + [np.ones(sizes, dtype)], -1)


@defop(method=False,
       signature="affine_grid_generator(Tensor theta, int[] size, bool align_corners)")
def affine_grid_generator(theta, size, align_corners):
    """The sampling grid ``(N, *spatial, nd)`` of the affine maps ``theta`` ``(N, nd, nd+1)``."""
    t = theta._data
    sizes = tuple(size[2:])
    base = _base_grid(sizes, align_corners, t.dtype).reshape(-1, len(sizes) + 1)
    grid = np.matmul(base, t.transpose(0, 2, 1)).reshape((t.shape[0],) + sizes + (len(sizes),))
    out = make(grid, theta._dtype)
    if needs_grad1(theta):
        base_t = make(base, theta._dtype)
        record("AffineGridGeneratorBackward0", (out,), (theta,),
               lambda g: g.reshape(g.shape[0], -1, len(sizes)).transpose(1, 2).matmul(base_t))
    return out


# ---- grid sampling ---------------------------------------------------------------------------

def _unnormalize(coord, size, align_corners):
    """Pixel coordinates of normalised ones, and d(pixel)/d(normalised): ``(coord + 1) *
    scale`` (less 0.5 in the same rounding without align_corners), as torch's vectorised
    kernel computes them."""
    if align_corners:
        return (coord + 1) * coord.dtype.type((size - 1) / 2), (size - 1) / 2
    return fma(coord + 1, coord.dtype.type(size / 2), coord.dtype.type(-0.5)), size / 2


def _reflect(coord, twice_low, twice_high):
    """torch's reflect_coordinates, with the sign of its derivative."""
    if twice_low == twice_high:
        return np.zeros_like(coord), np.zeros_like(coord)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    shifted = coord - low
    sign = np.where(shifted < 0, -1, 1).astype(coord.dtype)
    shifted = np.abs(shifted)
    extra = np.fmod(shifted, span)
    flips = np.floor(shifted / span)
    even = flips % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


def _source(coord, size, padding_mode, align_corners):
    """Pixel coordinates after padding_mode, and their derivative in the grid value."""
    pixel, scale = _unnormalize(coord, size, align_corners)
    grad = np.full_like(pixel, scale)
    if padding_mode == 2:  # reflection
        bounds = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        pixel, sign = _reflect(pixel, *bounds)
        grad *= sign
    if padding_mode in (1, 2):  # clip to the border
        inside = (pixel > 0) & (pixel < size - 1)
        pixel = np.clip(pixel, 0, size - 1)
        grad *= inside
    return pixel, grad


def _taps(coords, mode):
    """(indices, weight) of each neighbour of the sampling points: indices x first, the
    neighbours with x varying fastest as torch's kernels visit them; no weight for nearest."""
    if mode == 1:  # nearest: round half to even, as nearbyint
        return [([np.rint(c).astype(np.int64) for c in coords], None)]
    lows = [np.floor(c) for c in coords]
    fracs = [c - low for c, low in zip(coords, lows)]
    lows = [low.astype(np.int64) for low in lows]
    taps = []
    for bits in itertools.product((0, 1), repeat=len(coords)):
        bits = bits[::-1]
        taps.append(([low + b for low, b in zip(lows, bits)], _weight(fracs, bits)))
    return taps


def _weight(fracs, bits, skip=None):
    """The product over the dims (x first; but ``skip``) of ``frac`` or ``1 - frac``."""
    weight = None
    for j, (f, b) in enumerate(zip(fracs, bits)):
        if j != skip:
            factor = f if b else 1 - f
            weight = factor if weight is None else weight * factor
    return weight


def _cubic_taps(coords, sizes, padding_mode, align_corners):
    """The 16 taps of bicubic sampling (x fastest) at pixel coordinates ``coords`` (x first),
    each tap's position moved by the padding mode as torch's ``get_value_bounded`` moves it."""
    starts = [np.floor(c) for c in coords]
    weights = [_cubic_weights(c - start) for c, start in zip(coords, starts)]
    axes = []
    for start, size in zip(starts, sizes):
        axis = []
        for k in range(4):
            position = start + (k - 1)
            if padding_mode == 2:
                bounds = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
                position = _reflect(position, *bounds)[0]
            if padding_mode:
                position = np.clip(position, 0, size - 1)
            axis.append(position.astype(np.int64))
        axes.append(axis)
    (xs, ys), (wx, wy) = axes, weights
    return [([xs[i], ys[j]], wx[i] * wy[j]) for j in range(4) for i in range(4)]


def _sample(a, tap_list):
    """The sampled ``(N, C, *out)`` values and, per tap, what the derivative needs."""
    n, c, sizes = a.shape[0], a.shape[1], a.shape[2:][::-1]  # sizes x first
    shape = tap_list[0][0][0].shape
    batch = np.arange(n).reshape((n,) + (1,) * (len(shape) - 1))
    out = np.zeros((n, c) + shape[1:], a.dtype)
    taps = []
    for index, weight in tap_list:
        valid = np.logical_and.reduce([(i >= 0) & (i < size) for i, size in zip(index, sizes)])
        index = [np.where(valid, i, 0) for i in index]
        values = np.moveaxis(a[(batch, slice(None)) + tuple(index[::-1])], -1, 1)
        values = np.where(valid[:, None], values, a.dtype.type(0))  # no inf * 0 off the edge
        if weight is None:
            out += values
        else:  # summed as torch's kernel: each weighted tap fused into the running sum
            fma(values, weight[:, None].astype(a.dtype), out, out=out)
        taps.append((index, valid, weight, values))
    return out, taps


def _check_sampler(a, g):
    """torch's checks shared by the 2-d and 3-d samplers."""
    if a.shape[0] != g.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(a.shape)} and grid with sizes "
                           f"{list(g.shape)}")
    if g.shape[-1] != a.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {a.ndim - 2} in last "
                           f"dimension, but got grid with sizes {list(g.shape)}")
    for i in range(2, a.ndim):
        if a.shape[i] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(a.shape)} with dimension "
                               f"{i} being empty")


def _grid_sampler(nd, input, grid, interpolation_mode, padding_mode, align_corners):
    a, g = input._data, grid._data
    _check_sampler(a, g)
    if a.ndim != nd + 2 or g.ndim != a.ndim:
        raise RuntimeError(f"grid_sampler(): expected {nd + 2}D input and grid with same number "
                           f"of dimensions, but got input with sizes {list(a.shape)} and grid "
                           f"with sizes {list(g.shape)}")
    if interpolation_mode == 2 and nd == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input._dtype is not grid._dtype:
        raise RuntimeError(f"expected scalar type {type_name(input._dtype)} but found "
                           f"{type_name(grid._dtype)}")
    sizes = a.shape[:1:-1]  # x first
    if interpolation_mode == 2:  # bicubic: the padding mode moves each tap, not the point
        sources = [_unnormalize(g[..., i], size, align_corners) for i, size in enumerate(sizes)]
        coords = [c for c, _ in sources]
        tap_list = _cubic_taps(coords, sizes, padding_mode, align_corners)
    else:
        sources = [_source(g[..., i], size, padding_mode, align_corners)
                   for i, size in enumerate(sizes)]
        coords = [c for c, _ in sources]
        tap_list = _taps(coords, interpolation_mode)
    scales = [d for _, d in sources]
    values, taps = _sample(a, tap_list)
    out = make(values, input._dtype)
    if needs_grad(input, grid):
        def derivative(grad):
            return _grid_sampler_backward(grad._data, input, grid, taps, coords, scales,
                                          interpolation_mode)
        record(f"GridSampler{nd}DBackward0", (out,), (input, grid), derivative)
    return out


@defop(method=False, signature="grid_sampler_2d(Tensor input, Tensor grid, "
                               "int interpolation_mode, int padding_mode, bool align_corners)")
def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``input`` ``(N, C, H, W)`` sampled at the normalised points ``grid`` ``(N, Ho, Wo, 2)``
    (modes: 0 bilinear, 1 nearest, 2 bicubic; padding: 0 zeros, 1 border, 2 reflection)."""
    return _grid_sampler(2, input, grid, interpolation_mode, padding_mode, align_corners)


@defop(method=False, signature="grid_sampler_3d(Tensor input, Tensor grid, "
                               "int interpolation_mode, int padding_mode, bool align_corners)")
def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``input`` ``(N, C, D, H, W)`` sampled at the normalised points ``grid``
    ``(N, Do, Ho, Wo, 3)`` (modes: 0 trilinear, 1 nearest; padding as ``grid_sampler_2d``)."""
    return _grid_sampler(3, input, grid, interpolation_mode, padding_mode, align_corners)


def _grid_sampler_backward(g, input, grid, taps, coords, scales, mode):
    a = input._data
    n, c, sizes = a.shape[0], a.shape[1], a.shape[2:]
    grad_input = grad_grid = None
    if input._requires_grad:
        size = math.prod(sizes)
        rows = (np.arange(n * c) * size).reshape((n, c) + (1,) * len(sizes))
        place = np.cumprod((1,) + sizes[:0:-1])  # the flat strides, x first
        index, weights = [], []
        for indices, valid, weight, _ in taps:
            flat = sum(i * p for i, p in zip(indices, place))
            index.append((rows + flat[:, None]).reshape(-1))
            tap = g * valid[:, None] if weight is None else g * (valid * weight)[:, None]
            weights.append(tap.reshape(-1))
        summed = np.bincount(np.concatenate(index), np.concatenate(weights),
                             minlength=n * c * size)
        grad_input = make(summed.astype(g.dtype).reshape(a.shape), input._dtype)
    if grid._requires_grad:
        result = np.zeros(grid._data.shape, g.dtype)
        if mode == 0:  # per dim: the difference of each pair of neighbours along it, weighted
            fracs = [x - np.floor(x) for x in coords]
            for j, scale in enumerate(scales):
                slope = None
                for t, (_, _, _, low) in enumerate(taps):
                    if not t >> j & 1:
                        bits = [t >> k & 1 for k in range(len(coords))]
                        term = (taps[t | 1 << j][3] - low) * _weight(fracs, bits, j)[:, None]
                        slope = term if slope is None else slope + term
                result[..., j] = (g * slope).sum(1) * scale
        if mode == 2:  # the weights' slopes in each dim, times the other dim's weights
            fracs = [x - np.floor(x) for x in coords]
            weights = [_cubic_weights(f) for f in fracs]
            slopes = [_cubic_slopes(f) for f in fracs]
            for j, scale in enumerate(scales):
                slope = None
                for t, (_, _, _, values) in enumerate(taps):
                    i, k = (t % 4, t // 4) if j == 0 else (t // 4, t % 4)
                    term = values * (slopes[j][i] * weights[1 - j][k])[:, None]
                    slope = term if slope is None else slope + term
                result[..., j] = (g * slope).sum(1) * scale
        grad_grid = make(result, grid._dtype)
    return grad_input, grad_grid


@defop(method=False, signature="grid_sampler(Tensor input, Tensor grid, int interpolation_mode, "
                               "int padding_mode, bool align_corners)")
def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """Grid sampling of a 4-D input (``grid_sampler_2d``) or a 5-D one (``grid_sampler_3d``)."""
    _check_sampler(input._data, grid._data)
    sampler = grid_sampler_2d if input._data.ndim == 4 else grid_sampler_3d
    return sampler(input, grid, interpolation_mode, padding_mode, align_corners)
