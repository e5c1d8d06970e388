"""flambeau.vision.io against Pillow's own decoding (torchvision's compiled decoders do not load
beside CPU torch, so the oracle here is the image file and Pillow)."""
import numpy as np
import pytest

import flambeau
from flambeau.vision import io

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    rgba = rng.integers(0, 256, (5, 7, 4), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "rgb.png")
    Image.fromarray(rgba).save(tmp_path / "rgba.png")
    Image.fromarray(rgb[:, :, 0]).save(tmp_path / "gray.png")
    Image.fromarray(rgb).save(tmp_path / "rgb.jpg", quality=90)
    return tmp_path, rgb, rgba


def test_read_png(images):
    root, rgb, rgba = images
    np.testing.assert_array_equal(io.read_image(str(root / "rgb.png")).numpy(),
                                  rgb.transpose(2, 0, 1))
    np.testing.assert_array_equal(io.read_image(str(root / "rgba.png")).numpy(),
                                  rgba.transpose(2, 0, 1))
    gray = io.read_image(str(root / "gray.png"))
    assert tuple(gray.shape) == (1, 5, 7) and gray.dtype == flambeau.uint8
    np.testing.assert_array_equal(gray.numpy()[0], rgb[:, :, 0])
    as_rgb = io.read_image(str(root / "gray.png"), io.ImageReadMode.RGB)
    np.testing.assert_array_equal(as_rgb.numpy(), np.stack([rgb[:, :, 0]] * 3))
    dropped = io.decode_png(io.read_file(str(root / "rgba.png")), "RGB")
    np.testing.assert_array_equal(dropped.numpy(), rgba[:, :, :3].transpose(2, 0, 1))


def test_jpeg_decodes_as_pillow(images):
    root, _, _ = images
    expected = np.asarray(Image.open(root / "rgb.jpg")).transpose(2, 0, 1)
    data = io.read_file(str(root / "rgb.jpg"))
    np.testing.assert_array_equal(io.decode_jpeg(data).numpy(), expected)
    assert [t.shape for t in io.decode_jpeg([data, data])] == [(3, 5, 7)] * 2


def test_png_round_trip(tmp_path):
    image = flambeau.randint(0, 256, (3, 6, 4), dtype=flambeau.uint8)
    io.write_png(image, str(tmp_path / "x.png"), compression_level=9)
    np.testing.assert_array_equal(io.read_image(str(tmp_path / "x.png")).numpy(), image.numpy())
    gray = image[:1]
    np.testing.assert_array_equal(io.decode_image(io.encode_png(gray)).numpy(), gray.numpy())
    io.write_jpeg(image, str(tmp_path / "x.jpg"), quality=95)
    assert tuple(io.read_image(str(tmp_path / "x.jpg")).shape) == (3, 6, 4)
    with pytest.raises(ValueError, match="Image quality should be a positive number"):
        io.encode_jpeg(image, quality=0)
