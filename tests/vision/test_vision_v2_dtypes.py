"""v2 kernels on every image dtype, as torchvision 0.28's: to_dtype (integers to floats by
``* (1 / max)``), posterize and equalize on float and wide integer images, and Lanczos resizes
of tensors (uint8 by the integer kernel)."""
import warnings

import numpy as np
import pytest

import flambeau
import flambeau.vision.transforms.v2.functional as FF2
from conftest import raises_like

torch = pytest.importorskip("torch")
TF2 = pytest.importorskip("torchvision.transforms.v2.functional")

DTYPES = ["uint8", "int8", "int16", "int32", "int64", "float32", "float64", "uint16"]


def _image(dtype, shape=(2, 3, 5, 6), seed=0):
    rng = np.random.default_rng(seed)
    if dtype.startswith("float"):
        return rng.random(shape).astype(dtype)
    return rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype)


def _same(ours, theirs):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("source", DTYPES)
@pytest.mark.parametrize("target", DTYPES)
def test_to_dtype_scaled(source, target, as_torch):
    x = _image(source)
    ours = lambda: FF2.to_dtype(flambeau.from_numpy(x), getattr(flambeau, target), scale=True)
    theirs = lambda: TF2.to_dtype(torch.from_numpy(x), getattr(torch, target), scale=True)
    try:
        expected = theirs()
    except RuntimeError:
        raises_like(ours, theirs)
        return
    _same(ours(), expected)


@pytest.mark.parametrize("dtype", DTYPES[:-1])
@pytest.mark.parametrize("bits", [0, 1, 3, 7, 8])
def test_posterize(dtype, bits):
    x = _image(dtype)
    _same(FF2.posterize(flambeau.from_numpy(x), bits), TF2.posterize(torch.from_numpy(x), bits))


@pytest.mark.parametrize("bits", [9, -1, 2.0])
def test_posterize_bits_checked(bits):
    raises_like(lambda: FF2.posterize(flambeau.zeros(3, 2, 2, dtype=flambeau.uint8), bits),
                lambda: TF2.posterize(torch.zeros(3, 2, 2, dtype=torch.uint8), bits))


@pytest.mark.parametrize("dtype", DTYPES[:-1])
def test_equalize(dtype):
    x = _image(dtype, (2, 4, 7, 6), seed=1)
    _same(FF2.equalize(flambeau.from_numpy(x)), TF2.equalize(torch.from_numpy(x)))


@pytest.mark.parametrize("dtype", ["uint8", "int16", "float32", "float64"])
@pytest.mark.parametrize("size", [[5, 4], [20, 17], [3, 30]])
def test_lanczos_tensor_resize(dtype, size):
    x = _image(dtype, (2, 3, 11, 9), seed=2)
    if dtype == "int16":
        x = x % 256
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = FF2.resize(flambeau.from_numpy(x), size, interpolation=FF2.InterpolationMode.LANCZOS)
        theirs = TF2.resize(torch.from_numpy(x), size, interpolation=TF2.InterpolationMode.LANCZOS)
    if dtype == "float32":  # the filter's float32 roundings are not yet torch's: within 2 ulp
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=5e-7)
    else:
        _same(ours, theirs)
    raises_like(lambda: FF2.resize(flambeau.from_numpy(x), size, antialias=False,
                                   interpolation=FF2.InterpolationMode.LANCZOS),
                lambda: TF2.resize(torch.from_numpy(x), size, antialias=False,
                                   interpolation=TF2.InterpolationMode.LANCZOS))
