"""nn.init against torch: distributions (moments, bounds), deterministic fills, errors, and
the exact values after seeding both libraries once flambeau's streams are torch's."""
import math
import warnings

import numpy as np
import pytest
import torch

import flambeau
import flambeau.nn.init as init
from conftest import raises_like, to_numpy


def _streams_match():
    flambeau.manual_seed(0)
    torch.manual_seed(0)
    return np.array_equal(flambeau.rand(3).numpy(), torch.rand(3).numpy())


same_streams = pytest.mark.skipif(
    not _streams_match(), reason="flambeau's random streams do not reproduce torch's yet "
                                 "(manual_seed(0); rand(3) differs)")

SHAPE = (256, 128, 3)  # fan_in 384, fan_out 768; 98304 values


def _fill(lib, name, shape, *args, **kwargs):
    t = lib.empty(*shape)
    getattr(lib.nn.init if lib is torch else init, name)(t, *args, **kwargs)
    return to_numpy(t).ravel()


# (function, args, kwargs, bounds or None, expected std)
DISTRIBUTIONS = [
    ("uniform_", (-2.0, 3.0), {}, (-2.0, 3.0), 5 / math.sqrt(12)),
    ("normal_", (1.5, 0.5), {}, None, 0.5),
    ("trunc_normal_", (), {"std": 1.0, "a": -1.0, "b": 2.0}, (-1.0, 2.0), None),
    ("trunc_normal_", (), {"mean": 0.0, "std": 1.0, "a": 2.0, "b": 3.0}, (2.0, 3.0), None),
    ("xavier_uniform_", (), {"gain": 2.0}, (-2 * math.sqrt(6 / 1152), 2 * math.sqrt(6 / 1152)),
     2 * math.sqrt(2 / 1152)),
    ("xavier_normal_", (0.5,), {}, None, 0.5 * math.sqrt(2 / 1152)),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)},
     (-1 / math.sqrt(384), 1 / math.sqrt(384)), 1 / math.sqrt(3 * 384)),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"},
     (-math.sqrt(6 / 768), math.sqrt(6 / 768)), math.sqrt(2 / 768)),
    ("kaiming_normal_", (), {"a": 0.2, "mode": "FAN_OUT"}, None,
     math.sqrt(2 / 1.04) / math.sqrt(768)),
    ("kaiming_normal_", (), {"nonlinearity": "tanh"}, None, 5 / 3 / math.sqrt(384)),
]


@pytest.mark.parametrize("name,args,kwargs,bounds,std", DISTRIBUTIONS)
def test_distribution_matches_torch(name, args, kwargs, bounds, std):
    ours = _fill(flambeau, name, SHAPE, *args, **kwargs)
    theirs = _fill(torch, name, SHAPE, *args, **kwargs)
    assert ours.dtype == np.float32
    spread = theirs.std()
    assert abs(ours.mean() - theirs.mean()) < 0.03 * spread + 1e-7
    assert abs(ours.std() / spread - 1) < 0.03
    if std is not None:
        assert abs(spread / std - 1) < 0.03  # torch itself has the documented std
    if bounds is not None:
        assert ours.min() >= bounds[0] and ours.max() <= bounds[1]
        np.testing.assert_allclose([ours.min(), ours.max()], [theirs.min(), theirs.max()],
                                   atol=0.02 * spread)


def test_trunc_normal_is_a_truncated_gaussian():
    # mass in [0, 1] relative to [-1, 0] for N(0.5, 1): both libraries
    for lib in (flambeau, torch):
        x = _fill(lib, "trunc_normal_", (200000,), mean=0.5, a=-1.0, b=1.0)
        ratio = np.mean(x >= 0) / np.mean(x < 0)
        expected = (math.erf(0.5 / math.sqrt(2)) + math.erf(0.5 / math.sqrt(2))) / \
            (math.erf(1.5 / math.sqrt(2)) - math.erf(0.5 / math.sqrt(2)))
        assert abs(ratio / expected - 1) < 0.03, lib


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3), (3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    t = init.orthogonal_(flambeau.empty(*shape, dtype=flambeau.float64), gain=2.0)
    m = t.reshape(shape[0], -1).numpy()
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 4 * np.eye(len(gram)), atol=1e-12)


def test_sparse_zeroes_each_column():
    t = init.sparse_(flambeau.empty(10, 7), sparsity=0.25, std=0.5)
    zeros = (t.numpy() == 0).sum(axis=0)
    np.testing.assert_array_equal(zeros, [math.ceil(0.25 * 10)] * 7)
    assert 0.2 < t.numpy()[t.numpy() != 0].std() < 1.0


@pytest.mark.parametrize("name,args", [("constant_", (0.25,)), ("ones_", ()), ("zeros_", ())])
def test_fills(name, args):
    ours = getattr(init, name)(flambeau.empty(3, 2, requires_grad=True), *args)
    theirs = getattr(torch.nn.init, name)(torch.empty(3, 2, requires_grad=True), *args)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours.requires_grad and ours.grad_fn is None and ours.is_leaf


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4)])
def test_eye(shape):
    ours = init.eye_(flambeau.empty(*shape, requires_grad=True))
    theirs = torch.nn.init.eye_(torch.empty(*shape, requires_grad=True))
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours.requires_grad and ours.grad_fn is None


@pytest.mark.parametrize("shape,groups", [((4, 3, 5), 1), ((6, 2, 3, 3), 2), ((4, 4, 3, 2, 3), 4),
                                          ((2, 5, 3, 3), 1), ((4, 1, 3), 2)])
def test_dirac(shape, groups):
    ours = init.dirac_(flambeau.empty(*shape, requires_grad=True), groups)
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups)
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))
    assert ours.grad_fn is None


@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv_transpose2d", None), ("sigmoid", None), ("tanh", None),
    ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain(nonlinearity, param):
    ours = init.calculate_gain(nonlinearity, param)
    theirs = torch.nn.init.calculate_gain(nonlinearity, param)
    assert ours == theirs and type(ours) is type(theirs)


@pytest.mark.parametrize("shape", [(7, 3), (4, 6, 2, 5), (2, 3, 0)])
def test_fans(shape):
    assert init._calculate_fan_in_and_fan_out(flambeau.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    assert init._calculate_correct_fan(flambeau.empty(*shape), "fan_out") == \
        torch.nn.init._calculate_correct_fan(torch.empty(*shape), "fan_out")


@pytest.mark.parametrize("call", [
    lambda lib, I: I.calculate_gain("softmax"),
    lambda lib, I: I.calculate_gain("leaky_relu", True),
    lambda lib, I: I.calculate_gain("leaky_relu", "0.1"),
    lambda lib, I: I.xavier_uniform_(lib.empty(5)),
    lambda lib, I: I.kaiming_uniform_(lib.empty(3, 4), mode="fan_avg"),
    lambda lib, I: I.kaiming_normal_(lib.empty(3, 4), nonlinearity="gelu"),
    lambda lib, I: I.eye_(lib.empty(2, 2, 2)),
    lambda lib, I: I.dirac_(lib.empty(3, 3)),
    lambda lib, I: I.dirac_(lib.empty(3, 3, 3), groups=2),
    lambda lib, I: I.orthogonal_(lib.empty(3)),
    lambda lib, I: I.sparse_(lib.empty(3, 3, 3), 0.1),
    lambda lib, I: I.normal_(lib.empty(3, dtype=lib.int64)),
    lambda lib, I: I.uniform_(lib.empty(3, dtype=lib.int64)),
])
def test_errors(call):
    raises_like(lambda: call(flambeau, init), lambda: call(torch, torch.nn.init))


def _warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("call", [
    lambda lib, I: I.kaiming_uniform_(lib.empty(0, 3)),
    lambda lib, I: I.kaiming_normal_(lib.empty(3, 0)),
    lambda lib, I: I.trunc_normal_(lib.empty(3), mean=5.0),
    lambda lib, I: I.xavier_normal(lib.empty(3, 3)),
    lambda lib, I: I.uniform(lib.empty(3)),
])
def test_warnings(call):
    ours = _warnings(lambda: call(flambeau, init))
    theirs = _warnings(lambda: call(torch, torch.nn.init))
    assert [w[:2] for w in ours] == [w[:2] for w in theirs] and ours
    assert all(w[2] == __file__ for w in ours)  # reported at the caller


def test_generator_gives_reproducible_draws():
    for name, kwargs in [("uniform_", {}), ("normal_", {}), ("xavier_uniform_", {}),
                         ("kaiming_normal_", {}), ("trunc_normal_", {"a": 0.0, "b": 0.5}),
                         ("orthogonal_", {}), ("sparse_", {"sparsity": 0.0})]:
        a, b = flambeau.empty(5, 4), flambeau.empty(5, 4)
        getattr(init, name)(a, generator=flambeau.Generator().manual_seed(3), **kwargs)
        flambeau.rand(7)  # the default generator moving on changes nothing
        getattr(init, name)(b, generator=flambeau.Generator().manual_seed(3), **kwargs)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@same_streams
@pytest.mark.parametrize("name,args,kwargs", [
    ("uniform_", (-1.0, 2.0), {}), ("normal_", (0.5, 2.0), {}),
    ("xavier_uniform_", (), {}), ("xavier_normal_", (), {}),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}), ("kaiming_normal_", (), {"mode": "fan_out"}),
    ("trunc_normal_", (), {}), ("trunc_normal_", (), {"a": 0.5, "b": 1.0}),
    ("orthogonal_", (), {}), ("sparse_", (0.3,), {})])
@pytest.mark.parametrize("use_generator", [False, True])
def test_same_values_as_torch_after_seeding(name, args, kwargs, use_generator):
    def draw(lib, fn):
        lib.manual_seed(0)
        if use_generator:
            kwargs["generator"] = lib.Generator().manual_seed(5)
        return to_numpy(fn(lib.empty(30, 20), *args, **kwargs))
    ours = draw(flambeau, getattr(init, name))
    theirs = draw(torch, getattr(torch.nn.init, name))
    if name == "orthogonal_":  # same draws; QR by another LAPACK, in float32
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    else:
        np.testing.assert_array_equal(ours, theirs)


def test_private_helpers_that_libraries_call():
    """timm and others call these torch internals directly."""
    t = init._no_grad_trunc_normal_(flambeau.empty(1000, requires_grad=True), 0.0, 1.0, -0.5, 0.5)
    assert t.requires_grad and t.grad_fn is None and t.abs().max().item() <= 0.5
    assert init._no_grad_uniform_(flambeau.empty(100), 2.0, 3.0).min().item() >= 2.0
    assert init._no_grad_normal_(flambeau.empty(100), 5.0, 0.01).mean().item() > 4.9
    assert init._no_grad_fill_(flambeau.empty(3), 2.5).tolist() == [2.5] * 3
    assert init._no_grad_zero_(flambeau.empty(3)).tolist() == [0.0] * 3
