import numpy as np
import pytest
import torch

import flambeau
from _problem import START, advance, convert, run, to_numpy

CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True)),
    ("SGD", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.3, 0.9))),
    ("Adam", dict(lr=0.05, fused=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, amsgrad=True, maximize=True, weight_decay=0.3)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1,
                     maximize=True)),
    ("Adagrad", dict(lr=0.1, fused=True)),
    ("Adadelta", dict(lr=1.0)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True, betas=(0.6, 0.9))),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, betas=(0.9, 0.7))),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, centered=True, alpha=0.9, maximize=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1), maximize=True)),
    ("ASGD", dict(lr=0.02)),
    ("ASGD", dict(lr=0.02, t0=5, lambd=0.01, alpha=0.5, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(lr=0.05)),
    ("Adafactor", dict(lr=0.05, weight_decay=0.1, eps=(1e-4, 1e-2), d=1.5, beta2_decay=-0.5,
                       maximize=True)),
    ("LBFGS", dict(lr=0.5, max_iter=3)),
    ("LBFGS", dict(lr=1, max_iter=4, history_size=3, line_search_fn="strong_wolfe")),
]


def _ids(case):
    return case[0] + "-" + "-".join(f"{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_trajectory_matches_torch(case):
    name, kwargs = case
    ours, opt = run(flambeau, name, kwargs)
    theirs, topt = run(torch, name, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=1e-10)
    assert np.abs(to_numpy(ours[0]) - START[0]).max() > 1e-3  # the parameters moved
    # state dicts: same structure and values, and each loads into the other library
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == convert(tsd["param_groups"], flambeau)
    assert sd["state"].keys() == tsd["state"].keys()
    for k in sd["state"]:
        assert sd["state"][k].keys() == tsd["state"][k].keys()
        for key, v in sd["state"][k].items():
            assert_state_equal(v, tsd["state"][k][key])


def assert_state_equal(v, tv):
    """A state entry equals torch's: tensors in the same dtype and shape, lists entry by
    entry, numbers by value."""
    if isinstance(tv, (list, tuple)):
        assert type(v) is type(tv) and len(v) == len(tv)
        for a, b in zip(v, tv):
            assert_state_equal(a, b)
    elif isinstance(tv, torch.Tensor):
        assert isinstance(v, flambeau.Tensor)
        assert str(v.dtype).split(".")[-1] == str(tv.dtype).split(".")[-1]
        assert tuple(v.shape) == tuple(tv.shape)
        np.testing.assert_allclose(to_numpy(v), to_numpy(tv), rtol=1e-10, atol=1e-10)
    elif tv is None or isinstance(tv, bool):
        assert v is tv
    else:
        assert type(v) is type(tv)
        np.testing.assert_allclose(v, tv, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_state_dict_round_trip(case):
    """10 steps in torch, the state loaded into flambeau, 10 more steps in each: equal."""
    name, kwargs = case
    tparams, topt = run(torch, name, kwargs, steps=10)
    params = [flambeau.tensor(to_numpy(p), requires_grad=True) for p in tparams]
    opt = getattr(flambeau.optim, name)(params, **kwargs)
    opt.load_state_dict(convert(topt.state_dict(), flambeau))
    back = getattr(torch.optim, name)(tparams, **kwargs)
    back.load_state_dict(convert(opt.state_dict(), torch))
    advance(flambeau, opt, params, 10)
    advance(torch, back, tparams, 10)
    for a, b in zip(params, tparams):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=1e-10)


TENSOR_HYPER = [
    ("SGD", dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    ("Adam", dict(lr=[0.05], weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adamax", dict(lr=0.05)), ("NAdam", dict(lr=0.05, weight_decay=0.1,
                                              decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)), ("Rprop", dict(lr=0.02)),
    ("RMSprop", dict(lr=0.01, momentum=0.5)), ("Adadelta", dict(lr=0.5)),
    ("Adafactor", dict(lr=0.05, weight_decay=0.1)), ("LBFGS", dict(lr=0.5, max_iter=3)),
    # float32 powers of tensor hyper-parameters: flambeau's ** differs from torch's by an ulp
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), atol=1e-7)),
    ("ASGD", dict(lr=0.02, t0=3, atol=1e-7)),
]


@pytest.mark.parametrize("name, kwargs", TENSOR_HYPER, ids=[_ids(c) for c in TENSOR_HYPER])
def test_tensor_hyper_parameters_round_as_torch(name, kwargs):
    """A float32 tensor lr (or betas, weight_decay) makes torch compute the step's scalars in
    float32: flambeau rounds them the same way."""
    kwargs = dict(kwargs)
    atol = kwargs.pop("atol", 1e-10)
    tensors = {k: (torch.tensor(v) if k in ("lr", "weight_decay") else
                   tuple(torch.tensor(b) for b in v) if k == "betas" else v)
               for k, v in kwargs.items()}
    ours, _ = run(flambeau, name, convert(tensors, flambeau))
    theirs, _ = run(torch, name, tensors)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=atol)
