"""First and second derivatives (create_graph=True, then grad again) of polar and renorm
against torch's, on float64 and complex128 inputs."""
import numpy as np
import pytest
import torch

import flambeau

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3, 5))
Z = X + 1j * rng.standard_normal(X.shape)
ABS = np.array([[1.3, -0.7, 0.0, 2.1]])  # a negative and a zero modulus
ANGLE = rng.standard_normal((3, 1)) * 3


CASES = [
    ("polar", lambda L, r, t: L.polar(r, t), [ABS, ANGLE]),
    ("polar_scalar", lambda L, r, t: L.polar(r, t), [np.array(0.8), np.array(-2.0)]),
    ("polar_abs_of_result", lambda L, r, t: L.polar(r, t).abs() * t,
     [ABS + 3, ANGLE]),  # abs's derivative uses sgn
] + [
    (f"renorm_p{p}_dim{dim}", lambda L, x, p=p, dim=dim: L.renorm(x, p, dim, 1.5), [X])
    for p in (1, 2, 3, 1.5, float("inf")) for dim in (0, -1)
] + [
    ("renorm_complex_p2", lambda L, x: L.renorm(x, 2, 1, 1.5), [Z]),
] + [
    (f"renorm_complex_p{p}", lambda L, x, p=p: L.renorm(x, p, 1, 1.5), [Z]) for p in (1, 3)
]


def _ids(case):
    return case.values[0] if hasattr(case, "values") else case[0]


def _grads(lib, fn, inputs, cot, weights):
    xs = [lib.tensor(a).requires_grad_() for a in inputs]
    out = fn(lib, *xs)
    grads = lib.autograd.grad([out], xs, [lib.tensor(cot)], create_graph=True)
    total = sum((g * lib.tensor(w)).sum() for g, w in zip(grads, weights))
    total = total.real if total.is_complex() else total
    second = lib.autograd.grad([total], xs, allow_unused=True)
    return out, grads, second


@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[_ids(c) for c in CASES])
def test_first_and_second_order_match_torch(name, fn, inputs):
    t_out = fn(torch, *[torch.tensor(a) for a in inputs])
    cot = rng.standard_normal(tuple(t_out.shape))
    if t_out.is_complex():
        cot = cot + 1j * rng.standard_normal(cot.shape)
    weights = [rng.standard_normal(np.shape(a)) for a in inputs]
    ours = _grads(flambeau, fn, inputs, cot, weights)
    theirs = _grads(torch, fn, inputs, cot, weights)
    assert ours[0].grad_fn.name() == theirs[0].grad_fn.name()
    np.testing.assert_allclose(ours[0].detach().numpy(), theirs[0].detach().numpy(),
                               rtol=1e-12, atol=1e-12)
    for f, t in zip(ours[1] + ours[2], theirs[1] + theirs[2]):
        t = np.zeros_like(f.detach().numpy()) if t is None else t.detach().numpy()
        f = np.zeros_like(t) if f is None else f.detach().numpy()
        np.testing.assert_allclose(f, t, rtol=1e-9, atol=1e-12)
