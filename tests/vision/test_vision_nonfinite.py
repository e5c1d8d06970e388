"""Images holding inf and nan resample as torch(vision) resamples them: a tap off the edge or a
nearest neighbour not taken contributes nothing (never ``0 * inf = nan``), v2 turns tensors by
multiples of 90 degrees without resampling, and blends a fill as ``(img - fill) * mask +
fill``."""
import warnings

import numpy as np
import pytest

import flambeau
import flambeau.vision.transforms.functional as FF
import flambeau.vision.transforms.v2.functional as FF2

torch = pytest.importorskip("torch")
TF = pytest.importorskip("torchvision.transforms.functional")
TF2 = pytest.importorskip("torchvision.transforms.v2.functional")


def _image(seed, shape=(2, 7, 6)):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    for value in (np.inf, -np.inf, np.nan):
        x[tuple(rng.integers(0, n) for n in shape)] = value
    x[(0,) * len(shape)] = np.inf  # the pixel an off-edge tap used to read
    return x


def _same(ours, theirs):
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # nan equals nan here


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_nonfinite(mode, padding_mode, align_corners):
    rng = np.random.default_rng(1)
    x = _image(1, (2, 2, 5, 4))
    grid = rng.uniform(-1.4, 1.4, (2, 6, 5, 2)).astype(np.float32)
    grid[0] = np.round(grid[0] * 8) / 8  # points on pixel centres: zero weights inside
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = flambeau.nn.functional.grid_sample(flambeau.from_numpy(x), flambeau.from_numpy(grid),
                                                  mode=mode, padding_mode=padding_mode,
                                                  align_corners=align_corners)
    theirs = torch.nn.functional.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), mode=mode,
                                             padding_mode=padding_mode, align_corners=align_corners)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5,
                               equal_nan=True)


def _geometric(op, F, img, angle, interpolation, fill):
    mode = getattr(F.InterpolationMode, interpolation)
    if op == "rotate":
        return F.rotate(img, angle, interpolation=mode, fill=fill)
    if op == "rotate_expand":
        return F.rotate(img, angle, interpolation=mode, fill=fill, expand=True)
    if op == "affine":
        return F.affine(img, angle, [1, -2], 1.0, [0.0, 0.0], interpolation=mode, fill=fill)
    return F.perspective(img, [[0, 0], [5, 0], [5, 6], [0, 6]], [[1, 0], [5, 1], [4, 6], [0, 5]],
                         interpolation=mode, fill=fill)


@pytest.mark.parametrize("v2", [False, True])
@pytest.mark.parametrize("op", ["rotate", "rotate_expand", "affine", "perspective"])
@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
@pytest.mark.parametrize("fill", [None, 1.0, [0.5, 2.0]])
@pytest.mark.parametrize("angle", [0.0, 90.0, 180.0, -17.0, 270.0])
def test_geometric_nonfinite(v2, op, interpolation, fill, angle):
    ours_f, theirs_f = (FF2, TF2) if v2 else (FF, TF)
    for seed in range(3):
        x = _image(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ours = _geometric(op, ours_f, flambeau.from_numpy(x.copy()), angle, interpolation,
                              fill)
        _same(ours, _geometric(op, theirs_f, torch.from_numpy(x.copy()), angle, interpolation,
                               fill))


@pytest.mark.parametrize("v2", [False, True])
@pytest.mark.parametrize("fill", [None, 1.0, [0.5, 3.0]])
def test_elastic_nonfinite(v2, fill):
    ours_f, theirs_f = (FF2, TF2) if v2 else (FF, TF)
    x = _image(4, (2, 6, 5))
    d = (np.random.default_rng(4).standard_normal((1, 6, 5, 2)) * 0.2).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = ours_f.elastic_transform(flambeau.from_numpy(x), flambeau.from_numpy(d), fill=fill)
    _same(ours, theirs_f.elastic_transform(torch.from_numpy(x), torch.from_numpy(d), fill=fill))


@pytest.mark.parametrize("angle", [90.0, 180.0, 270.0, 450.0])
def test_v2_rotate_right_angles_uint8(angle):
    """v2 turns square images (and any image by 180) without resampling, as rot90."""
    x = np.random.default_rng(5).integers(0, 256, (3, 5, 5 if angle != 180 else 4), np.uint8)
    ours = FF2.rotate(flambeau.from_numpy(x), angle)
    _same(ours, TF2.rotate(torch.from_numpy(x), angle))


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("size", [(3,), (3, 4), (12, 10), (3, 4, 7)])
def test_interpolate_nearest_nonfinite(mode, size):
    x = _image(6, (1, 2, 6, 5))
    x = x[0] if len(size) == 1 else x[None] if len(size) == 3 else x
    x = x.reshape(x.shape[:2] + (-1,)) if len(size) == 1 else x
    ours = flambeau.nn.functional.interpolate(flambeau.from_numpy(x), size=size, mode=mode)
    _same(ours, torch.nn.functional.interpolate(torch.from_numpy(x), size=size, mode=mode))
