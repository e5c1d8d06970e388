"""The tensor side of ``transforms.functional``: images are ``[..., C, H, W]`` tensors, computed
with flambeau's ops in the order torchvision computes them, so float results round alike."""

import numpy as np

import flambeau
from flambeau._ops import resample
from flambeau._ops._fma import fma
from flambeau.nn import functional as F


def get_dimensions(img):
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def max_value(dtype):
    """The value of full intensity: 1 for floats, the largest integer otherwise."""
    if dtype.is_floating_point:
        return 1.0
    return flambeau.iinfo(dtype).max


def convert_image_dtype(image, dtype):
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == flambeau.float32 and dtype in (flambeau.int32, flambeau.int64)) or \
                (image.dtype == flambeau.float64 and dtype == flambeau.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               "safely.")
        # just under max + 1, so that 1.0 maps to max and each bin has the same width
        return image.mul(float(max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    top = float(max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / top
    out_top = float(max_value(dtype))
    if top > out_top:
        factor = int((top + 1) // (out_top + 1))
        return flambeau.div(image, factor, rounding_mode="floor").to(dtype)
    return image.to(dtype) * int((out_top + 1) // (top + 1))


def hflip(img):
    return img.flip(-1)


def vflip(img):
    return img.flip(-2)


def pad(img, ltrb, fill=0, padding_mode="constant"):
    """Pads (or crops, for negative widths) the last two dims; ``padding_mode`` is NumPy's
    name ('constant', 'reflect', 'edge', 'symmetric')."""
    left, top, right, bottom = ltrb
    h, w = img.shape[-2:]
    img = img[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
    array = img.numpy()
    widths = ((0, 0),) * (array.ndim - 2) + ((max(top, 0), max(bottom, 0)),
                                              (max(left, 0), max(right, 0)))
    if padding_mode == "constant":
        value = 0 if fill is None else fill
        out = np.pad(array, widths, "constant", constant_values=np.array(value).astype(
            array.dtype))
    else:
        out = np.pad(array, widths, padding_mode)
    return flambeau.from_numpy(out)


def crop(img, top, left, height, width):
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], ltrb)
    return img[..., top:bottom, left:right]


def _as_float(img, dtypes=(flambeau.float32, flambeau.float64)):
    """``img`` batched to 4-d and cast to a float dtype when it is not one of ``dtypes``; with
    what :func:`_restore` needs to undo it."""
    squeeze = img.ndim == 3
    if squeeze:
        img = img.unsqueeze(0)
    dtype = img.dtype
    cast = dtype not in dtypes
    if cast:
        img = img.to(dtypes[0])
    return img, (cast, squeeze, dtype)


def _restore(img, how):
    cast, squeeze, dtype = how
    if squeeze:
        img = img.squeeze(0)
    if cast:
        if dtype in (flambeau.uint8, flambeau.int8, flambeau.int16, flambeau.int32,
                     flambeau.int64):
            img = flambeau.round(img)
        img = img.to(dtype)
    return img


def _aa_filter(mode, x):
    """The antialiasing kernel at distances ``x``: the triangle, Lanczos-3, or Keys' cubic
    with a=-0.5 (its products fused into the following sums, as torch's compiled filter)."""
    x = np.abs(x)
    f = x.dtype.type
    if mode == "bilinear":
        return np.where(x < 1, f(1) - x, f(0))
    if mode == "lanczos":
        return np.where(x < 3, _sinc(x) * _sinc(x / 3.0), 0.0).astype(x.dtype)
    a = f(-0.5)
    near = fma(fma(a + 2, x, -(a + 3)) * x, x, f(1))
    far = fma(fma(fma(a, x, -5 * a), x, 8 * a), x, -4 * a)
    return np.where(x < 1, near, np.where(x < 2, far, f(0)))


def _sinc(x):
    """``sin(pi x) / (pi x)``, in double (as torch's Lanczos filter: ``x * M_PI``) then
    rounded to ``x``'s precision."""
    pix = x.astype(np.float64) * np.pi
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0, 1.0, np.sin(pix) / pix)


def _aa_taps(mode, n_in, n_out, dtype, antialias=True):
    """Per output index, the input indices, normalised weights and number of taps of a resize
    (antialiased: the filter widened by the downscale factor), with torch's roundings: its
    ``dtype`` values, and the sums it promotes to double."""
    f = dtype.type
    scale = f(n_in) / f(n_out)
    widen = antialias and scale >= 1
    half = {"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}[mode]
    support = f(half * float(scale)) if widen else f(half)
    invscale = f(1.0 / float(scale)) if widen else f(1)
    center = (float(scale) * (np.arange(n_out) + 0.5)).astype(dtype)
    first = np.maximum(((center - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    stop = np.minimum(((center + support).astype(np.float64) + 0.5).astype(np.int64), n_in)
    count = np.clip(stop - first, 0, int(np.ceil(support)) * 2 + 1)
    j = np.arange(count.max())
    offsets = (j + first[:, None]).astype(dtype) - center[:, None]
    offsets = ((offsets.astype(np.float64) + 0.5) * float(invscale)).astype(dtype)
    weights = np.where(j < count[:, None], _aa_filter(mode, offsets), f(0))
    total = np.zeros(n_out, dtype)
    for k in j:  # summed tap by tap, as torch sums them
        total += weights[:, k]
    weights /= np.where(total == 0, f(1), total)[:, None]
    return np.minimum(first[:, None] + j, n_in - 1), weights, count


def _resize_antialias(array, size, mode):
    """Antialiased resize of a float array ``(..., H, W)``: width first, then height, each
    output a sum over its taps in torch's compiled order: the first product, then the taps
    its compiler vectorised 16 bytes at a time (products rounded, added in order), then the
    rest fused into the sum one by one."""
    for axis, n_out in ((-1, size[1]), (-2, size[0])):
        if array.shape[axis] == n_out:
            continue
        index, weights, count = _aa_taps(mode, array.shape[axis], n_out, array.dtype)
        lanes = 16 // array.dtype.itemsize
        plain = (count - 1) // lanes * lanes  # the taps after the first summed unfused
        weights = weights.T if axis == -1 else weights.T[..., None]  # (taps, n_out[, 1])
        out = np.take(array, index[:, 0], axis=axis) * weights[0]
        for k in range(1, len(weights)):
            values = np.take(array, index[:, k], axis=axis)
            fused = np.flatnonzero(k > plain)
            if len(fused) == n_out:
                fma(values, weights[k], out, out=out)
                continue
            at = (Ellipsis, fused) + ((slice(None),) if axis == -2 else ())
            part = fma(values[at], weights[k][fused], out[at])
            out += values * weights[k]
            out[at] = part
        array = out
    return np.ascontiguousarray(array)


def _nearest_indices(n, out, exact, real):
    """Source index of each of ``out`` samples over ``n`` (torch's nearest and nearest-exact
    rules, positions in the precision ``real`` the float image would have)."""
    d = np.arange(out, dtype=real)
    step = real(n) / real(out)
    src = np.floor((d + real(0.5)) * step if exact else d * step)
    return np.minimum(src.astype(np.int64), n - 1)


def _resize_nearest(img, size, exact):
    """Nearest resize by picking rows and columns, in the image's own dtype (torchvision's
    round trip through float gives back the same values)."""
    array = img.numpy()
    real = np.float64 if array.dtype == np.float64 else np.float32
    rows = _nearest_indices(array.shape[-2], size[0], exact, real)
    cols = _nearest_indices(array.shape[-1], size[1], exact, real)
    return flambeau.from_numpy(np.take(np.take(array, rows, axis=-2), cols, axis=-1))


def resize(img, size, interpolation="bilinear", antialias=True):
    if interpolation in ("nearest", "nearest-exact") and img.ndim >= 3:
        return _resize_nearest(img, size, interpolation == "nearest-exact")
    """``lanczos`` (v2 only; v1 passes no antialias) as F.interpolate resizes it."""
    if interpolation not in ("bilinear", "bicubic", "lanczos"):
        antialias = False
    img, how = _as_float(img)
    if antialias:
        img = flambeau.from_numpy(_resize_antialias(img.numpy(), size, interpolation))
    else:
        align = False if interpolation in ("bilinear", "bicubic", "lanczos") else None
        img = F.interpolate(img, size=size, mode=interpolation, align_corners=align)
    if interpolation in ("bicubic", "lanczos") and how[2] == flambeau.uint8:
        img = img.clamp(min=0, max=255)
    return _restore(img, how)


def rgb_to_grayscale(img, num_output_channels=1):
    channels = get_dimensions(img)[0]
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{channels}")
    if channels == 3:
        r, g, b = img.unbind(dim=-3)
        gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        gray = img.clone()
    return gray.expand(img.shape) if num_output_channels == 3 else gray


def _blend(img1, img2, ratio):
    bound = max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def _check_factor(name, factor):
    """Tensors refuse negative factors (Pillow takes them, and so does the PIL path)."""
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")


def adjust_brightness(img, factor):
    _check_factor("brightness_factor", factor)
    return _blend(img, flambeau.zeros_like(img), factor)


def adjust_contrast(img, factor):
    _check_factor("contrast_factor", factor)
    dtype = img.dtype if img.is_floating_point() else flambeau.float32
    source = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    mean = flambeau.mean(source.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, factor)


def adjust_saturation(img, factor):
    _check_factor("saturation_factor", factor)
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), factor)


def _rgb_to_hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = flambeau.max(img, dim=-3).values
    minc = flambeau.min(img, dim=-3).values
    flat = maxc == minc  # grey pixels: hue and saturation are 0 (no division by 0)
    spread = maxc - minc
    ones = flambeau.ones_like(maxc)
    s = spread / flambeau.where(flat, ones, maxc)
    divisor = flambeau.where(flat, ones, spread)
    rc, gc, bc = ((maxc - c) / divisor for c in (r, g, b))
    h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc) + \
        ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = flambeau.fmod(h / 6.0 + 1.0, 1.0)
    return flambeau.stack((h, s, maxc), dim=-3)


def _hsv_to_rgb(img):
    h, s, v = img.unbind(dim=-3)
    sector = flambeau.floor(h * 6.0)
    f = h * 6.0 - sector
    sector = sector.to(dtype=flambeau.int32) % 6
    p = flambeau.clamp(v * (1.0 - s), 0.0, 1.0)
    q = flambeau.clamp(v * (1.0 - s * f), 0.0, 1.0)
    t = flambeau.clamp(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    mask = (sector.unsqueeze(dim=-3) == flambeau.arange(6).view(-1, 1, 1)).to(img.dtype)
    table = flambeau.stack((flambeau.stack((v, q, p, p, t, v), dim=-3),
                            flambeau.stack((t, v, v, q, p, p), dim=-3),
                            flambeau.stack((p, p, t, v, v, q), dim=-3)), dim=-4)
    return flambeau.einsum("...ijk, ...xijk -> ...xjk", mask, table)


def adjust_hue(img, factor):
    if get_dimensions(img)[0] == 1:
        return img
    dtype = img.dtype
    img = convert_image_dtype(img, flambeau.float32)
    hsv = _rgb_to_hsv(img)
    h, s, v = hsv.unbind(dim=-3)
    h = (h + factor) % 1.0
    rgb = _hsv_to_rgb(flambeau.stack((h, s, v), dim=-3))
    return convert_image_dtype(rgb, dtype)


def _gaussian_kernel1d(size, sigma, dtype):
    half = (size - 1) * 0.5
    x = flambeau.linspace(-half, half, steps=size, dtype=dtype)
    pdf = flambeau.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def depthwise_conv2d(img, kernel):
    """``img`` ``(N, C, H, W)`` convolved (no padding) with the 2-d ``kernel`` on each channel,
    as torch's CPU build convolves: float32 inputs it gives oneDNN (several channels or
    images, kernels over 3x3, or large planes) summed tap by tap in row-major order, each tap
    fused into the sum (bit-identical); the others through ``conv2d``."""
    n, c = img.shape[:2]
    kh, kw = kernel.shape
    if img.dtype != flambeau.float32 or not (c > 1 or n > 1 or (kh > 3 and kw > 3)
                                             or img.numel() > 20480):
        return F.conv2d(img, kernel.expand(c, 1, kh, kw), groups=c)
    x, k = img.numpy(), kernel.numpy().astype(np.float64)
    h, w = x.shape[-2] - kh + 1, x.shape[-1] - kw + 1
    out = np.zeros(x.shape[:-2] + (h, w), np.float32)
    rows = max(1, 32768 // (n * c * w))  # a band of rows whose sums stay in the cache
    wide = np.empty(x.shape[:-2] + (rows, w))
    for top in range(0, h, rows):
        band = out[..., top:top + rows, :]
        product = wide[..., :band.shape[-2], :]
        for i in range(kh):
            for j in range(kw):  # each tap fused: an exact float64 product, one rounding
                np.multiply(x[..., top + i:top + i + band.shape[-2], j:j + w], k[i, j],
                            out=product)
                np.add(product, band, out=band, casting="same_kind")
    return flambeau.from_numpy(out)


def gaussian_blur(img, kernel_size, sigma):
    dtype = img.dtype if img.is_floating_point() else flambeau.float32
    kernel = flambeau.mm(_gaussian_kernel1d(kernel_size[1], sigma[1], dtype)[:, None],
                         _gaussian_kernel1d(kernel_size[0], sigma[0], dtype)[None, :])
    img, how = _as_float(img, (kernel.dtype,))
    kx, ky = kernel_size[0] // 2, kernel_size[1] // 2
    if img.requires_grad or ky >= img.shape[-2] or kx >= img.shape[-1]:  # torch's error
        img = F.pad(img, [kx, kx, ky, ky], mode="reflect")
    else:
        img = flambeau.from_numpy(np.pad(img.numpy(), ((0, 0),) * (img.ndim - 2)
                                         + ((ky, ky), (kx, kx)), mode="reflect"))
    return _restore(depthwise_conv2d(img, kernel), how)


def _affine_output_size(matrix, w, h):
    """(width, height) of the box holding the whole transformed image (for ``expand``)."""
    corners = flambeau.tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                               [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]])
    moved = flambeau.matmul(corners, flambeau.tensor(matrix, dtype=flambeau.float).view(2, 3).T)
    low = moved.min(dim=0).values + flambeau.tensor((w * 0.5, h * 0.5))
    high = moved.max(dim=0).values + flambeau.tensor((w * 0.5, h * 0.5))
    tol = 1e-4  # corners a rounding error past an integer do not add a pixel
    size = flambeau.ceil((high / tol).trunc_() * tol) - flambeau.floor((low / tol).trunc_() * tol)
    return int(size[0]), int(size[1])


def _check_grid_inputs(img, interpolation, fill):
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                         f"of channels of the image ({len(fill)} != {channels})")
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _grid(ow, oh, start_x, start_y, matrix):
    """``(1, oh, ow, 2)``: ``[x, y, 1] @ matrix`` (a ``3 x 2`` array) at the pixel centres
    ``start + 0, 1, ...``, summed in torch's order without fused multiply-adds (as torch's
    batched product of the homogeneous grid rounds)."""
    xs = flambeau.linspace(start_x, start_x + ow - 1.0, steps=ow).numpy().astype(matrix.dtype)
    ys = flambeau.linspace(start_y, start_y + oh - 1.0, steps=oh).numpy().astype(matrix.dtype)
    grid = xs[None, :, None] * matrix[0] + ys[:, None, None] * matrix[1]
    grid += matrix[2]
    return grid[None]


def _grid_sample_fill(img, grid, interpolation, fill, v2=False):
    """Samples ``img`` at ``grid`` (normalised coordinates); the pixels from outside get
    ``fill`` (through a mask channel, as torchvision fills them: bilinear blends
    ``img * mask + (1 - mask) * fill``, or with ``v2`` as v2 does, ``(img - fill) * mask +
    fill``)."""
    img, how = _as_float(img, (grid.dtype,))
    if img.shape[0] > 1:
        grid = grid.expand(img.shape[0], *grid.shape[1:])
    if fill is not None:
        img = flambeau.cat((img, flambeau.ones_like(img[:, :1])), dim=1)
    out = F.grid_sample(img, grid, mode=interpolation, padding_mode="zeros",
                        align_corners=False).numpy()
    if fill is not None:
        out, mask = out[:, :-1], out[:, -1:]
        colour = np.asarray(fill if isinstance(fill, (list, tuple)) else [float(fill)],
                            out.dtype).reshape(1, -1, 1, 1)
        if interpolation == "nearest":
            out = np.where(mask < 0.5, colour, out)
        elif v2:
            out = (out - colour) * mask + colour
        else:
            out = out * mask + (1.0 - mask) * colour
    return _restore(flambeau.from_numpy(np.ascontiguousarray(out)), how)


def _grid_dtype(img):
    return img.dtype if img.is_floating_point() else flambeau.float32


def affine(img, matrix, interpolation="nearest", fill=None, expand=False, v2=False):
    """Resamples ``img`` at ``matrix`` (output -> input pixels, about the image centre), in a
    canvas grown to hold the whole image when ``expand``."""
    _check_grid_inputs(img, interpolation, fill)
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _affine_output_size(matrix, w, h) if expand else (w, h)
    dtype = _grid_dtype(img).numpy_dtype
    scaled = np.array(matrix, dtype).reshape(2, 3).T / np.array([0.5 * w, 0.5 * h], dtype)
    grid = _grid(ow, oh, -ow * 0.5 + 0.5, -oh * 0.5 + 0.5, scaled)
    return _grid_sample_fill(img, flambeau.from_numpy(grid), interpolation, fill, v2)


def perspective(img, coeffs, interpolation="bilinear", fill=None, v2=False):
    """Resamples ``img`` at ``((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (...))``."""
    _check_grid_inputs(img, interpolation, fill)
    ow, oh = img.shape[-1], img.shape[-2]
    dtype = _grid_dtype(img).numpy_dtype
    theta1 = np.array(coeffs[:6], dtype).reshape(2, 3).T / np.array([0.5 * ow, 0.5 * oh], dtype)
    theta2 = np.array([coeffs[6], coeffs[7], 1.0], dtype)[:, None].repeat(2, axis=1)
    grid = _grid(ow, oh, 0.5, 0.5, theta1) / _grid(ow, oh, 0.5, 0.5, theta2) - dtype.type(1)
    return _grid_sample_fill(img, flambeau.from_numpy(grid), interpolation, fill, v2)


def elastic_transform(img, displacement, interpolation="bilinear", fill=None, v2=False):
    """Samples at the identity grid moved by ``displacement`` ``(1, H, W, 2)``."""
    ys, xs = (flambeau.linspace((-s + 1) / s, (s - 1) / s, s) for s in img.shape[-2:])
    grid_y, grid_x = flambeau.meshgrid(ys, xs, indexing="ij")
    grid = flambeau.stack([grid_x, grid_y], -1).unsqueeze(0) + displacement
    return _grid_sample_fill(img, grid, interpolation, fill, v2)


def _check_channels(img, permitted=(1, 3)):
    channels = get_dimensions(img)[0]
    if channels not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {list(permitted)}, "
                        f"but found {channels}")


def _check_3d(img):
    if img.ndim < 3:
        raise TypeError("Input image tensor should have at least 3 dimensions, but found "
                        f"{img.ndim}")
    _check_channels(img)


def _check_uint8(img):
    if img.dtype != flambeau.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")


def invert(img):
    _check_3d(img)
    return max_value(img.dtype) - img


def posterize(img, bits):
    _check_3d(img)
    _check_uint8(img)
    return img & -int(2 ** (8 - bits))


def solarize(img, threshold):
    _check_3d(img)
    if threshold > max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    return flambeau.where(img >= threshold, invert(img), img)


def adjust_gamma(img, gamma, gain=1):
    _check_channels(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    dtype = img.dtype
    result = convert_image_dtype(img, flambeau.float32) if not img.is_floating_point() else img
    return convert_image_dtype((gain * result.pow(gamma)).clamp(0, 1), dtype)


def _smoothed(img):
    """``img`` with its inner pixels replaced by Pillow's SMOOTH filter (1 1 1 / 1 5 1 / ...)."""
    kernel = flambeau.ones((3, 3), dtype=_grid_dtype(img))
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    smooth, how = _as_float(img, (kernel.dtype,))
    smooth = _restore(depthwise_conv2d(smooth, kernel), how)
    result = img.clone()
    result[..., 1:-1, 1:-1] = smooth
    return result


def adjust_sharpness(img, factor):
    if factor < 0:
        raise ValueError(f"sharpness_factor ({factor}) is not non-negative.")
    _check_channels(img)
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    return _blend(img, _smoothed(img), factor)


def autocontrast(img):
    """Each channel stretched so that its darkest pixel is 0 and its brightest full intensity."""
    _check_3d(img)
    bound = max_value(img.dtype)
    array = img.numpy()
    dtype = array.dtype if img.is_floating_point() else np.dtype(np.float32)
    low = array.min(axis=(-2, -1), keepdims=True).astype(dtype)
    high = array.max(axis=(-2, -1), keepdims=True).astype(dtype)
    with np.errstate(divide="ignore"):  # bound / t is reciprocal(t) * bound in torch
        scale = np.reciprocal(high - low) * dtype.type(bound)
    flat = ~np.isfinite(scale)
    low[flat], scale[flat] = 0, 1
    out = np.subtract(array, low, dtype=dtype)
    out *= scale
    np.clip(out, 0, bound, out=out)
    return flambeau.from_numpy(out.astype(array.dtype))


def equalize(img):
    """Per channel, Pillow's histogram equalisation: a lookup table from the cumulative
    histogram in steps of ``(pixels - pixels of the top value) // 255``."""
    if not 3 <= img.ndim <= 4:
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.ndim}")
    _check_uint8(img)
    _check_channels(img)
    return equalize_uint8(img)


def equalize_uint8(img):
    """:func:`equalize` of each ``(H, W)`` plane of a uint8 tensor of any shape, unchecked."""
    array = img.numpy()
    planes = array.reshape(-1, array.shape[-2] * array.shape[-1])
    rows = planes.shape[0]
    hist = np.bincount((planes + np.arange(rows)[:, None] * 256).ravel(),
                       minlength=rows * 256).reshape(rows, 256)
    top = hist[np.arange(rows), planes.max(axis=1)]
    step = (planes.shape[1] - top) // 255
    divisor = np.maximum(step, 1)[:, None]
    lut = np.zeros((rows, 256), np.int64)
    lut[:, 1:] = (np.cumsum(hist, axis=1)[:, :-1] + (step // 2)[:, None]) // divisor
    np.clip(lut, 0, 255, out=lut)
    out = np.take_along_axis(lut, planes.astype(np.int64), axis=1).astype(np.uint8)
    out = np.where((step == 0)[:, None], planes, out)
    return flambeau.from_numpy(out.reshape(array.shape))


def normalize(tensor, mean, std, inplace=False):
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    dtype = tensor.dtype.numpy_dtype
    mean, std = (np.asarray(v.numpy() if isinstance(v, flambeau.Tensor) else v, dtype)
                 for v in (mean, std))
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         "division by zero.")
    mean, std = (v.reshape(-1, 1, 1) if v.ndim == 1 else v for v in (mean, std))
    if tensor.requires_grad:  # through flambeau's ops, so the graph is recorded
        tensor = tensor if inplace else tensor.clone()
        return tensor.sub_(flambeau.from_numpy(mean)).div_(flambeau.from_numpy(std))
    source = tensor.numpy()
    out = source if inplace else np.empty_like(source)
    np.subtract(source, mean, out=out)
    np.divide(out, std, out=out)
    return tensor if inplace else flambeau.from_numpy(out)


def erase(img, i, j, h, w, v, inplace=False):
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


def resize_uint8(array, size, mode, antialias=True):
    """Resize of a uint8 array ``(..., H, W)`` by torch's native uint8 kernel (torchvision v2
    uses it): see ``flambeau._ops.resample.resize_uint8``."""
    return resample.resize_uint8(array, size, {"bilinear": "linear", "bicubic": "cubic", "lanczos": "lanczos"}[mode],
                                 False, (None, None), antialias)
