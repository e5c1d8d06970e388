"""Results written in place after ops whose nodes, as torch's, do not keep them: backward still
works and gives torch's gradients (flambeau's DivBackward0 and LerpBackward0 kept the result)."""
import pytest
import torch

import flambeau
from conftest import assert_same


def _quotient_then_add(lib):
    a = lib.tensor([1.0, 4.0, 9.0], dtype=lib.float64, requires_grad=True)
    b = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
    (a.sqrt() / b).add_(1).sum().backward()
    return a.grad, b.grad


def _ema(lib):
    y = lib.tensor([3.0, -1.0], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([0.2, 0.7], dtype=lib.float64, requires_grad=True)
    m = lib.zeros(2, dtype=lib.float64)
    m.lerp_(y, 0.1)
    m.lerp_(y * 2, 0.1)
    n = lib.ones(2, dtype=lib.float64).lerp(y, w)
    (m.sum() + (n * n).sum()).backward()
    return y.grad, w.grad


@pytest.mark.parametrize("case", [_quotient_then_add, _ema])
def test_backward_after_inplace_write_matches_torch(case):
    for ours, theirs in zip(case(flambeau), case(torch)):
        assert_same(ours, theirs, rtol=1e-12, atol=1e-12)
