"""Deformable convolution (v1, and v2 with a modulation mask): each kernel tap samples the
input bilinearly at its place moved by a learned offset, then the samples are convolved."""
import flambeau
from ... import nn
from ...nn.modules.conv import _ConvNd, _ntuple

__all__ = ["deform_conv2d", "DeformConv2d"]


def _pair(value):
    return _ntuple(value, 2)


def _taps(out, kernel, stride, pad, dilation):
    """``(kernel, out)``: the undeformed input coordinate of each tap at each output place."""
    return (flambeau.arange(out) * stride - pad)[None, :] + \
        (flambeau.arange(kernel) * dilation)[:, None]


def _sample(input, y, x, groups):
    """Bilinear samples ``(B, C, K * L)`` of ``input`` ``(B, C, H, W)`` at the float places
    ``y``, ``x`` ``(B, groups, K * L)`` (group g for channels g * C / groups ...), zero outside
    (-1, size) and at neighbours off the image, as torchvision's kernel samples."""
    b, c, height, width = input.shape
    y0, x0 = y.detach().floor(), x.detach().floor()
    ly, lx = y - y0, x - x0
    inside = (y > -1) & (y < height) & (x > -1) & (x < width)
    planes = input.reshape(b, groups, c // groups, height * width)
    out = 0
    for dy, wy in ((0, 1 - ly), (1, ly)):
        for dx, wx in ((0, 1 - lx), (1, lx)):
            yy, xx = (y0 + dy).long(), (x0 + dx).long()
            ok = inside & (yy >= 0) & (yy < height) & (xx >= 0) & (xx < width)
            index = (yy.clamp(0, height - 1) * width + xx.clamp(0, width - 1))[:, :, None]
            values = planes.gather(3, index.expand(-1, -1, c // groups, -1))
            out = out + values * (wy * wx * ok)[:, :, None]
    return out.reshape(b, c, -1)


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0),
                  dilation=(1, 1), mask=None):
    """Deformable convolution of ``input`` ``(B, C_in, H, W)`` by ``weight``
    ``(C_out, C_in / groups, kh, kw)`` with ``offset`` ``(B, 2 * offset_groups * kh * kw,
    H_out, W_out)`` ((dy, dx) per tap) and, for v2, ``mask`` ``(B, offset_groups * kh * kw,
    H_out, W_out)``. Differentiable in input, offset, mask, weight and bias."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    out_channels, group_channels, kh, kw = weight.shape
    batch, in_channels, height, width = input.shape
    offset_groups = offset.shape[1] // (2 * kh * kw)
    if offset_groups == 0:
        raise RuntimeError("the shape of the offset tensor at dimension 1 is not valid. It "
                           "should be a multiple of 2 * weight.size[2] * weight.size[3].\n"
                           f"Got offset.shape[1]={offset.shape[1]}, while 2 * weight.size[2] "
                           f"* weight.size[3]={2 * kh * kw}")
    groups = in_channels // group_channels
    out_h = (height + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out_w = (width + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    for name, given in (("offset", offset), ("mask", mask)):
        if given is not None and tuple(given.shape[-2:]) != (out_h, out_w):
            raise RuntimeError(f"{name} output dims: ({given.shape[-2]}, {given.shape[-1]}) - "
                               f"computed output height and width: ({out_h}, {out_w})")
    taps = kh * kw
    rows = _taps(out_h, kh, sh, ph, dh)[:, None, :, None].expand(kh, kw, out_h, out_w)
    cols = _taps(out_w, kw, sw, pw, dw)[None, :, None, :].expand(kh, kw, out_h, out_w)
    moved = offset.reshape(batch, offset_groups, taps, 2, out_h * out_w)
    y = moved[:, :, :, 0] + rows.reshape(1, 1, taps, -1).to(offset.dtype)
    x = moved[:, :, :, 1] + cols.reshape(1, 1, taps, -1).to(offset.dtype)
    columns = _sample(input, y.reshape(batch, offset_groups, -1),
                      x.reshape(batch, offset_groups, -1), offset_groups)
    if mask is not None:
        columns = (columns.reshape(batch, offset_groups, -1, taps * out_h * out_w)
                   * mask.reshape(batch, offset_groups, 1, -1))
    columns = columns.reshape(batch, groups, group_channels * taps, out_h * out_w)
    out = weight.reshape(groups, out_channels // groups, group_channels * taps).matmul(columns)
    out = out.reshape(batch, out_channels, out_h, out_w)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


class DeformConv2d(nn.Module):
    """Module form of :func:`deform_conv2d` (weight and bias initialised as ``nn.Conv2d``'s)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding, self.dilation = _pair(padding), _pair(dilation)
        self.groups = groups
        self.weight = nn.Parameter(flambeau.empty(out_channels, in_channels // groups,
                                                  *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(flambeau.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    reset_parameters = _ConvNd.reset_parameters

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride,
                             padding=self.padding, dilation=self.dilation, mask=mask)

    def __repr__(self):
        text = (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}")
        text += f", padding={self.padding}" if self.padding != (0, 0) else ""
        text += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        text += f", groups={self.groups}" if self.groups != 1 else ""
        text += ", bias=False" if self.bias is None else ""
        return text + ")"
