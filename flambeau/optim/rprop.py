"""Rprop: resilient backpropagation (the sign of the gradient, per-element step sizes)."""
from .._backend import array_module
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        bump, check_lr, increment, new_scalar, real_view, scratch,
                        zeros_state)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Implements Rprop, as torch.optim.Rprop."""
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
                    state["step_size"] = zeros_state(g, float(_to_scalar(group["lr"])))
                increment(state["step"])
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
