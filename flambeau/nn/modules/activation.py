"""Activation layers: thin modules whose ``forward`` calls ``nn.functional``.

Shapes: unless said otherwise, input ``(*)`` and output of the same shape.
"""
import warnings

from ... import empty, sigmoid, tanh
from .. import functional as F, init
from ..parameter import Parameter
from .linear import NonDynamicallyQuantizableLinear
from .module import Module

__all__ = ["CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
           "LeakyReLU", "LogSigmoid", "LogSoftmax", "Mish", "MultiheadAttention", "PReLU",
           "RReLU", "ReLU", "ReLU6",
           "SELU", "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus",
           "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold"]


def _inplace_repr(module):
    return "inplace=True" if module.inplace else ""


def _and_inplace(module):
    return ", inplace=True" if module.inplace else ""


class _InplaceActivation(Module):
    """An activation whose one option is ``inplace``: ``forward`` calls ``_function``."""
    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return self._function(input, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self)


class Threshold(Module):
    """``value`` where ``x <= threshold``, ``x`` elsewhere.

    Args: ``threshold``, ``value``, ``inplace`` (default False).
    """
    __constants__ = ["threshold", "value", "inplace"]

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}{_and_inplace(self)}"


class ReLU(_InplaceActivation):
    """``max(0, x)``.

    Args: ``inplace`` (default False): overwrite the input.
    """
    _function = staticmethod(F.relu)


class RReLU(Module):
    """Randomized leaky ReLU: in training, each negative element is scaled by a slope drawn
    from U(lower, upper); in evaluation by ``(lower + upper) / 2``.

    Args: ``lower`` (default 1/8), ``upper`` (default 1/3), ``inplace`` (default False).
    """
    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}{_and_inplace(self)}"


class Hardtanh(Module):
    """``x`` clamped to ``[min_val, max_val]``.

    Args: ``min_val`` (default -1), ``max_val`` (default 1), ``inplace`` (default False);
    ``min_value``/``max_value`` are deprecated spellings (FutureWarning).
    """
    __constants__ = ["min_val", "max_val", "inplace"]

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`",
                          FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`",
                          FutureWarning, stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val "
                                 f"({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_and_inplace(self)}"


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``.

    Args: ``inplace`` (default False).
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_repr(self)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``."""

    def forward(self, input):
        return sigmoid(input)


class Hardsigmoid(_InplaceActivation):
    """0 for ``x <= -3``, 1 for ``x >= 3``, ``x / 6 + 1 / 2`` between.

    Args: ``inplace`` (default False).
    """
    _function = staticmethod(F.hardsigmoid)
    extra_repr = Module.extra_repr  # torch prints no inplace here


class Tanh(Module):
    """The hyperbolic tangent."""

    def forward(self, input):
        return tanh(input)


class SiLU(_InplaceActivation):
    """``x * sigmoid(x)`` (swish).

    Args: ``inplace`` (default False).
    """
    _function = staticmethod(F.silu)


class Mish(_InplaceActivation):
    """``x * tanh(softplus(x))``.

    Args: ``inplace`` (default False).
    """
    _function = staticmethod(F.mish)


class Hardswish(_InplaceActivation):
    """0 for ``x <= -3``, ``x`` for ``x >= 3``, ``x (x + 3) / 6`` between.

    Args: ``inplace`` (default False).
    """
    _function = staticmethod(F.hardswish)
    extra_repr = Module.extra_repr  # torch prints no inplace here


class ELU(Module):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` elsewhere.

    Args: ``alpha`` (default 1.0), ``inplace`` (default False).
    """
    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_and_inplace(self)}"


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args: ``alpha`` (default 1.0, not 0), ``inplace`` (default False).
    """
    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_and_inplace(self)}"


class SELU(_InplaceActivation):
    """``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with the self-normalizing
    constants alpha = 1.6732632423543772, scale = 1.0507009873554805.

    Args: ``inplace`` (default False).
    """
    _function = staticmethod(F.selu)


class GLU(Module):
    """The gated linear unit ``a * sigmoid(b)``, ``a`` and ``b`` the halves of the input
    along ``dim``.

    Args: ``dim`` (default -1).
    Shape: input ``(*1, N, *2)``, output ``(*1, N / 2, *2)``.
    """
    __constants__ = ["dim"]

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """``x * Phi(x)``, Phi the standard normal CDF; ``approximate='tanh'`` uses the tanh
    approximation.

    Args: ``approximate`` (``'none'`` or ``'tanh'``, default ``'none'``).
    """
    __constants__ = ["approximate"]

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    """``x`` where ``|x| > lambd``, 0 elsewhere.

    Args: ``lambd`` (default 0.5).
    """
    __constants__ = ["lambd"]

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class LeakyReLU(Module):
    """``x`` for ``x > 0``, ``negative_slope * x`` elsewhere.

    Args: ``negative_slope`` (default 0.01), ``inplace`` (default False).
    """
    __constants__ = ["inplace", "negative_slope"]

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{_and_inplace(self)}"


class LogSigmoid(Module):
    """``log(1 / (1 + exp(-x)))``."""

    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, and ``x`` where ``beta * x > threshold``.

    Args: ``beta`` (default 1.0), ``threshold`` (default 20.0).
    """
    __constants__ = ["beta", "threshold"]

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between.

    Args: ``lambd`` (default 0.5, at least 0).
    """
    __constants__ = ["lambd"]

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class PReLU(Module):
    """``max(0, x) + weight * min(0, x)`` with a learnt ``weight``: one value, or one per
    channel (dim 1 of the input).

    Args: ``num_parameters`` (1 or the number of channels, default 1), ``init`` (the initial
    weight, default 0.25), ``device``, ``dtype``.
    Attributes: ``weight`` of shape ``(num_parameters)``.
    """
    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softsign(Module):
    """``x / (1 + |x|)``."""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """``x - tanh(x)``."""

    def forward(self, input):
        return F.tanhshrink(input)


class _SoftmaxFamily(Module):
    """Softmin, Softmax and LogSoftmax over ``dim`` (None: torch's legacy choice, with its
    deprecation warning)."""
    __constants__ = ["dim"]

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(_SoftmaxFamily):
    """``softmax(-x)`` over ``dim``: each slice along ``dim`` is in [0, 1] and sums to 1.

    Args: ``dim``.
    """

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax(_SoftmaxFamily):
    """``exp(x_i) / sum_j exp(x_j)`` over ``dim``.

    Args: ``dim``.
    """

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channels of each spatial location.

    Shape: input ``(N, C, H, W)`` or ``(C, H, W)``, output the same.
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             "instead")
        return F.softmax(input, -3, _stacklevel=5)


class LogSoftmax(_SoftmaxFamily):
    """``log(softmax(x))`` over ``dim``, computed directly.

    Args: ``dim``.
    """

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class MultiheadAttention(Module):
    """Multi-head attention: ``num_heads`` heads of size ``embed_dim // num_heads`` attend in
    parallel, their outputs concatenated and projected by ``out_proj``.

    Args: ``embed_dim``, ``num_heads``, ``dropout`` (on the attention weights, default 0),
    ``bias`` (in and out projections, default True), ``add_bias_kv`` (learnt ``bias_k`` and
    ``bias_v`` appended to the keys and values), ``add_zero_attn`` (a zero key and value
    appended), ``kdim``/``vdim`` (the keys' and values' sizes, default ``embed_dim``: when they
    differ, separate ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` replace the packed
    ``in_proj_weight``), ``batch_first``, ``device``, ``dtype``.
    Shape: query ``(L, N, E)`` (``(N, L, E)`` with ``batch_first``, ``(L, E)`` unbatched), key
    ``(S, N, kdim)``, value ``(S, N, vdim)``; output like the query, weights ``(N, L, S)`` (or
    ``(N, num_heads, L, S)`` with ``average_attn_weights=False``).

    torch's eval-mode fast path (``_native_multi_head_attention``) computes the same function;
    flambeau always runs :func:`~flambeau.nn.functional.multi_head_attention_forward`.
    """
    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **factory))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        **factory)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **factory))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **factory))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def __setstate__(self, state):
        state.setdefault("_qkv_same_embed_dim", True)
        super().__setstate__(state)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """``(attn_output, attn_weights)``; the weights are None unless ``need_weights``."""
        is_batched = query.dim() == 3
        key_padding_mask = F._canonical_mask(key_padding_mask, "key_padding_mask",
                                             F._none_or_dtype(attn_mask), "attn_mask",
                                             query.dtype)
        attn_mask = F._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if self.batch_first and is_batched:
            # transposed once each, keeping which of them are the same tensor (self-attention
            # projects them in one product)
            if key is not value:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
            elif query is key:
                query = key = value = query.transpose(1, 0)
            else:
                query, key = query.transpose(1, 0), key.transpose(1, 0)
                value = key
        separate = {} if self._qkv_same_embed_dim else dict(
            use_separate_proj_weight=True, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight)
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            average_attn_weights=average_attn_weights, is_causal=is_causal, **separate)
        return (out.transpose(1, 0) if self.batch_first and is_batched else out), weights
