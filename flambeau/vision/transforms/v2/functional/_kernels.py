"""The per-type kernels of ``transforms.v2.functional`` (``resize_image``,
``resize_bounding_boxes``, ``horizontal_flip_mask``, ``rotate_keypoints`` ...): each runs its
dispatcher on the plain data taken as that type and returns plain tensors; the box and keypoint
kernels take the metadata (format, canvas size, clamping mode) as arguments, in torchvision's
order, and those that change the canvas return ``(output, canvas_size)``."""
import inspect
import sys

import flambeau
from .... import tv_tensors
from . import _plain

_XYXY = tv_tensors.BoundingBoxFormat.XYXY

_IMAGE = ["adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
          "adjust_saturation", "adjust_sharpness", "affine", "autocontrast", "center_crop",
          "crop", "elastic", "equalize", "erase", "five_crop", "gaussian_blur", "gaussian_noise",
          "get_dimensions", "get_num_channels", "get_size", "horizontal_flip", "invert", "jpeg",
          "normalize", "pad", "permute_channels", "perspective", "posterize", "resize",
          "resized_crop", "rotate", "solarize", "ten_crop", "to_dtype", "vertical_flip"]
_IMAGE_ONLY = ["grayscale_to_rgb", "rgb_to_grayscale"]
_VIDEO_ONLY = ["uniform_temporal_subsample"]
_MASK = ["affine", "center_crop", "crop", "elastic", "get_size", "horizontal_flip", "pad",
         "perspective", "resize", "resized_crop", "rotate", "vertical_flip"]

_SOFT = ("clamping_mode", "soft")
# name: (parameters after the boxes, in torchvision's order; whether the canvas size returns)
_BOXES = {
    "horizontal_flip": (["format", "canvas_size"], False),
    "vertical_flip": (["format", "canvas_size"], False),
    "resize": (["canvas_size", "size", ("max_size", None), ("format", _XYXY), _SOFT], True),
    "crop": (["format", "top", "left", "height", "width", _SOFT], True),
    "center_crop": (["format", "canvas_size", "output_size", _SOFT], True),
    "resized_crop": (["format", "top", "left", "height", "width", "size", _SOFT], True),
    "pad": (["format", "canvas_size", "padding", ("padding_mode", "constant"), _SOFT], True),
    "rotate": (["format", "canvas_size", "angle", ("expand", False), ("center", None), _SOFT],
               True),
    "affine": (["format", "canvas_size", "angle", "translate", "scale", "shear",
                ("center", None), _SOFT], False),
    "perspective": (["format", "canvas_size", "startpoints", "endpoints",
                     ("coefficients", None), _SOFT], False),
    "elastic": (["format", "canvas_size", "displacement", _SOFT], False),
}
_KEYPOINTS = {
    "horizontal_flip": (["canvas_size"], False),
    "vertical_flip": (["canvas_size"], False),
    "resize": (["size", "canvas_size", ("max_size", None)], True),
    "crop": (["top", "left", "height", "width"], True),
    "center_crop": (["canvas_size", "output_size"], True),
    "resized_crop": (["top", "left", "height", "width", "size"], True),
    "pad": (["canvas_size", "padding", ("padding_mode", "constant")], True),
    "rotate": (["canvas_size", "angle", ("expand", False), ("center", None)], True),
    "affine": (["canvas_size", "angle", "translate", "scale", "shear", ("center", None)], True),
    "perspective": (["canvas_size", "startpoints", "endpoints", ("coefficients", None)], False),
    "elastic": (["canvas_size", "displacement"], False),
}
_METADATA = ("format", "canvas_size", "clamping_mode")


def _plain_out(out):
    """Tensors (alone or in a tuple) as plain tensors; sizes and counts as they are."""
    if isinstance(out, tuple):
        return tuple(_plain_out(o) for o in out)
    return _plain(out) if isinstance(out, flambeau.Tensor) else out


def _as_kind(functional, name, first, make=None):
    """``functional`` on its first argument's plain data (made a ``make`` tv_tensor first)."""
    def kernel(*args, **kwargs):
        if args:
            inpt, args = args[0], args[1:]
        elif first in kwargs:
            inpt = kwargs.pop(first)
        else:
            raise TypeError(f"{name}() missing 1 required positional argument: '{first}'")
        data = _plain(inpt)
        return _plain_out(functional(make(data) if make else data, *args, **kwargs))
    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = (f"``{functional.__name__}`` on a {first.replace('_', ' ')} given as a "
                      "plain tensor.")
    return kernel


def _with_metadata(functional, name, first, params, returns_size, make):
    """A kernel taking the box/keypoint metadata among ``params`` (names, or (name, default))."""
    signature = inspect.Signature(
        [inspect.Parameter(first, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) if isinstance(p, str)
           else inspect.Parameter(p[0], inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p[1])
           for p in params])

    def kernel(*args, **kwargs):
        try:
            arguments = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(_call_error(name, signature, args, kwargs, error)) from None
        arguments.apply_defaults()
        rest = dict(arguments.arguments)
        metadata = {key: rest.pop(key) for key in _METADATA if key in rest}
        out = functional(make(_plain(rest.pop(first)), metadata), **rest)
        return (_plain(out), tuple(out.canvas_size)) if returns_size else _plain(out)
    kernel.__name__ = kernel.__qualname__ = name
    kernel.__signature__ = signature
    kernel.__doc__ = (f"``{functional.__name__}`` on a plain tensor of "
                      f"{first.replace('_', ' ')}" + ", returning it and the new canvas size"
                      * returns_size + ".")
    return kernel


def _call_error(name, signature, args, kwargs, error):
    """Python's own message for a call missing required arguments, else ``error``'s."""
    given = set(list(signature.parameters)[:len(args)]) | set(kwargs)
    missing = [f"'{p.name}'" for p in signature.parameters.values()
               if p.default is p.empty and p.name not in given]
    if not missing or len(args) > len(signature.parameters):
        return f"{name}() {error}"
    listed = missing[0] if len(missing) == 1 else " and ".join(missing) if len(missing) == 2 \
        else ", ".join(missing[:-1]) + ", and " + missing[-1]
    plural = "s" if len(missing) > 1 else ""
    return f"{name}() missing {len(missing)} required positional argument{plural}: {listed}"


def _boxes(data, metadata):
    # crops compute the new canvas from their arguments and ignore the old one
    return tv_tensors.BoundingBoxes(data, format=metadata["format"],
                                    canvas_size=metadata.get("canvas_size", (0, 0)),
                                    clamping_mode=metadata.get("clamping_mode", "soft"))


def _keypoints(data, metadata):
    return tv_tensors.KeyPoints(data, canvas_size=metadata.get("canvas_size", (0, 0)))


def get_num_frames_video(video):
    """The number of frames ``T`` of a ``[..., T, C, H, W]`` video."""
    return video.shape[-4]


def get_size_bounding_boxes(bounding_box):
    """The ``[height, width]`` canvas of BoundingBoxes."""
    return list(bounding_box.canvas_size)


def get_size_keypoints(keypoints):
    """The ``[height, width]`` canvas of KeyPoints."""
    return list(keypoints.canvas_size)


def _build(package):
    """The kernels, by name, from the dispatchers of ``package``."""
    kernels = {f.__name__: f for f in (get_num_frames_video, get_size_bounding_boxes,
                                       get_size_keypoints)}
    for base in _IMAGE + _IMAGE_ONLY:
        kernels[f"{base}_image"] = _as_kind(getattr(package, base), f"{base}_image", "image")
    for base in _IMAGE + _VIDEO_ONLY:
        kernels[f"{base}_video"] = _as_kind(getattr(package, base), f"{base}_video", "video")
    for base in _MASK:
        kernels[f"{base}_mask"] = _as_kind(getattr(package, base), f"{base}_mask", "mask",
                                           tv_tensors.Mask)
    for table, kind, first, make in ((_BOXES, "bounding_boxes", "bounding_boxes", _boxes),
                                     (_KEYPOINTS, "keypoints", "keypoints", _keypoints)):
        for base, (params, returns_size) in table.items():
            kernels[f"{base}_{kind}"] = _with_metadata(getattr(package, base), f"{base}_{kind}",
                                                       first, params, returns_size, make)
    return kernels


kernels = _build(sys.modules[__package__])  # imported at the end of the package's __init__
