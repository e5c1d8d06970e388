"""Activation ops: the nonlinearities torch records as nodes of their own (``ReluBackward0``,
``GeluBackward0``, ``LeakyReluBackward0`` ...), forward and derivative side by side.

An elementwise activation is an :class:`_Activation`: a NumPy kernel that can write into the
input's own buffer (``relu_`` is ``np.maximum(a, 0, out=a)``), a derivative, and torch's node
names. Its derivative is ``grad * slope(x)``, the slope computed in NumPy in one expression
(:func:`_chain`); that product is itself differentiable (torch's ``EluBackwardBackward0`` ...),
through the activation's ``curvature`` written with flambeau ops. Most of these ops are
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
from ._saved import _Constant
from .registry import (check_inplace, check_no_overlap, commit_inplace, defop, snapshot,
                       type_name)
from ._special_kernels import erf as _erf_kernel

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

def _chain(g, how, t):
    """``g * slope(t)`` for the activation in ``how = (args, t_is_result, activation)``: the
    derivative of every elementwise activation. When a second derivative is being recorded, the
    product is a node of its own: linear in ``g``, and ``g * curvature(t)`` for ``t``."""
    args, is_result, act = how
    a = t._data
    token = _silence()
    try:
        r = g._data * act.slope(_working(a), args, is_result)
    finally:
        _restore(token)
    if r.dtype != g._data.dtype:
        r = r.astype(g._data.dtype)
    out = make(r.reshape(()) if a.ndim == 0 else r, g._dtype)
    if needs_grad(g, t):
        record(act.grad_node, (out,), (g, t), _chain_backward, (_Constant(how), g, t))
    return out


def _working(a):
    """The array a kernel computes on: a 0-d one as 1-d (NumPy makes scalars of 0-d results),
    half precision in float32 (rounded once at the end, as torch computes it)."""
    if a.ndim == 0:
        a = a.reshape(1)
    if a.dtype.itemsize == 2 and a.dtype.kind not in "iu":
        a = a.astype(np.float32)
    return a


def _chain_backward(gg, how, g, t):
    curvature = how[2].curvature
    return _chain(gg, how, t), None if curvature is None else gg * g * curvature(t, *how[:2])


def _const(mask, like):
    """A constant tensor of ``like``'s dtype (a mask in a derivative formula)."""
    return make(np.asarray(mask, dtype=like._dtype._np), like._dtype)


def _slopes(positive, slope, dtype):
    """1 where ``positive``, ``slope`` elsewhere, as an array of NumPy ``dtype``."""
    factor = positive.astype(dtype)
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
    (the in-place form passes the input's own array). ``slope(a, args, a_is_result)`` is the
    derivative as a NumPy array, from the saved input or result; ``curvature(t, args,
    t_is_result)`` its own derivative in flambeau ops (None: piecewise linear). ``keeps`` says
    whether torch's node saves the result out of place and in place (otherwise it saves the
    input, which the in-place form then snapshots); ``grad_node`` names the derivative's node.
    """
    __slots__ = ("name", "kernel", "slope", "curvature", "check", "node", "inplace_node",
                 "keeps", "grad_node")

    def __init__(self, name, kernel, slope, curvature, check, node, inplace_node=None,
                 keeps=(False, False), grad_node=None):
        self.name, self.kernel, self.check = name, kernel, check
        self.slope, self.curvature = slope, curvature
        self.node, self.inplace_node, self.keeps = node, inplace_node or node, keeps
        self.grad_node = grad_node or node[:-1] + "Backward0"

    def __call__(self, input, args=(), node=None, keep=None):
        """The out-of-place op."""
        _tensor_arg(self.name, input)
        dtype = input._dtype
        self.check(dtype)
        a = input._data
        token = _silence()
        try:
            r = self.kernel(_working(a), None, *args)
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
                record(node or self.node, (out,), (input,), _chain,
                       (_Constant((args, True, self)),), (0,))
            else:
                record(node or self.node, (out,), (input,), _chain,
                       (_Constant((args, False, self)), input))
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
        w = _working(a)
        token = _silence()
        try:
            r = self.kernel(w, w if w.dtype == a.dtype else None, *args)
        finally:
            _restore(token)
        if r is not w:  # computed in float32 for a half-precision input
            a[...] = r.reshape(a.shape)
        input._bump_version()
        if grad:
            record(self.inplace_node, (input,), (input,), _chain,
                   (_Constant((args, True, self)),), (0,))
        return input


def _into(r, out):
    """A kernel's result ``r``, written into ``out`` when there is one."""
    if out is None:
        return r
    out[...] = r
    return out


# ---- relu, hardtanh, threshold, leaky_relu, rrelu ---------------------------------------------

_ROWS = {}


def _row(a, value):
    """``value`` repeated along ``a``'s last dim, in ``a``'s dtype: NumPy's maximum and minimum
    against a scalar take a slow, branching loop, against an array a vectorized one (about 2x
    to 5x faster on values of random sign). Cached per dtype, length and value."""
    key = (a.dtype, a.shape[-1], value)
    row = _ROWS.get(key)
    if row is None:
        row = _ROWS[key] = np.full(key[1], value, key[0])
    return row


def _clamp(a, lo, hi, out):
    """``min(max(a, lo), hi)`` (``hi`` wins when ``lo > hi``, NaN propagates), vectorized."""
    r = np.maximum(a, _row(a, lo), out=out)
    return np.minimum(r, _row(a, hi), out=r)


def _relu_kernel(a, out):
    return np.maximum(a, _row(a, 0), out=out)


def _relu_slope(a, args, is_result):
    return a > 0


_RELU = _Activation("relu", _relu_kernel, _relu_slope, None, _clamping("relu", "Boolean"),
                    "ReluBackward0", keeps=(True, True), grad_node="ThresholdBackwardBackward0")


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
    return _clamp(a, t(lo), t(hi), out)


def _hardtanh_slope(a, bounds, is_result):
    return (a > bounds[0]) & (a < bounds[1])


_HARDTANH = _Activation("hardtanh", _hardtanh_kernel, _hardtanh_slope, None,
                        _clamping("hardtanh", "Bool"), "HardtanhBackward0", keeps=(False, True))


def _hardtanh_args(name, min_val, max_val):
    return (_number(name, "min_val", 2, min_val), _number(name, "max_val", 3, max_val))


@defop(function=False, method=False, out=True,
       signature="hardtanh(Tensor input, Scalar min_val=-1, Scalar max_val=1, *, "
                 "Tensor out=None)")
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


def _threshold_slope(a, args, is_result):
    return a > args[0]


_THRESHOLD = _Activation("threshold", _threshold_kernel, _threshold_slope, None,
                         _threshold_check, "ThresholdBackward0", "ThresholdBackward1")


def _threshold_args(name, threshold, value):
    return (_number(name, "threshold", 2, threshold), _number(name, "value", 3, value))


@defop(method=False, out=True,
       signature="threshold(Tensor input, Scalar threshold, Scalar value, *, Tensor out=None)")
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


def _leaky_slope(a, args, is_result):
    slope = args[0]
    if is_result and slope < 0:
        raise RuntimeError(_NEGATIVE_SLOPE_INPLACE.format("leakyReLu") + " File an issue at "
                           "https://github.com/pytorch/pytorch if you do require supporting "
                           "in-place leakRelu backward calculation with negative slope")
    return _slopes(a > 0, slope, a.dtype)


_LEAKY = _Activation("leaky_relu", _leaky_kernel, _leaky_slope, None,
                     _floating("leaky_relu_cpu"), "LeakyReluBackward0", "LeakyReluBackward1",
                     keeps=(False, True))


@defop(function=False, method=False, out=True,
       signature="leaky_relu(Tensor input, Scalar negative_slope=0.01, *, Tensor out=None)")
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


def _rrelu_slope(a, args, is_result):
    lower, upper, noise = args
    if noise is None:
        return _leaky_slope(a, ((lower + upper) / 2,), is_result)
    return noise.reshape(a.shape)


_RRELU = _Activation("rrelu", _rrelu_kernel, _rrelu_slope, None,
                     lambda dtype: None,  # checked with the arguments, by mode
                     "RreluWithNoiseBackward0", "RreluWithNoiseBackward1", keeps=(False, True))


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
    zero = _row(a, 0)
    negative = np.minimum(a, zero)  # exp of the positives is never taken: no overflow
    negative *= input_scale
    np.expm1(negative, out=negative)
    negative *= alpha * scale
    positive = np.maximum(a, zero, out=out)
    if scale != 1:
        positive *= scale
    positive += negative
    return positive


def _elu_slope(a, args, is_result):
    """``scale`` above 0; below, ``input_scale * (result + alpha * scale)`` from the result, or
    ``input_scale * alpha * scale * exp(input_scale * x)`` from the input."""
    alpha, scale, input_scale = args
    if is_result and alpha < 0:
        raise RuntimeError(_NEGATIVE_SLOPE_INPLACE.format("elu"))
    factor = np.minimum(a, _row(a, 0))  # blended arithmetically: masked writes are slow
    if is_result:
        factor += alpha * scale
        factor *= input_scale
    else:
        factor *= input_scale
        np.exp(factor, out=factor)
        factor *= input_scale * alpha * scale
    factor *= a <= 0
    factor += (a > 0) * a.dtype.type(scale)
    return factor


def _elu_curvature(t, args, is_result):
    alpha, scale, input_scale = args
    below = _const(t._data <= 0, t)
    if is_result:
        return below * input_scale
    return below * (t.clamp(max=0) * input_scale).exp() * (input_scale ** 2 * alpha * scale)


_ELU = _Activation("elu", _elu_kernel, _elu_slope, _elu_curvature, _floating("elu_cpu"),
                   "EluBackward0", "EluBackward1", keeps=(False, True))


def _celu_slope(a, args, is_result):
    """elu's, with the input scale rounded as torch's derivative rounds it (1 / float(alpha))."""
    return _elu_slope(a, _celu_derivative_args(args), is_result)


def _celu_curvature(t, args, is_result):
    return _elu_curvature(t, _celu_derivative_args(args), is_result)


def _celu_derivative_args(args):
    alpha, scale, _ = args
    return alpha, scale, 1.0 / float(np.float32(alpha))


_CELU = _Activation("celu", _elu_kernel, _celu_slope, _celu_curvature, _floating("elu_cpu"),
                    "CeluBackward0", "CeluBackward1", keeps=(False, True),
                    grad_node="EluBackwardBackward0")


def _elu_args(name, alpha, scale, input_scale):
    return (_number(name, "alpha", 2, alpha), _number(name, "scale", 3, scale),
            _number(name, "input_scale", 4, input_scale))


@defop(function=False, method=False, out=True,
       signature="elu(Tensor input, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1, *, "
                 "Tensor out=None)")
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
_ONE_OVER_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


_GELU_SPAN, _GELU_STEPS = 6.0, 1024  # float32 tables: chords over [-6, 6], 1/1024 apart
_gelu_tables = {}


def _normal_cdf(x):
    return 0.5 * np.vectorize(math.erfc)(x * -math.sqrt(0.5))


def _gelu_table(which):
    """float32 ``(intercepts, slopes)`` of the chords of Phi (``"cdf"``) or of gelu's
    derivative Phi(x) + x phi(x) (``"slope"``), built once in float64: within 3e-8 of the
    function, closer to it than torch's own float32 erf. The end intervals hold the limits 0
    and 1 (their slope 0), so that an infinite or NaN input comes out NaN, as from torch's
    kernel."""
    table = _gelu_tables.get(which)
    if table is None:
        nodes = np.linspace(-_GELU_SPAN, _GELU_SPAN, int(2 * _GELU_SPAN * _GELU_STEPS) + 1)
        values = _normal_cdf(nodes)
        if which == "slope":
            values += nodes * np.exp(-0.5 * nodes * nodes) * _ONE_OVER_SQRT_2PI
        slopes = np.diff(values) * _GELU_STEPS
        intercepts = values[:-1] - slopes * nodes[:-1]
        intercepts[[0, -1]], slopes[[0, -1]] = (0, 1), 0
        table = _gelu_tables[which] = (intercepts.astype(np.float32), slopes.astype(np.float32))
    return table


def _gelu_chords(a, which):
    """``Phi(a)`` or gelu's derivative at float32 ``a`` from a table (two gathers and six
    passes, where the rational erf takes some 30 and the derivative an exp besides); an
    out-of-range or NaN position lands on an end interval."""
    intercepts, slopes = _gelu_table(which)
    t = np.multiply(a, _GELU_STEPS)
    t += _GELU_SPAN * _GELU_STEPS
    np.minimum(t, slopes.size - 1, out=t)
    at = t.astype(np.intp)
    r = slopes.take(at, mode="clip")
    r *= a
    r += intercepts.take(at, mode="clip")
    return r


def _gelu_kernel(a, out, approximate):
    if approximate == "none" and a.dtype == np.float32:
        cdf = _gelu_chords(a, "cdf")
        return np.multiply(cdf, a, out=out if out is not None else cdf)
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


def _gelu_slope(a, args, is_result):
    if args[0] == "tanh":  # 0.5 (1 + T) + 0.5 x (1 - T^2) k (1 + 3 kappa x^2)
        x2 = a * a
        inner = x2 * (_KAPPA * _SQRT_2_OVER_PI)
        inner += _SQRT_2_OVER_PI
        inner *= a
        t = np.tanh(inner, out=inner)
        right = t * t
        np.subtract(1, right, out=right)
        right *= a
        x2 *= 3 * _KAPPA
        x2 += 1
        right *= x2
        right *= 0.5 * _SQRT_2_OVER_PI
        t += 1
        t *= 0.5
        t += right
        return t
    if a.dtype == np.float32:
        return _gelu_chords(a, "slope")
    pdf = a * a  # Phi(x) + x phi(x)
    pdf *= -0.5
    np.exp(pdf, out=pdf)
    pdf *= a * _ONE_OVER_SQRT_2PI
    cdf = _erf_kernel(a * math.sqrt(0.5))
    if cdf.dtype != a.dtype:
        cdf = cdf.astype(a.dtype)
    cdf += 1
    cdf *= 0.5
    cdf += pdf
    return cdf


def _gelu_curvature(x, args, is_result):
    if args[0] == "tanh":  # (1 - T^2) (u' - x T u'^2 + 3 k kappa x^2), u' = k (1 + 3 kappa x^2)
        x2 = x * x
        t = ((x + _KAPPA * x2 * x) * _SQRT_2_OVER_PI).tanh()
        du = (1 + 3 * _KAPPA * x2) * _SQRT_2_OVER_PI
        return (1 - t * t) * (du - x * t * du * du + 3 * _SQRT_2_OVER_PI * _KAPPA * x2)
    return (x * x * -0.5).exp() * _ONE_OVER_SQRT_2PI * (2 - x * x)  # phi(x) (2 - x^2)


_GELU = _Activation("gelu", _gelu_kernel, _gelu_slope, _gelu_curvature,
                    _floating("GeluKernelImpl"), "GeluBackward0")


def _gelu_args(approximate):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return (approximate,)


@defop(function=False, method=False, out=True,
       signature='gelu(Tensor input, *, c10::string_view approximate="none", Tensor out=None)')
def gelu(input, *, approximate="none"):
    """``x * Phi(x)`` (Phi the standard normal CDF); ``approximate="tanh"`` uses
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    return _GELU(input, _gelu_args(approximate))


@defop(function=False, method=False,
       signature='gelu_(Tensor input, *, c10::string_view approximate="none")')
def gelu_(input, *, approximate="none"):
    """``gelu`` written into ``input``."""
    return _GELU.inplace(input, _gelu_args(approximate))


def _one_plus_exp(a, sign=-1):
    """``1 + exp(-a)`` (or ``1 + exp(a)``) in one fresh buffer: every temporary of a large
    tensor costs page faults, so kernels make few and work in place."""
    e = np.negative(a) if sign < 0 else a.copy()
    np.exp(e, out=e)
    e += 1
    return e


def _silu_kernel(a, out):
    return np.divide(a, _one_plus_exp(a), out=out)


def _sigmoid(a, sign=-1):
    """``sigmoid(a)`` (``sigmoid(-a)`` with ``sign=1``)."""
    e = _one_plus_exp(a, sign)
    return np.reciprocal(e, out=e)


def _silu_slope(a, args, is_result):  # s (1 + x (1 - s)), conjugated for complex inputs
    s = _sigmoid(a)
    r = np.subtract(1, s)
    r *= a
    r += 1
    r *= s
    return np.conjugate(r, out=r) if r.dtype.kind == "c" else r


def _silu_curvature(x, args, is_result):  # s (1 - s) (2 + x (1 - 2 s))
    s = x.sigmoid()
    return s * (1 - s) * (2 + x * (1 - 2 * s))


_SILU = _Activation("silu", _silu_kernel, _silu_slope, _silu_curvature,
                    _floating("silu_cpu", True), "SiluBackward0")


def _tanh_softplus(a):
    """``tanh(log(1 + e^x))`` as ``n (n + 2) / (n (n + 2) + 2)``, ``n = e^x`` (x capped at 20,
    where it is 1 in every float type): no log, no tanh."""
    n = np.minimum(a, _row(a, 20))
    np.exp(n, out=n)
    r = n + 2
    r *= n
    n[...] = r
    n += 2
    r /= n
    return r


def _mish_kernel(a, out):
    return np.multiply(a, _tanh_softplus(a), out=out)


def _mish_slope(a, args, is_result):  # tsp + x s (1 - tsp^2), tsp = tanh(softplus(x))
    tsp = _tanh_softplus(a)
    r = tsp * tsp
    np.subtract(1, r, out=r)
    r *= a
    r *= _sigmoid(a)
    r += tsp
    return r


def _mish_curvature(x, args, is_result):  # (1 - tsp^2) s (2 + x (1 - s) - 2 x s tsp)
    tsp = softplus(x).tanh()
    s = x.sigmoid()
    return (1 - tsp * tsp) * s * (2 + x * (1 - s) - 2 * x * s * tsp)


_MISH = _Activation("mish", _mish_kernel, _mish_slope, _mish_curvature, _floating("mish_cpu"),
                    "MishBackward0")


def _hardsigmoid_kernel(a, out):
    r = a + 3
    _clamp(r, 0, 6, r)
    return np.divide(r, 6, out=out)


_SIXTH = float(np.float32(1) / np.float32(6))  # torch's slope, a float constant for every dtype


def _hardsigmoid_slope(a, args, is_result):
    return ((a > -3) & (a < 3)) * a.dtype.type(_SIXTH)


_HARDSIGMOID = _Activation("hardsigmoid", _hardsigmoid_kernel, _hardsigmoid_slope, None,
                           _floating("hardsigmoid_cpu"), "HardsigmoidBackward0")


def _hardswish_kernel(a, out):
    r = a + 3
    _clamp(r, 0, 6, r)
    r *= a
    return np.divide(r, 6, out=out)


def _hardswish_slope(a, args, is_result):  # 0 up to -3, x / 3 + 1 / 2 up to 3, then 1
    r = a / 3
    r += 0.5
    r *= (a > -3) & (a < 3)
    r += a >= 3
    return r


def _hardswish_curvature(x, args, is_result):
    a = x._data
    return _const((a > -3) & (a < 3), x) / 3


_HARDSWISH = _Activation("hardswish", _hardswish_kernel, _hardswish_slope,
                         _hardswish_curvature, _floating("hardswish_cpu"), "HardswishBackward0")


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
                  signature=f"{name}(Tensor input, *, Tensor out=None)"),
            defop(op_, function=False, method=False, signature=f"{name}_(Tensor input)"))


silu, silu_ = _plain(_SILU, "``x * sigmoid(x)``", " (complex inputs too).")
mish, mish_ = _plain(_MISH, "``x * tanh(softplus(x))``.")
hardsigmoid, hardsigmoid_ = _plain(_HARDSIGMOID, "``clamp(x + 3, 0, 6) / 6``.")
hardswish, hardswish_ = _plain(_HARDSWISH, "``x * clamp(x + 3, 0, 6) / 6``.")


# ---- softplus, shrinks, log_sigmoid ----------------------------------------------------------

def _softplus_kernel(a, out, beta, threshold):
    z = a * beta
    r = np.exp(z)
    np.log1p(r, out=r)
    r /= beta
    return _into(np.where(z > threshold, a, r), out)


def _softplus_slope(a, args, is_result):  # sigmoid(beta x), 1 where linear
    beta, threshold = args
    z = a * beta
    r = _sigmoid(z)
    np.copyto(r, 1, where=z > threshold)
    return r


def _softplus_curvature(x, args, is_result):
    beta, threshold = args
    s = (x * beta).sigmoid()
    return _const(x._data * beta <= threshold, x) * s * (1 - s) * beta


_SOFTPLUS = _Activation("softplus", _softplus_kernel, _softplus_slope, _softplus_curvature,
                        _floating("softplus_cpu"), "SoftplusBackward0")


@defop(function=False, method=False, out=True,
       signature="softplus(Tensor input, Scalar beta=1, Scalar threshold=20, *, "
                 "Tensor out=None)")
def softplus(input, beta=1, threshold=20):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    return _SOFTPLUS(input, (_number("softplus", "beta", 2, beta),
                             _number("softplus", "threshold", 3, threshold)))


def _softshrink_kernel(a, out, lambd):
    return np.subtract(a, np.clip(a, -lambd, lambd), out=out)


def _shrink_slope(a, args, is_result):
    return (a < -args[0]) | (a > args[0])


_SOFTSHRINK = _Activation("softshrink", _softshrink_kernel, _shrink_slope, None,
                          _floating("softshrink_check"), "SoftshrinkBackward0")


@defop(function=False, method=False, out=True,
       signature="softshrink(Tensor input, Scalar lambd=0.5, *, Tensor out=None)")
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


_HARDSHRINK = _Activation("hardshrink", _hardshrink_kernel, _shrink_slope, None,
                          _floating("hardshrink_cpu"), "HardshrinkBackward0")


@defop(out=True, signature="hardshrink(Tensor input, Scalar lambd=0.5, *, Tensor out=None)")
def hardshrink(input, lambd=0.5):
    """``x`` outside ``[-lambd, lambd]``, 0 inside."""
    return _HARDSHRINK(input, (_number("hardshrink", "lambd", 2, lambd),))


def _log_sigmoid_kernel(a, out):
    r = np.abs(a)
    np.negative(r, out=r)
    np.exp(r, out=r)
    np.log1p(r, out=r)
    return np.subtract(np.minimum(a, 0), r, out=out)


def _log_sigmoid_slope(a, args, is_result):
    return _sigmoid(a, sign=1)


def _log_sigmoid_curvature(x, args, is_result):
    s = x.sigmoid()
    return s * (s - 1)


_LOG_SIGMOID = _Activation("log_sigmoid", _log_sigmoid_kernel, _log_sigmoid_slope,
                           _log_sigmoid_curvature, _floating("log_sigmoid_cpu"),
                           "LogSigmoidBackward0")


@defop(function=False, method=False, out=True,
       signature="log_sigmoid(Tensor input, *, Tensor out=None)")
def log_sigmoid(input):
    """``log(sigmoid(x))``, computed without overflow."""
    return _LOG_SIGMOID(input)


# ---- glu and prelu: two operands -------------------------------------------------------------

@defop(function=False, method=False, out=True,
       signature="glu(Tensor input, int64_t dim=-1, *, Tensor out=None)")
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
        out = make(np.divide(a, _one_plus_exp(b)), input._dtype)
    finally:
        _restore(token)
    if needs_grad1(input):
        record("GluBackward0", (out,), (input,), _glu_backward, (_Constant((d,)), input))
    return out


def _glu_backward(g, dim, x):
    """``[g s, g a s (1 - s)]`` along ``dim`` (``s = sigmoid(b)``) in NumPy; differentiable
    (``GluBackwardBackward0``) when a second derivative is recorded."""
    d = dim[0]
    a, b = np.split(x._data, 2, axis=d)
    token = _silence()
    try:
        s = _sigmoid(b)
        ga = g._data * s
        gb = np.subtract(1, s, out=s)
        gb *= a
        gb *= ga
        out = make(np.concatenate((ga, gb), axis=d), g._dtype)
    finally:
        _restore(token)
    if needs_grad(g, x):
        record("GluBackwardBackward0", (out,), (g, x), _glu_double_backward, (dim, g, x))
    return out


def _glu_double_backward(gg, dim, g, x):
    """With ``x = [a, b]``, ``s = sigmoid(b)``, ``s' = s (1 - s)``: ``gg_a s + gg_b a s'`` for
    ``g``; ``gg_b g s'`` for ``a`` and ``g s' (gg_a + gg_b a (1 - 2 s))`` for ``b``."""
    d = dim[0]
    a, b = x.chunk(2, d)
    gg_a, gg_b = gg.chunk(2, d)
    s = b.sigmoid()
    slope = s * (1 - s)
    ds = g * slope
    return (gg_a * s + gg_b * a * slope,
            cat((gg_b * ds, ds * (gg_a + gg_b * a * (1 - 2 * s))), d))


@defop(signature="_prelu_kernel(Tensor input, Tensor weight)", method=False)
def _prelu_kernel(input, weight):
    """``input`` where positive, ``weight * input`` elsewhere (``weight`` broadcast)."""
    _tensor_arg("_prelu_kernel", input)
    _tensor_arg("_prelu_kernel", weight, "weight", 2)
    _floating("prelu_cpu")(input._dtype)
    a, w = input._data, weight._data
    token = _silence()
    try:  # a * (w + (1 - w) [a > 0]): a blend, not a (slow) masked write
        factor = (a > 0) * (1 - w)
        factor += w
        out = make(np.multiply(a, factor, dtype=factor.dtype), input._dtype)
    finally:
        _restore(token)
    if needs_grad(input, weight):
        record("PreluKernelBackward0", (out,), (input, weight), _prelu_backward, (input, weight))
    return out


def _prelu_backward(g, x, w):
    """``g`` where ``x > 0`` else ``g w`` for the input, ``g x`` where ``x <= 0`` for the weight
    (the engine sums it to the weight's shape); differentiable (``PreluKernelBackwardBackward0``)
    when a second derivative is recorded."""
    a = x._data
    below = a <= 0
    token = _silence()
    try:
        factor = below * (w._data - 1)
        factor += 1
        grad_input = make(np.multiply(g._data, factor, dtype=g._data.dtype), g._dtype)
        grad_weight = make(g._data * (a * below), g._dtype)
    finally:
        _restore(token)
    if needs_grad(g, x, w):
        record("PreluKernelBackwardBackward0", (grad_input, grad_weight), (g, x, w),
               _prelu_double_backward, (g, x, w))
    return grad_input, grad_weight


def _prelu_double_backward(grads, g, x, w):
    """For ``g``: ``gg_input (1 or w) + gg_weight x [x <= 0]``; for ``x``: ``gg_weight g
    [x <= 0]`` (the input's slope is piecewise constant); for ``w``: ``gg_input g [x <= 0]``."""
    gg_input, gg_weight = grads
    below = _const(x._data <= 0, x)
    through = gg_weight * below
    return (gg_input * (1 + below * (w - 1)) + through * x, through * g,
            gg_input * g * below)


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

