"""Embedding: torch.embedding, F.embedding and nn.Embedding vs torch."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

F, TF = flambeau.nn.functional, torch.nn.functional
IDX = [[1, 2, 4, 1], [4, 3, 2, 9], [0, 1, 1, 1]]


def _pair(a, requires_grad=True):
    return (flambeau.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _table(dtype="float64"):
    return np.random.default_rng(0).standard_normal((10, 3)).astype(dtype) * 2


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("padding_idx", [None, 1, -9])
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
@pytest.mark.parametrize("max_norm", [None, 1.5])
@pytest.mark.parametrize("norm_type", [2.0, 1.0])
def test_functional(dtype, padding_idx, scale_grad_by_freq, max_norm, norm_type):
    (w, tw), (i, ti) = _pair(_table(dtype)), _pair(IDX, False)
    g = np.random.default_rng(1).standard_normal((3, 4, 3)).astype(dtype)
    y = F.embedding(i, w, padding_idx, max_norm, norm_type, scale_grad_by_freq, True)
    ty = TF.embedding(ti, tw, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    assert y.grad_fn.name() == ty.grad_fn.name() == "EmbeddingBackward0"
    assert_same(y, ty)
    assert_same(w, tw)  # renormalised in place alike
    y.backward(flambeau.tensor(g))
    ty.backward(torch.tensor(g))
    assert_same(w.grad, tw.grad)


def test_int32_indices_and_double_backward():
    (w, tw) = _pair(_table())
    i, ti = flambeau.tensor(IDX, dtype=flambeau.int32), torch.tensor(IDX, dtype=torch.int32)
    y, ty = flambeau.embedding(w, i, 2, True), torch.embedding(tw, ti, 2, True)
    g, = flambeau.autograd.grad((y * y).sum(), w, create_graph=True)
    tg, = torch.autograd.grad((ty * ty).sum(), tw, create_graph=True)
    assert_same(g, tg)
    g.pow(2).sum().backward()
    tg.pow(2).sum().backward()
    assert_same(w.grad, tw.grad)


def test_errors(as_torch):
    (w, tw), (i, ti) = _pair(_table()), _pair(IDX, False)
    raises_like(lambda: flambeau.embedding(w, i.double()), lambda: torch.embedding(tw, ti.double()))
    raises_like(lambda: flambeau.embedding(w, i + 7), lambda: torch.embedding(tw, ti + 7))
    raises_like(lambda: flambeau.embedding(w, -i - 1), lambda: torch.embedding(tw, -ti - 1))
    raises_like(lambda: flambeau.embedding(w[0], i), lambda: torch.embedding(tw[0], ti))
    raises_like(lambda: F.embedding(i, w, 10), lambda: TF.embedding(ti, tw, 10))
    raises_like(lambda: flambeau.nn.Embedding(3, 2, padding_idx=-4),
                lambda: torch.nn.Embedding(3, 2, padding_idx=-4))
    raises_like(lambda: flambeau.nn.Embedding.from_pretrained(w[0]),
                lambda: torch.nn.Embedding.from_pretrained(tw[0]))


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 0}, {"padding_idx": -1, "max_norm": 1.0},
                                    {"norm_type": 1.0, "scale_grad_by_freq": True},
                                    {"sparse": True}])
def test_module_init_repr_and_step(kwargs, as_torch):
    flambeau.manual_seed(3)
    torch.manual_seed(3)
    m, tm = flambeau.nn.Embedding(10, 4, **kwargs), torch.nn.Embedding(10, 4, **kwargs)
    assert_same(m.weight, tm.weight, rtol=0, atol=0)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == list(tm.state_dict())
    m(flambeau.tensor(IDX)).sum().backward()
    tm(torch.tensor(IDX)).sum().backward()
    assert_same(m.weight, tm.weight)
    assert_same(m.weight.grad, tm.weight.grad.to_dense())  # torch's is sparse with sparse=True


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained(freeze):
    a = _table()
    m = flambeau.nn.Embedding.from_pretrained(flambeau.tensor(a), freeze=freeze, padding_idx=2)
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(a), freeze=freeze, padding_idx=2)
    assert m.weight.requires_grad is tm.weight.requires_grad is (not freeze)
    assert repr(m) == repr(tm)
    assert_same(m(flambeau.tensor(IDX)), tm(torch.tensor(IDX)))
