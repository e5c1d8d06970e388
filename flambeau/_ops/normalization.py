"""Normalization (batch, layer, group, instance, RMS, local response).

batch, layer and group norm are fused: the forward computes the statistics and the normalized
output in a few NumPy passes and records one node (``NativeBatchNormBackward0``...), whose
derivative is the matching ``native_*_norm_backward`` op, as in torch; when a graph of the
gradients is asked for (``create_graph=True``) the derivative is written with flambeau ops
instead, so higher orders are exact.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd import grad_mode
from ..autograd.graph import record
from ._util import needs_grad, wrap_dim
from .registry import defop, type_name

_einsum = np.einsum


def _channel_sum(a3):
    """Sums of an (N, C, L) array per channel (einsum: several times NumPy's two-axis sum)."""
    return _einsum("ncl->c", a3)


def _channel_dot(a3, b3):
    """Per-channel sums of ``a3 * b3`` in one pass, without the product's temporary."""
    return _einsum("ncl,ncl->c", a3, b3)


_HALVES = (_dtype.float16, _dtype.bfloat16)


def _float32(*tensors):
    """float32 copies of half tensors (None stays None): torch's CPU kernels normalize float16
    and bfloat16 in float32, and NumPy's einsum has no bfloat16 loop."""
    return [t if t is None or t._dtype not in _HALVES else t.float() for t in tensors]


def _check_params(input, *params):
    """torch's CPU checks of a normalization's parameter dtypes: parameters of another dtype
    than the input's must all be float32, the input half or bfloat16; else each must have the
    input's (the kernel's error for the first that has not)."""
    first = next((p for p in params if p is not None), None)
    if first is not None and first._dtype is not input._dtype:
        if any(p is not None and p._dtype is not _dtype.float32 for p in params):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input._dtype not in _HALVES:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    for p in params:
        if p is not None and p._dtype is not input._dtype:
            raise RuntimeError(f"expected scalar type {type_name(input._dtype)} but found "
                               f"{type_name(p._dtype)}")


def _check_float(name, input):
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"{name}" not implemented for '
                                  f"'{type_name(input._dtype)}'")


def _graph_grads(g, x, weight, param_shape, view, stat_dims, param_view, eps, mask,
                 stats=None):
    """The gradients of a normalization written with flambeau ops, the statistics recomputed
    from ``x`` (or the given constant ``stats``, mean and rstd, as in evaluation), for when a
    graph of them is asked for (``create_graph=True``): every higher order is then exact.

    ``x`` and ``g`` are seen as ``view``; the statistics reduce ``stat_dims``; the parameters
    (``param_shape``) broadcast as ``param_view``."""
    x, g = x.reshape(view), g.reshape(view)
    if stats is None:
        mean = x.mean(stat_dims, keepdim=True)
        centered = x - mean
        rstd = ((centered * centered).mean(stat_dims, keepdim=True) + eps).rsqrt()
    else:
        centered, rstd = x - stats[0], stats[1]
    xhat = centered * rstd
    param_dims = tuple(i for i, n in enumerate(param_view) if n == 1)
    gx = gw = gb = None
    if mask[0]:
        gxhat = g if weight is None else g * weight.reshape(param_view)
        if stats is None:
            gxhat = gxhat - gxhat.mean(stat_dims, True) - \
                xhat * (gxhat * xhat).mean(stat_dims, True)
        gx = gxhat * rstd
    if mask[1] and weight is not None:
        gw = (g * xhat).sum(param_dims).reshape(param_shape)
    if mask[2]:
        gb = g.sum(param_dims).reshape(param_shape)
    return gx, gw, gb


# ---- batch norm ------------------------------------------------------------------------------

@defop(method=False,
       signature="native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, "
                 "Tensor? running_mean, Tensor? running_var, bool training, double momentum, "
                 "double eps, *, Tensor[] out=None)")
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch norm over dim 1; returns (output, saved mean, saved inverse std), the saved
    statistics empty in evaluation mode. In training, running stats are updated in place."""
    if (running_mean is None) is not (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be "
                         "None")
    _check_float("batch_norm", input)
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 0  # torch counts no channel in a 1-d input
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
        if t is not None and t._dtype is not input._dtype and x.dtype.itemsize >= 4:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    x3 = _as_3d(x)
    dtype = x.dtype
    use_batch = training or running_mean is None
    if use_batch:
        count = max(x3.shape[0] * x3.shape[2], 1)
        mean = _channel_sum(x3) / count
        d = x3 - mean[:, None]
        var = _channel_dot(d, d) / count
        invstd = 1.0 / np.sqrt(var + eps)
        if training and running_mean is not None and x.size:
            _update_running(running_mean, running_var, mean, var, count, momentum)
        scale = invstd if weight is None else invstd * weight._data
        out = np.multiply(d, scale[:, None], out=d)
        save_mean, save_invstd = mean, invstd
    else:
        invstd = 1.0 / np.sqrt(running_var._data + eps)
        scale = invstd if weight is None else invstd * weight._data
        out = x3 * scale.astype(dtype, copy=False)[:, None]
        out -= (running_mean._data * scale).astype(dtype, copy=False)[:, None]
        save_mean = save_invstd = np.zeros(0, dtype)
    if bias is not None:
        out += bias._data[:, None]
    result = make(out.reshape(x.shape).astype(dtype, copy=False), input._dtype)
    saved_mean = make(save_mean.astype(dtype, copy=False), input._dtype)
    saved_invstd = make(save_invstd.astype(dtype, copy=False), input._dtype)
    if needs_grad(input, weight, bias):
        mask = (input._requires_grad, _wants(weight), _wants(bias))
        stats = (running_mean, running_var, saved_mean, saved_invstd)

        def backward(g, x, w=None):
            if grad_mode.is_grad_enabled():  # create_graph
                view = x3.shape
                constants = None if use_batch else (
                    running_mean.reshape(1, -1, 1), (running_var + eps).rsqrt().reshape(1, -1, 1))
                gx, gw, gb = _graph_grads(g, x, w, (view[1],), view, (0, 2), (1, view[1], 1),
                                          eps, mask, constants)
                return (gx.reshape(x.shape) if gx is not None else None), gw, gb
            return native_batch_norm_backward(g, x, w, *stats, use_batch, eps, mask)
        record("NativeBatchNormBackward0", (result,), (input, weight, bias), backward,
               saved=(input, weight) if weight is not None else (input,))
    return result, saved_mean, saved_invstd


def _as_3d(x):
    """The (N, C, L) view batch norm computes on (L: the trailing dims; C = 1 for 1-d)."""
    return x.reshape(x.shape[0], x.shape[1] if x.ndim > 1 else 1,
                     int(np.prod(x.shape[2:])) if x.ndim > 2 else 1)


def _wants(t):
    return t is not None and t._requires_grad


def _update_running(running_mean, running_var, mean, var, count, momentum):
    """running = (1 - momentum) * running + momentum * batch statistic (unbiased variance),
    in place, as an in-place op under no_grad."""
    rm, rv = running_mean._data, running_var._data
    keep = 1.0 - momentum
    rm *= keep
    rm += (momentum * mean).astype(rm.dtype, copy=False)
    rv *= keep
    rv += (momentum * count / max(count - 1, 1) * var).astype(rv.dtype, copy=False)
    running_mean._bump_version()
    running_var._bump_version()


@defop(method=False, function=False,  # torch.ops.aten only
       signature="native_batch_norm_backward(Tensor grad_out, Tensor input, Tensor? weight, "
                 "Tensor? running_mean, Tensor? running_var, Tensor? save_mean, "
                 "Tensor? save_invstd, bool train, double eps, bool[3] output_mask)")
def native_batch_norm_backward(grad_out, input, weight, running_mean, running_var, save_mean,
                               save_invstd, train, eps, output_mask):
    """The gradients of batch norm's input, weight and bias (None where the mask is False)."""
    x = input._data
    x3 = _as_3d(x)
    g = grad_out._data.reshape(x3.shape)
    if train:
        mean, invstd = save_mean._data, save_invstd._data
    else:
        mean = running_mean._data
        invstd = (1.0 / np.sqrt(running_var._data + eps)).astype(x.dtype)
    d = x3 - mean[:, None]
    sum_g = _channel_sum(g)
    sum_gd = _channel_dot(g, d)
    scale = invstd if weight is None else invstd * weight._data
    gx = gw = gb = None
    if output_mask[0]:
        if train:  # (g - mean(g) - xhat * mean(g * xhat)) * invstd * weight
            count = x3.shape[0] * x3.shape[2]
            d *= (invstd * invstd * sum_gd / count)[:, None]
            gx = np.subtract(g, (sum_g / count)[:, None])
            gx -= d
            gx *= scale[:, None]
        else:
            gx = g * scale[:, None]
        gx = make(gx.reshape(x.shape).astype(x.dtype, copy=False), input._dtype)
    if output_mask[1]:
        gw = make((sum_gd * invstd).astype(x.dtype, copy=False), input._dtype)
    if output_mask[2]:
        gb = make(sum_g.astype(x.dtype, copy=False), input._dtype)
    return gx, gw, gb


@defop(method=False,
       signature="batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, "
                 "Tensor? running_var, bool training, double momentum, double eps, "
                 "bool cudnn_enabled)")
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    """Batch norm's output alone (half inputs computed in float32, the result cast back: its
    ``grad_fn`` is then a ToCopyBackward0)."""
    if not training:
        for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
            if stat is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
    if input._dtype in _HALVES:
        x, w, b, rm, rv = _float32(input, weight, bias, running_mean, running_var)
        out = native_batch_norm(x, w, b, rm, rv, training, momentum, eps)[0]
        for stat, updated in ((running_mean, rm), (running_var, rv)):
            if training and stat is not updated:
                with grad_mode.no_grad():
                    stat.copy_(updated)
        return out.to(input._dtype)
    return native_batch_norm(input, weight, bias, running_mean, running_var, training,
                             momentum, eps)[0]


@defop(method=False,
       signature="instance_norm(Tensor input, Tensor? weight, Tensor? bias, "
                 "Tensor? running_mean, Tensor? running_var, bool use_input_stats, "
                 "double momentum, double eps, bool cudnn_enabled)")
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    """Batch norm of the (1, N * C, ...) view: statistics per sample and channel; running
    stats get the average over the batch."""
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    shape = input._data.shape
    n, c = shape[0], shape[1]
    folded = input.contiguous().view((1, n * c) + shape[2:])
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    out = batch_norm(folded, w, b, rm, rv, use_input_stats, momentum, eps, cudnn_enabled)
    if running_mean is not None and use_input_stats:
        with grad_mode.no_grad():
            running_mean.copy_(rm.view(n, c).mean(0))
        with grad_mode.no_grad():
            running_var.copy_(rv.view(n, c).mean(0))
    return out.view(shape)


# ---- layer norm and group norm ---------------------------------------------------------------
# Both normalize the rows of a 2-d view (one row per sample, or per sample and group); the
# forward keeps the normalized rows (xhat) for the backward, which then needs no pass to
# recompute them.

def _normalize_rows(x2, eps):
    """(x - mean) * rstd for each row of a 2-d array; returns it with mean and rstd (1-d)."""
    k = max(x2.shape[1], 1)
    mean = _einsum("mk->m", x2) / k
    xhat = x2 - mean[:, None]
    rstd = 1.0 / np.sqrt(_einsum("mk,mk->m", xhat, xhat) / k + eps)
    xhat *= rstd[:, None]
    return xhat, mean, rstd


def _rows_backward(gxhat, xhat, rstd):
    """d loss / d x of rows normalized to ``xhat``, given d loss / d xhat:
    (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)) * rstd."""
    k = xhat.shape[1]
    gx = np.subtract(gxhat, (_einsum("mk->m", gxhat) / k)[:, None])
    gx *= rstd[:, None]
    gx -= xhat * (_einsum("mk,mk->m", gxhat, xhat) * rstd / k)[:, None]
    return gx


def _normalized_shape(normalized_shape):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    return shape


def _affine(xhat, weight, bias, shape):
    """xhat * weight + bias (parameters reshaped to ``shape``) in a new array, xhat kept."""
    out = xhat * weight._data.reshape(shape) if weight is not None else xhat.copy()
    if bias is not None:
        out += bias._data.reshape(shape)
    return out


@defop(method=False,
       signature="native_layer_norm(Tensor input, SymIntArrayRef normalized_shape, "
                 "Tensor? weight, Tensor? bias, double eps)")
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Layer norm over the trailing ``normalized_shape``; returns (output, mean, rstd), the
    statistics shaped like the input with the normalized dims kept as 1."""
    normalized_shape = _normalized_shape(normalized_shape)
    x = input._data
    k = len(normalized_shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t._data.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    if x.shape[x.ndim - k:] != normalized_shape or x.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size"
            f"{list(x.shape)}")
    _check_params(input, weight, bias)
    _check_float("LayerNormKernelImpl", input)
    inner = math.prod(normalized_shape)
    xhat, mean, rstd = _normalize_rows(x.reshape(-1, inner), eps)
    dtype = input._dtype
    result = make(_affine(xhat, weight, bias, (inner,)).reshape(x.shape), dtype)
    stat_shape = x.shape[:x.ndim - k] + (1,) * k
    mean_t = make(mean.reshape(stat_shape).astype(x.dtype, copy=False), dtype)
    rstd_t = make(rstd.reshape(stat_shape).astype(x.dtype, copy=False), dtype)
    if needs_grad(input, weight, bias):
        mask = (input._requires_grad, _wants(weight), _wants(bias))

        def backward(g, w=None):
            if grad_mode.is_grad_enabled():  # create_graph
                gx, gw, gb = _graph_grads(g, input, w, normalized_shape, xhat.shape, (1,),
                                          (1, inner), eps, mask)
                return (gx.reshape(x.shape) if gx is not None else None), gw, \
                    (gb if bias is not None else None)
            return _layer_norm_grads(g, xhat, rstd, w, bias, mask, input._data.shape, dtype)
        record("NativeLayerNormBackward0", (result,), (input, weight, bias), backward,
               saved=(weight,) if weight is not None else ())
    return result, mean_t, rstd_t


def _layer_norm_grads(grad_out, xhat, rstd, weight, bias, mask, shape, dtype):
    g = grad_out._data.reshape(xhat.shape)
    gx = gw = gb = None
    if mask[0]:
        gxhat = g if weight is None else g * weight._data.reshape(-1)
        gx = make(_rows_backward(gxhat, xhat, rstd).reshape(shape), dtype)
    if mask[1] and weight is not None:
        gw = make(_einsum("mk,mk->k", g, xhat).reshape(weight._data.shape), dtype)
    if mask[2] and bias is not None:  # (a product with ones: BLAS sums columns fastest)
        gb = make((np.ones(g.shape[0], g.dtype) @ g).reshape(bias._data.shape), dtype)
    return gx, gw, gb


@defop(method=False, function=False,  # torch.ops.aten only
       signature="native_layer_norm_backward(Tensor grad_out, Tensor input, "
                 "SymIntArrayRef normalized_shape, Tensor mean, Tensor rstd, Tensor? weight, "
                 "Tensor? bias, bool[3] output_mask)")
def native_layer_norm_backward(grad_out, input, normalized_shape, mean, rstd, weight, bias,
                               output_mask):
    """The gradients of layer norm's input, weight and bias (None where the mask is False)."""
    inner = math.prod(_normalized_shape(normalized_shape))
    m, r = mean._data.reshape(-1), rstd._data.reshape(-1)
    xhat = (input._data.reshape(-1, inner) - m[:, None]) * r[:, None]
    return _layer_norm_grads(grad_out, xhat, r, weight, bias, output_mask, input._data.shape,
                             input._dtype)


@defop(method=False,
       signature="layer_norm(Tensor input, SymIntArrayRef normalized_shape, "
                 "Tensor? weight=None, Tensor? bias=None, double eps=1e-05, "
                 "bool cudnn_enable=True)")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """Layer norm's output alone (half inputs as in :func:`batch_norm`)."""
    if input._dtype in _HALVES:
        x, w, b = _float32(input, weight, bias)
        return _native_layer_norm(x, normalized_shape, w, b, eps)[0].to(input._dtype)
    return _native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


_native_layer_norm = native_layer_norm.__wrapped__  # (arguments checked by layer_norm's own)


def _check_groups(shape, channels, groups, weight, bias):
    """torch's checks of group norm's group count and per-channel parameters."""
    if groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {groups}")
    if channels % groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(shape)} and num_groups={groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{list(t._data.shape)} and input of shape {list(shape)}")


@defop(method=False,
       signature="native_group_norm(Tensor input, Tensor? weight, Tensor? bias, SymInt N, "
                 "SymInt C, SymInt HxW, int64_t group, double eps)")
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """Group norm of an (N, C, *) input; returns (output, mean, rstd), the statistics (N, group)."""
    x = input._data
    _check_groups(x.shape, C, group, weight, bias)
    _check_params(input, weight, bias)
    if N < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {N}: [{N}, {group}]")
    _check_float("GroupNormKernelImpl", input)
    if x.size != N * C * HxW:
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an enhancement "
                           "request to PyTorch.)")
    xhat, mean, rstd = _normalize_rows(x.reshape(N * group, -1), eps)
    dtype = input._dtype
    result = make(_affine(xhat.reshape(N, C, -1), weight, bias, (1, C, 1)).reshape(x.shape),
                  dtype)
    mean_t = make(mean.reshape(N, group).astype(x.dtype, copy=False), dtype)
    rstd_t = make(rstd.reshape(N, group).astype(x.dtype, copy=False), dtype)
    if needs_grad(input, weight, bias):
        mask = (input._requires_grad, _wants(weight), _wants(bias))

        def backward(grads, w=None):  # mean and rstd are differentiable outputs too
            g, g_mean, g_rstd = grads
            if grad_mode.is_grad_enabled():  # create_graph
                gx, gw, gb = _graph_grads(g, input, w, (C,), (N, group, C // group, -1),
                                          (2, 3), (1, group, C // group, 1), eps, mask)
                gx = gx.reshape(x.shape) if gx is not None else None
                return gx, gw, (gb if bias is not None else None)
            gx, gw, gb = _group_norm_grads(g, xhat, rstd, w, N, C, mask, input._data.shape,
                                           dtype)
            if gx is not None and (g_mean._data.any() or g_rstd._data.any()):
                k = xhat.shape[1]  # d mean / dx = 1 / k, d rstd / dx = -rstd^2 xhat / k
                extra = (g_mean._data.reshape(-1, 1) -
                         g_rstd._data.reshape(-1, 1) * (rstd * rstd)[:, None] * xhat) / k
                gx = make(gx._data + extra.reshape(gx._data.shape), dtype)
            return gx, gw, gb
        record("NativeGroupNormBackward0", (result, mean_t, rstd_t), (input, weight, bias),
               backward, saved=(weight,) if weight is not None else ())
    return result, mean_t, rstd_t


def _group_norm_grads(grad_out, xhat, rstd, weight, N, C, mask, shape, dtype):
    g = grad_out._data.reshape(N, C, -1)
    gx = gw = gb = None
    if mask[0]:
        gxhat = g if weight is None else g * weight._data.reshape(1, C, 1)
        gx = make(_rows_backward(gxhat.reshape(xhat.shape), xhat, rstd).reshape(shape), dtype)
    if mask[1]:
        gw = make(_channel_dot(g, xhat.reshape(g.shape)), dtype)
    if mask[2]:
        gb = make(_channel_sum(g), dtype)
    return gx, gw, gb


@defop(method=False, function=False,  # torch.ops.aten only
       signature="native_group_norm_backward(Tensor grad_out, Tensor input, Tensor mean, "
                 "Tensor rstd, Tensor? weight, SymInt N, SymInt C, SymInt HxW, int64_t group, "
                 "bool[3] output_mask)")
def native_group_norm_backward(grad_out, input, mean, rstd, weight, N, C, HxW, group,
                               output_mask):
    """The gradients of group norm's input, weight and bias (None where the mask is False)."""
    m, r = mean._data.reshape(-1), rstd._data.reshape(-1)
    xhat = (input._data.reshape(N * group, -1) - m[:, None]) * r[:, None]
    return _group_norm_grads(grad_out, xhat, r, weight, N, C, output_mask, input._data.shape,
                             input._dtype)


@defop(method=False,
       signature="group_norm(Tensor input, int64_t num_groups, Tensor? weight=None, "
                 "Tensor? bias=None, double eps=1e-05, bool cudnn_enabled=True)")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """Group norm's output alone, with torch's checks of the channel count."""
    shape = input._data.shape
    n, c = shape[0], shape[1] if len(shape) > 1 else 1
    _check_groups(shape, c, num_groups, weight, bias)
    hxw = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    if input._dtype in _HALVES:  # as in batch_norm
        x, w, b = _float32(input, weight, bias)
        return native_group_norm(x, w, b, n, c, hxw, num_groups, eps)[0].to(input._dtype)
    return native_group_norm(input, weight, bias, n, c, hxw, num_groups, eps)[0]


@defop(method=False,
       signature="rms_norm(Tensor input, SymIntArrayRef normalized_shape, Tensor? weight=None, "
                 "double? eps=None)")
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2) + eps) over the trailing ``normalized_shape``, times ``weight``;
    ``eps`` defaults to the machine epsilon of the dtype it is computed in (float32 for float16
    and bfloat16 inputs, as torch)."""
    normalized_shape = _normalized_shape(normalized_shape)
    shape = input._data.shape
    k = len(normalized_shape)
    if weight is not None and weight._data.shape != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight._data.shape)} and normalized_shape = "
                           f"{list(normalized_shape)}")
    if shape[len(shape) - k:] != normalized_shape or len(shape) < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(shape)}")
    wide, = _float32(input)
    if eps is None:
        eps = float(np.finfo(wide._data.dtype).eps)
    dims = tuple(range(-k, 0))
    out = (wide * (wide.pow(2).mean(dims, keepdim=True) + eps).rsqrt()).to(input._dtype)
    return out * weight if weight is not None else out


# ---- weight normalization (nn.utils.weight_norm and its parametrization) ---------------------

@defop(method=False, signature="norm_except_dim(Tensor v, int pow=2, int dim=0)")
def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dimension but ``dim``, keeping dimensions (the
    norm of the whole tensor for ``dim=-1``)."""
    from .linalg_products import vector_norm
    if dim == -1:
        return vector_norm(v, pow)
    dim = wrap_dim(dim, v.dim())
    return vector_norm(v, pow, dim=_other_dims(v._data.ndim, dim), keepdim=True)


def _other_dims(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


@defop(method=False)
def _weight_norm(v, g, dim=0):
    """``v * (g / norm_except_dim(v, 2, dim))``: one node, ``WeightNormInterfaceBackward0``,
    where torch's fused kernel takes it (``dim`` the first or the last dimension), else
    composed of ops as torch composes it."""
    if dim == 0 or dim == v.dim() - 1:
        return _weight_norm_interface(v, g, dim)[0]
    return v * (g / norm_except_dim(v, 2, dim))


@defop(method=False)
def _weight_norm_interface(v, g, dim=0):
    """``(v * (g / norms), norms)``, ``norms`` the 2-norms of ``v`` over every dimension but
    ``dim``, kept as size-1 dimensions; ``norms`` takes no gradient. The derivative is written
    in flambeau ops (the norms recomputed from ``v`` when a graph of it is asked for), so second
    derivatives are exact, where torch's fused kernel's are not those of its function."""
    if v._dtype is not g._dtype:
        raise RuntimeError(f"expected scalar type {type_name(v._dtype)} but found "
                           f"{type_name(g._dtype)}")
    a = v._data
    dim %= max(a.ndim, 1)
    others = _other_dims(a.ndim, dim)
    wide = a.astype(np.float32) if a.dtype.itemsize == 2 and a.dtype.kind == "f" else a
    norms = np.sqrt(_einsum(wide, range(wide.ndim), wide, range(wide.ndim), [dim]))
    norms = norms.reshape([s if d == dim else 1 for d, s in enumerate(a.shape)])
    w = np.multiply(wide, g._data / norms, dtype=wide.dtype).astype(a.dtype, copy=False)
    out, norms_t = make(w, v._dtype), make(norms.astype(a.dtype), v._dtype)
    if needs_grad(v, g):
        def backward(grad, v, g):
            n = norm_except_dim(v, 2, dim) if grad_mode.is_grad_enabled() else norms_t
            grad_g = grad * v
            if others:  # (a 1-d v has none: its norms are the absolute values)
                grad_g = grad_g.sum(others, keepdim=True)
            grad_g = grad_g / n
            return (g / n) * (grad - v * (grad_g / n)), grad_g.reshape(g.shape)
        record("WeightNormInterfaceBackward0", (out,), (v, g), backward, saved=(v, g))
    return out, norms_t


# ---- Lua Torch's cross-map LRN (nn.CrossMapLRN2d) --------------------------------------------

def cross_map_lrn2d(input, size, alpha, beta, k):
    """``input * scale ** -beta`` over a 4-d input, ``scale = k + alpha / size * window`` with
    Lua Torch's running-window sums of squares over channels, in which channel 0, once in the
    window, never leaves it: channel c sums the squares of channels up to c + pre_pad - 1, less
    those from 1 to c - pre_pad (``pre_pad = (size - 1) / 2 + 1``, rounded down).

    The node, ``CrossMapLRN2dBackward``, computes torch's legacy gradient formula, which is not
    the derivative of that forward (it windows the channels differently), so gradients agree
    with torch's rather than with finite differences; like torch's, it cannot be differentiated
    again."""
    x = input._data
    if not input._dtype.is_floating_point:
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{type_name(input._dtype)}")
    channels = x.shape[1]
    pre_pad = int((size - 1) / 2 + 1)
    hi = [min(c + pre_pad - 1, channels - 1) for c in range(channels)]
    lo = [0 if c <= pre_pad else c - pre_pad + 1 for c in range(channels)]
    first = [0 if c <= pre_pad else 1 for c in range(channels)]
    sums = np.cumsum(x * x, axis=1, dtype=x.dtype)
    before = np.concatenate((np.zeros_like(sums[:, :1]), sums), axis=1)  # sums before c
    scale = sums[:, hi]
    scale -= before[:, lo]
    scale += before[:, first]
    scale *= alpha / size
    scale += k
    out = np.power(scale, -beta, dtype=x.dtype)
    out *= x
    result = make(out, input._dtype)
    if needs_grad(input):
        record("CrossMapLRN2dBackward", (result,), (input,),
               lambda g, x, y: _cross_map_lrn2d_backward(g, x, y, scale, size, alpha, beta),
               saved=(input, result))
    return result


def _cross_map_lrn2d_backward(g, input, output, scale, size, alpha, beta):
    """torch's gradient: ``g * scale ** -beta - 2 alpha beta / size * x * window``, the window
    summing ``g * output / scale`` over channels ``c - s .. c - s + size - 1`` (``s = size -
    (size - 1) / 2``, rounded down)."""
    if grad_mode.is_grad_enabled():  # create_graph: torch's backward writes with out=
        raise RuntimeError("mul(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    x, gd = input._data, g._data
    channels = x.shape[1]
    shift = int(size - (size - 1) / 2)
    if shift > size - 1:
        raise RuntimeError(f"start ({shift}) + length ({channels}) exceeds dimension size "
                           f"({channels + size - 1}).")
    ratio = np.zeros((x.shape[0], channels + size) + x.shape[2:], x.dtype)  # 0, then padded
    center = ratio[:, 1 + shift:1 + shift + channels]
    np.multiply(gd, output._data, out=center)
    center /= scale
    np.cumsum(ratio, axis=1, out=ratio)
    window = ratio[:, size:size + channels] - ratio[:, :channels]
    window *= x
    window *= -2 * alpha * beta / size
    grad = np.power(scale, -beta, dtype=x.dtype)
    grad *= gd
    grad += window
    return make(grad, g._dtype)
