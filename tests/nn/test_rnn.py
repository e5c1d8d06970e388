"""Recurrent layers and cells vs torch: seeded parameters, outputs, final states, gradients of
the input, the initial states and every parameter, reprs, errors, double backward, and a small
LSTM language model trained under ``python -m flambeau run``."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOL = {"float64": dict(rtol=1e-10, atol=1e-10), "float32": dict(rtol=2e-4, atol=2e-5)}
LAYERS = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {}),
          ("LSTM", {"proj_size": 3})]


def _pair(cls, *args, dtype="float64", **kwargs):
    """The same layer in both libraries, from the same seed."""
    flambeau.manual_seed(7)
    torch.manual_seed(7)
    m = getattr(flambeau.nn, cls)(*args, **kwargs).to(getattr(flambeau, dtype))
    tm = getattr(torch.nn, cls)(*args, **kwargs).to(getattr(torch, dtype))
    return m, tm


def _data(shape, dtype, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return flambeau.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _flat(out):
    """A layer's outputs as a flat list of tensors."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _compare(m, tm, args, targs, tol):
    outs, touts = _flat(m(*args)), _flat(tm(*targs))
    for o, to in zip(outs, touts):
        assert_same(o, to, **tol)
    weights = [np.random.default_rng(i + 9).standard_normal(tuple(to.shape)) for i, to in
               enumerate(touts)]
    sum((o * flambeau.tensor(w, dtype=o.dtype)).sum() for o, w in zip(outs, weights)).backward()
    sum((o * torch.tensor(w, dtype=o.dtype)).sum() for o, w in zip(touts, weights)).backward()
    for a, ta in zip(_flat(args), _flat(targs)):
        if ta.requires_grad:
            assert_same(a.grad, ta.grad, **tol)
    for (name, p), (tname, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert name == tname
        assert_same(p.grad, tp.grad, **tol)


@pytest.mark.parametrize("cls,extra", LAYERS)
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (2, True), (3, False)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_layer_matches_torch(cls, extra, num_layers, bidirectional, batch_first, bias, dtype):
    m, tm = _pair(cls, 4, 5, num_layers, bias=bias, batch_first=batch_first,
                  bidirectional=bidirectional, dtype=dtype, **extra)
    for p, tp in zip(m.parameters(), tm.parameters()):
        assert_same(p, tp, rtol=0, atol=0)
    assert list(m.state_dict()) == list(tm.state_dict())
    x, tx = _data((2, 6, 4) if batch_first else (6, 2, 4), dtype)
    _compare(m, tm, (x,), (tx,), TOL[dtype])


@pytest.mark.parametrize("cls,extra", LAYERS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batched", [True, False])
def test_initial_states_and_unbatched(cls, extra, bidirectional, batched):
    m, tm = _pair(cls, 3, 5, 2, bidirectional=bidirectional, **extra)
    dirs = 2 if bidirectional else 1
    batch = (4,) if batched else ()
    x, tx = _data((6,) + batch + (3,), "float64")
    h, th = _data((2 * dirs,) + batch + (extra.get("proj_size") or 5,), "float64", 1)
    if cls == "LSTM":
        c, tc = _data((2 * dirs,) + batch + (5,), "float64", 2)
        h, th = (h, c), (th, tc)
    _compare(m, tm, (x, h), (tx, th), TOL["float64"])


@pytest.mark.parametrize("cls,extra", LAYERS)
def test_dropout_between_layers(cls, extra):
    m, tm = _pair(cls, 3, 5, 3, dropout=0.5, **extra)
    x, tx = _data((7, 2, 3), "float64")
    m.eval()
    tm.eval()
    _compare(m, tm, (x,), (tx,), TOL["float64"])
    m.train()
    tm.train()
    flambeau.manual_seed(1)
    torch.manual_seed(1)  # the same masks: dropout draws as torch's does
    _compare(m, tm, (x,), (tx,), TOL["float64"])


def test_lstm_layer_is_one_node():
    m = flambeau.nn.LSTM(3, 4, 2, bidirectional=True)
    out, (h, c) = m(flambeau.randn(5, 2, 3))
    layers = [f.name() for f, _ in out.grad_fn.next_functions]  # cat of the two directions
    assert layers == ["MkldnnRnnLayerBackward0"] * 2
    below = {f.name() for f, _ in out.grad_fn.next_functions[0][0].next_functions if f is not None}
    assert below == {"CatBackward0", "AccumulateGrad"}  # layer 0's outputs, the weights


def _grad_fns(lib, cls, kwargs, dtype, shape, packed):
    """The grad_fn names of a layer's (or cell's) outputs, as torch shows them."""
    lib.manual_seed(0)
    m = getattr(lib.nn, cls)(3, 4, **kwargs).to(getattr(lib, dtype))
    x = lib.randn(*shape, dtype=getattr(lib, dtype))
    if packed:
        x = lib.nn.utils.rnn.pack_padded_sequence(x, [shape[0], 2])
    outs = [o for o in _flat(m(x)) if o is not None]
    return [type(o.grad_fn).__name__ for o in outs[:1 if cls == "LSTMCell" else None]]


@pytest.mark.parametrize("cls,kwargs", [("LSTM", {}), ("LSTM", {"batch_first": True}),
                                        ("LSTM", {"num_layers": 2, "bidirectional": True}),
                                        ("LSTM", {"proj_size": 2}), ("GRU", {}),
                                        ("GRU", {"batch_first": True}),
                                        ("RNN", {"bidirectional": True}),
                                        ("RNN", {"nonlinearity": "relu", "batch_first": True})])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,packed", [((5, 2, 3), False), ((5, 3), False), ((5, 2, 3), True)])
def test_grad_fn_names_as_torch(cls, kwargs, dtype, shape, packed, one_torch_thread):
    """torch's CPU build runs a float32 LSTM over a padded batch as oneDNN's layer
    (MkldnnRnnLayerBackward0) and composes the others of small ops (a stack of the steps, a
    cat of packed rows, an in-place transpose for batch_first): the outputs show those nodes."""
    if packed and kwargs.get("batch_first"):
        pytest.skip("pack_padded_sequence takes (T, B, *) here")
    assert (_grad_fns(flambeau, cls, kwargs, dtype, shape, packed)
            == _grad_fns(torch, cls, kwargs, dtype, shape, packed))


@pytest.fixture
def one_torch_thread():
    """torch at one thread for the test (oneDNN's RNN is torch's choice whatever the count),
    its count restored after it (later tests compare the default with flambeau's)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("cls,kwargs", [("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", {}),
                                        ("RNNCell", {"nonlinearity": "relu"})])
@pytest.mark.parametrize("shape", [(2, 3), (3,)])
def test_cell_grad_fn_names_as_torch(cls, kwargs, shape):
    assert (_grad_fns(flambeau, cls, kwargs, "float32", shape, False)
            == _grad_fns(torch, cls, kwargs, "float32", shape, False))


@pytest.mark.parametrize("cls,extra", LAYERS[:4])
def test_double_backward(cls, extra):
    m, tm = _pair(cls, 3, 4, 1, **extra)
    x, tx = _data((5, 2, 3), "float64")
    g, = flambeau.autograd.grad(_flat(m(x))[0].pow(2).sum(), x, create_graph=True)
    tg, = torch.autograd.grad(_flat(tm(tx))[0].pow(2).sum(), tx, create_graph=True)
    assert_same(g, tg, **TOL["float64"])
    g.pow(2).sum().backward()
    tg.pow(2).sum().backward()
    assert_same(x.grad, tx.grad, **TOL["float64"])
    assert_same(m.weight_hh_l0.grad, tm.weight_hh_l0.grad, **TOL["float64"])


@pytest.mark.parametrize("cls,kwargs", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                        ("LSTMCell", {}), ("GRUCell", {}),
                                        ("GRUCell", {"bias": False})])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given", [True, False])
def test_cells(cls, kwargs, batched, given, as_torch):
    m, tm = _pair(cls, 3, 5, **kwargs)
    assert repr(m) == repr(tm)
    batch = (4,) if batched else ()
    x, tx = _data(batch + (3,), "float64")
    args, targs = (x,), (tx,)
    if given:
        h, th = _data(batch + (5,), "float64", 1)
        if cls == "LSTMCell":
            c, tc = _data(batch + (5,), "float64", 2)
            h, th = (h, c), (th, tc)
        args, targs = (x, h), (tx, th)
    _compare(m, tm, args, targs, TOL["float64"])


@pytest.mark.parametrize("cls,kwargs", [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bias": False}),
    ("LSTM", {"proj_size": 2, "num_layers": 2, "bidirectional": True}),
    ("GRU", {"batch_first": True, "dropout": 0.25, "num_layers": 3})])
def test_repr_weights_and_flat_weights(cls, kwargs, as_torch):
    m, tm = _pair(cls, 3, 4, **kwargs)
    assert repr(m) == repr(tm)
    assert m._flat_weights_names == tm._flat_weights_names
    assert [list(p.shape) for p in m._flat_weights] == [list(p.shape) for p in tm._flat_weights]
    assert [[tuple(p.shape) for p in ws] for ws in m.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in tm.all_weights]
    m.flatten_parameters()
    new = flambeau.nn.Parameter(flambeau.zeros(m.weight_hh_l0.shape))
    m.weight_hh_l0 = new
    assert m._flat_weights[1] is new


def test_errors(as_torch):
    for cls in ("RNN", "LSTM", "GRU"):
        m, tm = _pair(cls, 3, 4, 2)
        for shape in [(5, 2, 2, 3), (3,), (5, 2, 7)]:
            raises_like(lambda: m(flambeau.zeros(shape, dtype=flambeau.float64)),
                        lambda: tm(torch.zeros(shape, dtype=torch.float64)))
        x, tx = flambeau.zeros(5, 2, 3, dtype=flambeau.float64), torch.zeros(5, 2, 3,
                                                                             dtype=torch.float64)
        for shape in [(2, 3, 4), (1, 2, 4), (2, 4), (2, 2, 5)]:
            h, th = flambeau.zeros(shape, dtype=flambeau.float64), torch.zeros(
                shape, dtype=torch.float64)
            if cls == "LSTM":
                h, th = (h, h), (th, th)
            raises_like(lambda: m(x, h), lambda: tm(tx, th))
        raises_like(lambda: m(x.float()), lambda: tm(tx.float()))
    for kwargs in [{"dropout": 2}, {"proj_size": 5}, {"proj_size": -1}, {"num_layers": 0},
                   {"bias": 1}, {"hidden_size": 0}]:
        args = {"input_size": 3, "hidden_size": 4, **kwargs}
        raises_like(lambda: flambeau.nn.LSTM(**args), lambda: torch.nn.LSTM(**args))
    raises_like(lambda: flambeau.nn.GRU(3, 4, proj_size=2), lambda: torch.nn.GRU(3, 4, proj_size=2))
    raises_like(lambda: flambeau.nn.RNN(3, 4, nonlinearity="gelu"),
                lambda: torch.nn.RNN(3, 4, nonlinearity="gelu"))
    m, tm = _pair("LSTMCell", 3, 4)
    raises_like(lambda: m(flambeau.zeros(2, 2, 3, dtype=flambeau.float64)),
                lambda: tm(torch.zeros(2, 2, 3, dtype=torch.float64)))
    raises_like(lambda: m(flambeau.zeros(2, 5, dtype=flambeau.float64)),
                lambda: tm(torch.zeros(2, 5, dtype=torch.float64)))


LANGUAGE_MODEL = '''
import torch
import torch.nn as nn

class LM(nn.Module):
    def __init__(self, vocab=30, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=2, dropout=0.2)
        self.out = nn.Linear(hidden, vocab)
        self.out.weight = self.embed.weight  # tied

    def forward(self, x, state=None):
        y, state = self.lstm(self.embed(x), state)
        return self.out(y), state

torch.manual_seed(0)
model = LM()
opt = torch.optim.SGD(model.parameters(), lr=1.0)
text = torch.arange(400) % 30
losses = []
state = None
for step in range(30):
    i = (step * 10) % 360
    x = text[i:i + 35].view(35, 1).repeat(1, 4)
    y = text[i + 1:i + 36].view(35, 1).repeat(1, 4)
    if state is not None:
        state = tuple(s.detach() for s in state)
    logits, state = model(x, state)
    loss = nn.functional.cross_entropy(logits.view(-1, 30), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    opt.step()
    losses.append(loss.item())
import sys
print("flambeau" in sys.modules)
print(" ".join(f"{v:.4f}" for v in losses))
'''


def test_language_model_trains(tmp_path):
    script = tmp_path / "lm.py"
    script.write_text(LANGUAGE_MODEL)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "flambeau", "run", str(script)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ran, losses = done.stdout.split("\n")[:2]
    assert ran == "True"
    losses = [float(v) for v in losses.split()]
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
