"""flambeau.vision.transforms against torchvision 0.28 on the same PIL images and tensors:
deterministic transforms pixel-exact, random ones equal under the same seed, reprs equal."""
import random
import subprocess
import sys

import numpy as np
import pytest

import flambeau
from conftest import raises_like
from flambeau.vision import transforms as FT
from flambeau.vision.transforms import functional as FF

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")
from torchvision import transforms as TT  # noqa: E402
from torchvision.transforms import functional as TF  # noqa: E402


def pil(mode="RGB", h=13, w=17, seed=0):
    rng = np.random.default_rng(seed)
    shape = (h, w, 3) if mode == "RGB" else (h, w)
    return Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode)


def tensors(dtype="uint8", shape=(3, 13, 17), seed=0):
    """The same image as a flambeau and a torch tensor."""
    rng = np.random.default_rng(seed)
    array = rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == "float32":
        array = (array / 255).astype(np.float32)
    return flambeau.from_numpy(array.copy()), torch.from_numpy(array.copy())


def same(ours, theirs):
    """Same kind, same pixels (PIL images: mode and size too)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, flambeau.Tensor)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    else:
        assert ours.mode == theirs.mode and ours.size == theirs.size
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


FUNCTIONAL = [  # (name, args) run on PIL images and uint8/float tensors
    ("hflip", ()), ("vflip", ()), ("crop", (2, 3, 7, 9)), ("crop", (-2, 10, 9, 12)),
    ("center_crop", (8,)), ("center_crop", ([16, 20],)), ("center_crop", ([8, 5],)),
    ("pad", (2,)), ("pad", ([1, 2],)), ("pad", ([1, 2, 3, 4], 7)), ("pad", (3, 0, "reflect")),
    ("pad", ([1, 2, 0, 3], 0, "edge")), ("pad", (2, 0, "symmetric")),
    ("rgb_to_grayscale", ()), ("rgb_to_grayscale", (3,)),
    ("adjust_brightness", (1.3,)), ("adjust_brightness", (0.4,)), ("adjust_contrast", (0.6,)),
    ("adjust_contrast", (1.7,)), ("adjust_saturation", (0.3,)), ("adjust_saturation", (1.5,)),
    ("adjust_hue", (0.2,)), ("adjust_hue", (-0.45,)),
    ("gaussian_blur", (3,)), ("gaussian_blur", ([5, 3], [1.2, 0.7])),
]


@pytest.mark.parametrize("name,args", FUNCTIONAL)
def test_functional_pil(name, args):
    for mode in ("RGB", "L"):
        if name in ("adjust_hue", "adjust_saturation") and mode == "L":
            continue
        img = pil(mode)
        same(getattr(FF, name)(img, *args), getattr(TF, name)(img, *args))


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("name,args", FUNCTIONAL)
def test_functional_tensor(name, args, dtype):
    ours, theirs = tensors(dtype)
    if dtype == "float32" and name in ("adjust_contrast", "adjust_hue", "gaussian_blur"):
        # a mean, an einsum or a convolution: float sums may round in another order
        np.testing.assert_allclose(getattr(FF, name)(ours, *args).numpy(),
                                   getattr(TF, name)(theirs, *args).numpy(), atol=3e-7)
        return
    same(getattr(FF, name)(ours, *args), getattr(TF, name)(theirs, *args))


@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR", "BICUBIC"])
@pytest.mark.parametrize("size", [8, [9, 30], 20])
def test_resize_pil(interpolation, size):
    for mode in ("RGB", "L"):
        img = pil(mode)
        same(FF.resize(img, size, getattr(FF.InterpolationMode, interpolation)),
             TF.resize(img, size, getattr(TF.InterpolationMode, interpolation)))
    img = pil()
    same(FF.resize(img, 8, max_size=10), TF.resize(img, 8, max_size=10))


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_resize_tensor_without_antialias(dtype):
    ours, theirs = tensors(dtype)
    for mode in ("NEAREST", "BILINEAR"):
        a = FF.resize(ours, [7, 25], getattr(FF.InterpolationMode, mode), antialias=False)
        b = TF.resize(theirs, [7, 25], getattr(TF.InterpolationMode, mode), antialias=False)
        if dtype == "uint8":
            same(a, b)
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


@pytest.mark.parametrize("mode", ["BILINEAR", "BICUBIC"])
@pytest.mark.parametrize("size", [[7, 25], [40, 9], 6])
def test_resize_tensor_antialias(mode, size):
    for dtype in ("uint8", "float32"):
        ours, theirs = tensors(dtype, shape=(2, 3, 23, 17))
        a = FF.resize(ours, size, getattr(FF.InterpolationMode, mode))
        b = TF.resize(theirs, size, getattr(TF.InterpolationMode, mode))
        same(a, b)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_rotate_tensor(dtype):
    ours, theirs = tensors(dtype)
    for args in [(30,), (-45, "BILINEAR"), (10, "NEAREST", True),
                 (77, "BILINEAR", True, [3, 4], [9.0, 1.0, 2.0]),
                 (20, "NEAREST", False, None, [5.0])]:
        a = FF.rotate(ours, *[getattr(FF.InterpolationMode, x) if x in ("BILINEAR", "NEAREST")
                              else x for x in args])
        b = TF.rotate(theirs, *[getattr(TF.InterpolationMode, x) if x in ("BILINEAR", "NEAREST")
                                else x for x in args])
        same(a, b)


def test_rotate_pil():
    img = pil()
    for args in [(30,), (-45, TF.InterpolationMode.BILINEAR, True), (10, 0, False, [3, 4], 9)]:
        ours = FF.rotate(img, *[FF.InterpolationMode[a.name] if isinstance(
            a, TF.InterpolationMode) else a for a in args])
        same(ours, TF.rotate(img, *args))


@pytest.mark.parametrize("mode", ["RGB", "L", "F", "I", "1", "P", "RGBA", "LA"])
def test_to_tensor_and_back(mode):
    img = pil("RGB" if mode == "RGB" else "L").convert(mode)
    same(FF.to_tensor(img), TF.to_tensor(img))
    same(FF.pil_to_tensor(img), TF.pil_to_tensor(img))
    array = np.asarray(pil())
    same(FF.to_tensor(array), TF.to_tensor(array))
    for dtype in ("uint8", "float32"):
        ours, theirs = tensors(dtype)
        same(FF.to_pil_image(ours), TF.to_pil_image(theirs))
        same(FF.to_pil_image(ours[:1]), TF.to_pil_image(theirs[:1]))
    for dtype, mode in (("int16", None), ("int32", None), ("float32", "F")):
        array = np.arange(20, dtype=dtype).reshape(1, 4, 5) * 3
        same(FF.to_pil_image(flambeau.from_numpy(array.copy()), mode),
             TF.to_pil_image(torch.from_numpy(array.copy()), mode))


def test_normalize_and_convert_dtype():
    ours, theirs = tensors("float32")
    same(FF.normalize(ours, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
         TF.normalize(theirs, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))
    for src, dst in [("uint8", "float32"), ("uint8", "int32"), ("float32", "uint8"),
                     ("float32", "float64")]:
        a, b = tensors(src)
        same(FF.convert_image_dtype(a, getattr(flambeau, dst)),
             TF.convert_image_dtype(b, getattr(torch, dst)))
    ours = flambeau.from_numpy(np.arange(0, 256, 17, dtype=np.int32).reshape(1, 1, -1) << 20)
    theirs = torch.from_numpy(ours.numpy().copy())
    same(FF.convert_image_dtype(ours, flambeau.uint8), TF.convert_image_dtype(theirs,
                                                                               torch.uint8))
    a, b = tensors("float32", shape=(2, 3, 4, 5))
    a, b = a[:, :, ::2], b[:, :, ::2]  # a strided view, changed in place
    FF.normalize(a, flambeau.tensor([0.4, 0.5, 0.6]), (0.2, 0.3, 0.1), inplace=True)
    TF.normalize(b, torch.tensor([0.4, 0.5, 0.6]), (0.2, 0.3, 0.1), inplace=True)
    same(a, b)
    a, b = tensors("float32")
    a.requires_grad_(), b.requires_grad_()
    out, expected = FF.normalize(a, [0.5] * 3, [0.2] * 3), TF.normalize(b, [0.5] * 3, [0.2] * 3)
    out.sum().backward(), expected.sum().backward()
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    with pytest.raises(ValueError, match="std evaluated to zero"):
        FF.normalize(a, [0.5], [0.0])
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        FF.normalize(tensors("uint8")[0], [0.5], [0.5])


def pipelines(lib):
    T = lib
    return [
        T.Compose([T.RandomCrop(10, padding=3, fill=5, padding_mode="constant"),
                   T.RandomHorizontalFlip(), T.RandomVerticalFlip(0.7)]),
        T.Compose([T.RandomCrop(20, pad_if_needed=True, padding_mode="reflect")]),
        T.RandomResizedCrop(9, scale=(0.3, 1.0)),
        T.RandomResizedCrop([6, 11], ratio=(0.2, 0.3)),
        T.ColorJitter(0.4, 0.4, 0.4, 0.1),
        T.RandomGrayscale(0.5),
        T.GaussianBlur(3, (0.1, 2.0)),
        T.RandomApply([T.ColorJitter(brightness=0.5), T.Pad(2)], p=0.6),
        T.Compose([T.CenterCrop(11), T.Resize(7), T.Grayscale(3)]),
    ]


def run_seeded(lib, transform, img, seed):
    """Four results after ``manual_seed(seed)``, and the next number the generator gives."""
    library = flambeau if lib is FT else torch
    library.manual_seed(seed)
    return [transform(img) for _ in range(4)], library.rand(1).item()


@pytest.mark.parametrize("index", range(9))
def test_random_transforms_follow_the_seed(index):
    ours_t, theirs_t = pipelines(FT)[index], pipelines(TT)[index]
    assert repr(ours_t) == repr(theirs_t)
    for img_ours, img_theirs in [(pil(), pil()), tensors("uint8")]:
        for seed in (0, 7):
            (ours, after), (theirs, after_theirs) = run_seeded(FT, ours_t, img_ours, seed), \
                run_seeded(TT, theirs_t, img_theirs, seed)
            assert after == after_theirs  # the same number of draws
            for a, b in zip(ours, theirs):
                same(a, b)


def test_random_rotation_and_erasing_follow_the_seed():
    ours, theirs = FT.RandomRotation(30, fill=4), TT.RandomRotation(30, fill=4)
    assert repr(ours) == repr(theirs)
    for a_img, b_img in [(pil(), pil()), tensors("uint8")]:
        for a, b in zip(run_seeded(FT, ours, a_img, 3)[0], run_seeded(TT, theirs, b_img, 3)[0]):
            same(a, b)
    for value in (0, "random", (1.0, 2.0, 3.0)):
        ours, theirs = FT.RandomErasing(0.8, value=value), TT.RandomErasing(0.8, value=value)
        assert repr(ours) == repr(theirs)
        a_img, b_img = tensors("float32")
        for a, b in zip(run_seeded(FT, ours, a_img, 1)[0], run_seeded(TT, theirs, b_img, 1)[0]):
            same(a, b)


def test_random_order_and_choice_use_python_random():
    ours = [FT.RandomOrder([FT.Pad(1), FT.CenterCrop(9)]),
            FT.RandomChoice([FT.Pad(1), FT.CenterCrop(9)], p=[0.3, 0.7])]
    theirs = [TT.RandomOrder([TT.Pad(1), TT.CenterCrop(9)]),
              TT.RandomChoice([TT.Pad(1), TT.CenterCrop(9)], p=[0.3, 0.7])]
    img = pil()
    for o, t in zip(ours, theirs):
        assert repr(o) == repr(t)
        random.seed(5)
        a = [o(img) for _ in range(5)]
        random.seed(5)
        for x, y in zip(a, [t(img) for _ in range(5)]):
            same(x, y)


def test_reprs():
    def build(T):
        return [T.ToTensor(), T.PILToTensor(), T.ToPILImage(), T.ToPILImage("RGB"),
                T.Normalize((0.1, 0.2), [0.3, 0.4]), T.Resize([32, 20]),
                T.Resize(8, T.InterpolationMode.NEAREST, max_size=12, antialias=False),
                T.CenterCrop(5), T.Pad([1, 2], fill=3, padding_mode="edge"),
                T.RandomCrop((4, 5), padding=2), T.Grayscale(3), T.Lambda(lambda x: x),
                T.ConvertImageDtype(getattr(flambeau if T is FT else torch, "float32")),
                T.RandomRotation((10, 20), center=(1, 2)), T.GaussianBlur((3, 5), 1.5),
                T.ColorJitter(brightness=(0.5, 0.9))]
    for a, b in zip(build(FT), build(TT)):
        assert repr(a) == repr(b)


def test_errors():
    with pytest.raises(ValueError, match="If brightness is a single number"):
        FT.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r"Required crop size \(20, 20\) is larger"):
        FT.RandomCrop(20)(pil())
    for name in ("brightness", "contrast", "saturation"):  # tensors only, as torchvision
        fn = getattr(FF, f"adjust_{name}")
        fn(pil(), -0.5)
        raises_like(lambda: fn(tensors()[0], -0.5),
                    lambda: getattr(TF, f"adjust_{name}")(tensors()[1], -0.5))
    with pytest.raises(TypeError, match="img should be PIL Image or Tensor"):
        FF.hflip([1, 2])


def test_without_pillow():
    code = ("import sys; sys.modules['PIL'] = None\n"
            "import flambeau, flambeau.vision.transforms as T\n"
            "from flambeau.vision import datasets, utils\n"
            "t = T.Normalize([0.5], [0.5])(flambeau.ones(1, 2, 2))\n"
            "for use in (lambda: T.ToPILImage()(t), lambda: datasets.FakeData(2)[0],\n"
            "            lambda: utils.save_image(t, 'x.png')):\n"
            "    try:\n        use()\n    except ImportError as e:\n        print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.count("pip install flambeau[vision]") == 3, out.stderr
