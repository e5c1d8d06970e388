"""Activation ops: the nonlinearities torch records as nodes of their own (``ReluBackward0``,
``GeluBackward0``, ``LeakyReluBackward0`` ...), forward and derivative side by side.

An elementwise activation is an :class:`_Activation`: a NumPy kernel that can write into the
input's own buffer (``relu_`` is ``np.maximum(a, 0, out=a)``), a derivative, and torch's node
names. Piecewise-linear derivatives multiply the gradient by a NumPy mask (:func:`_gated`);
smooth ones are written with flambeau ops, so second derivatives work. Most of these ops are
not public at torch's top level: they are declared with ``function=False, method=False`` and
``nn.functional`` imports them. What torch composes in Python (``softsign``, ``tanhshrink``,
``softmin``, ``relu6`` as ``hardtanh``) is in ``nn/functional.py``.
"""
import math

import numpy as np

from .. import _backend, _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad, needs_grad1, wrap_dim
from .joining import cat
from .pointwise import _Constant
from .registry import check_inplace, check_no_overlap, commit_inplace, defop, snapshot, type_name
from .special import erf as _erf_kernel

_silence, _restore = _backend.silence, _backend.restore
_NUMBERS = (int, float, np.number)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ---- argument and dtype checks ---------------------------------------------------------------

def _tensor_arg(name, value, arg="input", position=1):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")


def _number(name, arg, position, value):
    """A Scalar argument as a Python number (torch's TypeError for anything else)."""
    if isinstance(value, _NUMBERS) and not isinstance(value, np.ndarray):
        return value
    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Number, not "
                    f"{type(value).__name__}")


def _floating(kernel_name, complex_ok=False):
    """The dtype check of a kernel torch has for floating types only."""
    def check(dtype):
        if dtype._category != 2 and not (complex_ok and dtype._category == 3):
            raise NotImplementedError(f'"{kernel_name}" not implemented for '
                                      f"'{type_name(dtype)}'")
    return check


def _clamping(name, bool_word):
    """relu and hardtanh (clamps): integers work, bool and complex do not."""
    def check(dtype):
        if dtype._category == 0:
            raise RuntimeError(f"{bool_word} inputs not supported for {name}")
        if dtype._category == 3:
            raise NotImplementedError("clamp is not supported for complex types")
    return check


def _threshold_check(dtype):
    if dtype._category in (0, 3):
        raise NotImplementedError(f"\"threshold_cpu\" not implemented for '{type_name(dtype)}'")


# ---- derivative helpers ----------------------------------------------------------------------

def _gated(g, factor, node="ThresholdBackwardBackward0"):
    """``g * factor`` for a NumPy ``factor`` (a mask, or a piecewise-constant array): the
    derivative of a piecewise-linear activation, itself linear in ``g``."""
    out = make(g._data * factor, g._dtype)
    if needs_grad1(g):
        record(node, (out,), (g,), lambda gg: _gated(gg, factor, node))
    return out


def _const(mask, like):
    """A constant tensor of ``like``'s dtype (a mask in a derivative formula)."""
    return make(np.asarray(mask, dtype=like._dtype._np), like._dtype)


def _slopes(positive, slope, dtype):
    """1 where ``positive``, ``slope`` elsewhere, as an array of ``dtype``."""
    factor = positive.astype(dtype._np)
    factor *= 1 - slope
    factor += slope
    return factor


_NEGATIVE_SLOPE_INPLACE = (
    "In-place {} backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead.")


# ---- the elementwise machinery ---------------------------------------------------------------

class _Activation:
    """One elementwise activation.

    ``kernel(a, out, *args)`` computes on the input's array, into ``out`` when it is not None
    (the in-place form passes the input's own array). ``backward(grad, how, saved)`` gets
    ``how = (args, saved_is_result)`` and the saved input or result. ``keeps`` says whether
    torch's node saves the result out of place and in place (otherwise it saves the input,
    which the in-place form then snapshots).
    """
    __slots__ = ("name", "kernel", "backward", "node", "inplace_node", "keeps", "check")

    def __init__(self, name, kernel, backward, check, node, inplace_node=None,
                 keeps=(False, False)):
        self.name, self.kernel, self.backward, self.check = name, kernel, backward, check
        self.node, self.inplace_node, self.keeps = node, inplace_node or node, keeps

    def __call__(self, input, args=(), node=None, keep=None):
        """The out-of-place op."""
        _tensor_arg(self.name, input)
        dtype = input._dtype
        self.check(dtype)
        a = input._data
        token = _silence()
        try:  # a 0-d input computes as 1-d: NumPy makes scalars, not arrays, of 0-d results
            r = self.kernel(a.reshape(1) if a.ndim == 0 else a, None, *args)
        finally:
            _restore(token)
        if r.dtype != dtype._np:
            r = r.astype(dtype._np)
        if a.ndim == 0:
            r = r.reshape(())
        out = make(r, dtype)
        if needs_grad1(input):
            keep = self.keeps[0] if keep is None else keep
            if keep:
                record(node or self.node, (out,), (input,), self.backward,
                       (_Constant((args, True)),), (0,))
            else:
                record(node or self.node, (out,), (input,), self.backward,
                       (_Constant((args, False)), input))
        return out

    def inplace(self, input, args=()):
        """The in-place op: the kernel writes into the input's buffer."""
        _tensor_arg(self.name + "_", input)
        self.check(input._dtype)
        check_inplace(input)
        keep = self.keeps[1]
        if needs_grad1(input):
            if not keep or input._base is not None:  # the old values are needed, or a view's
                source = input if keep else snapshot(input)  # base gets CopySlices
                return commit_inplace(input, self(source, args, self.inplace_node, keep))
            grad = True
        else:
            grad = False
        check_no_overlap(input)
        a = input._data
        if a.ndim == 0:
            a = a.reshape(1)
        token = _silence()
        try:
            r = self.kernel(a, a, *args)
        finally:
            _restore(token)
        if r is not a:
            a[...] = r
        input._bump_version()
        if grad:
            record(self.inplace_node, (input,), (input,), self.backward,
                   (_Constant((args, True)),), (0,))
        return input


def _into(r, out):
    """A kernel's result ``r``, written into ``out`` when there is one."""
    if out is None:
        return r
    out[...] = r
    return out


# ---- relu, hardtanh, threshold, leaky_relu, rrelu ---------------------------------------------

def _relu_kernel(a, out):
    return np.maximum(a, a.dtype.type(0), out=out)


def _relu_backward(g, how, result):
    return _gated(g, result._data > 0)


_RELU = _Activation("relu", _relu_kernel, _relu_backward, _clamping("relu", "Boolean"),
                    "ReluBackward0", keeps=(True, True))


@defop(signature="relu(Tensor input)")
def relu(input):
    """``max(input, 0)`` elementwise."""
    return _RELU(input)


@defop(signature="relu_(Tensor input)")
def relu_(input):
    """``relu`` written into ``input``."""
    return _RELU.inplace(input)


def _hardtanh_kernel(a, out, lo, hi):
    t = a.dtype.type
    return np.clip(a, t(lo), t(hi), out=out)


def _hardtanh_backward(g, how, x):
    (lo, hi), _ = how
    x = x._data
    return _gated(g, (x > lo) & (x < hi), "HardtanhBackwardBackward0")


_HARDTANH = _Activation("hardtanh", _hardtanh_kernel, _hardtanh_backward,
                        _clamping("hardtanh", "Bool"), "HardtanhBackward0", keeps=(False, True))


def _hardtanh_args(name, min_val, max_val):
    return (_number(name, "min_val", 2, min_val), _number(name, "max_val", 3, max_val))


@defop(function=False, method=False, out=True,
       signature="hardtanh(Tensor input, Scalar min_val=-1, Scalar max_val=1, *, "
                 "Tensor? out=None)")
def hardtanh(input, min_val=-1, max_val=1):
    """``clamp(input, min_val, max_val)`` whose gradient is 0 at the bounds (a larger
    ``min_val`` gives ``max_val``, as in torch)."""
    return _HARDTANH(input, _hardtanh_args("hardtanh", min_val, max_val))


@defop(function=False, method=False,
       signature="hardtanh_(Tensor input, Scalar min_val=-1, Scalar max_val=1)")
def hardtanh_(input, min_val=-1, max_val=1):
    """``hardtanh`` written into ``input``."""
    return _HARDTANH.inplace(input, _hardtanh_args("hardtanh_", min_val, max_val))


def _threshold_kernel(a, out, threshold, value):
    below = a <= threshold
    if out is None:
        return np.where(below, a.dtype.type(value), a)
    np.copyto(out, a.dtype.type(value), where=below)
    return out


def _threshold_backward(g, how, x):
    (threshold, _), _ = how
    return _gated(g, x._data > threshold)


_THRESHOLD = _Activation("threshold", _threshold_kernel, _threshold_backward, _threshold_check,
                         "ThresholdBackward0", "ThresholdBackward1")


def _threshold_args(name, threshold, value):
    return (_number(name, "threshold", 2, threshold), _number(name, "value", 3, value))


@defop(method=False, out=True,
       signature="threshold(Tensor input, Scalar threshold, Scalar value, *, Tensor? out=None)")
def threshold(input, threshold, value):
    """``value`` where ``input <= threshold``, else ``input``."""
    return _THRESHOLD(input, _threshold_args("threshold", threshold, value))


@defop(method=False, signature="threshold_(Tensor input, Scalar threshold, Scalar value)")
def threshold_(input, threshold, value):
    """``threshold`` written into ``input``."""
    return _THRESHOLD.inplace(input, _threshold_args("threshold_", threshold, value))


def _leaky_kernel(a, out, slope):
    if 0 < slope <= 1:  # max(x, slope x): one pass, no mask
        return np.maximum(a, a * slope, out=out)
    return _into(np.where(a > 0, a, a * slope), out)


def _leaky_factor(how, t):
    (slope,), is_result = how
    if is_result and slope < 0:
        raise RuntimeError(_NEGATIVE_SLOPE_INPLACE.format("leakyReLu") + " File an issue at "
                           "https://github.com/pytorch/pytorch if you do require supporting "
                           "in-place leakRelu backward calculation with negative slope")
    return _slopes(t._data > 0, slope, t._dtype)


def _leaky_backward(g, how, t):
    return _gated(g, _leaky_factor(how, t), "LeakyReluBackwardBackward0")


_LEAKY = _Activation("leaky_relu", _leaky_kernel, _leaky_backward, _floating("leaky_relu_cpu"),
                     "LeakyReluBackward0", "LeakyReluBackward1", keeps=(False, True))


@defop(function=False, method=False, out=True,
       signature="leaky_relu(Tensor input, Scalar negative_slope=0.01, *, Tensor? out=None)")
def leaky_relu(input, negative_slope=0.01):
    """``input`` where positive, ``negative_slope * input`` elsewhere."""
    return _LEAKY(input, (_number("leaky_relu", "negative_slope", 2, negative_slope),))


@defop(function=False, method=False,
       signature="leaky_relu_(Tensor input, Scalar negative_slope=0.01)")
def leaky_relu_(input, negative_slope=0.01):
    """``leaky_relu`` written into ``input``."""
    return _LEAKY.inplace(input, (_number("leaky_relu_", "negative_slope", 2, negative_slope),))


def _rrelu_kernel(a, out, lower, upper, noise):
    if noise is None:  # evaluation: a leaky relu with the mean slope
        return _leaky_kernel(a, out, (lower + upper) / 2)
    return np.multiply(a, noise, out=out)


def _rrelu_backward(g, how, t):
    (lower, upper, noise), is_result = how
    if noise is None:
        return _gated(g, _leaky_factor((((lower + upper) / 2,), is_result), t),
                      "RreluWithNoiseBackwardBackward0")
    return _gated(g, noise, "RreluWithNoiseBackwardBackward0")


_RRELU = _Activation("rrelu", _rrelu_kernel, _rrelu_backward, lambda dtype: None,  # checked
                     "RreluWithNoiseBackward0", "RreluWithNoiseBackward1",  # by mode, with
                     keeps=(False, True))  # the arguments


def _rrelu_args(name, input, lower, upper, training, generator):
    """The checked bounds and, in training, the slopes drawn for the non-positive elements
    (uniform on [lower, upper], one double per such element in order, as torch draws them)."""
    _tensor_arg(name, input)
    lower = _number(name, "lower", 2, lower)
    upper = _number(name, "upper", 3, upper)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    dtype = input._dtype
    _floating("rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu")(dtype)
    if not training:
        return lower, upper, None
    a = input._data
    negative = ~(a > 0)
    noise = np.ones(a.shape, dtype._np)
    count = int(negative.sum())
    if count:
        draws = Tensor.uniform_(make(np.empty(count, np.float64), _dtype.float64),
                                generator=generator)._data
        bound = np.float64 if dtype is _dtype.float64 else np.float32  # torch's opmath type
        lo, hi = float(bound(lower)), float(bound(upper))
        draws *= hi - lo  # torch's rounding: u * (hi - lo) + lo in double
        draws += lo
        noise[negative] = draws
    return lower, upper, noise


def _rrelu_apply(name, input, lower, upper, training, generator, inplace):
    args = _rrelu_args(name, input, lower, upper, training, generator)
    return _RRELU.inplace(input, args) if inplace else _RRELU(input, args)


@defop(method=False,
       signature="rrelu(Tensor input, Scalar lower=0.125, Scalar upper=0.3333333333333333, "
                 "bool training=False, Generator? generator=None)")
def rrelu(input, lower=0.125, upper=1.0 / 3, training=False, generator=None):
    """Randomized leaky relu: in training each non-positive element gets a slope drawn from
    U(lower, upper); in evaluation the slope is their mean."""
    return _rrelu_apply("rrelu", input, lower, upper, training, generator, False)


@defop(method=False,
       signature="rrelu_(Tensor input, Scalar lower=0.125, Scalar upper=0.3333333333333333, "
                 "bool training=False, Generator? generator=None)")
def rrelu_(input, lower=0.125, upper=1.0 / 3, training=False, generator=None):
    """``rrelu`` written into ``input``."""
    return _rrelu_apply("rrelu_", input, lower, upper, training, generator, True)


# ---- elu, selu, celu -------------------------------------------------------------------------

def _elu_kernel(a, out, alpha, scale, input_scale):
    negative = np.minimum(a, 0)  # exp of the positives is never taken: no overflow
    negative *= input_scale
    np.expm1(negative, out=negative)
    negative *= alpha * scale
    positive = np.maximum(a, 0, out=out)
    if scale != 1:
        positive *= scale
    positive += negative
    return positive


def _elu_backward(g, how, t):
    (alpha, scale, input_scale), is_result = how
    below = _const(t._data <= 0, t)
    if is_result:
        if alpha < 0:
            raise RuntimeError(_NEGATIVE_SLOPE_INPLACE.format("elu"))
        negative = (t + alpha * scale) * input_scale
    else:
        negative = (t.clamp(max=0) * input_scale).exp() * (input_scale * alpha * scale)
    return g * (below * negative + (1 - below) * scale)


_ELU = _Activation("elu", _elu_kernel, _elu_backward, _floating("elu_cpu"), "EluBackward0",
                   "EluBackward1", keeps=(False, True))
def _celu_backward(g, how, t):
    """elu's, with the input scale rounded as torch's derivative rounds it (1 / float(alpha))."""
    (alpha, scale, _), is_result = how
    return _elu_backward(g, ((alpha, scale, 1.0 / float(np.float32(alpha))), is_result), t)


_CELU = _Activation("celu", _elu_kernel, _celu_backward, _floating("elu_cpu"), "CeluBackward0",
                    "CeluBackward1", keeps=(False, True))


def _elu_args(name, alpha, scale, input_scale):
    return (_number(name, "alpha", 2, alpha), _number(name, "scale", 3, scale),
            _number(name, "input_scale", 4, input_scale))


@defop(function=False, method=False, out=True,
       signature="elu(Tensor input, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1, *, "
                 "Tensor? out=None)")
def elu(input, alpha=1, scale=1, input_scale=1):
    """``scale * input`` where positive, ``scale * alpha * (exp(input_scale * input) - 1)``
    elsewhere."""
    return _ELU(input, _elu_args("elu", alpha, scale, input_scale))


@defop(function=False, method=False,
       signature="elu_(Tensor input, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1)")
def elu_(input, alpha=1, scale=1, input_scale=1):
    """``elu`` written into ``input``."""
    return _ELU.inplace(input, _elu_args("elu_", alpha, scale, input_scale))


_SELU_ARGS = (_SELU_ALPHA, _SELU_SCALE, 1)


@defop(method=False, signature="selu(Tensor input)")
def selu(input):
    """``elu`` with torch's self-normalizing alpha and scale."""
    return _ELU(input, _SELU_ARGS)


@defop(method=False, signature="selu_(Tensor input)")
def selu_(input):
    """``selu`` written into ``input``."""
    return _ELU.inplace(input, _SELU_ARGS)


def _celu_args(name, alpha):
    alpha = _number(name, "alpha", 2, alpha)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return alpha, 1, 1.0 / alpha


@defop(method=False, signature="celu(Tensor input, Scalar alpha=1.0)")
def celu(input, alpha=1.0):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return _CELU(input, _celu_args("celu", alpha))


@defop(method=False, signature="celu_(Tensor input, Scalar alpha=1.0)")
def celu_(input, alpha=1.0):
    """``celu`` written into ``input``."""
    return _CELU.inplace(input, _celu_args("celu_", alpha))


# ---- gelu, silu, mish, hardsigmoid, hardswish ------------------------------------------------

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_KAPPA = 0.044715


def _gelu_kernel(a, out, approximate):
    if approximate == "tanh":
        inner = a * a
        inner *= _KAPPA * a
        inner += a
        inner *= _SQRT_2_OVER_PI
        np.tanh(inner, out=inner)
    else:
        inner = _erf_kernel(a * math.sqrt(0.5))
        if inner.dtype != a.dtype:
            inner = inner.astype(a.dtype)
    inner += 1
    inner *= a
    return np.multiply(inner, 0.5, out=out)


def _gelu_backward(g, how, x):
    (approximate,), _ = how
    if approximate == "tanh":
        x2 = x * x
        tanh_inner = ((x + _KAPPA * x2 * x) * _SQRT_2_OVER_PI).tanh()
        slope = (1 - tanh_inner * tanh_inner) * (_SQRT_2_OVER_PI * 0.5) * x * \
            (1 + 3 * _KAPPA * x2)
        return g * (0.5 * (1 + tanh_inner) + slope)
    cdf = 0.5 * (1 + (x * math.sqrt(0.5)).erf())
    pdf = (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
    return g * (cdf + x * pdf)


_GELU = _Activation("gelu", _gelu_kernel, _gelu_backward, _floating("GeluKernelImpl"),
                    "GeluBackward0")


def _gelu_args(approximate):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return (approximate,)


@defop(function=False, method=False, out=True,
       signature='gelu(Tensor input, *, str approximate="none", Tensor? out=None)')
def gelu(input, *, approximate="none"):
    """``x * Phi(x)`` (Phi the standard normal CDF); ``approximate="tanh"`` uses
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    return _GELU(input, _gelu_args(approximate))


@defop(function=False, method=False, signature='gelu_(Tensor input, *, str approximate="none")')
def gelu_(input, *, approximate="none"):
    """``gelu`` written into ``input``."""
    return _GELU.inplace(input, _gelu_args(approximate))


def _silu_kernel(a, out):
    e = np.exp(np.negative(a))
    e += 1
    return np.divide(a, e, out=out)


def _silu_backward(g, how, x):
    s = x.sigmoid()
    return g * (s * (1 + x * (1 - s))).conj()


_SILU = _Activation("silu", _silu_kernel, _silu_backward, _floating("silu_cpu", True),
                    "SiluBackward0")


def _mish_kernel(a, out):
    r = np.logaddexp(0, a)
    np.tanh(r, out=r)
    return np.multiply(a, r, out=out)


def _mish_backward(g, how, x):
    tsp = softplus(x).tanh()
    return g * (tsp + x * x.sigmoid() * (1 - tsp * tsp))


_MISH = _Activation("mish", _mish_kernel, _mish_backward, _floating("mish_cpu"),
                    "MishBackward0")


def _hardsigmoid_kernel(a, out):
    r = a + 3
    np.clip(r, 0, 6, out=r)
    return np.divide(r, 6, out=out)


_SIXTH = float(np.float32(1) / np.float32(6))  # torch's slope, a float constant for every dtype


def _hardsigmoid_backward(g, how, x):
    x = x._data
    return _gated(g, ((x > -3) & (x < 3)) * x.dtype.type(_SIXTH), "HardsigmoidBackwardBackward0")


_HARDSIGMOID = _Activation("hardsigmoid", _hardsigmoid_kernel, _hardsigmoid_backward,
                           _floating("hardsigmoid_cpu"), "HardsigmoidBackward0")


def _hardswish_kernel(a, out):
    r = a + 3
    np.clip(r, 0, 6, out=r)
    r *= a
    return np.divide(r, 6, out=out)


def _hardswish_backward(g, how, x):
    a = x._data
    middle = _const((a > -3) & (a < 3), x)
    return g * (middle * (x / 3 + 0.5) + _const(a >= 3, x))


_HARDSWISH = _Activation("hardswish", _hardswish_kernel, _hardswish_backward,
                         _floating("hardswish_cpu"), "HardswishBackward0")


def _plain(activation, doc, complex_note=""):
    """The out-of-place, ``out=`` and in-place ops of an activation without arguments."""
    name = activation.name

    def op(input):
        return activation(input)

    def op_(input):
        return activation.inplace(input)
    op.__name__ = op.__qualname__ = name
    op_.__name__ = op_.__qualname__ = name + "_"
    op.__doc__, op_.__doc__ = doc + complex_note, f"``{name}`` written into ``input``."
    return (defop(op, function=False, method=False, out=True,
                  signature=f"{name}(Tensor input, *, Tensor? out=None)"),
            defop(op_, function=False, method=False, signature=f"{name}_(Tensor input)"))


silu, silu_ = _plain(_SILU, "``x * sigmoid(x)``", " (complex inputs too).")
mish, mish_ = _plain(_MISH, "``x * tanh(softplus(x))``.")
hardsigmoid, hardsigmoid_ = _plain(_HARDSIGMOID, "``clamp(x + 3, 0, 6) / 6``.")
hardswish, hardswish_ = _plain(_HARDSWISH, "``x * clamp(x + 3, 0, 6) / 6``.")


# ---- softplus, shrinks, log_sigmoid ----------------------------------------------------------

def _softplus_kernel(a, out, beta, threshold):
    z = a * beta
    r = np.log1p(np.exp(z))
    r /= beta
    return _into(np.where(z > threshold, a, r), out)


def _softplus_backward(g, how, x):
    (beta, threshold), _ = how
    linear = _const(x._data * beta > threshold, x)
    return g * (linear + (1 - linear) * (x * beta).sigmoid())


_SOFTPLUS = _Activation("softplus", _softplus_kernel, _softplus_backward,
                        _floating("softplus_cpu"), "SoftplusBackward0")


@defop(function=False, method=False, out=True,
       signature="softplus(Tensor input, Scalar beta=1, Scalar threshold=20, *, "
                 "Tensor? out=None)")
def softplus(input, beta=1, threshold=20):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    return _SOFTPLUS(input, (_number("softplus", "beta", 2, beta),
                             _number("softplus", "threshold", 3, threshold)))


def _softshrink_kernel(a, out, lambd):
    return np.subtract(a, np.clip(a, -lambd, lambd), out=out)


def _shrink_backward(g, how, x):
    (lambd,), _ = how
    x = x._data
    return _gated(g, (x < -lambd) | (x > lambd), "ShrinkBackwardBackward0")


_SOFTSHRINK = _Activation("softshrink", _softshrink_kernel, _shrink_backward,
                          _floating("softshrink_check"), "SoftshrinkBackward0")


@defop(function=False, method=False, out=True,
       signature="softshrink(Tensor input, Scalar lambd=0.5, *, Tensor? out=None)")
def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between."""
    lambd = _number("softshrink", "lambd", 2, lambd)
    _tensor_arg("softshrink", input)
    _SOFTSHRINK.check(input._dtype)
    if not lambd >= 0:
        top = np.finfo(input._dtype._np).max
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype "
                           f"{type_name(input._dtype)}, but found {lambd:g}")
    return _SOFTSHRINK(input, (lambd,))


def _hardshrink_kernel(a, out, lambd):
    return np.multiply(a, (a < -lambd) | (a > lambd), out=out)


_HARDSHRINK = _Activation("hardshrink", _hardshrink_kernel, _shrink_backward,
                          _floating("hardshrink_cpu"), "HardshrinkBackward0")


@defop(out=True, signature="hardshrink(Tensor input, Scalar lambd=0.5, *, Tensor? out=None)")
def hardshrink(input, lambd=0.5):
    """``x`` outside ``[-lambd, lambd]``, 0 inside."""
    return _HARDSHRINK(input, (_number("hardshrink", "lambd", 2, lambd),))


def _log_sigmoid_kernel(a, out):
    r = np.exp(-np.abs(a))
    np.log1p(r, out=r)
    return np.subtract(np.minimum(a, 0), r, out=out)


def _log_sigmoid_backward(g, how, x):
    return g * (-x).sigmoid()


_LOG_SIGMOID = _Activation("log_sigmoid", _log_sigmoid_kernel, _log_sigmoid_backward,
                           _floating("log_sigmoid_cpu"), "LogSigmoidBackward0")


@defop(function=False, method=False, out=True,
       signature="log_sigmoid(Tensor input, *, Tensor? out=None)")
def log_sigmoid(input):
    """``log(sigmoid(x))``, computed without overflow."""
    return _LOG_SIGMOID(input)


# ---- glu and prelu: two operands -------------------------------------------------------------

@defop(function=False, method=False, out=True,
       signature="glu(Tensor input, int dim=-1, *, Tensor? out=None)")
def glu(input, dim=-1):
    """``a * sigmoid(b)`` for the halves ``a``, ``b`` of ``input`` along ``dim``."""
    _tensor_arg("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support 0-dimensional tensors")
    d = wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    _floating("glu_cpu")(input._dtype)
    a, b = np.split(input._data, 2, axis=d)
    token = _silence()
    try:
        e = np.exp(np.negative(b))
        e += 1
        out = make(np.divide(a, e), input._dtype)
    finally:
        _restore(token)
    if needs_grad1(input):
        record("GluBackward0", (out,), (input,), _glu_backward, (_Constant((d,)), input))
    return out


def _glu_backward(g, dim, x):
    a, b = x.chunk(2, dim[0])
    s = b.sigmoid()
    ga = g * s
    return cat((ga, ga * a * (1 - s)), dim[0])


@defop(signature="_prelu_kernel(Tensor input, Tensor weight)", method=False)
def _prelu_kernel(input, weight):
    """``input`` where positive, ``weight * input`` elsewhere (``weight`` broadcast)."""
    _tensor_arg("_prelu_kernel", input)
    _tensor_arg("_prelu_kernel", weight, "weight", 2)
    _floating("prelu_cpu")(input._dtype)
    a, w = input._data, weight._data
    token = _silence()
    try:
        out = make(np.where(a > 0, a, w * a), input._dtype)
    finally:
        _restore(token)
    if needs_grad(input, weight):
        record("PreluKernelBackward0", (out,), (input, weight), _prelu_backward, (input, weight))
    return out


def _prelu_backward(g, x, w):
    positive = _const(x._data > 0, x)
    return g * (positive + (1 - positive) * w), g * x * (1 - positive)


@defop(signature="prelu(Tensor input, Tensor weight)")
def prelu(input, weight):
    """``_prelu_kernel`` with ``weight`` (one value, or one per channel: dim 1) viewed so that
    it broadcasts over ``input``'s channels."""
    _tensor_arg("prelu", input)
    _tensor_arg("prelu", weight, "weight", 2)
    if input._dtype is not weight._dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{type_name(input._dtype)} and {type_name(weight._dtype)}")
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input._data.shape[1] if input.ndim > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {channels}.")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    if input.ndim != weight.ndim:
        shape = [1] * input.ndim
        if input.ndim > 1:
            shape[1] = n
        weight = weight.reshape(shape)
    return _prelu_kernel(input, weight)
