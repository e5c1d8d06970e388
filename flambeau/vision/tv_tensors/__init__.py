"""torchvision.tv_tensors: tensor subclasses that tell ``transforms.v2`` what a tensor holds
(Image, Video, Mask, BoundingBoxes with their format and canvas size, KeyPoints with their
canvas size). Operations on them
return plain tensors, except clone/to/detach and friends, which keep the subclass."""
import inspect
from enum import Enum

import flambeau
from .._pil import is_pil_image
from ... import _naming

__all__ = ["TVTensor", "Image", "Video", "Mask", "BoundingBoxes", "BoundingBoxFormat", "KeyPoints",
           "wrap", "is_rotated_bounding_format", "set_return_type"]

_return_subclass = False  # set_return_type("TVTensor")


class _ReturnTypeCM:
    """What :func:`set_return_type` returns: leaving it as a context restores the former type."""

    def __init__(self, to_restore):
        self.to_restore = to_restore

    def __enter__(self):
        return self

    def __exit__(self, *args):
        global _return_subclass
        _return_subclass = self.to_restore


def set_return_type(return_type):
    """What tensor methods and operators on tv_tensors return: ``"Tensor"`` (the default, plain
    tensors; in-place methods too) or ``"TVTensor"`` (the same tv_tensor type and metadata),
    for the whole program or, used as a context manager, inside its block. Unlike torchvision
    (which hooks every torch function), functions such as ``flambeau.cat`` always return plain
    tensors; transforms and functionals return the type they are given either way."""
    global _return_subclass
    to_restore = _return_subclass
    try:
        _return_subclass = {"tensor": False, "tvtensor": True}[return_type.lower()]
    except KeyError:
        raise ValueError(f"return_type must be 'TVTensor' or 'Tensor', got {return_type}") from None
    return _ReturnTypeCM(to_restore)


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

    @classmethod
    def _wrap_output(cls, tensor, like):
        """A method's plain result as ``like``'s type (set_return_type("TVTensor"))."""
        return cls._wrap(tensor)

    __hash__ = flambeau.Tensor.__hash__  # kept although __eq__ is redefined below

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


def _as_plain(t):
    return flambeau.Tensor._make_subclass(flambeau.Tensor, t, t.requires_grad)


def _rewrapped(out, like):
    """``out`` (tensors, alone or in a tuple or list) as ``like``'s tv_tensor type."""
    if isinstance(out, flambeau.Tensor):
        return out if isinstance(out, type(like)) else type(like)._wrap_output(_as_plain(out), like)
    if isinstance(out, (tuple, list)):
        return type(out)(_rewrapped(o, like) for o in out)
    return out


def _follows_return_type(name):
    """``Tensor.name`` returning plain tensors, or tv_tensors under set_return_type("TVTensor")
    (torchvision's rule for every torch operation)."""
    method = getattr(flambeau.Tensor, name)

    def follow(self, *args, **kwargs):
        out = method(self, *args, **kwargs)
        if _return_subclass:
            return _rewrapped(out, self)
        return _as_plain(out) if isinstance(out, TVTensor) else out
    follow.__name__ = follow.__qualname__ = name
    return follow


def _property_follows_return_type(name):
    getter = getattr(flambeau.Tensor, name).fget
    return property(lambda self: _rewrapped(getter(self), self) if _return_subclass
                    else getter(self))


_UNWRAPPED = {"__array__", "__array_wrap__", "__bool__", "__complex__", "__float__", "__index__",
              "__int__", "__len__", "__reduce__", "__reduce_ex__", "__getstate__", "__repr__",
              "__str__", "__format__", "__setattr__", "__getattribute__", "__init__", "__new__",
              "__hash__", "__sizeof__", "__dir__", "__delattr__", "__setitem__", "__deepcopy__",
              "__init_subclass__", "__subclasshook__", "numpy", "tolist", "item"}
for _name in dir(flambeau.Tensor):
    if _name in _UNWRAPPED or _name in vars(TVTensor) or (
            _name.startswith("_") and not _name.startswith("__")):
        continue
    _attribute = inspect.getattr_static(flambeau.Tensor, _name)
    if inspect.isfunction(_attribute):
        setattr(TVTensor, _name, _follows_return_type(_name))
for _name in ("T", "mT", "H", "mH", "real", "imag"):
    setattr(TVTensor, _name, _property_follows_return_type(_name))
for _name in ("clone", "detach", "to", "requires_grad_", "pin_memory"):
    setattr(TVTensor, _name, _keeps_type(_name))


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
    """XYXY, XYWH, CXCYWH; rotated (the angle last, in degrees counter-clockwise): XYWHR (the
    first corner), CXCYWHR (the centre), XYXYXYXY (the four corners)."""
    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"
    XYWHR = "XYWHR"
    CXCYWHR = "CXCYWHR"
    XYXYXYXY = "XYXYXYXY"


def is_rotated_bounding_format(format):
    """Whether ``format`` (a BoundingBoxFormat or its name) is a rotated one."""
    if isinstance(format, BoundingBoxFormat):
        format = format.value
    elif not isinstance(format, str):
        raise ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")
    return format in ("XYWHR", "CXCYWHR", "XYXYXYXY")


class BoundingBoxes(TVTensor):
    """``[N, 4]`` boxes (``[N, 5]`` or ``[N, 8]`` rotated) in ``format`` on an image of
    ``canvas_size`` (height, width)."""

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
    def _wrap_output(cls, tensor, like):
        return cls._wrap(tensor, format=like.format, canvas_size=like.canvas_size,
                         clamping_mode=like.clamping_mode, check_dims=False)

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
    def _wrap_output(cls, tensor, like):
        return cls._wrap(tensor, canvas_size=like.canvas_size, check_dims=False)

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
