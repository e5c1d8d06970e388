"""nn.CrossMapLRN2d against torch: forward, torch's own gradient formula, its node and errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

rng = np.random.default_rng(5)


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 1e-5)])
@pytest.mark.parametrize("size,channels", [(2, 6), (3, 6), (4, 6), (5, 7), (7, 3), (9, 2)])
def test_forward_and_backward_match_torch(dtype, tol, size, channels):
    x = rng.standard_normal((3, channels, 4, 5)).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    ours = flambeau.from_numpy(x.copy()).requires_grad_()
    theirs = torch.from_numpy(x.copy()).requires_grad_()
    out = (flambeau.nn.CrossMapLRN2d(size, 0.3, 0.8, 1.5)(ours),
           torch.nn.CrossMapLRN2d(size, 0.3, 0.8, 1.5)(theirs))
    assert_same(*out, rtol=tol, atol=tol)
    assert type(out[0].grad_fn).__name__ == type(out[1].grad_fn).__name__ == \
        "CrossMapLRN2dBackward"
    out[0].backward(flambeau.from_numpy(g))
    out[1].backward(torch.from_numpy(g))
    assert_same(ours.grad, theirs.grad, rtol=tol, atol=tol)


def test_no_graph_without_grad():
    x = flambeau.from_numpy(rng.standard_normal((1, 3, 2, 2)))
    assert flambeau.nn.CrossMapLRN2d(3)(x).grad_fn is None


def test_errors_match_torch():
    x = rng.standard_normal((2, 3, 2, 2))

    def backward_with(lib, size, **kwargs):
        t = lib.from_numpy(x.copy()).requires_grad_()
        y = lib.nn.CrossMapLRN2d(size)(t)
        return lambda: lib.autograd.grad(y.sum(), t, **kwargs)

    raises_like(backward_with(flambeau, 1), backward_with(torch, 1))
    raises_like(backward_with(flambeau, 3, create_graph=True),
                backward_with(torch, 3, create_graph=True))
    raises_like(lambda: flambeau.nn.CrossMapLRN2d(3)(flambeau.ones(1, 2, 2, 2,
                                                                   dtype=flambeau.long)),
                lambda: torch.nn.CrossMapLRN2d(3)(torch.ones(1, 2, 2, 2, dtype=torch.long)))
    raises_like(lambda: flambeau.nn.CrossMapLRN2d(3)(flambeau.ones(2, 2, 2)),
                lambda: torch.nn.CrossMapLRN2d(3)(torch.ones(2, 2, 2)))
