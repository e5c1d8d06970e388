"""v2 geometric transforms: flips, resizes, crops, padding, rotations and affine maps, applied
alike to the images, videos, masks and bounding boxes of a sample."""
import warnings
from collections.abc import Sequence

import flambeau
from ..._pil import is_pil_image
from ... import tv_tensors
from .. import functional as F1
from .. import transforms as _v1
from ..transforms import _setup_angle, _setup_size, _check_sequence, _SIZE_MESSAGE, _randint, \
    _uniform
from . import functional as F
from ._transform import Transform, _RandomApplyTransform, has_all, has_any, is_pure_tensor, \
    query_size
from ._utils import check_padding, get_bounding_boxes, get_fill, parse_padding, setup_fill

__all__ = ["RandomHorizontalFlip", "RandomVerticalFlip", "Resize", "CenterCrop",
           "RandomResizedCrop", "RandomCrop", "Pad", "RandomRotation", "RandomAffine",
           "FiveCrop", "TenCrop", "RandomPerspective", "ElasticTransform", "RandomZoomOut",
           "ScaleJitter", "RandomShortestSize", "RandomResize", "RandomIoUCrop"]


class RandomHorizontalFlip(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.horizontal_flip, inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.vertical_flip, inpt)


class Resize(Transform):
    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, Sequence) and len(size) in (1, 2):
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got "
                                 f"{max_size} instead.")
        else:
            raise ValueError("size can be an integer, a sequence of one or two integers, or None, "
                             f"but got {size} instead.")
        self.size, self.interpolation, self.max_size, self.antialias = size, interpolation, \
            max_size, antialias

    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, self.size, interpolation=self.interpolation,
                                 max_size=self.max_size, antialias=self.antialias)


class CenterCrop(Transform):
    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, _SIZE_MESSAGE)

    def transform(self, inpt, params):
        return self._call_kernel(F.center_crop, inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    _v1_transform_cls = _v1.RandomResizedCrop

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias=True):
        super().__init__()
        self.size = _setup_size(size, _SIZE_MESSAGE)
        if not isinstance(scale, Sequence) or len(scale) != 2:
            raise TypeError("Scale should be a sequence of two floats.")
        if not isinstance(ratio, Sequence) or len(ratio) != 2:
            raise TypeError("Ratio should be a sequence of two floats.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale, self.ratio, self.interpolation, self.antialias = scale, ratio, \
            interpolation, antialias

    def make_params(self, flat_inputs):
        top, left, height, width = _v1._resized_crop_params(*query_size(flat_inputs), self.scale,
                                                            self.ratio)
        return dict(top=top, left=left, height=height, width=width)

    def transform(self, inpt, params):
        return self._call_kernel(F.resized_crop, inpt, **params, size=self.size,
                                 interpolation=self.interpolation, antialias=self.antialias)


class RandomCrop(Transform):
    """Pads (``padding``, and up to ``size`` when ``pad_if_needed``), then crops at a random
    place (each axis drawn only when it has room)."""
    _v1_transform_cls = _v1.RandomCrop

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size, _SIZE_MESSAGE)
        if pad_if_needed or padding is not None:
            if padding is not None:
                check_padding(padding)
            if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
                raise ValueError("Padding mode should be either constant, edge, reflect or "
                                 "symmetric")
        self.padding = parse_padding(padding) if padding else None
        self.pad_if_needed, self.fill, self._fill = pad_if_needed, fill, setup_fill(fill)
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        left, right, top, bottom = self.padding or (0, 0, 0, 0)
        height, width = height + top + bottom, width + left + right
        crop_h, crop_w = self.size
        if self.pad_if_needed:
            if height < crop_h:
                diff = crop_h - height
                top, bottom, height = top + diff, bottom + diff, height + 2 * diff
            if width < crop_w:
                diff = crop_w - width
                left, right, width = left + diff, right + diff, width + 2 * diff
        if height < crop_h or width < crop_w:
            raise ValueError(f"Required crop size {(crop_h, crop_w)} is larger than "
                             f"{'padded ' if self.padding is not None else ''}input image size "
                             f"{(height, width)}.")
        i = _randint(height - crop_h + 1) if height > crop_h else 0
        j = _randint(width - crop_w + 1) if width > crop_w else 0
        padding = [left, top, right, bottom]
        return dict(needs_crop=height > crop_h or width > crop_w, top=i, left=j, height=crop_h,
                    width=crop_w, needs_pad=any(padding), padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            inpt = self._call_kernel(F.pad, inpt, padding=params["padding"],
                                     fill=get_fill(self._fill, inpt),
                                     padding_mode=self.padding_mode)
        if params["needs_crop"]:
            inpt = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                     height=params["height"], width=params["width"])
        return inpt


class Pad(Transform):
    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        check_padding(padding)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding = padding if isinstance(padding, int) else list(padding)
        self.fill, self._fill, self.padding_mode = fill, setup_fill(fill), padding_mode

    def transform(self, inpt, params):
        return self._call_kernel(F.pad, inpt, padding=self.padding,
                                 fill=get_fill(self._fill, inpt), padding_mode=self.padding_mode)


class RandomRotation(Transform):
    _v1_transform_cls = _v1.RandomRotation

    def __init__(self, degrees, interpolation="nearest", expand=False, center=None, fill=0):
        super().__init__()
        self.degrees = _setup_angle(degrees, "degrees", (2,))
        self.interpolation, self.expand = interpolation, expand
        self.fill, self._fill = fill, setup_fill(fill)
        if center is not None:
            _check_sequence(center, "center", (2,))
        self.center = center

    def make_params(self, flat_inputs):
        return dict(angle=_uniform(self.degrees[0], self.degrees[1]))

    def transform(self, inpt, params):
        return self._call_kernel(F.rotate, inpt, **params, interpolation=self.interpolation,
                                 expand=self.expand, center=self.center,
                                 fill=get_fill(self._fill, inpt))


class RandomAffine(Transform):
    _v1_transform_cls = _v1.RandomAffine

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation="nearest",
                 fill=0, center=None):
        super().__init__()
        checked = _v1.RandomAffine(degrees, translate, scale, shear, center=center)
        self.degrees, self.translate, self.scale, self.shear = checked.degrees, translate, \
            scale, checked.shear
        self.interpolation, self.fill, self._fill = interpolation, fill, setup_fill(fill)
        self.center = center

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        angle, translate, scale, shear = _v1.RandomAffine.get_params(
            self.degrees, self.translate, self.scale, self.shear, [width, height])
        return dict(angle=angle, translate=translate, scale=scale, shear=shear)

    def transform(self, inpt, params):
        return self._call_kernel(F.affine, inpt, **params, interpolation=self.interpolation,
                                 fill=get_fill(self._fill, inpt), center=self.center)


class FiveCrop(Transform):
    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, _SIZE_MESSAGE)

    def transform(self, inpt, params):
        return self._call_kernel(F.five_crop, inpt, self.size)


class TenCrop(Transform):
    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size, self.vertical_flip = _setup_size(size, _SIZE_MESSAGE), vertical_flip

    def transform(self, inpt, params):
        return self._call_kernel(F.ten_crop, inpt, self.size, self.vertical_flip)


class RandomPerspective(_RandomApplyTransform):
    """With probability ``p``, moves each corner inwards by up to ``distortion_scale`` of half
    the size."""
    _v1_transform_cls = _v1.RandomPerspective

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation="bilinear", fill=0):
        super().__init__(p=p)
        if not 0 <= distortion_scale <= 1:
            raise ValueError("Argument distortion_scale value should be between 0 and 1")
        self.distortion_scale, self.interpolation = distortion_scale, interpolation
        self.fill, self._fill = fill, setup_fill(fill)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        start, end = _v1.RandomPerspective.get_params(width, height, self.distortion_scale)
        return dict(coefficients=F1._perspective_coeffs(start, end))

    def transform(self, inpt, params):
        return self._call_kernel(F.perspective, inpt, None, None, fill=get_fill(self._fill, inpt),
                                 interpolation=self.interpolation, **params)


class ElasticTransform(Transform):
    """Moves pixels by a random displacement field (uniform noise blurred with ``sigma``,
    scaled by ``alpha``)."""
    _v1_transform_cls = _v1.ElasticTransform

    def __init__(self, alpha=50.0, sigma=5.0, interpolation="bilinear", fill=0):
        super().__init__()
        self.alpha = _number_or_pair(alpha, "alpha")
        self.sigma = _number_or_pair(sigma, "sigma")
        self.interpolation, self.fill, self._fill = interpolation, fill, setup_fill(fill)

    def make_params(self, flat_inputs):
        size = list(query_size(flat_inputs))
        return dict(displacement=_v1.ElasticTransform.get_params(self.alpha, self.sigma, size))

    def transform(self, inpt, params):
        return self._call_kernel(F.elastic, inpt, **params, fill=get_fill(self._fill, inpt),
                                 interpolation=self.interpolation)


def _number_or_pair(arg, name):
    if not isinstance(arg, (int, float, Sequence)):
        raise TypeError(f"{name} should be a number or a sequence of numbers. Got {type(arg)}")
    if isinstance(arg, Sequence) and len(arg) not in (1, 2):
        raise ValueError(f"If {name} is a sequence its length should be 1 or 2. Got {len(arg)}")
    if isinstance(arg, Sequence):
        for element in arg:
            if not isinstance(element, (int, float)):
                raise ValueError(f"{name} should be a sequence of numbers. Got {type(element)}")
        return [float(arg[0]), float(arg[-1])]
    return [float(arg), float(arg)]


class RandomZoomOut(_RandomApplyTransform):
    """With probability ``p``, places the sample on a canvas ``side_range`` times larger."""

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        self.fill, self._fill = fill, setup_fill(fill)
        _check_sequence(side_range, "side_range", (2,))
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")

    def make_params(self, flat_inputs):
        # float32 tensor arithmetic, as torchvision computes the canvas
        height, width = query_size(flat_inputs)
        r = self.side_range[0] + flambeau.rand(1) * (self.side_range[1] - self.side_range[0])
        canvas_width, canvas_height = int(width * r), int(height * r)
        r = flambeau.rand(2)
        left = int((canvas_width - width) * r[0])
        top = int((canvas_height - height) * r[1])
        return dict(padding=[left, top, canvas_width - (left + width),
                             canvas_height - (top + height)])

    def transform(self, inpt, params):
        return self._call_kernel(F.pad, inpt, **params, fill=get_fill(self._fill, inpt))


class _RandomResizeBase(Transform):
    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, params["size"], interpolation=self.interpolation,
                                 antialias=self.antialias)


class ScaleJitter(_RandomResizeBase):
    """Resizes to fit ``target_size`` (width, height) times a scale drawn in ``scale_range``."""

    def __init__(self, target_size, scale_range=(0.1, 2.0), interpolation="bilinear",
                 antialias=True):
        super().__init__()
        self.target_size, self.scale_range = target_size, scale_range
        self.interpolation, self.antialias = interpolation, antialias

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        scale = self.scale_range[0] + flambeau.rand(1) * (self.scale_range[1] -
                                                          self.scale_range[0])
        r = min(self.target_size[1] / height, self.target_size[0] / width) * scale
        return dict(size=(int(height * r), int(width * r)))


class RandomShortestSize(_RandomResizeBase):
    """Resizes the shorter side to one of ``min_size`` (drawn), the longer one at most
    ``max_size``."""

    def __init__(self, min_size, max_size=None, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size = [min_size] if isinstance(min_size, int) else list(min_size)
        self.max_size, self.interpolation, self.antialias = max_size, interpolation, antialias

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        r = self.min_size[int(flambeau.randint(len(self.min_size), ()))] / min(height, width)
        if self.max_size is not None:
            r = min(r, self.max_size / max(height, width))
        return dict(size=(int(height * r), int(width * r)))


class RandomResize(_RandomResizeBase):
    """Resizes the shorter side to a size drawn in ``[min_size, max_size)``."""

    def __init__(self, min_size, max_size, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size, self.max_size = min_size, max_size
        self.interpolation, self.antialias = interpolation, antialias

    def make_params(self, flat_inputs):
        return dict(size=[int(flambeau.randint(self.min_size, self.max_size, ()))])


class RandomIoUCrop(Transform):
    """SSD's crop: draws a minimum overlap among ``sampler_options`` (1: no crop), then up to
    ``trials`` crops until one holds box centres and overlaps a box by that much; boxes whose
    centre is outside are zeroed."""

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0,
                 sampler_options=None, trials=40):
        super().__init__()
        self.min_scale, self.max_scale = min_scale, max_scale
        self.min_aspect_ratio, self.max_aspect_ratio = min_aspect_ratio, max_aspect_ratio
        self.options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None \
            else sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        if not (has_all(flat_inputs, tv_tensors.BoundingBoxes) and
                has_any(flat_inputs, is_pil_image, tv_tensors.Image, is_pure_tensor)):
            raise TypeError(f"{type(self).__name__}() requires input sample to contain tensor or "
                            "PIL images and bounding boxes. Sample can also contain masks.")

    def make_params(self, flat_inputs):
        from ...ops import box_iou
        height, width = query_size(flat_inputs)
        xyxy = F._plain(F.convert_bounding_box_format(get_bounding_boxes(flat_inputs),
                                                      new_format="XYXY"))
        cx, cy = 0.5 * (xyxy[..., 0] + xyxy[..., 2]), 0.5 * (xyxy[..., 1] + xyxy[..., 3])
        while True:
            min_overlap = self.options[int(flambeau.randint(low=0, high=len(self.options),
                                                            size=(1,)))]
            if min_overlap >= 1.0:
                return {}
            for _ in range(self.trials):
                r = self.min_scale + (self.max_scale - self.min_scale) * flambeau.rand(2)
                new_w, new_h = int(width * r[0]), int(height * r[1])
                if not self.min_aspect_ratio <= new_w / new_h <= self.max_aspect_ratio:
                    continue
                r = flambeau.rand(2)
                left, top = int((width - new_w) * r[0]), int((height - new_h) * r[1])
                right, bottom = left + new_w, top + new_h
                if left == right or top == bottom:
                    continue
                inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
                if not inside.any():
                    continue
                crop = flambeau.tensor([[left, top, right, bottom]], dtype=xyxy.dtype)
                if box_iou(xyxy[inside], crop).max() < min_overlap:
                    continue
                return dict(top=top, left=left, height=new_h, width=new_w, inside=inside)

    def transform(self, inpt, params):
        if not params:
            return inpt
        output = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                   height=params["height"], width=params["width"])
        if isinstance(output, tv_tensors.BoundingBoxes):
            output[~params["inside"]] = 0
        return output
