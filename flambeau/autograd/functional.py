"""``autograd.functional``: Jacobians, Hessians and vector products of whole functions.

Reverse mode throughout: a Jacobian is built one output element at a time; ``jvp`` uses the
double-vjp trick (the vjp is linear in its cotangent, so differentiating it gives the jvp).
"""
import numpy as np

from .. import _tensor
from . import grad as _grad
from .grad_mode import enable_grad


def _tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _prepare(inputs, create_graph):
    return tuple(t if create_graph and t.requires_grad else t.detach().requires_grad_(True)
                 for t in inputs)


def _zeros(t):
    return _tensor.make(np.zeros_like(t._data), t._dtype)


def _grads(outputs, inputs, grad_outputs, create_graph, strict=False):
    outputs = [o for o in outputs]
    grads = _grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=create_graph,
                  allow_unused=True) if any(o.requires_grad for o in outputs) \
        else (None,) * len(inputs)
    if strict and any(g is None for g in grads):
        raise RuntimeError("The output of the user-provided function is independent of input "
                           "0. This is not allowed in strict mode.")
    return tuple(_zeros(t) if g is None else g for g, t in zip(grads, inputs))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``."""
    inputs, is_tuple = _tuple(inputs)
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _tuple(func(*inputs))
        v = _tuple(v)[0] if v is not None else (None,) * len(outputs)
        grads = _grads(outputs, inputs, v, create_graph, strict)
    outputs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outputs if out_tuple else outputs[0]), (grads if is_tuple else grads[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by differentiating a vjp with respect to its cotangent."""
    inputs, is_tuple = _tuple(inputs)
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _tuple(func(*inputs))
        v = _tuple(v)[0] if v is not None else tuple(_tensor.make(np.ones_like(t._data))
                                                     for t in inputs)
        cotangents = tuple(_zeros(o).requires_grad_(True) for o in outputs)
        grads = _grad(outputs, inputs, cotangents, create_graph=True, allow_unused=True)
        pairs = [(g, u) for g, u in zip(grads, v) if g is not None]
        result = _grads([g for g, _ in pairs], cotangents, [u for _, u in pairs], create_graph) \
            if pairs else tuple(_zeros(o) for o in outputs)
    outputs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outputs if out_tuple else outputs[0]), (result if out_tuple else result[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``, nested in
    tuples when the function takes or returns several tensors."""
    inputs, in_tuple = _tuple(inputs)
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _tuple(func(*inputs))
        from .. import stack
        blocks = []
        for out in outputs:
            rows = []
            flat = out.reshape(-1)
            for k in range(flat.shape[0]):
                rows.append(_grads([flat[k]], inputs, None, create_graph, strict))
            per_input = []
            for j, t in enumerate(inputs):
                if rows:
                    block = stack([r[j] for r in rows]).reshape(tuple(out.shape) +
                                                                tuple(t.shape))
                else:
                    block = _tensor.make(np.zeros(tuple(out.shape) + tuple(t.shape),
                                                  t._data.dtype))
                per_input.append(block if create_graph else block.detach())
            blocks.append(tuple(per_input) if in_tuple else per_input[0])
    return tuple(blocks) if out_tuple else blocks[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    inputs, in_tuple = _tuple(inputs)

    def gradient(*args):
        out = func(*args)
        return _grads([out], args, None, create_graph=True)

    result = jacobian(gradient, inputs if in_tuple else inputs[0], create_graph=create_graph)
    return result if in_tuple else result[0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)``."""
    inputs, is_tuple = _tuple(inputs)
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out = func(*inputs)
        grads = _grads([out], inputs, None, create_graph=True)
        v = _tuple(v)[0]
        result = _grads(grads, inputs, v, create_graph)
    out = out if create_graph else out.detach()
    return out, (result if is_tuple else result[0])


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``: equal to vhp, the Hessian being symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
