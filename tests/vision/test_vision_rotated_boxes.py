"""Rotated bounding boxes (XYWHR, CXCYWHR, XYXYXYXY) as torchvision 0.28 has them: the formats,
BoundingBoxes holding them, conversions between them, the flips, and resize, crop, pad, rotate,
affine, perspective, elastic and clamping with soft, hard and no clamping (functionals, kernels
and transforms)."""

import numpy as np
import pytest

import flambeau
from flambeau.vision import tv_tensors as FV
import flambeau.vision.transforms.v2 as FT2
import flambeau.vision.transforms.v2.functional as FF2
from conftest import raises_like

torch = pytest.importorskip("torch")
TV = pytest.importorskip("torchvision.tv_tensors")
TT2 = pytest.importorskip("torchvision.transforms.v2")
TF2 = pytest.importorskip("torchvision.transforms.v2.functional")

ROTATED = ["XYWHR", "CXCYWHR", "XYXYXYXY"]
CANVAS = (50, 60)


def _boxes(format, dtype):
    """Six random boxes in ``format`` (converted from XYWHR by torchvision), as a torch tensor."""
    rng = np.random.default_rng(0)
    xywhr = np.concatenate([rng.uniform(5, 40, (6, 2)), rng.uniform(2, 15, (6, 2)),
                            rng.uniform(-180, 180, (6, 1))], 1)
    return TF2.convert_bounding_box_format(torch.tensor(xywhr, dtype=getattr(torch, dtype)),
                                           old_format="XYWHR", new_format=format)


def _close(ours, theirs):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    tol = 1e-5 if theirs.dtype == torch.float32 else 1e-12  # atan2 may round differently
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol * 200)


def test_formats():
    assert [f.name for f in FV.BoundingBoxFormat] == [f.name for f in TV.BoundingBoxFormat]
    for name in [f.name for f in TV.BoundingBoxFormat]:
        assert FV.is_rotated_bounding_format(name) == TV.is_rotated_bounding_format(name)
        assert FV.is_rotated_bounding_format(FV.BoundingBoxFormat[name]) == \
            TV.is_rotated_bounding_format(TV.BoundingBoxFormat[name])
    raises_like(lambda: FV.is_rotated_bounding_format(3), lambda: TV.is_rotated_bounding_format(3))


@pytest.mark.parametrize("format", ROTATED)
def test_repr(format):
    data = _boxes(format, "float32")[:2]
    ours = FV.BoundingBoxes(flambeau.from_numpy(data.numpy()), format=format, canvas_size=CANVAS)
    theirs = TV.BoundingBoxes(data, format=format, canvas_size=CANVAS)
    assert repr(ours).replace("flambeau.", "") == repr(theirs).replace("torch.", "")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("old", ROTATED)
@pytest.mark.parametrize("new", ROTATED)
def test_convert_bounding_box_format(dtype, old, new):
    data = _boxes(old, dtype)
    _close(FF2.convert_bounding_box_format(flambeau.from_numpy(data.numpy().copy()), old_format=old,
                                           new_format=new),
           TF2.convert_bounding_box_format(data.clone(), old_format=old, new_format=new))
    ours = FT2.ConvertBoundingBoxFormat(new)(
        FV.BoundingBoxes(flambeau.from_numpy(data.numpy().copy()), format=old, canvas_size=CANVAS))
    theirs = TT2.ConvertBoundingBoxFormat(new)(TV.BoundingBoxes(data, format=old, canvas_size=CANVAS))
    assert ours.format.name == theirs.format.name
    _close(ours, theirs)


def test_rotated_and_unrotated_do_not_mix():
    raises_like(lambda: FF2.convert_bounding_box_format(flambeau.zeros(1, 4), old_format="XYXY",
                                                        new_format="XYWHR"),
                lambda: TF2.convert_bounding_box_format(torch.zeros(1, 4), old_format="XYXY",
                                                        new_format="XYWHR"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("format", ROTATED)
@pytest.mark.parametrize("op", ["horizontal_flip", "vertical_flip"])
def test_flips(dtype, format, op):
    data = _boxes(format, dtype)
    ours = FV.BoundingBoxes(flambeau.from_numpy(data.numpy().copy()), format=format,
                            canvas_size=CANVAS)
    theirs = TV.BoundingBoxes(data, format=format, canvas_size=CANVAS)
    _close(getattr(FF2, op)(ours), getattr(TF2, op)(theirs))
    kernel = op + "_bounding_boxes"
    _close(getattr(FF2, kernel)(flambeau.from_numpy(data.numpy().copy()), format=format,
                                canvas_size=CANVAS),
           getattr(TF2, kernel)(data.clone(), format=TV.BoundingBoxFormat[format],
                                canvas_size=CANVAS))
    transform = "RandomHorizontalFlip" if op == "horizontal_flip" else "RandomVerticalFlip"
    _close(getattr(FT2, transform)(p=1.0)(ours), getattr(TT2, transform)(p=1.0)(theirs))


GEOMETRIC = {
    "clamp": lambda F, b: F.clamp_bounding_boxes(b),
    "resize": lambda F, b: F.resize(b, [30, 80]),
    "crop": lambda F, b: F.crop(b, 5, -3, 30, 40),
    "center_crop": lambda F, b: F.center_crop(b, [20, 30]),
    "resized_crop": lambda F, b: F.resized_crop(b, 5, 3, 30, 40, [60, 20]),
    "pad": lambda F, b: F.pad(b, [3, 4, 5, 6]),
    "rotate": lambda F, b: F.rotate(b, 33.0),
    "rotate_expand": lambda F, b: F.rotate(b, -70.0, expand=True),
    "affine": lambda F, b: F.affine(b, 20.0, [3, -4], 1.2, [5.0, 2.0]),
    "perspective": lambda F, b: F.perspective(b, [[0, 0], [59, 0], [59, 49], [0, 49]],
                                              [[3, 2], [55, 0], [59, 45], [1, 49]]),
    "elastic": lambda F, b: F.elastic(b, (torch if F is TF2 else flambeau).from_numpy(
        np.random.default_rng(2).uniform(-0.05, 0.05, (1, 50, 60, 2)))),
}


@pytest.mark.parametrize("op", GEOMETRIC)
@pytest.mark.parametrize("format", ROTATED)
@pytest.mark.parametrize("clamping_mode", ["soft", "hard", None])
def test_geometric(op, format, clamping_mode):
    """float64, where the clamping's near-vertical slopes do not amplify roundings (float32
    results of torchvision's own algorithm move by up to 1e-3 with one rounding)."""
    rng = np.random.default_rng(1)
    xywhr = np.concatenate([rng.uniform(-10, 60, (24, 2)), rng.uniform(1, 30, (24, 2)),
                            rng.uniform(-180, 180, (24, 1))], 1)
    xywhr[:4, 4] = [0.0, 90.0, -90.0, 180.0]  # axis-aligned: vertical edges, infinite slopes
    data = TF2.convert_bounding_box_format(torch.tensor(xywhr), old_format="XYWHR",
                                           new_format=format)
    theirs = GEOMETRIC[op](TF2, TV.BoundingBoxes(data, format=format, canvas_size=CANVAS,
                                                 clamping_mode=clamping_mode))
    ours = GEOMETRIC[op](FF2, FV.BoundingBoxes(flambeau.from_numpy(data.numpy().copy()),
                                               format=format, canvas_size=CANVAS,
                                               clamping_mode=clamping_mode))
    assert tuple(ours.canvas_size) == tuple(theirs.canvas_size)
    assert ours.clamping_mode == theirs.clamping_mode
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-9)


def test_kernel_on_plain_tensor():
    data = _boxes("CXCYWHR", "float32")
    ours, canvas = FF2.resize_bounding_boxes(flambeau.from_numpy(data.numpy().copy()),
                                             canvas_size=CANVAS, size=[30, 80], format="CXCYWHR")
    theirs, expected = TF2.resize_bounding_boxes(data, canvas_size=CANVAS, size=[30, 80],
                                                 format=TV.BoundingBoxFormat.CXCYWHR)
    assert tuple(canvas) == tuple(expected)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("format", ROTATED)
def test_sanitize(format):
    data = TF2.convert_bounding_box_format(torch.tensor(
        [[10.0, 10, 5, 3, 30], [1, 1, 0.5, 0.1, 0], [40, 20, 10, 10, -45], [55, 45, 9, 9, 10],
         [3, 3, 2, 0.4, 80]], dtype=torch.float64), old_format="XYWHR", new_format=format)
    ours = FT2.SanitizeBoundingBoxes(min_size=1, labels_getter=None)(
        FV.BoundingBoxes(flambeau.from_numpy(data.numpy().copy()), format=format,
                         canvas_size=CANVAS))
    theirs = TT2.SanitizeBoundingBoxes(min_size=1, labels_getter=None)(
        TV.BoundingBoxes(data, format=format, canvas_size=CANVAS))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
