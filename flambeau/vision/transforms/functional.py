"""torchvision.transforms.functional: each function takes a PIL image or a ``[..., C, H, W]``
tensor and returns the same kind, with torchvision's pixels (Pillow's operations for PIL
images, flambeau's ops in torchvision's order for tensors)."""
import enum
import math
import numbers
import warnings

import numpy as np

import flambeau
from .._pil import image_module, is_pil_image
from . import _functional_pil as F_pil, _functional_tensor as F_t
from ... import _naming


class InterpolationMode(enum.Enum):
    """Interpolation modes (the values are the names interpolate takes)."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's resampling constants
_PIL_FILTER = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0,
               InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
               InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
               InterpolationMode.LANCZOS: 1}
pil_modes_mapping = _PIL_FILTER
_FROM_PIL = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
             3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
             5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}


def _interpolation(mode):
    """An InterpolationMode from one or from a Pillow constant."""
    if isinstance(mode, int):
        return _FROM_PIL[mode]
    if not isinstance(mode, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a "
                        "corresponding Pillow integer constant")
    return mode


def _kind(img):
    """F_t for a tensor, F_pil for a PIL image; TypeError otherwise."""
    if isinstance(img, flambeau.Tensor):
        return F_t
    if is_pil_image(img):
        return F_pil
    raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def get_dimensions(img):
    """``[channels, height, width]``."""
    return _kind(img).get_dimensions(img)


def get_image_size(img):
    """``[width, height]``."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# ---- conversions ----

_BYTE_MODES = ("L", "RGB", "RGBA", "P")  # one byte per band in Pillow's raw bytes


def _pil_array(pic):
    """The image as an ``(H, W, bands)`` array in ``to_tensor``'s dtype (mode 1 as 0/255)."""
    if pic.mode in _BYTE_MODES:  # the raw bytes: faster than NumPy's array interface
        array = np.frombuffer(pic.tobytes(), np.uint8)
    else:
        dtype = {"I": np.int32, "I;16": np.int16, "F": np.float32}.get(pic.mode, np.uint8)
        array = np.array(pic, dtype, copy=True)
        if pic.mode == "1":
            array = array * np.uint8(255)
    return array.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def to_tensor(pic):
    """A PIL image or HWC ndarray as a CHW tensor; uint8 becomes float in [0, 1]."""
    if not (is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        array = _pil_array(pic)
    chw = array.transpose(2, 0, 1)
    if array.dtype != np.uint8:
        return flambeau.from_numpy(np.ascontiguousarray(chw))
    # one pass: cast to the default float dtype and divide by 255 into the new CHW layout
    dtype = np.dtype(flambeau.get_default_dtype().numpy_dtype)
    out = np.empty(chw.shape, dtype)
    np.divide(chw, dtype.type(255), out=out, dtype=dtype)
    return flambeau.from_numpy(out)


def pil_to_tensor(pic):
    """A PIL image as a CHW tensor of its own dtype (no scaling)."""
    if not is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    if pic.mode in _BYTE_MODES:
        array = _pil_array(pic)
    else:
        array = np.asarray(pic)
        array = array[:, :, None] if array.ndim == 2 else array
    # one copy, always: Pillow's bytes are read-only, and the tensor is the caller's to change
    return flambeau.from_numpy(np.array(array.transpose(2, 0, 1), order="C"))


_MODES = {1: {np.uint8: "L", np.int16: "I;16", np.int32: "I", np.float32: "F"},
          2: {np.uint8: "LA"}, 3: {np.uint8: "RGB"}, 4: {np.uint8: "RGBA"}}
_PERMITTED = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}


def to_pil_image(pic, mode=None):
    """A CHW tensor or HWC ndarray as a PIL image; floats are scaled by 255 unless mode F."""
    Image = image_module()
    if isinstance(pic, flambeau.Tensor):
        if pic.ndim == 3:
            pic = pic.permute((1, 2, 0))
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = pic.unsqueeze(2) if isinstance(pic, flambeau.Tensor) else pic[:, :, None]
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    if isinstance(pic, flambeau.Tensor):
        if pic.is_floating_point() and mode != "F":
            pic = pic.mul(255).byte()
        array = pic.numpy()
    else:
        array = pic
        if np.issubdtype(array.dtype, np.floating) and mode != "F":
            array = (array * 255).astype(np.uint8)
    channels = array.shape[2]
    if channels == 1:
        array = array[:, :, 0]
        expected = _MODES[1].get(array.dtype.type)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. "
                             f"Should be {expected}")
        mode = expected
    else:
        if mode is not None and mode not in _PERMITTED[channels]:
            dims = {2: "2D", 3: "3D", 4: "4D"}[channels]
            raise ValueError(f"Only modes {_PERMITTED[channels]} are supported for {dims} "
                             "inputs")
        if mode is None:
            mode = _MODES[channels].get(array.dtype.type)
    if mode is None:
        raise TypeError(f"Input type {array.dtype} is not supported")
    # frombuffer reads the bytes in ``mode`` whatever NumPy type they came in (fromarray no
    # longer takes a mode)
    array = np.ascontiguousarray(array)
    return Image.frombuffer(mode, (array.shape[1], array.shape[0]), array, "raw", mode, 0, 1)


def convert_image_dtype(image, dtype=flambeau.float32):
    if not isinstance(image, flambeau.Tensor):
        raise TypeError("Input img should be Tensor Image")
    return F_t.convert_image_dtype(image, dtype)


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel."""
    if not isinstance(tensor, flambeau.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean, std, inplace)


# ---- geometry ----

def _resized_size(height, width, size, max_size):
    """``[h, w]`` for ``size`` (one value: the shorter edge, the longer one keeps the ratio)."""
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                             f"requested size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if width <= height else [new_short, new_long]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError("Size must be an int or a 1 or 2 element tuple/list, not a "
                             f"{len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of "
                             "the smaller edge, i.e. size should be an int or a sequence of "
                             "length 1 in torchscript mode.")
    _, h, w = get_dimensions(img)
    out = _resized_size(h, w, [size] if isinstance(size, int) else list(size), max_size)
    if [h, w] == out:
        return img
    if is_pil_image(img):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                          "antialias is ignored.")
        return F_pil.resize(img, out, _PIL_FILTER[interpolation])
    return F_t.resize(img, out, interpolation.value,
                      antialias and interpolation != InterpolationMode.LANCZOS)


def _ltrb(padding):
    """(left, top, right, bottom) from an int or a 1-, 2- or 4-sequence."""
    if isinstance(padding, numbers.Number):
        padding = [padding]
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def pad(img, padding, fill=0, padding_mode="constant"):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    return _kind(img).pad(img, _ltrb(padding), fill, padding_mode)


def crop(img, top, left, height, width):
    return _kind(img).crop(img, top, left, height, width)


def center_crop(img, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, h, w = get_dimensions(img)
    th, tw = output_size
    if tw > w or th > h:
        img = pad(img, [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                        (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0])
        _, h, w = get_dimensions(img)
        if (th, tw) == (h, w):
            return img
    return crop(img, int(round((h - th) / 2.0)), int(round((w - tw) / 2.0)), th, tw)


def resized_crop(img, top, left, height, width, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation,
                  antialias=antialias)


def hflip(img):
    return _kind(img).hflip(img)


def vflip(img):
    return _kind(img).vflip(img)


def _inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 matrix (flattened) of rotating by ``angle`` degrees, scaling and shearing about
    ``center`` then translating; ``inverted``: the matrix from output to input pixels, as
    Pillow and the tensor sampler take it. Summed in torchvision's order (same bits)."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in (a, b, 0.0, c, d, 0.0)]
        m[2] += m[0] * -cx + m[1] * -cy
        m[5] += m[3] * -cx + m[4] * -cy
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def _centre_offset(img, center):
    """``center`` (pixels) relative to the image centre, as the tensor sampler takes it."""
    if center is None:
        return [0.0, 0.0]
    _, h, w = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotates counter-clockwise by ``angle`` degrees."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if is_pil_image(img):
        return F_pil.rotate(img, angle, _PIL_FILTER[interpolation], expand, center, fill)
    _kind(img)
    matrix = _inverse_affine_matrix(_centre_offset(img, center), -angle, [0.0, 0.0], 1.0,
                                    [0.0, 0.0])
    return F_t.affine(img, matrix, interpolation.value, fill, expand)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Rotation by ``angle`` degrees, scale and shear (degrees) about ``center`` (default the
    image centre), then translation by ``translate`` pixels."""
    interpolation = _interpolation(interpolation)
    angle, translate, shear = _affine_args(angle, translate, scale, shear, center)
    _, height, width = get_dimensions(img)
    if is_pil_image(img):
        center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _inverse_affine_matrix(center, angle, translate, scale, shear)
        return F_pil.affine(img, matrix, _PIL_FILTER[interpolation], fill)
    return F_t.affine(img, _tensor_affine_matrix(img, angle, translate, scale, shear, center),
                      interpolation.value, fill)


def _affine_args(angle, translate, scale, shear, center):
    """torchvision's checks of affine's arguments; (angle, translate, shear) as floats and
    lists."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    return float(angle), list(translate), shear


def _tensor_affine_matrix(img, angle, translate, scale, shear, center):
    """The tensor sampler's matrix (about the image centre) of :func:`affine`'s arguments."""
    return _inverse_affine_matrix(_centre_offset(img, center), angle,
                                  [1.0 * t for t in translate], scale, shear)


def _perspective_coeffs(startpoints, endpoints):
    """The eight coefficients taking ``endpoints`` to ``startpoints`` (output to input pixels),
    solved in float64 and rounded to float32 as torchvision rounds them."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} "
                         f"startpoints and {len(endpoints)} endpoints.")
    rows = []
    for (x, y), (u, v) in zip(endpoints, startpoints):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    solution = np.linalg.lstsq(np.array(rows, np.float64),
                               np.array(startpoints, np.float64).reshape(8), rcond=None)[0]
    return solution.astype(np.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                fill=None):
    """Moves the four corners ``startpoints`` to ``endpoints`` ([top-left, top-right,
    bottom-right, bottom-left], each ``[x, y]``)."""
    coeffs = _perspective_coeffs(startpoints, endpoints)
    interpolation = _interpolation(interpolation)
    if is_pil_image(img):
        return F_pil.perspective(img, coeffs, _PIL_FILTER[interpolation], fill)
    _kind(img)
    return F_t.perspective(img, coeffs, interpolation.value, fill)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Moves each pixel by ``displacement`` ``(1, H, W, 2)`` (in normalised coordinates)."""
    if isinstance(interpolation, int):
        warnings.warn("Argument interpolation should be of type InterpolationMode instead of "
                      "int. Please, use InterpolationMode enum.")
    return _elastic(img, displacement, _interpolation(interpolation), fill)


def _elastic(img, displacement, interpolation, fill, v2=False):
    """elastic_transform past its warning (``v2``: v2's fill blend)."""
    if not isinstance(displacement, flambeau.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    tensor = pil_to_tensor(img) if _kind(img) is F_pil else img
    shape = (1,) + tuple(tensor.shape[-2:]) + (2,)
    if shape != tuple(displacement.shape):
        raise ValueError(f"Argument displacement shape should be {shape}, but given "
                         f"{displacement.shape}")
    out = F_t.elastic_transform(tensor, displacement, interpolation.value, fill, v2)
    return out if tensor is img else to_pil_image(out, mode=img.mode)


def _crop_size(size):
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the centre crop: ``(tl, tr, bl, br, center)``."""
    size = _crop_size(size)
    _, h, w = get_dimensions(img)
    ch, cw = size
    if cw > w or ch > h:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw),
            crop(img, h - ch, w - cw, ch, cw), center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip=False):
    """:func:`five_crop` of the image, then of its horizontal (or vertical) mirror."""
    size = _crop_size(size)
    return five_crop(img, size) + five_crop(vflip(img) if vertical_flip else hflip(img), size)


# ---- colour ----

def rgb_to_grayscale(img, num_output_channels=1):
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if is_pil_image(img):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


to_grayscale = rgb_to_grayscale


def adjust_brightness(img, brightness_factor):
    return _kind(img).adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    return _kind(img).adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _kind(img).adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor):
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    return _kind(img).adjust_hue(img, hue_factor)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blurs with a separable Gaussian (reflect padding); PIL images go through a tensor."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError("kernel_size should be int or a sequence of integers. Got "
                        f"{type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError("If kernel_size is a sequence its length should be 2. Got "
                         f"{len(kernel_size)}")
    if any(k % 2 == 0 or k < 0 for k in kernel_size):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    if any(s <= 0.0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    if is_pil_image(img):
        return to_pil_image(F_t.gaussian_blur(pil_to_tensor(img), kernel_size, sigma), img.mode)
    _kind(img)
    return F_t.gaussian_blur(img, kernel_size, sigma)


def erase(img, i, j, h, w, v, inplace=False):
    """Sets ``img[..., i:i+h, j:j+w]`` to ``v`` (tensors only)."""
    if not isinstance(img, flambeau.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    return F_t.erase(img, i, j, h, w, v, inplace)


def adjust_gamma(img, gamma, gain=1):
    """``gain * img ** gamma`` on intensities in [0, 1]."""
    return _kind(img).adjust_gamma(img, gamma, gain)


def invert(img):
    return _kind(img).invert(img)


def posterize(img, bits):
    """Keeps the ``bits`` high bits of each uint8 value."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    return _kind(img).posterize(img, bits)


def solarize(img, threshold):
    """Inverts the values at or above ``threshold``."""
    return _kind(img).solarize(img, threshold)


def adjust_sharpness(img, sharpness_factor):
    return _kind(img).adjust_sharpness(img, sharpness_factor)


def autocontrast(img):
    return _kind(img).autocontrast(img)


def equalize(img):
    return _kind(img).equalize(img)


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
