"""``flambeau.autograd``: reverse-mode differentiation of tensor operations."""
from .. import _backend, _tensor
from .._tensor import Tensor
from . import graph
from .engine import run_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx, InplaceFunction, once_differentiable


def _make_grads(outputs, grad_outputs):
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out._dtype.is_floating_point:
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   f"outputs but got {out._dtype}")
            xp = _backend.array_module(out._data)
            g = _tensor.make(xp.ones_like(out._data), out._dtype)
        elif not isinstance(g, Tensor):
            g = _tensor.make(_backend.array_module(out._data).asarray(g, out._data.dtype),
                             out._dtype)
        elif g._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{len(grads)}] has a shape of "
                               f"{g.shape} and output[{len(grads)}] has a shape of {out.shape}.")
        grads.append(g)
    return grads


def _as_tuple(x):
    if x is None:
        return None
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _check_differentiable(outputs):
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulates into the leaves' ``.grad`` the gradients of ``tensors``."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    _check_differentiable(tensors)
    grads = _make_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated)."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    _check_differentiable(outputs)
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _make_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                           accumulate=False)
    for i, (r, t) in enumerate(zip(results, inputs)):
        if r is None:
            if materialize_grads:
                xp = _backend.array_module(t._data)
                results[i] = _tensor.make(xp.zeros_like(t._data), t._dtype)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
    return tuple(results)


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulates the gradient of this tensor into the graph's leaves."""
    backward(self, gradient, retain_graph, create_graph, inputs)


def _register_hook(self, hook):
    """``hook(grad)`` runs when this tensor's gradient is computed; it may return a new one."""
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self._grad_fn is None:
        m = graph.meta(self)
        if m.hooks is None:
            m.hooks = {}
        return graph._Handle(m.hooks, hook)
    nr = self._output_nr

    def pre_hook(grads):
        if grads[nr] is None:
            return None
        new = hook(grads[nr])
        if new is None:
            return None
        return grads[:nr] + (new,) + grads[nr + 1:]
    return self._grad_fn.register_prehook(pre_hook)


def _register_post_accumulate_grad_hook(self, hook):
    """``hook(tensor)`` runs after a leaf's ``.grad`` has been accumulated."""
    if self._grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    m = graph.meta(self)
    if m.post_accumulate_hooks is None:
        m.post_accumulate_hooks = {}
    return graph._Handle(m.post_accumulate_hooks, hook)


def _retain_grad(self):
    """Makes a non-leaf tensor keep its ``.grad`` after backward, like a leaf."""
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self._grad_fn is None:
        return
    import weakref
    graph.meta(self).retains_grad = True
    retained = self._grad_fn.metadata.setdefault("retained", {})
    retained[self._output_nr] = weakref.ref(self)


Tensor.backward = _tensor_backward
Tensor.register_hook = _register_hook
Tensor.register_post_accumulate_grad_hook = _register_post_accumulate_grad_hook
Tensor.retain_grad = _retain_grad


from . import functional  # noqa: E402  (needs grad above)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402


class Variable:
    """Legacy: ``Variable(t, requires_grad=...)`` returns a tensor, as in PyTorch."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if volatile:
            import warnings
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():`"
                          " instead.", UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad) if requires_grad else data
