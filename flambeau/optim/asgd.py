"""ASGD: averaged stochastic gradient descent."""
from .._backend import array_module
from .._dtype import get_default_dtype
from .._ops.creation import as_tensor
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        add_scaled_, bump, check_lr, check_nonneg, effective_grad, increment,
                        new_scalar, real_view, real_views, recorded_grad, scratch, zeros_state)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Implements averaged SGD, as torch.optim.ASGD
    (``differentiable=True`` runs torch's update in flambeau ops, which autograd records)."""
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}
    _tensor_state = ("step", "eta", "mu")
    _capturable_names = "params, mus, etas, and state_steps"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            lr, lambd, alpha, t0 = _to_scalar(group["lr"]), group["lambd"], group["alpha"], \
                group["t0"]
            rounded = get_default_dtype()._np.type
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0)
                    state["eta"] = new_scalar(float(lr))
                    state["mu"] = new_scalar(1.0)
                    state["ax"] = zeros_state(p)
                step = increment(state["step"])
                eta, mu = state["eta"], state["mu"]
                new_eta = lr / (1 + lambd * lr * step) ** alpha
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, new_eta, 1 / max(1, step - t0))
                    continue
                data = p._data
                xp = array_module(data)
                d = real_view(effective_grad(data, g._data, group["weight_decay"],
                                             group["maximize"], xp))
                data, ax = real_view(data), real_view(state["ax"]._data)
                eta_value, mu_value = float(eta._data), float(mu._data)
                data *= 1 - lambd * eta_value
                add_scaled_(data, d, -eta_value, xp, 1, d is not g._data)
                if mu_value != 1:
                    t = xp.subtract(data, ax, out=scratch(data, 2))
                    t *= mu_value
                    ax += t
                else:
                    ax[...] = data
                # torch goes through a tensor of the default dtype: round to it
                eta._data[...] = rounded(float(new_eta))
                mu._data[...] = rounded(1 / max(1, step - t0))
                bump(p), bump(state["ax"]), bump(eta), bump(mu)
        return loss


def _recorded_update(p, g, state, group, new_eta, new_mu):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    (``eta`` and ``mu`` enter as numbers; a tensor learning rate reaches the ``eta`` state)."""
    eta, mu = state["eta"], state["mu"]
    p, grad, ax = real_views(
        [p, recorded_grad(p, g, group["weight_decay"], group["maximize"]), state["ax"]])
    eta_value = eta.item()
    p.mul_(1 - group["lambd"] * eta_value)
    p.add_(grad, alpha=-eta_value)
    if mu.item() != 1:
        ax.add_(p.sub(ax).mul_(mu))
    else:
        ax.copy_(p)
    eta.copy_(as_tensor(new_eta))
    mu.copy_(as_tensor(new_mu))
