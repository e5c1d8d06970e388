"""differentiable=True: the step is recorded by autograd, as torch's; gradients through several
steps (to the initial parameters, the gradients fed in and the learning rate) agree."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

CASES = [("Adam", {}), ("Adam", {"amsgrad": True}), ("Adam", {"weight_decay": 0.1}),
         ("Adam", {"maximize": True, "betas": (0.8, 0.999)}),
         ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
         ("AdamW", {"amsgrad": True}), ("SGD", {}), ("SGD", {"momentum": 0.9}),
         ("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
         ("SGD", {"momentum": 0.5, "dampening": 0.3, "maximize": True}),
         ("RMSprop", {}), ("RMSprop", {"centered": True, "weight_decay": 0.1}),
         ("RMSprop", {"momentum": 0.9, "maximize": True}),
         ("RMSprop", {"momentum": 0.5, "centered": True}),
         ("Adagrad", {}), ("Adagrad", {"lr_decay": 0.1, "weight_decay": 0.1, "maximize": True}),
         ("Adagrad", {"initial_accumulator_value": 0.5}), ("Adamax", {}),
         ("Adamax", {"weight_decay": 0.1, "maximize": True, "betas": (0.8, 0.999)}),
         ("NAdam", {}), ("NAdam", {"weight_decay": 0.1, "maximize": True}),
         ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.1}),
         ("RAdam", {}), ("RAdam", {"betas": (0.5, 0.6), "weight_decay": 0.1, "maximize": True}),
         ("RAdam", {"betas": (0.5, 0.6), "weight_decay": 0.1, "decoupled_weight_decay": True}),
         ("Rprop", {}), ("Rprop", {"maximize": True, "etas": (0.3, 1.5),
                                   "step_sizes": (1e-3, 0.06)}),
         ("ASGD", {}), ("ASGD", {"t0": 1, "lambd": 0.1, "weight_decay": 0.1, "maximize": True}),
         ("Adadelta", {}), ("Adadelta", {"rho": 0.5, "weight_decay": 0.1, "maximize": True})]


def _run(lib, name, kwargs, w0, grads, dtype, tensor_lr):
    """Two steps on a non-leaf parameter (a function of the leaf ``w``): a first from a constant
    gradient, then one whose gradient depends on ``g`` and on the parameter (as in torch,
    autograd through a state written by a later step raises); returns the parameter, the
    leaves and the optimizer."""
    w = lib.tensor(w0, dtype=dtype, requires_grad=True)
    g = lib.tensor(grads, dtype=dtype, requires_grad=True)
    lr = lib.tensor(0.05, dtype=dtype, requires_grad=True) if tensor_lr else 0.05
    p = w * 1.0
    opt = getattr(lib.optim, name)([p], lr=lr, differentiable=True, **kwargs)
    p.grad = g[0].detach()
    opt.step()
    p.grad = g[1] + 0.5 * p  # (a product with p would save p, which the step changes)
    opt.step()
    return p, (w, g, lr) if tensor_lr else (w, g), opt


@pytest.mark.parametrize("name,kwargs", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("tensor_lr", [True, False])
def test_gradients_through_steps_match_torch(name, kwargs, dtype, tensor_lr):
    rng = np.random.default_rng(3)
    w0, grads = rng.standard_normal(4), rng.standard_normal((2, 4))
    tol = 1e-10 if dtype == "float64" else 1e-5
    try:
        theirs, leaves_t, opt_t = _run(torch, name, kwargs, w0, grads, getattr(torch, dtype),
                                       tensor_lr)
    except TypeError:  # (some updates take the learning rate as a number only, as torch's)
        raises_like(lambda: _run(flambeau, name, kwargs, w0, grads, getattr(flambeau, dtype),
                                 tensor_lr),
                    lambda: _run(torch, name, kwargs, w0, grads, getattr(torch, dtype), tensor_lr))
        return
    ours, leaves_f, opt_f = _run(flambeau, name, kwargs, w0, grads, getattr(flambeau, dtype),
                                 tensor_lr)
    assert_same(ours, theirs, rtol=tol, atol=tol)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    try:  # (torch refuses some: a buffer saved by the first step's graph changed in the second)
        (theirs * theirs).sum().backward()
    except RuntimeError as refused:
        with pytest.raises(RuntimeError) as ours_refused:
            (ours * ours).sum().backward()
        # (the same refusal; which saved tensor it names depends on the order of the checks)
        assert str(ours_refused.value).split(", which")[0].replace("flambeau.", "torch.") == \
            str(refused).split(", which")[0]
        return
    (ours * ours).sum().backward()
    for a, b in zip(leaves_f, leaves_t):
        if b.grad is None:  # (ASGD's learning rate reaches its eta state, read as a number)
            assert a.grad is None
        else:
            assert_same(a.grad, b.grad, rtol=tol, atol=tol)
    for key in opt_t.state[theirs]:
        assert_same(opt_f.state[ours][key], opt_t.state[theirs][key], rtol=tol, atol=tol)


def test_leaf_parameter_raises_as_torch():
    def step(lib):
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.ones(3)
        return lib.optim.Adam([p], differentiable=True).step
    raises_like(step(flambeau), step(torch))


def test_inplace_chain_into_a_tensor_without_grad():
    """Adadelta's ``delta.div_(std).mul_(grad)``: an in-place op on a tensor that requires no
    grad, by one that does, saves the tensor's old values for the other's gradient (the chain
    used to fail backward: the saved tensor had been overwritten by the next op)."""
    def run(lib):
        s, g = (lib.tensor(v, dtype=lib.float64, requires_grad=True)
                for v in ([1.0, 2.0, 3.0], [0.5, -0.2, 0.1]))
        d = lib.tensor([4.0, 5.0, 6.0], dtype=lib.float64).add(1).sqrt_().clone()
        d.div_(s * 1).mul_(g * 2).add_(s)
        (d * d).sum().backward()
        return d, s.grad, g.grad
    for ours, theirs in zip(run(flambeau), run(torch)):
        assert_same(ours, theirs, rtol=1e-12, atol=1e-12)


def test_tensor_of_a_python_float_is_exact_in_double():
    """(a 0-d float64 learning rate was rounded through float32, which parted the steps)"""
    assert flambeau.tensor(0.05, dtype=flambeau.float64).item() == \
        torch.tensor(0.05, dtype=torch.float64).item() == 0.05
    assert flambeau.tensor(0.1 + 0.2j, dtype=flambeau.complex128).item() == 0.1 + 0.2j
    assert flambeau.tensor(1e40).item() == float("inf")
