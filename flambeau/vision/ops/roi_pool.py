"""RoI Pool (Fast R-CNN): the maximum of each bin of each region, on the integer pixel grid."""
import numpy as np

import flambeau
from ... import nn
from .roi_align import _output_size, _rois

__all__ = ["roi_pool", "RoIPool"]


def _bin_edges(start, length, pooled, limit):
    """Per roi, the ``[lo, hi)`` pixel ranges of its ``pooled`` bins along one axis."""
    size = length / pooled
    steps = np.arange(pooled, dtype=size.dtype)
    lo = np.floor(steps * size[:, None]).astype(np.int64) + start[:, None]
    hi = np.ceil((steps + 1) * size[:, None]).astype(np.int64) + start[:, None]
    return np.clip(lo, 0, limit), np.clip(hi, 0, limit)


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """RoI max pooling of ``input`` ``(N, C, H, W)`` over ``boxes`` (``Tensor[K, 5]`` with the
    batch index first, or a list of ``Tensor[L, 4]``), giving ``(K, C, *output_size)``.

    Box corners are rounded to pixels (halves away from zero) and both included; empty bins give 0;
    the gradient goes to each bin's first maximum, as in torchvision's kernel.
    """
    ph, pw = _output_size(output_size)
    n, c, height, width = input.shape
    x = input.detach().numpy()
    rois = _rois(boxes).detach().numpy()
    scaled = rois[:, 1:].astype(x.dtype) * x.dtype.type(spatial_scale)
    corners = (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype(np.int64)
    roi_w = np.maximum(corners[:, 2] - corners[:, 0] + 1, 1).astype(x.dtype)
    roi_h = np.maximum(corners[:, 3] - corners[:, 1] + 1, 1).astype(x.dtype)
    hs, he = _bin_edges(corners[:, 1], roi_h, ph, height)
    ws, we = _bin_edges(corners[:, 0], roi_w, pw, width)
    index = np.full((len(rois), c, ph, pw), -1, np.int64)
    channel_base = np.arange(c) * height * width
    for k, b in enumerate(rois[:, 0].astype(np.int64)):
        for i in range(ph):
            for j in range(pw):
                region = x[b, :, hs[k, i]:he[k, i], ws[k, j]:we[k, j]]
                if region.size:
                    h, w = np.divmod(region.reshape(c, -1).argmax(1), region.shape[2])
                    index[k, :, i, j] = (b * c * height * width + channel_base
                                         + (h + hs[k, i]) * width + w + ws[k, j])
    empty = index < 0
    values = input.reshape(-1).take(flambeau.from_numpy(np.where(empty, 0, index)))
    return values.masked_fill(flambeau.from_numpy(empty), 0) if empty.any() else values


class RoIPool(nn.Module):
    """Module form of :func:`roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{type(self).__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
