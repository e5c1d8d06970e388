"""flambeau.vision.ops vs torchvision.ops. torchvision's compiled operators are absent from the
oracle (.ci/torchvision-oracle.sh), so nms and batched_nms are checked against a brute-force greedy
reference written here, roi_align against torchvision's pure-Python fallback (which it uses without
its compiled ops) and, for samples outside the image, against a scalar transcription of the CPU
kernel's documented rule (such samples count as zero)."""
import itertools

import numpy as np
import pytest
import torch
import torchvision.ops as tvo

import flambeau
from flambeau.vision import ops
from conftest import assert_same, raises_like


def _f(t):
    return flambeau.tensor(t.numpy())


def _boxes(n, seed, size=50.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g) * size
    wh = torch.rand(n, 2, generator=g) * size / 2 + 0.5
    return torch.cat([xy, xy + wh], 1).to(dtype)


FORMATS = ["xyxy", "xywh", "cxcywh"]
ROTATED = ["xywhr", "cxcywhr", "xyxyxyxy"]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_box_convert_between_every_pair_of_formats(dtype):
    boxes = _boxes(7, 0, dtype=dtype)
    for a, b in itertools.product(FORMATS, FORMATS):
        assert_same(ops.box_convert(_f(boxes), a, b), tvo.box_convert(boxes, a, b))
    rotated = torch.cat([boxes, torch.randint(-90, 90, (7, 1)).to(dtype)], 1)
    for a, b in itertools.product(["xywhr", "cxcywhr"], ROTATED):
        expected = tvo.box_convert(rotated, a, b)
        assert_same(ops.box_convert(_f(rotated), a, b), expected, rtol=1e-5, atol=1e-4)
        back = tvo.box_convert(expected, b, a)
        assert_same(ops.box_convert(_f(expected), b, a), back, rtol=1e-5, atol=1e-4)


def test_box_convert_errors():
    boxes = _boxes(2, 1)
    raises_like(lambda: ops.box_convert(_f(boxes), "xyxy", "abcd"), lambda: tvo.box_convert(boxes, "xyxy", "abcd"))
    raises_like(lambda: ops.box_convert(_f(boxes), "xyxy", "xywhr"), lambda: tvo.box_convert(boxes, "xyxy", "xywhr"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_box_area_and_iou(fmt):
    a, b = _boxes(6, 2), _boxes(4, 3)
    assert_same(ops.box_area(_f(a), fmt), tvo.box_area(a, fmt))
    assert_same(ops.box_iou(_f(a), _f(b), fmt), tvo.box_iou(a, b, fmt))
    batched_a, batched_b = a.view(2, 3, 4), b.view(2, 2, 4)
    assert_same(ops.box_iou(_f(batched_a), _f(batched_b), fmt), tvo.box_iou(batched_a, batched_b, fmt))


def test_box_area_iou_of_integer_boxes_and_errors():
    a, b = _boxes(5, 4, dtype=torch.int16), _boxes(3, 5, dtype=torch.int16)
    assert_same(ops.box_area(_f(a)), tvo.box_area(a))
    assert_same(ops.box_iou(_f(a), _f(b)), tvo.box_iou(a, b))
    raises_like(lambda: ops.box_area(_f(a), "xywhr"), lambda: tvo.box_area(a, "xywhr"))
    raises_like(lambda: ops.box_iou(_f(a), _f(b), "nope"), lambda: tvo.box_iou(a, b, "nope"))


def test_clip_and_remove_small_boxes():
    boxes = _boxes(8, 6, size=40.0) - 10
    assert_same(ops.clip_boxes_to_image(_f(boxes), (20, 30)), tvo.clip_boxes_to_image(boxes, (20, 30)))
    assert_same(ops.remove_small_boxes(_f(boxes), 6.0), tvo.remove_small_boxes(boxes, 6.0))


def _greedy_nms(boxes, scores, threshold):
    """Keep boxes by decreasing score (equal scores: lower index first), dropping every box whose
    IoU with a kept one exceeds the threshold."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if all(_iou(boxes[i], boxes[j]) <= threshold for j in keep):
            keep.append(i)
    return keep


def _iou(a, b):
    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)
    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5, 0.9])
@pytest.mark.parametrize("seed", [0, 1])
def test_nms_against_a_greedy_reference(threshold, seed):
    boxes = _boxes(60, seed, size=30.0).double()
    scores = torch.rand(60, generator=torch.Generator().manual_seed(seed + 10), dtype=torch.float64)
    scores = (scores * 6).floor() / 6  # many ties
    keep = ops.nms(_f(boxes), _f(scores), threshold)
    assert keep.dtype == flambeau.int64
    assert keep.tolist() == _greedy_nms(boxes.tolist(), scores.tolist(), threshold)


def test_batched_nms_keeps_categories_apart():
    boxes = _boxes(40, 7, size=20.0).double()
    g = torch.Generator().manual_seed(8)
    scores = torch.rand(40, generator=g, dtype=torch.float64)
    idxs = torch.randint(0, 3, (40,), generator=g)
    kept = []
    for c in range(3):
        members = [i for i in range(40) if idxs[i] == c]
        kept += [members[k] for k in _greedy_nms(boxes[members].tolist(), scores[members].tolist(), 0.3)]
    expected = sorted(kept, key=lambda i: -scores[i])
    assert ops.batched_nms(_f(boxes), _f(scores), _f(idxs), 0.3).tolist() == expected
    assert ops.batched_nms(flambeau.zeros(0, 4), flambeau.zeros(0), flambeau.zeros(0), 0.5).tolist() == []


def test_nms_errors():
    with pytest.raises(RuntimeError, match="boxes should have 4 elements in dimension 1, got 3"):
        ops.nms(flambeau.zeros(2, 3), flambeau.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="boxes and scores should have same number of elements"):
        ops.nms(flambeau.zeros(2, 4), flambeau.zeros(3), 0.5)


def _roi_case(seed, inside=True):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 3, 10, 12, generator=g, dtype=torch.float64)
    boxes = _boxes(5, seed, size=7.0, dtype=torch.float64)
    if not inside:
        boxes = boxes * 2 - 4
    return x, torch.cat([torch.tensor([[0.0], [1.0], [1.0], [0.0], [1.0]], dtype=torch.float64), boxes], 1)


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("sampling_ratio", [-1, 1, 2])
@pytest.mark.parametrize("output_size,scale", [((3, 2), 1.0), (2, 0.8)])
def test_roi_align_forward_and_gradient(aligned, sampling_ratio, output_size, scale):
    x, rois = _roi_case(3)
    x.requires_grad_()
    expected = tvo.roi_align(x, rois, output_size, scale, sampling_ratio, aligned)
    ours_x = _f(x.detach()).requires_grad_()
    got = ops.roi_align(ours_x, _f(rois), output_size, scale, sampling_ratio, aligned)
    assert_same(got, expected, rtol=1e-10, atol=1e-12)
    grad = torch.randn(expected.shape, dtype=torch.float64)
    expected.backward(grad)
    got.backward(_f(grad))
    assert_same(ours_x.grad, x.grad, rtol=1e-10, atol=1e-12)


def test_roi_align_boxes_as_a_list_and_the_module():
    x, rois = _roi_case(4)
    x, rois = x.float(), rois.float()
    per_image = [rois[rois[:, 0] == i, 1:] for i in range(2)]
    expected = tvo.roi_align(x, per_image, 2, 1.0, 2)
    assert_same(ops.roi_align(_f(x), [_f(b) for b in per_image], 2, 1.0, 2), expected, rtol=1e-5, atol=1e-6)
    module, theirs = ops.RoIAlign((2, 2), 0.5, 2, True), tvo.RoIAlign((2, 2), 0.5, 2, True)
    assert repr(module) == repr(theirs)
    assert_same(module(_f(x), _f(rois)), theirs(x, rois), rtol=1e-5, atol=1e-6)


def _kernel_roi_align(x, rois, ph, pw, scale, ratio, aligned):
    """torchvision's CPU kernel transcribed sample by sample."""
    n, c, height, width = x.shape
    out = np.zeros((len(rois), c, ph, pw))
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        off = 0.5 if aligned else 0.0
        sx, sy, ex, ey = x1 * scale - off, y1 * scale - off, x2 * scale - off, y2 * scale - off
        rw, rh = (ex - sx, ey - sy) if aligned else (max(ex - sx, 1.0), max(ey - sy, 1.0))
        gh = ratio if ratio > 0 else int(np.ceil(rh / ph))
        gw = ratio if ratio > 0 else int(np.ceil(rw / pw))
        for i, j in itertools.product(range(ph), range(pw)):
            total = np.zeros(c)
            for iy, ix in itertools.product(range(gh), range(gw)):
                y = sy + i * rh / ph + (iy + 0.5) * rh / ph / gh
                xx = sx + j * rw / pw + (ix + 0.5) * rw / pw / gw
                if y < -1 or y > height or xx < -1 or xx > width:
                    continue
                y, xx = max(y, 0.0), max(xx, 0.0)
                y0, x0 = min(int(y), height - 1), min(int(xx), width - 1)
                y1_, x1_ = min(y0 + 1, height - 1), min(x0 + 1, width - 1)
                ly, lx = (y - y0 if y0 < height - 1 else 0.0), (xx - x0 if x0 < width - 1 else 0.0)
                img = x[int(b)]
                total += ((1 - ly) * (1 - lx) * img[:, y0, x0] + (1 - ly) * lx * img[:, y0, x1_]
                          + ly * (1 - lx) * img[:, y1_, x0] + ly * lx * img[:, y1_, x1_])
            out[k, :, i, j] = total / max(gh * gw, 1)
    return out


@pytest.mark.parametrize("aligned", [False, True])
def test_roi_align_samples_outside_the_image_count_as_zero(aligned):
    x, rois = _roi_case(5, inside=False)
    got = ops.roi_align(_f(x), _f(rois), (3, 3), 1.0, -1, aligned)
    np.testing.assert_allclose(got.numpy(), _kernel_roi_align(x.numpy(), rois.numpy(), 3, 3, 1.0, -1, aligned),
                               rtol=1e-10, atol=1e-12)


def test_roi_align_box_shape_errors():
    raises_like(lambda: ops.roi_align(flambeau.zeros(1, 1, 4, 4), flambeau.zeros(2, 4), 2),
                lambda: tvo.roi_align(torch.zeros(1, 1, 4, 4), torch.zeros(2, 4), 2))
    raises_like(lambda: ops.roi_align(flambeau.zeros(1, 1, 4, 4), [flambeau.zeros(2, 5)], 2),
                lambda: tvo.roi_align(torch.zeros(1, 1, 4, 4), [torch.zeros(2, 5)], 2))


def test_misc_layers_print_and_compute_as_torchvision():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(tvo.Conv2dNormActivation(4, 8, 3, stride=2), tvo.SqueezeExcitation(8, 2),
                                 tvo.Conv2dNormActivation(8, 8, (1, 3), dilation=(1, 2), norm_layer=None),
                                 tvo.FrozenBatchNorm2d(8, eps=1e-3))
    flambeau.manual_seed(0)
    ours = flambeau.nn.Sequential(ops.Conv2dNormActivation(4, 8, 3, stride=2), ops.SqueezeExcitation(8, 2),
                                  ops.Conv2dNormActivation(8, 8, (1, 3), dilation=(1, 2), norm_layer=None),
                                  ops.FrozenBatchNorm2d(8, eps=1e-3))
    assert repr(ours) == repr(theirs)
    state = {k: v + torch.rand(v.shape) if v.is_floating_point() else v for k, v in theirs.state_dict().items()}
    theirs.load_state_dict(state)
    state = {k: _f(v) for k, v in state.items()}
    state["3.num_batches_tracked"] = flambeau.tensor(0)  # dropped by FrozenBatchNorm2d, as in torchvision
    ours.load_state_dict(state)
    x = torch.randn(2, 4, 9, 9)
    assert_same(ours.eval()(_f(x)), theirs.eval()(x).detach(), rtol=1e-4, atol=1e-5)
    mlp, tv_mlp = ops.MLP(5, [7, 3], norm_layer=flambeau.nn.LayerNorm, dropout=0.1), \
        tvo.MLP(5, [7, 3], norm_layer=torch.nn.LayerNorm, dropout=0.1)
    assert repr(mlp) == repr(tv_mlp)
    assert repr(ops.MLP(5, [3], inplace=False)) == repr(tvo.MLP(5, [3], inplace=False))


@pytest.mark.parametrize("mode,p", [("row", 0.3), ("batch", 0.5), ("row", 1.0)])
def test_stochastic_depth_draws_as_torchvision(mode, p):
    assert repr(ops.StochasticDepth(p, mode)) == repr(tvo.StochasticDepth(p, mode))
    x = torch.randn(50, 3, 2)
    torch.manual_seed(1)
    expected = tvo.stochastic_depth(x, p, mode)
    flambeau.manual_seed(1)
    assert_same(ops.stochastic_depth(_f(x), p, mode), expected)
    ours = _f(x)
    assert ops.stochastic_depth(ours, p, mode, training=False) is ours
    assert ops.StochasticDepth(p, mode).eval()(ours) is ours


def test_stochastic_depth_errors():
    x = flambeau.ones(4, 3)
    raises_like(lambda: ops.stochastic_depth(x, 1.5, "row"), lambda: tvo.stochastic_depth(torch.ones(2), 1.5, "row"))
    raises_like(lambda: ops.stochastic_depth(x, 0.5, "col"), lambda: tvo.stochastic_depth(torch.ones(2), 0.5, "col"))


def _kernel_roi_pool(x, rois, ph, pw, scale):
    """torchvision's RoI Pool CPU kernel transcribed bin by bin: outputs and argmax (flat h * W + w)."""
    n, c, height, width = x.shape
    out, argmax = np.zeros((len(rois), c, ph, pw)), np.full((len(rois), c, ph, pw), -1)
    for k, (b, *corners) in enumerate(rois):
        x1, y1, x2, y2 = [int(np.sign(v * scale) * np.floor(abs(v * scale) + 0.5)) for v in corners]
        bh, bw = max(y2 - y1 + 1, 1) / ph, max(x2 - x1 + 1, 1) / pw
        for i, j in itertools.product(range(ph), range(pw)):
            hs, he = [min(max(v + y1, 0), height) for v in (int(np.floor(i * bh)), int(np.ceil((i + 1) * bh)))]
            ws, we = [min(max(v + x1, 0), width) for v in (int(np.floor(j * bw)), int(np.ceil((j + 1) * bw)))]
            for ch in range(c):
                best, where = (0.0, -1) if he <= hs or we <= ws else (-np.inf, -1)
                for h, w in itertools.product(range(hs, he), range(ws, we)):
                    if x[int(b), ch, h, w] > best:
                        best, where = x[int(b), ch, h, w], h * width + w
                out[k, ch, i, j], argmax[k, ch, i, j] = best, where
    return out, argmax


@pytest.mark.parametrize("output_size,scale", [((3, 2), 1.0), (2, 0.6), (4, 1.3)])
def test_roi_pool_forward_and_gradient(output_size, scale):
    x, rois = _roi_case(6, inside=False)
    ph, pw = (output_size, output_size) if isinstance(output_size, int) else output_size
    expected, argmax = _kernel_roi_pool(x.numpy(), rois.numpy(), ph, pw, scale)
    ours_x = _f(x).requires_grad_()
    got = ops.roi_pool(ours_x, _f(rois), output_size, scale)
    np.testing.assert_array_equal(got.detach().numpy(), expected)
    grad = np.random.default_rng(0).standard_normal(expected.shape)
    got.backward(flambeau.tensor(grad))
    want = np.zeros(x.shape)
    for (k, ch, i, j), where in np.ndenumerate(argmax):
        if where >= 0:
            want[int(rois[k, 0]), ch].reshape(-1)[where] += grad[k, ch, i, j]
    np.testing.assert_allclose(ours_x.grad.numpy(), want, rtol=1e-12, atol=1e-12)


def test_roi_pool_module_and_list_boxes():
    x, rois = _roi_case(7)
    per_image = [_f(rois[rois[:, 0] == i, 1:]) for i in range(2)]
    module, theirs = ops.RoIPool((2, 3), 0.5), tvo.RoIPool((2, 3), 0.5)
    assert repr(module) == repr(theirs)
    ordered = flambeau.cat([_f(rois[rois[:, 0] == i]) for i in range(2)])
    assert_same(module(_f(x), per_image), ops.roi_pool(_f(x), ordered, (2, 3), 0.5))


@pytest.mark.parametrize("name", ["generalized_box_iou", "distance_box_iou", "complete_box_iou"])
def test_iou_variants_values_and_gradients(name):
    a, b = _boxes(5, 8).double(), _boxes(3, 9).double()
    a.requires_grad_()
    expected = getattr(tvo, name)(a, b)
    ours_a = _f(a.detach()).requires_grad_()
    got = getattr(ops, name)(ours_a, _f(b))
    assert_same(got, expected.detach(), rtol=1e-12, atol=1e-12)
    expected.sum().backward()
    got.sum().backward()
    assert_same(ours_a.grad, a.grad, rtol=1e-10, atol=1e-12)
    batched = _boxes(6, 10, dtype=torch.int32).view(2, 3, 4)
    assert_same(getattr(ops, name)(_f(batched), _f(batched)), getattr(tvo, name)(batched, batched), rtol=1e-6)


def test_masks_to_boxes():
    masks = torch.zeros(4, 9, 11, dtype=torch.bool)
    masks[0, 2:5, 3:8] = True
    masks[1, 4, 6] = True
    masks[3] = torch.rand(9, 11, generator=torch.Generator().manual_seed(3)) > 0.7
    assert_same(ops.masks_to_boxes(_f(masks)), tvo.masks_to_boxes(masks))
    assert_same(ops.masks_to_boxes(_f(masks.to(torch.uint8))), tvo.masks_to_boxes(masks.to(torch.uint8)))
    assert_same(ops.masks_to_boxes(flambeau.zeros(0, 3, 3)), tvo.masks_to_boxes(torch.zeros(0, 3, 3)))


@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_box_losses_values_and_gradients(name, reduction):
    a, b = _boxes(9, 11).double(), _boxes(9, 12).double()
    b[:3] = a[:3] + 0.5  # overlapping pairs as well as disjoint ones
    a.requires_grad_()
    expected = getattr(tvo, name)(a, b, reduction)
    ours_a = _f(a.detach()).requires_grad_()
    got = getattr(ops, name)(ours_a, _f(b), reduction)
    assert_same(got, expected.detach(), rtol=1e-12, atol=1e-12)
    expected.sum().backward()
    got.sum().backward()
    assert_same(ours_a.grad, a.grad, rtol=1e-10, atol=1e-12)
    ints = _boxes(4, 13, dtype=torch.int64)
    assert_same(getattr(ops, name)(_f(ints), _f(ints.flip(0)), reduction),
                getattr(tvo, name)(ints, ints.flip(0), reduction), rtol=1e-6)
    empty = torch.zeros(0, 4)
    assert_same(getattr(ops, name)(_f(empty), _f(empty), reduction), getattr(tvo, name)(empty, empty, reduction))


@pytest.mark.parametrize("alpha,gamma,reduction", [(0.25, 2, "none"), (-1, 1.5, "mean"), (0.7, 0, "sum")])
def test_sigmoid_focal_loss(alpha, gamma, reduction):
    g = torch.Generator().manual_seed(14)
    inputs = torch.randn(6, 5, generator=g, dtype=torch.float64, requires_grad=True)
    targets = (torch.rand(6, 5, generator=g) > 0.5).double()
    expected = tvo.sigmoid_focal_loss(inputs, targets, alpha, gamma, reduction)
    ours = _f(inputs.detach()).requires_grad_()
    got = ops.sigmoid_focal_loss(ours, _f(targets), alpha, gamma, reduction)
    assert_same(got, expected.detach(), rtol=1e-12, atol=1e-12)
    expected.sum().backward()
    got.sum().backward()
    assert_same(ours.grad, inputs.grad, rtol=1e-10, atol=1e-12)


def test_loss_errors():
    x = torch.zeros(2, 4)
    raises_like(lambda: ops.sigmoid_focal_loss(_f(x), _f(x), alpha=2), lambda: tvo.sigmoid_focal_loss(x, x, alpha=2))
    raises_like(lambda: ops.sigmoid_focal_loss(_f(x), _f(x), reduction="max"),
                lambda: tvo.sigmoid_focal_loss(x, x, reduction="max"))
    raises_like(lambda: ops.generalized_box_iou_loss(_f(x), _f(x), "max"),
                lambda: tvo.generalized_box_iou_loss(x, x, "max"))


def test_conv_norm_activation_blocks():
    for kwargs in [{}, {"kernel_size": (3, 1, 5), "dilation": 2, "activation_layer": None}]:
        torch.manual_seed(0)
        flambeau.manual_seed(0)
        assert repr(ops.Conv3dNormActivation(2, 4, **kwargs)) == repr(tvo.Conv3dNormActivation(2, 4, **kwargs))
    with pytest.warns(UserWarning, match="Don't use ConvNormActivation directly"):
        ops.misc.ConvNormActivation(2, 4)
    assert repr(ops.Permute([0, 2, 1])) == repr(tvo.Permute([0, 2, 1]))
    assert tuple(ops.Permute([0, 2, 1])(flambeau.zeros(2, 3, 4)).shape) == (2, 4, 3)
