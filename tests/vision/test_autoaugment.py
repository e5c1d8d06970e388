"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix against torchvision 0.28: the same
operations and magnitudes under the same seed (same pixels on PIL images and uint8 tensors),
reprs equal."""
import pytest

import flambeau
from conftest import raises_like
from flambeau.vision import transforms as FT
from test_transforms import pil, same, tensors

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from torchvision import transforms as TT  # noqa: E402


def augmenters(T):
    return [
        T.AutoAugment(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10, fill=[10, 20, 30]),
        T.AutoAugment(T.AutoAugmentPolicy.SVHN, T.InterpolationMode.BILINEAR, fill=7),
        T.RandAugment(), T.RandAugment(3, 5, 11, T.InterpolationMode.BILINEAR, fill=[3, 4, 5]),
        T.TrivialAugmentWide(), T.TrivialAugmentWide(15, fill=128),
        T.AugMix(), T.AugMix(5, 2, 2, 0.5, False, T.InterpolationMode.NEAREST, [50, 60, 70]),
    ]


@pytest.mark.parametrize("index", range(9))
def test_augmenters_follow_the_seed(index):
    ours_t, theirs_t = augmenters(FT)[index], augmenters(TT)[index]
    assert repr(ours_t) == repr(theirs_t)
    for kind in ("pil", "uint8", "batch"):
        if kind == "pil":
            img_ours = img_theirs = pil(seed=6)
        else:
            img_ours, img_theirs = tensors("uint8", (3, 13, 17) if kind == "uint8"
                                           else (2, 3, 13, 17), seed=6)
        for seed in range(6):
            flambeau.manual_seed(seed)
            ours = [ours_t(img_ours) for _ in range(6)] + [flambeau.rand(1).item()]
            torch.manual_seed(seed)
            theirs = [theirs_t(img_theirs) for _ in range(6)] + [torch.rand(1).item()]
            assert ours[-1] == theirs[-1]  # the same number of draws
            for a, b in zip(ours[:-1], theirs[:-1]):
                same(a, b)


def test_errors():
    raises_like(lambda: FT.AugMix(severity=11), lambda: TT.AugMix(severity=11))
    raises_like(lambda: FT.AutoAugment("imagenet"), lambda: TT.AutoAugment("imagenet"))
    nearest = FT.InterpolationMode.NEAREST, TT.InterpolationMode.NEAREST
    raises_like(lambda: FT.autoaugment._apply_op(pil(), "Blur", 1.0, nearest[0], None),
                lambda: TT.autoaugment._apply_op(pil(), "Blur", 1.0, nearest[1], None))
