"""Recurrent layers under CPU autocast give torch's dtypes: bfloat16 from nn.LSTM over a padded
input and from nn.RNN / nn.RNNCell (torch composes them of linear), float32 from GRU, a packed
LSTM, LSTMCell and GRUCell; values within bfloat16's rounding of torch's, gradients reach
the float32 parameters."""
import numpy as np
import pytest
import torch

import flambeau

CASES = [("LSTM", {}, False), ("LSTM", {"num_layers": 2, "bidirectional": True,
                                        "batch_first": True}, False),
         ("LSTM", {}, True), ("RNN", {}, False), ("RNN", {"nonlinearity": "relu"}, True),
         ("GRU", {}, False), ("GRU", {}, True)]


def run(lib, name, kwargs, packed, state, x, dtype):
    module = getattr(lib.nn, name)(4, 3, **kwargs)
    module.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    x = lib.tensor(x, requires_grad=True)
    inputs = lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3]) if packed else x
    with lib.autocast("cpu", dtype=dtype):
        out, hidden = module(inputs)
    out = out.data if packed else out
    out.float().sum().backward()
    h = hidden[0] if isinstance(hidden, tuple) else hidden
    return out, h, x.grad, module.weight_ih_l0.grad


@pytest.mark.parametrize("name,kwargs,packed", CASES)
def test_recurrent_layers_under_cpu_autocast(name, kwargs, packed):
    torch.manual_seed(0)
    state = {k: v.numpy() for k, v in getattr(torch.nn, name)(4, 3, **kwargs).state_dict().items()}
    x = np.random.default_rng(0).standard_normal((5, 2, 4), dtype=np.float32)
    ours = run(flambeau, name, kwargs, packed, state, x, flambeau.bfloat16)
    theirs = run(torch, name, kwargs, packed, state, x, torch.bfloat16)
    for a, b in zip(ours, theirs):
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
        np.testing.assert_allclose(a.detach().float().numpy(), b.detach().float().numpy(),
                                   atol=3e-2)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_under_cpu_autocast(name):
    x = np.random.default_rng(1).standard_normal((2, 4), dtype=np.float32)
    dtypes = []
    for lib in (flambeau, torch):
        with lib.autocast("cpu"):
            out = getattr(lib.nn, name)(4, 3)(lib.tensor(x))
        dtypes.append(str((out[0] if isinstance(out, tuple) else out).dtype).split(".")[1])
    assert dtypes[0] == dtypes[1]


def test_double_lstm_is_left_alone():
    with flambeau.autocast("cpu"):
        out, _ = flambeau.nn.LSTM(4, 3).double()(flambeau.randn(5, 2, 4, dtype=flambeau.float64))
    assert out.dtype == flambeau.float64


@pytest.mark.parametrize("name,kwargs,packed", [
    ("GRU", {}, False), ("GRU", {"num_layers": 2, "bidirectional": True}, False),
    ("GRU", {"batch_first": True}, False), ("GRU", {}, True), ("LSTM", {}, True),
    ("LSTM", {"num_layers": 2, "bidirectional": True, "bias": False}, True),
    ("LSTM", {"proj_size": 2}, False), ("LSTM", {"proj_size": 2, "num_layers": 2}, True)])
def test_composed_layers_round_where_torch_does(name, kwargs, packed):
    """torch composes the GRU and the packed or projected LSTM of linear layers (autocast's
    bfloat16, the bias added apart for a strided input) and in-place gate arithmetic in bfloat16
    around a float32 state (a projected h in bfloat16): flambeau's outputs are torch's (the GRU's to the bit; the LSTM's within
    float32 rounding, its sigmoid taken through tanh)."""
    torch.manual_seed(0)
    state = {k: v.numpy() for k, v in getattr(torch.nn, name)(4, 3, **kwargs).state_dict().items()}
    x = np.random.default_rng(0).standard_normal((5, 2, 4), dtype=np.float32)
    ours = run(flambeau, name, kwargs, packed, state, x, flambeau.bfloat16)
    theirs = run(torch, name, kwargs, packed, state, x, torch.bfloat16)
    for a, b in zip(ours[:2], theirs[:2]):
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
        np.testing.assert_allclose(a.detach().float().numpy(), b.detach().float().numpy(),
                                   rtol=0, atol=0 if name == "GRU" else 1e-6)


@pytest.mark.parametrize("name", ["GRUCell", "LSTMCell"])
def test_cells_round_where_torch_does(name):
    x = np.random.default_rng(2).standard_normal((4, 2, 4), dtype=np.float32)
    outs = []
    for lib in (flambeau, torch):
        lib.manual_seed(0)
        cell, state = getattr(lib.nn, name)(4, 3), None
        with lib.autocast("cpu"):
            for row in lib.tensor(x):
                state = cell(row, state)
        outs.append([t.detach().numpy() for t in (state if name == "LSTMCell" else [state])])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=0, atol=0 if name == "GRUCell" else 1e-6)
