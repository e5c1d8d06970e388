"""Losses that torch records as nodes of their own (``NllLossBackward0``, ``MseLossBackward0``
...), and the loss functions torch publishes at its top level (``torch.kl_div`` ...).

``reduction`` is torch's enum, as its native functions take it: 0 none, 1 mean, 2 sum
(``nn.functional`` maps the strings). Each fused loss computes its forward on NumPy arrays and
records one node; a derivative that is linear in the output gradient with a coefficient that
does not depend on the input beyond the forward's choices (nll, margins) is that coefficient
times the gradient, the others are written with flambeau ops, so double backward works.
"""
import math

import numpy as np

from .. import _dtype
from .._backend import quietly
from .._tensor import Tensor, make
from ..autograd import grad_mode
from ..autograd.graph import record
from ._saved import _Constant
from ._util import needs_grad, needs_grad1
from .distance import pairwise_distance
from .promotion import _not_implemented, broadcast_error, promote
from .registry import defop, type_name
from .softmax import _softmax_derivative, log_softmax

NONE, MEAN, SUM = 0, 1, 2
_long, _uint8 = _dtype.int64, _dtype.uint8


def _reduce(a, reduction):
    """A loss array reduced as ``reduction`` asks (a 0-d array for mean and sum)."""
    if reduction == MEAN:
        return np.asarray(a.mean() if a.size else np.nan, dtype=a.dtype)
    if reduction == SUM:
        return np.asarray(a.sum(), dtype=a.dtype)
    return a


def _reduce_tensor(t, reduction):
    """The same for a loss composed of flambeau ops."""
    if reduction == MEAN:
        return t.mean()
    if reduction == SUM:
        return t.sum()
    return t


def _grad_scale(g, reduction, n):
    """The output gradient as each element of an unreduced loss of ``n`` elements sees it."""
    return g / n if reduction == MEAN else g


def _times(coeff, g, reduction, dtype):
    """``coeff * g`` for a derivative whose coefficient (an array shaped like the unreduced
    loss's input) is fixed by the forward: in place on NumPy unless a graph is being built."""
    if reduction == NONE and coeff.ndim > g.ndim:  # g lacks the class dim
        g = g.unsqueeze(1)
    if needs_grad1(g):
        return make(coeff, dtype) * g
    coeff *= g._data
    return make(coeff, dtype)


def _check_no_grad(name, arg, t):
    """torch's error for an argument its derivative formula does not cover."""
    if t is not None and needs_grad1(t):
        raise RuntimeError(f"The function '{name}' is not differentiable with respect to argument "
                           f"'{arg}'. This input cannot have requires_grad True.")


def _check_floating(name, *tensors):
    for t in tensors:
        if not t._dtype.is_floating_point:
            raise NotImplementedError(f'"{name}" not implemented for \'{type_name(t._dtype)}\'')


# ---- negative log likelihood -----------------------------------------------------------------

def _targets(t, n_classes, ignore_index):
    """Class indices safe to index with (ignored ones made 0) and the mask of the kept ones
    (None when none is ignored); torch's IndexError for one out of range."""
    if t.size == 0:
        return t, None
    lo, hi = _bounds(t)
    valid = None
    if lo <= ignore_index <= hi:
        valid = t != ignore_index
        t = np.where(valid, t, 0)
        lo, hi = _bounds(t)
    if lo < 0 or hi >= n_classes:
        raise IndexError(f"Target {t[(t < 0) | (t >= n_classes)].flat[0]} is out of bounds.")
    return t, valid


def _bounds(t):
    """The least and greatest of a non-empty integer array (a few values: Python's min and max,
    which cost a tenth of NumPy's reductions)."""
    if t.size <= 64:
        values = t.ravel().tolist()
        return min(values), max(values)
    return t.min(), t.max()


def _nll_forward(node, input, target, weight, reduction, ignore_index):
    """nll over class dim 1 of ``input`` (N, C, *S) against ``target`` (N, *S) (or (C,) and a 0-d
    target): the loss, and the node recorded on it."""
    if target._dtype is not _long and target._dtype is not _uint8:
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{type_name(target._dtype)}")
    _check_floating("nll_loss_out_frame" if node == "NllLossBackward0" else
                    "nll_loss2d_forward_out_frame", input)
    x, t = input._data, target._data
    one = x.ndim == 1
    if one:
        x, t = x[None], t.reshape(1)
    n_classes = x.shape[1]
    if weight is not None and weight._data.size != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                           f"classes or no classes but got weight tensor of shape: "
                           f"{list(weight._data.shape)}")
    safe, valid = _targets(t, n_classes, ignore_index)
    rows = np.arange(x.shape[0]) if x.ndim == 2 else None
    picked = x[rows, safe] if x.ndim == 2 else np.take_along_axis(x, safe[:, None], 1)[:, 0]
    if weight is None:  # wt: each element's weight (None: all one)
        wt = None if valid is None else valid.astype(x.dtype)
    else:
        wt = weight._data.reshape(-1).astype(x.dtype, copy=False)[safe]
        if valid is not None:
            wt *= valid
    loss = -picked if wt is None else -(picked * wt)
    total = None
    if reduction == NONE:
        r = loss.reshape(()) if one else loss
    elif reduction == SUM:
        r = np.asarray(loss.sum(), x.dtype)
    else:
        total = float(loss.size) if wt is None else float(wt.sum())
        r = np.asarray(loss.sum() / total if total else np.nan, x.dtype)
    out = make(r, input._dtype)
    if needs_grad(input):
        shape, dtype = input._data.shape, input._dtype
        through = input._grad_fn is not None and input._grad_fn._backward is _passed_on

        def backward(g):
            value = -1.0 if wt is None else -wt
            if total is not None:
                value = value / total
            if through and not grad_mode.is_grad_enabled():  # cross_entropy's input's gradient
                value = value * (g._data if reduction == NONE else g._data.item())
                return make(_target_minus_softmax(x, rows, safe, value), dtype)
            if needs_grad1(g):  # a graph of the gradient: a fixed coefficient times g
                coeff = _scatter_classes(x.shape, x.dtype, rows, safe, value)
                if reduction == NONE:
                    g = g.reshape(safe.shape).unsqueeze(1)
                return (make(coeff, dtype) * g).reshape(shape)
            gd = g._data
            value = value * (gd.reshape(safe.shape) if reduction == NONE else gd)
            return make(_scatter_classes(x.shape, x.dtype, rows, safe, value).reshape(shape),
                        dtype)
        record(node, (out,), (input, target, weight), backward)
    return out


def _target_minus_softmax(logp, rows, classes, value):
    """``value`` times (the targets' one-hot minus the softmax) from 2-D log-probabilities:
    the gradient of nll(log_softmax(x)) that has ``value`` as log-probability's gradient at
    each target (a number, or one per row)."""
    r = np.exp(logp)
    r *= -value if np.ndim(value) == 0 else -value[:, None]
    r[rows, classes] += value
    return r


def _scatter_classes(shape, dtype, rows, classes, value):
    """Zeros of ``shape`` with ``value`` at each target class (dim 1)."""
    coeff = np.zeros(shape, dtype)
    if rows is not None:
        coeff[rows, classes] = value
    else:
        np.put_along_axis(coeff, classes[:, None],
                          np.asarray(value, dtype)[:, None] if np.ndim(value) else value, 1)
    return coeff


@defop(function=False, method=False,
       signature="nll_loss(Tensor input, Tensor target, Tensor? weight=None, "
                 "int reduction=at::Reduction::Mean, SymInt ignore_index=-100)")
def nll_loss(input, target, weight=None, reduction=MEAN, ignore_index=-100):
    """Negative log likelihood of 1-d (C) or 2-d (N, C) log-probabilities."""
    if input._data.ndim not in (1, 2):
        raise RuntimeError("input tensor should be 1D or 2D")
    if target._data.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input._data.ndim == 2 and input._data.shape[0] != target._data.shape[0] or \
            input._data.ndim == 1 and target._data.ndim == 1 and target._data.shape[0] != 1:
        raise ValueError(f"Expected input batch_size ({input._data.shape[0]}) to match target "
                         f"batch_size ({target._data.shape[0]}).")
    return _nll_forward("NllLossBackward0", input, target, weight, reduction, ignore_index)


@defop(function=False, method=False,
       signature="nll_loss2d(Tensor input, Tensor target, Tensor? weight=None, "
                 "int reduction=at::Reduction::Mean, SymInt ignore_index=-100)")
def nll_loss2d(input, target, weight=None, reduction=MEAN, ignore_index=-100):
    """Negative log likelihood of (N, C, H, W) log-probabilities against (N, H, W) classes."""
    if target._data.ndim != 3:
        raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {target._data.ndim}")
    if input._data.ndim != 4:
        raise RuntimeError("only batches of spatial inputs supported (4D tensors), but got "
                           f"input of dimension: {input._data.ndim}")
    s, t = input._data.shape, target._data.shape
    if s[0] != t[0] or s[2:] != t[1:]:
        raise RuntimeError(f"size mismatch (got input: {list(s)} , target: {list(t)}")
    return _nll_forward("NllLoss2DBackward0", input, target, weight, reduction, ignore_index)


@defop(function=False, method=False,
       signature="nll_loss_nd(Tensor input, Tensor target, Tensor? weight=None, "
                 "int reduction=at::Reduction::Mean, SymInt ignore_index=-100)")
def nll_loss_nd(input, target, weight=None, reduction=MEAN, ignore_index=-100):
    """nll_loss for inputs of any rank: (N, C, d1, ..., dk) goes through ``nll_loss2d``."""
    ndim = input._data.ndim
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim != 1 and input._data.shape[0] != target._data.shape[0]:
        raise ValueError(f"Expected input batch_size ({input._data.shape[0]}) to match target "
                         f"batch_size ({target._data.shape[0]}).")
    if ndim <= 2:
        return nll_loss(input, target, weight, reduction, ignore_index)
    if ndim == 4:
        return nll_loss2d(input, target, weight, reduction, ignore_index)
    n, c = input._data.shape[:2]
    expected = (n,) + input._data.shape[2:]
    if target._data.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got "
                           f"{list(target._data.shape)}")
    if input._data.size == 0 or target._data.size == 0:
        flat_in, flat_t = input.reshape(n, c, 0, 1), target.reshape(n, 0, 1)
    else:
        flat_in = input.contiguous().view(n, c, 1, -1)
        flat_t = target.contiguous().view(n, 1, -1)
    out = nll_loss2d(flat_in, flat_t, weight, reduction, ignore_index)
    return out.view(expected) if reduction == NONE else out


@defop(function=False, method=False,
       signature="cross_entropy_loss(Tensor input, Tensor target, Tensor? weight=None, "
                 "int reduction=at::Reduction::Mean, SymInt ignore_index=-100, "
                 "float label_smoothing=0.0)")
def cross_entropy_loss(input, target, weight=None, reduction=MEAN, ignore_index=-100,
                       label_smoothing=0.0):
    """log_softmax over the class dim, then nll (class indices) or the cross entropy with
    class probabilities, with label smoothing as torch composes it."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input._data.ndim == 1 else 1
    if label_smoothing == 0.0 and input._data.ndim == 2 and needs_grad1(input) and \
            input._dtype in (_dtype.float32, _dtype.float64) and \
            not target._dtype.is_floating_point:
        logp = log_softmax(input.detach(), 1)  # (the nll node after it is its one consumer)
        record("LogSoftmaxBackward0", (logp,), (input,), _passed_on, saved_outputs=(0,))
    else:
        logp = log_softmax(input, class_dim)
    if target._dtype.is_floating_point and target._data.shape == input._data.shape:
        return _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, class_dim)
    if target._dtype.is_floating_point:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported"
                           if target._data.ndim > 1 else
                           "Expected floating point type for target with class probabilities, "
                           f"got {type_name(target._dtype)}")
    loss = nll_loss_nd(logp, target, weight, reduction, ignore_index)
    if label_smoothing == 0.0:
        return loss
    n_classes = input._data.shape[class_dim]
    weight_ = _class_weight(weight, input, class_dim)
    smooth = -(logp if weight_ is None else logp * weight_).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == MEAN:
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            smooth = smooth.sum() / weight.gather(0, target.masked_select(~ignored).flatten()).sum()
    elif reduction == SUM:
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / n_classes)


def _passed_on(g, out):
    """cross_entropy's LogSoftmaxBackward0 over a 2-D input: the NllLossBackward0 node before
    it in the backward pass (its one consumer) gives the input's gradient in one pass
    (``_target_minus_softmax``), which this node passes on (so a hook on it sees that gradient,
    not torch's). Under ``create_graph`` both use torch's formulas, on a ``_relinked`` output."""
    if grad_mode.is_grad_enabled():
        return _softmax_derivative(g, (1, True), _relinked(out))
    return g


def _relinked(out):
    """The saved output of a ``_passed_on`` node as the output of an ordinary
    LogSoftmaxBackward0 node on the same input: what a graph of the gradient differentiates."""
    y = make(out._data, out._dtype)
    node = record("LogSoftmaxBackward0", (y,), (), _softmax_derivative,
                  (_Constant((1, True)),), saved_outputs=(0,))
    node._inputs = out._grad_fn._inputs
    return y


def _class_weight(weight, input, class_dim):
    """``weight`` shaped to broadcast along the class dim of ``input``."""
    if weight is None:
        return None
    return weight.view((-1,) + (1,) * (input._data.ndim - class_dim - 1))


def _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, class_dim):
    n_classes = logp._data.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    weight_ = _class_weight(weight, logp, class_dim)
    prod = logp * target if weight_ is None else logp * target * weight_
    if reduction == MEAN:
        return -prod.sum() / (logp._data.size // n_classes if n_classes else 0)
    if reduction == SUM:
        return -prod.sum()
    return -prod.sum(class_dim)


# ---- pointwise losses ------------------------------------------------------------------------

def _pair(input, target):
    """The operands of a pointwise loss in their common dtype, broadcast as torch does."""
    a, b, dtype = promote(input, target)
    if a.shape != b.shape:
        try:
            a, b = np.broadcast_arrays(a, b)
        except ValueError:
            raise broadcast_error(a, b) from None
    return a, b, dtype


@defop(function=False, method=False,
       signature="mse_loss(Tensor input, Tensor target, int reduction=at::Reduction::Mean)")
def mse_loss(input, target, reduction=MEAN):
    """Mean squared error."""
    a, b, dtype = _pair(input, target)
    d = np.asarray(np.subtract(a, b))  # an array even for 0-d operands
    if reduction == NONE:
        r = np.multiply(d, d, out=d)
    else:
        flat = d.reshape(-1)
        r = np.asarray(np.dot(flat, flat), d.dtype)
        if reduction == MEAN:
            r = np.asarray(r / d.size if d.size else np.nan, d.dtype)
    out = make(r, dtype)
    if needs_grad(input, target):
        n = d.size

        def backward(g, x, y):
            gx = (x - y) * _grad_scale(g * 2, reduction, n)
            return gx, -gx
        record("MseLossBackward0", (out,), (input, target), backward, saved=(input, target))
    return out


@defop(function=False, method=False,
       signature="l1_loss(Tensor input, Tensor target, int reduction=at::Reduction::Mean)")
def l1_loss(input, target, reduction=MEAN):
    """Mean absolute error (torch composes it of sub, abs and the reduction)."""
    return _reduce_tensor((input - target).abs(), reduction)


def _smooth(name, node, kernel, derivative):
    """smooth_l1_loss and huber_loss: a quadratic inside ``param`` and linear outside."""
    def op(input, target, reduction=MEAN, param=1.0):
        if name == "huber_loss" and param <= 0:
            raise RuntimeError("huber_loss does not support non-positive values for delta.")
        if param < 0:
            raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
        a, b, dtype = _pair(input, target)
        # torch's kernels take floats only (smooth_l1_loss with beta=0 is l1_loss)
        if dtype._category != 2 and not (name == "smooth_l1_loss" and param == 0):
            raise _not_implemented(name[:-5] + "_cpu", dtype)
        d = np.abs(a - b)
        out = make(_reduce(kernel(d, param), reduction), dtype.to_real())
        if needs_grad(input, target):
            n = d.size

            def backward(g, x, y):
                gx = derivative(x - y, param) * _grad_scale(g, reduction, n)
                return gx, -gx
            record(node, (out,), (input, target), backward, saved=(input, target))
        return out
    return op


def _smooth_l1_kernel(d, beta):
    if beta == 0:
        return d
    return np.where(d < beta, (0.5 / beta) * d * d, d - 0.5 * beta)


def _huber_kernel(d, delta):
    return np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))


_smooth_l1 = _smooth("smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_kernel,
                     lambda d, beta: d.sign() if beta == 0 else (d / beta).clamp(-1, 1))
_huber = _smooth("huber_loss", "HuberLossBackward0", _huber_kernel,
                 lambda d, delta: d.clamp(-delta, delta))


@defop(function=False, method=False,
       signature="smooth_l1_loss(Tensor input, Tensor target, int reduction=at::Reduction::Mean, "
                 "double beta=1.0)")
def smooth_l1_loss(input, target, reduction=MEAN, beta=1.0):
    """Quadratic below ``beta``, absolute error above (``beta=0``: the L1 loss)."""
    return _smooth_l1(input, target, reduction, beta)


@defop(function=False, method=False,
       signature="huber_loss(Tensor input, Tensor target, int reduction=at::Reduction::Mean, "
                 "double delta=1.0)")
def huber_loss(input, target, reduction=MEAN, delta=1.0):
    """Quadratic below ``delta``, ``delta`` times the absolute error above."""
    return _huber(input, target, reduction, delta)


def _log_clamped(a):
    """log, floored at -100 as torch's binary cross entropy does."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(a), -100.0)


@defop(function=False, method=False,
       signature="binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, "
                 "int reduction=at::Reduction::Mean)")
def binary_cross_entropy(input, target, weight=None, reduction=MEAN):
    """Binary cross entropy of probabilities, its logs floored at -100."""
    _check_no_grad("binary_cross_entropy", "weight", weight)
    x, t = input._data, target._data
    if t.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input._dtype)} but found "
                           f"{type_name(target._dtype)}")
    _check_floating("binary_cross_entropy", input)
    if x.size and not ((x >= 0) & (x <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if x.shape != t.shape:
        raise broadcast_error(x, t)
    loss = (t - 1) * _log_clamped(1 - x)
    loss -= t * _log_clamped(x)
    if weight is not None:
        loss = loss * weight._data
    out = make(_reduce(loss.astype(x.dtype, copy=False), reduction), input._dtype)
    if needs_grad(input, target):
        n = loss.size

        def backward(g, x, t):
            gw = _grad_scale(g, reduction, n)
            if weight is not None:
                gw = gw * weight
            gx = gw * (x - t) / (x * (1 - x)).clamp(min=1e-12)
            gt = gw * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
            return gx, gt, None
        record("BinaryCrossEntropyBackward0", (out,), (input, target, weight), backward,
               saved=(input, target))
    return out


def _log_sigmoid(a):
    """log(sigmoid(a)) without overflow."""
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))


@defop(method=False,
       signature="binary_cross_entropy_with_logits(Tensor input, Tensor target, "
                 "Tensor? weight=None, Tensor? pos_weight=None, int reduction=at::Reduction::Mean)")
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None,
                                     reduction=MEAN):
    """Binary cross entropy of logits, ``pos_weight`` weighting the positive term."""
    _check_no_grad("binary_cross_entropy_with_logits", "weight", weight)
    x, t, dtype = _pair(input, target)
    if dtype.is_complex:
        _check_floating("log_sigmoid_cpu", input)
    ls = _log_sigmoid(x)
    if pos_weight is None:
        loss = (1 - t) * x
        loss -= ls
    else:
        lw = (pos_weight._data - 1) * t + 1
        loss = (1 - t) * x - lw * ls
    if weight is not None:
        loss = loss * weight._data
    out = make(_reduce(loss.astype(x.dtype, copy=False), reduction), dtype)
    if needs_grad(input, target, weight, pos_weight):
        n = loss.size

        def backward(g, x, t):
            gw = _grad_scale(g, reduction, n)
            if weight is not None:
                gw = gw * weight
            sig = x.sigmoid()
            if pos_weight is None:
                return gw * (sig - t), gw * -x, None, None
            lw = (pos_weight - 1) * t + 1
            logsig = _tensor_log_sigmoid(x)
            return (gw * (lw * sig - pos_weight * t), gw * (-x - (pos_weight - 1) * logsig),
                    None, gw * -t * logsig)
        record("BinaryCrossEntropyWithLogitsBackward0", (out,),
               (input, target, weight, pos_weight), backward, saved=(input, target))
    return out


def _tensor_log_sigmoid(x):
    """log(sigmoid(x)) in flambeau ops (for derivatives)."""
    return x.clamp(max=0) - (-x.abs()).exp().log1p()


@defop(function=False, method=False,
       signature="soft_margin_loss(Tensor input, Tensor target, int reduction=at::Reduction::Mean)")
def soft_margin_loss(input, target, reduction=MEAN):
    """log(1 + exp(-target * input)), the two-class logistic loss."""
    _check_no_grad("soft_margin_loss", "target", target)
    x, t, dtype = _pair(input, target)
    loss = -_log_sigmoid(t * x)
    out = make(_reduce(loss.astype(x.dtype, copy=False), reduction), dtype)
    if needs_grad(input, target):
        n = loss.size

        def backward(g, x, t):
            s = _grad_scale(g, reduction, n) * (-(t * x)).sigmoid()
            return -t * s, -x * s
        record("SoftMarginLossBackward0", (out,), (input, target), backward,
               saved=(input, target))
    return out


# ---- margin losses over classes --------------------------------------------------------------

def _margin_result(loss, coeff, input, target, node, reduction, squeeze):
    """The reduced loss of a class-margin loss, recording ``coeff * g`` as its derivative."""
    r = _reduce(loss, reduction)
    out = make(r.reshape(()) if squeeze and reduction == NONE else r, input._dtype)
    if needs_grad(input):
        shape = input._data.shape

        def backward(g):
            c = coeff / loss.size if reduction == MEAN else coeff.copy()
            return _times(c, g.reshape(-1) if squeeze and reduction == NONE else g, reduction,
                          input._dtype).reshape(shape)
        record(node, (out,), (input, target), backward)
    return out


def _check_long(target):
    if target._dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(target._dtype)}")


def _as_batch(input, target, name):
    x, t = input._data, target._data
    squeeze = x.ndim <= 1
    if x.ndim > 2 or (x.size if squeeze else x.shape[1]) == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(x.shape)}")
    return x.reshape(1, -1) if squeeze else x, t, squeeze


@defop(function=False, method=False,
       signature="multi_margin_loss(Tensor input, Tensor target, Scalar p=1, Scalar margin=1, "
                 "Tensor? weight=None, int reduction=at::Reduction::Mean)")
def multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction=MEAN):
    """Multi-class hinge loss: sum over wrong classes i of max(0, margin - x[y] + x[i])^p / C."""
    if p not in (1, 2):
        raise RuntimeError("only p == 1 and p == 2 supported")
    _check_floating("multi_margin_loss_cpu_kernel", input)
    x, t, squeeze = _as_batch(input, target, "multi_margin_loss")
    n, c = x.shape
    t = t.reshape(-1)
    if t.size != n or target._data.ndim > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target._data.shape)}. Input has shape "
                           f"{list(input._data.shape)}.")
    if weight is not None:
        if weight._data.ndim != 1:
            raise RuntimeError("weight must be one-dimensional")
        if weight._data.size != c:
            raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                               f"{list(weight._data.shape)}")
    _check_long(target)
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    rows = np.arange(n)
    z = margin - x[rows, t][:, None] + x
    z[rows, t] = 0
    active = z > 0
    z *= active
    per = z if p == 1 else z * z
    d = active.astype(x.dtype) if p == 1 else 2 * z
    if weight is not None:
        wt = weight._data.reshape(-1)[t][:, None].astype(x.dtype)
        per = per * wt
        d = d * wt
    d /= c
    d[rows, t] = -d.sum(1)
    loss = (per.sum(1) / c).astype(x.dtype)
    return _margin_result(loss, d, input, target, "MultiMarginLossBackward0", reduction, squeeze)


@defop(function=False, method=False,
       signature="multilabel_margin_loss(Tensor input, Tensor target, "
                 "int reduction=at::Reduction::Mean)")
def multilabel_margin_loss(input, target, reduction=MEAN):
    """Multi-label hinge loss: the classes of each row of ``target`` up to the first -1 are the
    targets; each pays max(0, 1 - (x[j] - x[i])) against every non-target i, over C."""
    _check_floating("multilabel_margin_loss_forward_out_frame", input)
    x, t, squeeze = _as_batch(input, target, "multilabel_margin_loss")
    if t.shape != input._data.shape:
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                           f"{list(input._data.shape)}")
    _check_long(target)
    t = t.reshape(x.shape)
    n, c = x.shape
    listed = np.cumprod(t != -1, axis=1).astype(bool)
    if ((t < -1) | (t >= c))[listed].any() or (t < -1).any():
        raise RuntimeError("target out of range")
    safe = np.where(listed, t, 0)
    is_target = np.zeros(x.shape, bool)
    rows = np.repeat(np.arange(n), c).reshape(n, c)
    is_target[rows[listed], safe[listed]] = True
    xj = np.take_along_axis(x, safe, 1)
    z = 1 - xj[:, :, None] + x[:, None, :]  # (n, target k, class i)
    active = (z > 0) & listed[:, :, None] & ~is_target[:, None, :]
    loss = (np.where(active, z, 0).sum((1, 2)) / c).astype(x.dtype)
    a = active.astype(x.dtype) / c
    d = a.sum(1)
    np.add.at(d, (rows, safe), -a.sum(2))
    return _margin_result(loss, d, input, target, "MultilabelMarginLossBackward0", reduction,
                          squeeze)


# ---- losses torch composes of other ops ------------------------------------------------------

@defop(method=False,
       signature="kl_div(Tensor input, Tensor target, int reduction=at::Reduction::Mean, *, "
                 "bool log_target=False)")
def kl_div(input, target, reduction=MEAN, *, log_target=False):
    """Pointwise KL divergence of ``target`` from ``input`` (log-probabilities)."""
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    return _reduce_tensor(loss, reduction)


@defop(method=False,
       signature="hinge_embedding_loss(Tensor input, Tensor target, double margin=1.0, "
                 "int reduction=at::Reduction::Mean)")
def hinge_embedding_loss(input, target, margin=1.0, reduction=MEAN):
    """x where target is 1, max(0, margin - x) where it is -1."""
    zeros = input.new_zeros(())
    margin_clamp = (margin - input).clamp_min(0)
    output_margin = margin_clamp.where(target != 1, zeros)
    output_self = input.where(target != -1, zeros)
    return _reduce_tensor(output_margin + output_self, reduction)


@defop(method=False,
       signature="cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, "
                 "double margin=0.0, int reduction=at::Reduction::Mean)")
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=MEAN):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1."""
    nd = input1._data.ndim
    if input1._data.shape != input2._data.shape:
        raise RuntimeError(f"cosine_embedding_loss: Input1 and Input2 must have the same shape, "
                           f"but got Input1: {list(input1._data.shape)} and Input2: "
                           f"{list(input2._data.shape)}")
    if nd not in (1, 2):
        raise RuntimeError(f"cosine_embedding_loss: Expected 1D or 2D tensor inputs, but got "
                           f"{nd}D inputs")
    if target._data.ndim != nd - 1:
        raise RuntimeError(f"cosine_embedding_loss: Expected 0D or 1D target tensor, but got "
                           f"{target._data.ndim}D target")
    eps = 1e-12
    dim = nd - 1
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = (input1 * input1).sum(dim) + eps
    mag_square2 = (input2 * input2).sum(dim) + eps
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    zeros = cos.new_zeros(())
    pos = (1 - cos).where(target == 1, zeros)
    neg = (cos - margin).clamp_min(0).where(target == -1, zeros)
    return _reduce_tensor(pos + neg, reduction)


@defop(method=False,
       signature="margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, "
                 "double margin=0.0, int reduction=at::Reduction::Mean)")
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=MEAN):
    """max(0, -target * (x1 - x2) + margin), the difference taken first (as torch's build
    does: its errors come in that order)."""
    difference = input1 - input2
    return _reduce_tensor((-target * difference + margin).clamp_min(0), reduction)


@defop(method=False,
       signature="triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, "
                 "double margin=1.0, double p=2, double eps=1e-06, bool swap=False, "
                 "int reduction=at::Reduction::Mean)")
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        reduction=MEAN):
    """max(0, d(a, p) - d(a, n) + margin) with pairwise p-norm distances."""
    nd = anchor._data.ndim
    if positive._data.ndim != nd or negative._data.ndim != nd:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {nd}D, positive {positive._data.ndim}D, and negative "
            f"{negative._data.ndim}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = dist_neg.min(pairwise_distance(positive, negative, p, eps))
    return _reduce_tensor((margin + dist_pos - dist_neg).clamp_min(0), reduction)


@defop(method=False,
       signature="poisson_nll_loss(Tensor input, Tensor target, bool log_input, bool full, "
                 "double eps, int reduction)")
def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Poisson negative log likelihood; ``full`` adds Stirling's term where target > 1."""
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce_tensor(loss, reduction)


# ---- connectionist temporal classification ---------------------------------------------------

def _ctc_one(lp, labels, T, blank):
    """-log p(labels | lp[:T]) and the gradient of that (w.r.t. lp) for one sequence, by the
    forward-backward recursions in log space."""
    ext = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    s_len = ext.size
    neg_inf = -np.inf
    skip = np.zeros(s_len, bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    lpe = lp[:T, ext]  # (T, S)
    alpha = np.full((T, s_len), neg_inf)
    beta = np.full((T, s_len), neg_inf)
    if T == 0:
        return (0.0 if len(labels) == 0 else math.inf), np.zeros_like(lp)
    alpha[0, 0] = lpe[0, 0]
    if s_len > 1:
        alpha[0, 1] = lpe[0, 1]
    beta[T - 1, -1] = lpe[T - 1, -1]
    if s_len > 1:
        beta[T - 1, -2] = lpe[T - 1, -2]
    with np.errstate(invalid="ignore", divide="ignore"):
        for t in range(1, T):
            prev = alpha[t - 1]
            a = prev.copy()
            a[1:] = np.logaddexp(a[1:], prev[:-1])
            a[2:] = np.where(skip[2:], np.logaddexp(a[2:], prev[:-2]), a[2:])
            alpha[t] = a + lpe[t]
        for t in range(T - 2, -1, -1):
            nxt = beta[t + 1]
            b = nxt.copy()
            b[:-1] = np.logaddexp(b[:-1], nxt[1:])
            b[:-2] = np.where(skip[2:], np.logaddexp(b[:-2], nxt[2:]), b[:-2])
            beta[t] = b + lpe[t]
        ll = np.logaddexp(alpha[T - 1, -1], alpha[T - 1, -2]) if s_len > 1 else alpha[T - 1, -1]
        ab = alpha + beta  # log of the paths through (t, s), counting lp[t, s] twice
        occupancy = np.full((T, lp.shape[1]), neg_inf)
        for s in range(s_len):
            occupancy[:, ext[s]] = np.logaddexp(occupancy[:, ext[s]], ab[:, s])
        grad = np.zeros_like(lp)
        # torch's gradient: exp(lp) minus the occupancy, which is the true one once it goes
        # back through a log_softmax (each row of both sums to one)
        grad[:T] = np.exp(lp[:T]) - np.exp(occupancy - ll - lp[:T])
    return -ll, grad


def _ctc_lengths(lengths, name):
    if isinstance(lengths, Tensor):
        return [int(v) for v in lengths._data.reshape(-1)]
    return [int(v) for v in lengths]


@defop(method=False,
       signature=["ctc_loss(Tensor log_probs, Tensor targets, IntArrayRef input_lengths, "
                  "IntArrayRef target_lengths, int64_t blank=0, "
                  "int64_t reduction=at::Reduction::Mean, "
                  "bool zero_infinity=False)",
                  "ctc_loss(Tensor log_probs, Tensor targets, Tensor input_lengths, "
                  "Tensor target_lengths, int64_t blank=0, int64_t reduction=at::Reduction::Mean, "
                  "bool zero_infinity=False)"])
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=MEAN,
             zero_infinity=False):
    """Connectionist temporal classification loss of (T, N, C) (or (T, C)) log-probabilities;
    targets padded (N, S) or concatenated (sum of target_lengths)."""
    in_lens = _ctc_lengths(input_lengths, "input_lengths")
    tg_lens = _ctc_lengths(target_lengths, "target_lengths")
    lp = log_probs._data
    batched = lp.ndim == 3
    if not batched:
        lp = lp[:, None]
    T, n, c = lp.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if len(in_lens) != n:
        raise RuntimeError(f"input_lengths must be of size batch_size")
    if len(tg_lens) != n:
        raise RuntimeError(f"target_lengths must be of size batch_size")
    tg = targets._data
    if batched or tg.ndim == 2:
        tg = tg.reshape(n, -1) if tg.ndim != 1 else tg
    losses = np.zeros(n, np.float64)
    grads = np.zeros(lp.shape, np.float64)
    offset = 0
    for b in range(n):
        if in_lens[b] > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value "
                               f"{in_lens[b]} (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
        if tg.ndim == 2:
            if tg_lens[b] > tg.shape[1]:
                raise RuntimeError(
                    f"Expected tensor to have size at least {tg_lens[b]} at dimension 1, but got "
                    f"size {tg.shape[1]} for argument #2 'targets' (while checking arguments for "
                    "ctc_loss_allocate_outputs)")
            labels = tg[b, :tg_lens[b]]
        else:
            labels = tg[offset:offset + tg_lens[b]]
            offset += tg_lens[b]
        losses[b], grads[:, b] = _ctc_one(lp[:, b].astype(np.float64), labels, in_lens[b],
                                          blank)
    if zero_infinity:
        bad = np.isinf(losses)
        losses[bad] = 0
        grads[:, bad] = 0
    dtype = log_probs._dtype
    raw = make(losses.astype(lp.dtype), dtype)
    if needs_grad(log_probs):
        grad_in = grads.astype(lp.dtype)

        def backward(g):
            grad = _times(grad_in.copy(), g.reshape(1, -1, 1), NONE, dtype)
            return grad if batched else grad.reshape(log_probs._data.shape)
        record("CtcLossBackward0", (raw,), (log_probs,), backward)
    loss = raw if batched else raw.reshape(())
    if reduction == MEAN:
        lengths = make(np.maximum(np.asarray(tg_lens, lp.dtype), 1), dtype)
        return (loss / (lengths if batched else lengths.reshape(()))).mean()
    if reduction == SUM:
        return loss.sum()
    return loss


# ---- targets ---------------------------------------------------------------------------------

@defop(function=False, method=False,
       signature="one_hot(Tensor input, int64_t num_classes=-1)")
def one_hot(tensor, num_classes=-1):
    """int64 tensor with a trailing dim of ``num_classes``, 1 at each index of ``tensor``
    (``num_classes=-1``: the largest index plus one)."""
    if tensor._dtype is not _long:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._data
    if a.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    elif a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    elif num_classes == -1:
        num_classes = int(a.max()) + 1
    elif a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(a.shape + (num_classes,), np.int64)
    np.put_along_axis(out, a[..., None], 1, -1)
    return make(out, _long)
