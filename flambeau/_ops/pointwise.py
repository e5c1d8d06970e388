"""Pointwise ops: NumPy ufuncs under torch's type promotion, with their derivatives.

Two factories, :func:`binary` and :func:`unary`, turn a ufunc and a derivative into an op with
its method, in-place and ``out=`` forms. They differ from calling the ufunc directly in the
result dtype (torch's promotion: ``int + 1.5`` is float32, ``int / int`` is float) and in
broadcasting errors, which use torch's words.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad
from .registry import defop, register

_result_type_of = _dtype.result_type_of
_float = _dtype.float32


def operand(x, dtype):
    """The backend array (or weak Python scalar) of an operand, cast to ``dtype``."""
    if isinstance(x, Tensor):
        a = x._data
        return a if a.dtype == dtype._np else a.astype(dtype._np)
    if isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"unsupported operand type: {type(x).__name__}")


def promote(x, y, to_float=False):
    """torch's result dtype for a binary op, and the operands cast to it."""
    if x.__class__ is Tensor and y.__class__ is Tensor and x._dtype is y._dtype:
        dtype = x._dtype
    else:
        dtype = _result_type_of(x, y)
    if to_float and not (dtype.is_floating_point or dtype.is_complex):
        dtype = _dtype.get_default_dtype()
    return operand(x, dtype), operand(y, dtype), dtype


def broadcast_error(x, y):
    """torch's message for shapes that do not broadcast."""
    a, b = np.shape(x), np.shape(y)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            return RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b "
                                f"({b[i]}) at non-singleton dimension {i}")
    return RuntimeError("shapes cannot be broadcast")


def _apply(ufunc, a, b):
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


def _inputs(x, y):
    return (x if isinstance(x, Tensor) else None, y if isinstance(y, Tensor) else None)


def binary(name, ufunc, derivative=None, *, node=None, to_float=False, result_dtype=None,
           inplace=True, doc=None, aliases=(), method=True):
    """Defines a binary op from ``ufunc``.

    ``derivative(grad, x, y, out)`` returns the gradients of both operands (the engine sums them
    back over broadcast dims). ``to_float`` makes integer inputs compute in the default float
    dtype; ``result_dtype`` fixes the result's dtype (bool for comparisons).
    """
    node = node or name.capitalize() + "Backward0"

    def op(input, other):
        a, b, dtype = promote(input, other, to_float)
        out = make(_apply(ufunc, a, b), result_dtype or dtype)
        if derivative is not None and needs_grad(input, other):
            record(node, (out,), _inputs(input, other), derivative,
                   saved=(_saved(input), _saved(other)), saved_outputs=(0,))
        return out

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return defop(op, name=name, inplace=inplace, out=True, aliases=aliases, method=method)


def _saved(x):
    return x if isinstance(x, Tensor) else _Constant(x)


class _Constant:
    """A Python scalar operand kept among the saved tensors (it never changes)."""
    __slots__ = ("value",)
    _version = 0
    _output_nr = 0
    _grad_fn = None

    def __init__(self, value):
        self.value = value


def unary(name, ufunc, derivative=None, *, node=None, to_float=True, inplace=True, doc=None,
          aliases=(), keep_int=False):
    """Defines a unary op from ``ufunc``; integer inputs become the default float dtype unless
    ``to_float`` is False. ``derivative(grad, x, out)`` gives the input's gradient."""
    node = node or name.capitalize() + "Backward0"

    def op(input):
        dtype = input._dtype
        a = input._data
        if to_float and not (dtype.is_floating_point or dtype.is_complex):
            dtype = _dtype.get_default_dtype()
            a = a.astype(dtype._np)
        out = make(ufunc(a), dtype)
        if derivative is not None and needs_grad(input):
            record(node, (out,), (input,), derivative, saved=(input,), saved_outputs=(0,))
        return out

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return defop(op, name=name, inplace=inplace, out=True, aliases=aliases)


_NONE = _Constant(None)


def _value(x):
    """A saved operand back as what derivative formulas use: the tensor, or its scalar."""
    return x.value if isinstance(x, _Constant) else x


def _conj(v):
    """The complex conjugate of a tensor or a Python scalar (a no-op on real values)."""
    if isinstance(v, Tensor):
        return v.conj()
    return v.conjugate() if isinstance(v, complex) else v


# ---- arithmetic ----------------------------------------------------------------------------

@defop(inplace=True, out=True)
def add(input, other, *, alpha=1):
    """``input + alpha * other``, with torch's type promotion."""
    a, b, dtype = promote(input, other)
    if alpha != 1:
        b = b * alpha
    out = make(_apply(np.add, a, b), dtype)
    if needs_grad(input, other):
        record("AddBackward0", (out,), _inputs(input, other),
               lambda g: (g, g * alpha if alpha != 1 else g))
    return out


@defop(inplace=True, out=True, aliases=("subtract",))
def sub(input, other, *, alpha=1):
    """``input - alpha * other``."""
    a, b, dtype = promote(input, other)
    if dtype is _dtype.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if alpha != 1:
        b = b * alpha
    out = make(_apply(np.subtract, a, b), dtype)
    if needs_grad(input, other):
        record("SubBackward0", (out,), _inputs(input, other),
               lambda g: (g, -g * alpha if alpha != 1 else -g))
    return out


@defop(inplace=True, out=True, aliases=("multiply",))
def mul(input, other):
    """``input * other``, elementwise."""
    a, b, dtype = promote(input, other)
    out = make(_apply(np.multiply, a, b), dtype)
    if needs_grad(input, other):
        # save only what the wanted gradients use, so that `x.mul_(2)` stays differentiable
        x_grad = isinstance(input, Tensor) and input._requires_grad
        y_grad = isinstance(other, Tensor) and other._requires_grad
        record("MulBackward0", (out,), _inputs(input, other),
               lambda g, x, y: (g * _conj(_value(y)) if x_grad else None,
                                g * _conj(_value(x)) if y_grad else None),
               saved=(_saved(input) if y_grad else _NONE, _saved(other) if x_grad else _NONE))
    return out


def _div_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    gx = g / _conj(y)
    gy = -g * _conj(x / (y * y)) if isinstance(y, Tensor) and y._requires_grad else None
    return gx, gy


@defop(inplace=True, out=True, aliases=("divide",))
def div(input, other, *, rounding_mode=None):
    """``input / other``: true division (always floating), or rounded with
    ``rounding_mode='trunc'`` or ``'floor'`` (keeping integer dtypes)."""
    if rounding_mode is None:
        a, b, dtype = promote(input, other, to_float=True)
        out = make(_apply(np.true_divide, a, b), dtype)
        if needs_grad(input, other):
            record("DivBackward0", (out,), _inputs(input, other), _div_derivative,
                   saved=(_saved(input), _saved(other)), saved_outputs=(0,))
        return out
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    a, b, dtype = promote(input, other)
    if dtype.is_floating_point:
        q = _apply(np.true_divide, a, b)
        q = np.trunc(q) if rounding_mode == "trunc" else np.floor(q)
    else:
        _check_int_zero_division(b)
        q = _apply(np.floor_divide, a, b)
        if rounding_mode == "trunc":
            q = q + ((np.remainder(a, b) != 0) & ((np.sign(a) * np.sign(b)) < 0))
    out = make(np.asarray(q).astype(dtype._np, copy=False), dtype)
    if needs_grad(input, other):
        record("DivBackward2", (out,), _inputs(input, other), lambda g: (g * 0, None))
    return out


register("", "true_divide", lambda input, other: div(input, other))
register("", "true_divide", lambda input, other: div(input, other), method=True)


def _check_int_zero_division(b):
    if np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


@defop(inplace=True, out=True)
def floor_divide(input, other):
    """``input // other`` rounded toward minus infinity."""
    return div(input, other, rounding_mode="floor")


@defop(inplace=True, out=True)
def neg(input):
    """``-input``."""
    if input._dtype is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    out = make(np.negative(input._data), input._dtype)
    if needs_grad(input):
        record("NegBackward0", (out,), (input,), lambda g: -g)
    return out


register("", "negative", neg)
register("", "negative", neg, method=True)


def _pow_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    gx = g * y * x ** (y - 1) if isinstance(x, Tensor) and x._requires_grad else None
    gy = None
    if isinstance(y, Tensor) and y._requires_grad:
        gy = g * out * x.log() if isinstance(x, Tensor) else g * out * float(np.log(x))
    return gx, gy


@defop(inplace=True, out=True)
def pow(input, exponent):
    """``input ** exponent`` (integer tensors to negative integer powers raise, as in torch)."""
    a, b, dtype = promote(input, exponent)
    if not (dtype.is_floating_point or dtype.is_complex) and np.any(np.asarray(b) < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    out = make(_apply(np.power, a, b), dtype)
    if needs_grad(input, exponent):
        name = "PowBackward1" if isinstance(exponent, Tensor) and isinstance(input, Tensor) \
            else "PowBackward0"
        record(name, (out,), _inputs(input, exponent), _pow_derivative,
               saved=(_saved(input), _saved(exponent)), saved_outputs=(0,))
    return out


abs = unary("abs", np.abs, lambda g, x, out: g * x.sgn(), to_float=False,
            aliases=("absolute",), doc="``|input|`` elementwise.")
sgn = unary("sgn", lambda a: np.sign(a) if a.dtype.kind != "c" else
            np.where(a == 0, 0, a / np.where(a == 0, 1, np.abs(a))),
            lambda g, x, out: g * 0, to_float=False, doc="The sign (``x / |x|`` for complex).")
sign = unary("sign", np.sign, lambda g, x, out: g * 0, to_float=False,
             doc="-1, 0 or 1 elementwise.")
exp = unary("exp", np.exp, lambda g, x, out: g * out.conj(), doc="``e ** input``.")
log = unary("log", np.log, lambda g, x, out: g / x.conj(), doc="The natural logarithm.")
sqrt = unary("sqrt", np.sqrt, lambda g, x, out: g / (2 * out.conj()), doc="The square root.")
sin = unary("sin", np.sin, lambda g, x, out: g * x.cos().conj(), doc="The sine.")
cos = unary("cos", np.cos, lambda g, x, out: -g * x.sin().conj(), doc="The cosine.")
tanh = unary("tanh", np.tanh, lambda g, x, out: g * (1 - out * out).conj(),
             doc="The hyperbolic tangent.")


def _sigmoid(a):
    return np.exp(-np.logaddexp(0, -a)) if a.dtype.kind == "f" else 1 / (1 + np.exp(-a))


sigmoid = unary("sigmoid", _sigmoid, lambda g, x, out: g * (out * (1 - out)).conj(),
                doc="``1 / (1 + exp(-input))``, computed without overflow.")


def conj(input):
    """The complex conjugate (the input itself for real tensors)."""
    if not input._dtype.is_complex:
        return input
    out = make(np.conj(input._data), input._dtype)
    if needs_grad(input):
        record("ConjBackward0", (out,), (input,), lambda g: g.conj())
    return out


defop(conj, inplace=False)
register("", "conj_physical", conj)
register("", "resolve_conj", lambda self: self, method=True)
register("", "resolve_neg", lambda self: self, method=True)


# ---- comparisons ---------------------------------------------------------------------------

def _comparison(name, ufunc, aliases=()):
    def op(input, other):
        a, b, _ = promote(input, other)
        return make(_apply(ufunc, a, b), _dtype.bool)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` as a bool tensor."
    return defop(op, name=name, inplace=False, out=True, aliases=aliases)


eq = _comparison("eq", np.equal)
ne = _comparison("ne", np.not_equal, ("not_equal",))
lt = _comparison("lt", np.less, ("less",))
le = _comparison("le", np.less_equal, ("less_equal",))
gt = _comparison("gt", np.greater, ("greater",))
ge = _comparison("ge", np.greater_equal, ("greater_equal",))


# ---- Python operators ----------------------------------------------------------------------

def _reflected(fn):
    return lambda self, other: fn(other, self)


_OPERATORS = {
    "__add__": add, "__radd__": _reflected(add), "__sub__": sub, "__rsub__": _reflected(sub),
    "__mul__": mul, "__rmul__": _reflected(mul), "__truediv__": div,
    "__rtruediv__": _reflected(div), "__floordiv__": floor_divide,
    "__rfloordiv__": _reflected(floor_divide), "__pow__": pow, "__rpow__": _reflected(pow),
    "__neg__": neg, "__abs__": abs, "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le,
    "__gt__": gt, "__ge__": ge, "__pos__": lambda self: self,
}
for _name, _fn in _OPERATORS.items():
    register("", _name, _fn, method=True)
