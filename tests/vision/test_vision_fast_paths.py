"""The fast paths of the tensor image ops against torchvision, pixel for pixel: nearest and
nearest-exact resizes (picked rows and columns in the image's dtype; v1 and v2, down, up, by 2,
batched) and Gaussian blur on images large enough to be summed in bands of rows (to torch's rounding)."""
import pytest
import torch
import torchvision.transforms.functional as TF
import torchvision.transforms.v2.functional as TF2

import flambeau
import flambeau.vision.transforms.functional as F
import flambeau.vision.transforms.v2.functional as F2
from conftest import assert_same


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64, torch.int64])
@pytest.mark.parametrize("shape", [(3, 17, 23), (2, 1, 9, 31)])
@pytest.mark.parametrize("size", [[7, 5], [34, 46], [40, 29], [17, 11], [3]])
@pytest.mark.parametrize("mode", ["NEAREST", "NEAREST_EXACT"])
def test_resize_nearest_as_torchvision(dtype, shape, size, mode):
    g = torch.Generator().manual_seed(0)
    img = (torch.rand(shape, generator=g) * 255).to(dtype)
    ours = flambeau.tensor(img.numpy())
    expected = TF.resize(img, size, getattr(TF.InterpolationMode, mode))
    assert_same(F.resize(ours, size, getattr(F.InterpolationMode, mode)), expected, rtol=0, atol=0)
    expected = TF2.resize(img, size, getattr(TF.InterpolationMode, mode))
    assert_same(F2.resize(ours, size, getattr(F.InterpolationMode, mode)), expected, rtol=0, atol=0)


@pytest.mark.parametrize("shape,kernel,sigma", [((3, 97, 130), [5, 5], [1.5, 1.5]), ((2, 3, 40, 51), [7, 3], [2.0, 0.8]),
                                                ((1, 200, 90), [3, 9], [0.7, 3.0])])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_gaussian_blur_large_images_as_torchvision(shape, kernel, sigma, dtype):
    g = torch.Generator().manual_seed(1)
    img = (torch.rand(shape, generator=g) * 255).to(dtype)
    ours = flambeau.tensor(img.numpy())
    # oneDNN's order of summation is not always the tap order here: sums may differ in the last
    # bit, and a uint8 result lying at .5 may round the other way
    tol = dict(rtol=0, atol=1) if dtype == torch.uint8 else dict(rtol=1e-6, atol=1e-4)
    assert_same(F.gaussian_blur(ours, kernel, sigma), TF.gaussian_blur(img, kernel, sigma), **tol)
    assert_same(F2.gaussian_blur(ours, kernel, sigma), TF2.gaussian_blur(img, kernel, sigma), **tol)
