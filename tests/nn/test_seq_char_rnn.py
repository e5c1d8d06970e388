"""The tutorial's Linear-based char-RNN step (cat of input and hidden, i2h/i2o, LogSoftmax,
NLLLoss, manual SGD) against torch: losses and every parameter's gradient over a few steps, and
the gradients cat hands back independent of each other."""
import numpy as np
import torch

import flambeau
from conftest import assert_same


def _model(lib):
    class RNN(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.i2h = lib.nn.Linear(57 + 128, 128)
            self.i2o = lib.nn.Linear(57 + 128, 18)
            self.softmax = lib.nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            combined = lib.cat((input, hidden), 1)
            return self.softmax(self.i2o(combined)), self.i2h(combined)
    lib.manual_seed(0)
    return RNN().double()


def test_char_rnn_steps_as_torch():
    letters = np.random.default_rng(0).integers(0, 57, 8)
    line = np.zeros((8, 1, 57))
    line[np.arange(8), 0, letters] = 1
    models = [_model(lib) for lib in (flambeau, torch)]
    for step in range(3):
        results = []
        for lib, rnn in zip((flambeau, torch), models):
            hidden = lib.zeros(1, 128, dtype=lib.float64)
            rnn.zero_grad()
            x = lib.tensor(line)
            for i in range(8):
                output, hidden = rnn(x[i], hidden)
            loss = lib.nn.NLLLoss()(output, lib.tensor([step]))
            loss.backward()
            results.append((loss, [p.grad.clone() for p in rnn.parameters()]))
            for p in rnn.parameters():
                p.data.add_(p.grad.data, alpha=-0.005)
        (loss, grads), (tloss, tgrads) = results
        assert_same(loss, tloss, rtol=1e-12, atol=1e-12)
        for g, tg in zip(grads, tgrads):
            assert_same(g, tg, rtol=1e-10, atol=1e-12)


def test_cat_gradients_are_separate():
    a, b = flambeau.ones(2, 3, requires_grad=True), flambeau.ones(2, 2, requires_grad=True)
    out = flambeau.cat((a, b), 1)
    out.retain_grad()
    (out * flambeau.arange(10.).view(2, 5)).sum().backward()
    a.grad.add_(100)
    assert b.grad.tolist() == [[3.0, 4.0], [8.0, 9.0]]
    assert out.grad.tolist() == [[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0]]
    assert a.grad.stride() == (3, 1) and b.grad.stride() == (2, 1)
