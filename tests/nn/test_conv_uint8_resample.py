"""F.interpolate on uint8 images: bilinear/bicubic in torch's integer arithmetic (bit for bit);
torch's errors for empty sizes. (The dtypes torch cannot resize: test_conv_family_errors.)"""
import itertools

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like

SIZES = [dict(size=(1, 5)), dict(size=(13, 2)), dict(size=(40, 31)), dict(scale_factor=0.37),
         dict(scale_factor=1.9), dict(scale_factor=(2.5, 0.5)),
         dict(scale_factor=0.37, recompute_scale_factor=True)]


@pytest.mark.parametrize("mode,align_corners,antialias", list(
    itertools.product(("bilinear", "bicubic"), (False, True), (False, True))))
@pytest.mark.parametrize("channels", [3, 6])  # torch's AVX kernel serves up to 4 channels
def test_uint8_matches_torch_bit_for_bit(mode, align_corners, antialias, channels):
    rng = np.random.default_rng(0)
    for (h, w), options in itertools.product([(5, 7), (16, 16), (37, 23), (100, 3)], SIZES):
        a = rng.integers(0, 256, (2, channels, h, w), dtype=np.uint8)
        expected = torch.nn.functional.interpolate(
            torch.from_numpy(a), mode=mode, align_corners=align_corners, antialias=antialias,
            **options)
        if channels > 4 and expected.shape[-1] == 1 and w > 1:
            continue  # torch's generic uint8 kernel misreads a one-column intermediate there
        got = flambeau.nn.functional.interpolate(
            flambeau.from_numpy(a.copy()), mode=mode, align_corners=align_corners,
            antialias=antialias, **options)
        assert got.dtype == flambeau.uint8
        np.testing.assert_array_equal(got.numpy(), expected.numpy(), err_msg=str((h, w, options)))


@pytest.mark.parametrize("shape,options", [
    ((1, 1, 5), dict(size=0, mode="linear")), ((1, 1, 5), dict(size=0, mode="nearest")),
    ((1, 1, 2, 3, 4), dict(size=(0, 1, 2), mode="trilinear")),
    ((1, 1, 2, 3, 4), dict(size=(0, 1, 2), mode="nearest-exact")),
    ((1, 1, 0, 3), dict(size=(2, 2), mode="bilinear")),
    ((1, 1, 3, 3), dict(size=(0, 2), mode="bicubic", antialias=True)),
    ((1, 1, 2, 9), dict(scale_factor=0.37, mode="bilinear"))])
def test_empty_sizes_raise_as_torch(shape, options):
    raises_like(lambda: flambeau.nn.functional.interpolate(flambeau.zeros(shape), **options),
                lambda: torch.nn.functional.interpolate(torch.zeros(shape), **options))
