"""Antialiased resizes of image tensors are bit-identical to torchvision's (v1 through torch's
float kernel, v2's uint8 through its integer kernel) for up- and downscales of every shape
class: the taps, their weights and the order and fusing of their sums."""
import numpy as np
import pytest

import flambeau
from flambeau.vision.transforms import InterpolationMode as FI, functional as F1
from flambeau.vision.transforms.v2 import functional as F2

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
from torchvision.transforms import InterpolationMode as TI, functional as T1  # noqa: E402
from torchvision.transforms.v2 import functional as T2  # noqa: E402

SIZES = [((23, 17), (7, 25)), ((97, 131), (13, 17)), ((40, 40), (39, 41)),
         ((600, 70), (9, 70)), ((5, 300), (5, 33)), ((31, 8), (200, 3))]


@pytest.mark.parametrize("dtype", ["uint8", "float32", "float64"])
@pytest.mark.parametrize("mode", ["BILINEAR", "BICUBIC"])
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_antialiased_resize_bits(dtype, mode, version):
    ours_f, theirs_f = (F1, T1) if version == "v1" else (F2, T2)
    rng = np.random.default_rng(0)
    for shape, size in SIZES:
        x = rng.integers(0, 256, (2, 3) + shape).astype(dtype) if dtype == "uint8" else \
            rng.random((2, 3) + shape).astype(dtype)
        ours = ours_f.resize(flambeau.from_numpy(x.copy()), list(size), getattr(FI, mode),
                             antialias=True)
        theirs = theirs_f.resize(torch.from_numpy(x.copy()), list(size), getattr(TI, mode),
                                 antialias=True)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{shape}->{size}")
