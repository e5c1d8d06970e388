"""Adam, with AMSGrad, maximize and (decoupled) weight decay."""
from .._backend import array_module
from .._dtype import float32
from .._tensor import Tensor
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        addcmul_, bump, check_betas, check_fused, check_lr_eps, effective_grad,
                        increment, lerp_, new_scalar, real_view, real_views, recorded_grad,
                        scratch, zeros_state)

__all__ = ["Adam"]


class Adam(Optimizer):
    """Implements Adam, as torch.optim.Adam (``decoupled_weight_decay=True`` is AdamW).

    ``foreach`` and ``fused`` are accepted and run the same in-place kernel; ``capturable=True``
    raises at ``step`` as torch does for CPU parameters; ``differentiable=True`` runs torch's
    update in flambeau ops, which autograd records.
    """
    _group_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "decoupled_weight_decay": False, "fused": None}
    _sparse_error = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and "
                                 "foreach=True")
        check_lr_eps(lr, eps)
        check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)
                or isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor)):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() else b for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params = self._grads(group)
            if not params:
                continue
            beta1, beta2 = group["betas"]  # numbers or 0-d tensors, used as torch uses them
            lr = _to_scalar(group["lr"])
            weight1, beta2_value, weight2 = 1 - float(beta1), float(beta2), float(1 - beta2)
            weight_decay, eps, maximize = group["weight_decay"], group["eps"], group["maximize"]
            amsgrad, decoupled = group["amsgrad"], group["decoupled_weight_decay"]
            step_dtype = float32 if group["fused"] else None
            for p, g in params:
                state = self.state[p]
                if not state:
                    state["step"] = new_scalar(0.0, step_dtype)
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = zeros_state(p)
                step = increment(state["step"])
                if group["differentiable"]:
                    _recorded_update(p, g, state, group, lr)
                    continue
                data = p._data
                xp = array_module(data)
                if weight_decay != 0 and decoupled:
                    data *= float(1 - lr * weight_decay)
                d = effective_grad(data, g._data, 0 if decoupled else weight_decay, maximize, xp)
                data, d = real_view(data), real_view(d)
                m, v = real_view(state["exp_avg"]._data), real_view(state["exp_avg_sq"]._data)
                lerp_(m, d, weight1, xp, 1)
                v *= beta2_value
                addcmul_(v, d, d, weight2, xp, 1)
                if amsgrad:
                    vmax = real_view(state["max_exp_avg_sq"]._data)
                    xp.maximum(vmax, v, out=vmax)
                    bump(state["max_exp_avg_sq"])
                    v = vmax
                step_size_neg = -float(lr / (1 - beta1 ** step))
                if step_size_neg:  # p += m / denom, step size folded into denom (5 passes)
                    denom = xp.sqrt(v, out=scratch(data, 1))
                    denom *= 1 / (float((1 - beta2 ** step) ** 0.5) * step_size_neg)
                    denom += eps / step_size_neg
                    data += xp.divide(m, denom, out=denom)
                bump(p), bump(state["exp_avg"]), bump(state["exp_avg_sq"])
        return loss


def _recorded_update(p, g, state, group, lr):
    """``differentiable=True``: torch's for-loop update in flambeau ops, recorded by autograd
    through the parameter, its gradient, the state and tensor hyper-parameters (a leaf that
    requires grad raises torch's in-place error)."""
    beta1, beta2 = group["betas"]
    weight_decay, eps = group["weight_decay"], group["eps"]
    decoupled = group["decoupled_weight_decay"]
    if weight_decay != 0 and decoupled:
        p.mul_(1 - lr * weight_decay)
    grad = recorded_grad(p, g, 0 if decoupled else weight_decay, group["maximize"])
    p, grad, m, v, vmax = real_views(
        [p, grad, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq")])
    m.lerp_(grad, 1 - beta1)
    if isinstance(beta2, Tensor) and beta2.requires_grad:
        v.lerp_(grad.square(), 1 - beta2)
    else:
        v.mul_(beta2).addcmul_(grad, grad, value=float(1 - beta2))
    step = state["step"].clone()
    step_size_neg = -(lr / (1 - beta1 ** step))
    bias_correction2_sqrt = (1 - beta2 ** step).sqrt()
    if vmax is not None:
        vmax.copy_(vmax.clone().maximum(v))
        v = vmax
    p.addcdiv_(m.clone(), v.sqrt() / (bias_correction2_sqrt * step_size_neg) + eps / step_size_neg)
