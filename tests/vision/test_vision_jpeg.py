"""transforms.v2.JPEG and F.jpeg against torchvision 0.28 with the same Pillow: PIL images
give torchvision's pixels under the same seed; tensors (torchvision's compiled libjpeg does not
load here) give what torchvision gives for the same picture as a PIL image."""
import numpy as np
import pytest

import flambeau
from conftest import raises_like
from flambeau.vision import tv_tensors as FV
from flambeau.vision.transforms import v2 as F2

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")
from torchvision.transforms import v2 as T2  # noqa: E402


def picture(seed, mode="RGB"):
    rng = np.random.default_rng(seed)
    array = rng.integers(0, 256, (29, 41, 3 if mode == "RGB" else 1), dtype=np.uint8)
    return Image.fromarray(array if mode == "RGB" else array[..., 0])


@pytest.mark.parametrize("quality", [1, 40, 100, (5, 95), [60, 61]])
def test_jpeg_on_pil_follows_the_seed(quality):
    ours, theirs = F2.JPEG(quality), T2.JPEG(quality)
    assert repr(ours) == repr(theirs)
    for mode in ("RGB", "L"):
        flambeau.manual_seed(3)
        torch.manual_seed(3)
        for _ in range(3):
            a, b = ours(picture(1, mode)), theirs(picture(1, mode))
            assert type(a) is type(b) and a.mode == b.mode == mode
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert flambeau.rand(1).item() == torch.rand(1).item()


def test_jpeg_on_tensors_is_the_pil_result():
    images = [picture(seed) for seed in range(4)]
    chw = np.stack([np.asarray(img).transpose(2, 0, 1) for img in images])
    expected = np.stack([np.asarray(T2.functional.jpeg(img, 30)).transpose(2, 0, 1)
                         for img in images])
    batch = flambeau.from_numpy(chw.reshape(2, 2, 3, 29, 41).copy())
    out = F2.functional.jpeg(batch, 30)
    assert out.shape == batch.shape and out.dtype == flambeau.uint8
    np.testing.assert_array_equal(out.numpy().reshape(expected.shape), expected)
    video = F2.functional.jpeg(FV.Video(flambeau.from_numpy(chw)), 30)
    assert type(video) is FV.Video
    np.testing.assert_array_equal(video.numpy(), expected)
    gray = F2.functional.jpeg(flambeau.from_numpy(chw[:1, :1].copy()), 30)
    expected_gray = np.asarray(T2.functional.jpeg(Image.fromarray(chw[0, 0]), 30))
    np.testing.assert_array_equal(gray.numpy()[0, 0], expected_gray)
    empty = flambeau.zeros(0, 3, 4, 4, dtype=flambeau.uint8)
    assert F2.functional.jpeg(empty, 50).shape == (0, 3, 4, 4)


def test_jpeg_passes_boxes_and_masks_through():
    boxes = FV.BoundingBoxes([[1, 2, 5, 6]], format="XYXY", canvas_size=(29, 41))
    image = FV.Image(flambeau.from_numpy(np.asarray(picture(0)).transpose(2, 0, 1).copy()))
    out = F2.JPEG(50)({"image": image, "boxes": boxes})
    assert type(out["image"]) is FV.Image and out["boxes"] is boxes


@pytest.mark.parametrize("quality", [True, 0, 101, (50, 20), (1.0, 5), [1, 2, 3], "high"])
def test_jpeg_rejects_bad_qualities(quality):
    raises_like(lambda: F2.JPEG(quality), lambda: T2.JPEG(quality))
