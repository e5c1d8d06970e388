"""SparseAdam: Adam for sparse gradients."""
from .optimizer import Optimizer, _closure_loss, _use_grad_for_differentiable, check_betas

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """torch.optim.SparseAdam's interface and checks. flambeau has no sparse tensors, so every
    gradient is dense, and ``step`` raises torch's error for dense gradients."""

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
        """Raises for the dense gradients flambeau produces (as torch does for them)."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            if self._grads(group):
                raise RuntimeError("SparseAdam does not support dense gradients, please consider "
                                   "Adam instead")
        return loss
