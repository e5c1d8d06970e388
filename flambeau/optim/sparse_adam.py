"""SparseAdam: Adam for sparse gradients."""
import math

import numpy as np

from .optimizer import (Optimizer, _closure_loss, _use_grad_for_differentiable, bump,
                        check_betas, zeros_state)

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """Implements torch.optim.SparseAdam: the moments and the parameter change only at the
    entries of each (sparse) gradient; a dense gradient raises torch's error."""
    _sparse_error = None

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        from .._tensor import Tensor
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        complex_params = [[i, j] for i, group in enumerate(self.param_groups)
                          for j, p in enumerate(group["params"]) if p.is_complex()]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not "
                             "support complex parameters")

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            eps, lr = group["eps"], float(group["lr"])
            for p, g in self._grads(group):
                if not g.is_sparse:
                    raise RuntimeError("SparseAdam does not support dense gradients, please "
                                       "consider Adam instead")
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                state["step"] = int(state["step"]) + 1  # (an int, as torch's)
                _update(p, -g if group["maximize"] else g, state, beta1, beta2, eps, lr)
        return loss


def _update(p, g, state, beta1, beta2, eps, lr):
    """One step on the coalesced gradient's entries, in torch's order of operations."""
    g = g.coalesce()
    if g._nnz() == 0:
        return
    at, values = tuple(g._ind), g._val
    m, v = state["exp_avg"], state["exp_avg_sq"]
    old_m, old_v = m._data[at], v._data[at]
    step_m = (values - old_m) * (1 - beta1)
    step_v = (values ** 2 - old_v) * (1 - beta2)
    m._data[at] = old_m + step_m
    v._data[at] = old_v + step_v
    step = state["step"]
    step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
    p._data[at] += -step_size * ((step_m + old_m) / (np.sqrt(step_v + old_v) + eps))
    bump(p), bump(m), bump(v)
