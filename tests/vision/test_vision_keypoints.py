"""tv_tensors.KeyPoints and the v2 kernels and transforms on them against torchvision 0.28:
same values (bit for bit), dtype, shape and canvas size for every geometric functional, and
the same points through random transforms under the same seed."""
import numpy as np
import pytest

import flambeau
from conftest import raises_like
from flambeau.vision import tv_tensors as FV
from flambeau.vision.transforms import v2 as F2
from flambeau.vision.transforms.v2 import functional as FF

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
from torchvision import tv_tensors as TV  # noqa: E402
from torchvision.transforms import v2 as T2  # noqa: E402
from torchvision.transforms.v2 import functional as TF  # noqa: E402

CANVAS = (31, 37)


def points(dtype, shape=(2, 5, 2), seed=0):
    array = np.random.default_rng(seed).uniform(-3, 40, shape).astype(dtype)
    return (FV.KeyPoints(flambeau.from_numpy(array.copy()), canvas_size=CANVAS),
            TV.KeyPoints(torch.from_numpy(array.copy()), canvas_size=CANVAS))


def same(ours, theirs):
    assert type(ours).__name__ == type(theirs).__name__
    if isinstance(theirs, TV.KeyPoints):
        assert tuple(ours.canvas_size) == tuple(theirs.canvas_size)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_keypoints_tv_tensor():
    ours, theirs = points("float32")
    assert repr(ours) == repr(theirs)
    assert repr(FV.KeyPoints([1, 2], canvas_size=(4, 5))) == \
        repr(TV.KeyPoints([1, 2], canvas_size=(4, 5)))
    same(ours.clone(), theirs.clone())
    assert type(ours + 1) is flambeau.Tensor
    same(FV.wrap(flambeau.zeros(3, 2), like=ours, canvas_size=(2, 2)),
         TV.wrap(torch.zeros(3, 2), like=theirs, canvas_size=(2, 2)))
    with pytest.raises(ValueError, match=r"Expected a tensor of shape \(\.\.\., 2\), not "
                                         r"flambeau.Size\(\[1, 3\]\)"):
        FV.KeyPoints([[1, 2, 3]], canvas_size=(1, 1))
    assert FF.get_size(ours) == TF.get_size(theirs) == list(CANVAS)


DISPLACEMENT = np.random.default_rng(1).uniform(-0.1, 0.1, (1,) + CANVAS + (2,))
CALLS = [("hflip", ()), ("vflip", ()), ("resize", ([17, 50],)), ("resize", (20,)),
         ("resize", (None, None, 25)), ("crop", (3, 4, 20, 25)), ("center_crop", ([11, 13],)),
         ("resized_crop", (2, 3, 20, 21, [40, 30])), ("pad", ([1, 2, 3, 4],)), ("pad", (3,)),
         ("rotate", (33.0,)), ("rotate", (-20, None, True)), ("rotate", (70, None, True, [3, 4])),
         ("affine", (25.0, [2, -3], 1.2, [5.0, -3.0])), ("affine", (-10, [0, 0], 0.7, 4.0)),
         ("perspective", ([[0, 0], [36, 0], [36, 30], [0, 30]],
                          [[2, 1], [33, 3], [35, 28], [1, 29]])),
         ("perspective", (None, None, None, None, [1.1, 0.1, -2, 0.05, 0.9, 3, 1e-3, -2e-3])),
         ("elastic", ("displacement",)), ("clamp_keypoints", ())]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("name,args", CALLS)
def test_keypoint_kernels(dtype, name, args):
    for shape in ((2, 5, 2), (7, 2), (0, 2)):
        ours, theirs = points(dtype, shape)
        if args == ("displacement",):
            disp = DISPLACEMENT.astype("float64" if dtype == "float64" else "float32")
            args_ours, args_theirs = (flambeau.from_numpy(disp),), (torch.from_numpy(disp),)
        else:
            args_ours = args_theirs = args
        same(getattr(FF, name)(ours, *args_ours), getattr(TF, name)(theirs, *args_theirs))


def raises_alike(fn_ours, fn_theirs):
    """raises_like, with flambeau.Size printed as torch.Size (as under ``flambeau run``)."""
    with pytest.raises(Exception) as theirs:
        fn_theirs()
    with pytest.raises(type(theirs.value)) as ours:
        fn_ours()
    assert str(ours.value).replace("flambeau.", "torch.") == str(theirs.value)


def test_keypoint_kernel_errors():
    ours, theirs = points("float32")
    raises_like(lambda: FF.pad(ours, 2, padding_mode="reflect"),
                lambda: TF.pad(theirs, 2, padding_mode="reflect"))
    raises_alike(lambda: FF.elastic(ours, flambeau.zeros(1, 3, 3, 2)),
                 lambda: TF.elastic(theirs, torch.zeros(1, 3, 3, 2)))
    raises_like(lambda: FF.clamp_keypoints(ours, canvas_size=(3, 3)),
                lambda: TF.clamp_keypoints(theirs, canvas_size=(3, 3)))
    raises_like(lambda: FF.clamp_keypoints(flambeau.zeros(3, 2)),
                lambda: TF.clamp_keypoints(torch.zeros(3, 2)))
    raises_like(lambda: FF.sanitize_keypoints(flambeau.zeros(3, 2)),
                lambda: TF.sanitize_keypoints(torch.zeros(3, 2)))
    raises_like(lambda: FF.sanitize_keypoints(ours, canvas_size=(3, 3)),
                lambda: TF.sanitize_keypoints(theirs, canvas_size=(3, 3)))


@pytest.mark.parametrize("shape", [(9, 2), (4, 3, 2), (0, 2)])
def test_sanitize_keypoints(shape):
    ours, theirs = points("float32", shape, seed=2)
    (kept, valid), (kept_t, valid_t) = FF.sanitize_keypoints(ours), TF.sanitize_keypoints(theirs)
    same(kept, kept_t)
    np.testing.assert_array_equal(valid.numpy(), valid_t.numpy())
    plain = FF.sanitize_keypoints(flambeau.from_numpy(ours.numpy()), canvas_size=CANVAS)
    same(plain[0], TF.sanitize_keypoints(torch.from_numpy(ours.numpy()), canvas_size=CANVAS)[0])


def test_sanitize_and_clamp_transforms():
    ours, theirs = points("float32", (6, 2), seed=3)
    labels = np.arange(6)
    out = F2.SanitizeKeyPoints(labels_getter="default")(
        {"points": ours, "labels": flambeau.from_numpy(labels)})
    out_t = T2.SanitizeKeyPoints(labels_getter="default")(
        {"points": theirs, "labels": torch.from_numpy(labels)})
    same(out["points"], out_t["points"])
    np.testing.assert_array_equal(out["labels"].numpy(), out_t["labels"].numpy())
    same(F2.SanitizeKeyPoints()(ours), T2.SanitizeKeyPoints()(theirs))
    same(F2.ClampKeyPoints()(ours), T2.ClampKeyPoints()(theirs))
    assert repr(F2.SanitizeKeyPoints()) == repr(T2.SanitizeKeyPoints())
    raises_alike(lambda: F2.SanitizeKeyPoints("default")({"points": ours,
                                                          "labels": flambeau.zeros(2)}),
                 lambda: T2.SanitizeKeyPoints("default")({"points": theirs,
                                                          "labels": torch.zeros(2)}))
    raises_like(lambda: F2.SanitizeKeyPoints()(flambeau.zeros(3, 2)),
                lambda: T2.SanitizeKeyPoints()(torch.zeros(3, 2)))


def pipelines(T):
    return [T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(0.6),
            T.RandomResizedCrop(20), T.RandomCrop(25, padding=3), T.CenterCrop(20),
            T.Resize(50), T.RandomRotation(40, expand=True), T.RandomAffine(30, (0.1, 0.2),
                                                                           (0.8, 1.2), 10),
            T.RandomPerspective(0.5, 1.0), T.RandomZoomOut(p=1.0), T.ElasticTransform(30.0),
            T.Compose([T.RandomResizedCrop(24), T.RandomHorizontalFlip(), T.Pad(2)])]


@pytest.mark.parametrize("index", range(12))
def test_random_transforms_move_keypoints(index):
    ours_t, theirs_t = pipelines(F2)[index], pipelines(T2)[index]
    image = np.random.default_rng(4).integers(0, 256, (3,) + CANVAS, dtype=np.uint8)
    for seed in (0, 1):
        ours, theirs = points("float32", (3, 4, 2), seed=seed)
        flambeau.manual_seed(seed)
        torch.manual_seed(seed)
        out = ours_t({"image": FV.Image(flambeau.from_numpy(image.copy())), "points": ours})
        out_t = theirs_t({"image": TV.Image(torch.from_numpy(image.copy())), "points": theirs})
        if isinstance(ours_t, F2.ElasticTransform):  # blurred noise: last bits differ
            np.testing.assert_allclose(out["points"].numpy(), out_t["points"].numpy(),
                                       rtol=1e-5, atol=1e-5)
        else:
            same(out["points"], out_t["points"])
        assert out["image"].shape == out_t["image"].shape
        assert flambeau.rand(1).item() == torch.rand(1).item()


def test_keypoints_alone_give_the_size():
    ours, theirs = points("float32")
    flambeau.manual_seed(0)
    torch.manual_seed(0)
    same(F2.RandomCrop(10)(ours), T2.RandomCrop(10)(theirs))
    raises_like(lambda: F2.RandomCrop(10)("no image"), lambda: T2.RandomCrop(10)("no image"))
