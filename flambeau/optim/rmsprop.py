"""RMSprop, plain or centered, with momentum."""
from .._backend import array_module
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        addcmul_, bump, check_lr_eps, check_nonneg, effective_grad,
                        increment, lerp_, new_scalar, real_view, real_views, recorded_grad,
                        scratch, zeros_state)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Implements RMSprop, as torch.optim.RMSprop (``differentiable=True`` runs torch's update
    in flambeau ops, which autograd records)."""
    _group_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                       "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr_eps(lr, eps)
        check_nonneg(momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            lr, alpha, eps = float(_to_scalar(group["lr"])), group["alpha"], group["eps"]
            momentum, centered = group["momentum"], group["centered"]
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["square_avg"] = zeros_state(p)
                    if momentum > 0:
                        state["momentum_buffer"] = zeros_state(p)
                    if centered:
                        state["grad_avg"] = zeros_state(p)
                increment(state["step"])
                if group["differentiable"]:
                    _recorded_update(p, g, state, group)
                    continue
                data = p._data
                xp = array_module(data)
                d = real_view(effective_grad(data, g._data, group["weight_decay"],
                                             group["maximize"], xp))
                data, sq = real_view(data), real_view(state["square_avg"]._data)
                sq *= alpha
                addcmul_(sq, d, d, 1 - alpha, xp, 1)
                avg = scratch(data, 2)
                if centered:
                    ga = real_view(state["grad_avg"]._data)
                    lerp_(ga, d, 1 - alpha, xp, 1)
                    xp.multiply(ga, ga, out=avg)
                    xp.subtract(sq, avg, out=avg)
                    xp.sqrt(avg, out=avg)
                    bump(state["grad_avg"])
                else:
                    xp.sqrt(sq, out=avg)
                avg += eps
                upd = xp.divide(d, avg, out=avg)
                if momentum > 0:
                    buf = real_view(state["momentum_buffer"]._data)
                    buf *= momentum
                    buf += upd
                    bump(state["momentum_buffer"])
                    upd = xp.multiply(buf, lr, out=avg)
                else:
                    upd *= lr
                data -= upd
                bump(p), bump(state["square_avg"])
        return loss


def _recorded_update(p, g, state, group):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd."""
    alpha, momentum, lr = group["alpha"], group["momentum"], _to_scalar(group["lr"])
    grad = recorded_grad(p, g, group["weight_decay"], group["maximize"])
    p, grad, square_avg, grad_avg, buf = real_views(
        [p, grad, state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer")])
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    if grad_avg is not None:
        grad_avg.lerp_(grad, 1 - alpha)
        avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    else:
        avg = square_avg.sqrt()
    avg = avg.add(group["eps"])
    if momentum > 0:
        buf.mul_(momentum).addcdiv_(grad, avg)
        p.add_(buf, alpha=-lr)
    else:
        p.addcdiv_(grad, avg, value=-lr)
