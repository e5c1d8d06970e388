"""v2 AutoAugment, RandAugment, TrivialAugmentWide and AugMix: v1's policies and operations on
the one image or video of a sample, with v2's draws (scalar randint/rand, a sign when
``rand() <= 0.5``) and Solarize thresholds as shares of full intensity."""
import flambeau
from ..._pil import is_pil_image
from ... import tv_tensors
from .. import autoaugment as _v1
from .. import functional as F1
from .._functional_tensor import max_value
from ..autoaugment import AutoAugmentPolicy
from . import functional as F
from ._transform import Transform, is_pure_tensor, tree_flatten
from ._utils import get_fill, setup_fill

__all__ = ["AutoAugment", "AutoAugmentPolicy", "RandAugment", "TrivialAugmentWide", "AugMix"]

_OPS = _v1._operations(F)  # v1's operations through v2's kernels


class _AutoAugmentBase(Transform):
    def __init__(self, *, interpolation="nearest", fill=None):
        super().__init__()
        self.interpolation, self.fill, self._fill = interpolation, fill, setup_fill(fill)

    @staticmethod
    def _draw_op(space):
        """(name, (magnitudes, signed)) of one operation drawn uniformly."""
        name = list(space)[int(flambeau.randint(len(space), ()))]
        return name, space[name]

    @staticmethod
    def _maybe_negate(magnitude, signed):
        return -magnitude if signed and flambeau.rand(()) <= 0.5 else magnitude

    def forward(self, *inputs):
        flat_inputs, rebuild = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        needs = self._needs_transform_list(flat_inputs)
        found = []
        for k, (inpt, need) in enumerate(zip(flat_inputs, needs)):
            if need and (isinstance(inpt, (tv_tensors.Image, tv_tensors.Video))
                         or is_pure_tensor(inpt) or is_pil_image(inpt)):
                found.append(k)
            elif isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.Mask,
                                   tv_tensors.KeyPoints)):
                raise TypeError(f"Inputs of type {type(inpt).__name__} are not supported by "
                                f"{type(self).__name__}()")
        if not found:
            raise TypeError("Found no image in the sample.")
        if len(found) > 1:
            raise TypeError("Auto augment transformations are only properly defined for a "
                            f"single image or video, but found {len(found)}.")
        flat_inputs[found[0]] = self._augment(flat_inputs[found[0]])
        return rebuild(flat_inputs)

    def _apply(self, image, op_name, magnitude):
        """One operation on a PIL image, plain tensor, Image or Video."""
        if op_name == "Solarize":
            magnitude *= max_value(image.dtype) if isinstance(image, flambeau.Tensor) else 255.0
        return _v1._apply_op(image, op_name, magnitude, self.interpolation,
                             get_fill(self._fill, image), _OPS)


class AutoAugment(_AutoAugmentBase):
    _v1_transform_cls = _v1.AutoAugment

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.policy = policy
        self._policies = _v1._get_policies(policy)

    def _augment(self, image):
        height, width = F.get_size(image)
        space = _v1._space(10, 0.3, [150.0 / 331.0 * height, 150.0 / 331.0 * width], 30.0, 0.9,
                           8, 4, extra=("Invert",), solarize=1.0)
        policy = self._policies[int(flambeau.randint(len(self._policies), ()))]
        for op_name, probability, magnitude_id in policy:
            if not flambeau.rand(()) <= probability:
                continue
            magnitudes, signed = space[op_name]
            magnitude = 0.0
            if magnitude_id is not None:
                magnitude = self._maybe_negate(float(magnitudes[magnitude_id]), signed)
            image = self._apply(image, op_name, magnitude)
        return image


class RandAugment(_AutoAugmentBase):
    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation="nearest",
                 fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"num_ops should be a non-negative integer, but got {num_ops} "
                             "instead.")
        self.num_ops, self.magnitude, self.num_magnitude_bins = num_ops, magnitude, \
            num_magnitude_bins

    def _augment(self, image):
        height, width = F.get_size(image)
        space = {"Identity": (None, False), **_v1._space(
            self.num_magnitude_bins, 0.3, [150.0 / 331.0 * height, 150.0 / 331.0 * width], 30.0,
            0.9, 8, 4, solarize=1.0)}
        for _ in range(self.num_ops):
            op_name, (magnitudes, signed) = self._draw_op(space)
            magnitude = 0.0
            if magnitudes is not None and magnitudes.ndim > 0:
                magnitude = self._maybe_negate(float(magnitudes[self.magnitude]), signed)
            image = self._apply(image, op_name, magnitude)
        return image


class TrivialAugmentWide(_AutoAugmentBase):
    def __init__(self, num_magnitude_bins=31, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.num_magnitude_bins = num_magnitude_bins

    def _augment(self, image):
        bins = self.num_magnitude_bins
        space = {"Identity": (None, False),
                 **_v1._space(bins, 0.99, [32.0, 32.0], 135.0, 0.99, 8, 6, solarize=1.0)}
        op_name, (magnitudes, signed) = self._draw_op(space)
        magnitude = 0.0
        if magnitudes is not None and magnitudes.ndim > 0:
            magnitude = self._maybe_negate(float(magnitudes[int(flambeau.randint(bins, ()))]),
                                           signed)
        return self._apply(image, op_name, magnitude)


class AugMix(_AutoAugmentBase):
    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation="bilinear", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        _v1._set_augmix_args(self, severity, mixture_width, chain_depth, alpha, all_ops)

    def _augment(self, orig):
        height, width = F.get_size(orig)
        space = _v1._space(self._PARAMETER_MAX, 0.3, [height / 3.0, width / 3.0], 30.0, 0.0, 4, 4,
                           solarize=1.0)
        if self.all_ops:
            space.update({name: _v1._signed(0.9, self._PARAMETER_MAX)
                          for name in ("Brightness", "Color", "Contrast", "Sharpness")})
        image = orig if isinstance(orig, flambeau.Tensor) else F1.pil_to_tensor(orig)
        dims = list(image.shape)
        batch = image.reshape([1] * max((5 if isinstance(orig, tv_tensors.Video) else 4) -
                                        image.ndim, 0) + dims)
        n = batch.size(0)
        batch_dims = [n] + [1] * (batch.ndim - 1)
        m = flambeau._sample_dirichlet(flambeau.tensor([self.alpha, self.alpha]).expand(n, -1))
        weights = flambeau._sample_dirichlet(flambeau.tensor([self.alpha] * self.mixture_width)
                                             .expand(n, -1)) * m[:, 1].reshape([n, -1])
        mix = m[:, 0].reshape(batch_dims) * F._plain(batch)
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else \
                int(flambeau.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_name, (magnitudes, signed) = self._draw_op(space)
                magnitude = 0.0
                if magnitudes.ndim > 0:
                    magnitude = self._maybe_negate(
                        float(magnitudes[int(flambeau.randint(self.severity, ()))]), signed)
                aug = self._apply(aug, op_name, magnitude)
            mix.add_(weights[:, i].reshape(batch_dims) * F._plain(aug))
        mix = mix.reshape(dims).to(dtype=image.dtype)
        if isinstance(orig, tv_tensors.TVTensor):
            return tv_tensors.wrap(mix, like=orig)
        return mix if isinstance(orig, flambeau.Tensor) else F1.to_pil_image(mix)
