"""flambeau.vision.io against Pillow's own decoding and known pixels (torchvision's compiled
decoders do not load beside CPU torch, so the oracle here is the image file and Pillow)."""
import io as pyio

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


def _encoded(image, format, **options):
    buffer = pyio.BytesIO()
    image.save(buffer, format=format, **options)
    return flambeau.from_numpy(np.frombuffer(buffer.getvalue(), np.uint8).copy())


def test_decode_webp_and_avif():
    rgb = np.random.default_rng(1).integers(0, 256, (6, 9, 3), dtype=np.uint8)
    data = _encoded(Image.fromarray(rgb), "WEBP", lossless=True)
    np.testing.assert_array_equal(io.decode_webp(data).numpy(), rgb.transpose(2, 0, 1))
    gray = np.array(Image.fromarray(rgb).convert("L"))
    np.testing.assert_array_equal(io.decode_webp(data, io.ImageReadMode.GRAY).numpy(), gray[None])
    assert io.decode_image(data).shape == (3, 6, 9)
    if "AVIF" in Image.registered_extensions().values():
        data = _encoded(Image.fromarray(rgb), "AVIF", quality=100)
        expected = np.array(Image.open(pyio.BytesIO(data.numpy().tobytes())))
        np.testing.assert_array_equal(io.decode_avif(data).numpy(), expected.transpose(2, 0, 1))


def test_decode_gif_frames():
    palette = np.random.default_rng(2).integers(0, 256, (4, 3), dtype=np.uint8)
    indices = np.random.default_rng(3).integers(0, 4, (3, 5, 8), dtype=np.uint8)
    frames = []
    for index in indices:
        frame = Image.fromarray(index, "P")
        frame.putpalette(palette.ravel().tolist())
        frames.append(frame)
    one = _encoded(frames[0], "GIF")
    np.testing.assert_array_equal(io.decode_gif(one).numpy(), palette[indices[0]].transpose(2, 0, 1))
    many = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], disposal=1)
    np.testing.assert_array_equal(io.decode_gif(many).numpy(), palette[indices].transpose(0, 3, 1, 2))
    with pytest.raises(RuntimeError, match="1 dimensional uint8"):
        io.decode_gif(flambeau.zeros(2, 3, dtype=flambeau.uint8))
