"""torch._weight_norm / _weight_norm_interface / norm_except_dim against torch: one
WeightNormInterfaceBackward0 node where torch's fused kernel takes the call (first or last dim),
torch's composition elsewhere; values and gradients equal; second derivatives equal torch's
composition (its fused kernel's are not those of the function: checked by finite differences)."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

rng = np.random.default_rng(11)
CASES = [((3, 4), 0), ((3, 4), 1), ((3, 4, 5), 0), ((3, 4, 5), 2), ((3, 4, 5), 1),
         ((3, 4, 5), -1), ((5,), 0)]


def _inputs(lib, v0, g0, gw0):
    v = lib.from_numpy(v0.copy()).requires_grad_()
    g = lib.from_numpy(g0.copy()).requires_grad_()
    return v, g, lib.from_numpy(gw0.copy())


def _second_order(lib, w, v, g, gw):
    gv, gg = lib.autograd.grad(w, (v, g), gw, create_graph=True)
    return gv, gg, lib.autograd.grad((gv * gv).sum() + (gg * gg).sum(), (v, g))


@pytest.mark.parametrize("shape,dim", CASES)
def test_matches_torch(shape, dim):
    v0 = rng.standard_normal(shape)
    g_shape = () if dim == -1 else tuple(s if d == dim else 1 for d, s in enumerate(shape))
    g0, gw0 = rng.standard_normal(g_shape), rng.standard_normal(shape)
    v, g, gw = _inputs(flambeau, v0, g0, gw0)
    tv, tg, tgw = _inputs(torch, v0, g0, gw0)
    ours, theirs = flambeau._weight_norm(v, g, dim), torch._weight_norm(tv, tg, dim)
    assert_same(ours, theirs, rtol=1e-12, atol=1e-12)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert_same(flambeau.norm_except_dim(v, 2, dim), torch.norm_except_dim(tv, 2, dim),
                rtol=1e-12, atol=1e-12)
    *first, second = _second_order(flambeau, ours, v, g, gw)
    composed = tv * (tg / torch.norm_except_dim(tv, 2, dim))
    t_first = _second_order(torch, theirs, tv, tg, tgw)[:2]
    t_second = _second_order(torch, composed, tv, tg, tgw)[2]
    for a, b in zip(first + list(second), t_first + t_second):
        assert_same(a, b, rtol=1e-9, atol=1e-9)
    if dim in (0, len(shape) - 1):
        pair, t_pair = flambeau._weight_norm_interface(v, g, dim), \
            torch._weight_norm_interface(tv, tg, dim)
        for a, b in zip(pair, t_pair):
            assert_same(a, b, rtol=1e-12, atol=1e-12)
        assert pair[1].grad_fn is None and not pair[1].requires_grad


def test_modules_record_one_node_and_dtype_error():
    lin = flambeau.nn.utils.parametrizations.weight_norm(flambeau.nn.Linear(4, 3))
    assert type(lin.weight.grad_fn).__name__ == "WeightNormInterfaceBackward0"
    raises_like(lambda: flambeau._weight_norm(flambeau.ones(3, 4),
                                              flambeau.ones(3, 1, dtype=flambeau.float64)),
                lambda: torch._weight_norm(torch.ones(3, 4), torch.ones(3, 1, dtype=torch.float64)))
