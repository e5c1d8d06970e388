import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like


def _optimizer(lib, name="SGD", **kwargs):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(3, requires_grad=True)
    kwargs.setdefault("lr", 0.1)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    return getattr(lib.optim, name)(groups, **kwargs), (a, b)


def _plain(values):
    return [float(v) for v in values]


SCHEDULERS = [
    ("LambdaLR", {"lr_lambda": lambda e: 0.95 ** e}),
    ("LambdaLR", {"lr_lambda": [lambda e: 1 / (e + 1), lambda e: 0.9 ** e]}),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9}),
    ("StepLR", {"step_size": 7, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [3, 10, 10, 25], "gamma": 0.3}),
    ("ConstantLR", {"factor": 0.25, "total_iters": 6}),
    ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 12}),
    ("ExponentialLR", {"gamma": 0.93}),
    ("PolynomialLR", {"total_iters": 20, "power": 2.0}),
    ("CosineAnnealingLR", {"T_max": 9, "eta_min": 0.001}),
    ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.002}),
    ("CosineAnnealingWarmRestarts", {"T_0": 4}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": [0.1, 0.2], "step_size_up": 4}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5,
                  "mode": "triangular2"}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "mode": "exp_range",
                  "gamma": 0.97}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 45}),
    ("OneCycleLR", {"max_lr": [0.5, 0.2], "epochs": 5, "steps_per_epoch": 9,
                    "anneal_strategy": "linear", "three_phase": True, "pct_start": 0.25}),
]


def _sequence(lib, name, kwargs, steps=40, optim_kwargs=None):
    opt, _ = _optimizer(lib, **(optim_kwargs or {"momentum": 0.9}))
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    lrs, momenta = [_plain(sched.get_last_lr())], []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(_plain(sched.get_last_lr()))
        momenta.append([g["momentum"] for g in opt.param_groups])
    return lrs, momenta, sched


@pytest.mark.parametrize("name, kwargs", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_lr_sequence_matches_torch(name, kwargs):
    steps = 44 if name == "OneCycleLR" else 40
    ours, our_momenta, sched = _sequence(flambeau, name, kwargs, steps)
    theirs, their_momenta, tsched = _sequence(torch, name, kwargs, steps)
    assert ours == theirs
    assert our_momenta == their_momenta
    assert len({tuple(x) for x in ours}) > 1  # the schedule changed the rate
    state, tstate = sched.state_dict(), tsched.state_dict()
    assert state.keys() == tstate.keys()
    for key in state:
        if not callable(state[key]):
            assert state[key] == tstate[key], key


def test_cyclic_lr_with_adam_cycles_beta1():
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib, "Adam")
        sched = lib.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2)
        betas = []
        for _ in range(6):
            opt.step()
            sched.step()
            betas.append(opt.param_groups[0]["betas"])
        if lib is flambeau:
            ours = betas
    assert ours == betas


def test_state_dict_resumes():
    """A scheduler saved half-way and loaded into a fresh one continues the same sequence."""
    opt, _ = _optimizer(flambeau)
    sched = flambeau.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        opt.step()
        sched.step()
    saved = sched.state_dict()
    opt2, _ = _optimizer(flambeau)
    opt2.load_state_dict(opt.state_dict())
    sched2 = flambeau.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=10)
    sched2.load_state_dict(saved)
    for _ in range(5):
        opt.step(), sched.step(), opt2.step(), sched2.step()
    assert sched.get_last_lr() == sched2.get_last_lr()


def _composites(lib):
    lrs = lib.optim.lr_scheduler
    opt, _ = _optimizer(lib)
    seq = lrs.SequentialLR(opt, [lrs.LinearLR(opt, 0.1, total_iters=5),
                                 lrs.ExponentialLR(opt, 0.9),
                                 lrs.CosineAnnealingLR(opt, T_max=7)], milestones=[5, 15])
    opt2, _ = _optimizer(lib)
    chained = lrs.ChainedScheduler([lrs.ConstantLR(opt2, 0.5, total_iters=4),
                                    lrs.ExponentialLR(opt2, 0.95),
                                    lrs.StepLR(opt2, 6, 0.5)])
    return [(opt, seq), (opt2, chained)]


def test_sequential_and_chained_match_torch():
    ours, theirs = _composites(flambeau), _composites(torch)
    for (opt, sched), (topt, tsched) in zip(ours, theirs):
        assert _plain(sched.get_last_lr()) == _plain(tsched.get_last_lr())
        for _ in range(30):
            opt.step(), sched.step(), topt.step(), tsched.step()
            assert _plain(sched.get_last_lr()) == _plain(tsched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in topt.param_groups]
        assert len(sched.state_dict()["_schedulers"]) == 3


@pytest.mark.parametrize("mode, threshold_mode", [("min", "rel"), ("max", "abs")])
def test_reduce_lr_on_plateau_matches_torch(mode, threshold_mode):
    metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.93, 0.94, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6,
               0.7, 0.7, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2,
               0.2, 0.2]
    seqs = []
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(
            opt, mode=mode, factor=0.5, patience=2, threshold=0.01,
            threshold_mode=threshold_mode, cooldown=1, min_lr=[0.001, 0.02])
        seq = []
        for m in metrics:
            opt.step()
            sched.step(lib.tensor(m))
            seq.append((_plain(sched.get_last_lr()), sched.num_bad_epochs, sched.best))
        seqs.append(seq)
    assert seqs[0] == seqs[1]
    assert len({tuple(s[0]) for s in seqs[0]}) > 1


def test_step_epoch_closed_form_and_warnings():
    results = []
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3, 0.5)
        opt.step()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step(7)
            sched.get_lr()
        results.append((_plain(sched.get_last_lr()), [str(w.message) for w in caught]))
    assert results[0] == results[1]
    assert len(results[0][1]) == 2


def test_warning_when_scheduler_steps_before_optimizer():
    messages = []
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step()
        messages.append([str(w.message) for w in caught])
        opt2, _ = _optimizer(lib)
        sched2 = lib.optim.lr_scheduler.ExponentialLR(opt2, 0.9)
        opt2.step()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched2.step()
        assert not caught
    assert messages[0] == messages[1] and "before `optimizer.step()`" in messages[0][0]


def test_tensor_lr_is_filled_in_place():
    results = []
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib, lr=lib.tensor(0.1))
        lr_tensor = opt.param_groups[0]["lr"]
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step(), sched.step()
        assert opt.param_groups[0]["lr"] is lr_tensor
        results.append(float(lr_tensor))
    assert results[0] == results[1] == float(np.float32(0.05))


ERRORS = [
    ("StepLR", lambda lib, opt: lib.optim.lr_scheduler.StepLR(object(), 3)),
    ("ConstantLR", lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt, factor=2.0)),
    ("LinearLR", lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, start_factor=0)),
    ("LinearLR-end", lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, end_factor=2)),
    ("LambdaLR", lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1])),
    ("MultiplicativeLR", lambda lib, opt: lib.optim.lr_scheduler.MultiplicativeLR(opt, 3)),
    ("WarmRestarts", lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=0)),
    ("WarmRestarts-mult", lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=2, T_mult=0)),
    ("OneCycle", lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, 0.1)),
    ("OneCycle-pct", lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, 0.1, total_steps=10, pct_start=1)),
    ("OneCycle-anneal", lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, 0.1, total_steps=10, anneal_strategy="x")),
    ("CyclicLR-mode", lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(opt, 0.1, 1, mode="x")),
    ("CyclicLR-maxlr", lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(opt, 0.1, [1, 2, 3])),
    ("Plateau-factor", lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1)),
    ("Plateau-mode", lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="x")),
    ("Plateau-minlr", lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, min_lr=[1])),
    ("Sequential-empty", lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(opt, [], [])),
    ("Sequential-milestones", lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.StepLR(opt, 2)], [3])),
    ("Chained-plateau", lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ReduceLROnPlateau(opt)])),
    ("resume", lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, 3, last_epoch=4)),
]


@pytest.mark.parametrize("make", [e[1] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_match_torch(make):
    raises_like(lambda: make(flambeau, _optimizer(flambeau)[0]),
                lambda: make(torch, _optimizer(torch)[0]))


def test_one_cycle_too_many_steps():
    for lib in (flambeau, torch):
        opt, _ = _optimizer(lib, momentum=0.9)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=3)
        for _ in range(3):
            opt.step(), sched.step()
    raises_like(lambda: (_sched_steps(flambeau)), lambda: (_sched_steps(torch)))


def _sched_steps(lib):
    opt, _ = _optimizer(lib, momentum=0.9)
    sched = lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=3)
    for _ in range(4):
        opt.step(), sched.step()
