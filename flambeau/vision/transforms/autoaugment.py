"""torchvision.transforms.autoaugment: AutoAugment (learned policies), RandAugment,
TrivialAugmentWide and AugMix, drawing from flambeau's generator in torchvision's order (a seed
gives torchvision's choices and magnitudes)."""
import math
from enum import Enum

import flambeau
from flambeau.nn import Module
from . import functional as F
from .functional import InterpolationMode
from .transforms import _tensor_fill

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _operations(F):
    """The operations by name, through the functional module ``F`` (v1's or v2's)."""
    def shear(axis):
        def op(img, magnitude, interpolation, fill):
            angles = [0.0, 0.0]
            angles[axis] = math.degrees(math.atan(magnitude))
            return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=angles,
                            interpolation=interpolation, fill=fill, center=[0, 0])
        return op

    def translate(axis):
        def op(img, magnitude, interpolation, fill):
            shift = [0, 0]
            shift[axis] = int(magnitude)
            return F.affine(img, angle=0.0, translate=shift, scale=1.0, shear=[0.0, 0.0],
                            interpolation=interpolation, fill=fill)
        return op

    def enhance(adjust):
        return lambda img, magnitude, interpolation, fill: adjust(img, 1.0 + magnitude)

    def plain(fn):
        return lambda img, magnitude, interpolation, fill: fn(img)

    return {
        "ShearX": shear(0), "ShearY": shear(1), "TranslateX": translate(0),
        "TranslateY": translate(1),
        "Rotate": lambda img, magnitude, interpolation, fill: F.rotate(
            img, magnitude, interpolation=interpolation, fill=fill),
        "Brightness": enhance(F.adjust_brightness), "Color": enhance(F.adjust_saturation),
        "Contrast": enhance(F.adjust_contrast), "Sharpness": enhance(F.adjust_sharpness),
        "Posterize": lambda img, magnitude, interpolation, fill: F.posterize(img, int(magnitude)),
        "Solarize": lambda img, magnitude, interpolation, fill: F.solarize(img, magnitude),
        "AutoContrast": plain(F.autocontrast), "Equalize": plain(F.equalize),
        "Invert": plain(F.invert), "Identity": plain(lambda img: img),
    }


_OPS = _operations(F)


def _apply_op(img, op_name, magnitude, interpolation, fill, ops=_OPS):
    if op_name not in ops:
        raise ValueError(f"The provided operator {op_name} is not recognized.")
    return ops[op_name](img, magnitude, interpolation, fill)


def _signed(top, num_bins):
    """Magnitudes 0 .. top (a sign drawn separately)."""
    return flambeau.linspace(0.0, top, num_bins), True


def _bits(start, num_bins, steps):
    """Posterize's bit counts, from ``start`` down by ``steps`` in ``num_bins`` bins."""
    return start - (flambeau.arange(num_bins) / ((num_bins - 1) / steps)).round().int(), False


def _unsigned_none():
    return flambeau.tensor(0.0), False


def _space(num_bins, shear, translate, rotate, enhance, bits, steps, extra=(), solarize=255.0):
    """The operations and their magnitude bins, in torchvision's order (its draws index it);
    v2 gives Solarize's thresholds as shares of full intensity (``solarize=1.0``)."""
    return {
        "ShearX": _signed(shear, num_bins), "ShearY": _signed(shear, num_bins),
        "TranslateX": _signed(translate[1], num_bins),
        "TranslateY": _signed(translate[0], num_bins),
        "Rotate": _signed(rotate, num_bins),
        **{name: _signed(enhance, num_bins)
           for name in ("Brightness", "Color", "Contrast", "Sharpness") if enhance},
        "Posterize": _bits(bits, num_bins, steps),
        "Solarize": (flambeau.linspace(solarize, 0.0, num_bins), False),
        "AutoContrast": _unsigned_none(), "Equalize": _unsigned_none(),
        **{name: _unsigned_none() for name in extra},
    }


def _fill(fill, img):
    return None if fill is None else _tensor_fill(fill, img)


def _random_op(op_meta, pick_magnitude):
    """One random operation of ``op_meta`` with its signed magnitude: the draws of RandAugment,
    TrivialAugmentWide and AugMix (``pick_magnitude`` chooses in the bins)."""
    op_name = list(op_meta)[int(flambeau.randint(len(op_meta), (1,)).item())]
    magnitudes, signed = op_meta[op_name]
    magnitude = float(pick_magnitude(magnitudes).item()) if magnitudes.ndim > 0 else 0.0
    if signed and flambeau.randint(2, (1,)):
        magnitude *= -1.0
    return op_name, magnitude


class AutoAugmentPolicy(Enum):
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


# (operation, probability, magnitude bin) pairs of the published policies
_POLICIES = {
    AutoAugmentPolicy.IMAGENET: [
        (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
        (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
        (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
        (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
        (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
        (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
        (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
        (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
        (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
        (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
        (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
        (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
        (("Color", 0.4, 0), ("Equalize", 0.6, None)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
    ],
    AutoAugmentPolicy.CIFAR10: [
        (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
        (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
        (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
        (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
        (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
        (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
        (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
        (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
        (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
        (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
        (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
        (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
        (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
        (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
        (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
        (("Color", 0.9, 9), ("Equalize", 0.6, None)),
        (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
        (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
        (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
        (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
        (("Equalize", 0.8, None), ("Invert", 0.1, None)),
        (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
    ],
    AutoAugmentPolicy.SVHN: [
        (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
        (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
        (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
        (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
        (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
        (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
        (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
        (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
        (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
        (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
        (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
        (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
        (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
        (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
    ],
}


def _get_policies(policy):
    if policy not in _POLICIES:
        raise ValueError(f"The provided policy {policy} is not recognized.")
    return _POLICIES[policy]


class AutoAugment(Module):
    """One of the policy's sub-policies (two operations, each applied with its probability)."""

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__()
        self.policy, self.interpolation, self.fill = policy, interpolation, fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        return _get_policies(policy)

    def _augmentation_space(self, num_bins, image_size):
        return _space(num_bins, 0.3, [150.0 / 331.0 * s for s in image_size], 30.0, 0.9, 8, 4,
                      extra=("Invert",))

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, the two probabilities drawn, the two signs)."""
        policy_id = int(flambeau.randint(transform_num, (1,)).item())
        return policy_id, flambeau.rand((2,)), flambeau.randint(2, (2,))

    def forward(self, img):
        fill = _fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i] <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = 0.0 if magnitude_id is None else float(magnitudes[magnitude_id].item())
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(Module):
    """``num_ops`` operations drawn uniformly, each at bin ``magnitude`` with a random sign."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_ops, self.magnitude, self.num_magnitude_bins = num_ops, magnitude, \
            num_magnitude_bins
        self.interpolation, self.fill = interpolation, fill

    def _augmentation_space(self, num_bins, image_size):
        space = _space(num_bins, 0.3, [150.0 / 331.0 * s for s in image_size], 30.0, 0.9, 8, 4)
        return {"Identity": _unsigned_none(), **space}

    def forward(self, img):
        fill = _fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_name, magnitude = _random_op(op_meta, lambda bins: bins[self.magnitude])
            img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(Module):
    """One operation drawn uniformly, at a magnitude drawn uniformly among its bins."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_magnitude_bins, self.interpolation, self.fill = num_magnitude_bins, \
            interpolation, fill

    def _augmentation_space(self, num_bins):
        return {"Identity": _unsigned_none(),
                **_space(num_bins, 0.99, [32.0, 32.0], 135.0, 0.99, 8, 6)}

    def forward(self, img):
        fill = _fill(self.fill, img)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_name, magnitude = _random_op(
            op_meta, lambda bins: bins[flambeau.randint(len(bins), (1,), dtype=flambeau.long)])
        return _apply_op(img, op_name, magnitude, self.interpolation, fill)

    def __repr__(self):
        return (f"{type(self).__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


def _set_augmix_args(augmix, severity, mixture_width, chain_depth, alpha, all_ops):
    """AugMix's checked arguments as attributes (v1 and v2)."""
    augmix._PARAMETER_MAX = 10
    if not 1 <= severity <= augmix._PARAMETER_MAX:
        raise ValueError(f"The severity must be between [1, {augmix._PARAMETER_MAX}]. Got "
                         f"{severity} instead.")
    augmix.severity, augmix.mixture_width, augmix.chain_depth = severity, mixture_width, \
        chain_depth
    augmix.alpha, augmix.all_ops = alpha, all_ops


class AugMix(Module):
    """A Dirichlet-weighted mix of ``mixture_width`` chains of random operations, blended with
    the image by Beta-distributed weights (through a uint8 tensor for PIL images)."""

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__()
        _set_augmix_args(self, severity, mixture_width, chain_depth, alpha, all_ops)
        self.interpolation, self.fill = interpolation, fill

    def _augmentation_space(self, num_bins, image_size):
        space = _space(num_bins, 0.3, [s / 3.0 for s in image_size], 30.0, 0.0, 4, 4)
        if self.all_ops:
            space.update({name: _signed(0.9, num_bins)
                          for name in ("Brightness", "Color", "Contrast", "Sharpness")})
        return space

    def _sample_dirichlet(self, params):
        return flambeau._sample_dirichlet(params)

    def forward(self, orig_img):
        is_tensor = isinstance(orig_img, flambeau.Tensor)
        fill = _fill(self.fill, orig_img)
        img = orig_img if is_tensor else F.pil_to_tensor(orig_img)
        _, height, width = F.get_dimensions(orig_img)
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)
        n = batch.size(0)
        batch_dims = [n] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(flambeau.tensor([self.alpha, self.alpha]).expand(n, -1))
        weights = self._sample_dirichlet(flambeau.tensor([self.alpha] * self.mixture_width)
                                         .expand(n, -1)) * m[:, 1].view([n, -1])
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else \
                int(flambeau.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_name, magnitude = _random_op(op_meta, lambda bins: bins[flambeau.randint(
                    self.severity, (1,), dtype=flambeau.long)])
                aug = _apply_op(aug, op_name, magnitude, self.interpolation, fill)
            mix.add_(weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        return mix if is_tensor else F.to_pil_image(mix)

    def __repr__(self):
        return (f"{type(self).__name__}(severity={self.severity}, mixture_width="
                f"{self.mixture_width}, chain_depth={self.chain_depth}, alpha={self.alpha}, "
                f"all_ops={self.all_ops}, interpolation={self.interpolation}, fill={self.fill})")
