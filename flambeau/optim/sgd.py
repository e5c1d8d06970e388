"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from .._backend import array_module
from .._sparse import add_into
from .._tensor import Tensor
from .optimizer import (Optimizer, _closure_loss, _to_scalar, _use_grad_for_differentiable,
                        add_scaled_, effective_grad, bump, make, scratch)

__all__ = ["SGD"]


class SGD(Optimizer):
    """Implements stochastic gradient descent (optionally with momentum), as torch.optim.SGD.

    ``foreach`` and ``fused`` are accepted; every form runs the same in-place NumPy kernel;
    ``differentiable=True`` runs torch's update in flambeau ops, which autograd records.
    """
    _group_defaults = {"nesterov": False, "maximize": False, "foreach": None,
                       "differentiable": False, "fused": False}
    _sparse_error = None

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = float(_to_scalar(group["lr"]))
            weight_decay = float(_to_scalar(group["weight_decay"]))
            momentum, dampening = group["momentum"], group["dampening"]
            nesterov, maximize = group["nesterov"], group["maximize"]
            for p, g in self._grads(group):
                if g.is_sparse or group["differentiable"]:
                    self._tensor_step(p, g, _to_scalar(group["lr"]), weight_decay, momentum,
                                      dampening, nesterov, maximize)
                    continue
                data = p._data
                xp = array_module(data)
                d = effective_grad(data, g._data, weight_decay, maximize, xp)
                fresh = d is not g._data  # d is a scratch array the kernel may overwrite
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        state["momentum_buffer"] = buf = make(d.copy(), p._dtype)
                    else:
                        b = buf._data
                        b *= momentum
                        add_scaled_(b, d, 1 - dampening, xp, 1, fresh)
                        bump(buf)
                    if nesterov:
                        d = xp.add(d, xp.multiply(buf._data, momentum, out=scratch(data, 1)),
                                   out=scratch(data, 1))
                        fresh = True
                    else:
                        d, fresh = buf._data, False
                add_scaled_(data, d, -lr, xp, 2, fresh)
                bump(p)
        return loss

    def _tensor_step(self, p, g, lr, weight_decay, momentum, dampening, nesterov, maximize):
        """torch's for-loop step in flambeau ops: for a sparse gradient (a sparse momentum
        buffer, the parameter updated at the gradient's entries only, weight decay raising
        torch's error) and for ``differentiable=True`` (recorded by autograd)."""
        if maximize:
            g = -g
        if weight_decay:
            if g.is_sparse:  # torch adds the dense parameter to the sparse gradient
                raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                                   "instead.")
            g = g.add(p, alpha=weight_decay)
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                state["momentum_buffer"] = buf = g.clone() if g.is_sparse else g.detach().clone()
            else:
                buf.mul_(momentum).add_(g, alpha=1 - dampening)
            g = g.add(buf, alpha=momentum) if nesterov else buf
        if g.is_sparse:
            add_into(p._data, g, -float(lr))
            bump(p)
        elif isinstance(lr, Tensor) and lr.requires_grad:
            p.addcmul_(g, lr, value=-1)
        else:
            p.add_(g, alpha=-float(lr))
