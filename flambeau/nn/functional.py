"""``nn.functional``: the functions behind the modules.

Ops that torch records as nodes of their own are defined in ``flambeau/_ops`` and published
here by the registry; this file holds what torch composes from other ops.
"""
from .. import _ops  # noqa: F401  (the registry fills this namespace)
from .._ops.signature import checker as _checker
from .._ops import barebones as _barebones
from .._ops.blas import linear, matmul


# ---- dropout (ops in _ops/dropout.py) --------------------------------------------------------

import warnings as _warnings  # noqa: E402
from .._ops import activation as _act, dropout as _drop  # noqa: E402
from .._ops.activation import (celu_, elu_, gelu, hardshrink, hardtanh_, leaky_relu_,  # noqa: E402
                               prelu, relu_, rrelu_, selu_, softplus, softshrink, threshold_)
from .._ops.activation import log_sigmoid as logsigmoid  # noqa: E402


def _check_dropout_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes elements with probability ``p`` in training, scaling the rest by ``1 / (1 - p)``
    (see :class:`~flambeau.nn.Dropout`)."""
    _check_dropout_p(p)
    return _drop.dropout_(input, p, training) if inplace else _drop.dropout(input, p, training)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout (see :class:`~flambeau.nn.AlphaDropout`)."""
    _check_dropout_p(p)
    return _drop.alpha_dropout_(input, p, training) if inplace else \
        _drop.alpha_dropout(input, p, training)


def _channel_dropout(input, p, training, inplace, batched):
    """feature_dropout of an input given a batch dim first when it has none."""
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _drop.feature_dropout_(input, p, training) if inplace else \
        _drop.feature_dropout(input, p, training)
    if not batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of an ``(N, C, L)`` or ``(C, L)`` input (see
    :class:`~flambeau.nn.Dropout1d`)."""
    _check_dropout_p(p)
    ndim = input.dim()
    if ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. "
                           "Note that dropout1d exists to provide channel-wise dropout on inputs "
                           "with 1 spatial dimension, a channel dimension, and an optional batch "
                           "dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, ndim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of an ``(N, C, H, W)`` input; a 3-D input is taken as
    ``(N, C, L)``, with torch's warnings (see :class:`~flambeau.nn.Dropout2d`)."""
    _check_dropout_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        _warnings.warn(f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated "
                       "and will result in an error in a future release. To retain the behavior "
                       "and silence this warning, please use dropout instead. Note that "
                       "dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
                       "dimensions, a channel dimension, and an optional batch dimension (i.e. "
                       "3D or 4D inputs).", stacklevel=2)
    if ndim == 3:
        _warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                       "channel-wise 1D dropout behavior is desired - input is interpreted as "
                       "shape (N, C, L), where C is the channel dim. This behavior will change "
                       "in a future release to interpret the input as one without a batch "
                       "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                       "behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _channel_dropout(input, p, training, inplace, True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input (see
    :class:`~flambeau.nn.Dropout3d`)."""
    _check_dropout_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        _warnings.warn(f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated "
                       "and will result in an error in a future release. To retain the behavior "
                       "and silence this warning, please use dropout instead. Note that "
                       "dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
                       "dimensions, a channel dimension, and an optional batch dimension (i.e. "
                       "4D or 5D inputs).", stacklevel=2)
    return _channel_dropout(input, p, training, inplace, ndim == 5)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (see :class:`~flambeau.nn.FeatureAlphaDropout`)."""
    _check_dropout_p(p)
    return _drop.feature_alpha_dropout_(input, p, training) if inplace else \
        _drop.feature_alpha_dropout(input, p, training)


# ---- activations (ops in _ops/activation.py) -------------------------------------------------

def threshold(input, threshold, value, inplace=False):
    """``value`` where ``input <= threshold``, else ``input`` (see
    :class:`~flambeau.nn.Threshold`)."""
    return _act.threshold_(input, threshold, value) if inplace else \
        _act.threshold(input, threshold, value)


_threshold = threshold


def relu(input, inplace=False):
    """``max(input, 0)`` (see :class:`~flambeau.nn.ReLU`)."""
    return _act.relu_(input) if inplace else _act.relu(input)


def glu(input, dim=-1):
    """``a * sigmoid(b)`` for the halves of ``input`` along ``dim`` (see
    :class:`~flambeau.nn.GLU`)."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    return _act.glu(input, dim)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``input`` clamped to ``[min_val, max_val]`` (see :class:`~flambeau.nn.Hardtanh`)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _act.hardtanh_(input, min_val, max_val) if inplace else \
        _act.hardtanh(input, min_val, max_val)


def relu6(input, inplace=False):
    """``min(max(0, input), 6)`` (see :class:`~flambeau.nn.ReLU6`)."""
    return _act.hardtanh_(input, 0.0, 6.0) if inplace else _act.hardtanh(input, 0.0, 6.0)


def elu(input, alpha=1.0, inplace=False):
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere (see
    :class:`~flambeau.nn.ELU`)."""
    return _act.elu_(input, alpha) if inplace else _act.elu(input, alpha)


def selu(input, inplace=False):
    """``scale * elu(input, alpha)`` with the self-normalizing constants (see
    :class:`~flambeau.nn.SELU`)."""
    return _act.selu_(input) if inplace else _act.selu(input)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (see :class:`~flambeau.nn.CELU`)."""
    return _act.celu_(input, alpha) if inplace else _act.celu(input, alpha)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, ``negative_slope * input`` elsewhere (see
    :class:`~flambeau.nn.LeakyReLU`)."""
    return _act.leaky_relu_(input, negative_slope) if inplace else \
        _act.leaky_relu(input, negative_slope)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu (see :class:`~flambeau.nn.RReLU`)."""
    return _act.rrelu_(input, lower, upper, training) if inplace else \
        _act.rrelu(input, lower, upper, training)


def tanhshrink(input):
    """``input - tanh(input)``."""
    return input - input.tanh()


def softsign(input):
    """``input / (1 + |input|)``."""
    return input / (input.abs() + 1)


def _get_softmax_dim(name, ndim, stacklevel):
    _warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                   "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input)`` over ``dim`` (see :class:`~flambeau.nn.Softmin`)."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return (-input).softmax(dim) if dtype is None else (-input).softmax(dim, dtype=dtype)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x_i) / sum_j exp(x_j)`` over ``dim``, computed in ``dtype`` when given (see
    :class:`~flambeau.nn.Softmax`)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim) if dtype is None else input.softmax(dim, dtype=dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample of the Gumbel-softmax distribution over ``dim``; ``hard=True`` returns one-hot
    vectors whose gradient is the soft sample's (``eps`` is deprecated and unused)."""
    if eps != 1e-10:
        _warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -logits.new_empty(logits.shape).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = logits.new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(input))`` over ``dim``, computed directly (see
    :class:`~flambeau.nn.LogSoftmax`)."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    # (dtype goes by keyword only when given: the method's keyword path costs a microsecond)
    return input.log_softmax(dim) if dtype is None else input.log_softmax(dim, dtype=dtype)


def tanh(input):
    """The hyperbolic tangent (see :class:`~flambeau.nn.Tanh`)."""
    return input.tanh()


def sigmoid(input):
    """``1 / (1 + exp(-input))`` (see :class:`~flambeau.nn.Sigmoid`)."""
    return input.sigmoid()


def hardsigmoid(input, inplace=False):
    """``clamp(input + 3, 0, 6) / 6`` (see :class:`~flambeau.nn.Hardsigmoid`)."""
    return _act.hardsigmoid_(input) if inplace else _act.hardsigmoid(input)


_BILINEAR = _checker("bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)")


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]``."""
    _BILINEAR(input1, input2, weight, bias)
    tensors = (input1, input2, weight) + ((bias,) if bias is not None else ())
    if any(t.dtype is not input1.dtype for t in tensors):
        names = ("input1", "input2", "weight", "bias")
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{n}: {t.dtype._cpp_name}" for n, t in zip(names, tensors)))
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    o, i, j = weight.size(0), weight.size(1), weight.size(2)
    for n, (x, size) in enumerate(((input1, i), (input2, j)), 1):
        if x.shape[-1] != size:
            raise RuntimeError(f"bilinear(): input{n} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {size}")
    if bias is not None and bias.size(0) != o:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.size(0)} but expected {o}")
    batch = input1.shape[:-1]
    a = input1.reshape(-1, i)
    if input1.dtype._barebones and min(a.shape[0], o, i, j) > 0:  # (torch multiplies with bmm)
        _barebones.refuse("bmm", input1)
    u = matmul(input2.reshape(-1, j), weight.reshape(o * i, j).t()).view(-1, o, i)
    out = (u * a.unsqueeze(1)).sum(-1, dtype=u.dtype).view(*batch, o)  # (ints stay as they are)
    return out if bias is None else out + bias


def silu(input, inplace=False):
    """``input * sigmoid(input)`` (see :class:`~flambeau.nn.SiLU`)."""
    return _act.silu_(input) if inplace else _act.silu(input)


def mish(input, inplace=False):
    """``input * tanh(softplus(input))`` (see :class:`~flambeau.nn.Mish`)."""
    return _act.mish_(input) if inplace else _act.mish(input)


def hardswish(input, inplace=False):
    """``input * clamp(input + 3, 0, 6) / 6`` (see :class:`~flambeau.nn.Hardswish`)."""
    return _act.hardswish_(input) if inplace else _act.hardswish(input)


# ---- losses (the fused ones are ops in _ops/loss.py; torch's argument handling is here) ------

from .._ops import loss as _loss  # noqa: E402
from .._ops.loss import (binary_cross_entropy_with_logits as _bce_with_logits,  # noqa: E402
                         cosine_embedding_loss as _cosine_embedding, ctc_loss as _ctc,
                         hinge_embedding_loss as _hinge_embedding, kl_div as _kl_div,
                         margin_ranking_loss as _margin_ranking, one_hot,
                         poisson_nll_loss as _poisson_nll, triplet_margin_loss as _triplet)
from .._ops.distance import cosine_similarity, pairwise_distance, pdist  # noqa: E402
from .._ops.normalization import (batch_norm as _batch_norm,  # noqa: E402
                                  group_norm as _group_norm, instance_norm as _instance_norm,
                                  layer_norm as _layer_norm, rms_norm as _rms_norm)
from . import _reduction as _Reduction  # noqa: E402
import math as _math  # noqa: E402
import warnings as _warnings  # noqa: E402
from .._ops.joining import (broadcast_shapes as _broadcast_shapes,  # noqa: E402
                            broadcast_tensors as _broadcast_tensors,
                            constant_pad_nd as _constant_pad_nd)
from .._ops.pointwise import div as _div  # noqa: E402
from ..autograd.grad_mode import no_grad as _no_grad  # noqa: E402


def _reduction_of(size_average, reduce, reduction):
    """The reduction enum, from the deprecated pair (with torch's warning) when either is set."""
    if size_average is not None or reduce is not None:
        return _Reduction.legacy_get_enum(size_average, reduce)
    return _Reduction.get_enum(reduction)


def _warn_sizes(input, target):
    if target.shape != input.shape:
        _warnings.warn(f"Using a target size ({target.size()}) that is different to the input "
                       f"size ({input.size()}). This will likely lead to incorrect results due "
                       "to broadcasting. Please ensure they have the same size.", stacklevel=3)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log likelihood of log-probabilities (N, C, *) against class indices (N, *)."""
    return _loss.nll_loss_nd(input, target, weight,
                             _reduction_of(size_average, reduce, reduction), ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax then nll_loss (class indices), or the cross entropy with class
    probabilities; ``label_smoothing`` mixes in the uniform distribution."""
    return _loss.cross_entropy_loss(input, target, weight,
                                    _reduction_of(size_average, reduce, reduction),
                                    ignore_index, label_smoothing)


def _weighted(loss, weight, input, reduction, mean_by_weight):
    """An unreduced loss times ``weight`` (of the input's size), reduced as torch's
    mse/l1/huber do: their mean divides by the total weight (huber's by the count)."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _pointwise(op, input, target, size_average, reduce, reduction, weight, mean_by_weight,
               *args):
    _warn_sizes(input, target)
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    if input.shape != target.shape:
        input, target = _broadcast_tensors(input, target)
    if weight is None:
        return op(input, target, _Reduction.get_enum(reduction), *args)
    return _weighted(op(input, target, 0, *args), weight, input, reduction, mean_by_weight)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (``weight``: per element, a weighted mean)."""
    return _pointwise(_loss.mse_loss, input, target, size_average, reduce, reduction, weight,
                      True)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error (``weight``: per element, a weighted mean)."""
    return _pointwise(_loss.l1_loss, input, target, size_average, reduce, reduction, weight,
                      True)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error below ``beta``, absolute error above (``beta=0``: the L1 loss)."""
    if beta == 0.0:
        return _pointwise(_loss.l1_loss, input, target, size_average, reduce, reduction, None,
                          True)
    return _pointwise(_loss.smooth_l1_loss, input, target, size_average, reduce, reduction,
                      None, True, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Squared error below ``delta``, ``delta`` times the absolute error above."""
    return _pointwise(_loss.huber_loss, input, target, None, None, reduction, weight, False,
                      delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross entropy of probabilities; target and input must have the same size."""
    reduction_enum = _reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    if weight is not None:
        weight = weight.expand(_broadcast_shapes(target.shape, weight.shape))
    return _loss.binary_cross_entropy(input, target, weight, reduction_enum)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Binary cross entropy of logits (stable for large ones); ``pos_weight`` weights the
    positive term per class."""
    reduction_enum = _reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    return _bce_with_logits(input, target, weight, pos_weight, reduction_enum)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence of ``target`` from ``input`` (log-probabilities); 'batchmean' divides the
    sum by the batch size."""
    if size_average is not None or reduce is not None:
        reduction_enum = _Reduction.legacy_get_enum(size_average, reduce)
    else:
        if reduction == "mean":
            _warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                           "the support size.'batchmean' divides only by the batch size, and "
                           "aligns with the KL div math definition.'mean' will be changed to "
                           "behave the same as 'batchmean' in the next major release.",
                           stacklevel=2)
        reduction_enum = _Reduction.get_enum("sum" if reduction == "batchmean" else reduction)
    reduced = _kl_div(input, target, reduction_enum, log_target=log_target)
    if reduction == "batchmean" and input.ndim != 0:
        reduced = reduced / input.shape[0]
    return reduced


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input))."""
    return _loss.soft_margin_loss(input, target, _reduction_of(size_average, reduce, reduction))


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``, with
    ``linear_weight`` (C, d1, ..., dK, in_features) for K-dimensional logits. ``options``
    (chunking, which only saves memory) is accepted; flambeau computes the reference."""
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions "
                           f"(in_features), got {input.shape[-1]} and "
                           f"{linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, (N, "
                           f"{in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batch, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if out_features:
        rows = linear_weight.numel() // in_features
        linear_weight = linear_weight.reshape(rows, in_features)
        linear_bias = linear_bias.reshape(rows) if linear_bias is not None else None
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Per-class logistic loss averaged over the classes."""
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss; each row of ``target`` lists class indices, ended by -1."""
    return _loss.multilabel_margin_loss(input, target,
                                        _reduction_of(size_average, reduce, reduction))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss (p = 1 or 2)."""
    reduction_enum = _reduction_of(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    return _loss.multi_margin_loss(input, target, p, margin, weight, reduction_enum)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target is 1, max(0, margin - input) where it is -1."""
    return _hinge_embedding(input, target, margin, _reduction_of(size_average, reduce, reduction))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos where target is 1, max(0, cos - margin) where it is -1."""
    return _cosine_embedding(input1, input2, target, margin,
                             _reduction_of(size_average, reduce, reduction))


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction_enum = _reduction_of(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.size()}, input2: {input2.size()}, "
                           f"target: {target.size()} ")
    return _margin_ranking(input1, input2, target, margin, reduction_enum)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin), p-norm distances."""
    reduction_enum = _reduction_of(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, margin, p, eps, swap, reduction_enum)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """The triplet loss with any distance function (default: pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if len(set(dims)) != 1:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = dist_neg.minimum(distance(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp_min(0)
    return loss.sum() if reduction == "sum" else loss.mean() if reduction == "mean" else loss


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08,
                     reduce=None, reduction="mean"):
    """Poisson negative log likelihood (``full`` adds Stirling's approximation term)."""
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    return _poisson_nll(input, target, log_input, full, eps, _Reduction.get_enum(reduction))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    """Gaussian negative log likelihood with predicted variance ``var`` (clamped to ``eps``
    without gradient through the clamp, as in torch)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * input.new_ones(input.shape)
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and
                  sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with _no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * _math.log(2 * _math.pi)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification loss."""
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank,
                _Reduction.get_enum(reduction), zero_infinity)


# ---- normalization (the fused ones are ops in _ops/normalization.py) -------------------------

def _verify_batch_size(size):
    values = size[0]
    for s in size[2:]:
        values *= s
    if values == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{size}")


def _verify_spatial_size(size):
    values = 1
    for s in size[2:]:
        values *= s
    if values == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Batch norm over dim 1 with batch statistics (training) or the running ones."""
    if training:
        _verify_batch_size(input.size())
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
                       False)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalizes each channel of each sample over its spatial dims."""
    if use_input_stats:
        _verify_spatial_size(input.size())
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                          momentum, eps, False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalizes over the trailing ``normalized_shape`` dims."""
    return _layer_norm(input, normalized_shape, weight, bias, eps, False)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalizes each group of channels of each sample."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] +
                       list(input.size()[2:]))  # (a list, printed as torch prints it)
    return _group_norm(input, num_groups, weight, bias, eps, False)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Divides by the root mean square over the trailing ``normalized_shape`` dims."""
    return _rms_norm(input, normalized_shape, weight, eps)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of squares over ``size`` neighbouring channels) ** beta (the
    window zero-padded at the edges, as torch's average pooling counts it)."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input "
                         f"(got {dim} dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    padded = _constant_pad_nd(input.mul(input).movedim(1, -1), (size // 2, (size - 1) // 2))
    window = padded[..., 0:channels]
    for i in range(1, size):
        window = window + padded[..., i:i + channels]
    window = window.movedim(-1, 1)  # averaged as torch's avg_pool does (floored for ints)
    average = window / size if input.is_floating_point() else window.div(size,
                                                                          rounding_mode="floor")
    div = average.mul(alpha).add(k).pow(beta)
    return input / div


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input divided by its p-norm along ``dim`` (at least ``eps``)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return _div(input, denom, out=out)


# ---- convolution and padding (ops in _ops/conv.py, _ops/padding.py) ----------------------------

from .._ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: E402
                         conv_transpose3d)
from .._ops import conv as _conv_ops, padding as _padding  # noqa: E402
from collections.abc import Iterable as _Iterable  # noqa: E402


_PAD = _checker('pad(Tensor input, SymInt[] pad, str mode="constant", float? value=None)')


def pad(input, pad, mode="constant", value=None):
    """``input`` padded by ``pad`` widths (last dim first) with a constant, or by reflection,
    replication or wrapping around."""
    _PAD(input, pad, mode, value)
    kinds = {"reflect": "reflection", "replicate": "replication", "circular": None}
    if mode != "constant" and mode not in kinds:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.dim()}")
    if mode == "constant":
        return _constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pad) // 2
    if not 1 <= n <= 3 or input.dim() not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        return _padding.pad_circular(input, pad)
    return getattr(_padding, f"{kinds[mode]}_pad{n}d")(input, pad)


# ---- pooling (ops in _ops/pooling.py) ----------------------------------------------------------

from .._ops import pooling as _pool  # noqa: E402
from .._ops.pooling import avg_pool1d, avg_pool2d, avg_pool3d  # noqa: E402,F401


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    if stride is None:
        stride = []
    if return_indices:
        return getattr(_pool, f"max_pool{nd}d_with_indices")(input, kernel_size, stride,
                                                             padding, dilation, ceil_mode)
    return getattr(_pool, f"max_pool{nd}d")(input, kernel_size, stride, padding, dilation,
                                            ceil_mode)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling (with the flat input indices when ``return_indices``)."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling (with the flat input indices when ``return_indices``)."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-d max pooling (with the flat input indices when ``return_indices``)."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices = (
    _pool.max_pool1d_with_indices, _pool.max_pool2d_with_indices, _pool.max_pool3d_with_indices)


def _sizes(input, output_size, nd):
    """``output_size`` with ``None`` entries taken from the input, as torch's Python does for
    2-d and 3-d pooling (the 1-d op takes it as given)."""
    if nd == 1 or isinstance(output_size, int):
        return output_size
    if input.dim() <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    return [input.shape[input.dim() - nd + i] if o is None else o
            for i, o in enumerate(output_size)]


def _adaptive_avg(nd, input, output_size):
    return getattr(_pool, f"adaptive_avg_pool{nd}d")(input, _sizes(input, output_size, nd))


def _adaptive_max(nd, input, output_size, return_indices):
    values, indices = getattr(_pool, f"adaptive_max_pool{nd}d")(input,
                                                                 _sizes(input, output_size, nd))
    return (values, indices) if return_indices else values


def adaptive_avg_pool1d(input, output_size):
    """1-d adaptive average pooling."""
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """2-d adaptive average pooling (``None`` keeps that input size)."""
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """3-d adaptive average pooling (``None`` keeps that input size)."""
    return _adaptive_avg(3, input, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-d adaptive max pooling."""
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-d adaptive max pooling (``None`` keeps that input size)."""
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-d adaptive max pooling (``None`` keeps that input size)."""
    return _adaptive_max(3, input, output_size, return_indices)


def _pair(value):
    """torch's ``_pair``: an iterable as a tuple, anything else twice (so a wrong value reaches
    the op as torch's does)."""
    return tuple(value) if isinstance(value, _Iterable) else (value, value)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a batched (or unbatched) image as columns (torch's im2col)."""
    return _conv_ops.im2col(input, *map(_pair, (kernel_size, dilation, padding, stride)))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Columns of sliding blocks summed back into an image (torch's col2im)."""
    return _conv_ops.col2im(input, *map(_pair, (output_size, kernel_size, dilation, padding,
                                                stride)))


# ---- resampling (ops in _ops/resample.py) --------------------------------------------------------

from .._ops import resample as _resample  # noqa: E402
from .._ops.resample import (channel_shuffle, native_channel_shuffle,  # noqa: E402,F401
                             pixel_shuffle, pixel_unshuffle)

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """``input`` resized to ``size`` or by ``scale_factor`` (modes nearest, nearest-exact,
    linear, bilinear, bicubic, trilinear, lanczos, area; antialias for bilinear, bicubic and
    lanczos)."""
    nd = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    output_size = scale_factors = None
    if size is not None:
        output_size = list(size) if isinstance(size, (list, tuple)) else [size] * nd
        if len(output_size) != nd:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(input.shape[2:])} and output size of {size}. "
                             f"Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                             f"and output size in (o1, o2, ...,oK) format.")
    else:
        scale_factors = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else \
            [scale_factor] * nd
        if mode == "area" or recompute_scale_factor:
            output_size = [_math.floor(float(input.shape[i + 2]) * s)
                           for i, s in enumerate(scale_factors)]
            scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and nd == 2):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")
    if mode == "lanczos" and nd == 2:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if antialias:
        op = getattr(_resample, f"_upsample_{mode}2d_aa")
        return op(input, output_size, align_corners, scale_factors)
    if mode == "area":
        return _adaptive_avg(nd, input, output_size)
    if mode == "bicubic":
        if nd != 2:
            raise NotImplementedError(f"Got {input.dim()}D input, but bicubic mode needs 4D "
                                      "input")
        return _resample.upsample_bicubic2d(input, output_size, align_corners, scale_factors)
    if mode in ("linear", "bilinear", "trilinear"):  # (a tuple: a list mode fails below)
        if _LINEAR[mode] != nd:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                      f"{_LINEAR[mode] + 2}D input")
        op = getattr(_resample, ("upsample_linear1d", "upsample_bilinear2d",
                                 "upsample_trilinear3d")[nd - 1])
        return op(input, output_size, align_corners, scale_factors)
    if mode not in ("nearest", "nearest-exact") or not 1 <= nd <= 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.dim()}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got "
                                  f"{mode})")
    if mode == "nearest":
        return getattr(_resample, f"upsample_nearest{nd}d")(input, output_size, scale_factors)
    if output_size is None:
        output_size = [_math.floor(float(input.shape[i + 2]) * s)
                       for i, s in enumerate(scale_factors)]
    return _resample.resample(mode, input, tuple(output_size), False, scale_factors)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated name of :func:`interpolate`."""
    _warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                   "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode='nearest')``."""
    _warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                   "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode='bilinear', align_corners=True)``."""
    _warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                   "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- embeddings (ops in _ops/embedding.py) ------------------------------------------------------

from .. import _dtype as _dtypes  # noqa: E402
from .._ops.creation import arange as _arange  # noqa: E402
from .._ops.embedding import (embedding as _embedding, embedding_bag as _embedding_bag,  # noqa: E402
                              embedding_renorm_ as _renorm)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by ``input``; with ``max_norm`` the picked rows are first
    renormalised in place (without gradient). ``sparse=True`` gives ``weight`` a sparse
    gradient."""
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx > 0:
        assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
    elif padding_idx < 0:
        assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
        padding_idx += weight.size(0)
    if max_norm is not None:
        with _no_grad():
            _renorm(weight, input.contiguous(), max_norm, norm_type)
    return _embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


# the C function torch's F.embedding_bag ends with, whose parser checks its arguments
_EMBEDDING_BAG = _checker(
    "embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq, "
    "int mode, bool sparse, Tensor? per_sample_weights, bool include_last_offset, "
    "int? padding_idx)",
    "embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, "
    "int mode=0, bool sparse=False, Tensor? per_sample_weights=None, "
    "bool include_last_offset=False)")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of rows of ``weight``: the rows of a 2-D ``input``, or
    the segments of a 1-D one starting at ``offsets``. ``sparse=True`` gives ``weight`` a sparse
    gradient."""
    if weight.dtype == _dtypes.int64 and input.is_floating_point():
        _warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                       "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                       "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) "
                         f"is not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        offsets = _arange(0, input.numel(), input.size(1), dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        with _no_grad():
            _renorm(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")
    mode = ("sum", "mean", "max").index(mode)
    _EMBEDDING_BAG(weight, input, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
                   include_last_offset, padding_idx)
    if padding_idx is not None:
        n = weight.size(0)
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} "
                               f"through {n - 1}, but got {padding_idx}")
        padding_idx %= n
    return _embedding_bag(weight, input, offsets, scale_grad_by_freq, mode, per_sample_weights,
                          include_last_offset, padding_idx, sparse)


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    """The output size of max unpooling: the pooled input's, or ``output_size`` checked."""
    n = len(kernel_size)
    default = [(input.size(-n + d) - 1) * stride[d] + kernel_size[d] - 2 * padding[d]
               for d in range(n)]
    if output_size is None:
        return default
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, "
                         f"but it has a length of '{len(output_size)}'")
    for d in range(n):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                             f'{low} and {high})')
    return list(output_size)


def _unpool_args(n, kernel_size, stride, padding):
    def tup(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n
    kernel_size = tup(kernel_size)
    return kernel_size, tup(stride) if stride is not None else kernel_size, tup(padding)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool1d`` (the 2-d op on a width of one)."""
    kernel_size, stride, padding = _unpool_args(1, kernel_size, stride, padding)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size) + [1]
    return _pool.max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), size).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool2d``: values at their indices, zeros elsewhere."""
    kernel_size, stride, padding = _unpool_args(2, kernel_size, stride, padding)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _pool.max_unpool2d(input, indices, size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool3d``."""
    kernel_size, stride, padding = _unpool_args(3, kernel_size, stride, padding)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _pool.max_unpool3d(input, indices, size, stride, padding)


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else \
        (kernel_size,) * nd
    max_pool, avg_pool = ((max_pool1d, avg_pool1d), (max_pool2d, avg_pool2d),
                          (max_pool3d, avg_pool3d))[nd - 1]
    if isinstance(norm_type, (int, float)) and abs(norm_type) == float("inf"):
        if norm_type > 0:
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * relu(out.abs())).mul(_math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: ``(sum x^p)^(1/p)`` over 1-d windows."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over 2-d windows."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over 3-d windows."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# ---- spatial transformers (ops in _ops/sampling.py) ----------------------------------------------

from .._ops import sampling as _sampling  # noqa: E402

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the old "
                  "behavior is desired. See the documentation of grid_sample for details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``input`` sampled at the normalised points of ``grid`` (bilinear, nearest or, for 4-D
    inputs, bicubic; zeros, border or reflection padding)."""
    modes = {"bilinear": 0, "nearest": 1, "bicubic": 2}
    paddings = {"zeros": 0, "border": 1, "reflection": 2}
    if mode not in tuple(modes):  # (tuples: an unhashable mode gets torch's message)
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in tuple(paddings):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    return _sampling.grid_sampler(input, grid, modes[mode], paddings[padding_mode],
                                  align_corners)


def affine_grid(theta, size, align_corners=None):
    """The ``grid_sample`` grid of the affine maps ``theta`` for an output of ``size``."""
    if align_corners is None:
        _warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    nd = len(size) - 2
    if nd not in (2, 3):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if theta.dim() != 3 or theta.shape[-2] != nd or theta.shape[-1] != nd + 1:
        raise ValueError(f"Expected a batch of {nd}D affine matrices of shape "
                         f"Nx{nd}x{nd + 1} for size {size}. Got {theta.shape}.")
    if align_corners and min(size[2:]) == 1:
        _warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                       "grids when align_corners=True. This is not an intended use case of "
                       "affine_grid. See the documentation of affine_grid for details.",
                       stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return _sampling.affine_grid_generator(theta, list(size), align_corners)


def _fractional(nd, input, kernel_size, output_size, output_ratio, return_indices,
                _random_samples):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:  # (a float has no len(): torch's TypeError)
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single "
                             "Int or tuple of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else \
            (output_ratio,) * nd
        output_size = [int(input.size(-nd + i) * ratio[i]) for i in range(nd)]
    if _random_samples is None:
        n_batch = 1 if input.dim() == nd + 1 else input.size(0)
        from .. import rand
        _random_samples = rand(n_batch, input.size(-nd - 1), nd, dtype=input.dtype)
    values, indices = getattr(_pool, name)(input, kernel_size, output_size, _random_samples)
    return (values, indices) if return_indices else values


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Max pooling over pseudo-random 2-d windows (samples drawn as torch draws them)."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Max pooling over pseudo-random 3-d windows."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)


# ---- attention (op in _ops/attention.py; multi-head attention composed in nn/_attention.py) --

from .._ops.attention import scaled_dot_product_attention  # noqa: E402,F401
from ._attention import (_canonical_mask, _in_projection, _in_projection_packed,  # noqa: E402,F401
                         _mha_shape_check, _none_or_dtype, multi_head_attention_forward)
