"""The PIL-image side of ``transforms.functional``: Pillow's own operations, as torchvision
uses them, so results are Pillow's pixels."""
import numpy as np

from .._pil import image_module


def get_dimensions(img):
    channels = len(img.getbands())
    return [channels, img.height, img.width]


def hflip(img):
    return img.transpose(image_module().FLIP_LEFT_RIGHT)


def vflip(img):
    return img.transpose(image_module().FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation):
    """``size`` is ``[h, w]``; ``interpolation`` a Pillow resampling filter."""
    return img.resize((size[1], size[0]), interpolation)


def parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill keyword for an image: one value per band, integers unless mode F."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = (fill,) * bands
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * bands
        elif len(fill) != bands:
            raise ValueError("The number of elements in 'fill' does not match the number of "
                             f"channels of the image ({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, ltrb, fill, padding_mode):
    """Pads by ``ltrb`` (left, top, right, bottom; negative values crop)."""
    Image = image_module()
    if padding_mode == "constant" and min(ltrb) >= 0:
        from PIL import ImageOps
        palette = img.getpalette() if img.mode == "P" else None
        out = ImageOps.expand(img, border=tuple(ltrb), **parse_fill(fill, img, "fill"))
        if palette is not None:
            out.putpalette(palette)
        return out
    left, top, right, bottom = (max(-p, 0) for p in ltrb)
    if left or top or right or bottom:
        img = img.crop((left, top, img.width - right, img.height - bottom))
    left, top, right, bottom = (max(p, 0) for p in ltrb)
    array = np.asarray(img)
    widths = ((top, bottom), (left, right)) + ((0, 0),) * (array.ndim - 2)
    if padding_mode == "constant":
        fill = parse_fill(fill, img, "fill")["fill"]
        out = np.pad(array, widths, "constant", constant_values=0)
        out[:top], out[out.shape[0] - bottom:] = fill, fill
        out[:, :left], out[:, out.shape[1] - right:] = fill, fill
    else:
        out = np.pad(array, widths, padding_mode)
    result = Image.fromarray(out)
    if img.mode == "P":
        result.putpalette(img.getpalette())
    return result


def to_grayscale(img, num_output_channels):
    Image = image_module()
    gray = img.convert("L")
    if num_output_channels == 1:
        return gray
    array = np.asarray(gray)
    return Image.fromarray(np.dstack([array] * 3), "RGB")


def _enhance(kind, img, factor):
    from PIL import ImageEnhance
    return getattr(ImageEnhance, kind)(img).enhance(factor)


def adjust_brightness(img, factor):
    return _enhance("Brightness", img, factor)


def adjust_contrast(img, factor):
    return _enhance("Contrast", img, factor)


def adjust_saturation(img, factor):
    return _enhance("Color", img, factor)


def adjust_hue(img, factor):
    """Shifts the H band of Pillow's HSV by ``factor`` turns (uint8 wrap-around)."""
    Image = image_module()
    mode = img.mode
    if mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    hue = np.array(h, dtype=np.uint8)
    with np.errstate(over="ignore"):
        hue += np.int32(factor * 255).astype(np.uint8)
    return Image.merge("HSV", (Image.fromarray(hue, "L"), s, v)).convert(mode)


def rotate(img, angle, interpolation, expand, center, fill):
    return img.rotate(angle, interpolation, expand, center, **parse_fill(fill, img))


def affine(img, matrix, interpolation, fill):
    Image = image_module()
    return img.transform(img.size, Image.AFFINE, matrix, interpolation, **parse_fill(fill, img))


def perspective(img, coeffs, interpolation, fill):
    Image = image_module()
    return img.transform(img.size, Image.PERSPECTIVE, coeffs, interpolation,
                         **parse_fill(fill, img))


def adjust_gamma(img, gamma, gain):
    """A lookup table of ``gain * (v / 255) ** gamma`` on the RGB image."""
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    mode = img.mode
    table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
    return img.convert("RGB").point(table).convert(mode)


def _ops(name):
    from PIL import ImageOps
    return getattr(ImageOps, name)


def invert(img):
    return _ops("invert")(img)


def posterize(img, bits):
    return _ops("posterize")(img, bits)


def solarize(img, threshold):
    return _ops("solarize")(img, threshold)


def autocontrast(img):
    return _ops("autocontrast")(img)


def equalize(img):
    return _ops("equalize")(img)


def adjust_sharpness(img, factor):
    return _enhance("Sharpness", img, factor)
