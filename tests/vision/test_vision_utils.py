"""make_grid, save_image and flow_to_image against torchvision 0.28."""
import numpy as np
import pytest

import flambeau
from flambeau.vision import utils as FU

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")
from torchvision import utils as TU  # noqa: E402
from conftest import assert_same  # noqa: E402


def batch(shape, seed=0):
    array = np.random.default_rng(seed).normal(0.5, 0.4, shape).astype(np.float32)
    return flambeau.from_numpy(array.copy()), torch.from_numpy(array.copy())


@pytest.mark.parametrize("shape", [(10, 3, 5, 7), (5, 1, 4, 4), (1, 3, 4, 5), (3, 6, 6),
                                   (1, 6, 6), (6, 6)])
@pytest.mark.parametrize("kwargs", [{}, dict(nrow=3, padding=1, pad_value=0.7),
                                    dict(normalize=True), dict(normalize=True, scale_each=True),
                                    dict(normalize=True, value_range=(0.2, 0.9), padding=0)])
def test_make_grid(shape, kwargs):
    ours, theirs = batch(shape)
    a, b = FU.make_grid(ours, **kwargs), TU.make_grid(theirs, **kwargs)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_make_grid_list_and_errors():
    ours, theirs = batch((4, 3, 5, 5))
    np.testing.assert_array_equal(FU.make_grid(list(ours), nrow=2).numpy(),
                                  TU.make_grid(list(theirs), nrow=2).numpy())
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'int'>"):
        FU.make_grid(3)


@pytest.mark.parametrize("kwargs", [{}, dict(nrow=2, normalize=True)])
def test_save_image(tmp_path, kwargs):
    ours, theirs = batch((5, 3, 6, 4))
    FU.save_image(ours, tmp_path / "ours.png", **kwargs)
    TU.save_image(theirs, tmp_path / "theirs.png", **kwargs)
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "theirs.png").read_bytes()


@pytest.mark.parametrize("shape", [(2, 2, 30, 40), (2, 17, 19), (1, 2, 1, 1)])
def test_flow_to_image_as_torchvision(shape):
    g = torch.Generator().manual_seed(0)
    flow = torch.randn(shape, generator=g) * 3
    assert_same(FU.flow_to_image(flambeau.tensor(flow.numpy())), TU.flow_to_image(flow), rtol=0, atol=0)
    zero = torch.zeros(2, 3, 4)  # no motion: white, not a division by zero
    assert_same(FU.flow_to_image(flambeau.zeros(2, 3, 4)), TU.flow_to_image(zero))


@pytest.mark.parametrize("shape,dtype", [((2, 3, 4), "float64"), ((3, 3, 4), "float32"), ((1, 2, 3, 4, 5), "float32")])
def test_flow_to_image_errors(shape, dtype):
    with pytest.raises(ValueError) as theirs:
        TU.flow_to_image(torch.zeros(shape, dtype=getattr(torch, dtype)))
    with pytest.raises(ValueError) as ours:  # dtypes and sizes print with the package's public name
        FU.flow_to_image(flambeau.zeros(shape, dtype=getattr(flambeau, dtype)))
    assert str(ours.value) == str(theirs.value).replace("torch.", "flambeau.")
