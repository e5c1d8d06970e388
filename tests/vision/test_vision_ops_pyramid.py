"""DropBlock, FeaturePyramidNetwork (with its extra levels) and MultiScaleRoIAlign against
torchvision.ops: equal draws under equal seeds, equal outputs and gradients with equal weights."""
from collections import OrderedDict

import pytest
import torch
import torchvision.ops as tvo
from torchvision.ops import feature_pyramid_network as tv_fpn

import flambeau
from flambeau.vision import ops
from flambeau.vision.ops import feature_pyramid_network as fpn
from conftest import assert_same, raises_like


def _f(t, grad=False):
    return flambeau.tensor(t.detach().numpy(), requires_grad=grad)


@pytest.mark.parametrize("nd,shape,p,block", [(2, (2, 3, 9, 7), 0.3, 3), (2, (1, 2, 5, 6), 0.5, 7),
                                              (3, (2, 2, 5, 6, 4), 0.2, 3)])
@pytest.mark.parametrize("inplace", [False, True])
def test_drop_block_draws_and_gradients_as_torchvision(nd, shape, p, block, inplace):
    tv_fn, fn = (tvo.drop_block2d, ops.drop_block2d) if nd == 2 else (tvo.drop_block3d, ops.drop_block3d)
    x = torch.randn(shape)
    torch.manual_seed(3)
    theirs = x.clone().requires_grad_()
    expected = tv_fn(theirs * 1, p, block, inplace=inplace)
    expected.sum().backward()
    flambeau.manual_seed(3)
    ours = _f(x, grad=True)
    out = fn(ours * 1, p, block, inplace=inplace)
    assert_same(out, expected.detach(), rtol=1e-6, atol=1e-6)
    out.sum().backward()
    assert_same(ours.grad, theirs.grad, rtol=1e-6, atol=1e-6)


def test_drop_block_modules_and_errors():
    for name in ("DropBlock2d", "DropBlock3d"):
        assert repr(getattr(ops, name)(0.1, 5, inplace=True)) == repr(getattr(tvo, name)(0.1, 5, inplace=True))
    x = _f(torch.ones(1, 1, 4, 4))
    assert ops.DropBlock2d(0.5, 3).eval()(x) is x and ops.drop_block2d(x, 0.0, 3) is x
    for args in [(torch.ones(1, 1, 4, 4), 1.5, 3), (torch.ones(1, 4, 4), 0.5, 3), (torch.ones(1, 1, 4, 4), 0.5, 2)]:
        raises_like(lambda: ops.drop_block2d(_f(args[0]), *args[1:]), lambda: tvo.drop_block2d(*args))
    raises_like(lambda: ops.drop_block3d(_f(torch.ones(1, 1, 4, 4)), 0.5, 3),
                lambda: tvo.drop_block3d(torch.ones(1, 1, 4, 4), 0.5, 3))


def _load(ours, theirs):
    ours.load_state_dict({k: _f(v) for k, v in theirs.state_dict().items()})


@pytest.mark.parametrize("extra", [None, "pool", "p6p7", "p6p7_from_c"])
@pytest.mark.parametrize("norm", [False, True])
def test_feature_pyramid_network_as_torchvision(extra, norm):
    channels = [4, 6, 8]
    blocks = {None: (None, None), "pool": (tv_fpn.LastLevelMaxPool(), fpn.LastLevelMaxPool()),
              "p6p7": (tv_fpn.LastLevelP6P7(5, 5), fpn.LastLevelP6P7(5, 5)),
              "p6p7_from_c": (tv_fpn.LastLevelP6P7(8, 5), fpn.LastLevelP6P7(8, 5))}[extra]
    theirs = tvo.FeaturePyramidNetwork(channels, 5, blocks[0], torch.nn.BatchNorm2d if norm else None)
    ours = ops.FeaturePyramidNetwork(channels, 5, blocks[1], flambeau.nn.BatchNorm2d if norm else None)
    assert repr(ours) == repr(theirs)
    _load(ours, theirs)
    x = OrderedDict([("a", torch.randn(2, 4, 16, 13)), ("b", torch.randn(2, 6, 8, 7)), ("c", torch.randn(2, 8, 3, 3))])
    xs = OrderedDict((k, _f(v, grad=True)) for k, v in x.items())
    for v in x.values():
        v.requires_grad_()
    expected, out = theirs(x), ours(xs)
    assert list(out) == list(expected)
    for k in expected:
        assert_same(out[k], expected[k].detach(), rtol=1e-4, atol=1e-5)
    sum(v.sum() for v in expected.values()).backward()
    sum(v.sum() for v in out.values()).backward()
    for k in x:
        assert_same(xs[k].grad, x[k].grad, rtol=1e-4, atol=1e-4)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_same(p.grad, q.grad, rtol=1e-4, atol=1e-4)


def test_feature_pyramid_network_init_and_old_checkpoints():
    torch.manual_seed(0)
    theirs = tvo.FeaturePyramidNetwork([3, 4], 6)
    flambeau.manual_seed(0)
    ours = ops.FeaturePyramidNetwork([3, 4], 6)
    for (name, p), (_, q) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert_same(p, q)
    old = {k.replace(".0.", "."): _f(v) for k, v in theirs.state_dict().items()}  # version 1 names
    fresh = ops.FeaturePyramidNetwork([3, 4], 6)
    fresh.load_state_dict(old)
    assert_same(fresh.inner_blocks[1][0].weight, theirs.inner_blocks[1][0].weight)
    raises_like(lambda: ops.FeaturePyramidNetwork([0], 2), lambda: tvo.FeaturePyramidNetwork([0], 2))
    raises_like(lambda: ops.FeaturePyramidNetwork([2], 2, extra_blocks=3),
                lambda: tvo.FeaturePyramidNetwork([2], 2, extra_blocks=3))


def _boxes(n, size, g):
    xy = torch.rand(n, 2, generator=g) * size * 0.7
    return torch.cat([xy, xy + torch.rand(n, 2, generator=g) * size * 0.6 + 1], 1)


@pytest.mark.parametrize("names", [["f1", "f3"], ["f2"], ["f1", "f2", "f3"]])
def test_multi_scale_roi_align_as_torchvision(names):
    g = torch.Generator().manual_seed(0)
    x = OrderedDict([("f1", torch.rand(2, 3, 32, 32, generator=g)), ("f2", torch.rand(2, 3, 16, 16, generator=g)),
                     ("f3", torch.rand(2, 3, 8, 8, generator=g))])
    boxes = [_boxes(5, 128, g), _boxes(3, 100, g)]
    image_shapes = [(128, 120), (100, 128)]
    theirs, ours = tvo.MultiScaleRoIAlign(names, (3, 2), 2), ops.MultiScaleRoIAlign(names, (3, 2), 2)
    assert repr(ours) == repr(theirs)
    for v in x.values():
        v.requires_grad_()
    xs = OrderedDict((k, _f(v, grad=True)) for k, v in x.items())
    expected = theirs(x, boxes, image_shapes)
    out = ours(xs, [_f(b) for b in boxes], image_shapes)
    assert_same(out, expected.detach(), rtol=1e-5, atol=1e-6)
    assert ours.scales == theirs.scales
    assert (ours.map_levels.k_min, ours.map_levels.k_max) == (theirs.map_levels.k_min, theirs.map_levels.k_max)
    expected.pow(2).sum().backward()
    out.pow(2).sum().backward()
    for k in names:
        assert_same(xs[k].grad, x[k].grad, rtol=1e-5, atol=1e-6)
    raises_like(lambda: ops.MultiScaleRoIAlign(["f1"], 2, 2)(xs, [_f(boxes[0])], []),
                lambda: tvo.MultiScaleRoIAlign(["f1"], 2, 2)(x, [boxes[0]], []))
