"""torchvision.transforms.v2.functional: each function takes a PIL image, a plain tensor (an
image) or a tv_tensor and returns the same kind: images, videos and masks through the v1
kernels (masks with nearest sampling), bounding boxes moved with the pixels and re-wrapped with
their new canvas size. A tv_tensor type an operation does not handle raises TypeError here and
passes through unchanged inside a v2 transform."""
import inspect
import io
import math
import numbers

import numpy as np

import flambeau
from ... import functional as F1
from ...functional import InterpolationMode
from ... import _functional_tensor as F_t
from .... import tv_tensors
from ...._pil import image_module, is_pil_image
from .... import io as _vio
from . import _color
from . import _rotated
from ..... import _naming

__all__ = ["InterpolationMode", "center_crop", "convert_bounding_box_format", "crop",
           "clamp_bounding_boxes", "erase", "five_crop", "gaussian_blur", "get_dimensions",
           "get_size", "hflip", "horizontal_flip", "normalize", "pad", "pil_to_tensor",
           "resize", "resized_crop", "rotate", "affine", "perspective", "rgb_to_grayscale",
           "ten_crop", "to_dtype", "to_image", "to_pil_image", "to_pure_tensor", "vertical_flip",
           "vflip", "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
           "adjust_gamma", "adjust_sharpness", "autocontrast", "equalize", "invert",
           "posterize", "solarize", "grayscale_to_rgb", "convert_image_dtype", "elastic",
           "elastic_transform", "get_image_num_channels", "get_image_size", "get_num_channels",
           "is_pure_tensor", "permute_channels", "sanitize_bounding_boxes", "to_tensor",
           "gaussian_noise", "get_num_frames", "uniform_temporal_subsample", "register_kernel",
           "jpeg", "clamp_keypoints", "sanitize_keypoints"]

pil_to_tensor, to_pil_image = F1.pil_to_tensor, F1.to_pil_image


def _plain(t):
    """A tv_tensor's data as a plain tensor (same memory)."""
    return t if type(t) is flambeau.Tensor else flambeau.Tensor._make_subclass(flambeau.Tensor, t)


def _mode(interpolation):
    """An InterpolationMode from a mode, its name ('bilinear') or a Pillow constant."""
    if isinstance(interpolation, str):
        return InterpolationMode(interpolation.lower())
    return F1._interpolation(interpolation)


def _nearest_mask(kernel, exact=False):
    """The image kernel on a mask: nearest sampling whatever interpolation is asked (but
    nearest-exact kept when ``exact``, as torchvision's resize_mask keeps it), a channel added
    to 2-d masks."""
    signature = inspect.signature(kernel)

    def run(mask, *args, **kwargs):
        squeeze = mask.ndim < 3
        bound = signature.bind(mask.unsqueeze(0) if squeeze else mask, *args, **kwargs)
        asked = bound.arguments.get("interpolation")
        keep = exact and asked is not None and _mode(asked) == InterpolationMode.NEAREST_EXACT
        bound.arguments["interpolation"] = (InterpolationMode.NEAREST_EXACT if keep
                                            else InterpolationMode.NEAREST)
        out = kernel(*bound.args, **bound.kwargs)
        return out.squeeze(0) if squeeze else out
    return run


def _dispatcher(image, boxes=None, mask=None, videos=True, fold=True, points=None):
    """The functional for ``image`` (PIL images and image tensors, leading dimensions folded
    into one unless not ``fold``), ``boxes`` and ``points`` (kernels taking and returning
    BoundingBoxes and KeyPoints) and ``mask`` (default: none)."""
    run = (lambda img, args, kwargs: _batched(image, img, args, kwargs)) if fold else \
        (lambda img, args, kwargs: image(img, *args, **kwargs))

    def functional(inpt, *args, **kwargs):
        kernel = _registered(functional, inpt)
        if kernel is not None:
            return kernel(inpt, *args, **kwargs)
        if isinstance(inpt, tv_tensors.TVTensor) and not isinstance(inpt, _BUILTIN):
            raise _unsupported(functional, inpt)
        if isinstance(inpt, tv_tensors.BoundingBoxes):
            if boxes is None:
                raise _unsupported(functional, inpt)
            return boxes(inpt, *args, **kwargs)
        if isinstance(inpt, tv_tensors.KeyPoints):
            if points is None:
                raise _unsupported(functional, inpt)
            return points(inpt, *args, **kwargs)
        if isinstance(inpt, tv_tensors.Mask):
            if mask is None:
                raise _unsupported(functional, inpt)
            return _wrap_like(mask(_plain(inpt), *args, **kwargs), inpt)
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
            if isinstance(inpt, tv_tensors.Video) and not videos:
                raise _unsupported(functional, inpt)
            return _wrap_like(run(_plain(inpt), args, kwargs), inpt)
        if isinstance(inpt, flambeau.Tensor):
            return run(inpt, args, kwargs)
        if is_pil_image(inpt):
            return image(inpt, *args, **kwargs)
        raise _unsupported(functional, inpt)

    functional.kernels = {}
    functional.types = ["Image", "Tensor", "PIL.Image.Image"] + ["Mask"] * (mask is not None) + \
        ["KeyPoints"] * (points is not None) + ["BoundingBoxes"] * (boxes is not None) + \
        ["Video"] * videos
    functional.handles = lambda inpt: _registered(functional, inpt) is not None or not (
        (boxes is None and isinstance(inpt, tv_tensors.BoundingBoxes))
        or (points is None and isinstance(inpt, tv_tensors.KeyPoints))
        or (mask is None and isinstance(inpt, tv_tensors.Mask))
        or (isinstance(inpt, tv_tensors.TVTensor) and not isinstance(inpt, _BUILTIN))
        or not (isinstance(inpt, flambeau.Tensor) or is_pil_image(inpt)))
    functional.__doc__ = image.__doc__
    return functional


def _wrap_like(out, like):
    """``out`` (or each of a tuple of outputs) as ``like``'s tv_tensor type."""
    if isinstance(out, tuple):
        return tuple(tv_tensors.wrap(o, like=like) for o in out)
    return tv_tensors.wrap(out, like=like)


def _batched(kernel, img, args, kwargs):
    """``kernel`` on ``img``, its leading dimensions (videos, batches of them) folded into one
    batch dimension as v2's kernels fold them."""
    if img.ndim <= 4:
        return kernel(img, *args, **kwargs)
    out = kernel(img.reshape(-1, *img.shape[-3:]), *args, **kwargs)
    if not isinstance(out, flambeau.Tensor):  # the crops of five_crop/ten_crop
        return type(out)(o.reshape(*img.shape[:-3], *o.shape[-3:]) for o in out)
    return out.reshape(*img.shape[:-3], *out.shape[-3:])


_BUILTIN = (tv_tensors.Image, tv_tensors.Video, tv_tensors.Mask, tv_tensors.BoundingBoxes,
            tv_tensors.KeyPoints)


def _registered(functional, inpt):
    """The kernel registered for ``inpt``'s class (or a base below TVTensor), if any."""
    if functional.kernels and isinstance(inpt, tv_tensors.TVTensor):
        for cls in type(inpt).__mro__:
            if cls is tv_tensors.TVTensor:
                break
            if cls in functional.kernels:
                return functional.kernels[cls]
    return None


def register_kernel(functional, tv_tensor_cls):
    """A decorator registering a kernel of ``functional`` (or its name) for a user-defined
    tv_tensor class; the kernel gets the tv_tensor itself and returns what it likes."""
    if isinstance(functional, str):
        functional = globals().get(functional)
    if not (callable(functional) and hasattr(functional, "kernels")):
        raise ValueError("Kernels can only be registered on functionals from the "
                         f"torchvision.transforms.v2.functional namespace, but got {functional}.")
    if not (isinstance(tv_tensor_cls, type) and issubclass(tv_tensor_cls, tv_tensors.TVTensor)):
        raise ValueError("Kernels can only be registered for subclasses of "
                         f"torchvision.tv_tensors.TVTensor, but got {tv_tensor_cls}.")
    if tv_tensor_cls in _BUILTIN:
        raise ValueError("Kernels cannot be registered for the builtin tv_tensor classes, but got "
                         f"{tv_tensor_cls}")

    def register(kernel):
        functional.kernels[tv_tensor_cls] = kernel
        return kernel
    return register


def _unsupported(functional, inpt):
    """torchvision's TypeError, the supported types named (not printed as classes)."""
    types = getattr(functional, "types", ["Tensor"])
    return TypeError(f"Functional F.{functional.__name__} supports inputs of type "
                     f"[{', '.join(types)}], but got {type(inpt)} instead.")


# ---- bounding boxes ----

_XYXYXYXY, _CXCYWHR = tv_tensors.BoundingBoxFormat.XYXYXYXY, tv_tensors.BoundingBoxFormat.CXCYWHR

def _to_xyxy(boxes, format):
    """``boxes`` (a float array copy) as XYXY."""
    if format == tv_tensors.BoundingBoxFormat.XYWH:
        boxes[..., 2:] += boxes[..., :2]
    elif format == tv_tensors.BoundingBoxFormat.CXCYWH:
        half = boxes[..., 2:] / 2
        boxes[..., 2:] = boxes[..., :2] + half
        boxes[..., :2] -= half
    return boxes


def _from_xyxy(boxes, format):
    if format == tv_tensors.BoundingBoxFormat.XYWH:
        boxes[..., 2:] -= boxes[..., :2]
    elif format == tv_tensors.BoundingBoxFormat.CXCYWH:
        boxes[..., 2:] -= boxes[..., :2]
        boxes[..., :2] += boxes[..., 2:] / 2
    return boxes


def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Boxes from ``old_format`` (default: the tv_tensor's) to ``new_format``."""
    if new_format is None:
        raise TypeError("convert_bounding_box_format() missing 1 required argument: "
                        "'new_format'")
    is_boxes = isinstance(inpt, tv_tensors.BoundingBoxes)
    if is_boxes:
        if old_format is not None:
            raise ValueError("For bounding box tv_tensor inputs, `old_format` must not be "
                             "passed.")
        old_format = inpt.format
    elif old_format is None:
        raise ValueError("For pure tensor inputs, `old_format` has to be passed.")
    old_format, new_format = (tv_tensors.BoundingBoxFormat[f.upper()] if isinstance(f, str) else f
                              for f in (old_format, new_format))
    rotated = tv_tensors.is_rotated_bounding_format(old_format)
    if rotated != tv_tensors.is_rotated_bounding_format(new_format):
        raise ValueError("Cannot convert between rotated and unrotated bounding boxes.")
    array = _plain(inpt).numpy()
    work = array.astype(float if array.dtype.kind != "f" else array.dtype, copy=True)
    if rotated:
        out = _rotated.convert(work, old_format, new_format).astype(array.dtype)
    else:
        out = _from_xyxy(_to_xyxy(work, old_format), new_format).astype(array.dtype)
    if inplace and out.shape == array.shape:
        array[...] = out
        out = array
    out = flambeau.from_numpy(out)
    return tv_tensors.wrap(out, like=inpt, format=new_format) if is_boxes else out


def _clamped(xyxy, canvas_size, clamping_mode):
    if clamping_mode is not None:
        xyxy[..., 0::2] = xyxy[..., 0::2].clip(0, canvas_size[1])
        xyxy[..., 1::2] = xyxy[..., 1::2].clip(0, canvas_size[0])
    return xyxy


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Boxes clamped to their canvas."""
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` must "
                             "not be passed.")
        mode = inpt.clamping_mode if clamping_mode == "auto" else clamping_mode
        if tv_tensors.is_rotated_bounding_format(inpt.format):
            return _rotated_op(inpt, lambda boxes: (boxes, inpt.canvas_size), mode)
        return _boxes_op(inpt, lambda xyxy: (_clamped(xyxy, inpt.canvas_size, mode),
                                             inpt.canvas_size))
    if format is None or canvas_size is None or clamping_mode == "auto":
        raise ValueError("For pure tensor inputs, `format`, `canvas_size` and `clamping_mode` "
                         "have to be passed.")
    like = tv_tensors.BoundingBoxes(inpt, format=format, canvas_size=canvas_size,
                                    clamping_mode=clamping_mode)
    return _plain(clamp_bounding_boxes(like, clamping_mode=clamping_mode))


def _boxes_op(boxes, move, clamp=False):
    """``move(xyxy float array) -> (xyxy, canvas_size)`` applied to BoundingBoxes in their own
    format and dtype (integer boxes are truncated back, as torchvision casts them)."""
    array = _plain(boxes).numpy()
    work = _to_xyxy(array.astype(float if array.dtype.kind != "f" else array.dtype), boxes.format)
    work, canvas = move(work)
    if clamp:
        work = _clamped(work, canvas, boxes.clamping_mode)
    out = _from_xyxy(work, boxes.format).astype(array.dtype)
    return tv_tensors.wrap(flambeau.from_numpy(out), like=boxes, canvas_size=tuple(canvas))


def _rotated_op(boxes, move, clamping_mode=None):
    """``move(float array in the boxes' rotated format) -> (array, canvas_size)`` on rotated
    BoundingBoxes, the result clamped by ``clamping_mode`` (None: not clamped)."""
    array = _plain(boxes).numpy()
    work, canvas = move(array.astype(float if array.dtype.kind != "f" else array.dtype))
    if clamping_mode is not None:
        work = _rotated.clamp(work, boxes.format, canvas, clamping_mode)
    out = flambeau.from_numpy(work.astype(array.dtype))
    return tv_tensors.wrap(out, like=boxes, canvas_size=tuple(canvas))


def _rotated_corners_op(boxes, move):
    """:func:`_rotated_op` through the corners: ``move(corners (N * 4, 2)) -> (rectangles'
    corners, canvas_size)``, clamped as corners, then back to the boxes' format."""
    def through_corners(work):
        corners = _rotated.convert(work, boxes.format, _XYXYXYXY).reshape(-1, 2)
        moved, canvas = move(corners)
        moved = moved.reshape(-1, 8)
        if boxes.clamping_mode is not None:
            moved = _rotated.clamp(moved, _XYXYXYXY, canvas, boxes.clamping_mode)
        return _rotated.convert(moved, _XYXYXYXY, boxes.format).reshape(work.shape), canvas
    return _rotated_op(boxes, through_corners)


def _squared(corners):
    """Moved corners ``(N * 4, 2)`` of rotated boxes squared back into rectangles."""
    return _rotated.rectangles(corners.reshape(-1, 8)).reshape(-1, 2)


def _rotated_flip(boxes, axis):
    array = _plain(boxes).numpy()
    work = array.astype(float if array.dtype.kind != "f" else array.dtype)
    out = _rotated.flip(work, boxes.format, boxes.canvas_size, axis).astype(array.dtype)
    return tv_tensors.wrap(flambeau.from_numpy(out), like=boxes)


def _hflip_boxes(boxes):
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        return _rotated_flip(boxes, 0)

    def move(xyxy):
        xyxy[..., [0, 2]] = boxes.canvas_size[1] - xyxy[..., [2, 0]]
        return xyxy, boxes.canvas_size
    return _boxes_op(boxes, move)


def _vflip_boxes(boxes):
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        return _rotated_flip(boxes, 1)

    def move(xyxy):
        xyxy[..., [1, 3]] = boxes.canvas_size[0] - xyxy[..., [3, 1]]
        return xyxy, boxes.canvas_size
    return _boxes_op(boxes, move)


def _resized_canvas(canvas_size, size, max_size):
    """``(height, width)`` after resizing to ``size``; size None: the longer side ``max_size``."""
    height, width = canvas_size
    if size is None:
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got "
                             f"{max_size} instead.")
        short, long = (width, height) if width <= height else (height, width)
        new_short = int(max_size * short / long)
        return (max_size, new_short) if width <= height else (new_short, max_size)
    if isinstance(size, int):
        size = [size]
    elif max_size is not None and len(size) != 1:
        raise ValueError("max_size should only be passed if size is None or specifies the length "
                         "of the smaller edge, i.e. size should be an int or a sequence of length "
                         "1 in torchscript mode.")
    return tuple(F1._resized_size(height, width, list(size), max_size))


def _resize_boxes(boxes, size, interpolation=None, max_size=None, antialias=None):
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        new = _resized_canvas(boxes.canvas_size, size, max_size)
        if new == tuple(boxes.canvas_size):
            return boxes

        def scale(corners):  # torchvision's ratios are float32
            ratios = np.float32([new[1] / boxes.canvas_size[1], new[0] / boxes.canvas_size[0]])
            return _squared(corners * ratios.astype(corners.dtype)), new
        return _rotated_corners_op(boxes, scale)

    def move(xyxy):
        new = _resized_canvas(boxes.canvas_size, size, max_size)
        if new == tuple(boxes.canvas_size):
            return xyxy, new
        xyxy *= [new[1] / boxes.canvas_size[1], new[0] / boxes.canvas_size[0]] * 2
        return xyxy, new
    return _boxes_op(boxes, move)


def _crop_boxes(boxes, top, left, height, width):
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        def crop(work):
            work = _rotated.shift(work, boxes.format, -left, -top)
            if boxes.format == _XYXYXYXY:
                work = _rotated.rectangles(work.reshape(-1, 8)).reshape(work.shape)
            return work, (height, width)
        return _rotated_op(boxes, crop, boxes.clamping_mode)

    def move(xyxy):
        xyxy -= [left, top, left, top]
        return xyxy, (height, width)
    return _boxes_op(boxes, move, clamp=True)


def _pad_boxes(boxes, padding, fill=None, padding_mode="constant"):
    if padding_mode != "constant":
        raise ValueError(f"Padding mode '{padding_mode}' is not supported with bounding boxes")
    left, top, right, bottom = F1._ltrb(padding)
    canvas = (boxes.canvas_size[0] + top + bottom, boxes.canvas_size[1] + left + right)
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        return _rotated_op(boxes, lambda work: (_rotated.shift(work, boxes.format, left, top),
                                                canvas), boxes.clamping_mode)

    def move(xyxy):
        xyxy += [left, top, left, top]
        return xyxy, canvas
    return _boxes_op(boxes, move, clamp=True)


def _crop_anchor(canvas_size, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    height, width = canvas_size
    th, tw = output_size
    return int(round((height - th) / 2.0)), int(round((width - tw) / 2.0)), th, tw


def _center_crop_boxes(boxes, output_size):
    return _crop_boxes(boxes, *_crop_anchor(boxes.canvas_size, output_size))


def _resized_crop_boxes(boxes, top, left, height, width, size, interpolation=None,
                        antialias=None):
    return _resize_boxes(_crop_boxes(boxes, top, left, height, width), size)


def _affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """v1's ``_inverse_affine_matrix`` as v2 computes it (other roundings, other bits)."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    (cx, cy), (tx, ty) = center, translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -(a * math.tan(sx) + math.sin(rot))
    c = math.sin(rot - sy) / math.cos(sy)
    d = math.cos(rot) - c * math.tan(sx)
    if inverted:
        m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
        m[2] += cx - m[0] * (cx + tx) - m[1] * (cy + ty)
        m[5] += cy - m[3] * (cx + tx) - m[4] * (cy + ty)
    else:
        m = [a * scale, b * scale, 0.0, c * scale, d * scale, 0.0]
        m[2] += cx + tx - m[0] * cx - m[1] * cy
        m[5] += cy + ty - m[3] * cx - m[4] * cy
    return m


def _affine_points(points, canvas_size, angle, translate, scale, shear, center, expand,
                   then=None):
    """``(N, 2)`` float points moved by the affine map (then by ``then``), and the canvas they
    are on: with ``expand``, moved so that the moved image frame starts at 0, on a canvas that
    holds it."""
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear) * (2 if len(shear) == 1 else 1)
    height, width = canvas_size
    center = [width * 0.5, height * 0.5] if center is None else [float(c) for c in center]
    args = (center, float(angle), list(translate), scale, shear)
    matrix = np.array(_affine_matrix(*args, inverted=False), points.dtype)
    matrix = matrix.reshape(2, 3).T
    moved = _homogeneous(points, matrix)
    if then is not None:
        moved = then(moved)
    if not expand:
        return moved, canvas_size
    frame = np.array([[0.0, 0.0], [0.0, height], [width, height], [width, 0.0]], points.dtype)
    moved -= _homogeneous(frame, matrix).min(axis=0)
    new_width, new_height = F_t._affine_output_size(_affine_matrix(*args), width, height)
    return moved, (new_height, new_width)


def _homogeneous(points, matrix):
    """``[x, y, 1] @ matrix`` for ``(N, 2)`` points and a ``(3, k)`` matrix, summed left to
    right as torch's product of such small matrices rounds."""
    return points[:, :1] * matrix[0] + points[:, 1:] * matrix[1] + matrix[2]


def _affine_boxes(boxes, angle, translate, scale, shear, center=None, expand=False):
    """The boxes holding the moved corners of each box (clamped to the new canvas); rotated
    boxes: the rectangles squared from their moved corners."""
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        return _rotated_corners_op(boxes, lambda corners: _affine_points(
            corners, boxes.canvas_size, angle, translate, scale, shear, center, expand,
            then=_squared))

    def move(xyxy):
        corners = xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
        moved, canvas = _affine_points(corners, boxes.canvas_size, angle, translate, scale,
                                       shear, center, expand)
        moved = moved.reshape(-1, 4, 2)
        return np.concatenate([moved.min(axis=1), moved.max(axis=1)], axis=1), canvas
    return _boxes_op(boxes, move, clamp=True)


def _perspective_boxes(boxes, startpoints, endpoints, interpolation=None, fill=None,
                       coefficients=None):
    """The boxes holding each box's corners moved by the perspective (the inverse of the
    coefficients, which map output to input pixels)."""
    inverse = _perspective_inverse(startpoints, endpoints, coefficients, "bounding boxes")
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        return _rotated_corners_op(boxes, lambda corners: (_squared(_perspective_points(
            corners, inverse, corners.dtype)), boxes.canvas_size))

    def move(xyxy):
        dtype = xyxy.dtype if xyxy.dtype.kind == "f" else np.float32
        corners = xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2).astype(dtype)
        moved = _perspective_points(corners, inverse, dtype).reshape(-1, 4, 2)
        return np.concatenate([moved.min(axis=1), moved.max(axis=1)], axis=1), boxes.canvas_size
    return _boxes_op(boxes, move, clamp=True)


def _perspective_inverse(startpoints, endpoints, coefficients, what):
    """The coefficients of the perspective mapping input to output pixels (the inverse of the
    given ones, which map output to input), as torchvision computes them."""
    c = _coefficients(startpoints, endpoints, coefficients)
    denom = c[0] * c[4] - c[1] * c[3]
    if denom == 0:
        raise RuntimeError(f"Provided perspective_coeffs {c} can not be inverted to transform "
                           f"{what}. Denominator is zero, denom={denom}")
    return [(c[4] - c[5] * c[7]) / denom, (-c[1] + c[2] * c[7]) / denom,
            (c[1] * c[5] - c[2] * c[4]) / denom, (-c[3] + c[5] * c[6]) / denom,
            (c[0] - c[2] * c[6]) / denom, (-c[0] * c[5] + c[2] * c[3]) / denom,
            (-c[4] * c[6] + c[3] * c[7]) / denom, (-c[0] * c[7] + c[1] * c[6]) / denom]


def _perspective_points(points, inverse, dtype):
    """``(N, 2)`` points moved by the perspective ``inverse``, computed in ``dtype``."""
    numer = np.array([inverse[0:3], inverse[3:6]], dtype).T
    denominator = np.array([[inverse[6]], [inverse[7]], [1.0]], dtype)
    return _homogeneous(points, numer) / _homogeneous(points, denominator)


def _elastic_boxes(boxes, displacement, interpolation=None, fill=None):
    """Each corner moved by the displacement found at its (ceiled) pixel; the boxes holding
    the moved corners."""
    _check_displacement(displacement, boxes.canvas_size)
    if tv_tensors.is_rotated_bounding_format(boxes.format):  # only the centre moves
        def move_centre(work):
            centres = _rotated.convert(work, boxes.format, _CXCYWHR).reshape(-1, 5)
            centres[:, :2] = _elastic_points(np.ceil(centres[:, :2]).astype(np.int64),
                                             displacement, boxes.canvas_size, centres.dtype)
            if boxes.clamping_mode is not None:
                centres = _rotated.clamp(centres, _CXCYWHR, boxes.canvas_size,
                                         boxes.clamping_mode)
            return (_rotated.convert(centres, _CXCYWHR, boxes.format).reshape(work.shape),
                    boxes.canvas_size)
        return _rotated_op(boxes, move_centre)

    def move(xyxy):
        dtype = xyxy.dtype if boxes.is_floating_point() else np.dtype(np.float32)
        corners = np.ceil(xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2))
        moved = _elastic_points(corners.astype(np.int64), displacement, boxes.canvas_size,
                                dtype).reshape(-1, 4, 2)
        out = np.concatenate([moved.min(axis=1), moved.max(axis=1)], axis=1)
        return (out if boxes.is_floating_point() else np.trunc(out)), boxes.canvas_size
    return _boxes_op(boxes, move, clamp=True)


def _check_displacement(displacement, canvas_size):
    expected = (1, canvas_size[0], canvas_size[1], 2)
    if not isinstance(displacement, flambeau.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    if tuple(displacement.shape) != expected:
        raise ValueError(f"Argument displacement shape should be {expected}, but given "
                         f"{displacement.shape}")


def _elastic_points(pixels, displacement, canvas_size, dtype):
    """Where the elastic displacement sends the integer ``(N, 2)`` points ``pixels`` (clipped
    to the canvas): the inverted displacement at that pixel, in pixel coordinates."""
    height, width = canvas_size
    xs, ys = (flambeau.linspace((-n + 1) / n, (n - 1) / n, n, dtype=flambeau.float64 if
                                dtype == np.float64 else flambeau.float32).numpy()
              for n in (width, height))
    grid = np.empty((height, width, 2), dtype)
    grid[..., 0], grid[..., 1] = xs, ys[:, None]
    grid -= displacement.numpy()[0].astype(dtype)
    ix, iy = pixels[:, 0].clip(0, width - 1), pixels[:, 1].clip(0, height - 1)
    scale = dtype.type(0.5) * np.array([width, height], dtype)
    return (grid[iy, ix] + dtype.type(1)) * scale - dtype.type(0.5)


def _rotate_boxes(boxes, angle, interpolation=None, expand=False, center=None, fill=None):
    return _affine_boxes(boxes, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center, expand)


def _affine_boxes_kernel(boxes, angle, translate, scale, shear, interpolation=None, fill=None,
                         center=None):
    return _affine_boxes(boxes, angle, translate, scale, shear, center)


# ---- keypoints ----

def _points_op(points, move):
    """``move((N, 2) array) -> (array, canvas_size)`` on the coordinates of KeyPoints of any
    shape, cast back to their dtype (integer points truncated, as torchvision casts them)."""
    array = _plain(points).numpy()
    out, canvas = move(array.reshape(-1, 2))
    out = np.ascontiguousarray(out.astype(array.dtype, copy=False).reshape(array.shape))
    return tv_tensors.wrap(flambeau.from_numpy(out), like=points, canvas_size=tuple(canvas))


def _float_points(points):
    """The float dtype torchvision moves points in: theirs, or float32 for integer points."""
    dtype = _plain(points).numpy().dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float32)


def _flip_points(axis):
    """The kernel mirroring points in x (``axis`` 0) or y (1): ``size - 1 - coordinate``."""
    def flip(points):
        def move(xy):
            xy = xy.copy()
            xy[:, axis] = (points.canvas_size[1 - axis] - 1) - xy[:, axis]
            return xy, points.canvas_size
        return _points_op(points, move)
    return flip


def _resize_points(points, size, interpolation=None, max_size=None, antialias=None):
    def move(xy):
        new = _resized_canvas(points.canvas_size, size, max_size)
        if new == tuple(points.canvas_size):
            return xy, new
        ratios = np.array([new[1] / points.canvas_size[1], new[0] / points.canvas_size[0]],
                          np.float32)  # torchvision's float32 tensor of the ratios
        dtype = np.result_type(xy.dtype, np.float32) if xy.dtype.kind == "f" else np.float32
        return xy.astype(dtype) * ratios.astype(dtype), new
    return _points_op(points, move)


def _crop_points(points, top, left, height, width):
    return _points_op(points, lambda xy: (xy - np.array([left, top], xy.dtype), (height, width)))


def _center_crop_points(points, output_size):
    return _crop_points(points, *_crop_anchor(points.canvas_size, output_size))


def _resized_crop_points(points, top, left, height, width, size, interpolation=None,
                         antialias=None):
    return _resize_points(_crop_points(points, top, left, height, width), size)


def _pad_points(points, padding, fill=None, padding_mode="constant"):
    if padding_mode != "constant":
        raise ValueError(f"Padding mode '{padding_mode}' is not supported with KeyPoints "
                         "(supported modes are constant)")
    left, top, right, bottom = F1._ltrb(padding)
    height, width = points.canvas_size
    return _points_op(points, lambda xy: (xy + np.array([left, top], xy.dtype),
                                          (height + top + bottom, width + left + right)))


def _affine_points_kernel(points, angle, translate, scale, shear, interpolation=None, fill=None,
                          center=None, expand=False):
    if points.numel() == 0:
        return points
    dtype = _float_points(points)
    return _points_op(points, lambda xy: _affine_points(
        xy.astype(dtype), points.canvas_size, angle, translate, scale, shear, center, expand))


def _rotate_points(points, angle, interpolation=None, expand=False, center=None, fill=None):
    return _affine_points_kernel(points, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center=center,
                                 expand=expand)


def _perspective_points_kernel(points, startpoints, endpoints, interpolation=None, fill=None,
                               coefficients=None):
    if points.numel() == 0:
        return points
    inverse = _perspective_inverse(startpoints, endpoints, coefficients, "keypoints")
    dtype = _float_points(points)
    return _points_op(points, lambda xy: (_perspective_points(xy.astype(dtype), inverse, dtype),
                                          points.canvas_size))


def _elastic_points_kernel(points, displacement, interpolation=None, fill=None):
    _check_displacement(displacement, points.canvas_size)
    if points.numel() == 0:
        return points
    dtype = _float_points(points)
    return _points_op(points, lambda xy: (_elastic_points(
        xy.astype(np.int64), displacement, points.canvas_size, dtype), points.canvas_size))


def clamp_keypoints(inpt, canvas_size=None):
    """Points clamped to their canvas: x to [0, width - 1], y to [0, height - 1]."""
    if isinstance(inpt, tv_tensors.KeyPoints):
        if canvas_size is not None:
            raise ValueError("For keypoints tv_tensor inputs, `canvas_size` must not be "
                             "passed.")
        height, width = inpt.canvas_size
        return _points_op(inpt, lambda xy: (np.stack(
            [xy[:, 0].astype(_float_points(inpt)).clip(0, width - 1),
             xy[:, 1].astype(_float_points(inpt)).clip(0, height - 1)], -1), inpt.canvas_size))
    if not is_pure_tensor(inpt):
        raise TypeError("Input can either be a plain tensor or a keypoints tv_tensor, but got "
                        f"{type(inpt)} instead.")
    if canvas_size is None:
        raise ValueError("For pure tensor inputs, `canvas_size` has to be passed.")
    return _plain(clamp_keypoints(tv_tensors.KeyPoints(inpt, canvas_size=canvas_size)))


# ---- the functionals ----

def _resize_image(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                  antialias=True):
    """v1's resize, except bilinear, Lanczos (and antialiased bicubic) uint8 tensors: v2
    resizes them in integers; and Lanczos tensors, which v1 refuses."""
    mode = _mode(interpolation)
    if mode == InterpolationMode.LANCZOS and not antialias:
        raise ValueError("InterpolationMode.LANCZOS requires antialias=True")
    _, height, width = F1.get_dimensions(img)
    out = list(_resized_canvas((height, width), size, max_size))
    if out == [height, width]:
        return img
    if isinstance(img, flambeau.Tensor) and img.dtype == flambeau.uint8 and (
            mode in (InterpolationMode.BILINEAR, InterpolationMode.LANCZOS) or
            antialias and mode == InterpolationMode.BICUBIC):
        return flambeau.from_numpy(F_t.resize_uint8(img.numpy(), out, mode.value,
                                                    bool(antialias)))
    if isinstance(img, flambeau.Tensor) and mode == InterpolationMode.LANCZOS:
        return F_t.resize(img, out, mode.value, True)
    return F1.resize(img, out, mode, None, bool(antialias))


def _resized_crop_image(img, top, left, height, width, size,
                        interpolation=InterpolationMode.BILINEAR, antialias=True):
    return _resize_image(F1.crop(img, top, left, height, width), size, interpolation,
                         antialias=antialias)


def _rotate_image(img, angle, interpolation=InterpolationMode.NEAREST, expand=False,
                  center=None, fill=None):
    """v1's rotate, except tensors: turned by 0, 180 (and 90, 270 when square or expanded)
    degrees without resampling, v2's fill blend otherwise."""
    if is_pil_image(img):
        return F1.rotate(img, angle, _mode(interpolation), expand, center, fill)
    angle = angle % 360
    if center is None and (angle in (0, 180) or angle in (90, 270) and (
            expand or img.shape[-1] == img.shape[-2])):
        return img.clone() if angle == 0 else flambeau.rot90(img, int(angle // 90), (-2, -1))
    matrix = F1._inverse_affine_matrix(F1._centre_offset(img, center), -angle, [0.0, 0.0], 1.0,
                                       [0.0, 0.0])
    return F_t.affine(img, matrix, _mode(interpolation).value, _fill_for(img, fill), expand,
                      v2=True)


def _affine_image(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
                  fill=None, center=None):
    """v1's affine, with v2's fill blend on tensors."""
    if is_pil_image(img):
        return F1.affine(img, angle, translate, scale, shear, _mode(interpolation), fill, center)
    angle, translate, shear = F1._affine_args(angle, translate, scale, shear, center)
    matrix = F1._tensor_affine_matrix(img, angle, translate, scale, shear, center)
    return F_t.affine(img, matrix, _mode(interpolation).value, _fill_for(img, fill), v2=True)


def _coefficients(startpoints, endpoints, coefficients):
    """The perspective's eight coefficients, given or solved from the corners."""
    if coefficients is not None:
        if startpoints is not None and endpoints is not None:
            raise ValueError("The startpoints/endpoints and the coefficients shouldn't be "
                             "defined concurrently.")
        if len(coefficients) != 8:
            raise ValueError("Argument coefficients should have 8 float values")
        return coefficients
    if startpoints is not None and endpoints is not None:
        return F1._perspective_coeffs(startpoints, endpoints)
    raise ValueError("Either the startpoints/endpoints or the coefficients must have non `None` "
                     "values.")


def _perspective_image(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                       fill=None, coefficients=None):
    """v1's perspective, or the eight ``coefficients`` given directly (then no points)."""
    coefficients = _coefficients(startpoints, endpoints, coefficients)
    mode, fill = _mode(interpolation), _fill_for(img, fill)
    if is_pil_image(img):
        return F1.F_pil.perspective(img, coefficients, F1._PIL_FILTER[mode], fill)
    return F_t.perspective(img, coefficients, mode.value, fill, v2=True)


def _elastic_image(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    return F1._elastic(img, displacement, _mode(interpolation), _fill_for(img, fill), v2=True)


def _permute_channels_image(img, permutation):
    if is_pil_image(img):
        return F1.to_pil_image(_permute_channels_image(F1.pil_to_tensor(img), permutation))
    return img[..., list(permutation), :, :]


def _fill_for(img, fill):
    """Tensor kernels sample a fill of one value per channel."""
    if fill is None or not isinstance(img, flambeau.Tensor):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F1.get_dimensions(img)[0]
    return [float(f) for f in fill]


def _pad_image(img, padding, fill=None, padding_mode="constant"):
    return F1.pad(img, padding, 0 if fill is None else fill, padding_mode)


horizontal_flip = hflip = _dispatcher(F1.hflip, _hflip_boxes, F1.hflip, points=_flip_points(0))
vertical_flip = vflip = _dispatcher(F1.vflip, _vflip_boxes, F1.vflip, points=_flip_points(1))
resize = _dispatcher(_resize_image, _resize_boxes, _nearest_mask(_resize_image, exact=True),
                     points=_resize_points)
crop = _dispatcher(F1.crop, _crop_boxes, F1.crop, points=_crop_points)
center_crop = _dispatcher(F1.center_crop, _center_crop_boxes, F1.center_crop,
                          points=_center_crop_points)
resized_crop = _dispatcher(_resized_crop_image, _resized_crop_boxes,
                           _nearest_mask(_resized_crop_image), points=_resized_crop_points)
pad = _dispatcher(_pad_image, _pad_boxes, _pad_image, points=_pad_points)
rotate = _dispatcher(_rotate_image, _rotate_boxes, _nearest_mask(_rotate_image),
                     points=_rotate_points)
affine = _dispatcher(_affine_image, _affine_boxes_kernel, _nearest_mask(_affine_image),
                     points=_affine_points_kernel)
perspective = _dispatcher(_perspective_image, _perspective_boxes,
                          _nearest_mask(_perspective_image), points=_perspective_points_kernel)
elastic = elastic_transform = _dispatcher(_elastic_image, _elastic_boxes,
                                          _nearest_mask(_elastic_image),
                                          points=_elastic_points_kernel)
permute_channels = _dispatcher(_permute_channels_image)
five_crop = _dispatcher(F1.five_crop)
ten_crop = _dispatcher(F1.ten_crop)
rgb_to_grayscale = _dispatcher(_color.rgb_to_grayscale, videos=False)
to_grayscale = rgb_to_grayscale
adjust_brightness = _dispatcher(_color.adjust_brightness)
adjust_contrast = _dispatcher(_color.adjust_contrast)
adjust_saturation = _dispatcher(_color.adjust_saturation)
adjust_hue = _dispatcher(F1.adjust_hue)
adjust_gamma = _dispatcher(F1.adjust_gamma)
adjust_sharpness = _dispatcher(_color.adjust_sharpness)
autocontrast = _dispatcher(_color.autocontrast)
equalize = _dispatcher(_color.equalize)
invert = _dispatcher(F1.invert)
posterize = _dispatcher(_color.posterize)
solarize = _dispatcher(F1.solarize)
gaussian_blur = _dispatcher(F1.gaussian_blur)


def _grayscale_to_rgb_image(img):
    if F1.get_dimensions(img)[0] == 3:
        return img
    return F1.rgb_to_grayscale(img, 3) if is_pil_image(img) else \
        img.expand(*img.shape[:-3], 3, *img.shape[-2:]).clone()


grayscale_to_rgb = _dispatcher(_grayscale_to_rgb_image, videos=False)


def _gaussian_noise_image(img, mean=0.0, sigma=0.1, clip=True):
    if is_pil_image(img):
        raise ValueError("Gaussian Noise is not implemented for PIL images.")
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    if img.is_floating_point():
        out = img + (mean + flambeau.randn_like(img) * sigma)
        return flambeau.clamp(out, 0, 1) if clip else out
    if img.dtype != flambeau.uint8:
        raise ValueError("Input tensor is expected to be in uint8 or float dtype, got "
                         f"dtype={img.dtype}")
    noise = ((mean * 255) + flambeau.randn_like(img, dtype=flambeau.float32) * (sigma * 255))
    out = img + noise.to(flambeau.int16)
    return (flambeau.clamp(out, 0, 255) if clip else out).to(flambeau.uint8)


def _jpeg_image(img, quality):
    """``img`` through a JPEG encoding at ``quality`` and back (Pillow for both, as torchvision
    does for PIL images; its tensors go through its own libjpeg, which gives the same bytes)."""
    if is_pil_image(img):
        raw = io.BytesIO()
        img.save(raw, format="JPEG", quality=quality)
        return image_module().open(raw).copy()
    flat = img.reshape(-1, *img.shape[-3:])
    if flat.shape[0] == 0:
        return img.clone()
    return flambeau.stack([_vio.decode_jpeg(_vio.encode_jpeg(image, quality=quality))
                           for image in flat]).view(img.shape)


jpeg = _dispatcher(_jpeg_image, fold=False)


def _uniform_temporal_subsample_video(video, num_samples):
    indices = flambeau.linspace(0, video.shape[-4] - 1, num_samples).long()
    return flambeau.index_select(video, -4, indices)


gaussian_noise = _dispatcher(_gaussian_noise_image)
uniform_temporal_subsample = _dispatcher(_uniform_temporal_subsample_video, fold=False)


def get_num_frames(inpt):
    if isinstance(inpt, tv_tensors.Video) or is_pure_tensor(inpt):
        return inpt.shape[-4]
    raise _unsupported(get_num_frames, inpt)


def _tensor_only(name, kernel):
    def image(img, *args, **kwargs):
        if is_pil_image(img):
            raise TypeError(f"{name}() received an input of type Image, which is not supported "
                            "by this function.")
        return kernel(img, *args, **kwargs)
    return image


normalize = _dispatcher(_tensor_only("normalize", F1.normalize))


def _erase_image(img, i, j, h, w, v, inplace=False):
    return F1.erase(img, i, j, h, w, v, inplace)


erase = _dispatcher(_tensor_only("erase", _erase_image))


def to_dtype(inpt, dtype=flambeau.float32, scale=False):
    """``inpt.to(dtype)``; with ``scale``, images and videos also rescale their values."""
    if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or \
            type(inpt) is flambeau.Tensor:
        out = _color.to_dtype_image(_plain(inpt), dtype, scale)
        return out if type(inpt) is flambeau.Tensor else tv_tensors.wrap(out, like=inpt)
    if isinstance(inpt, flambeau.Tensor):
        return tv_tensors.wrap(_plain(inpt).to(dtype), like=inpt)
    raise _unsupported(to_dtype, inpt)


def get_dimensions(inpt):
    if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.Mask)):
        raise _unsupported(get_dimensions, inpt)
    return F1.get_dimensions(inpt)


def get_num_channels(inpt):
    return get_dimensions(inpt)[0]


get_image_num_channels = get_num_channels


def get_image_size(inpt):
    """``[width, height]`` (deprecated in torchvision for :func:`get_size`)."""
    return F1.get_image_size(inpt)


def convert_image_dtype(image, dtype=flambeau.float32):
    """Deprecated for :func:`to_dtype`: a plain tensor, values rescaled."""
    return _color.to_dtype_image(_plain(image), dtype, scale=True)


to_tensor = F1.to_tensor


def is_pure_tensor(inpt):
    return isinstance(inpt, flambeau.Tensor) and not isinstance(inpt, tv_tensors.TVTensor)


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0,
                            min_area=1.0):
    """(boxes kept, their mask): drops boxes under ``min_size``/``min_area`` or off canvas."""
    if isinstance(bounding_boxes, tv_tensors.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("format and canvas_size must be None when bounding_boxes is a "
                             "tv_tensors.BoundingBoxes instance. Got format="
                             f"{format} and canvas_size={canvas_size}.")
        boxes = bounding_boxes
    else:
        if format is None or canvas_size is None:
            raise ValueError("format and canvas_size cannot be None if bounding_boxes is a pure "
                             "tensor.")
        boxes = tv_tensors.BoundingBoxes(bounding_boxes, format=format, canvas_size=canvas_size)
    rotated = tv_tensors.is_rotated_bounding_format(boxes.format)
    xyxy = convert_bounding_box_format(boxes, new_format=_XYXYXYXY if rotated else "XYXY").numpy()
    height, width = boxes.canvas_size
    if rotated:  # the sides as torchvision measures them (its second pairs x and y crosswise)
        ws = np.sqrt((xyxy[:, 0] - xyxy[:, 2]) ** 2 + (xyxy[:, 1] - xyxy[:, 3]) ** 2)
        hs = np.sqrt((xyxy[:, 3] - xyxy[:, 5]) ** 2 + (xyxy[:, 4] - xyxy[:, 6]) ** 2)
    else:
        ws, hs = xyxy[:, 2] - xyxy[:, 0], xyxy[:, 3] - xyxy[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (xyxy >= 0).all(axis=-1) & (ws * hs >= min_area)
    valid &= (xyxy[:, 0::2] <= width).all(-1) & (xyxy[:, 1::2] <= height).all(-1)
    valid = flambeau.from_numpy(valid)
    kept = _plain(bounding_boxes)[valid]
    if isinstance(bounding_boxes, tv_tensors.BoundingBoxes):
        kept = tv_tensors.wrap(kept, like=bounding_boxes)
    return kept, valid


def sanitize_keypoints(key_points, canvas_size=None):
    """(points kept, their mask): drops the points (or groups of points, for inputs of 3 or
    more dimensions) outside the canvas."""
    if is_pure_tensor(key_points):
        if canvas_size is None:
            raise ValueError("canvas_size cannot be None if key_points is a pure tensor. Set it "
                             "to an appropriate value or pass key_points as a "
                             "tv_tensors.KeyPoints object.")
    elif not isinstance(key_points, tv_tensors.KeyPoints):
        raise ValueError("key_points must be a tv_tensors.KeyPoints instance or a pure tensor.")
    elif canvas_size is not None:
        raise ValueError("canvas_size must be None when key_points is a tv_tensors.KeyPoints "
                         f"instance. Got canvas_size={canvas_size}. Leave it to None or pass "
                         "key_points as a pure tensor.")
    height, width = canvas_size or key_points.canvas_size
    xy = _plain(key_points).numpy()
    valid = (xy[..., 0] >= 0) & (xy[..., 0] < width) & (xy[..., 1] >= 0) & (xy[..., 1] < height)
    if valid.ndim > 1:
        valid = valid.reshape(valid.shape[0], -1).all(axis=1)
    valid = flambeau.from_numpy(valid)
    kept = _plain(key_points)[valid]
    if isinstance(key_points, tv_tensors.KeyPoints):
        kept = tv_tensors.wrap(kept, like=key_points)
    return kept, valid


def get_size(inpt):
    """``[height, width]`` of an image, video, mask or the canvas of bounding boxes or
    keypoints."""
    if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.KeyPoints)):
        return list(inpt.canvas_size)
    if isinstance(inpt, flambeau.Tensor):
        return list(inpt.shape[-2:])
    if is_pil_image(inpt):
        return [inpt.height, inpt.width]
    raise _unsupported(get_size, inpt)


def to_image(inpt):
    """A tv_tensors.Image from a PIL image, an HWC ndarray or a CHW tensor."""
    if isinstance(inpt, np.ndarray):
        array = inpt[:, :, None] if inpt.ndim == 2 else inpt
        return tv_tensors.Image(flambeau.from_numpy(np.ascontiguousarray(
            array.transpose(2, 0, 1))))
    if is_pil_image(inpt):
        return tv_tensors.Image(F1.pil_to_tensor(inpt))
    if isinstance(inpt, flambeau.Tensor):
        return tv_tensors.Image(_plain(inpt))
    raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got "
                    f"{type(inpt)} instead.")


def to_pure_tensor(inpt):
    return _plain(inpt)


for _name, _fn in list(globals().items()):  # the dispatchers answer to their own names
    if getattr(_fn, "__name__", None) == "functional" and _name not in (
            "hflip", "vflip", "to_grayscale", "elastic_transform"):
        _fn.__name__ = _fn.__qualname__ = _name


from ._kernels import kernels as _kernels  # noqa: E402  (built from the dispatchers above)
globals().update(_kernels)
__all__ += sorted(_kernels)


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
