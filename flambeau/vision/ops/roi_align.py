"""RoI Align (Mask R-CNN): average of bilinear samples over each bin of each region."""
import numpy as np

import flambeau
from ... import nn

__all__ = ["roi_align", "RoIAlign"]


def _rois(boxes):
    """``Tensor[K, 5]`` rows ``(batch index, x1, y1, x2, y2)`` from either accepted form."""
    if isinstance(boxes, (list, tuple)):
        for b in boxes:
            if b.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
        return flambeau.cat([flambeau.cat([flambeau.full_like(b[:, :1], i), b], dim=1)
                             for i, b in enumerate(boxes)], dim=0)
    if not isinstance(boxes, flambeau.Tensor):
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")
    if boxes.size(1) != 5:
        raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    return boxes


def _output_size(size):
    return (size, size) if isinstance(size, int) else tuple(size)


def _axis(start, size, pooled, grid, limit, dtype):
    """Per-roi sample positions along one axis as (corner indices, corner weights), each of shape
    ``(K, pooled, grid, 2)``; samples outside ``[-1, limit]`` weigh nothing (torchvision's kernel)."""
    bin_size = size / pooled
    steps = (np.arange(grid, dtype=dtype) + dtype(0.5)) * (bin_size / grid)[:, None]
    pos = (start[:, None, None] + np.arange(pooled, dtype=dtype)[:, None] * bin_size[:, None, None]
           + steps[:, None, :])
    inside = (pos >= -1) & (pos <= limit)
    pos = np.maximum(pos, 0)
    low = pos.astype(np.int64)
    edge = low >= limit - 1
    low[edge] = limit - 1
    pos = np.where(edge, low.astype(dtype), pos)
    high = np.where(edge, low, low + 1)
    frac = (pos - low).astype(dtype)
    weights = np.stack(((1 - frac) * inside, frac * inside), axis=-1)
    return np.stack((low, high), axis=-1), weights


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align of ``input`` ``(N, C, H, W)`` over ``boxes`` (``Tensor[K, 5]`` with the batch index
    first, or a list of ``Tensor[L, 4]``, one per image), giving ``(K, C, *output_size)``.

    ``sampling_ratio > 0`` takes that many samples per bin and axis, otherwise
    ``ceil(roi_size / output_size)``; ``aligned=True`` shifts boxes by -0.5 pixel. Gradients flow
    to ``input`` only, as with torchvision's kernel (boxes are treated as constants).
    """
    ph, pw = _output_size(output_size)
    rois = _rois(boxes).detach().numpy()
    n, c, height, width = input.shape
    dtype = input.detach().numpy().dtype.type
    coords = (rois[:, 1:] * spatial_scale - (0.5 if aligned else 0.0)).astype(dtype)
    roi_w, roi_h = coords[:, 2] - coords[:, 0], coords[:, 3] - coords[:, 1]
    if not aligned:
        roi_w, roi_h = np.maximum(roi_w, 1), np.maximum(roi_h, 1)
    if sampling_ratio > 0:
        grids = np.full((len(rois), 2), sampling_ratio, np.int64)
    else:
        grids = np.stack((np.ceil(roi_h / ph), np.ceil(roi_w / pw)), axis=1).astype(np.int64)
    flat = input.permute(0, 2, 3, 1).reshape(n * height * width, c)
    out = input.new_zeros((len(rois), ph, pw, c))
    batch = rois[:, 0].astype(np.int64)
    for gh, gw in np.unique(grids, axis=0):
        sel = np.flatnonzero((grids[:, 0] == gh) & (grids[:, 1] == gw))
        if gh == 0 or gw == 0:
            continue
        ys, wy = _axis(coords[sel, 1], roi_h[sel], ph, gh, height, dtype)
        xs, wx = _axis(coords[sel, 0], roi_w[sel], pw, gw, width, dtype)
        # (K, PH, GH, 2) x (K, PW, GW, 2) -> (K, PH, PW, GH, GW, 2, 2)
        index = ((batch[sel, None, None, None, None, None, None] * height
                  + ys[:, :, None, :, None, :, None]) * width + xs[:, None, :, None, :, None, :])
        weight = (wy[:, :, None, :, None, :, None] * wx[:, None, :, None, :, None, :]) / max(gh * gw, 1)
        k = len(sel)
        values = flat.index_select(0, flambeau.from_numpy(index.reshape(-1)))
        values = values.view(k * ph * pw, gh * gw * 4, c)
        pooled = flambeau.from_numpy(weight.reshape(k * ph * pw, 1, gh * gw * 4).astype(dtype)).bmm(values)
        out = out.index_copy(0, flambeau.from_numpy(sel), pooled.view(k, ph, pw, c))
    if out.grad_fn is None and flat.requires_grad:
        out = out + flat[:0].sum()  # no samples: still a node, giving ``input`` a zero gradient
    return out.permute(0, 3, 1, 2)


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{type(self).__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
