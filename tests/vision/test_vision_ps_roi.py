"""ps_roi_align and ps_roi_pool (torchvision's compiled ops do not load here) against
references written from torchvision's own test references, in float64 torch so that torch's
autograd gives the reference gradients too."""
import math

import numpy as np
import pytest

import flambeau
from flambeau.vision import ops as FO

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


def bilinear(plane, y, x):
    """A bilinear sample of ``plane`` at (y, x), snapped to the border within a pixel."""
    height, width = plane.shape
    if y < -1 or y > height or x < -1 or x > width:
        return plane.new_zeros(())
    y, x = min(max(y, 0.0), height - 1.0), min(max(x, 0.0), width - 1.0)
    y0, x0 = int(math.floor(y)), int(math.floor(x))
    total = plane.new_zeros(())
    for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if yy < height and xx < width:
                total = total + wy * wx * plane[yy, xx]
    return total


def reference_align(x, rois, ph, pw, scale, ratio):
    channels = x.shape[1] // (ph * pw)
    out = [[[[None] * pw for _ in range(ph)] for _ in range(channels)] for _ in rois]
    for r, roi in enumerate(rois.tolist()):
        x1, y1, x2, y2 = (v * scale - 0.5 for v in roi[1:])
        bin_h, bin_w = (y2 - y1) / ph, (x2 - x1) / pw
        for i in range(ph):
            gh = ratio if ratio > 0 else int(np.ceil(bin_h))
            for j in range(pw):
                gw = ratio if ratio > 0 else int(np.ceil(bin_w))
                for c in range(channels):
                    plane = x[int(roi[0]), (c * ph + i) * pw + j]
                    total = x.new_zeros(())
                    for iy in range(gh):
                        y = y1 + i * bin_h + (iy + 0.5) * bin_h / gh
                        for ix in range(gw):
                            total = total + bilinear(plane, y,
                                                     x1 + j * bin_w + (ix + 0.5) * bin_w / gw)
                    out[r][c][i][j] = total / max(gh * gw, 1)
    return torch.stack([torch.stack([torch.stack([torch.stack(row) for row in ch]) for ch in roi])
                        for roi in out])


def reference_pool(x, rois, ph, pw, scale):
    channels = x.shape[1] // (ph * pw)
    out = x.new_zeros(len(rois), channels, ph, pw)
    for r, roi in enumerate(rois.tolist()):
        x1, y1, x2, y2 = (int(math.copysign(math.floor(abs(v * scale) + 0.5), v))  # C's round
                          for v in roi[1:])
        bin_h, bin_w = max(y2 - y1, 1) / ph, max(x2 - x1, 1) / pw
        for i in range(ph):
            h0 = min(max(int(np.floor(i * bin_h)) + y1, 0), x.shape[2])
            h1 = min(max(int(np.ceil((i + 1) * bin_h)) + y1, 0), x.shape[2])
            for j in range(pw):
                w0 = min(max(int(np.floor(j * bin_w)) + x1, 0), x.shape[3])
                w1 = min(max(int(np.ceil((j + 1) * bin_w)) + x1, 0), x.shape[3])
                if h1 > h0 and w1 > w0:
                    for c in range(channels):
                        region = x[int(roi[0]), (c * ph + i) * pw + j, h0:h1, w0:w1]
                        out[r, c, i, j] = region.sum() / region.numel()
    return out


ROIS = np.array([[0, 0, 0, 9, 9], [0, 0, 5, 4, 9], [0, 5, 5, 9, 9], [1, 0, 0, 9, 9],
                 [1, 2.3, 1.7, 7.9, 6.2], [0, -2, -3, 14, 12], [1, 3, 3, 3.2, 3.1]])


@pytest.mark.parametrize("op", ["align", "pool"])
@pytest.mark.parametrize("size,scale,ratio", [(3, 1.0, -1), ((2, 3), 0.5, 2), (1, 1.3, 3)])
def test_position_sensitive_roi_ops(op, size, scale, ratio):
    ph, pw = (size, size) if isinstance(size, int) else size
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 2 * ph * pw, 10, 12))
    grad = rng.standard_normal((len(ROIS), 2, ph, pw))
    ours_x = flambeau.from_numpy(x.copy()).requires_grad_()
    theirs_x = torch.from_numpy(x.copy()).requires_grad_()
    if op == "align":
        ours = FO.ps_roi_align(ours_x, flambeau.from_numpy(ROIS), size, scale, ratio)
        theirs = reference_align(theirs_x, torch.from_numpy(ROIS), ph, pw, scale, ratio)
    else:
        ours = FO.ps_roi_pool(ours_x, flambeau.from_numpy(ROIS), size, scale)
        theirs = reference_pool(theirs_x, torch.from_numpy(ROIS), ph, pw, scale)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-12)
    ours.backward(flambeau.from_numpy(grad))
    theirs.backward(torch.from_numpy(grad))
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), atol=1e-12)


def test_boxes_as_a_list_modules_and_errors():
    x = flambeau.randn(2, 8, 6, 6)
    boxes = [flambeau.tensor([[0.0, 0, 4, 4]]), flambeau.tensor([[1.0, 1, 5, 5], [0, 0, 2, 2]])]
    rois = flambeau.tensor([[0.0, 0, 0, 4, 4], [1, 1, 1, 5, 5], [1, 0, 0, 2, 2]])
    for fn, module in ((FO.ps_roi_align, FO.PSRoIAlign(2, 1.0, -1)),
                       (FO.ps_roi_pool, FO.PSRoIPool(2, 1.0))):
        np.testing.assert_array_equal(fn(x, boxes, 2).numpy(), fn(x, rois, 2).numpy())
        np.testing.assert_array_equal(module(x, rois).numpy(), fn(x, rois, 2).numpy())
        with pytest.raises(RuntimeError, match="input channels must be a multiple of pooling "
                                               "height \\* pooling width"):
            fn(x, rois, 3)
    assert repr(FO.PSRoIAlign(2, 1.0, -1)) == repr(torchvision.ops.PSRoIAlign(2, 1.0, -1))
    assert repr(FO.PSRoIPool((2, 3), 0.5)) == repr(torchvision.ops.PSRoIPool((2, 3), 0.5))
    assert FO.ps_roi_pool(x, flambeau.zeros(0, 5), 2).shape == (0, 2, 2, 2)
