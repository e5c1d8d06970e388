"""tv_tensors.set_return_type: what tensor methods and operators on tv_tensors return, globally
and as a context manager, compared with torchvision's tv_tensors."""
import pytest
import torch
from torchvision import tv_tensors as tvt

import flambeau
from flambeau.vision import tv_tensors
from conftest import raises_like

OPS = {
    "add": lambda x, m: x + 2, "radd": lambda x, m: 2 + x, "plain_left": lambda x, m: m.zeros(x.shape) + x,
    "add_": lambda x, m: x.add_(1), "getitem": lambda x, m: x[0], "T": lambda x, m: x.mT,
    "flip": lambda x, m: x.flip(-1), "clone": lambda x, m: x.clone(), "detach": lambda x, m: x.detach(),
    "to": lambda x, m: x.to(m.float64), "float": lambda x, m: x.float(), "unbind": lambda x, m: x.unbind(0)[0],
    "new_zeros": lambda x, m: x.new_zeros(2), "sum": lambda x, m: x.sum(), "requires_grad_": lambda x, m: x.requires_grad_(),
}


def _make(lib, m):
    boxes = m.tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]])
    return {"image": lib.Image(m.rand(3, 4, 4)), "mask": lib.Mask(m.zeros(4, 4)),
            "boxes": lib.BoundingBoxes(boxes, format="XYWH", canvas_size=(5, 6), clamping_mode="hard"),
            "points": lib.KeyPoints(boxes.view(4, 2), canvas_size=(5, 6))}


def _describe(out):
    meta = tuple(str(getattr(out, a, None)) for a in ("format", "canvas_size", "clamping_mode"))
    return type(out).__name__, tuple(out.shape), meta


@pytest.mark.parametrize("mode", [None, "TVTensor", "tensor", "tvtensor"])
def test_method_results_as_torchvision(mode):
    ours, theirs = _make(tv_tensors, flambeau), _make(tvt, torch)
    for kind in ours:
        for name, op in OPS.items():
            if mode is None:
                got, expected = op(ours[kind], flambeau), op(theirs[kind], torch)
            else:
                with tv_tensors.set_return_type(mode):
                    got = op(ours[kind], flambeau)
                with tvt.set_return_type(mode):
                    expected = op(theirs[kind], torch)
            assert _describe(got) == _describe(expected), (kind, name)


def test_global_setting_and_restoring():
    image, theirs = tv_tensors.Image(flambeau.ones(1, 2, 2)), tvt.Image(torch.ones(1, 2, 2))
    try:
        tv_tensors.set_return_type("TVTensor")
        tvt.set_return_type("TVTensor")
        assert type(image * 2).__name__ == type(theirs * 2).__name__ == "Image"
        with tv_tensors.set_return_type("Tensor"):
            assert type(image * 2) is flambeau.Tensor
        assert type(image * 2) is tv_tensors.Image
        inplace = image
        inplace += 1
        assert inplace is image
    finally:
        tv_tensors.set_return_type("Tensor")
        tvt.set_return_type("Tensor")
    assert type(image * 2) is flambeau.Tensor
    inplace = image
    inplace += 1  # in-place operators give plain tensors by default, as torchvision's
    assert type(inplace) is flambeau.Tensor and float(image[0, 0, 0]) == 3.0
    raises_like(lambda: tv_tensors.set_return_type("numpy"), lambda: tvt.set_return_type("numpy"))
