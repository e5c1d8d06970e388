"""softmax/log_softmax by blocks of rows (large last-dim inputs), along other dims, on small
inputs and non-finite values: values and gradients against torch."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, twins


CASES = [((700, 1000), 1, False), ((3, 40, 2000), -1, False), ((5, 200, 300), 1, False),
         ((300, 200), 1, True), ((1, 18), 1, False), ((4, 6), 0, False), ((), 0, False),
         ((7,), 0, False), ((5, 0, 0), -1, False), ((0, 3), 1, False)]


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim,transposed", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_values_and_grads(name, shape, dim, transposed, dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    (leaf, leaf_t), g = twins(a, requires_grad=True), rng.standard_normal(shape).astype(dtype)
    x, xt = (leaf.t(), leaf_t.t()) if transposed else (leaf, leaf_t)
    if transposed:
        g = np.ascontiguousarray(g.T)
    y, yt = getattr(x, name)(dim), getattr(xt, name)(dim)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert_same(y, yt, rtol=tol, atol=tol, check_stride=True)
    y.backward(flambeau.tensor(g))
    yt.backward(torch.tensor(g))
    assert_same(leaf.grad, leaf_t.grad, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(2, 5), (40, 3000)])
def test_softmax_non_finite(name, shape):
    a = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    a[0, :] = -np.inf
    a[1, 0] = np.inf
    a[1, 2] = np.nan if shape[1] > 2 else a[1, 1]
    x, xt = twins(a)
    assert_same(getattr(x, name)(1), getattr(xt, name)(1))


@pytest.mark.parametrize("shape", [(700, 10000), (3, 5)])
def test_cross_entropy_grad_through_log_softmax(shape):
    rng = np.random.default_rng(2)
    a = rng.standard_normal(shape)
    target = rng.integers(0, shape[1], shape[0])
    (x, xt) = twins(a, requires_grad=True)
    loss = flambeau.nn.functional.cross_entropy(x, flambeau.tensor(target))
    loss_t = torch.nn.functional.cross_entropy(xt, torch.tensor(target))
    assert_same(loss, loss_t, rtol=1e-12, atol=1e-12)
    loss.backward()
    loss_t.backward()
    assert_same(x.grad, xt.grad, rtol=1e-12, atol=1e-15)


def test_log_softmax_double_backward():
    a = np.random.default_rng(3).standard_normal((3, 70))
    x, xt = twins(a, requires_grad=True)
    for lib, t in ((flambeau, x), (torch, xt)):
        y = t.log_softmax(1)
        (g,) = lib.autograd.grad((y * y).sum(), t, create_graph=True)
        g.pow(2).sum().backward()
    assert_same(x.grad, xt.grad, rtol=1e-10, atol=1e-12)
