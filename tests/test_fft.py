"""flambeau.fft against torch.fft: values, dtypes, gradients (all three kernels)."""
import numpy as np
import pytest
import torch

import flambeau

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 6, 5))
Z = X + 1j * rng.standard_normal((3, 6, 5))

CASES = [  # (name, kwargs, complex input)
    ("fft", {}, True), ("fft", {"n": 8, "dim": 1, "norm": "ortho"}, False),
    ("ifft", {"n": 4, "norm": "forward"}, True), ("rfft", {"n": 7}, False),
    ("irfft", {}, True), ("irfft", {"n": 9, "dim": 1, "norm": "ortho"}, True),
    ("hfft", {"n": 6}, True), ("ihfft", {}, False),
    ("fft2", {"s": (4, 7)}, True), ("ifft2", {"norm": "ortho"}, False),
    ("rfft2", {}, False), ("irfft2", {"s": (5, 6)}, True),
    ("fftn", {"dim": (0, 2)}, True), ("ifftn", {}, True), ("rfftn", {"s": (3, 4)}, False),
    ("irfftn", {"dim": (0, 1)}, True), ("hfftn", {}, True), ("ihfftn", {}, False),
]


@pytest.mark.parametrize("name,kwargs,cplx", CASES, ids=[f"{c[0]}-{i}" for i, c in
                                                         enumerate(CASES)])
def test_transform_and_grad(name, kwargs, cplx):
    a = Z if cplx else X
    f_in, t_in = flambeau.tensor(a).requires_grad_(), torch.tensor(a).requires_grad_()
    f_out, t_out = getattr(flambeau.fft, name)(f_in, **kwargs), getattr(torch.fft, name)(t_in, **kwargs)
    np.testing.assert_allclose(f_out.detach().numpy(), t_out.detach().resolve_conj().numpy(), 1e-9, 1e-9)
    assert str(f_out.dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1]
    cot = rng.standard_normal(tuple(t_out.shape))
    if t_out.is_complex():
        cot = cot + 1j * rng.standard_normal(tuple(t_out.shape))
    fg, = flambeau.autograd.grad([f_out], [f_in], [flambeau.tensor(cot)])
    tg, = torch.autograd.grad([t_out], [t_in], [torch.tensor(cot)])
    np.testing.assert_allclose(fg.numpy(), tg.numpy(), 1e-9, 1e-9)
    assert fg.dtype.is_complex == tg.dtype.is_complex


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_dtypes(dtype):
    a = np.arange(8).astype(dtype)
    f, t = flambeau.fft.fft(flambeau.tensor(a)), torch.fft.fft(torch.tensor(a))
    assert str(f.dtype).split(".")[-1] == str(t.dtype).split(".")[-1] == "complex64"
    np.testing.assert_allclose(f.numpy(), t.numpy(), 1e-5, 1e-5)


def test_freqs_and_shifts():
    for fn, args in (("fftfreq", (7, 0.5)), ("rfftfreq", (8,))):
        f, t = getattr(flambeau.fft, fn)(*args), getattr(torch.fft, fn)(*args)
        assert f.dtype == flambeau.float32
        np.testing.assert_allclose(f.numpy(), t.numpy())
    for fn in ("fftshift", "ifftshift"):
        f = getattr(flambeau.fft, fn)(flambeau.tensor(X), dim=(0, 1))
        np.testing.assert_array_equal(f.numpy(), getattr(torch.fft, fn)(torch.tensor(X), dim=(0, 1)).numpy())


def test_rfft_of_complex_raises():
    with pytest.raises(RuntimeError) as f:
        flambeau.fft.rfft(flambeau.tensor(Z))
    with pytest.raises(RuntimeError) as t:
        torch.fft.rfft(torch.tensor(Z))
    assert str(f.value) == str(t.value)
