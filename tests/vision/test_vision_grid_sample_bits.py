"""F.grid_sample is bit-identical to torch's vectorised CPU kernel (the fused multiply-adds of
its unnormalisation and of its sum over the four taps), which the geometric transforms on
tensors (affine, perspective, elastic, the AutoAugment family) sample through."""
import numpy as np
import pytest

import flambeau
import flambeau.nn.functional as F

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_bits(dtype, padding_mode, mode, align_corners):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 13, 17)).astype(dtype)
    grid = rng.uniform(-1.3, 1.3, (2, 19, 23, 2)).astype(dtype)
    grid[0, :6] = np.round(grid[0, :6] * 17) / 17  # points on pixel boundaries
    ours = F.grid_sample(flambeau.from_numpy(x), flambeau.from_numpy(grid), mode=mode,
                         padding_mode=padding_mode, align_corners=align_corners)
    theirs = torch.nn.functional.grid_sample(torch.from_numpy(x), torch.from_numpy(grid),
                                             mode=mode, padding_mode=padding_mode,
                                             align_corners=align_corners)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
