"""Dropout: the torch.* ops, nn.functional forms and modules vs torch and vs the mathematics."""
import math
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

_ALPHA = 1.7580993408473766


def _seeded_streams_match():
    torch.manual_seed(0)
    flambeau.manual_seed(0)
    return np.array_equal(torch.rand(3).numpy(), flambeau.rand(3).numpy())


same_stream = pytest.mark.skipif(not _seeded_streams_match(),
                                 reason="flambeau's generator is not torch's")


def _input(shape=(6, 5, 4), dtype="float64"):
    return np.random.default_rng(0).standard_normal(shape).astype(dtype) + 3  # no zeros


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_zeroes_and_scales(p):
    a = _input((200, 50))
    x = flambeau.tensor(a, requires_grad=True)
    y = flambeau.nn.functional.dropout(x, p)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - (1 - p)) < 0.03
    np.testing.assert_allclose(y.detach().numpy()[kept], a[kept] / (1 - p), rtol=1e-12)
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / (1 - p), rtol=1e-12)


def test_alpha_dropout_affine_map():
    p = 0.3
    a = _input((100, 40))
    y = flambeau.nn.functional.alpha_dropout(flambeau.tensor(a), p, training=True).numpy()
    scale = 1 / math.sqrt((_ALPHA ** 2 * p + 1) * (1 - p))
    kept = np.isclose(y, a * scale + _ALPHA * scale * p, rtol=1e-12)
    dropped = np.isclose(y, -_ALPHA * scale + _ALPHA * scale * p, rtol=1e-12)
    assert (kept | dropped).all()
    assert abs(dropped.mean() - p) < 0.03


@pytest.mark.parametrize("fn,shape,channel_dims", [
    ("dropout1d", (8, 6, 20), 2), ("dropout1d", (6, 20), 1), ("dropout2d", (4, 6, 5, 5), 2),
    ("dropout3d", (4, 6, 2, 3, 3), 2), ("dropout3d", (6, 2, 3, 3), 1)])
def test_channel_dropout_drops_whole_channels(fn, shape, channel_dims):
    y = getattr(flambeau.nn.functional, fn)(flambeau.tensor(_input(shape)), 0.5).numpy()
    channels = y.reshape(int(np.prod(shape[:channel_dims])), -1)
    dropped = (channels == 0).all(1)
    assert ((channels != 0).all(1) | dropped).all() and 0 < dropped.sum() < len(channels)


def test_feature_alpha_dropout_per_channel():
    y = flambeau.nn.functional.feature_alpha_dropout(flambeau.tensor(_input((8, 10, 6))), 0.5,
                                                     training=True).numpy()
    scale = 1 / math.sqrt((_ALPHA ** 2 * 0.5 + 1) * 0.5)
    dropped = np.isclose(y, -_ALPHA * scale + _ALPHA * scale * 0.5).all(-1)
    assert 0 < dropped.sum() < 80


GRAD_FNS = [
    ("dropout", lambda F, x: F.dropout(x, 0.4)),
    ("dropout_p1", lambda F, x: F.dropout(x, 1.0)),
    ("alpha_dropout", lambda F, x: F.alpha_dropout(x, 0.4, True)),
    ("alpha_dropout_p1", lambda F, x: F.alpha_dropout(x, 1.0, True)),
    ("feature_alpha_dropout", lambda F, x: F.feature_alpha_dropout(x, 0.4, True)),
    ("dropout1d", lambda F, x: F.dropout1d(x[0], 0.4)),
    ("dropout2d", lambda F, x: F.dropout2d(x.unsqueeze(0), 0.4)),
    ("dropout3d", lambda F, x: F.dropout3d(x.unsqueeze(0), 0.4)),
    ("dropout_inplace", lambda F, x: F.dropout(x, 0.4, inplace=True)),
    ("alpha_dropout_inplace", lambda F, x: F.alpha_dropout(x, 0.4, True, inplace=True)),
    ("dropout1d_inplace", lambda F, x: F.dropout1d(x, 0.4, inplace=True)),
    ("dropout3d_inplace", lambda F, x: F.dropout3d(x, 0.4, inplace=True)),
]


@pytest.mark.parametrize("name,fn", GRAD_FNS, ids=[g[0] for g in GRAD_FNS])
def test_graph_nodes(name, fn):
    a = _input((3, 4, 5))

    def run(lib):
        leaf = lib.tensor(a, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = fn(lib.nn.functional, leaf * 1)
        return y.grad_fn.name(), [n.name() if n else None for n, _ in y.grad_fn.next_functions]
    assert run(flambeau) == run(torch)


@pytest.mark.parametrize("fn", ["dropout", "alpha_dropout", "feature_alpha_dropout",
                                "dropout1d", "dropout2d", "dropout3d"])
def test_evaluation_and_p0_return_the_input(fn):
    F = flambeau.nn.functional
    x = flambeau.tensor(_input((2, 3, 4) if fn == "dropout1d" else (2, 3, 4, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fn in ("dropout", "alpha_dropout", "feature_alpha_dropout"):
            assert getattr(F, fn)(x, 0.5, training=False) is x
            assert getattr(F, fn)(x, 0.0, training=True) is x
        assert_same(getattr(F, fn)(x, 0.5, training=False), torch.tensor(x.numpy()))


def test_torch_level_ops():
    a = _input((4, 5))
    for name in ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"):
        x = flambeau.tensor(a)
        assert getattr(flambeau, name)(x, 0.5, False) is x
        y = getattr(flambeau, name)(x, 0.5, True)
        assert y.shape == x.shape and y is not x
        z = x.clone()
        assert getattr(flambeau, name + "_")(z, 0.5, True) is z
    out, mask = flambeau.native_dropout(flambeau.tensor(a, requires_grad=True), 0.5, True)
    assert mask.dtype == flambeau.bool and out.grad_fn.name() == "NativeDropoutBackward0"
    np.testing.assert_allclose(out.detach().numpy(), a * mask.numpy() * 2, rtol=1e-12)
    out, mask = flambeau.native_dropout(flambeau.tensor(a), 0.5, False)
    assert mask.numpy().all() and np.array_equal(out.numpy(), a)


def test_native_dropout_gradient():
    x = flambeau.tensor(_input((30, 4)), requires_grad=True)
    out, mask = flambeau.native_dropout(x, 0.25, True)
    g = flambeau.randn(30, 4, dtype=flambeau.float64)
    out.backward(g)
    np.testing.assert_allclose(x.grad.numpy(), g.numpy() * mask.numpy() / 0.75, rtol=1e-12)


@same_stream
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,fn", [
    ("dropout", lambda m, x: m.nn.functional.dropout(x, 0.3)),
    ("dropout_inplace", lambda m, x: m.nn.functional.dropout(x.clone(), 0.3, inplace=True)),
    ("alpha_dropout", lambda m, x: m.nn.functional.alpha_dropout(x, 0.3, True)),
    ("feature_alpha_dropout", lambda m, x: m.nn.functional.feature_alpha_dropout(x, 0.3, True)),
    ("dropout1d", lambda m, x: m.nn.functional.dropout1d(x, 0.3)),
    ("dropout3d", lambda m, x: m.nn.functional.dropout3d(x.unsqueeze(0), 0.3)),
    ("feature_dropout", lambda m, x: m.feature_dropout(x, 0.3, True)),
    ("native_dropout", lambda m, x: m.native_dropout(x, 0.3, True)[0]),
    ("native_dropout_mask", lambda m, x: m.native_dropout(x, 0.3, True)[1]),
    ("module", lambda m, x: m.nn.Dropout(0.6)(x)),
])
def test_masks_equal_torch_under_the_same_seed(name, fn, dtype):
    a = _input((3, 4, 5), dtype)
    torch.manual_seed(5)
    flambeau.manual_seed(5)
    assert_same(fn(flambeau, flambeau.tensor(a)), fn(torch, torch.tensor(a)), rtol=0, atol=0)


ERRORS = [
    lambda m: m.nn.functional.dropout(m.ones(3), 1.5),
    lambda m: m.nn.functional.dropout(m.ones(3), -0.1),
    lambda m: m.nn.functional.alpha_dropout(m.ones(3), 2.0),
    lambda m: m.nn.functional.feature_alpha_dropout(m.ones(3, 2), 2.0),
    lambda m: m.nn.functional.dropout1d(m.ones(2, 2, 2, 2)),
    lambda m: m.nn.functional.dropout1d(m.ones(2), 1.5),
    lambda m: m.dropout(m.ones(3), 1.5, True),
    lambda m: m.native_dropout(m.ones(3), 1.5, True),
    lambda m: m.feature_dropout(m.ones(3), 0.5, True),
    lambda m: m.feature_alpha_dropout(m.ones(3), 0.5, True),
    lambda m: m.nn.functional.dropout(m.ones(3, dtype=m.int64), 0.5),
    lambda m: m.nn.functional.dropout(m.ones(3, requires_grad=True), 0.5, inplace=True),
    lambda m: m.nn.Dropout(1.5),
    lambda m: m.nn.AlphaDropout(-1),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    raises_like(lambda: ERRORS[i](flambeau), lambda: ERRORS[i](torch))


def test_dropout2d_and_3d_warnings():
    F = flambeau.nn.functional
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(flambeau.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        F.dropout2d(flambeau.ones(2, 3))
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        F.dropout3d(flambeau.ones(2, 3, 4))


MODULES = [("Dropout", ()), ("Dropout", (0.2, True)), ("Dropout1d", (0.3,)),
           ("Dropout2d", ()), ("Dropout3d", (0.1,)), ("AlphaDropout", (0.4,)),
           ("FeatureAlphaDropout", (0.4, True))]


@pytest.mark.parametrize("name,args", MODULES, ids=[f"{m[0]}{m[1]}" for m in MODULES])
def test_modules(name, args, as_torch):
    mt, mf = getattr(torch.nn, name)(*args), getattr(flambeau.nn, name)(*args)
    assert repr(mf) == repr(mt)
    assert type(mf).__constants__ == type(mt).__constants__ == ["p", "inplace"]
    assert (mf.p, mf.inplace) == (mt.p, mt.inplace)
    shape = (2, 3, 4) if name == "Dropout1d" else (2, 3, 4, 5)
    x = flambeau.tensor(_input(shape))
    mf.eval()
    assert_same(mf(x), torch.tensor(x.numpy()))
    mf.train()
    y = mf(flambeau.tensor(_input(shape)))
    assert y.shape == x.shape and not np.allclose(y.numpy(), x.numpy())
