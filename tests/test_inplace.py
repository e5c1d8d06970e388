"""In-place arithmetic writes into the tensor's own buffer and keeps torch's semantics: the
same memory, views that see the write, a bumped version counter, torch's errors for casts and
broadcasts that would grow the tensor, and the graph when autograd records."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, twins

OPS = [("add_", (), {}), ("add_", (), {"alpha": 2}), ("sub_", (), {}), ("sub_", (), {"alpha": 3}),
       ("mul_", (), {}), ("div_", (), {}), ("atan2_", (), {}), ("remainder_", (), {})]

_OPERAND = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32) + 3


@pytest.mark.parametrize("name,args,kwargs", OPS)
@pytest.mark.parametrize("other", ["tensor", "row", "scalar"])
def test_writes_into_own_buffer(name, args, kwargs, other):
    if (name, other) == ("atan2_", "scalar"):
        pytest.skip("atan2 takes no Python number, in torch either")
    x, tx = twins(_OPERAND)
    y, ty = twins(_OPERAND[0] if other == "row" else _OPERAND)
    if other == "scalar":
        y = ty = 1.5
    pointer, version = x.data_ptr(), x._version
    view, tview = x[1], tx[1]
    result = getattr(x, name)(y, **kwargs)
    getattr(tx, name)(ty, **kwargs)
    assert result is x and x.data_ptr() == pointer and x._version == version + 1
    assert_same(x, tx)
    assert_same(view, tview)  # a view sees the write


@pytest.mark.parametrize("make_call", [
    lambda L: L.ones(3, 4, dtype=L.int64).add_(L.ones(3, 4)),  # float can't be cast to Long
    lambda L: L.ones(3, 1).add_(L.ones(3, 4)),  # would grow by broadcasting
    lambda L: L.ones(3).expand(2, 3).add_(1),  # elements share memory
    lambda L: L.ones(2, dtype=L.int64).mul_(1.5),
    lambda L: L.ones(2, dtype=L.bool).sub_(L.ones(2, dtype=L.bool)),
    lambda L: L.ones(2, dtype=L.int64).add_(1, alpha=0.5),
])
def test_errors_as_torch(make_call):
    raises_like(lambda: make_call(flambeau), lambda: make_call(torch))


def test_recorded_when_grad_is_wanted():
    w, tw = twins(_OPERAND)
    w.requires_grad_(), tw.requires_grad_()
    y, ty = w * 1, tw * 1
    y.mul_(w), ty.mul_(tw)
    assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
    y.sum().backward(), ty.sum().backward()
    assert_same(w.grad, tw.grad)
