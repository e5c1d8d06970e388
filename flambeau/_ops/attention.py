"""Attention: ``scaled_dot_product_attention`` as ONE graph node.

``softmax(query @ key^T * scale + mask) @ value`` over the last two dims (batch dims broadcast),
with a NumPy forward and a hand-written backward giving ``dq``, ``dk``, ``dv`` and, for a float
mask that requires grad, ``d(mask)``. The node takes the name of torch's CPU kernel
(``ScaledDotProductFlashAttentionForCpuBackward0``) where torch runs that kernel (4-D inputs,
one head size, no dropout, a mask that does not require grad); where torch composes its math
path of small ops instead, the one node is named ``ScaledDotProductAttentionMathBackward0``.

Dropout draws its mask as torch's math path does (``bernoulli_(1 - p)`` over the attention
weights after the softmax), so a seeded generator drops the same weights as torch. A query whose
keys are all masked attends to nothing and gives zeros, as torch's safe softmax does. Under
``create_graph=True`` the derivative is rebuilt from differentiable ops, so second derivatives
work (torch's CPU kernel has none).
"""
import functools
import math

import numpy as np

from ..autograd import grad_mode
from ..autograd.graph import record
from .._tensor import make
from ._util import needs_grad
from ._saved import _Constant
from .promotion import broadcast_error
from .registry import defop

_SIGNATURE = ("scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, "
              "Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, "
              "float? scale=None, bool enable_gqa=False)")


@defop(method=False, function=False, signature=_SIGNATURE)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """Attention of ``query (..., L, E)`` over ``key (..., S, E)`` and ``value (..., S, Ev)``:
    a bool ``attn_mask`` says which keys each query may attend to, a float one is added to the
    scores; ``is_causal`` masks the keys after each query (top-left aligned); ``scale``
    defaults to ``1 / sqrt(E)``; ``enable_gqa`` shares each key/value head among
    ``Hq / Hk`` query heads (dim -3)."""
    _check(query, key, value, attn_mask, dropout_p)
    float_mask = attn_mask is not None and attn_mask._dtype.is_floating_point
    q, k, v = query._data, key._data, value._data
    math_path = (dropout_p > 0 or q.ndim != 4 or not q.shape[-1] == k.shape[-1] == v.shape[-1]
                 or float_mask and attn_mask._requires_grad and grad_mode.is_grad_enabled())
    if is_causal and attn_mask is not None and math_path:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    groups = _groups(q, k, v) if enable_gqa else 1
    if groups > 1:
        k, v = np.repeat(k, groups, -3), np.repeat(v, groups, -3)
    _check_shapes(q, k, v)
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    mask = None if attn_mask is None else attn_mask._data
    p = _weights(q, k, mask, is_causal, scale)
    keep = _dropout_keep(p, dropout_p, query) if dropout_p > 0 else None
    out = make(np.matmul(p if keep is None else p * keep, v), query._dtype)
    inputs = (query, key, value, attn_mask if float_mask else None)
    if needs_grad(*inputs):
        name = ("ScaledDotProductAttentionMathBackward0" if math_path
                else "ScaledDotProductFlashAttentionForCpuBackward0")
        how = (p, keep, scale, groups, None if float_mask else mask, is_causal)
        record(name, (out,), inputs, _derivative,
               (_Constant(how), query, key, value) + ((attn_mask,) if float_mask else ()))
    return out


def _check(query, key, value, mask, dropout_p):
    q, k, v = query._data, key._data, value._data
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, "
                           f"but got query.dim: {q.ndim} key.dim: {k.ndim} and value.dim: "
                           f"{v.ndim} instead.")
    if not query._dtype is key._dtype is value._dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {query._dtype._cpp_name} key.dtype: "
                           f"{key._dtype._cpp_name} and value.dtype: {value._dtype._cpp_name} "
                           "instead.")
    if not query._dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Float but found {query._dtype._scalar_name}")
    if mask is not None and mask._dtype._name not in ("bool", "float32", query._dtype._name):
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query "
                           f"dtype, but got attn_mask.dtype: {mask._dtype._cpp_name} and  "
                           f"query.dtype: {query._dtype._cpp_name} instead.")
    if dropout_p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p:g}")


def _groups(q, k, v):
    """How many query heads share each key/value head (GQA)."""
    if q.ndim < 3:
        return 1
    heads = q.shape[-3]
    if heads % k.shape[-3] or heads % v.shape[-3]:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    if k.shape[-3] != v.shape[-3]:
        raise RuntimeError("Number of heads in key and value must be the same")
    return heads // k.shape[-3]


def _shape_of(*shapes):
    """The broadcast of batch shapes, with torch's message when they do not broadcast."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise broadcast_error(*(np.broadcast_to(np.empty((), bool), s) for s in shapes)) from None


def _check_shapes(q, k, v):
    """torch's messages from the products it folds attention into (mm or bmm)."""
    batch = _shape_of(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    (L, E), (S, Ek), (Sv, Ev) = q.shape[-2:], k.shape[-2:], v.shape[-2:]
    if E != Ek or S != Sv:
        if not batch:
            raise RuntimeError("mat1 and mat2 shapes cannot be multiplied "
                               + ("({}x{} and {}x{})".format(L, E, Ek, S) if E != Ek else
                                  "({}x{} and {}x{})".format(L, S, Sv, Ev)))
        n = math.prod(batch)
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           + (f"[{n}, {E}] but got: [{n}, {Ek}]." if E != Ek else
                              f"[{n}, {S}] but got: [{n}, {Sv}]."))


@functools.lru_cache(maxsize=64)
def _after(L, S):
    """The keys after each query (what ``is_causal`` masks)."""
    return np.triu(np.ones((L, S), bool), 1)


def _weights(q, k, mask, is_causal, scale):
    """``softmax(q k^T * scale + mask)``, computed in place; fully masked rows give zeros."""
    s = np.matmul(q, np.swapaxes(k, -1, -2))
    s *= s.dtype.type(scale)
    if mask is not None:
        shape = _shape_of(s.shape, mask.shape)
        if mask.dtype == bool:
            s = s if shape == s.shape else np.broadcast_to(s, shape).copy()
            np.copyto(s, -np.inf, where=~mask)
        elif shape == s.shape:
            s += mask
        else:
            s = (s + mask).astype(s.dtype, copy=False)
    if is_causal:
        np.copyto(s, -np.inf, where=_after(*s.shape[-2:]))
    if s.shape[-1] == 0 or s.size == 0:
        return s
    top = s.max(-1, keepdims=True)
    top[np.isneginf(top)] = 0  # a row with every key masked
    s -= top
    np.exp(s, out=s)
    total = s.sum(-1, keepdims=True)
    total[total == 0] = 1
    s /= total
    return s


def _dropout_keep(p, dropout_p, like):
    """The dropout factors (0 or ``1 / (1 - dropout_p)``), drawn as torch's CPU dropout."""
    if dropout_p >= 1:
        return np.zeros((), p.dtype)
    keep = make(np.empty(p.shape, p.dtype), like._dtype).bernoulli_(1 - dropout_p)._data
    keep /= p.dtype.type(1 - dropout_p)
    return keep


def _derivative(g, how, query, key, value, attn_mask=None):
    p, keep, scale, groups, mask, is_causal = how
    if grad_mode.is_grad_enabled():  # create_graph: the differentiable composition
        return _composed_derivative(g, how, query, key, value, attn_mask)
    q, k, v, gd = query._data, key._data, value._data, g._data
    if groups > 1:
        k, v = np.repeat(k, groups, -3), np.repeat(v, groups, -3)
    dtype = query._dtype
    dv = np.matmul(np.swapaxes(p if keep is None else p * keep, -1, -2), gd)
    ds = np.matmul(gd, np.swapaxes(v, -1, -2))
    if keep is not None:
        ds *= keep
    ds -= (ds * p).sum(-1, keepdims=True)
    ds *= p  # the scores' gradient: the mask's
    dmask = make(ds, dtype) if attn_mask is not None and attn_mask._requires_grad else None
    ds = ds * ds.dtype.type(scale)
    dq = np.matmul(ds, k) if query._requires_grad else None
    dk = np.matmul(np.swapaxes(ds, -1, -2), q) if key._requires_grad else None
    if groups > 1:
        dk = None if dk is None else _sum_groups(dk, groups)
        dv = _sum_groups(dv, groups)
    return (None if dq is None else make(dq, dtype), None if dk is None else make(dk, dtype),
            make(dv, dtype) if value._requires_grad else None, dmask)


def _sum_groups(d, groups):
    """A gradient over the repeated key/value heads summed back onto each shared head."""
    return d.reshape(d.shape[:-3] + (-1, groups) + d.shape[-2:]).sum(-3)


def _composed_derivative(g, how, query, key, value, attn_mask):
    """The gradients from attention rebuilt of differentiable ops (double backward)."""
    from ..autograd import grad as autograd_grad
    p, keep, scale, groups, mask, is_causal = how
    k, v = key, value
    if groups > 1:
        k, v = key.repeat_interleave(groups, -3), value.repeat_interleave(groups, -3)
    s = query.matmul(k.transpose(-2, -1)) * scale
    blocked = None if mask is None else ~mask
    if is_causal:
        after = _after(*s.shape[-2:])
        blocked = after if blocked is None else blocked | after
    if blocked is not None:
        s = s.masked_fill(make(np.broadcast_to(blocked, p.shape)), float("-inf"))
    if attn_mask is not None:
        s = s + attn_mask
    dead = make(np.broadcast_to(np.isneginf(s._data).all(-1, keepdims=True), p.shape))
    weights = s.masked_fill(dead, 0).softmax(-1).masked_fill(dead, 0)
    if keep is not None:
        weights = weights * make(keep, query._dtype)
    inputs = (query, key, value, attn_mask)
    wanted = [t for t in inputs if t is not None and t._requires_grad]
    found = iter(autograd_grad([weights.matmul(v)], wanted, [g], create_graph=True,
                               allow_unused=True))
    return tuple(next(found) if t is not None and t._requires_grad else None for t in inputs)
