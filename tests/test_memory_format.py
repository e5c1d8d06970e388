"""New tensors like another (``*_like``, ``clone``) keep its layout under the default
``preserve_format`` as torch does: its own strides when dense, else dense ones in its order."""
import random

import pytest
import torch

import flambeau
from conftest import assert_same


def layouts(L):
    """Tensors of many layouts, built the same way in torch and flambeau."""
    rng = random.Random(0)
    out = [L.ones(3, 4).t(), L.ones(3, 4)[:, ::2], L.ones(3, 4)[::2], L.ones(1, 4).expand(3, 4),
           L.ones(3, 1).t(), L.ones(2, 3, 4).permute(2, 0, 1), L.ones(2, 3, 4).permute(1, 2, 0)[:, 1:],
           L.ones(2, 3, 4)[:, :, 1], L.ones(4, 4)[1:3, 1:3], L.ones(0, 3), L.ones(4, 4).diagonal(),
           L.ones(4).as_strided((2, 2), (1, 1)), L.ones(1, 1).as_strided((1, 1), (5, 7))]
    for _ in range(60):
        shape = [rng.choice([1, 2, 3]) for _ in range(rng.randint(1, 4))]
        t = L.ones(*[s * rng.choice([1, 2]) for s in shape])
        t = t[tuple(slice(None, s) if rng.random() < .5 else slice(None, None, 2) for s in shape)]
        perm = list(range(len(shape)))
        rng.shuffle(perm)
        t = t.permute(*perm)
        out.append(t.unsqueeze(rng.randrange(t.ndim)) if rng.random() < .3 else t)
    return out


CASES = {"zeros_like": lambda L, t: L.zeros_like(t), "ones_like": lambda L, t: L.ones_like(t),
         "full_like": lambda L, t: L.full_like(t, 2.5), "empty_like": lambda L, t: L.empty_like(t),
         "clone": lambda L, t: t.clone(),
         "clone contiguous": lambda L, t: t.clone(memory_format=L.contiguous_format),
         "zeros_like contiguous": lambda L, t: L.zeros_like(t, memory_format=L.contiguous_format),
         "contiguous": lambda L, t: t.contiguous()}


@pytest.mark.parametrize("name", CASES)
def test_layout_as_torch(name):
    for ours, theirs in zip(layouts(flambeau), layouts(torch)):
        if ours.stride() != theirs.stride():  # slicing size-1 dims: strides of their own
            continue
        o, t = CASES[name](flambeau, ours), CASES[name](torch, theirs)
        assert o.stride() == t.stride(), (tuple(theirs.shape), theirs.stride())
        if name != "empty_like":
            assert_same(o, t)


def test_clone_keeps_values_and_gradient():
    x = flambeau.arange(12.).view(3, 4).t().requires_grad_()
    y = x.clone()
    assert y.tolist() == x.tolist() and y.stride() == (1, 4)
    y.sum().backward()
    assert x.grad.tolist() == [[1.0] * 3] * 4
