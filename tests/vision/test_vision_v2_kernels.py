"""The per-type kernels of transforms.v2.functional (resize_image, crop_bounding_boxes,
rotate_keypoints, horizontal_flip_mask ...) against torchvision's on plain tensors: every name
torchvision has exists, and each gives torchvision's values and canvas sizes."""
import pytest
import torch
import torchvision.transforms.v2.functional as TF
from torchvision import tv_tensors as tvt

import flambeau
import flambeau.vision.transforms.v2.functional as F
from flambeau.vision import tv_tensors
from conftest import assert_same, raises_like

H, W = 11, 13
GEN = torch.Generator().manual_seed(0)
IMAGE = torch.randint(0, 256, (3, H, W), dtype=torch.uint8, generator=GEN)
VIDEO = torch.randint(0, 256, (2, 3, H, W), dtype=torch.uint8, generator=GEN)
MASK = torch.randint(0, 3, (H, W), dtype=torch.uint8, generator=GEN)
DISPLACEMENT = torch.rand(1, H, W, 2, generator=GEN) * 0.2 - 0.1
CORNERS = ([[0, 0], [12, 0], [12, 10], [0, 10]], [[1, 1], [11, 0], [12, 9], [0, 10]])

ARGS = {  # keyword arguments of each operation (the same names in both libraries)
    "adjust_brightness": dict(brightness_factor=1.3), "adjust_contrast": dict(contrast_factor=0.7),
    "adjust_gamma": dict(gamma=0.8, gain=1.1), "adjust_hue": dict(hue_factor=0.1),
    "adjust_saturation": dict(saturation_factor=1.4), "adjust_sharpness": dict(sharpness_factor=1.7),
    "affine": dict(angle=15.0, translate=[2, -1], scale=1.1, shear=[5.0, 3.0]),
    "autocontrast": {}, "center_crop": dict(output_size=[6, 7]),
    "crop": dict(top=1, left=2, height=6, width=7), "elastic": dict(displacement=DISPLACEMENT),
    "equalize": {}, "erase": dict(i=1, j=2, h=3, w=4, v=torch.tensor(7, dtype=torch.uint8)),
    "five_crop": dict(size=[4, 5]), "gaussian_blur": dict(kernel_size=[3, 5], sigma=[1.0, 1.5]),
    "get_dimensions": {}, "get_num_channels": {}, "get_size": {}, "horizontal_flip": {},
    "invert": {}, "pad": dict(padding=[1, 2, 3, 4]), "permute_channels": dict(permutation=[2, 0, 1]),
    "perspective": dict(startpoints=CORNERS[0], endpoints=CORNERS[1]), "posterize": dict(bits=3),
    "resize": dict(size=[16, 9]), "resized_crop": dict(top=1, left=2, height=6, width=7, size=[9, 8]),
    "rotate": dict(angle=30.0), "solarize": dict(threshold=100), "ten_crop": dict(size=[4, 5]),
    "to_dtype": dict(dtype="float32", scale=True), "vertical_flip": {}, "grayscale_to_rgb": {},
    "rgb_to_grayscale": dict(num_output_channels=3), "uniform_temporal_subsample": dict(num_samples=3),
    "get_num_frames": {}, "normalize": dict(mean=[0.5, 0.4, 0.3], std=[0.2, 0.3, 0.4]),
}
FLOAT_ONLY = {"normalize"}


def _ours(value):
    if isinstance(value, torch.Tensor):
        return flambeau.tensor(value.numpy())
    return getattr(flambeau, value) if value == "float32" else value


def _theirs(value):
    return getattr(torch, value) if value == "float32" else value


def _same(out, expected):
    if isinstance(expected, (tuple, list)) and expected and isinstance(expected[0], torch.Tensor):
        assert len(out) == len(expected)
        for o, e in zip(out, expected):
            _same(o, e)
    elif isinstance(expected, torch.Tensor):
        assert type(out) is flambeau.Tensor
        assert_same(out, expected, rtol=1e-5, atol=1e-5)
    else:
        assert out == expected or list(out) == list(expected)


def _kernels(kind):
    return sorted(n for n in dir(TF) if n.endswith("_" + kind) and callable(getattr(TF, n)))


def test_every_kernel_name_exists():
    names = [n for n in dir(TF) if not n.startswith("_") and callable(getattr(TF, n))]
    assert [n for n in names if not hasattr(F, n)] == []


@pytest.mark.parametrize("kind,data", [("image", IMAGE), ("video", VIDEO), ("mask", MASK)])
def test_image_video_and_mask_kernels_as_torchvision(kind, data):
    for name in _kernels(kind):
        base = name[:-len(kind) - 1]
        if base in ("jpeg", "gaussian_noise", "to", "to_pil"):  # JPEG: compiled in torchvision,
            continue  # noise: below; to_image, to_pil_image: converters
        x = data.float() / 255 if base in FLOAT_ONLY else data
        kwargs = ARGS[base]
        expected = getattr(TF, name)(x, **{k: _theirs(v) for k, v in kwargs.items()})
        out = getattr(F, name)(_ours(x), **{k: _ours(v) for k, v in kwargs.items()})
        _same(out, expected)
    # a tv_tensor given to a kernel comes back a plain tensor, as with torchvision
    assert type(F.resize_image(tv_tensors.Image(_ours(IMAGE)), [5, 5])) is flambeau.Tensor


def test_gaussian_noise_and_jpeg_kernels():
    x = IMAGE.float() / 255
    torch.manual_seed(2)
    expected = TF.gaussian_noise_image(x, sigma=0.2)
    flambeau.manual_seed(2)
    assert_same(F.gaussian_noise_image(_ours(x), sigma=0.2), expected, rtol=1e-5, atol=1e-6)
    assert F.jpeg_video(_ours(VIDEO), 80).shape == VIDEO.shape


BOX_ARGS = {"horizontal_flip": {}, "vertical_flip": {}, "resize": dict(size=[16, 9]),
            "crop": ARGS["crop"], "center_crop": ARGS["center_crop"], "resized_crop": ARGS["resized_crop"],
            "pad": ARGS["pad"], "rotate": dict(angle=30.0, expand=True),
            "affine": ARGS["affine"], "perspective": ARGS["perspective"], "elastic": ARGS["elastic"]}


@pytest.mark.parametrize("fmt", ["XYXY", "XYWH", "CXCYWH"])
def test_bounding_box_kernels_as_torchvision(fmt):
    xyxy = torch.tensor([[1.0, 2.0, 6.0, 9.0], [0.5, 0.0, 12.0, 4.5]])
    boxes = TF.convert_bounding_box_format(xyxy, tvt.BoundingBoxFormat.XYXY, tvt.BoundingBoxFormat[fmt])
    for name in _kernels("bounding_boxes"):
        base = name[:-len("_bounding_boxes")]
        if base in ("get_size", "clamp", "sanitize"):  # the last two: the functionals themselves
            continue
        kwargs = dict(BOX_ARGS[base], format=tvt.BoundingBoxFormat[fmt])
        if base not in ("crop", "resized_crop"):
            kwargs["canvas_size"] = (H, W)
        expected = getattr(TF, name)(boxes, **{k: _theirs(v) for k, v in kwargs.items()})
        kwargs["format"] = tv_tensors.BoundingBoxFormat[fmt]
        out = getattr(F, name)(_ours(boxes), **{k: _ours(v) for k, v in kwargs.items()})
        if isinstance(expected, tuple):
            assert out[1] == tuple(expected[1]), name
            out, expected = out[0], expected[0]
        assert_same(out, expected, rtol=1e-4, atol=1e-4)
    assert F.get_size_bounding_boxes(tv_tensors.BoundingBoxes(_ours(xyxy), format="XYXY", canvas_size=(H, W))) \
        == TF.get_size_bounding_boxes(tvt.BoundingBoxes(xyxy, format="XYXY", canvas_size=(H, W)))


def test_keypoint_kernels_as_torchvision():
    points = torch.tensor([[1.0, 2.0], [6.5, 9.0], [12.0, 0.0]])
    for name in _kernels("keypoints"):
        base = name[:-len("_keypoints")]
        if base in ("get_size", "clamp", "sanitize"):
            continue
        kwargs = dict(BOX_ARGS[base])
        if base not in ("crop", "resized_crop"):
            kwargs["canvas_size"] = (H, W)
        expected = getattr(TF, name)(points, **kwargs)
        out = getattr(F, name)(_ours(points), **{k: _ours(v) for k, v in kwargs.items()})
        if isinstance(expected, tuple):
            assert out[1] == tuple(expected[1]), name
            out, expected = out[0], expected[0]
        assert_same(out, expected, rtol=1e-4, atol=1e-4)
    # positional order as torchvision's: resize_keypoints takes size before canvas_size
    assert_same(F.resize_keypoints(_ours(points), [22, 26], (H, W))[0],
                TF.resize_keypoints(points, [22, 26], (H, W))[0])


def test_kernel_argument_errors():
    raises_like(lambda: F.crop_bounding_boxes(flambeau.zeros(1, 4), tv_tensors.BoundingBoxFormat.XYXY, 1),
                lambda: TF.crop_bounding_boxes(torch.zeros(1, 4), tvt.BoundingBoxFormat.XYXY, 1))


@pytest.mark.parametrize("mode", ["BILINEAR", "NEAREST", "NEAREST_EXACT"])
def test_mask_functionals_take_interpolation_positionally(mode):
    """Masks sample nearest whatever is asked; resize keeps nearest-exact, as torchvision's."""
    calls = {"resize": ([5, 17],), "rotate": (30.0,), "affine": (10.0, [1, 2], 1.1, [3.0, 0.0]),
             "resized_crop": (1, 2, 6, 7, [9, 8]), "perspective": CORNERS}
    for name, args in calls.items():
        expected = getattr(TF, name)(tvt.Mask(MASK), *args, getattr(TF.InterpolationMode, mode))
        out = getattr(F, name)(tv_tensors.Mask(_ours(MASK)), *args, getattr(F.InterpolationMode, mode))
        assert type(out) is tv_tensors.Mask
        assert_same(out, expected, rtol=0, atol=0)
