"""Adadelta."""
from .._backend import array_module
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        add_scaled_, addcmul_, bump, check_eps, check_lr, check_nonneg,
                        effective_grad, increment, new_scalar, real_view, real_views,
                        recorded_grad, scratch, zeros_state)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Implements Adadelta, as torch.optim.Adadelta
    (``differentiable=True`` runs torch's update in flambeau ops, which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}
    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone"]

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_eps(eps)
        check_nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            lr = _to_scalar(group["lr"])
            rho, eps = group["rho"], group["eps"]
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["square_avg"] = zeros_state(p)
                    state["acc_delta"] = zeros_state(p)
                increment(state["step"])
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, lr)
                    continue
                data = p._data
                xp = array_module(data)
                d = real_view(effective_grad(data, g._data, group["weight_decay"],
                                             group["maximize"], xp))
                data = real_view(data)
                sq, acc = real_view(state["square_avg"]._data), real_view(state["acc_delta"]._data)
                sq *= rho
                addcmul_(sq, d, d, 1 - rho, xp, 1)
                std = xp.add(sq, eps, out=scratch(sq, 2))
                xp.sqrt(std, out=std)
                delta = xp.add(acc, eps, out=scratch(sq, 3))
                xp.sqrt(delta, out=delta)
                delta /= std
                delta *= d
                acc *= rho
                addcmul_(acc, delta, delta, 1 - rho, xp, 1)
                add_scaled_(data, delta, -float(lr), xp, 1, True)
                bump(p), bump(state["square_avg"]), bump(state["acc_delta"])
        return loss


def _recorded_update(p, g, state, group, lr):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd."""
    rho, eps = group["rho"], group["eps"]
    p, grad, square_avg, acc_delta = real_views(
        [p, recorded_grad(p, g, group["weight_decay"], group["maximize"]), state["square_avg"],
         state["acc_delta"]])
    square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    std = square_avg.add(eps).sqrt_()
    delta = acc_delta.add(eps).sqrt_().clone()
    delta.div_(std).mul_(grad)
    acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    p.add_(delta, alpha=-lr)
