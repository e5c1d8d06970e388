"""v2 colour transforms (images and videos; masks and boxes pass through)."""
import flambeau
from ..transforms import ColorJitter as _ColorJitterV1, _uniform
from . import functional as F
from ._transform import Transform, _RandomApplyTransform, query_chw

__all__ = ["ColorJitter", "Grayscale", "RandomGrayscale"]


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

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        check = _ColorJitterV1._check_input
        self.brightness = None if brightness is None else check(brightness, "brightness")
        self.contrast = None if contrast is None else check(contrast, "contrast")
        self.saturation = None if saturation is None else check(saturation, "saturation")
        self.hue = None if hue is None else check(hue, "hue", center=0, bound=(-0.5, 0.5),
                                                  clip_first_on_zero=False)

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
