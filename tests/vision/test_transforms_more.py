"""The geometric and colour transforms beyond the basics (affine, perspective, elastic, the
PIL ImageOps family, five/ten crops) against torchvision 0.28: pixel-exact on PIL images and
uint8 tensors, equal under the same seed for the random ones, reprs equal."""
import numpy as np
import pytest

import flambeau
from conftest import raises_like
from flambeau.vision import transforms as FT
from flambeau.vision.transforms import functional as FF
from test_transforms import pil, same, tensors

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from torchvision import transforms as TT  # noqa: E402
from torchvision.transforms import functional as TF  # noqa: E402

CORNERS = ([[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 0], [13, 11], [1, 12]])

FUNCTIONAL = [  # (name, args, kwargs) on PIL images and uint8/float tensors
    ("affine", (30.0, [2, -1], 1.2, [10.0, 5.0]), {}),
    ("affine", (-15, (0, 3), 0.8, 7.0), {"interpolation": "BILINEAR"}),
    ("affine", (45.0, [1, 1], 1.0, [0.0]), {"fill": 90, "center": [3, 4]}),
    ("rotate", (33.0,), {"expand": True}),
    ("rotate", (-70.0,), {"center": [2, 5], "fill": [10, 20, 30]}),
    ("perspective", CORNERS, {}),
    ("perspective", CORNERS, {"interpolation": "NEAREST", "fill": [40]}),
    ("invert", (), {}), ("solarize", (100,), {}), ("autocontrast", (), {}),
    ("adjust_sharpness", (2.5,), {}), ("adjust_sharpness", (0.3,), {}),
    ("adjust_gamma", (0.7,), {}), ("adjust_gamma", (2.2, 0.9), {}),
    ("five_crop", (5,), {}), ("ten_crop", ([6, 4],), {}),
    ("ten_crop", (7, True), {}),
]
UINT8_ONLY = [("posterize", (3,), {}), ("equalize", (), {})]


def modes(kwargs):
    """``kwargs`` for flambeau and for torchvision (an interpolation named by its mode)."""
    if "interpolation" not in kwargs:
        return kwargs, kwargs
    name = kwargs["interpolation"]
    return ({**kwargs, "interpolation": FF.InterpolationMode[name]},
            {**kwargs, "interpolation": TF.InterpolationMode[name]})


def compare(ours, theirs, float_tolerance=0.0):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            compare(o, t, float_tolerance)
    elif float_tolerance and isinstance(theirs, torch.Tensor) and theirs.is_floating_point():
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=float_tolerance)
    else:
        same(ours, theirs)


@pytest.mark.parametrize("name,args,kwargs", FUNCTIONAL + UINT8_ONLY)
def test_functional_pil(name, args, kwargs):
    for mode in ("RGB", "L"):
        if mode == "L" and isinstance(kwargs.get("fill"), list) and len(kwargs["fill"]) == 3:
            continue
        img = pil(mode, seed=3)
        ours, theirs = modes(kwargs)
        compare(getattr(FF, name)(img, *args, **ours), getattr(TF, name)(img, *args, **theirs))


@pytest.mark.parametrize("shape", [(3, 13, 17), (2, 3, 13, 17), (1, 13, 17)])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("name,args,kwargs", FUNCTIONAL + UINT8_ONLY)
def test_functional_tensor(name, args, kwargs, dtype, shape):
    if (name, args, kwargs) in UINT8_ONLY and dtype != "uint8":
        return
    if shape[-3] == 1 and isinstance(kwargs.get("fill"), list) and len(kwargs["fill"]) == 3:
        return
    if name == "solarize" and dtype == "float32":
        args = (0.4,)
    ours, theirs = tensors(dtype, shape, seed=4)
    kw_ours, kw_theirs = modes(kwargs)
    # float sums (a sampler's weights, a convolution, a power) may round in another order
    compare(getattr(FF, name)(ours, *args, **kw_ours),
            getattr(TF, name)(theirs, *args, **kw_theirs), float_tolerance=2e-6)


def test_elastic_transform_same_displacement():
    rng = np.random.default_rng(0)
    displacement = (rng.random((1, 13, 17, 2), dtype=np.float32) - 0.5) * 0.2
    for dtype in ("uint8", "float32"):
        ours, theirs = tensors(dtype)
        compare(FF.elastic_transform(ours, flambeau.from_numpy(displacement.copy()), fill=[5.0]),
                TF.elastic_transform(theirs, torch.from_numpy(displacement.copy()), fill=[5.0]),
                float_tolerance=2e-6)
    img = pil()
    compare(FF.elastic_transform(img, flambeau.from_numpy(displacement.copy())),
            TF.elastic_transform(img, torch.from_numpy(displacement.copy())))


def test_functional_errors(as_torch):
    ours, theirs = tensors("float32")
    raises_like(lambda: FF.posterize(ours, 3), lambda: TF.posterize(theirs, 3))
    raises_like(lambda: FF.posterize(pil(), 9), lambda: TF.posterize(pil(), 9))
    raises_like(lambda: FF.equalize(ours), lambda: TF.equalize(theirs))
    raises_like(lambda: FF.solarize(ours, 2.0), lambda: TF.solarize(theirs, 2.0))
    raises_like(lambda: FF.affine(ours, 0.0, [1], 1.0, 0.0),
                lambda: TF.affine(theirs, 0.0, [1], 1.0, 0.0))
    raises_like(lambda: FF.affine(ours, 0.0, [1, 1], 0.0, 0.0),
                lambda: TF.affine(theirs, 0.0, [1, 1], 0.0, 0.0))
    raises_like(lambda: FF.rotate(ours, 10.0, fill=[1.0, 2.0]),
                lambda: TF.rotate(theirs, 10.0, fill=[1.0, 2.0]))
    raises_like(lambda: FF.five_crop(ours, 20), lambda: TF.five_crop(theirs, 20))
    raises_like(lambda: FF.adjust_sharpness(ours, -1.0), lambda: TF.adjust_sharpness(theirs, -1.0))
    raises_like(lambda: FF.perspective(ours, [[0, 0]], [[1, 1]]),
                lambda: TF.perspective(theirs, [[0, 0]], [[1, 1]]))
    four, four_t = tensors("uint8", (4, 5, 5))
    raises_like(lambda: FF.invert(four), lambda: TF.invert(four_t))


def random_transforms(T):
    bilinear = T.InterpolationMode.BILINEAR
    return [
        T.RandomAffine(25),
        T.RandomAffine((-10, 40), translate=(0.2, 0.1), scale=(0.7, 1.3), shear=(-5, 5, -3, 8),
                       interpolation=bilinear, fill=30, center=(4, 5)),
        T.RandomAffine(0, shear=12),
        T.RandomPerspective(0.4, p=0.7),
        T.RandomPerspective(0.6, p=0.9, interpolation=T.InterpolationMode.NEAREST, fill=9),
        T.RandomInvert(0.5), T.RandomPosterize(3, 0.6), T.RandomSolarize(120, 0.5),
        T.RandomAdjustSharpness(2.0, 0.5), T.RandomAutocontrast(0.4), T.RandomEqualize(0.6),
        T.RandomHorizontalFlip(0.3),
        T.ElasticTransform(20.0, 3.0),
        T.ElasticTransform([10.0, 30.0], [2.0, 1.5], fill=4),
    ]


@pytest.mark.parametrize("index", range(14))
def test_random_transforms_follow_the_seed(index):
    ours_t, theirs_t = random_transforms(FT)[index], random_transforms(TT)[index]
    assert repr(ours_t) == repr(theirs_t)
    for kind in ("pil", "uint8", "batch"):
        if kind == "pil":
            img_ours = img_theirs = pil(seed=5)
        else:
            img_ours, img_theirs = tensors("uint8", (3, 13, 17) if kind == "uint8"
                                           else (2, 3, 13, 17), seed=5)
        for seed in (0, 3):
            flambeau.manual_seed(seed)
            ours = [ours_t(img_ours) for _ in range(4)] + [flambeau.rand(1).item()]
            torch.manual_seed(seed)
            theirs = [theirs_t(img_theirs) for _ in range(4)] + [torch.rand(1).item()]
            assert ours[-1] == theirs[-1]  # the same number of draws
            for a, b in zip(ours[:-1], theirs[:-1]):
                if isinstance(ours_t, FT.ElasticTransform):
                    # blurred noise sums in another order: a sample point an ulp away
                    np.testing.assert_allclose(np.asarray(a.numpy() if kind != "pil" else a),
                                               np.asarray(b.numpy() if kind != "pil" else b),
                                               rtol=0, atol=1)
                else:
                    same(a, b)


def test_crops_and_linear_transformation():
    img = pil(seed=2)
    for T in (FT, TT):
        assert repr(T.FiveCrop(4)) and repr(T.TenCrop([4, 5], True))
    assert repr(FT.FiveCrop(4)) == repr(TT.FiveCrop(4))
    assert repr(FT.TenCrop([4, 5], True)) == repr(TT.TenCrop([4, 5], True))
    compare(FT.TenCrop([4, 5], True)(img), TT.TenCrop([4, 5], True)(img))
    rng = np.random.default_rng(0)
    matrix, mean, x = (rng.standard_normal(s).astype(np.float32)
                       for s in ((12, 12), 12, (3, 4, 1, 3)))
    ours = FT.LinearTransformation(flambeau.from_numpy(matrix), flambeau.from_numpy(mean))
    theirs = TT.LinearTransformation(torch.from_numpy(matrix), torch.from_numpy(mean))
    assert repr(ours) == repr(theirs)
    np.testing.assert_allclose(ours(flambeau.from_numpy(x)).numpy(),
                               theirs(torch.from_numpy(x)).numpy(), rtol=1e-5, atol=1e-5)
    raises_like(lambda: FT.LinearTransformation(flambeau.zeros(3, 4), flambeau.zeros(3)),
                lambda: TT.LinearTransformation(torch.zeros(3, 4), torch.zeros(3)))
    raises_like(lambda: ours(flambeau.zeros(2, 2, 2)), lambda: theirs(torch.zeros(2, 2, 2)))


def test_constructor_errors():
    for args, kwargs in [((-3,), {}), ((10,), {"translate": (0.2, 1.5)}),
                         ((10,), {"scale": (0, 1)}), ((10,), {"shear": (1, 2, 3)}),
                         ((10,), {"fill": {}}), (([1, 2, 3],), {})]:
        raises_like(lambda: FT.RandomAffine(*args, **kwargs),
                    lambda: TT.RandomAffine(*args, **kwargs))
    raises_like(lambda: FT.ElasticTransform(alpha=3), lambda: TT.ElasticTransform(alpha=3))
    raises_like(lambda: FT.ElasticTransform(sigma=[1.0]), lambda: TT.ElasticTransform(sigma=[1.0]))
