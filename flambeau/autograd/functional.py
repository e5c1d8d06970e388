"""``autograd.functional``: Jacobians, Hessians and vector products of whole functions.

Reverse mode throughout: a Jacobian is built one output element at a time; ``jvp`` uses the
double-vjp trick (the vjp is linear in its cotangent, so differentiating it gives the jvp).
"""
import numpy as np

from .. import _tensor
from .._tensor import Tensor
from . import grad as _grad
from .grad_mode import enable_grad


def _as_tuple(x, arg_name, fn_name):
    """``(tensors, was_tuple)``; torch's TypeError for anything but a tensor or a tuple of them."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the {where} has type {type(el)}.")
    return items, is_tuple


def _outputs(func, inputs, fn_name, strict):
    """``func``'s outputs as a tuple, checked as torch checks them."""
    outputs, is_tuple = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                  fn_name)
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require "
                                   "gradients. The outputs must be computed in a differentiable "
                                   "manner from the input when running in strict mode.")
    return outputs, is_tuple


def _single_element(tensors, what):
    """torch's error for ``v=None`` where the cotangent cannot default to 1."""
    if len(tensors) != 1 or tensors[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with a "
                           "single element.")


def _scalar_output(func, inputs, fn_name, strict):
    outputs, is_tuple = _outputs(func, inputs, fn_name, strict)
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return outputs[0]


def _prepare(inputs, create_graph):
    return tuple(t if create_graph and t.requires_grad else t.detach().requires_grad_(True)
                 for t in inputs)


def _zeros(t):
    return _tensor.make(np.zeros_like(t._data), t._dtype)


def _grads(outputs, inputs, grad_outputs, create_graph, strict=False,
           independent="The output of the user-provided function is independent of input {j}."):
    """The gradients of ``outputs`` for each input, zeros where an input is not used (in
    ``strict`` mode, torch's error, the ``independent`` message for input ``j``)."""
    outputs = [o for o in outputs]
    grads = _grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=create_graph,
                  allow_unused=True) if any(o.requires_grad for o in outputs) \
        else (None,) * len(inputs)
    if strict and None in grads:
        raise RuntimeError(independent.format(j=grads.index(None)) +
                           " This is not allowed in strict mode.")
    return tuple(_zeros(t) if g is None else g for g, t in zip(grads, inputs))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``."""
    inputs, is_tuple = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _outputs(func, inputs, "vjp", strict)
        if v is None:
            _single_element(outputs, "the user-provided function returns")
            v = (None,)
        else:
            v = _as_tuple(v, "v", "vjp")[0]
        grads = _grads(outputs, inputs, v, create_graph, strict)
    outputs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outputs if out_tuple else outputs[0]), (grads if is_tuple else grads[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by differentiating a vjp with respect to its cotangent."""
    inputs, is_tuple = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        _single_element(inputs, "the input to the user-provided function is")
        v = (_tensor.make(np.ones_like(inputs[0]._data)),)
    else:
        v = _as_tuple(v, "v", "jvp")[0]
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _outputs(func, inputs, "jvp", strict)
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
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _outputs(func, inputs, "jacobian", strict)
        from .. import stack
        blocks = []
        for i, out in enumerate(outputs):
            rows = []
            flat = out.reshape(-1)
            independent = f"Output {i} of the user-provided function is independent of input {{j}}."
            for k in range(flat.shape[0]):
                rows.append(_grads([flat[k]], inputs, None, create_graph, strict, independent))
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
    inputs, in_tuple = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*args):
        out = _scalar_output(func, args, "hessian", strict)
        return _grads([out], args, None, create_graph=True)

    result = jacobian(gradient, inputs if in_tuple else inputs[0], create_graph=create_graph)
    return result if in_tuple else result[0]


def vhp(func, inputs, v=None, create_graph=False, strict=False, _name="vhp"):
    """``(func(inputs), v^T H)``."""
    inputs, is_tuple = _as_tuple(inputs, "inputs", _name)
    if v is None:
        _single_element(inputs, "the input to the user-provided function is")
        v = (_tensor.make(np.ones_like(inputs[0]._data)),)
    else:
        v = _as_tuple(v, "v", _name)[0]
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out = _scalar_output(func, inputs, _name, strict)
        grads = _grads([out], inputs, None, create_graph=True)
        result = _grads(grads, inputs, v, create_graph)
    out = out if create_graph else out.detach()
    return out, (result if is_tuple else result[0])


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``: equal to vhp, the Hessian being symmetric."""
    return vhp(func, inputs, v, create_graph, strict, _name="hvp")
