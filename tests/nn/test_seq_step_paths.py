"""The fast paths a small recurrent training step takes, against torch: products over a single
term (a Linear's weight gradient for one sample), bias gradients of one-row batches, and
gradients summed over many uses of one parameter."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "complex64"])
@pytest.mark.parametrize("shapes", [((5, 1), (1, 7)), ((3, 5, 1), (3, 1, 7)),
                                    ((5, 1), (2, 1, 7)), ((1, 1), (1, 1))])
def test_single_term_products(dtype, shapes):
    rng = np.random.default_rng(0)
    a, b = ((rng.standard_normal(s) * 4).astype(dtype) for s in shapes)
    ours = flambeau.matmul(flambeau.tensor(a), flambeau.tensor(b))
    theirs = torch.matmul(torch.tensor(a), torch.tensor(b))
    assert_same(ours, theirs, rtol=1e-6)
    assert ours.is_contiguous()


def test_single_term_product_shape_errors():
    a, b = np.ones((5, 1), np.float32), np.ones((3, 7), np.float32)
    raises_like(lambda: flambeau.matmul(flambeau.tensor(a), flambeau.tensor(b)),
                lambda: torch.matmul(torch.tensor(a), torch.tensor(b)))
    raises_like(lambda: flambeau.mm(flambeau.tensor(a), flambeau.tensor(b)),
                lambda: torch.mm(torch.tensor(a), torch.tensor(b)))


@pytest.mark.parametrize("rows", [1, 4])
def test_linear_reused_over_steps(rows):
    """One Linear applied at several steps to one-row inputs: the weight's gradient (outer
    products summed by the engine), the bias's (one-row sums) and the input's, as torch's."""
    rng = np.random.default_rng(1)
    w, bias = rng.standard_normal((6, 9)), rng.standard_normal(6)
    xs = [rng.standard_normal((rows, 9)) for _ in range(4)]
    grads = []
    for lib in (flambeau, torch):
        lin = lib.nn.Linear(9, 6).double()
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(w))
            lin.bias.copy_(lib.tensor(bias))
        x0 = lib.tensor(xs[0], requires_grad=True)
        h = x0
        for x in xs[1:]:
            h = lib.tanh(lin(lib.cat((h[:, :3], lib.tensor(x)[:, 3:]), 1)))
        h.sum().backward()
        grads.append((lin.weight.grad, lin.bias.grad, x0.grad))
        assert lin.weight.grad.is_contiguous() and lin.bias.grad.shape == (6,)
    for ours, theirs in zip(*grads):
        assert_same(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64", "complex64"])
@pytest.mark.parametrize("shape,target", [((1, 1, 5), (5,)), ((6, 4, 5), (5,)), ((0, 5), (5,)),
                                          ((4, 7, 5), (7, 1)), ((2, 3), ()),
                                          ((6, 4, 5)[::-1], (5, 1, 6)[1:])])
def test_broadcast_gradients_summed(dtype, shape, target):
    """A broadcast input's gradient summed over the leading dims (one row: a view; rows: one
    product with ones) and over kept dims, as torch sums it."""
    g = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    grads = []
    for lib in (flambeau, torch):
        x = lib.ones(target, dtype=getattr(lib, dtype), requires_grad=True)
        y = (x * lib.tensor(g)).sum()
        (y.real if dtype == "complex64" else y).backward()
        grads.append(x.grad)
    assert_same(*grads, rtol=1e-3 if dtype == "float16" else 1e-5, atol=1e-5)
