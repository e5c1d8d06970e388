"""v2 colour transforms (images and videos; masks and boxes pass through)."""
import flambeau
from ..transforms import ColorJitter as _ColorJitterV1, _uniform
from . import functional as F
from ._transform import Transform, _RandomApplyTransform, query_chw

__all__ = ["ColorJitter", "Grayscale", "RGB", "RandomAdjustSharpness", "RandomAutocontrast",
           "RandomChannelPermutation", "RandomEqualize", "RandomGrayscale", "RandomInvert",
           "RandomPhotometricDistort", "RandomPosterize", "RandomSolarize"]


class Grayscale(Transform):
    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=self.num_output_channels)


class RandomGrayscale(_RandomApplyTransform):
    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        return dict(num_input_channels=query_chw(flat_inputs)[0])

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=params["num_input_channels"])


class ColorJitter(Transform):
    """Brightness, contrast, saturation and hue changed by random factors, in random order."""
    _v1_transform_cls = _ColorJitterV1

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        def check(value, name, **kwargs):
            return None if value is None else _ColorJitterV1._check_input(value, name, v2=True,
                                                                          **kwargs)
        self.brightness = check(brightness, "brightness")
        self.contrast = check(contrast, "contrast")
        self.saturation = check(saturation, "saturation")
        self.hue = check(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    def make_params(self, flat_inputs):
        fn_idx = flambeau.randperm(4)
        factors = [None if r is None else _uniform(r[0], r[1])
                   for r in (self.brightness, self.contrast, self.saturation, self.hue)]
        return dict(fn_idx=fn_idx, factors=factors)

    _ADJUST = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)

    def transform(self, inpt, params):
        for k in params["fn_idx"].tolist():
            if params["factors"][k] is not None:
                inpt = self._call_kernel(self._ADJUST[k], inpt, params["factors"][k])
        return inpt


class _RandomOp(_RandomApplyTransform):
    """``_op`` (a v2 functional taking the named ``_ARGS``) with probability ``p``."""
    _ARGS = ()

    def transform(self, inpt, params):
        return self._call_kernel(self._op, inpt, *(getattr(self, a) for a in self._ARGS))


class RandomInvert(_RandomOp):
    _op = staticmethod(F.invert)


class RandomAutocontrast(_RandomOp):
    _op = staticmethod(F.autocontrast)


class RandomEqualize(_RandomOp):
    _op = staticmethod(F.equalize)


class RandomPosterize(_RandomOp):
    _op, _ARGS = staticmethod(F.posterize), ("bits",)

    def __init__(self, bits, p=0.5):
        super().__init__(p=p)
        self.bits = bits


class RandomSolarize(_RandomOp):
    _op, _ARGS = staticmethod(F.solarize), ("threshold",)

    def __init__(self, threshold, p=0.5):
        super().__init__(p=p)
        self.threshold = threshold


class RandomAdjustSharpness(_RandomOp):
    _op, _ARGS = staticmethod(F.adjust_sharpness), ("sharpness_factor",)

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p=p)
        self.sharpness_factor = sharpness_factor


class RGB(Transform):
    """Grey images to three channels (RGB images unchanged)."""

    def transform(self, inpt, params):
        return self._call_kernel(F.grayscale_to_rgb, inpt)


class RandomChannelPermutation(Transform):
    def make_params(self, flat_inputs):
        return dict(permutation=flambeau.randperm(query_chw(flat_inputs)[0]).tolist())

    def transform(self, inpt, params):
        return self._call_kernel(F.permute_channels, inpt, params["permutation"])


class RandomPhotometricDistort(Transform):
    """Each of brightness, contrast (before or after the rest), saturation, hue and a channel
    permutation with probability ``p``, by factors drawn from the ranges."""

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5),
                 hue=(-0.05, 0.05), p=0.5):
        super().__init__()
        self.brightness, self.contrast, self.hue, self.saturation, self.p = brightness, \
            contrast, hue, saturation, p

    def make_params(self, flat_inputs):
        channels = query_chw(flat_inputs)[0]
        params = {key: _uniform(r[0], r[1]) if flambeau.rand(1) < self.p else None
                  for key, r in (("brightness", self.brightness), ("contrast", self.contrast),
                                 ("saturation", self.saturation), ("hue", self.hue))}
        params["contrast_before"] = bool(flambeau.rand(()) < 0.5)
        params["permutation"] = flambeau.randperm(channels).tolist() \
            if flambeau.rand(1) < self.p else None
        return params

    def transform(self, inpt, params):
        contrast = params["contrast"]
        if params["brightness"] is not None:
            inpt = self._call_kernel(F.adjust_brightness, inpt, params["brightness"])
        if contrast is not None and params["contrast_before"]:
            inpt = self._call_kernel(F.adjust_contrast, inpt, contrast)
        if params["saturation"] is not None:
            inpt = self._call_kernel(F.adjust_saturation, inpt, params["saturation"])
        if params["hue"] is not None:
            inpt = self._call_kernel(F.adjust_hue, inpt, params["hue"])
        if contrast is not None and not params["contrast_before"]:
            inpt = self._call_kernel(F.adjust_contrast, inpt, contrast)
        if params["permutation"] is not None:
            inpt = self._call_kernel(F.permute_channels, inpt, params["permutation"])
        return inpt
