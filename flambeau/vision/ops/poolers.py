"""Multi-scale RoI Align: each region pooled from the pyramid level its size maps to (FPN
paper, eq. 1)."""
import math

import flambeau
from ... import nn
from .boxes import box_area
from .roi_align import _rois, roi_align

__all__ = ["LevelMapper", "initLevelMapper", "MultiScaleRoIAlign"]


class LevelMapper:
    """Maps boxes to pyramid levels: ``floor(canonical_level + log2(sqrt(area) /
    canonical_scale) + eps)`` clamped to ``[k_min, k_max]``, minus ``k_min``."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min = k_min
        self.k_max = k_max
        self.s0 = canonical_scale
        self.lvl0 = canonical_level
        self.eps = eps

    def __call__(self, boxlists):
        s = flambeau.sqrt(flambeau.cat([box_area(boxes) for boxes in boxlists]))
        levels = flambeau.floor(self.lvl0 + flambeau.log2(s / self.s0)
                                + flambeau.tensor(self.eps, dtype=s.dtype))
        return levels.clamp(min=self.k_min, max=self.k_max).to(flambeau.int64) - self.k_min


def initLevelMapper(k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
    """A :class:`LevelMapper` (torchvision's factory name)."""
    return LevelMapper(k_min, k_max, canonical_scale, canonical_level, eps)


def _infer_scale(feature, original_size):
    """The power of two nearest to the feature map's height over the image's (rounded in log2
    as float32, half to even)."""
    ratio = flambeau.tensor(float(feature.shape[-2]) / float(original_size[0]))
    return 2 ** float(ratio.log2().round())


def _setup_scales(features, image_shapes, canonical_scale, canonical_level):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    largest = (max(s[0] for s in image_shapes), max(s[1] for s in image_shapes))
    scales = [_infer_scale(feature, largest) for feature in features]
    lvl_min = -math.log2(scales[0])
    lvl_max = -math.log2(scales[-1])
    return scales, initLevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                                   canonical_level=canonical_level)


class MultiScaleRoIAlign(nn.Module):
    """RoI Align over the maps named ``featmap_names`` of a feature dict: each box (``xyxy``, in
    the coordinates of the original images, ``image_shapes`` being their sizes) is pooled to
    ``output_size`` from the level :class:`LevelMapper` picks. The scales are inferred on the
    first call and kept."""

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224,
                 canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        features = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(
                features, image_shapes, self.canonical_scale, self.canonical_level)
        rois = _rois(boxes)
        if len(features) == 1:
            return roi_align(features[0], rois, output_size=self.output_size,
                             spatial_scale=self.scales[0], sampling_ratio=self.sampling_ratio)
        levels = self.map_levels(boxes)
        first = features[0]
        result = first.new_zeros((len(rois), first.shape[1]) + self.output_size)
        for level, (feature, scale) in enumerate(zip(features, self.scales)):
            idx = flambeau.where(levels == level)[0]
            result[idx] = roi_align(feature, rois[idx], output_size=self.output_size,
                                    spatial_scale=scale, sampling_ratio=self.sampling_ratio
                                    ).to(result.dtype)
        return result

    def __repr__(self):
        return (f"{type(self).__name__}(featmap_names={self.featmap_names}, "
                f"output_size={self.output_size}, sampling_ratio={self.sampling_ratio})")
