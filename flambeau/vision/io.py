"""torchvision.io's image functions through Pillow: read_file/write_file, decode_image,
decode_png, decode_jpeg, decode_webp, decode_avif, decode_gif, read_image, encode_png/write_png,
encode_jpeg/write_jpeg (HEIC, which Pillow cannot read, is not provided).

Images are uint8 ``(C, H, W)`` tensors (16-bit PNGs: uint16). Decoding is Pillow's (libpng,
libjpeg); the mode conversions (GRAY, RGB ...) are Pillow's, which may round a grey level
differently from torchvision's compiled decoders. Video is not provided.
"""
import enum
import io

import numpy as np

import flambeau
from .. import _naming
from ._pil import image_module


class ImageReadMode(enum.Enum):
    """The channels to decode into (strings such as ``"RGB"`` are accepted too)."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA",
             ImageReadMode.RGB: "RGB", ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The bytes of a file as a 1-d uint8 tensor."""
    with open(path, "rb") as f:
        return flambeau.from_numpy(np.frombuffer(f.read(), np.uint8).copy())


def write_file(filename, data):
    with open(filename, "wb") as f:
        f.write(data.numpy().tobytes())


def _to_chw(img, mode):
    """A PIL image as a (C, H, W) tensor in ``mode``."""
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODE[mode])
    elif img.mode == "P":  # palettes are expanded, keeping transparency
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("I;16", "I;16B"):
        img = img.convert("I;16")
    array = np.array(img)  # a writable copy: the tensor owns it
    if img.mode == "I;16":
        array = array.astype(np.uint16)
    if array.ndim == 2:
        array = array[:, :, None]
    return flambeau.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def _open(input):
    """The PIL image of the encoded bytes in ``input`` (a 1-d uint8 tensor)."""
    if input.dtype != flambeau.uint8 or input.ndim != 1:
        raise RuntimeError("Expected a 1 dimensional uint8 tensor of encoded image bytes")
    return image_module().open(io.BytesIO(input.numpy().tobytes()))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decodes the image bytes in ``input`` (a 1-d uint8 tensor, or a path)."""
    if not isinstance(input, flambeau.Tensor):
        input = read_file(str(input))
    img = _open(input)
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    return _to_chw(img, mode)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(input, mode, apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu",
                apply_exif_orientation=False):
    if isinstance(input, list):
        if not input:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, flambeau.Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_image(t, mode, apply_exif_orientation) for t in input]
    return decode_image(input, mode, apply_exif_orientation)


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    """A still WebP image (its first frame if animated)."""
    return _to_chw(_open(input), mode)


def decode_avif(input, mode=ImageReadMode.UNCHANGED):
    """An AVIF image (Pillow's AVIF plugin, Pillow >= 11.2)."""
    return _to_chw(_open(input), mode)


def decode_gif(input):
    """A GIF as RGB: ``(3, H, W)`` for one frame, ``(N, 3, H, W)`` for N frames (each frame
    as shown, over the previous ones as the GIF's disposal says)."""
    from PIL import ImageSequence
    frames = np.stack([np.array(frame.convert("RGB"))
                       for frame in ImageSequence.Iterator(_open(input))]).transpose(0, 3, 1, 2)
    return flambeau.from_numpy(np.ascontiguousarray(frames[0] if len(frames) == 1 else frames))


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(read_file(str(path)), mode, apply_exif_orientation)


def _encode(input, format, **options):
    """A (C, H, W) uint8 tensor (C = 1 or 3) encoded by Pillow, as a 1-d uint8 tensor."""
    if input.dtype != flambeau.uint8 or input.ndim != 3 or input.shape[0] not in (1, 3):
        raise RuntimeError(f"Input tensor must be a uint8 (C, H, W) image with 1 or 3 channels, "
                           f"got {input.dtype} of shape {list(input.shape)}")
    array = input.numpy().transpose(1, 2, 0)
    array = np.ascontiguousarray(array[:, :, 0] if input.shape[0] == 1 else array)
    out = io.BytesIO()
    image_module().fromarray(array).save(out, format=format, **options)
    return flambeau.from_numpy(np.frombuffer(out.getvalue(), np.uint8).copy())


def encode_png(input, compression_level=6):
    if not 0 <= compression_level <= 9:
        raise ValueError("Compression level should be between 0 and 9")
    return _encode(input, "PNG", compress_level=compression_level)


def write_png(input, filename, compression_level=6):
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is "
                             "passed")
        return [_encode(image, "JPEG", quality=quality) for image in input]
    return _encode(input, "JPEG", quality=quality)


def write_jpeg(input, filename, quality=75):
    write_file(filename, encode_jpeg(input, quality))


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
