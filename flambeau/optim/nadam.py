"""NAdam: Adam with Nesterov momentum."""
from .._backend import array_module
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        addcmul_, bump, check_betas, check_lr_eps, check_nonneg, effective_grad,
                        increment, lerp_, new_scalar, real_view, recorded_adam_views,
                        scratch, zeros_state)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Implements NAdam, as torch.optim.NAdam (``decoupled_weight_decay=True``: NAdamW;
    ``differentiable=True`` runs torch's update in flambeau ops, which autograd records)."""
    _group_defaults = {"maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "decoupled_weight_decay": False}
    _tensor_state = ("step", "mu_product")
    _capturable_names = "params, mu_products and state_steps"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_lr_eps(lr, eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            beta1, beta2 = group["betas"]
            lr, eps, weight_decay = _to_scalar(group["lr"]), group["eps"], group["weight_decay"]
            momentum_decay = group["momentum_decay"]
            decoupled = group["decoupled_weight_decay"]
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["mu_product"] = new_scalar(1.0)
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                step = increment(state["step"])
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, lr, step, mu, mu_next)
                    continue
                data = p._data
                xp = array_module(data)
                if weight_decay != 0 and decoupled:
                    data *= float(1 - lr * weight_decay)
                d = effective_grad(data, g._data, 0 if decoupled else weight_decay,
                                   group["maximize"], xp)
                data, d = real_view(data), real_view(d)
                m, v = real_view(state["exp_avg"]._data), real_view(state["exp_avg_sq"]._data)
                mu_product = state["mu_product"]
                mu_product._data *= mu
                bump(mu_product)
                mu_product = float(mu_product._data)
                lerp_(m, d, 1 - beta1, xp, 1)
                v *= beta2
                addcmul_(v, d, d, 1 - beta2, xp, 1)
                denom = xp.divide(v, 1 - beta2 ** step, out=scratch(data, 1))
                xp.sqrt(denom, out=denom)
                denom += eps
                t = xp.divide(d, denom, out=scratch(data, 2))
                t *= float(-lr * (1.0 - mu) / (1.0 - mu_product))
                data += t
                t = xp.divide(m, denom, out=t)
                t *= float(-lr * mu_next / (1.0 - mu_product * mu_next))
                data += t
                bump(p), bump(state["exp_avg"]), bump(state["exp_avg_sq"])
        return loss


def _recorded_update(p, g, state, group, lr, step, mu, mu_next):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    (the momentum products through the ``mu_product`` state tensor)."""
    beta1, beta2 = group["betas"]
    p, grad, exp_avg, exp_avg_sq = recorded_adam_views(p, g, state, group, lr)
    mu_product = state["mu_product"]
    mu_product.mul_(mu)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = exp_avg_sq.div(1 - beta2 ** step).sqrt().add(group["eps"])
    mu_product_next = mu_product * mu_next
    p.addcdiv_(grad * (-lr * (1.0 - mu) / (1.0 - mu_product)), denom)
    p.addcdiv_(exp_avg * (-lr * mu_next / (1.0 - mu_product_next)), denom)
