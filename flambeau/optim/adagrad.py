"""Adagrad."""
import numpy as np

from .._backend import array_module
from .._dtype import float32
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        addcmul_, bump, check_eps, check_fused, check_lr, check_nonneg,
                        effective_grad, increment, new_scalar, real_view, real_views,
                        recorded_grad, scratch, zeros_state)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Implements Adagrad, as torch.optim.Adagrad (dense gradients; ``foreach`` and ``fused``
    run the same in-place kernel; ``differentiable=True`` runs torch's update in flambeau ops,
    which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "fused": None}
    _sparse_error = None

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_nonneg(lr_decay=lr_decay, weight_decay=weight_decay,
                     initial_accumulator_value=initial_accumulator_value)
        check_eps(eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p, group)

    def _init_state(self, state, p, group):
        state["step"] = new_scalar(0.0, float32 if group["fused"] else None)
        state["sum"] = zeros_state(p, self.defaults["initial_accumulator_value"])

    def share_memory(self):
        """Kept for torch's API: NumPy state lives in this process."""

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            weight_decay, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
            for p, g in self._grads(group):
                state = self.state[p]
                if not state:
                    self._init_state(state, p, group)
                step = increment(state["step"])
                if g.is_sparse:
                    _sparse_step(p, g, state["sum"], lr / (1 + (step - 1) * lr_decay),
                                 weight_decay, eps, group["maximize"])
                    continue
                if group["differentiable"]:
                    _recorded_update(p, g, state["sum"], lr / (1 + (step - 1) * lr_decay),
                                     weight_decay, eps, group["maximize"])
                    continue
                data = p._data
                xp = array_module(data)
                d = real_view(effective_grad(data, g._data, weight_decay, group["maximize"], xp))
                data, acc = real_view(data), real_view(state["sum"]._data)
                clr = lr / (1 + (step - 1) * lr_decay)
                addcmul_(acc, d, d, 1, xp, 1)
                std = xp.sqrt(acc, out=scratch(data, 1))
                std += eps
                upd = xp.divide(d, std, out=std)
                upd *= -float(clr)
                data += upd
                bump(p), bump(state["sum"])
        return loss


def _sparse_step(p, g, state_sum, clr, weight_decay, eps, maximize):
    """torch's step for a sparse gradient: the sum of squares and the parameter change at the
    coalesced gradient's entries only."""
    if weight_decay:
        raise RuntimeError("weight_decay option is not compatible with sparse gradients")
    g = (-g if maximize else g).coalesce()
    at, values = tuple(g._ind), g._val
    acc = state_sum._data
    acc[at] += values * values
    p._data[at] += -clr * (values / (np.sqrt(acc[at]) + eps))
    bump(p), bump(state_sum)


def _recorded_update(p, g, state_sum, clr, weight_decay, eps, maximize):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd."""
    p, grad, state_sum = real_views([p, recorded_grad(p, g, weight_decay, maximize), state_sum])
    state_sum.addcmul_(grad, grad, value=1)
    p.addcdiv_(grad, state_sum.sqrt() + eps, value=-clr)
