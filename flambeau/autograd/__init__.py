"""``flambeau.autograd``: reverse-mode differentiation of tensor operations."""
import warnings

from .. import _backend, _tensor
from .._tensor import Tensor
from . import engine, graph
from .engine import run_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .anomaly_mode import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                           set_detect_anomaly)
from .function import Function, FunctionCtx, InplaceFunction, once_differentiable


def _make_grads(outputs, grad_outputs):
    grads = []
    for out, g in zip(outputs, grad_outputs):  # extra gradients are ignored, as in torch
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
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
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
    """Accumulates into the leaves' ``.grad`` the gradients of ``tensors`` (into the ``.grad`` of
    ``inputs`` instead, leaves or not, when given)."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    inputs = _as_tuple(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _check_differentiable(tensors)
    grads = _make_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        _warn_create_graph_cycle()
    results = run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs,
                           accumulate=True)
    for t, g in zip(inputs or (), results):
        if t._grad_fn is not None and g is not None:  # leaves were accumulated by the engine
            engine._store_grad(t, g, create_graph)


_warned_create_graph = False


def _warn_create_graph_cycle():
    global _warned_create_graph
    if not _warned_create_graph:
        _warned_create_graph = True
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.", UserWarning, stacklevel=3)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated)."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
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


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """``grad`` for each row of the ``grad_outputs`` (which share a first, batch dim), the
    results stacked: what torch computes with vmap, as a loop over the rows."""
    from .._ops.joining import stack
    n = len(grad_outputs[0])
    last = create_graph if retain_graph is None else retain_graph
    rows = [grad(outputs, inputs, [g[i] for g in grad_outputs],
                 retain_graph=True if i < n - 1 else last, create_graph=create_graph,
                 allow_unused=allow_unused, materialize_grads=materialize_grads)
            for i in range(n)]
    return tuple(None if column[0] is None else stack(column) for column in zip(*rows))


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
        return grads[:nr] + (engine.checked_hook_result(hook, grads[nr], new),) + grads[nr + 1:]
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
