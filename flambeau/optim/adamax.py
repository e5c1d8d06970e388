"""Adamax: Adam with the infinity norm."""
from .._backend import array_module
from .._ops.joining import cat
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        bump, check_betas, check_lr_eps, check_nonneg, effective_grad, increment,
                        lerp_, new_scalar, real_view, real_views, recorded_grad, scratch,
                        zeros_state)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Implements Adamax, as torch.optim.Adamax (``differentiable=True`` runs torch's update in
    flambeau ops, which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_lr_eps(lr, eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            beta1, beta2 = group["betas"]
            lr, eps = _to_scalar(group["lr"]), group["eps"]
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["exp_avg"] = zeros_state(p)
                    state["exp_inf"] = zeros_state(p)
                step = increment(state["step"])
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, lr / (1 - beta1 ** step))
                    continue
                data = p._data
                xp = array_module(data)
                d = real_view(effective_grad(data, g._data, group["weight_decay"],
                                             group["maximize"], xp))
                data = real_view(data)
                m, u = real_view(state["exp_avg"]._data), real_view(state["exp_inf"]._data)
                lerp_(m, d, 1 - beta1, xp, 1)
                u *= beta2
                t = xp.abs(d, out=scratch(data, 1))
                t += eps
                xp.maximum(u, t, out=u)
                upd = xp.divide(m, u, out=t)
                upd *= -float(lr / (1 - beta1 ** step))
                data += upd
                bump(p), bump(state["exp_avg"]), bump(state["exp_inf"])
        return loss


def _recorded_update(p, g, state, group, clr):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    (the running maximum as torch's ``amax`` over a stack)."""
    beta1, beta2 = group["betas"]
    p, grad, exp_avg, exp_inf = real_views(
        [p, recorded_grad(p, g, group["weight_decay"], group["maximize"]), state["exp_avg"],
         state["exp_inf"]])
    exp_avg.lerp_(grad, 1 - beta1)
    norm_buf = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(group["eps"]).unsqueeze_(0)])
    exp_inf.copy_(norm_buf.amax(0))
    p.addcdiv_(exp_avg, exp_inf, value=-clr)
