"""Rprop: resilient backpropagation (the sign of the gradient, per-element step sizes)."""
from .._backend import array_module
from .._ops.creation import full_like
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        bump, check_lr, increment, new_scalar, real_view, real_views, scratch,
                        zeros_state)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Implements Rprop, as torch.optim.Rprop
    (``differentiable=True`` runs torch's update in flambeau ops, which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["prev"] = zeros_state(p)
                    lr = group["lr"]  # (a tensor that requires grad: torch's TypeError)
                    state["step_size"] = full_like(
                        g, complex(lr, lr) if p.is_complex() else _to_scalar(lr))
                increment(state["step"])
                if group["differentiable"]:
                    _recorded_update(p, g, state, group)
                    continue
                data = p._data
                xp = array_module(data)
                gd = real_view(g._data)
                d = scratch(gd)  # the gradient, changed below before it becomes ``prev``
                if group["maximize"]:
                    xp.negative(gd, out=d)
                else:
                    d[...] = gd
                data, prev = real_view(data), real_view(state["prev"]._data)
                step_size = real_view(state["step_size"]._data)
                sign = xp.multiply(d, prev, out=scratch(d, 1))
                factor = scratch(d, 2)
                factor.fill(1)
                xp.copyto(factor, etaplus, where=sign > 0)
                xp.copyto(factor, etaminus, where=sign < 0)
                step_size *= factor
                xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                xp.copyto(d, 0, where=factor == etaminus)
                xp.sign(d, out=sign)
                sign *= step_size
                data -= sign
                prev[...] = d
                bump(p), bump(state["prev"]), bump(state["step_size"])
        return loss


def _recorded_update(p, g, state, group):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    (the step sizes' factors written through boolean masks, as torch's)."""
    etaminus, etaplus = group["etas"]
    p, grad, prev, step_size = real_views(
        [p, -g if group["maximize"] else g, state["prev"], state["step_size"]])
    sign = grad.mul(prev.clone()).sign()
    sign[sign.gt(0)] = etaplus
    sign[sign.lt(0)] = etaminus
    sign[sign.eq(0)] = 1
    step_size.mul_(sign).clamp_(*group["step_sizes"])
    grad = grad.clone()
    grad[sign.eq(etaminus)] = 0
    p.addcmul_(grad.sign(), step_size, value=-1)
    prev.copy_(grad)
