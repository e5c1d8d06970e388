"""v2 RandomErasing, MixUp / CutMix on batches with their labels, and JPEG."""
import math
import warnings

import flambeau
from flambeau.nn import functional as nnF
from ..._pil import is_pil_image
from ... import tv_tensors
from ..transforms import RandomErasing as _RandomErasingV1, _area_and_ratio, _check_erasing, \
    _check_sequence, _randint
from . import functional as F
from ._transform import Transform, _RandomApplyTransform, is_pure_tensor, query_chw, \
    query_size, tree_flatten
from ._utils import labels_getter as _parse_labels_getter

__all__ = ["RandomErasing", "MixUp", "CutMix", "JPEG"]


class RandomErasing(_RandomApplyTransform):
    """Erases a random rectangle of the images and videos (``value``, or normal noise for
    ``'random'``) with probability ``p``."""
    _v1_transform_cls = _RandomErasingV1

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False):
        super().__init__(p=p)
        _check_erasing(scale, ratio, value)
        self.scale, self.ratio = scale, ratio
        if isinstance(value, (int, float)):
            self.value = [float(value)]
        elif isinstance(value, str):
            self.value = None
        else:
            self.value = [float(v) for v in value]
        self.inplace = inplace

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.KeyPoints, tv_tensors.Mask)):
            warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                          f"tv_tensors.{type(inpt).__name__}. This will likely change in the "
                          "future.")
        return super()._call_kernel(functional, inpt, *args, **kwargs)

    def make_params(self, flat_inputs):
        channels, height, width = query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, channels):
            raise ValueError("If value is a sequence, it should have either a single value or "
                             f"{channels} (number of inpt channels)")
        for _ in range(10):
            area, aspect = _area_and_ratio(height * width, self.scale, self.ratio)
            h = int(round(math.sqrt(area * aspect)))
            w = int(round(math.sqrt(area / aspect)))
            if not (h < height and w < width):
                continue
            if self.value is None:
                v = flambeau.empty([channels, h, w], dtype=flambeau.float32).normal_()
            else:
                v = flambeau.tensor(self.value)[:, None, None]
            return dict(i=_randint(height - h + 1), j=_randint(width - w + 1), h=h, w=w, v=v)
        return dict(i=0, j=0, h=height, w=width, v=None)

    def transform(self, inpt, params):
        if params["v"] is None:
            return inpt
        return self._call_kernel(F.erase, inpt, **params, inplace=self.inplace)


class _BaseMixUpCutMix(Transform):
    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        super().__init__()
        self.alpha = float(alpha)
        self.num_classes = num_classes
        self._labels_getter = _parse_labels_getter(labels_getter)

    def _draw_lambda(self):
        """A Beta(alpha, alpha) sample, drawn as torch's Beta draws it (a Dirichlet pair)."""
        return float(flambeau._sample_dirichlet(
            flambeau.tensor([[self.alpha, self.alpha]]))[..., 0])

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, rebuild = tree_flatten(inputs)
        needs = self._needs_transform_list(flat_inputs)
        if any(is_pil_image(x) or isinstance(x, (tv_tensors.BoundingBoxes, tv_tensors.Mask,
                                                  tv_tensors.KeyPoints)) for x in flat_inputs):
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding "
                             "boxes, keypoints and masks.")
        labels = self._labels_getter(inputs)
        if not isinstance(labels, flambeau.Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError("labels should be index based with shape (batch_size,) or "
                             "probability based with shape (batch_size, num_classes), but got a "
                             f"tensor of shape {labels.shape} instead.")
        if labels.ndim == 2 and self.num_classes is not None and \
                labels.shape[-1] != self.num_classes:
            raise ValueError("When passing 2D labels, the number of elements in last dimension "
                             f"must match num_classes: {labels.shape[-1]} != {self.num_classes}. "
                             "You can Leave num_classes to None.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        params = {"labels": labels, "batch_size": labels.shape[0],
                  **self.make_params([x for x, n in zip(flat_inputs, needs) if n])}
        needs[next(k for k, x in enumerate(flat_inputs) if x is labels)] = True
        return rebuild([self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)])

    def _check_image_or_video(self, inpt, batch_size):
        expected = 5 if isinstance(inpt, tv_tensors.Video) else 4
        if inpt.ndim != expected:
            raise ValueError(f"Expected a batched input with {expected} dims, but got "
                             f"{inpt.ndim} dimensions instead.")
        if inpt.shape[0] != batch_size:
            raise ValueError("The batch size of the image or video does not match the batch size "
                             f"of the labels: {inpt.shape[0]} != {batch_size}.")

    def _mixup_label(self, label, lam):
        if label.ndim == 1:
            label = nnF.one_hot(label, num_classes=self.num_classes)
        if not label.dtype.is_floating_point:
            label = label.float()
        return label.roll(1, 0).mul_(1.0 - lam).add_(label.mul(lam))

    def transform(self, inpt, params):
        if inpt is params["labels"]:
            return self._mixup_label(inpt, params["lam"])
        if not (isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt)):
            return inpt
        self._check_image_or_video(inpt, params["batch_size"])
        output = self._mix(F._plain(inpt), params)
        return output if is_pure_tensor(inpt) else tv_tensors.wrap(output, like=inpt)


class MixUp(_BaseMixUpCutMix):
    """Each image blended with the previous one of the batch (and the labels alike), by a
    Beta(alpha, alpha) weight."""

    def make_params(self, flat_inputs):
        return dict(lam=self._draw_lambda())

    def _mix(self, batch, params):
        lam = params["lam"]
        return batch.roll(1, 0).mul_(1.0 - lam).add_(batch.mul(lam))


class CutMix(_BaseMixUpCutMix):
    """A random box of each image replaced by the previous image's (labels mixed by area)."""

    def make_params(self, flat_inputs):
        lam = self._draw_lambda()
        height, width = query_size(flat_inputs)
        r_x = flambeau.randint(width, size=(1,))
        r_y = flambeau.randint(height, size=(1,))
        r = 0.5 * math.sqrt(1.0 - lam)
        r_w_half, r_h_half = int(r * width), int(r * height)
        x1 = int(flambeau.clamp(r_x - r_w_half, min=0))
        y1 = int(flambeau.clamp(r_y - r_h_half, min=0))
        x2 = int(flambeau.clamp(r_x + r_w_half, max=width))
        y2 = int(flambeau.clamp(r_y + r_h_half, max=height))
        lam_adjusted = float(1.0 - (x2 - x1) * (y2 - y1) / (width * height))
        return dict(box=(x1, y1, x2, y2), lam=lam_adjusted)

    def _mix(self, batch, params):
        x1, y1, x2, y2 = params["box"]
        output = batch.clone()
        output[..., y1:y2, x1:x2] = batch.roll(1, 0)[..., y1:y2, x1:x2]
        return output


class JPEG(Transform):
    """Compresses images and videos (uint8, 1 or 3 channels) to JPEG at a ``quality`` drawn
    from ``[min, max]`` (or the one given) and decodes them again."""

    def __init__(self, quality):
        super().__init__()
        if isinstance(quality, int):
            if isinstance(quality, bool):
                raise TypeError("quality can't be bool")
            quality = [quality, quality]
        else:
            _check_sequence(quality, "quality", (2,))
        if not (1 <= quality[0] <= quality[1] <= 100 and isinstance(quality[0], int)
                and isinstance(quality[1], int)):
            raise ValueError(f"quality must be an integer from 1 to 100, got {quality =}")
        self.quality = quality

    def make_params(self, flat_inputs):
        return dict(quality=flambeau.randint(self.quality[0], self.quality[1] + 1, ()).item())

    def transform(self, inpt, params):
        return self._call_kernel(F.jpeg, inpt, quality=params["quality"])
