"""``logaddexp``, ``logcumsumexp`` and ``logsumexp`` on complex tensors (NumPy's ufunc has no
complex loop; the shift picks the branch): values, the special values torch's kernel singles
out, and gradients, compared with torch."""
import numpy as np
import pytest
import torch

import flambeau

from conftest import assert_same

INF, NAN = float("inf"), float("nan")


def _pair(values, dtype):
    t = torch.tensor(values, dtype=dtype)
    return t, flambeau.tensor(t.numpy())


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_logaddexp_values_and_special_values(dtype):
    a_t, a_f = _pair([1 + 2j, -3 + 0.5j, complex(-INF, 1), complex(INF, 0), complex(NAN, 1),
                      2 + 0j, 80 + 1j], dtype)
    b_t, b_f = _pair([0.5 - 1j, 2 + 2j, complex(-INF, 2), complex(INF, 1), 1 + 1j,
                      complex(2, NAN), -70 + 3j], dtype)
    assert_same(flambeau.logaddexp(a_f, b_f), torch.logaddexp(a_t, b_t), rtol=1e-5)
    assert_same(flambeau.logaddexp(a_f, flambeau.tensor(1.5)),
                torch.logaddexp(a_t, torch.tensor(1.5)), rtol=1e-5)


def test_gradients_match_torch():
    x_t = torch.randn(4, 3, dtype=torch.complex128, requires_grad=True)
    y_t = torch.randn(3, dtype=torch.complex128, requires_grad=True)
    x_f, y_f = (flambeau.tensor(t.detach().numpy(), requires_grad=True) for t in (x_t, y_t))
    for lib, x, y in ((torch, x_t, y_t), (flambeau, x_f, y_f)):
        r = lib.logaddexp(x, y) + lib.logcumsumexp(x, 0)
        (r.real.sum() + (r.imag ** 2).sum()).backward()
    for ours, theirs in ((x_f, x_t), (y_f, y_t)):
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.resolve_conj().numpy(),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logcumsumexp_complex(dim):
    t = torch.randn(5, 4, dtype=torch.complex64) * 30
    assert_same(flambeau.logcumsumexp(flambeau.tensor(t.numpy()), dim),
                torch.logcumsumexp(t, dim), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dim, keepdim", [((1,), False), ((0, 1), True), ((-2,), False)])
def test_logsumexp_complex_branch_and_gradient(dim, keepdim):
    # shifted by the largest real part, as torch: the imaginary part lands on torch's branch
    t = torch.randn(5, 5, dtype=torch.complex128) * torch.tensor(8.0)
    t.requires_grad_()
    f = flambeau.tensor(t.detach().numpy(), requires_grad=True)
    for lib, x in ((torch, t), (flambeau, f)):
        r = lib.logsumexp(x, dim, keepdim)
        (r.real.sum() + (r.imag ** 2).sum()).backward()
    assert_same(flambeau.logsumexp(f, dim, keepdim), torch.logsumexp(t, dim, keepdim),
                rtol=1e-12)
    np.testing.assert_allclose(f.grad.numpy(), t.grad.resolve_conj().numpy(), atol=1e-12)


def test_logsumexp_of_one_complex_value_wraps_its_angle():
    t = torch.tensor(1028.9792 + 1401.8986j)
    assert_same(flambeau.logsumexp(flambeau.tensor(t.numpy()), 0), torch.logsumexp(t, 0))
