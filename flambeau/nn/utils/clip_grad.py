"""Gradient clipping: by total norm (``clip_grad_norm_``) or by value (``clip_grad_value_``).

Called every training step, so gradients are measured and scaled on their backend arrays in
place (one BLAS dot per gradient for the 2-norm), with the arithmetic in each gradient's dtype
as torch's foreach kernels do. ``foreach`` is accepted and changes nothing.
"""
import math
import types
import warnings

import flambeau
from ... import _backend, _naming
from ..._tensor import Tensor, make

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _norm(t, p):
    """The ``p``-norm of tensor ``t`` as a backend scalar in t's (real) dtype."""
    a = t._data
    if a.dtype.kind == "f" and a.dtype.itemsize >= 4:  # float32, float64: straight to BLAS
        if p == 2.0:
            a = a.reshape(-1)
            return _backend.array_module(a).sqrt(a.dot(a))
        if p == math.inf:
            return abs(a).max()
    return flambeau.linalg.vector_norm(t, p)._data


def _get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of all ``tensors`` taken together as one vector (a 0-d tensor of
    their promoted dtype; ``tensor(0.)`` when there are none)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return flambeau.tensor(0.0)
    if math.isinf(norm_type) and any(t._data.size == 0 for t in tensors):
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor "
                           "because the operation does not have an identity")
    xp = _backend.array_module(tensors[0]._data)
    token = _backend.silence()  # squares overflow to inf quietly, as in torch
    try:
        total = _norm(make(xp.stack([_norm(t, norm_type) for t in tensors])), norm_type)
    finally:
        _backend.restore(token)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return make(xp.asarray(total))


def _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scales the gradients of ``parameters`` in place by min(max_norm / (total_norm + 1e-6),
    1), given their ``total_norm`` (a tensor, as :func:`get_total_norm` returns)."""
    grads = [p._grad for p in _as_list(parameters) if p._grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    if not isinstance(total_norm, Tensor):  # clamp's TypeError, as in torch
        flambeau.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    total = total_norm._data
    xp = _backend.array_module(total)
    coef = xp.minimum(max_norm / (total + 1e-6), 1.0)  # in total_norm's dtype, as torch
    token = _backend.silence()  # inf * 0 gives nan quietly, as in torch
    for g in grads:
        a = g._data
        if coef != 1.0:
            xp.multiply(a, coef.astype(a.dtype), out=a)
        g._bump_version()
    _backend.restore(token)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scales the gradients of ``parameters`` in place so that their total ``norm_type``-norm
    is at most ``max_norm``; returns the total norm before clipping."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
    grads = [p._grad for p in parameters if p._grad is not None]
    total_norm = _get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_`."""
    name = f"{_naming.public_name}.nn.utils.clip_grad_norm"
    warnings.warn(f"`{name}` is now deprecated in favor of `{name}_`.", FutureWarning,
                  stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps the gradients of ``parameters`` in place to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        g = p._grad
        if g is None:
            continue
        a = g._data
        if a.dtype.kind == "f":
            bound = a.dtype.type(clip_value)  # bounds in the gradient's dtype: twice as fast
            _backend.array_module(a).clip(a, -bound, bound, out=a)
            g._bump_version()
        else:
            g.clamp_(min=-clip_value, max=clip_value)  # torch's result or error
