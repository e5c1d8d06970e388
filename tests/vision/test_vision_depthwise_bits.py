"""The per-channel convolution of the blur and sharpness transforms is bit-identical to torch's
CPU convolution where torch hands float32 to oneDNN (so float sharpness is pixel-exact)."""
import numpy as np
import pytest

import flambeau
from flambeau.vision.transforms import _functional_tensor as F_t, functional as F1
from flambeau.vision.transforms.v2 import functional as F2

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
from torchvision.transforms import functional as T1  # noqa: E402
from torchvision.transforms.v2 import functional as T2  # noqa: E402


@pytest.mark.parametrize("shape,kernel", [((1, 3, 19, 23), (3, 3)), ((2, 3, 40, 32), (9, 9)),
                                          ((1, 3, 30, 30), (7, 3)), ((2, 1, 12, 17), (3, 3)),
                                          ((1, 1, 50, 60), (5, 5)), ((1, 1, 160, 150), (3, 1))])
def test_depthwise_conv2d_bits(shape, kernel):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    k = rng.standard_normal(kernel).astype(np.float32)
    ours = F_t.depthwise_conv2d(flambeau.from_numpy(x), flambeau.from_numpy(k))
    theirs = torch.nn.functional.conv2d(torch.from_numpy(x),
                                        torch.from_numpy(k).expand(shape[1], 1, *kernel),
                                        groups=shape[1])
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("shape", [(3, 19, 23), (2, 3, 40, 32), (1, 150, 160)])
@pytest.mark.parametrize("factor", [0.0, 0.3, 1.7])
def test_float_sharpness_bits(shape, factor):
    x = np.random.default_rng(1).random(shape).astype(np.float32)
    for ours_f, theirs_f in ((F1, T1), (F2, T2)):
        ours = ours_f.adjust_sharpness(flambeau.from_numpy(x.copy()), factor)
        theirs = theirs_f.adjust_sharpness(torch.from_numpy(x.copy()), factor)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
