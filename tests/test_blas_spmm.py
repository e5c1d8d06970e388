"""torch.spmm on the dense matrices flambeau has: torch binds it to mm (its product, checks,
messages, out= and graph)."""
import torch

import flambeau
from conftest import assert_same, raises_like


def test_spmm_is_mm_on_dense_matrices():
    a, b = torch.randn(4, 3, requires_grad=True), torch.randn(3, 2)
    ours_a = flambeau.tensor(a.detach().numpy(), requires_grad=True)
    ours = flambeau.spmm(ours_a, flambeau.tensor(b.numpy()))
    theirs = torch.spmm(a, b)
    assert_same(ours, theirs, rtol=1e-5)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__ == "MmBackward0"
    ours.sum().backward()
    theirs.sum().backward()
    assert_same(ours_a.grad, a.grad, rtol=1e-5)
    assert not hasattr(flambeau.Tensor, "spmm") and not hasattr(torch.Tensor, "spmm")


def test_spmm_errors_are_torch_s():
    for x, y in [((3,), (3, 2)), ((2, 3), (2, 2)), ((2, 3), (3,))]:
        raises_like(lambda: flambeau.spmm(flambeau.ones(*x), flambeau.ones(*y)),
                    lambda: torch.spmm(torch.ones(*x), torch.ones(*y)))
    raises_like(lambda: flambeau.spmm(flambeau.ones(2, 3), flambeau.ones(3, 2).double()),
                lambda: torch.spmm(torch.ones(2, 3), torch.ones(3, 2).double()))
    raises_like(lambda: flambeau.spmm(flambeau.ones(2, 3), "x"),
                lambda: torch.spmm(torch.ones(2, 3), "x"))
    raises_like(lambda: flambeau.spmm(flambeau.ones(2, 3)), lambda: torch.spmm(torch.ones(2, 3)))


def test_spmm_writes_out():
    out = flambeau.empty(2, 2)
    assert flambeau.spmm(flambeau.ones(2, 3), flambeau.ones(3, 2), out=out) is out
    assert_same(out, torch.spmm(torch.ones(2, 3), torch.ones(3, 2), out=torch.empty(2, 2)))
