"""``nn.functional``: the functions behind the modules.

Ops that torch records as nodes of their own are defined in ``flambeau/_ops`` and published
here by the registry; this file holds what torch composes from other ops.
"""
from .. import _ops  # noqa: F401  (the registry fills this namespace)
from .._ops.blas import addmm, matmul


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
    return (-input).softmax(dim, dtype=dtype)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x_i) / sum_j exp(x_j)`` over ``dim``, computed in ``dtype`` when given (see
    :class:`~flambeau.nn.Softmax`)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim, dtype=dtype)


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
    return input.log_softmax(dim, dtype=dtype)


def tanh(input):
    """The hyperbolic tangent (see :class:`~flambeau.nn.Tanh`)."""
    return input.tanh()


def sigmoid(input):
    """``1 / (1 + exp(-input))`` (see :class:`~flambeau.nn.Sigmoid`)."""
    return input.sigmoid()


def hardsigmoid(input, inplace=False):
    """``clamp(input + 3, 0, 6) / 6`` (see :class:`~flambeau.nn.Hardsigmoid`)."""
    return _act.hardsigmoid_(input) if inplace else _act.hardsigmoid(input)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, recorded as torch records it (``AddmmBackward0`` for a
    batch of vectors, ``MmBackward0`` without bias ...)."""
    if bias is None or weight.ndim != 2:
        out = matmul(input, weight.t())
        return out if bias is None else out + bias
    if input.ndim == 2:
        return addmm(bias, input, weight.t())
    if input.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.ndim}D and {weight.ndim}D")
    shape = input.shape
    out = addmm(bias, input.reshape(-1, shape[-1]), weight.t())
    return out.view(*shape[:-1], out.shape[-1])


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]``."""
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
    u = matmul(input2.reshape(-1, j), weight.reshape(o * i, j).t()).view(-1, o, i)
    out = (u * a.unsqueeze(1)).sum(-1).view(*batch, o)
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
