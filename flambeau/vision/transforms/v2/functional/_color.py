"""v2's own colour kernels for image tensors (v1's round differently): blends and grey levels
as one fused multiply-add per step (torch's ``add_(x, alpha=)``), grey levels floored for
integer images, sharpness and autocontrast as v2 computes them, posterize and equalize for
every image dtype, and v2's scaled dtype conversion. PIL images use Pillow as in v1."""
import numpy as np

import flambeau
from ... import functional as F1
from ... import _functional_tensor as F_t
from ..._functional_tensor import max_value


def _fma(x, y, z, dtype):
    """``x * y + z`` rounded once to ``dtype`` (long double holds the exact product)."""
    return (np.asarray(x, np.longdouble) * np.asarray(y, np.longdouble) +
            np.asarray(z, np.longdouble)).astype(dtype)


def _work_dtype(array):
    return array.dtype if array.dtype.kind == "f" else np.dtype(np.float32)


def _check_channels(array):
    c = array.shape[-3]
    if c not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are 1 or 3, but found {c}")
    return c


def _finish(out, array):
    np.clip(out, 0, max_value(flambeau.from_numpy(array[:0]).dtype), out=out)
    return flambeau.from_numpy(out if array.dtype.kind == "f" else out.astype(array.dtype))


def _blend(array, other, ratio):
    """``array * ratio + other * (1 - ratio)``, clamped, in ``array``'s dtype."""
    dtype = _work_dtype(array)
    scaled = np.multiply(array, dtype.type(ratio), dtype=dtype)
    return _finish(_fma(other, dtype.type(1.0 - ratio), scaled, dtype), array)


def _gray(array, floor):
    """Luma ``0.2989 r + 0.587 g + 0.114 b`` (float; floored when ``floor``)."""
    dtype = _work_dtype(array)
    r, g, b = (array[..., k:k + 1, :, :] for k in range(3))
    gray = np.multiply(r, dtype.type(0.2989), dtype=dtype)
    gray = _fma(g, dtype.type(0.587), gray, dtype)
    gray = _fma(b, dtype.type(0.114), gray, dtype)
    return np.floor(gray) if floor else gray


def rgb_to_grayscale(img, num_output_channels=1):
    if F1._kind(img) is not F1.F_t:
        return F1.rgb_to_grayscale(img, num_output_channels)
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels must be 1 or 3, got {num_output_channels}.")
    array = img.numpy()
    if array.shape[-3] == 1:
        out = np.repeat(array, num_output_channels, axis=-3)
    else:
        out = _gray(array, False).astype(array.dtype)
        if num_output_channels == 3:
            out = np.repeat(out, 3, axis=-3)
    return flambeau.from_numpy(np.ascontiguousarray(out))


def _check_factor(name, factor):
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")


def adjust_brightness(img, brightness_factor):
    if F1._kind(img) is not F1.F_t:
        return F1.adjust_brightness(img, brightness_factor)
    _check_factor("brightness_factor", brightness_factor)
    array = img.numpy()
    _check_channels(array)
    dtype = _work_dtype(array)
    return _finish(np.multiply(array, dtype.type(brightness_factor), dtype=dtype), array)


def adjust_saturation(img, saturation_factor):
    if F1._kind(img) is not F1.F_t:
        return F1.adjust_saturation(img, saturation_factor)
    _check_factor("saturation_factor", saturation_factor)
    array = img.numpy()
    if _check_channels(array) == 1:
        return img
    return _blend(array, _gray(array, array.dtype.kind != "f"), saturation_factor)


def adjust_contrast(img, contrast_factor):
    if F1._kind(img) is not F1.F_t:
        return F1.adjust_contrast(img, contrast_factor)
    _check_factor("contrast_factor", contrast_factor)
    array = img.numpy()
    if _check_channels(array) == 3:
        gray = _gray(array, array.dtype.kind != "f")
    else:
        gray = array.astype(_work_dtype(array))
    mean = flambeau.mean(flambeau.from_numpy(gray), dim=(-3, -2, -1), keepdim=True).numpy()
    return _blend(array, mean, contrast_factor)


def adjust_sharpness(img, sharpness_factor):
    if F1._kind(img) is not F1.F_t:
        return F1.adjust_sharpness(img, sharpness_factor)
    array = img.numpy()
    channels, height, width = array.shape[-3:]
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor can have 1 or 3 channels, but found {channels}")
    _check_factor("sharpness_factor", sharpness_factor)
    if array.size == 0 or height <= 2 or width <= 2:
        return img
    dtype = _work_dtype(array)
    a, b = dtype.type(1.0 / 13.0), dtype.type(5.0 / 13.0)
    kernel = flambeau.from_numpy(np.array([[a, a, a], [a, b, a], [a, a, a]], dtype))
    work = array.astype(dtype).reshape(-1, channels, height, width)
    blurred = F_t.depthwise_conv2d(flambeau.from_numpy(work), kernel).numpy()
    if array.dtype.kind != "f":
        blurred = np.round(blurred)
    inner = work[..., 1:-1, 1:-1]
    inner[...] = _fma(blurred - inner, dtype.type(1.0 - sharpness_factor), inner, dtype)
    return _finish(work.reshape(array.shape), array)


def autocontrast(img):
    if F1._kind(img) is not F1.F_t:
        return F1.autocontrast(img)
    array = img.numpy()
    _check_channels(array)
    if array.size == 0:
        return img
    dtype = _work_dtype(array)
    work = array.astype(dtype)
    bound = max_value(img.dtype)
    low = work.min(axis=(-2, -1), keepdims=True)
    high = work.max(axis=(-2, -1), keepdims=True)
    flat = high == low
    inv_scale = (high - low) * dtype.type(1.0 / bound)
    low[flat], inv_scale[flat] = 0.0, 1.0
    return _finish((work - low) / inv_scale, array)


def posterize(img, bits):
    """Float images floored to ``2 ** bits`` levels, integer ones masked to their top ``bits``
    value bits (v1 takes uint8 only)."""
    if F1._kind(img) is not F1.F_t:
        return F1.posterize(img, bits)
    if not isinstance(bits, int) or not 0 <= bits <= 8:
        raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits} "
                        f"instead.")
    if img.is_floating_point():
        levels = 1 << bits
        return img.mul(levels).floor_().clamp_(0, levels - 1).mul_(1.0 / levels)
    value_bits = max_value(img.dtype).bit_length()
    if bits >= value_bits:
        return img
    return img & ((1 << bits) - 1) << (value_bits - bits)


def equalize(img):
    """v1's equalization of every ``(H, W)`` plane, other dtypes through uint8 and back
    (scaled); no channel check."""
    if F1._kind(img) is not F1.F_t:
        return F1.equalize(img)
    if img.numel() == 0:
        return img
    out = F_t.equalize_uint8(to_dtype_image(img, flambeau.uint8, True))
    return to_dtype_image(out, img.dtype, True)


def to_dtype_image(img, dtype=flambeau.float32, scale=False):
    """v1's convert_image_dtype when ``scale``, except integers to floats: multiplied by ``1 /
    max`` (v1 divides, which rounds differently), uint16 to narrower integers (v1 cannot), and
    v2's words for an unsafe cast."""
    if not scale or img.dtype == dtype:
        return img.to(dtype)
    if not img.is_floating_point() and dtype.is_floating_point:
        return img.to(dtype).mul_(1.0 / F_t.max_value(img.dtype))
    if img.dtype == flambeau.uint16 and not dtype.is_floating_point:  # by a true division
        shift = 16 - F_t.max_value(dtype).bit_length()
        return (img / 2 ** shift).to(dtype) if shift > 0 else img.to(dtype) * 2 ** -shift
    if (img.dtype, dtype) in ((flambeau.float32, flambeau.int32), (flambeau.float32, flambeau.int64),
                              (flambeau.float64, flambeau.int64)):
        raise RuntimeError(f"The conversion from {img.dtype} to {dtype} cannot be performed "
                           f"safely.")
    return F1.convert_image_dtype(img, dtype)
