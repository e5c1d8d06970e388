"""v2 conversions between PIL images, ndarrays, plain tensors and tv_tensors."""
import warnings

import numpy as np

import flambeau
from ..._pil import is_pil_image
from ... import tv_tensors
from .. import functional as F1
from . import functional as F
from ._transform import Transform, is_pure_tensor

__all__ = ["PILToTensor", "ToImage", "ToPILImage", "ToPureTensor", "ToTensor"]


class PILToTensor(Transform):
    _transformed_types = (is_pil_image,)

    def transform(self, inpt, params):
        return F1.pil_to_tensor(inpt)


class ToImage(Transform):
    _transformed_types = (is_pure_tensor, is_pil_image, np.ndarray)

    def transform(self, inpt, params):
        return F.to_image(inpt)


class ToPILImage(Transform):
    _transformed_types = (is_pure_tensor, tv_tensors.Image, np.ndarray)

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params):
        return F1.to_pil_image(F._plain(inpt) if isinstance(inpt, flambeau.Tensor) else inpt,
                               mode=self.mode)


class ToPureTensor(Transform):
    _transformed_types = (tv_tensors.TVTensor,)

    def transform(self, inpt, params):
        return F._plain(inpt)


class ToTensor(Transform):
    """Deprecated as in torchvision: ``ToImage()`` then ``ToDtype(float32, scale=True)``."""
    _transformed_types = (is_pil_image, np.ndarray)

    def __init__(self):
        warnings.warn("The transform `ToTensor()` is deprecated and will be removed in a future "
                      "release. Instead, please use `v2.Compose([v2.ToImage(), "
                      "v2.ToDtype(torch.float32, scale=True)])`.Output is equivalent up to float "
                      "precision.")
        super().__init__()

    def transform(self, inpt, params):
        return F1.to_tensor(inpt)
