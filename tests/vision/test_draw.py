"""draw_bounding_boxes, draw_segmentation_masks and draw_keypoints pixel for pixel against torchvision's (pure
Python + Pillow) implementations."""
import warnings

import pytest
import torch
import torchvision.utils as tvu

import flambeau
from flambeau.vision import utils
from conftest import assert_same, raises_like


def _f(t):
    return flambeau.tensor(t.numpy())


def _image(dtype=torch.uint8, channels=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    image = torch.randint(0, 256, (channels, 40, 50), generator=g, dtype=torch.uint8)
    return image if dtype == torch.uint8 else image.to(dtype) / 255


BOXES = torch.tensor([[2, 3, 20, 25], [10, 5, 45, 38.7], [0, 0, 49, 39], [30, 20, 31, 21]])


@pytest.mark.parametrize("kwargs", [
    {},
    {"labels": ["cat", "dog", "all", "dot"], "width": 3},
    {"colors": "red", "fill": True},
    {"colors": ["blue", (10, 200, 30), "#ff00ff", "green"], "labels": ["a", "b", "c", "d"], "fill_labels": True},
    {"labels": ["a", "b", None, "d"], "label_colors": "white", "fill_labels": True,
     "label_background_colors": (0, 0, 0)},
])
@pytest.mark.parametrize("dtype,channels", [(torch.uint8, 3), (torch.float32, 3), (torch.uint8, 1)])
def test_draw_bounding_boxes(kwargs, dtype, channels):
    image = _image(dtype, channels)
    assert_same(utils.draw_bounding_boxes(_f(image), _f(BOXES), **kwargs),
                tvu.draw_bounding_boxes(image, BOXES, **kwargs), rtol=0, atol=0)


def test_draw_rotated_bounding_boxes():
    image = _image()
    corners = torch.tensor([[5, 5, 30, 10, 25, 35, 0, 30], [40, 2, 48, 20, 30, 30, 20, 10.5]])
    for fill in (False, True):
        assert_same(utils.draw_bounding_boxes(_f(image), _f(corners), fill=fill, width=2),
                    tvu.draw_bounding_boxes(image, corners, fill=fill, width=2), rtol=0, atol=0)


def test_draw_bounding_boxes_errors_and_warnings(as_torch):
    image = _image()
    for call in [lambda lib, im, b: lib.draw_bounding_boxes(im.numpy(), b),
                 lambda lib, im, b: lib.draw_bounding_boxes(im[None], b),
                 lambda lib, im, b: lib.draw_bounding_boxes(im[:2], b),
                 lambda lib, im, b: lib.draw_bounding_boxes(im.int(), b),
                 lambda lib, im, b: lib.draw_bounding_boxes(im, b[:, [2, 1, 0, 3]]),
                 lambda lib, im, b: lib.draw_bounding_boxes(im, b, labels=["x"]),
                 lambda lib, im, b: lib.draw_bounding_boxes(im, b, colors=["red"]),
                 lambda lib, im, b: lib.draw_bounding_boxes(im, b, colors=(1, 2)),
                 lambda lib, im, b: lib.draw_bounding_boxes(im, b, colors=5)]:
        raises_like(lambda: call(utils, _f(image), _f(BOXES)), lambda: call(tvu, image, BOXES))
    with pytest.warns(UserWarning, match="boxes doesn't contain any box"):
        assert utils.draw_bounding_boxes(_f(image), flambeau.zeros(0, 4)).shape == image.shape
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        utils.draw_bounding_boxes(_f(image), _f(BOXES), font_size=12)
    assert [str(w.message) for w in caught] == ["Argument 'font_size' will be ignored since 'font' is not set."]


def _masks(n=3, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 40, 50, generator=g) > 0.6


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64])
@pytest.mark.parametrize("kwargs", [{}, {"alpha": 0.3, "colors": "orange"},
                                    {"alpha": 1.0, "colors": ["red", (0, 255, 0), "#123456"]}])
def test_draw_segmentation_masks(dtype, kwargs):
    image, masks = _image(dtype), _masks()
    assert_same(utils.draw_segmentation_masks(_f(image), _f(masks), **kwargs),
                tvu.draw_segmentation_masks(image, masks, **kwargs), rtol=0, atol=1e-7)
    assert_same(utils.draw_segmentation_masks(_f(image), _f(masks[0]), 0.5),
                tvu.draw_segmentation_masks(image, masks[0], 0.5), rtol=0, atol=1e-7)


def test_draw_segmentation_masks_errors(as_torch):
    image, masks = _image(), _masks()
    for call in [lambda lib, im, m: lib.draw_segmentation_masks(im[:1], m),
                 lambda lib, im, m: lib.draw_segmentation_masks(im, m.int()),
                 lambda lib, im, m: lib.draw_segmentation_masks(im, m[:, :10]),
                 lambda lib, im, m: lib.draw_segmentation_masks(im, m[None]),
                 lambda lib, im, m: lib.draw_segmentation_masks(im.short(), m)]:
        raises_like(lambda: call(utils, _f(image), _f(masks)), lambda: call(tvu, image, masks))
    with pytest.warns(UserWarning, match="masks doesn't contain any mask"):
        utils.draw_segmentation_masks(_f(image), flambeau.zeros(0, 40, 50, dtype=flambeau.bool))


KEYPOINTS = torch.tensor([[[5.0, 6.0], [20.4, 30.0], [45.0, 8.0]], [[10.0, 35.0], [30.0, 12.7], [-3.0, 2.0]]])


@pytest.mark.parametrize("kwargs", [{}, dict(connectivity=[(0, 1), (1, 2)], colors="red", radius=3, width=2),
                                    dict(connectivity=[(0, 2)], colors=(10, 200, 30),
                                         visibility=torch.tensor([[True, False, True], [True, True, False]])),
                                    dict(connectivity=[(0, 1)], visibility=torch.ones(2, 3, 1, dtype=torch.bool))])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_draw_keypoints(kwargs, dtype):
    image = _image(dtype)
    ours = {k: _f(v) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
    assert_same(utils.draw_keypoints(_f(image), _f(KEYPOINTS), **ours),
                tvu.draw_keypoints(image, KEYPOINTS, **kwargs), rtol=0, atol=0)


def test_draw_keypoints_errors():
    image = _image()
    for args in [(image[:1], KEYPOINTS), (image[None], KEYPOINTS), (image, KEYPOINTS[0]),
                 (image, KEYPOINTS, None, None, 2, 3, torch.ones(2, dtype=torch.bool))]:
        raises_like(lambda: utils.draw_keypoints(*[_f(a) if isinstance(a, torch.Tensor) else a for a in args]),
                    lambda: tvu.draw_keypoints(*args))
