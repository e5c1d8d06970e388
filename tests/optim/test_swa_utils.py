import numpy as np
import pytest
import torch

import flambeau


def _models(seed=0):
    """The same Linear(4, 3) in both libraries."""
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    models = []
    for lib in (flambeau, torch):
        m = lib.nn.Linear(4, 3).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(w))
            m.bias.copy_(lib.tensor(b))
        models.append(m)
    return models


def _averages(lib, model, steps=6, **kwargs):
    swa = lib.optim.swa_utils
    for name in ("avg_fn", "multi_avg_fn"):  # factories named as strings: build them here
        if isinstance(kwargs.get(name), str):
            kwargs[name] = getattr(swa, kwargs[name])(**({"decay": 0.9} if "ema" in kwargs[name]
                                                           else {}))
    averaged = swa.AveragedModel(model, **kwargs)
    for i in range(steps):
        with lib.no_grad():
            for p in model.parameters():
                p.mul_(0.9).add_(0.1 * (i + 1))
        averaged.update_parameters(model)
    return averaged


@pytest.mark.parametrize("kwargs", [{}, {"avg_fn": "get_ema_avg_fn"},
                                    {"multi_avg_fn": "get_ema_multi_avg_fn"},
                                    {"multi_avg_fn": "get_swa_multi_avg_fn"},
                                    {"use_buffers": True}],
                         ids=["swa", "ema", "ema-multi", "swa-multi", "buffers"])
def test_averaged_model_matches_torch(kwargs):
    ours_model, their_model = _models()
    ours = _averages(flambeau, ours_model, **dict(kwargs))
    theirs = _averages(torch, their_model, **dict(kwargs))
    assert int(ours.n_averaged) == int(theirs.n_averaged) == 6
    for (name, a), (tname, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert name == tname
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-12)
    x = np.ones((2, 4))
    np.testing.assert_allclose(ours(flambeau.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=1e-12)
    assert repr(ours) == repr(theirs).replace("torch", "flambeau")


def test_averaged_model_rejects_two_functions():
    model = flambeau.nn.Linear(2, 2)
    swa = flambeau.optim.swa_utils
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa.AveragedModel(model, avg_fn=swa.get_swa_avg_fn(),
                          multi_avg_fn=swa.get_swa_multi_avg_fn())
    with pytest.raises(ValueError, match=r"Invalid decay value 2 provided"):
        swa.get_ema_avg_fn(2)


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05, anneal_epochs=5),
                                    dict(swa_lr=[0.05, 0.01], anneal_epochs=3,
                                         anneal_strategy="linear"),
                                    dict(swa_lr=0.02, anneal_epochs=0)])
def test_swalr_matches_torch(kwargs):
    seqs = []
    for lib in (flambeau, torch):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=0.1)
        sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
        seq = [sched.get_last_lr()]
        for _ in range(10):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]


def test_swalr_errors():
    opt = flambeau.optim.SGD([flambeau.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        flambeau.optim.swa_utils.SWALR(opt, 0.1, anneal_strategy="x")
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0, got -1"):
        flambeau.optim.swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)


@pytest.mark.skipif(not hasattr(flambeau.nn, "BatchNorm1d"), reason="needs nn.BatchNorm1d")
def test_update_bn_matches_torch():
    data = [np.random.default_rng(i).normal(size=(8, 3)) * (i + 1) for i in range(4)]
    stats = []
    for lib in (flambeau, torch):
        model = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3)).double()
        with lib.no_grad():
            model[0].weight.copy_(lib.eye(3, dtype=lib.float64))
            model[0].bias.zero_()
        model.eval()
        lib.optim.swa_utils.update_bn([(lib.tensor(x), 0) for x in data], model)
        bn = model[1]
        stats.append((bn.running_mean.numpy(), bn.running_var.numpy(), model.training,
                      bn.momentum))
    np.testing.assert_allclose(stats[0][0], stats[1][0], atol=1e-12)
    np.testing.assert_allclose(stats[0][1], stats[1][1], atol=1e-12)
    assert stats[0][2:] == stats[1][2:]
