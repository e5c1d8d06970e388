"""Position-sensitive RoI Pool (R-FCN): bin (i, j) of output channel c is the mean of input
channel ``(c * ph + i) * pw + j`` over the bin's pixels."""
import numpy as np

import flambeau
from ... import nn
from .ps_roi_align import _groups
from .roi_align import _output_size, _rois
from .roi_pool import _bin_edges

__all__ = ["ps_roi_pool", "PSRoIPool"]


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Position-sensitive average pooling of ``input`` ``(N, C * ph * pw, H, W)`` over
    ``boxes`` (``Tensor[K, 5]`` or a list of ``Tensor[L, 4]``), giving ``(K, C, ph, pw)``.

    Box corners are rounded to pixels (halves away from zero), the box spans at least one
    pixel each way; empty bins give 0. Gradients flow to ``input``."""
    ph, pw = _output_size(output_size)
    channels = _groups(input, ph, pw)
    n, _, height, width = input.shape
    rois = _rois(boxes).detach().numpy()
    dtype = input.detach().numpy().dtype
    scaled = rois[:, 1:].astype(dtype) * dtype.type(spatial_scale)
    corners = (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype(np.int64)
    roi_w = np.maximum(corners[:, 2] - corners[:, 0], 1).astype(dtype)
    roi_h = np.maximum(corners[:, 3] - corners[:, 1], 1).astype(dtype)
    hs, he = _bin_edges(corners[:, 1], roi_h, ph, height)
    ws, we = _bin_edges(corners[:, 0], roi_w, pw, width)
    rows, cols = np.arange(height), np.arange(width)
    # per roi and bin, the rows / columns it covers (as 0/1 weights)
    in_rows = ((rows >= hs[..., None]) & (rows < he[..., None])).astype(dtype)  # (K, ph, H)
    in_cols = ((cols >= ws[..., None]) & (cols < we[..., None])).astype(dtype)  # (K, pw, W)
    area = in_rows.sum(-1)[:, :, None] * in_cols.sum(-1)[:, None, :]
    scale = np.divide(1, area, out=np.zeros_like(area), where=area > 0)  # empty bins give 0
    grouped = input.reshape(n, channels, ph, pw, height, width)
    out = [flambeau.einsum("ih,cijhw,jw->cij", flambeau.from_numpy(in_rows[k]),
                           grouped[int(rois[k, 0])], flambeau.from_numpy(in_cols[k]))
           * flambeau.from_numpy(scale[k]) for k in range(len(rois))]
    return flambeau.stack(out) if out else input.new_zeros((0, channels, ph, pw))


class PSRoIPool(nn.Module):
    """Module form of :func:`ps_roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return ps_roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return (f"{type(self).__name__}(output_size={self.output_size}, "
                f"spatial_scale={self.spatial_scale})")
