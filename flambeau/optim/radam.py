"""RAdam: Adam with a rectified adaptive learning rate."""
from .._backend import array_module
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        addcmul_, bump, check_betas, check_lr_eps, check_nonneg, effective_grad,
                        increment, lerp_, new_scalar, real_view, recorded_adam_views,
                        scratch, zeros_state)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Implements RAdam, as torch.optim.RAdam (``decoupled_weight_decay=True``: RAdamW;
    ``differentiable=True`` runs torch's update in flambeau ops, which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False, "decoupled_weight_decay": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        check_lr_eps(lr, eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            beta1, beta2 = group["betas"]
            lr, eps, weight_decay = _to_scalar(group["lr"]), group["eps"], group["weight_decay"]
            decoupled = group["decoupled_weight_decay"]
            rho_inf = 2 / (1 - beta2) - 1
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                step = increment(state["step"])
                bias_correction2 = 1 - beta2 ** step
                rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5 if rho_t > 5.0 else None
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, lr, 1 - beta1 ** step,
                                     bias_correction2, rect)
                    continue
                data = p._data
                xp = array_module(data)
                if weight_decay != 0 and decoupled:
                    data *= float(1 - lr * weight_decay)
                d = effective_grad(data, g._data, 0 if decoupled else weight_decay,
                                   group["maximize"], xp)
                data, d = real_view(data), real_view(d)
                m, v = real_view(state["exp_avg"]._data), real_view(state["exp_avg_sq"]._data)
                lerp_(m, d, 1 - beta1, xp, 1)
                v *= beta2
                addcmul_(v, d, d, 1 - beta2, xp, 1)
                upd = xp.divide(m, 1 - beta1 ** step, out=scratch(data, 1))
                upd *= float(lr)
                if rect is not None:
                    adaptive = xp.sqrt(v, out=scratch(data, 2))
                    adaptive += eps
                    xp.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
                    upd *= adaptive
                    upd *= rect
                data -= upd
                bump(p), bump(state["exp_avg"]), bump(state["exp_avg_sq"])
        return loss


def _recorded_update(p, g, state, group, lr, bias_correction1, bias_correction2, rect):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    (``rect`` is None while the variance is not yet tractable)."""
    beta1, beta2 = group["betas"]
    p, grad, exp_avg, exp_avg_sq = recorded_adam_views(p, g, state, group, lr)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    update = exp_avg / bias_correction1 * lr
    if rect is not None:
        update = update * (bias_correction2 ** 0.5 / exp_avg_sq.sqrt().add(group["eps"])) * rect
    p.add_(update, alpha=-1.0)
