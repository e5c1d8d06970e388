"""Position-sensitive RoI Align (R-FCN): bin (i, j) of output channel c averages bilinear
samples of input channel ``(c * ph + i) * pw + j`` only."""
import flambeau
from ... import nn
from .roi_align import _output_size, roi_align

__all__ = ["ps_roi_align", "PSRoIAlign"]


def _groups(input, ph, pw):
    """The number of output channels: the input's channels in groups of ``ph * pw``."""
    if input.shape[1] % (ph * pw):
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    return input.shape[1] // (ph * pw)


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """Position-sensitive RoI Align of ``input`` ``(N, C * ph * pw, H, W)`` over ``boxes``
    (``Tensor[K, 5]`` or a list of ``Tensor[L, 4]``), giving ``(K, C, ph, pw)``: boxes
    shifted by -0.5 pixel as in ``roi_align(aligned=True)``. Gradients flow to ``input``."""
    ph, pw = _output_size(output_size)
    channels = _groups(input, ph, pw)
    pooled = roi_align(input, boxes, (ph, pw), spatial_scale, sampling_ratio, aligned=True)
    # bin b = i * pw + j of channel group b: the diagonal of (group, bin)
    grouped = pooled.reshape(pooled.shape[0], channels, ph * pw, ph * pw)
    return flambeau.diagonal(grouped, dim1=2, dim2=3).reshape(-1, channels, ph, pw)


class PSRoIAlign(nn.Module):
    """Module form of :func:`ps_roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale,
                            self.sampling_ratio)

    def __repr__(self):
        return (f"{type(self).__name__}(output_size={self.output_size}, spatial_scale="
                f"{self.spatial_scale}, sampling_ratio={self.sampling_ratio})")
