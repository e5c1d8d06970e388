"""torchvision.tv_tensors: tensor subclasses that tell ``transforms.v2`` what a tensor holds
(Image, Video, Mask, BoundingBoxes with their format and canvas size, KeyPoints with their
canvas size). Operations on them
return plain tensors, except clone/to/detach and friends, which keep the subclass."""
from enum import Enum

import flambeau
from .._pil import is_pil_image
from ... import _naming

__all__ = ["TVTensor", "Image", "Video", "Mask", "BoundingBoxes", "BoundingBoxFormat", "KeyPoints",
           "wrap", "is_rotated_bounding_format"]


class TVTensor(flambeau.Tensor):
    """The base of the tv_tensors: a tensor sharing the memory of the data it was made from."""

    @staticmethod
    def _to_tensor(data, dtype=None, device=None, requires_grad=None):
        if requires_grad is None:
            requires_grad = data.requires_grad if isinstance(data, flambeau.Tensor) else False
        return flambeau.as_tensor(data, dtype=dtype, device=device).requires_grad_(requires_grad)

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        return cls._wrap(cls._to_tensor(data, dtype, device, requires_grad))

    def __init__(self, *args, **kwargs):
        pass  # everything happens in __new__ (Tensor.__init__ is the legacy constructor)

    @classmethod
    def _wrap(cls, tensor):
        return flambeau.Tensor._make_subclass(cls, tensor, tensor.requires_grad)

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor)

    def _make_repr(self, **kwargs):
        extra = ", ".join(f"{key}={value}" for key, value in kwargs.items())
        return f"{super().__repr__()[:-1]}, {extra})"

    def __deepcopy__(self, memo):
        return self.detach().clone().requires_grad_(self.requires_grad)


def _keeps_type(name):
    """``Tensor.name`` returning the same tv_tensor type and metadata (as torchvision's clone,
    to and detach do; other operations return plain tensors)."""
    method = getattr(flambeau.Tensor, name)

    def keep(self, *args, **kwargs):
        out = method(self, *args, **kwargs)
        return out if out is self else wrap(flambeau.Tensor._make_subclass(
            flambeau.Tensor, out, out.requires_grad), like=self)
    keep.__name__ = keep.__qualname__ = name
    return keep


def _plain_result(name):
    """``Tensor.name`` on the plain data (the dtype shortcuts go through ``to`` in flambeau,
    but return plain tensors in torchvision)."""
    method = getattr(flambeau.Tensor, name)

    def plain(self, *args, **kwargs):
        return method(flambeau.Tensor._make_subclass(flambeau.Tensor, self, self.requires_grad),
                      *args, **kwargs)
    plain.__name__ = plain.__qualname__ = name
    return plain


for _name in ("clone", "detach", "to"):
    setattr(TVTensor, _name, _keeps_type(_name))
for _name in ("float", "double", "half", "bfloat16", "int", "long", "short", "char", "byte",
              "bool"):
    setattr(TVTensor, _name, _plain_result(_name))


def _image_data(data):
    if is_pil_image(data):
        from ..transforms.functional import pil_to_tensor
        return pil_to_tensor(data)
    return data


class Image(TVTensor):
    """A ``[..., C, H, W]`` image (a 2-d input gets a channel dimension; PIL images are read)."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(_image_data(data), dtype, device, requires_grad)
        if tensor.ndim < 2:
            raise ValueError(f"Tensor must be 2D or higher, got {tensor.ndim}D tensor.")
        return cls._wrap(tensor.unsqueeze(0) if tensor.ndim == 2 else tensor)

    def __repr__(self):
        return self._make_repr()


class Video(TVTensor):
    """A ``[..., T, C, H, W]`` video."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype, device, requires_grad)
        if tensor.ndim < 4:
            raise ValueError(f"Tensor must be 4D or higher, got {tensor.ndim}D tensor.")
        return cls._wrap(tensor)

    def __repr__(self):
        return self._make_repr()


class Mask(TVTensor):
    """A ``[..., H, W]`` segmentation or detection mask (PIL images are read)."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        return cls._wrap(cls._to_tensor(_image_data(data), dtype, device, requires_grad))


class BoundingBoxFormat(Enum):
    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"


def is_rotated_bounding_format(format):
    """Whether ``format`` is one of torchvision's rotated formats (which flambeau lacks)."""
    if isinstance(format, BoundingBoxFormat):
        return False
    if isinstance(format, str):
        return format in ("XYWHR", "CXCYWHR", "XYXYXYXY")
    raise ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")


class BoundingBoxes(TVTensor):
    """``[N, 4]`` boxes in ``format`` on an image of ``canvas_size`` (height, width)."""

    @classmethod
    def _wrap(cls, tensor, *, format, canvas_size, clamping_mode="soft", check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.ndim != 2:
                raise ValueError(f"Expected a 1D or 2D tensor, got {tensor.ndim}D")
        if clamping_mode is not None and clamping_mode not in ("hard", "soft"):
            raise ValueError(f"clamping_mode must be None, hard or soft, got {clamping_mode}.")
        if isinstance(format, str):
            format = BoundingBoxFormat[format.upper()]
        boxes = flambeau.Tensor._make_subclass(cls, tensor, tensor.requires_grad)
        boxes.format, boxes.canvas_size, boxes.clamping_mode = format, canvas_size, clamping_mode
        return boxes

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, format=kwargs.get("format", like.format),
                         canvas_size=kwargs.get("canvas_size", like.canvas_size),
                         clamping_mode=kwargs.get("clamping_mode", like.clamping_mode))

    def __new__(cls, data, *, format, canvas_size, clamping_mode="soft", dtype=None, device=None,
                requires_grad=None):
        tensor = cls._to_tensor(data, dtype, device, requires_grad)
        return cls._wrap(tensor, format=format, canvas_size=canvas_size,
                         clamping_mode=clamping_mode)

    def __repr__(self):
        return self._make_repr(format=self.format, canvas_size=self.canvas_size,
                               clamping_mode=self.clamping_mode)


class KeyPoints(TVTensor):
    """``[..., 2]`` points (x, y) on an image of ``canvas_size`` (height, width): polylines,
    polygons, skeletons; a 1-d input is one point."""

    @classmethod
    def _wrap(cls, tensor, *, canvas_size, check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.shape[-1] != 2:
                raise ValueError(f"Expected a tensor of shape (..., 2), not {tensor.shape}")
        points = flambeau.Tensor._make_subclass(cls, tensor, tensor.requires_grad)
        points.canvas_size = canvas_size
        return points

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, canvas_size=kwargs.get("canvas_size", like.canvas_size))

    def __new__(cls, data, *, canvas_size, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype, device, requires_grad)
        return cls._wrap(tensor, canvas_size=canvas_size)

    def __repr__(self):
        return self._make_repr(canvas_size=self.canvas_size)


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as the tv_tensor type of ``like`` (with its metadata unless overridden)."""
    return type(like).wrap(wrappee, like, **kwargs)


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
