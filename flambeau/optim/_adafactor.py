"""Adafactor: second moments kept as row and column factors for matrices."""
from .._backend import array_module
from .._tensor import make
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        add_scaled_, bump, effective_grad, increment, lerp_, new_scalar, scratch,
                        zeros_state)

__all__ = ["Adafactor"]


def _rms(xp, a):
    """``a.norm(2) / sqrt(a.numel())`` as a Python float."""
    return float(xp.sqrt(xp.vdot(a, a).real)) / a.size ** 0.5


class Adafactor(Optimizer):
    """Implements Adafactor, as torch.optim.Adafactor (``lr`` caps the relative step size and
    scales the decoupled weight decay; ``foreach`` runs the same kernel)."""
    _group_defaults = {"foreach": None, "maximize": False}

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        from .._tensor import Tensor
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        for ok, message in ((0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
                            (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: "
                                                 f"{beta2_decay}"),
                            (eps[0] is None or 0.0 <= eps[0],
                             f"epsilon1 should be >= 0 but is: {eps[0]}"),
                            (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
                            (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
                            (0.0 <= weight_decay,
                             f"weight_decay should be >= 0 but is: {weight_decay}")):
            if not ok:
                raise ValueError(message)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr, (eps1, eps2) = _to_scalar(group["lr"]), group["eps"]
            beta2_decay, d, weight_decay = group["beta2_decay"], group["d"], group["weight_decay"]
            for p, g in self._grads(group):
                if p.is_complex():
                    raise RuntimeError("Adafactor does not support complex parameters")
                state = self.state[p]
                data = p._data
                xp = array_module(data)
                if not state:
                    state["step"] = new_scalar(0.0)
                    if g.dim() > 1:
                        gd = g._data
                        state["row_var"] = make(xp.zeros(gd.shape[:-1] + (1,), gd.dtype), g._dtype)
                        state["col_var"] = make(
                            xp.zeros(gd.shape[:-2] + (1,) + gd.shape[-1:], gd.dtype), g._dtype)
                    else:
                        state["variance"] = zeros_state(g)
                eps1_value = xp.finfo(data.dtype).eps if eps1 is None else eps1
                step = increment(state["step"])
                one_minus_beta2 = step ** beta2_decay
                alpha = max(eps2, _rms(xp, data)) * min(lr, 1 / step ** 0.5)
                if weight_decay != 0:
                    data *= float(1 - lr * weight_decay)
                grad = effective_grad(data, g._data, 0, group["maximize"], xp)
                if grad.ndim > 1:
                    row_var, col_var = state["row_var"]._data, state["col_var"]._data
                    square = xp.multiply(grad, grad, out=scratch(grad, 1))
                    lerp_(row_var, square.mean(axis=-1, keepdims=True), one_minus_beta2, xp, 2)
                    lerp_(col_var, square.mean(axis=-2, keepdims=True), one_minus_beta2, xp, 2)
                    estimate = xp.matmul(row_var, col_var, out=square)
                    estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1_value)
                    bump(state["row_var"]), bump(state["col_var"])
                else:
                    variance = state["variance"]._data
                    square = xp.multiply(grad, grad, out=scratch(grad, 1))
                    lerp_(variance, square, one_minus_beta2, xp, 2)
                    square[...] = variance
                    estimate = square
                    bump(state["variance"])
                update = xp.maximum(estimate, eps1_value * eps1_value, out=estimate)
                xp.sqrt(update, out=update)
                xp.divide(grad, update, out=update)
                denom = max(1.0, _rms(xp, update) / d)
                add_scaled_(data, update, float(-alpha / denom), xp, 3, True)
                bump(p)
        return loss
