"""Spatial transformers: ``affine_grid_generator`` (``AffineGridGeneratorBackward0``) and
``grid_sampler_2d`` (``GridSampler2DBackward0``: bilinear or nearest, zeros, border or
reflection padding, align_corners), as torch's CPU kernels compute them.

The sampler gathers the four (or one) neighbours of every sampling point with NumPy fancy
indexing; its derivative adds the weighted gradient back with one ``bincount`` and
differentiates the weights for the grid. Like torch's, the sampler's derivative is not itself
differentiable.
"""
import numpy as np

from .._tensor import make
from ..autograd.graph import record
from ._fma import fma
from ._util import needs_grad, needs_grad1
from .registry import defop


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


def _taps(ix, iy, mode):
    """(x, y, weight) of each neighbour of the sampling points."""
    if mode == 1:  # nearest: round half to even, as nearbyint
        return [(np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64), None)]
    x0, y0 = np.floor(ix), np.floor(iy)
    dx, dy = ix - x0, iy - y0
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    return [(x0, y0, (1 - dx) * (1 - dy)), (x0 + 1, y0, dx * (1 - dy)),
            (x0, y0 + 1, (1 - dx) * dy), (x0 + 1, y0 + 1, dx * dy)]


def _sample(a, ix, iy, mode):
    """The sampled ``(N, C, Ho, Wo)`` values and, per tap, what the derivative needs."""
    n, c, h, w = a.shape
    batch = np.arange(n).reshape(n, 1, 1)
    out = np.zeros((n, c) + ix.shape[1:], a.dtype)
    taps = []
    for x, y, weight in _taps(ix, iy, mode):
        valid = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        xs, ys = np.where(valid, x, 0), np.where(valid, y, 0)
        values = a[batch, :, ys, xs].transpose(0, 3, 1, 2) * valid[:, None]  # (N, C, Ho, Wo)
        if weight is None:
            out += values
        else:  # summed as torch's kernel: each weighted tap fused into the running sum
            fma(values, weight[:, None].astype(a.dtype), out, out=out)
        taps.append((xs, ys, valid, weight, values))
    return out, taps


@defop(method=False, signature="grid_sampler_2d(Tensor input, Tensor grid, "
                               "int interpolation_mode, int padding_mode, bool align_corners)")
def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``input`` ``(N, C, H, W)`` sampled at the normalised points ``grid`` ``(N, Ho, Wo, 2)``
    (modes: 0 bilinear, 1 nearest; padding: 0 zeros, 1 border, 2 reflection)."""
    a, g = input._data, grid._data
    if a.ndim != 4 or g.ndim != 4 or g.shape[-1] != 2 or a.shape[0] != g.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size "
                           f"and grid to have size 2 in its last dimension, but got input with "
                           f"sizes {list(a.shape)} and grid with sizes {list(g.shape)}")
    if interpolation_mode == 2:
        raise NotImplementedError("grid_sample: bicubic interpolation is not provided")
    h, w = a.shape[2:]
    ix, gx = _source(g[..., 0], w, padding_mode, align_corners)
    iy, gy = _source(g[..., 1], h, padding_mode, align_corners)
    values, taps = _sample(a, ix, iy, interpolation_mode)
    out = make(values, input._dtype)
    if needs_grad(input, grid):
        def derivative(grad):
            return _grid_sampler_backward(grad._data, input, grid, taps, ix, iy, gx, gy,
                                          interpolation_mode)
        record("GridSampler2DBackward0", (out,), (input, grid), derivative)
    return out


def _grid_sampler_backward(g, input, grid, taps, ix, iy, gx, gy, mode):
    n, c, h, w = input._data.shape
    grad_input = grad_grid = None
    if input._requires_grad:
        rows = (np.arange(n * c) * (h * w)).reshape(n, c, 1, 1)
        index, weights = [], []
        for xs, ys, valid, weight, _ in taps:
            index.append((rows + (ys * w + xs)[:, None]).reshape(-1))
            tap = g * valid[:, None] if weight is None else g * (valid * weight)[:, None]
            weights.append(tap.reshape(-1))
        summed = np.bincount(np.concatenate(index), np.concatenate(weights),
                             minlength=n * c * h * w)
        grad_input = make(summed.astype(g.dtype).reshape(n, c, h, w), input._dtype)
    if grid._requires_grad:
        result = np.zeros(grid._data.shape, g.dtype)
        if mode == 0:
            x0, y0 = np.floor(ix), np.floor(iy)
            dx, dy = ix - x0, iy - y0
            (_, _, _, _, nw), (_, _, _, _, ne), (_, _, _, _, sw), (_, _, _, _, se) = taps
            d_x = (ne - nw) * (1 - dy)[:, None] + (se - sw) * dy[:, None]
            d_y = (sw - nw) * (1 - dx)[:, None] + (se - ne) * dx[:, None]
            result[..., 0] = (g * d_x).sum(1) * gx
            result[..., 1] = (g * d_y).sum(1) * gy
        grad_grid = make(result, grid._dtype)
    return grad_input, grad_grid


@defop(method=False, signature="grid_sampler(Tensor input, Tensor grid, int interpolation_mode, "
                               "int padding_mode, bool align_corners)")
def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """Grid sampling of a 4-D input (5-D volumes are not provided)."""
    if input._data.ndim != 4:
        raise NotImplementedError("grid_sampler: only 4-D inputs (2-D sampling) are provided")
    return grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners)
