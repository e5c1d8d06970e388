"""The Optimizer base: groups, errors, hooks, zero_grad, state dicts, printing; float32 and
complex parameters."""
import copy
import importlib
import pickle

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like
from _problem import START, convert, run, to_numpy

ALL = ["Adafactor", "SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
       "RMSprop", "Rprop", "ASGD", "LBFGS", "SparseAdam"]


def _base(lib):
    """``torch.optim.optimizer`` (which torch.optim does not keep as an attribute)."""
    return importlib.import_module(lib.__name__ + ".optim.optimizer")


def _leaf(lib, n=3):
    return lib.ones(n, requires_grad=True)


BAD_ARGS = [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(momentum=-1)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1)), ("Adam", dict(eps=-1)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1)),
    ("Adam", dict(betas=(0, 0.9))), ("AdamW", dict(betas=(0.9, 1.5))),
    ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)),
    ("Adagrad", dict(eps=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
    ("Adamax", dict(betas=(0.9, 2.0))), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(weight_decay=-0.1)), ("RMSprop", dict(alpha=-1)),
    ("RMSprop", dict(momentum=-1)), ("Rprop", dict(etas=(1.5, 1.2))),
    ("ASGD", dict(weight_decay=-1)), ("LBFGS", dict(lr=-1)), ("SparseAdam", dict(lr=0)),
    ("SparseAdam", dict(eps=0)), ("Adam", dict(fused=True, foreach=True)),
    ("SGD", dict(fused=True, differentiable=True)), ("Adafactor", dict(lr=-1)),
    ("Adafactor", dict(beta2_decay=0.1)), ("Adafactor", dict(eps=(-1, 0.1))),
    ("Adafactor", dict(eps=(None, -1))), ("Adafactor", dict(d=0.5)),
    ("Adafactor", dict(weight_decay=-1)),
]


@pytest.mark.parametrize("name, kwargs", BAD_ARGS, ids=[f"{n}-{k}" for n, k in BAD_ARGS])
def test_bad_hyper_parameters_raise_as_torch(name, kwargs):
    raises_like(lambda: getattr(flambeau.optim, name)([_leaf(flambeau)], **kwargs),
                lambda: getattr(torch.optim, name)([_leaf(torch)], **kwargs))


def _bad_params(lib):
    a, b = _leaf(lib), _leaf(lib)
    return {
        "two-groups": lambda: lib.optim.SGD([{"params": [a]}, {"params": [a, b]}], lr=0.1),
        "non-leaf": lambda: lib.optim.SGD([a * 2], lr=0.1),
        "empty": lambda: lib.optim.Adam([]),
        "tensor": lambda: lib.optim.Adam(a),
        "set": lambda: lib.optim.Adam([{"params": {a}}]),
        "not-tensor": lambda: lib.optim.Adam([a, 3]),
        "not-dict": lambda: lib.optim.Adam([a]).add_param_group([b]),
        "names-mixed": lambda: lib.optim.Adam([("a", a), b]),
        "names-groups": lambda: lib.optim.Adam([{"params": [("a", a)]}, {"params": [b]}]),
        "lbfgs-groups": lambda: lib.optim.LBFGS([{"params": [a]}, {"params": [b]}]),
        "sparse-adam-complex": lambda: lib.optim.SparseAdam(
            [lib.zeros(2, dtype=lib.complex64, requires_grad=True)]),
        "required": lambda: lib.optim.Optimizer([a], {"lr": _base(lib).required}),
    }


@pytest.mark.parametrize("case", list(_bad_params(flambeau)))
def test_bad_parameters_raise_as_torch(case, as_torch):
    raises_like(_bad_params(flambeau)[case], _bad_params(torch)[case])


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
                                  "Rprop", "ASGD", "Adadelta"])
def test_capturable_on_cpu_raises_at_step_as_torch(name):
    def make(lib):
        p = _leaf(lib)
        p.grad = lib.ones(3)
        return getattr(lib.optim, name)([p], capturable=True)
    raises_like(lambda: make(flambeau).step(), lambda: make(torch).step())


def test_sparse_adam_dense_gradient_raises_as_torch():
    def make(lib):
        p = _leaf(lib)
        p.grad = lib.ones(3)
        return lib.optim.SparseAdam([p])
    raises_like(lambda: make(flambeau).step(), lambda: make(torch).step())


def test_duplicate_parameter_warns():
    a = _leaf(flambeau)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        flambeau.optim.SGD([a, a], lr=0.1)


@pytest.mark.parametrize("name", ALL)
def test_repr_and_defaults_match_torch(name):
    kwargs = {} if name != "SGD" else {"lr": 0.1}
    ours = getattr(flambeau.optim, name)([_leaf(flambeau)], **kwargs)
    theirs = getattr(torch.optim, name)([_leaf(torch)], **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults


def test_groups_defaults_and_add_param_group():
    for lib in (flambeau, torch):
        a, b, c = _leaf(lib), _leaf(lib), _leaf(lib)
        opt = lib.optim.SGD([{"params": a}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": (c,), "weight_decay": 0.1})
        groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
        if lib is flambeau:
            ours = groups
    assert ours == groups


def test_named_parameters_are_kept_in_state_dict():
    sds = []
    for lib in (flambeau, torch):
        a, b = _leaf(lib), _leaf(lib)
        opt = lib.optim.Adam([("w", a), ("b", b)])
        sds.append(opt.state_dict()["param_groups"])
    assert sds[0] == sds[1]
    assert sds[0][0]["param_names"] == ["w", "b"]


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    a = _leaf(flambeau)
    (a * a).sum().backward()
    grad = a.grad
    version = grad._version
    flambeau.optim.SGD([a], lr=0.1).zero_grad(set_to_none=set_to_none)
    if set_to_none:
        assert a.grad is None
    else:
        assert a.grad is grad and grad.tolist() == [0.0, 0.0, 0.0]
        assert grad._version > version


def test_closure_loss_is_returned():
    for name in ("SGD", "Adam", "LBFGS"):
        a = _leaf(flambeau)

        def closure():
            a.grad = None
            loss = (a * a).sum()
            loss.backward()
            return loss
        loss = getattr(flambeau.optim, name)([a], lr=0.1).step(closure)
        assert float(loss) == 3.0
        assert loss.requires_grad  # the closure ran with grad enabled


def test_step_runs_without_grad_and_bumps_versions():
    a = _leaf(flambeau)
    y = a * a  # saves a
    a.grad = flambeau.ones(3)
    opt = flambeau.optim.Adam([a])
    version = a._version
    opt.step()
    assert a._version > version
    assert opt.state[a]["exp_avg"]._version > 0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def _hook_log(lib):
    log = []
    a = _leaf(lib)
    a.grad = lib.ones(3)
    opt = lib.optim.SGD([a], lr=0.1)

    def pre(o, args, kwargs):
        log.append(("pre", type(o).__name__, args, dict(kwargs)))

    def pre_replacing(o, args, kwargs):
        log.append("replacing")
        return args, {}

    def post(o, args, kwargs):
        log.append(("post", args, dict(kwargs)))

    handles = [opt.register_step_pre_hook(pre), opt.register_step_pre_hook(pre_replacing),
               opt.register_step_post_hook(post),
               _base(lib).register_optimizer_step_pre_hook(lambda *a: log.append("g-pre")),
               _base(lib).register_optimizer_step_post_hook(
                   lambda *a: log.append("g-post"))]
    opt.step(closure=None)
    for h in handles:
        h.remove()
    opt.step()
    log.append(float(a.detach()[0]))
    handles = [opt.register_state_dict_pre_hook(lambda o: log.append("sd-pre")),
               opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1}),
               opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("load-pre")),
               opt.register_load_state_dict_post_hook(lambda o: log.append("load-post"),
                                                      prepend=True)]
    sd = opt.state_dict()
    log.append(sorted(sd))
    opt.load_state_dict(sd)
    return [x if not isinstance(x, tuple) else tuple(str(y) for y in x) for x in log]


def test_hooks_run_as_in_torch():
    assert _hook_log(flambeau) == _hook_log(torch)


def test_load_state_dict_casts_to_parameter_dtype_and_checks_groups():
    t = torch.ones(3, dtype=torch.float64, requires_grad=True)
    t.grad = torch.ones(3, dtype=torch.float64)
    topt = torch.optim.Adam([t])
    topt.step()
    a = flambeau.ones(3, requires_grad=True)  # float32
    opt = flambeau.optim.Adam([a])
    opt.load_state_dict(convert(topt.state_dict(), flambeau))
    assert opt.state[a]["exp_avg"].dtype == flambeau.float32
    assert opt.state[a]["step"].dtype == flambeau.float32
    raises_like(lambda: flambeau.optim.Adam([a, _leaf(flambeau)]).load_state_dict(
        opt.state_dict()), lambda: torch.optim.Adam([t, _leaf(torch)]).load_state_dict(
        topt.state_dict()))
    raises_like(lambda: flambeau.optim.Adam([{"params": [a]}, {"params": [_leaf(flambeau)]}])
                .load_state_dict(opt.state_dict()),
                lambda: torch.optim.Adam([{"params": [t]}, {"params": [_leaf(torch)]}])
                .load_state_dict(topt.state_dict()))


def test_pickle_and_deepcopy():
    params, opt = run(flambeau, "Adam", dict(lr=0.05), steps=3)
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert clone.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
        state = list(clone.state.values())[0]
        assert float(state["step"]) == 3.0


@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
                                          ("Adam", dict(lr=0.05, amsgrad=True)),
                                          ("RMSprop", dict(lr=0.01, centered=True)),
                                          ("Adagrad", dict(lr=0.1)), ("NAdam", dict(lr=0.05))])
def test_float32_trajectories(name, kwargs):
    def run32(lib):
        params = [lib.tensor(a.astype(np.float32), requires_grad=True) for a in START]
        opt = getattr(lib.optim, name)(params, **kwargs)
        from _problem import loss_and_grads
        for _ in range(25):
            _, grads = loss_and_grads([to_numpy(p).astype(np.float64) for p in params])
            for p, g in zip(params, grads):
                p.grad = lib.tensor(g.astype(np.float32))
            opt.step()
        return params, opt
    ours, opt = run32(flambeau)
    theirs, _ = run32(torch)
    for a, b in zip(ours, theirs):
        assert a.dtype == flambeau.float32
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-6)
    for state in opt.state.values():
        for value in state.values():
            if isinstance(value, flambeau.Tensor) and value.dim():
                assert value.dtype == flambeau.float32


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax",
                                  "NAdam", "RAdam", "RMSprop", "Rprop", "ASGD"])
def test_complex_parameters_match_torch(name):
    rng = np.random.default_rng(1)
    start = rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3))
    extra = {"SGD": dict(momentum=0.9), "RMSprop": dict(centered=True, momentum=0.5)}
    results = []
    for lib in (flambeau, torch):
        p = lib.tensor(start.copy(), requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=0.01, weight_decay=0.1, **extra.get(name, {})) \
            if name != "Rprop" else lib.optim.Rprop([p], lr=0.01)
        for _ in range(10):
            p.grad = lib.tensor(to_numpy(p) ** 2 - 0.5 + 0.1j)
            opt.step()
        results.append(to_numpy(p))
    np.testing.assert_allclose(results[0], results[1], rtol=0, atol=1e-10)


def test_per_group_learning_rates_match_torch():
    groups = [{"params": [0], "lr": 0.1}, {"params": [1, 2], "momentum": 0.5}]
    ours, _ = run(flambeau, "SGD", dict(lr=0.01, momentum=0.9), groups=groups)
    theirs, _ = run(torch, "SGD", dict(lr=0.01, momentum=0.9), groups=groups)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=1e-10)


def test_parameters_without_grad_are_skipped():
    a, b = _leaf(flambeau), _leaf(flambeau)
    a.grad = flambeau.ones(3)
    opt = flambeau.optim.Adam([a, b])
    opt.step()
    assert b not in opt.state and b.tolist() == [1.0, 1.0, 1.0]
    assert list(opt.state_dict()["state"]) == [0]


def test_classes_print_as_torch(as_torch):
    names = [n for n in torch.optim.__all__ if n[0].isupper() and hasattr(flambeau.optim, n)]
    assert len(names) == 15  # all but Muon
    for lib_path in [f"optim.{n}" for n in names] + [
            f"optim.lr_scheduler.{n}" for n in torch.optim.lr_scheduler.__all__] + [
            "optim.swa_utils.AveragedModel", "optim.swa_utils.SWALR"]:
        ours, theirs = flambeau, torch
        for part in lib_path.split("."):
            ours, theirs = getattr(ours, part), getattr(theirs, part)
        assert repr(ours) == repr(theirs)


def test_missing_name_says_so():
    with pytest.raises(AttributeError, match="flambeau.optim.Muon is not implemented"):
        flambeau.optim.Muon
