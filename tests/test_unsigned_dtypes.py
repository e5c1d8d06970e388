"""torch's "barebones" unsigned dtypes (uint16, uint32, uint64) and ``hash_tensor``: dtype
objects, promotion, creation, casts, printing, checkpoints, and exactly the ops torch computes
for them (the others raise torch's NotImplementedError naming its kernel). Every op of torch's
OpInfo database on unsigned inputs: tests/test_unsigned_ops.py; creation edge cases:
tests/test_integer_creation.py."""
import io
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

UNSIGNED = ("uint16", "uint32", "uint64")


def both(expression):
    """``expression`` (with ``t`` the library and ``np``) under torch and under flambeau."""
    theirs = lambda: eval(expression, {"t": torch, "np": np})  # noqa: E731
    ours = lambda: eval(expression, {"t": flambeau, "np": np})  # noqa: E731
    try:
        expected = theirs()
    except Exception:
        return raises_like(ours, theirs)
    got = ours()
    if isinstance(expected, torch.Tensor):
        assert_same(got, expected)
        assert got.tolist() == expected.tolist() or expected.is_floating_point()
        assert repr(got).replace("flambeau", "torch") == repr(expected)
    else:
        assert repr(got).replace("flambeau", "torch") == repr(expected)


CASES = """
t.uint16
(t.uint32.itemsize, t.uint64.is_signed, t.uint64.is_floating_point, t.uint16.is_complex)
t.iinfo(t.uint32)
t.iinfo(t.uint64).max
t.promote_types(t.uint16, t.float32)
t.promote_types(t.float64, t.uint64)
t.promote_types(t.int16, t.uint16)
t.promote_types(t.uint32, t.complex64)
t.promote_types(t.uint32, t.uint64)
t.promote_types(t.bool, t.uint16)
t.result_type(t.tensor([1], dtype=t.uint16), 1)
t.result_type(t.tensor([1], dtype=t.uint16), 1.0)
t.result_type(t.tensor([1], dtype=t.uint16), t.tensor(1))
t.tensor([1, 2, 3], dtype=t.uint32)
t.tensor([[1, 2**32 - 1]], dtype=t.uint32)
t.tensor([2**64 - 1], dtype=t.uint64)
t.tensor([1, 2**63], dtype=t.uint64)
t.tensor(5, dtype=t.uint64)
t.tensor([], dtype=t.uint16)
t.zeros(2, dtype=t.uint32)
t.ones(2, 3, dtype=t.uint16)
t.empty(2, dtype=t.uint64).shape
t.full((2,), 3, dtype=t.uint64)
t.full((2,), 2**64 - 1, dtype=t.uint64)
t.arange(3, dtype=t.uint16)
t.linspace(0, 3, 4, dtype=t.uint16)
t.linspace(0, 3, 1, dtype=t.uint32)
t.eye(2, dtype=t.uint16)
t.from_numpy(np.array([1, 2], np.uint16))
t.from_numpy(np.array([[1, 2]], np.uint64)).numpy().dtype
t.from_numpy(np.array([1], np.longdouble))
t.tensor(np.array([1, 2], np.uint32))
t.arange(3).to(t.uint32)
t.tensor([-1]).to(t.uint16)
t.tensor([-1.5, 3e9]).to(t.uint32)
t.tensor([True, False]).to(t.uint64)
t.tensor([1, 2], dtype=t.uint16).to(t.float64)
t.tensor([1, 2], dtype=t.uint16).long()
t.tensor([1, 2], dtype=t.uint16).bool()
t.tensor([1, 2], dtype=t.uint16).copy_(t.tensor([5.7, 6.]))
t.tensor([1., 2.]).copy_(t.tensor([5, 6], dtype=t.uint64))
t.tensor([1], dtype=t.uint32).type()
t.tensor([1], dtype=t.uint32).element_size()
t.zeros_like(t.tensor([1], dtype=t.uint32))
t.tensor([1, 2], dtype=t.uint16).new_zeros(3)
t.tensor([1, 2], dtype=t.uint16).clone()
t.tensor([[1, 2], [3, 4]], dtype=t.uint16).t().contiguous()
t.cat([t.tensor([1, 2], dtype=t.uint16)] * 2)
t.tensor([1, 2], dtype=t.uint16).fill_(3)
t.tensor([1, 2], dtype=t.uint16).zero_()
t.tensor([1, 2], dtype=t.uint16)[0]
t.tensor([2**64 - 1], dtype=t.uint64).item()
t.tensor([3, 2], dtype=t.uint16).sort().values
t.tensor([1, 2], dtype=t.uint16).tolist()
t.tensor([1, 2], dtype=t.uint32) + 1
t.tensor([1, 2], dtype=t.uint32) + 1.5
t.tensor([1, 2], dtype=t.uint32) + t.tensor([1, 2], dtype=t.uint32)
t.tensor([1, 2], dtype=t.uint32).add_(1)
t.tensor([1, 2], dtype=t.uint32) + t.tensor([1, 2])
t.tensor([1, 2], dtype=t.uint32) - 1
t.tensor([1, 2], dtype=t.uint32) * 2
t.tensor([1, 2], dtype=t.uint32).mul_(2)
t.tensor([1, 2], dtype=t.uint16) / 2
t.tensor([1, 2], dtype=t.uint16) // 2
t.tensor([1, 2], dtype=t.uint16).div(2, rounding_mode="trunc")
t.tensor([1, 2], dtype=t.uint16) % 2
t.tensor([1, 2], dtype=t.uint16) ** 2
t.tensor([1, 2], dtype=t.uint32) == 1
t.tensor([1, 2], dtype=t.uint32) != t.tensor([1, 3], dtype=t.uint32)
t.tensor([1, 2], dtype=t.uint32) < t.tensor([1, 2], dtype=t.uint32)
t.tensor([1, 2], dtype=t.uint32) >= 1
t.tensor([1, 2], dtype=t.uint64) & 3
t.tensor([1, 2], dtype=t.uint64) | t.tensor([4, 4], dtype=t.uint64)
t.tensor([1, 2], dtype=t.uint64) ^ 3
t.tensor([1, 2], dtype=t.uint64) << 3
t.tensor([1, 2], dtype=t.uint64) >> 1
~t.tensor([1, 2], dtype=t.uint64)
-t.tensor([1, 2], dtype=t.uint16)
t.tensor([1, 2], dtype=t.uint16).abs()
t.tensor([1, 2], dtype=t.uint16).sign()
t.tensor([1, 2], dtype=t.uint16).sgn()
t.tensor([1, 2], dtype=t.uint16).floor()
t.tensor([1, 2], dtype=t.uint16).sqrt()
t.tensor([1, 2], dtype=t.uint16).sin()
t.tensor([1, 2], dtype=t.uint16).isnan()
t.tensor([1, 2], dtype=t.uint16).logical_not()
t.logical_and(t.tensor([1, 2], dtype=t.uint16), t.tensor([1, 0], dtype=t.uint16))
t.maximum(t.tensor([1, 2], dtype=t.uint16), t.tensor([2, 1], dtype=t.uint16))
t.fmin(t.tensor([1, 2], dtype=t.uint16), t.tensor([2, 1], dtype=t.uint16))
t.atan2(t.tensor([1, 2], dtype=t.uint16), t.tensor([2, 1], dtype=t.uint16))
t.tensor([1, 2], dtype=t.uint64).sum()
t.tensor([1, 2], dtype=t.uint64).max()
t.tensor([1, 2], dtype=t.uint64).max(0)
t.tensor([1, 2], dtype=t.uint64).amax()
t.tensor([1, 2], dtype=t.uint64).argmax()
t.tensor([1, 2], dtype=t.uint64).clamp(0, 1)
t.tensor([1, 2], dtype=t.uint64).flip(0)
t.tensor([[1, 2]], dtype=t.uint64) @ t.tensor([[1], [2]], dtype=t.uint64)
t.tensor([1, 2], dtype=t.uint64).softmax(0)
t.tensor([1, 2], dtype=t.uint64).nonzero()
t.tensor([1, 2], dtype=t.uint64).index_select(0, t.tensor([1]))
t.tensor([1, 2], dtype=t.uint64).masked_fill(t.tensor([True, False]), 0)
"""


@pytest.mark.parametrize("expression", [c for c in CASES.strip().split("\n")])
def test_like_torch(expression):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(expression)


@pytest.mark.parametrize("name", UNSIGNED)
def test_prints_like_torch(name, as_torch):
    for values in ([0, 1, 7], [[1, 40000], [3, 4]], []):
        a = torch.tensor(values, dtype=getattr(torch, name))
        assert repr(flambeau.tensor(values, dtype=getattr(flambeau, name))) == repr(a)
    big = torch.iinfo(getattr(torch, name)).max
    assert repr(flambeau.tensor([1, big], dtype=getattr(flambeau, name))) == \
        repr(torch.tensor([1, big], dtype=getattr(torch, name)))


@pytest.mark.parametrize("name", UNSIGNED)
def test_checkpoints_read_both_ways(name):
    values = [1, torch.iinfo(getattr(torch, name)).max]
    buffer = io.BytesIO()
    flambeau.save({"a": flambeau.tensor(values, dtype=getattr(flambeau, name))}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer)["a"]
    assert loaded.dtype is getattr(torch, name) and loaded.tolist() == values
    buffer = io.BytesIO()
    torch.save({"a": torch.tensor(values, dtype=getattr(torch, name))[1:]}, buffer)
    buffer.seek(0)
    loaded = flambeau.load(buffer)["a"]
    assert loaded.dtype is getattr(flambeau, name) and loaded.tolist() == values[1:]


HASHED = """
t.hash_tensor(t.tensor([[1., 2.], [3., 4.]]))
t.hash_tensor(t.tensor([[1., 2.], [3., 4.]]), 0)
t.hash_tensor(t.tensor([[1., 2.], [3., 4.]]), dim=1, keepdim=True)
t.tensor([[1., 2.], [3., 4.]]).hash_tensor((0, 1))
t.hash_tensor(t.tensor([1, 2, 3], dtype=t.int8))
t.hash_tensor(t.tensor([-1], dtype=t.int32))
t.hash_tensor(t.tensor([True, False]))
t.hash_tensor(t.tensor([1.5, -0.0, float("nan")], dtype=t.float16))
t.hash_tensor(t.tensor(3.))
t.hash_tensor(t.tensor(3.), dim=-1)
t.hash_tensor(t.ones(3, 2).t(), 0)
t.hash_tensor(t.ones(2, 0), 0)
t.hash_tensor(t.empty(0))
t.hash_tensor(t.ones(2, 0), 1)
t.hash_tensor(t.ones(2), mode=1)
t.hash_tensor(t.ones(2), 1)
t.hash_tensor(t.ones(2, dtype=t.complex64))
t.hash_tensor(t.ones(2, dtype=t.uint32))
"""


@pytest.mark.parametrize("expression", HASHED.strip().split("\n"))
def test_hash_tensor(expression):
    both(expression)
