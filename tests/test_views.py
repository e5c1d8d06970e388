"""View ops against torch: values, shapes, strides, storage offsets and memory sharing."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, twins

# (name, shape of the input, the view as a function of the module and the tensor)
VIEWS = [
    ("view", (2, 3, 4), lambda m, x: x.view(6, 4)),
    ("view -1", (2, 3, 4), lambda m, x: x.view(-1)),
    ("view of transposed", (4, 6), lambda m, x: x.t().view(6, 2, 2)),
    ("view_as", (2, 6), lambda m, x: x.view_as(m.zeros(3, 4))),
    ("reshape", (2, 3, 4), lambda m, x: x.reshape(4, -1)),
    ("transpose", (2, 3, 4), lambda m, x: x.transpose(0, 2)),
    ("t", (3, 5), lambda m, x: x.t()),
    ("T", (2, 3), lambda m, x: x.T),
    ("mT", (2, 3, 4), lambda m, x: x.mT),
    ("permute", (2, 3, 4), lambda m, x: x.permute(2, 0, 1)),
    ("permute tuple", (2, 3, 4), lambda m, x: x.permute((1, 2, 0))),
    ("expand", (3, 1), lambda m, x: x.expand(2, 3, 4)),
    ("expand -1", (3, 1), lambda m, x: x.expand(-1, 5)),
    ("expand_as", (1, 4), lambda m, x: x.expand_as(m.zeros(3, 4))),
    ("narrow", (5, 4), lambda m, x: x.narrow(0, 1, 3)),
    ("narrow dim1", (5, 4), lambda m, x: x.narrow(1, 2, 2)),
    ("select", (3, 4, 5), lambda m, x: x.select(1, 2)),
    ("select negative", (3, 4, 5), lambda m, x: x.select(-1, -2)),
    ("unfold", (10,), lambda m, x: x.unfold(0, 3, 2)),
    ("unfold 2d", (4, 7), lambda m, x: x.unfold(1, 2, 2)),
    ("as_strided", (12,), lambda m, x: x.as_strided((3, 3), (3, 1), 1)),
    ("squeeze", (1, 3, 1, 2), lambda m, x: x.squeeze()),
    ("squeeze dim", (1, 3, 1, 2), lambda m, x: x.squeeze(2)),
    ("squeeze dims", (1, 3, 1, 2), lambda m, x: x.squeeze((0, 2))),
    ("unsqueeze", (3, 4), lambda m, x: x.unsqueeze(1)),
    ("unsqueeze end", (3, 4), lambda m, x: x.unsqueeze(-1)),
    ("unsqueeze of transposed", (3, 4), lambda m, x: x.t().unsqueeze(1)),
    ("flatten", (2, 3, 4), lambda m, x: x.flatten()),
    ("flatten range", (2, 3, 4, 5), lambda m, x: x.flatten(1, 2)),
    ("unflatten", (2, 12), lambda m, x: x.unflatten(1, (3, -1))),
    ("diagonal", (4, 4), lambda m, x: x.diagonal()),
    ("diagonal offset", (3, 4, 5), lambda m, x: x.diagonal(1, 1, 2)),
    ("movedim", (2, 3, 4), lambda m, x: x.movedim(0, -1)),
    ("movedim tuple", (2, 3, 4, 5), lambda m, x: m.movedim(x, (0, 1), (2, 3))),
    ("swapaxes", (2, 3, 4), lambda m, x: x.swapaxes(0, 1)),
    ("detach", (2, 3), lambda m, x: x.detach()),
]

MULTI = [
    ("chunk", (7, 2), lambda m, x: x.chunk(3)),
    ("chunk dim", (2, 6), lambda m, x: m.chunk(x, 4, dim=1)),
    ("split", (7, 2), lambda m, x: x.split(3)),
    ("split sizes", (7, 2), lambda m, x: x.split([2, 5])),
    ("tensor_split n", (7, 2), lambda m, x: x.tensor_split(3)),
    ("tensor_split indices", (7, 2), lambda m, x: m.tensor_split(x, [1, 4])),
    ("unbind", (3, 4), lambda m, x: x.unbind(1)),
]


@pytest.mark.parametrize("name,shape,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view(name, shape, fn):
    ours, theirs = twins(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    a, b = fn(flambeau, ours), fn(torch, theirs)
    assert_same(a, b, check_stride=True)
    assert a.is_contiguous() == b.is_contiguous()
    # a write through the view shows in the base (views share storage)
    if a.numel():
        a.view(-1)[0:1] if False else None
        ours_flat_before = ours.numpy().copy()
        a.numpy()[(0,) * a.dim()] = -1
        b.numpy()[(0,) * b.dim()] = -1 if b.numel() else None
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert not np.array_equal(ours.numpy(), ours_flat_before)


@pytest.mark.parametrize("name,shape,fn", MULTI, ids=[v[0] for v in MULTI])
def test_multi_view(name, shape, fn):
    ours, theirs = twins(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    a, b = fn(flambeau, ours), fn(torch, theirs)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert_same(x, y, check_stride=True)


@pytest.mark.parametrize("name,shape,fn", VIEWS + MULTI, ids=[v[0] for v in VIEWS + MULTI])
def test_view_gradient(name, shape, fn):
    data = np.random.default_rng(0).standard_normal(shape)
    ours = flambeau.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    a, b = fn(flambeau, ours), fn(torch, theirs)
    if name == "detach":
        assert not a.requires_grad and a.grad_fn is None
        return
    a, b = (a,) if isinstance(a, flambeau.Tensor) else a, (b,) if isinstance(b, torch.Tensor) else b
    for x, y in zip(a, b):
        assert x.grad_fn.name() == y.grad_fn.name()
    weights = [np.random.default_rng(i).standard_normal(tuple(y.shape)) for i, y in enumerate(b)]
    sum(((x * flambeau.tensor(w)).sum() for x, w in zip(a, weights)), flambeau.tensor(0.))\
        .backward()
    sum(((y * torch.tensor(w)).sum() for y, w in zip(b, weights)), torch.tensor(0.)).backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_storage_shared_and_offsets():
    x = flambeau.arange(12.).view(3, 4)
    y = torch.arange(12.).view(3, 4)
    for f in [lambda t: t[1], lambda t: t[:, 2], lambda t: t[1:, 1:3], lambda t: t.t()[2]]:
        assert f(x).storage_offset() == f(y).storage_offset()
        assert f(x).stride() == f(y).stride()
        assert f(x).untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    assert x.untyped_storage().nbytes() == y.untyped_storage().nbytes()
    assert list(x.untyped_storage()) == list(y.untyped_storage())
    assert x[1].data_ptr() - x.data_ptr() == y[1].data_ptr() - y.data_ptr()



EMPTY_VIEWS = [lambda L: L.ones(0, 1).expand(0, 4), lambda L: L.ones(2, 0, 1).expand(2, 0, 3),
               lambda L: L.ones(0, 3), lambda L: L.arange(5.)[3:3], lambda L: L.ones(2, 3)[:, 2:2]]


@pytest.mark.parametrize("i", range(len(EMPTY_VIEWS)))
def test_empty_strides(i):
    assert EMPTY_VIEWS[i](flambeau).stride() == EMPTY_VIEWS[i](torch).stride()


EMPTY_SLICES = [lambda L: L.arange(5.)[3:3], lambda L: L.ones(2, 3)[:, 2:2],
                lambda L: L.arange(5.)[10:], lambda L: L.arange(5.)[-2:-2],
                lambda L: L.ones(2, 3)[5:], lambda L: L.ones(2, 3)[1:, None, 3:],
                lambda L: L.arange(5.).narrow(0, 3, 0), lambda L: L.ones(4, 3)[1][3:],
                lambda L: L.ones(2, 3)[..., 1:1], lambda L: L.ones(2, 3)[1:1, 1],
                lambda L: L.arange(5.)[2:][5:]]


@pytest.mark.parametrize("i", range(len(EMPTY_SLICES)))
def test_empty_slice_offsets(i):
    ours, theirs = EMPTY_SLICES[i](flambeau), EMPTY_SLICES[i](torch)
    assert (ours.storage_offset(), ours.stride()) == (theirs.storage_offset(), theirs.stride())


def test_storage_repr(as_torch):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for data in ([0., 1.5, 2.], [1, 2, 3], [True, False]):
            assert repr(flambeau.tensor(data).storage()) == repr(torch.tensor(data).storage())
    assert repr(flambeau.tensor([1, 2], dtype=flambeau.int16).untyped_storage()) == \
        repr(torch.tensor([1, 2], dtype=torch.int16).untyped_storage())


def test_version_counter_shared_by_views():
    x = flambeau.zeros(3)
    v = x[1:]
    assert x._version == v._version == 0
    v.add_(1)
    assert x._version == v._version == 1


def test_numpy_shares_memory_both_ways():
    a = np.ones(3, dtype=np.float32)
    t = flambeau.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    t.add_(1)
    assert a.tolist() == [6, 2, 2]
    assert np.shares_memory(t.numpy(), a)


VIEW_ERRORS = [
    lambda m: m.arange(6.).view(2, 3).t().view(6),
    lambda m: m.arange(6.).view(4, -1),
    lambda m: m.arange(6.).view(-1, -1),
    lambda m: m.zeros(2, 3).expand(3, 3),
    lambda m: m.zeros(2, 3).expand(3),
    lambda m: m.zeros(2, 3).transpose(0, 2),
    lambda m: m.zeros(2, 3).select(0, 5),
    lambda m: m.zeros(2, 3, 4).t(),
    lambda m: m.zeros(2, 3).narrow(0, 1, 3),
    lambda m: m.zeros(2, 3).unfold(1, 4, 1),
    lambda m: m.zeros(2, 3).flatten(1, 0),
    lambda m: m.zeros(2, 3).diagonal(0, 1, 1),
]


@pytest.mark.parametrize("fn", VIEW_ERRORS)
def test_view_errors(fn, as_torch):
    raises_like(lambda: fn(flambeau), lambda: fn(torch))


OVERLAPPING_WRITES = [
    lambda m: m.ones(3, 1).expand(3, 2).add_(1),
    lambda m: m.ones(3, 1).expand(3, 2).__setitem__(0, 5.0),
    lambda m: m.ones(3, 1).expand(3, 2).copy_(m.zeros(3, 2)),
]


@pytest.mark.parametrize("fn", OVERLAPPING_WRITES)
def test_writes_into_overlapping_memory_raise(fn, as_torch):
    raises_like(lambda: fn(flambeau), lambda: fn(torch))


def test_fills_into_overlapping_memory_are_allowed():
    for m in (flambeau, torch):
        base = m.ones(3, 1)
        base.expand(3, 2).zero_()
        assert base.sum().item() == 0
        base.expand(3, 1).add_(1)  # no dim actually repeats: an ordinary write
        assert base.sum().item() == 3


INPLACE_VIEWS = [lambda y: y.squeeze_(), lambda y: y.squeeze_(1), lambda y: y.squeeze_((1,)),
                 lambda y: y.unsqueeze_(0), lambda y: y.transpose_(0, 2),
                 lambda y: y.swapaxes_(0, 2), lambda y: y.swapdims_(2, 0),
                 lambda y: y.as_strided_((2, 3), (3, 1)), lambda y: y.squeeze_(1).t_()]


@pytest.mark.parametrize("i", range(len(INPLACE_VIEWS)))
def test_inplace_view_ops(i):
    """The tensor itself takes the view's shape and strides and the node torch names."""
    seen = []
    for lib in (flambeau, torch):
        x = lib.arange(6., requires_grad=True)
        y = x.view(2, 1, 3) * 1
        version = y._version
        result = INPLACE_VIEWS[i](y)
        assert result is y
        (y * lib.arange(6.).view(y.shape)).sum().backward()
        seen.append((y.shape, y.stride(), y.grad_fn.name(), y._version > version,
                     x.grad.tolist()))
    assert seen[0] == seen[1]


def test_inplace_view_on_a_leaf_and_adjoint(as_torch):
    raises_like(lambda: flambeau.ones(2, 1, requires_grad=True).squeeze_(),
                lambda: torch.ones(2, 1, requires_grad=True).squeeze_())
    for lib in (flambeau, torch):
        z = lib.tensor([[1 + 2j, 3j]])
        assert lib.adjoint(z).tolist() == z.adjoint().tolist() == z.mH.tolist()
