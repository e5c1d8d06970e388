"""torch.conv_tbc: values, gradients (ConvTbcBackward0) and errors as torch's."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like


@pytest.mark.parametrize("time,batch,c_in,c_out,kernel,pad", [
    (5, 2, 3, 4, 3, 1), (7, 3, 2, 5, 2, 0), (2, 2, 3, 4, 3, 0), (4, 1, 1, 1, 1, 2)])
def test_conv_tbc_matches_torch(time, batch, c_in, c_out, kernel, pad):
    rng = np.random.default_rng(0)
    arrays = (rng.standard_normal((time, batch, c_in)), rng.standard_normal((kernel, c_in, c_out)),
              rng.standard_normal(c_out))
    results = []
    for lib in (torch, flambeau):
        x, w, b = (lib.from_numpy(a.copy()).requires_grad_() for a in arrays)
        y = lib.conv_tbc(x, w, b, pad)
        g = lib.from_numpy(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))
        results.append((type(y.grad_fn).__name__, y.detach().numpy(),
                        *(t.numpy() for t in lib.autograd.grad(y, (x, w, b), g))))
    assert results[0][0] == results[1][0]
    for theirs, ours in zip(results[0][1:], results[1][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shapes,pad", [
    (((5, 2), (3, 3, 4), (4,)), 0), (((5, 2, 3), (3, 4), (4,)), 0),
    (((5, 2, 3), (3, 3, 4), (4, 1)), 0), (((5, 2, 2), (3, 3, 4), (4,)), 0),
    (((5, 2, 3), (3, 3, 4), (5,)), 0), (((2, 2, 3), (3, 3, 4), (4,)), -1)])
def test_conv_tbc_errors(shapes, pad):
    raises_like(lambda: flambeau.conv_tbc(*(flambeau.ones(s) for s in shapes), pad),
                lambda: torch.conv_tbc(*(torch.ones(s) for s in shapes), pad))
