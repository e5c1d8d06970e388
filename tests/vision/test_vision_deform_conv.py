"""deform_conv2d and DeformConv2d (torchvision's compiled op does not load here) against a
reference written from torchvision's kernel definition in float64 torch (torch's autograd
gives the reference gradients), against conv2d for zero offsets, and the module's seeded
initialisation and repr against torchvision's."""
import math

import numpy as np
import pytest

import flambeau
from flambeau.vision import ops as FO

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


def sample(plane, y, x):
    """torchvision's bilinear_interpolate: zero outside (-1, size), missing corners zero."""
    height, width = plane.shape
    if y <= -1 or y >= height or x <= -1 or x >= width:
        return plane.new_zeros(())
    y0, x0 = math.floor(y), math.floor(x)
    total = plane.new_zeros(())
    for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= yy < height and 0 <= xx < width:
                total = total + wy * wx * plane[yy, xx]
    return total


def reference(x, offset, weight, bias, stride, padding, dilation, mask):
    batch, cin, _, _ = x.shape
    cout, cg, kh, kw = weight.shape
    groups, offset_groups = cin // cg, offset.shape[1] // (2 * kh * kw)
    out_h, out_w = offset.shape[-2:]
    out = []
    for b in range(batch):
        planes = []
        for c in range(cin):
            g = c // (cin // offset_groups)
            taps = []
            for i in range(kh):
                for j in range(kw):
                    k = i * kw + j
                    row = []
                    for oh in range(out_h):
                        for ow in range(out_w):
                            dy = offset[b, 2 * (g * kh * kw + k), oh, ow]
                            dx = offset[b, 2 * (g * kh * kw + k) + 1, oh, ow]
                            v = sample(x[b, c], oh * stride[0] - padding[0] + i * dilation[0] + dy,
                                       ow * stride[1] - padding[1] + j * dilation[1] + dx)
                            row.append(v if mask is None else v * mask[b, g * kh * kw + k, oh, ow])
                    taps.append(torch.stack(row))
            planes.append(torch.stack(taps))
        columns = torch.stack(planes).reshape(groups, cg * kh * kw, -1)
        out.append(torch.bmm(weight.reshape(groups, cout // groups, -1), columns)
                   .reshape(cout, out_h, out_w) + bias[:, None, None])
    return torch.stack(out)


@pytest.mark.parametrize("stride,padding,dilation,groups,offset_groups,masked", [
    ((1, 1), (0, 0), (1, 1), 1, 1, False), ((2, 1), (1, 2), (1, 2), 2, 2, True),
    ((1, 2), (2, 1), (2, 1), 1, 2, True)])
def test_deform_conv2d_values_and_gradients(stride, padding, dilation, groups, offset_groups,
                                            masked):
    rng = np.random.default_rng(0)
    kh, kw = 3, 2
    x = rng.standard_normal((2, 4, 6, 7))
    out_h = (6 + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    out_w = (7 + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    arrays = {"x": x, "weight": rng.standard_normal((4, 4 // groups, kh, kw)),
              "offset": rng.uniform(-2.5, 2.5, (2, 2 * offset_groups * kh * kw, out_h, out_w)),
              "bias": rng.standard_normal(4),
              "mask": rng.uniform(0, 1, (2, offset_groups * kh * kw, out_h, out_w))}
    ours = {k: flambeau.from_numpy(v.copy()).requires_grad_() for k, v in arrays.items()}
    theirs = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in arrays.items()}
    a = FO.deform_conv2d(ours["x"], ours["offset"], ours["weight"], ours["bias"], stride,
                         padding, dilation, ours["mask"] if masked else None)
    b = reference(theirs["x"], theirs["offset"], theirs["weight"], theirs["bias"], stride,
                  padding, dilation, theirs["mask"] if masked else None)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-12)
    grad = rng.standard_normal(a.shape)
    a.backward(flambeau.from_numpy(grad))
    b.backward(torch.from_numpy(grad))
    for key in ("x", "offset", "weight", "bias") + (("mask",) if masked else ()):
        np.testing.assert_allclose(ours[key].grad.numpy(), theirs[key].grad.numpy(),
                                   atol=1e-10, err_msg=key)


def test_zero_offsets_are_a_convolution():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 6, 9, 8)), rng.standard_normal((4, 3, 3, 3))
    offset = np.zeros((2, 18, 5, 3))
    ours = FO.deform_conv2d(flambeau.from_numpy(x), flambeau.from_numpy(offset),
                            flambeau.from_numpy(w), stride=2, padding=1, dilation=(1, 2))
    theirs = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=2,
                                        padding=1, dilation=(1, 2), groups=2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


def test_module_and_errors():
    for args, kwargs in (((4, 6, 3), {}), ((4, 6, (3, 2)), dict(stride=2, padding=1,
                                                                 dilation=2, groups=2,
                                                                 bias=False))):
        flambeau.manual_seed(0)
        torch.manual_seed(0)
        ours, theirs = FO.DeformConv2d(*args, **kwargs), torchvision.ops.DeformConv2d(*args,
                                                                                       **kwargs)
        assert repr(ours) == repr(theirs)
        for (name, p), (name_t, p_t) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == name_t
            np.testing.assert_array_equal(p.detach().numpy(), p_t.detach().numpy())
    for bad in (dict(groups=4), ):
        with pytest.raises(ValueError) as error:
            FO.DeformConv2d(6, 6, 3, **bad)
        with pytest.raises(ValueError) as error_t:
            torchvision.ops.DeformConv2d(6, 6, 3, **bad)
        assert str(error.value) == str(error_t.value)
    with pytest.raises(RuntimeError, match="the shape of the offset tensor at dimension 1 is "
                                           "not valid"):
        FO.deform_conv2d(flambeau.zeros(1, 2, 5, 5), flambeau.zeros(1, 4, 3, 3),
                         flambeau.zeros(2, 2, 3, 3))
    with pytest.raises(RuntimeError, match=r"offset output dims: \(4, 3\) - computed output "
                                           r"height and width: \(3, 3\)"):
        FO.deform_conv2d(flambeau.zeros(1, 2, 5, 5), flambeau.zeros(1, 18, 4, 3),
                         flambeau.zeros(2, 2, 3, 3))
