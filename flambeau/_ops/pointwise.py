"""Pointwise ops: NumPy ufuncs under torch's type promotion (``promotion.py``), with their
derivatives.

Two factories, :func:`binary` and :func:`unary`, turn a NumPy kernel and a derivative into an
op with its method, in-place and ``out=`` forms. They differ from calling the ufunc directly in
the result dtype (torch's promotion: ``int + 1.5`` is float32, ``int / int`` is float), in
broadcasting errors, which use torch's words, and in being silent where NumPy warns (torch
quietly gives inf and nan). The special functions NumPy lacks (erf, lgamma, ...) are in
``special.py``, built on these factories.
"""
import math

import numpy as np

from .. import _backend, _dtype
from .._tensor import Tensor, _no_arguments, make, make_view
from ..autograd.graph import record
from ._util import needs_grad, needs_grad1, needs_grad2
from ..return_types import return_type
from ._saved import (_NONE, _Constant, _conj, _data, _pick, _saved, _saving, _value, _wants,
                     _zero, masked)
from .promotion import (_check_tensors, _keeps_dtype, _not_implemented, _result_type_of,
                        _times_alpha, broadcast_error, operand, promote)
from .barebones import error as _refused
from .registry import check_no_overlap, defop, register, type_name

_errstate = np.errstate
_silence, _restore, _quietly = _backend.silence, _backend.restore, _backend.quietly
_BOOL = _dtype.bool
_frexp_type = return_type("frexp", ["mantissa", "exponent"])


def _apply(ufunc, a, b):
    """``ufunc(a, b)`` without NumPy's floating-point warnings (torch gives inf and nan
    silently) and with torch's error for shapes that do not broadcast."""
    token = _silence()
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None
    finally:
        _restore(token)


def _write_through(ufunc, self, other, scale=1, check=None):
    """``self = ufunc(self, scale * other)`` in ``self``'s own buffer (NumPy's ``out=``), for an
    in-place op with no graph to record and no cast: its ``direct`` writer (see
    ``registry.inplace_variant``). None where that does not hold (the general path then
    computes the result apart, and raises torch's errors)."""
    if needs_grad2(self, other):
        return None
    try:
        a, b, dtype = promote(self, other)
    except RuntimeError:  # (the general path raises torch's errors in torch's order)
        return None
    if dtype is not self._dtype or dtype._barebones or dtype is _BOOL and ufunc is np.subtract:
        return None  # (the general path computes apart, or raises torch's errors)
    if check is not None:
        check(a, b, dtype)
    try:
        b = _times_alpha(b, scale, dtype, ufunc is np.subtract)
    except NotImplementedError:  # a sparse operand: the general path adds it
        return None
    check_no_overlap(self)
    token = _silence()
    try:
        ufunc(a, b, out=a)
    except (ValueError, TypeError, NotImplementedError):
        return None  # grows self by broadcasting, a cast NumPy refuses, or a sparse operand
    finally:
        _restore(token)
    self._bump_version()
    return self


# ---- factories -----------------------------------------------------------------------------

def _publish(op, name, doc, inplace, aliases, method, namespace, special, signature):
    """Registers a factory-made op (and its ``torch.special`` names)."""
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    public = defop(op, name=name, inplace=inplace, out=True, aliases=aliases, method=method,
                   namespace=namespace, signature=signature)
    for n in special:
        if signature is None:
            register("special", n, public)
        else:
            defop(op, name=n, method=False, namespace="special", signature=signature)
    return public


def binary(name, ufunc, derivative=None, *, node=None, to_float=False, result_dtype=None,
           inplace=True, doc=None, aliases=(), method=True, check=None, precheck=None,
           namespace="", special=(), tensors_only=False, refuse=None, signature=None,
           barebones=""):
    """Defines a binary op from ``ufunc``.

    ``derivative(grad, x, y, out)`` returns the gradients of both operands (the engine sums them
    back over broadcast dims); ``node`` is its name, or a function of the two operands giving
    it. ``to_float`` makes integer inputs compute in the default float dtype;
    ``result_dtype`` fixes the result's dtype (bool for comparisons); ``check(a, b, dtype)``
    validates the cast operands, ``precheck(input, other)`` the given ones before promotion; ``tensors_only`` refuses Python scalars, as torch's signatures without a Scalar overload;
    ``refuse=(kernel, categories)`` raises torch's error (``barebones.error``: the
    NotImplementedError naming the kernel, or an exception class and message) for result
    dtypes of those categories (0 bool, 1 integer, 2 float, 3 complex); ``barebones`` is the kernel
    torch names when it refuses uint16/uint32/uint64 (None: computed; default ``{name}_cpu``
    unless ``to_float``).
    """
    node = node or name.capitalize() + "Backward0"
    bare = (None if to_float else f"{name}_cpu") if barebones == "" else barebones
    if derivative is not None:
        keep_x, keep_y, tail, saved_outputs = _saving(derivative, 3)
        only = (_pick(derivative, 0), _pick(derivative, 1))  # for a Python scalar operand

    def op(input, other):
        if tensors_only:
            _check_tensors(name, input, other)
        if precheck is not None:
            precheck(input, other)
        a, b, dtype = promote(input, other)
        if refuse is not None and dtype._category in refuse[1] or dtype._barebones and bare:
            try:  # torch checks the shapes first
                np.broadcast_shapes(np.shape(a), np.shape(b))
            except ValueError:
                raise broadcast_error(a, b) from None
            raise _refused(bare if dtype._barebones and bare else refuse[0], dtype)
        if to_float and dtype._category < 2:
            dtype = _dtype.get_default_dtype()
            a, b = operand(input, dtype), operand(other, dtype)
        if check is not None:
            check(a, b, dtype)
        result = _apply(ufunc, a, b)
        out = make(result, result_dtype or dtype)
        if derivative is not None and needs_grad2(input, other):
            inputs, backward = (input, other), derivative
            if not isinstance(other, Tensor):  # a Python scalar operand is no input of the
                inputs, backward = (input,), only[0]  # node (torch's Scalar overloads),
            elif not isinstance(input, Tensor):  # only a constant
                inputs, backward = (other,), only[1]
            saved = (_saved(input) if keep_x else _NONE, _saved(other) if keep_y else _NONE)
            record(node if isinstance(node, str) else node(input, other), (out,), inputs,
                   backward, saved + tail, saved_outputs)
        return out

    if inplace and result_dtype is None and refuse is None and not tensors_only:
        def inplace(self, other):
            if precheck is not None:
                precheck(self, other)
            return _write_through(ufunc, self, other, check=check)
    return _publish(op, name, doc, inplace, aliases, method, namespace, special, signature)


def unary(name, kernel, derivative=None, *, node=None, to_float=True, inplace=True, doc=None,
          aliases=(), quiet=True, compute=None, refuse=None, special=(),
          namespace="", method=True, real=False,
          signature="{name}(Tensor input, *, Tensor? out=None)", barebones=""):
    """Defines a unary op from ``kernel``.

    Integer inputs become the default float dtype unless ``to_float`` is False.
    ``compute`` is a NumPy dtype to evaluate the kernel in (float64 for the special functions
    written here), the result is cast back. ``refuse=(kernel, categories)`` raises torch's
    NotImplementedError for inputs of those dtype categories (0 bool, 1 integer, 2 float).
    ``derivative(grad, x, out)`` gives the input's
    gradient; ``special`` lists names to also publish in ``flambeau.special``; ``real`` makes
    complex inputs give real results (abs, angle); ``barebones`` as for :func:`binary`.
    """
    node = node or name.capitalize() + "Backward0"
    bare = (None if to_float else f"{name}_cpu") if barebones == "" else barebones
    if derivative is not None:
        keep_x, tail, saved_outputs = _saving(derivative, 2)

    def op(input):
        dtype = input._dtype
        a = input._data
        if refuse is not None and dtype._category in refuse[1]:
            raise _refused(refuse[0], dtype)
        if dtype._barebones and bare:
            raise _not_implemented(bare, dtype)
        if dtype._category < 2:
            if to_float:
                dtype = _dtype.get_default_dtype()
                a = a.astype(dtype._np)
        if compute is not None and dtype._category == 2:
            a = a.astype(compute, copy=False)
        if real:
            dtype = dtype.to_real()
        if quiet:
            token = _silence()
            try:
                result = kernel(a)
            finally:
                _restore(token)
        else:
            result = kernel(a)
        if result.dtype != dtype._np:  # (a float64 result out of float16's range is inf)
            result = _quietly(result.astype, dtype._np)
        out = make(result, dtype)
        if derivative is not None and needs_grad1(input):
            record(node, (out,), (input,), derivative, (input if keep_x else _NONE,) + tail,
                   saved_outputs)
        return out

    return _publish(op, name, doc, inplace, aliases, method, namespace, special,
                    signature.format(name=name))


# ---- arithmetic ----------------------------------------------------------------------------

def _check_int_zero_division(a, b, dtype):
    if dtype._category < 2 and np.any(np.asarray(b) == 0):
        try:  # torch reports a shape mismatch first
            np.broadcast_shapes(np.shape(a), np.shape(b))
        except ValueError:
            raise broadcast_error(a, b) from None
        raise RuntimeError("ZeroDivisionError")


def _check_not_bool_sub(x, y):
    x_bool = x._dtype is _dtype.bool if isinstance(x, Tensor) else isinstance(x, bool)
    y_bool = y._dtype is _dtype.bool if isinstance(y, Tensor) else isinstance(y, bool)
    if x_bool and y_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if x_bool or y_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def _scaled(ufunc, input, other, alpha, bool_check=False):
    """``ufunc(input, alpha * other)`` with torch's promotion and alpha checks: the forward of
    add, sub and rsub (which swaps the operands)."""
    if bool_check and not (input.__class__ is Tensor and other.__class__ is Tensor and
                           input._dtype is not _BOOL and other._dtype is not _BOOL):
        _check_not_bool_sub(input, other)
    a, b, dtype = promote(input, other)
    if dtype._barebones:
        raise _not_implemented("add_stub", dtype)
    if alpha != 1:  # (the default: nothing to check or scale)
        b = _times_alpha(b, alpha, dtype, ufunc is np.subtract)
    return make(_apply(ufunc, a, b), dtype)


@defop(inplace=lambda self, other, *, alpha=1: _write_through(np.add, self, other, alpha),
       signature=["add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)",
                  "add(Tensor input, Scalar alpha, Tensor other)|deprecated",
                  "add(Tensor input, Scalar alpha, Tensor other, *, Tensor out)|deprecated"])
def add(input, other, *, alpha=1):
    """``input + alpha * other``, with torch's type promotion."""
    try:
        out = _scaled(np.add, input, other, alpha)
    except NotImplementedError:  # (a sparse operand: torch's dense + sparse is dense)
        return _sparse_sum(input, other, alpha)
    if needs_grad2(input, other):
        record("AddBackward0", (out,), (input, other), _scaled_derivative(other, alpha))
    return out


def _sub_into(self, other, *, alpha=1):
    return _write_through(np.subtract, self, other, alpha)


@defop(inplace=_sub_into,
       signature=["sub(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)",
                  "sub(Tensor input, Scalar alpha, Tensor other)|deprecated",
                  "sub(Tensor input, Scalar alpha, Tensor other, *, Tensor out)|deprecated"])
def sub(input, other, *, alpha=1):
    """``input - alpha * other``."""
    try:
        out = _scaled(np.subtract, input, other, alpha, bool_check=True)
    except NotImplementedError:
        return _sparse_sum(input, other, -alpha)
    if needs_grad2(input, other):
        record("SubBackward0", (out,), (input, other), _scaled_derivative(other, -alpha))
    return out


@defop(inplace=False, method=False,
       signature=["rsub(Tensor input, Tensor other, *, Scalar alpha=1)",
                  "rsub(Tensor input, Scalar other, Scalar alpha=1)"])
def rsub(input, other, alpha=1):
    """``other - alpha * input`` (what ``scalar - tensor`` computes)."""
    out = _scaled(np.subtract, other, input, alpha, bool_check=True)
    if needs_grad2(input, other):
        derivative = _scaled_derivative(input, -alpha)
        if isinstance(other, Tensor):
            record("RsubBackward0", (out,), (input, other), lambda g: derivative(g)[::-1])
        else:
            record("RsubBackward1", (out,), (input,), lambda g: derivative(g)[1])
    return out


def _sparse_sum(input, other, alpha):
    """``input + alpha * other`` where one is a sparse COO tensor (``flambeau._sparse``); else
    the NotImplementedError being handled goes on."""
    from .._sparse import _add, add_dense
    if getattr(input, "is_sparse", False):
        return _add(input, other, alpha)
    if getattr(other, "is_sparse", False):
        return add_dense(input, other, alpha)
    raise


def _scaled_derivative(other, factor):
    """The derivative of ``input + factor * other`` (the common cases need no closure)."""
    if not _wants(other):
        return _first_only
    if factor == 1:
        return _both
    if factor == -1:
        return _negated_second
    return lambda g: (g, g * factor)


def _first_only(g):
    return g, None


def _both(g):
    return g, g


def _negated_second(g):
    return g, -g


_F16, _BF16 = _dtype.float16, _dtype.bfloat16


def _in_float32(ufunc, a, b, dtype):
    """``ufunc`` of half-precision operands as torch's mul and div compute it: in float32, a
    Python number taken at float32 rather than rounded to the half type first (NumPy's rule,
    which makes float16(0.5) * 65535.999 inf where torch gives 32768), the result rounded once
    (for two arrays the same values as NumPy's own half loops)."""
    a = a.astype(np.float32) if isinstance(a, np.ndarray) else a
    b = b.astype(np.float32) if isinstance(b, np.ndarray) else b
    return _quietly(_apply(ufunc, a, b).astype, dtype._np)


def _mul_into(self, other):
    if self._dtype is _F16 or self._dtype is _BF16:
        return None  # (computed apart, in float32)
    return _write_through(np.multiply, self, other)


@defop(inplace=_mul_into, signature="mul(Tensor input, Tensor other, *, Tensor? out=None)")
def mul(input, other):
    """``input * other``, elementwise."""
    a, b, dtype = promote(input, other)
    out = make(_in_float32(np.multiply, a, b, dtype) if dtype is _F16 or dtype is _BF16 else
               _apply(np.multiply, a, b), dtype)
    if needs_grad2(input, other):
        # save only what the wanted gradients use, so that `x.mul_(2)` stays differentiable
        record("MulBackward0", (out,), (input, other), _mul_derivative,
               saved=(_saved(input) if _wants(other) else _NONE,
                      _saved(other) if _wants(input) else _NONE))
    return out


def _mul_derivative(g, x, y):
    """``x`` and ``y`` are the saved operands, ``_NONE`` where the other one wants no grad."""
    return (None if y is _NONE else g * _conj(_value(y)),
            None if x is _NONE else g * _conj(_value(x)))


def _div_derivative(g, x, y):
    """(torch's DivBackward0 keeps the operands, not the quotient, which may change in place)"""
    x, y = _value(x), _value(y)
    gx = g / _conj(y)
    gy = -g * _conj(x / (y * y)) if _wants(y) else None
    return gx, gy


def _divide(a, b, dtype, rounding_mode):
    with _errstate(all="ignore"):
        if dtype is _F16 or dtype is _BF16:
            return _divide_half(a, b, dtype._np, rounding_mode)
        if dtype._category >= 2:
            q = _apply(np.true_divide, a, b)
            if rounding_mode == "trunc":
                return np.trunc(q)
            # floor division of floats as Python's divmod (np.floor_divide does this)
            return _apply(np.floor_divide, a, b)
        if dtype is _dtype.bool:
            dtype = _dtype.int64
            a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        _check_int_zero_division(a, b, dtype)
        q = _apply(np.floor_divide, a, b)
        if rounding_mode == "trunc":
            q = q + ((np.remainder(a, b) != 0) & ((np.sign(a) * np.sign(b)) < 0))
        return q


def _divide_half(a, b, half, rounding_mode):
    """Rounded division of float16/bfloat16 as torch's kernels compute it: by a divisor that
    is one number (a Python number, or a single element), in float32 with a Python number
    taken at float32, rounded once; otherwise in the half type, each step rounded (the
    dividend rounded to it first), as torch's div_floor_floating / ``trunc(a / b)``."""
    if np.size(b) == 1:
        a = np.asarray(a, half).astype(np.float32)
        b = np.float32(b) if b.__class__ in (int, float, bool) else np.asarray(b, np.float32)
        q = np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(a / b)
        return q.astype(half)
    a, b = np.asarray(a, half), np.asarray(b, half)
    if rounding_mode == "trunc":
        return np.trunc(a / b)
    mod = np.fmod(a, b)
    div = (a - mod) / b
    div = np.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floor = np.floor(div)
    floor = np.where(div - floor > 0.5, floor + 1, floor)
    floor = np.where(div == 0, np.copysign(np.zeros((), half), a / b), floor)
    return np.where(b == 0, a / b, floor)


def _div_into(self, other, *, rounding_mode=None):
    if rounding_mode is not None or self._dtype is _F16 or self._dtype is _BF16:
        return None  # (computed apart: rounded, or in float32)
    return _write_through(np.true_divide, self, other)


@defop(inplace=_div_into,
       signature=["div(Tensor input, Tensor other, *, Tensor? out=None)",
                  "div(Tensor input, Tensor other, *, str? rounding_mode, Tensor? out=None)",
                  "div(Tensor input, Scalar other, *, str? rounding_mode)"])
def div(input, other, *, rounding_mode=None):
    """``input / other``: true division (always floating), or rounded with
    ``rounding_mode='trunc'`` or ``'floor'`` (keeping integer dtypes)."""
    if rounding_mode is None:
        a, b, dtype = promote(input, other, to_float=True)
        out = make(_in_float32(np.true_divide, a, b, dtype) if dtype is _F16 or dtype is _BF16
                   else _apply(np.true_divide, a, b), dtype)
        if needs_grad2(input, other):  # (the dividend only for the divisor's gradient)
            record("DivBackward0", (out,), (input, other), _div_derivative,
                   saved=(_saved(input) if _wants(other) else _NONE, _saved(other)))
        return out
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    a, b, dtype = promote(input, other)
    if dtype._barebones or dtype._category == 3:
        raise _not_implemented(f"div_{rounding_mode}_cpu", dtype)
    out = make(np.asarray(_divide(a, b, dtype, rounding_mode)).astype(dtype._np, copy=False),
               dtype)
    if needs_grad2(input, other):
        record("DivBackward2", (out,), (input, other), lambda g: (g * 0, None))
    return out


# torch's aliases take Python numbers through overloads of their own
defop(sub.__wrapped__, name="subtract", inplace=_sub_into, signature=[
    "subtract(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)",
    "subtract(Tensor input, Scalar other, Scalar alpha=1)"])
defop(mul.__wrapped__, name="multiply", inplace=_mul_into, signature=[
    "multiply(Tensor input, Tensor other, *, Tensor? out=None)",
    "multiply(Tensor input, Scalar other)"])
defop(div.__wrapped__, name="divide", inplace=_div_into, signature=[
    "divide(Tensor input, Tensor other, *, Tensor? out=None)",
    "divide(Tensor input, Tensor other, *, str? rounding_mode, Tensor? out=None)",
    "divide(Tensor input, Scalar other)",
    "divide(Tensor input, Scalar other, *, str? rounding_mode)"])


@defop(inplace=True, signature=["true_divide(Tensor input, Tensor other, *, Tensor? out=None)",
                               "true_divide(Tensor input, Scalar other)"])
def true_divide(input, other):
    """``input / other`` (``div`` without rounding)."""
    return div(input, other)


@defop(inplace=True, signature=["floor_divide(Tensor input, Tensor other, *, Tensor? out=None)",
                               "floor_divide(Tensor input, Scalar other)"])
def floor_divide(input, other):
    """``input // other`` rounded toward minus infinity."""
    a, b, dtype = promote(input, other)
    if dtype is _dtype.bool or dtype._barebones or dtype._category == 3:
        raise _not_implemented("div_floor_cpu", dtype)
    out = make(np.asarray(_divide(a, b, dtype, "floor")).astype(dtype._np, copy=False), dtype)
    if needs_grad2(input, other):
        record("torch::autograd::NotImplemented", (out,), (input, other),
               _not_implemented_derivative("floor_divide"))
    return out


def _not_implemented_derivative(name):
    def derivative(g):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return derivative


def _remainder_node(x, y):
    return "RemainderBackward1" if isinstance(y, Tensor) else "RemainderBackward0"


def _rounding_derivative(rounder):
    def derivative(g, x, y, out):
        x, y = _value(x), _value(y)
        return g, (-g * (x / y).__getattribute__(rounder)() if _wants(y) else None)
    return derivative


remainder = binary("remainder", np.remainder, _rounding_derivative("floor"),
                   refuse=("remainder_cpu", (0, 3)),
                   node=_remainder_node, check=_check_int_zero_division,
                   doc="Python's modulus: the result has the sign of the divisor.",
                   signature=["remainder(Tensor input, Tensor other, *, Tensor? out=None)",
                              "remainder(Scalar self, Tensor other)",
                              "remainder(Tensor input, Scalar other, *, Tensor? out=None)"])
fmod = binary("fmod", np.fmod, _rounding_derivative("trunc"), refuse=("fmod_cpu", (0, 3)),
              node=lambda x, y: "FmodBackward1" if isinstance(y, Tensor) else "FmodBackward0",
              check=_check_int_zero_division,
              doc="C's ``fmod``: the result has the sign of the dividend.",
              signature=["fmod(Tensor input, Tensor other, *, Tensor? out=None)",
                         "fmod(Tensor input, Scalar other, *, Tensor? out=None)"])


@defop(inplace=True, aliases=("negative",), signature="neg(Tensor input, *, Tensor? out=None)")
def neg(input):
    """``-input``."""
    if input._dtype is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    if input._dtype._barebones:
        raise _not_implemented("neg_cpu", input._dtype)
    out = make(np.negative(input._data), input._dtype)
    if needs_grad(input):
        record("NegBackward0", (out,), (input,), lambda g: -g)
    return out


def positive(input):
    """The input itself (bool tensors refuse, as in torch)."""
    if input._dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


defop(positive, signature="positive(Tensor input)")


def _pow_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    gx = None
    if _wants(x):
        gx = g * y * x ** (y - 1) if isinstance(y, Tensor) else \
            (g * 0 if y == 0 else g * (y * x ** (y - 1)))
    gy = None
    if _wants(y):
        log_x = x.log() if isinstance(x, Tensor) else make(np.log(np.asarray(x, y._data.dtype)))
        # x ** y again rather than the output: tensor ** scalar saves no output (torch's
        # PowBackward0 saves the input only), so the output may be changed in place (a VAE's
        # mu.pow(2).add_(...))
        gy = masked(g * x ** y * log_x, ~((_data(x) == 0) & (y._data >= 0)))
    return gx, gy


def _pow_node(x, y):
    if not isinstance(x, Tensor):
        return "PowBackward2"
    return "PowBackward1" if isinstance(y, Tensor) else "PowBackward0"


def _check_pow(base, exponent):
    """torch's checks of pow's operands, before promotion: an integer exponent of an integer
    base must fit int64 and not be negative; a Scalar exponent must fit the integer or
    half-precision dtype its kernel reads it in, unless it is 0 or 1 (torch fills or copies,
    for uint16/uint32/uint64 too); bool to bool tensor powers and the other unsigned ones are
    refused."""
    scalar = not isinstance(exponent, Tensor)
    if scalar and base.__class__ is Tensor:
        dtype = base._dtype
        if dtype._category < 2:
            if isinstance(exponent, int):
                if exponent >= 2 ** 63:
                    raise _dtype.overflow_error(_dtype.int64)
                if exponent < 0:
                    raise RuntimeError("Integers to negative integer powers are not allowed.")
        elif dtype is not _F16 and dtype is not _BF16:
            return  # (float32, float64 and complex kernels take any number)
        if exponent == 0 or exponent == 1:
            return
    kernel = _result_type_of(base, exponent)
    if kernel._barebones or kernel is _BOOL and not scalar:
        if base.__class__ is Tensor and not scalar:
            try:  # torch reports shapes that do not broadcast first
                np.broadcast_shapes(base.shape, exponent.shape)
            except ValueError:
                raise broadcast_error(base._data, exponent._data) from None
        raise _not_implemented("pow", kernel)
    if scalar and (kernel._category == 1 or kernel is _F16 or kernel is _BF16):
        _dtype.checked_scalar(exponent, kernel)


def _power(a, b):
    if isinstance(a, np.ndarray) and a.dtype.kind in "iub" and isinstance(b, np.ndarray):
        # torch: 1 and -1 to negative powers stay +-1, anything else gives 0
        unit = np.abs(a) == 1
        safe = np.maximum(b, 0) + np.where((b < 0) & unit, np.abs(b) % 2, 0)
        return np.where((b < 0) & ~unit, 0, np.power(a, safe))
    if b.__class__ in (int, float) and a.dtype.kind in "fc":  # NumPy's power has no fast path
        if b == 2:
            return np.square(a)
        if b == 0.5:
            return np.sqrt(a)
    return np.power(a, b)


pow = binary("pow", _power, _pow_derivative, node=_pow_node, precheck=_check_pow,
             barebones=None,
             doc="``input ** exponent`` (integers to negative scalar powers raise, as in torch).",
             signature=["pow(Tensor input, Tensor exponent, *, Tensor? out=None)",
                        "pow(Scalar self, Tensor exponent, *, Tensor? out=None)",
                        "pow(Tensor input, Scalar exponent, *, Tensor? out=None)"])


@defop(inplace=True, signature=["float_power(Tensor input, Tensor exponent, *, Tensor? out=None)",
                                "float_power(Scalar self, Tensor exponent, *, Tensor? out=None)",
                                "float_power(Tensor input, Scalar exponent, *, Tensor? out=None)"])
def float_power(input, exponent):
    """``input ** exponent`` computed in double precision (float64 or complex128)."""
    dtype = _result_type_of(input, exponent)
    dtype = _dtype.complex128 if dtype.is_complex else _dtype.float64
    x = input.to(dtype) if isinstance(input, Tensor) else input
    y = exponent.to(dtype) if isinstance(exponent, Tensor) else exponent
    return pow(x, y)


def square(input):
    """``input * input`` (``pow(input, 2)``; bool gives int64)."""
    return pow(input.long() if input._dtype is _dtype.bool else input, 2)


defop(square, inplace=True, signature="square(Tensor input, *, Tensor? out=None)")


def _lerp_derivative(g, start, end, weight):
    return (g * (1 - weight) if _wants(start) else None, g * weight if _wants(end) else None,
            g * (end - start) if _wants(weight) else None)


def _lerp_scalar_derivative(g, weight):
    """(torch's LerpBackward0 keeps the weight alone: the input may change in place later)"""
    w = _value(weight)
    return g * (1 - w), g * w


@defop(inplace=True,
       signature=["lerp(Tensor input, Tensor end, Tensor weight, *, Tensor? out=None)",
                  "lerp(Tensor input, Tensor end, Scalar weight, *, Tensor? out=None)"])
def lerp(input, end, weight):
    """``input + weight * (end - input)``, computed from the nearer end as torch does."""
    dtype = _result_type_of(input, end)
    if input._dtype is not end._dtype:
        raise RuntimeError(f"expected dtype {input._dtype} for `end` but got dtype {end._dtype}")
    a, b, w = input._data, end._data, operand(weight, dtype)
    try:
        with _errstate(all="ignore"):
            diff = b - a
            r = np.where(np.abs(w) < 0.5, a + w * diff, b - diff * (1 - w))
    except ValueError:
        raise broadcast_error(a, b, w) from None
    out = make(r.astype(dtype._np, copy=False), dtype)
    if needs_grad(input, end, weight):
        if isinstance(weight, Tensor):
            record("LerpBackward1", (out,), (input, end, weight), _lerp_derivative,
                   saved=(input, end, weight))
        else:
            record("LerpBackward0", (out,), (input, end), _lerp_scalar_derivative,
                   saved=(_Constant((weight,)),))
    return out


def _addc(name, combine, derivative):
    def op(input, tensor1, tensor2, *, value=1):
        dtype = _result_type_of(input, tensor1, tensor2)
        if name == "addcdiv" and dtype._category < 2:
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future  release "
                "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        a, t1, t2 = (operand(t, dtype) for t in (input, tensor1, tensor2))
        try:
            with _errstate(all="ignore"):
                r = a + value * combine(t1, t2)
        except ValueError:
            raise broadcast_error(a, t1, t2) from None
        out = make(np.asarray(r).astype(dtype._np, copy=False), dtype)
        if needs_grad(input, tensor1, tensor2):
            # as torch's: each factor for the other's gradient (addcdiv's divisor always)
            record(name.capitalize() + "Backward0", (out,), (input, tensor1, tensor2),
                   lambda g, t1, t2: derivative(g, t1, t2, value),
                   saved=(tensor1 if _wants(tensor2) else _NONE,
                          tensor2 if _wants(tensor1) or name == "addcdiv" else _NONE))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``input + value * tensor1 {'*' if name == 'addcmul' else '/'} tensor2``."
    return defop(op, inplace=True, signature=[
        f"{name}(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1, Tensor? out=None)",
        f"{name}(Tensor input, Scalar value, Tensor tensor1, Tensor tensor2)|deprecated",
        f"{name}(Tensor input, Scalar value, Tensor tensor1, Tensor tensor2, *, Tensor out)"
        "|deprecated"])


addcmul = _addc("addcmul", np.multiply,
                lambda g, t1, t2, v: (g, None if t2 is _NONE else g * t2 * v,
                                      None if t1 is _NONE else g * t1 * v))
addcdiv = _addc("addcdiv", np.true_divide,
                lambda g, t1, t2, v: (g, None if t2 is _NONE else g * v / t2,
                                      None if t1 is _NONE else -g * v * t1 / (t2 * t2)))


# ---- unary math ----------------------------------------------------------------------------

_LN2, _LN10 = math.log(2), math.log(10)


def _sign(a):
    return a.copy() if a.dtype == bool else np.sign(a)


def _sgn(a):
    if a.dtype.kind != "c":
        return _sign(a)
    mag = np.abs(a)
    return np.where(mag == 0, 0, a / np.where(mag == 0, 1, mag))


abs = unary("abs", np.abs, lambda g, x, out: g * x.sgn(), to_float=False, real=True,
            refuse=("abs_cpu", (0,)),
            aliases=("absolute",), doc="``|input|`` elementwise.")
def _sgn_derivative(g, x, out):
    """Zero for real inputs; for complex ``(g - sgn**2 * conj(g)) / (2|x|)``, 0 at x = 0."""
    if not x._dtype.is_complex:
        return g * 0
    size = x.abs()
    return masked((g - out * out * g.conj()) / (2 * size), size._data != 0)


sgn = unary("sgn", _sgn, _sgn_derivative, to_float=False, barebones="sign_cpu",
            doc="The sign (``x / |x|`` for complex).")
sign = unary("sign", _sign, _zero, to_float=False, doc="-1, 0 or 1 elementwise.")
reciprocal = unary("reciprocal", np.reciprocal, lambda g, x, out: -g * (out * out).conj(),
                   doc="``1 / input`` (integers give floats).")
exp = unary("exp", np.exp, lambda g, x, out: g * out.conj(), doc="``e ** input``.")
exp2 = unary("exp2", np.exp2, lambda g, x, out: g * out * _LN2, special=("exp2",),
             doc="``2 ** input``.")
expm1 = unary("expm1", np.expm1, lambda g, x, out: g * (out + 1), special=("expm1",),
              doc="``exp(input) - 1``, accurate near 0.")
log = unary("log", np.log, lambda g, x, out: g / x.conj(), doc="The natural logarithm.")
log2 = unary("log2", np.log2, lambda g, x, out: g / (x * _LN2), doc="The base-2 logarithm.")
log10 = unary("log10", np.log10, lambda g, x, out: g / (x * _LN10),
              doc="The base-10 logarithm.")
log1p = unary("log1p", np.log1p, lambda g, x, out: g / (x + 1), node="Log1PBackward0",
              special=("log1p",), doc="``log(1 + input)``, accurate near 0.")
sqrt = unary("sqrt", np.sqrt, lambda g, x, out: g / (2 * out.conj()), doc="The square root.")
rsqrt = unary("rsqrt", lambda a: 1 / np.sqrt(a), lambda g, x, out: -0.5 * g * out ** 3,
              doc="``1 / sqrt(input)``.")
sin = unary("sin", np.sin, lambda g, x, out: g * x.cos().conj(), doc="The sine.")
cos = unary("cos", np.cos, lambda g, x, out: -g * x.sin().conj(), doc="The cosine.")
tan = unary("tan", np.tan, lambda g, x, out: g * (1 + out * out).conj(), doc="The tangent.")
asin = unary("asin", np.arcsin, lambda g, x, out: g / (1 - x * x).sqrt(), aliases=("arcsin",),
             doc="The inverse sine.")
acos = unary("acos", np.arccos, lambda g, x, out: -g / (1 - x * x).sqrt(),
             aliases=("arccos",), doc="The inverse cosine.")
atan = unary("atan", np.arctan, lambda g, x, out: g / (1 + x * x), aliases=("arctan",),
             doc="The inverse tangent.")
sinh = unary("sinh", np.sinh, lambda g, x, out: g * x.cosh(), doc="The hyperbolic sine.")
cosh = unary("cosh", np.cosh, lambda g, x, out: g * x.sinh(), doc="The hyperbolic cosine.")
tanh = unary("tanh", np.tanh, lambda g, x, out: g * (1 - out * out).conj(),
             doc="The hyperbolic tangent.")
asinh = unary("asinh", np.arcsinh, lambda g, x, out: g / (x * x + 1).sqrt(),
              aliases=("arcsinh",), doc="The inverse hyperbolic sine.")
acosh = unary("acosh", np.arccosh, lambda g, x, out: g / ((x - 1).sqrt() * (x + 1).sqrt()),
              aliases=("arccosh",), doc="The inverse hyperbolic cosine.")
atanh = unary("atanh", np.arctanh, lambda g, x, out: g / (1 - x * x), aliases=("arctanh",),
              doc="The inverse hyperbolic tangent.")
deg2rad = unary("deg2rad", np.deg2rad, lambda g, x, out: g * (math.pi / 180),
                node="Deg2RadBackward0", doc="Degrees to radians.")
rad2deg = unary("rad2deg", np.rad2deg, lambda g, x, out: g * (180 / math.pi),
                node="Rad2DegBackward0", doc="Radians to degrees.")


def _sigmoid(a):
    """``1 / (1 + exp(-a))``; where ``exp`` overflows the result is the correct limit 0 (the
    kernel runs with warnings off). The 1 is of a's type: NumPy adds it faster."""
    e = np.exp(np.negative(a))
    e += a.dtype.type(1)
    return np.reciprocal(e)


sigmoid = unary("sigmoid", _sigmoid, lambda g, x, out: g * (out * (1 - out)).conj(),
                special=("expit",), doc="``1 / (1 + exp(-input))``, computed without overflow.")


def _sinc_derivative(g, x, out):
    px = x * math.pi
    d = ((px.cos() * px - px.sin()) / (px * x))
    return masked(g * d, x._data != 0)


sinc = unary("sinc", np.sinc, _sinc_derivative, special=("sinc",),
             doc="``sin(pi x) / (pi x)``, 1 at 0.")


def _rounding(name, kernel, node=None, kernel_name=None):
    return unary(name, kernel, _zero, node=node, to_float=False, barebones=None,
                 refuse=(f"{kernel_name or name}_vml_cpu", (0,)),
                 doc=f"``{name}`` elementwise (integer tensors are returned as they are).")


floor = _rounding("floor", np.floor)
ceil = _rounding("ceil", np.ceil)
trunc = _rounding("trunc", np.trunc)
fix = _rounding("fix", np.trunc, node="TruncBackward0", kernel_name="trunc")
frac = unary("frac", lambda a: a - np.trunc(a), lambda g, x, out: g, to_float=False,
             refuse=("frac_cpu", (0, 1)), doc="``input - trunc(input)``.")


def round(input, *, decimals=0):
    """Rounds half to even; ``decimals`` rounds to that many decimal places."""
    dtype = input._dtype
    if dtype._category < 2:
        if dtype is _dtype.bool:
            raise _not_implemented("round_vml_cpu", dtype)
        return make(input._data.copy(), dtype)
    with _errstate(all="ignore"):
        out = make(np.round(input._data, decimals), dtype)
    if needs_grad(input):
        record("RoundBackward1" if decimals else "RoundBackward0", (out,), (input,),
               lambda g: g * 0)
    return out


defop(round, inplace=True, signature=["round(Tensor input, *, Tensor? out=None)",
                                      "round(Tensor input, *, int decimals, Tensor? out=None)"])
defop(round, method=False, namespace="special",
      signature="round(Tensor input, *, int decimals=0, Tensor? out=None)")


# ---- clamping ------------------------------------------------------------------------------

def _clamp(input, lo, hi, scalar_node, tensor_node):
    dtype = input._dtype
    if (lo is None or _keeps_dtype(lo.__class__, dtype)) and \
            (hi is None or _keeps_dtype(hi.__class__, dtype)):  # the common case: no promotion
        bounds, a, lo_, hi_ = (), input._data, lo, hi
    else:
        bounds = [v for v in (lo, hi) if v is not None]
        dtype = _result_type_of(input, *bounds)
        a = operand(input, dtype)
        lo_ = None if lo is None else operand(lo, dtype)
        hi_ = None if hi is None else operand(hi, dtype)
    try:  # clip: one SIMD pass, NaN propagating, the upper bound winning if min > max
        r = a.clip(lo_, hi_)
    except ValueError:
        raise broadcast_error(a, *bounds) from None
    out = make(r if r.__class__ is np.ndarray and r.dtype == dtype._np
               else np.asarray(r).astype(dtype._np, copy=False), dtype)
    if needs_grad(input, *bounds) if bounds else needs_grad1(input):
        def derivative(g, x, lo, hi):
            return _clamp_derivative(g, x, _value(lo), _value(hi))
        saved = (input, _saved(lo), _saved(hi))
        if any(isinstance(v, Tensor) for v in bounds):
            # clamp's node has an edge for input, min and max; clamp_min/max's for the one bound
            slots = (0, 1, 2) if scalar_node == "ClampBackward1" else (0, 1 if hi is None else 2)
            record(tensor_node, (out,), tuple((input, lo, hi)[i] for i in slots),
                   lambda *args: tuple(derivative(*args)[i] for i in slots), saved=saved)
        else:
            record(scalar_node, (out,), (input,), _pick(derivative, 0), saved=saved)
    return out


def _clamp_derivative(g, x, lo, hi):
    x, lo_, hi_ = x._data, _data(lo), _data(hi)
    above = True if lo is None else x >= lo_
    below = True if hi is None else x <= hi_
    g_lo = g_hi = None
    if _wants(lo):  # a bound gets the gradient where it is the result
        g_lo = masked(g, (x < lo_) & (True if hi is None else lo_ < hi_))
    if _wants(hi):
        g_hi = masked(g, (x > hi_) | (False if lo is None else hi_ < lo_))
    return masked(g, above & below), g_lo, g_hi


@defop(inplace=True, aliases=("clip",),
       signature=["clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor? out=None)",
                  "clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor? out=None)"])
def clamp(input, min=None, max=None):
    """Limits values to ``[min, max]`` (scalars or broadcastable tensors; min > max gives max)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max, "ClampBackward1", "ClampBackward0")


@defop(inplace=True, signature=["clamp_min(Tensor input, Tensor min, *, Tensor? out=None)",
                  "clamp_min(Tensor input, Scalar min, *, Tensor? out=None)"])
def clamp_min(input, min):
    """``max(input, min)`` elementwise."""
    return _clamp(input, min, None, "ClampMinBackward0", "ClampMinBackward1")


@defop(inplace=True, signature=["clamp_max(Tensor input, Tensor max, *, Tensor? out=None)",
                  "clamp_max(Tensor input, Scalar max, *, Tensor? out=None)"])
def clamp_max(input, max):
    """``min(input, max)`` elementwise."""
    return _clamp(input, None, max, "ClampMaxBackward0", "ClampMaxBackward1")


# ---- binary math ---------------------------------------------------------------------------

def _split(ties_half):
    """Derivative of maximum/minimum-like ops: the gradient goes to the chosen operand."""
    def derivative(g, x, y, out):
        xd, yd, od = _data(_value(x)), _data(_value(y)), out._data
        x_won = (xd == od) | (np.isnan(od) & np.isnan(xd))
        y_won = (yd == od) | (np.isnan(od) & np.isnan(yd))
        if ties_half:
            tie = x_won & y_won
            gh = g * 0.5
            return (masked(g, x_won & ~tie) + masked(gh, tie),
                    masked(g, y_won & ~tie) + masked(gh, tie))
        return masked(g, x_won), masked(g, y_won & ~x_won)
    return derivative


def _ordered(name):
    """The refusal of complex operands by an op that compares values."""
    return (RuntimeError, f"{name} not implemented for complex tensors."), (3,)


maximum = binary("maximum", np.maximum, _split(True), inplace=False, refuse=_ordered("maximum"),
                 tensors_only=True, doc="The elementwise maximum (NaN propagates).",
                 signature=["maximum(Tensor input, Tensor other, *, Tensor? out=None)"])
minimum = binary("minimum", np.minimum, _split(True), inplace=False, refuse=_ordered("minimum"),
                 tensors_only=True, doc="The elementwise minimum (NaN propagates).",
                 signature=["minimum(Tensor input, Tensor other, *, Tensor? out=None)"])
fmax = binary("fmax", np.fmax, _split(False), inplace=False, refuse=_ordered("fmax"),
              barebones="maximum_cpu", tensors_only=True,
              doc="The elementwise maximum, ignoring NaN.",
              signature=["fmax(Tensor input, Tensor other, *, Tensor? out=None)"])
fmin = binary("fmin", np.fmin, _split(False), inplace=False, refuse=_ordered("fmin"),
              barebones="minimum_cpu", tensors_only=True,
              doc="The elementwise minimum, ignoring NaN.",
              signature=["fmin(Tensor input, Tensor other, *, Tensor? out=None)"])
hypot = binary("hypot", np.hypot,
               lambda g, x, y, out: (g * _value(x) / out, g * _value(y) / out), to_float=True,
               refuse=("hypot_cpu", (0, 1, 3)), tensors_only=True,
               doc="``sqrt(input**2 + other**2)`` without overflow.",
               signature=["hypot(Tensor input, Tensor other, *, Tensor? out=None)"])


def _atan2_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    r = x * x + y * y
    return g * y / r, -g * x / r


atan2 = binary("atan2", np.arctan2, _atan2_derivative, to_float=True, aliases=("arctan2",),
               tensors_only=True, refuse=("atan2_cpu", (3,)),
               doc="The angle of the point ``(other, input)``, in ``(-pi, pi]``.",
               signature=["atan2(Tensor input, Tensor other, *, Tensor? out=None)"])


def _copysign_derivative(g, x, y, out):
    x = _value(x)
    return masked(g * out / x, x._data != 0), (g * 0 if _wants(y) else None)


copysign = binary("copysign", np.copysign, _copysign_derivative, to_float=True,
                  refuse=("copysign_cpu", (3,)),
                  node=lambda x, y: "CopysignBackward0" if isinstance(y, Tensor)
                  else "CopysignBackward1",
                  doc="``|input|`` with the sign of ``other``.",
                  signature=["copysign(Tensor input, Tensor other, *, Tensor? out=None)",
                             "copysign(Tensor input, Scalar other, *, Tensor? out=None)"])


nextafter = binary("nextafter", np.nextafter, lambda g, x, y, out: (g, g * 0),
                   refuse=("nextafter_cpu", (0, 1, 3)),
                   tensors_only=True,
                   doc="The next floating-point value after ``input`` toward ``other``.",
                   signature=["nextafter(Tensor input, Tensor other, *, Tensor? out=None)"])
def log_add_exp(a, b):
    """``np.logaddexp``, also for complex arrays (which NumPy's lacks), as torch computes it:
    ``log1p(exp(lo - hi)) + hi`` with hi the operand of larger real part; a NaN in either
    part makes both NaN, two infinities of one sign in the real parts give ``-inf`` (the
    smaller operand) or ``log(exp(a) + exp(b))``."""
    if a.dtype.kind != "c" and b.dtype.kind != "c":
        return np.logaddexp(a, b)
    a, b = np.broadcast_arrays(a, b)
    swap = a.real < b.real
    lo, hi = np.where(swap, a, b), np.where(swap, b, a)
    with np.errstate(all="ignore"):
        out = np.log1p(np.exp(lo - hi)) + hi
        infinite = ~np.isfinite(lo.real) & (lo.real == hi.real)
        out = np.where(infinite, np.where(lo.real < 0, lo, np.log(np.exp(lo) + np.exp(hi))),
                       out)
    return np.where(np.isnan(lo.real) | np.isnan(lo.imag), np.complex64(complex("nan+nanj")),
                    out).astype(out.dtype, copy=False)


logaddexp = binary("logaddexp", log_add_exp,
                   lambda g, x, y, out: (g / (1 + (_value(y) - _value(x)).exp()).conj(),
                                         g / (1 + (_value(x) - _value(y)).exp()).conj()),
                   to_float=True, refuse=("logaddexp_cpu", (0, 1)), tensors_only=True,
                   inplace=False, doc="``log(exp(input) + exp(other))`` without overflow.",
                   signature=["logaddexp(Tensor input, Tensor other, *, Tensor? out=None)"])
logaddexp2 = binary("logaddexp2", np.logaddexp2,
                    lambda g, x, y, out: (g / (1 + (_value(y) - _value(x)).exp2()),
                                          g / (1 + (_value(x) - _value(y)).exp2())),
                    to_float=True, node="Logaddexp2Backward0",
                    refuse=("logaddexp2_cpu", (0, 1, 3)), tensors_only=True,
                    inplace=False, doc="``log2(2**input + 2**other)`` without overflow.",
                    signature=["logaddexp2(Tensor input, Tensor other, *, Tensor? out=None)"])


def _xlog(log):
    """``x * log(y)`` (or ``log1p``), 0 where ``x == 0`` unless ``y`` is NaN, as torch's kernel
    computes it: in the result's type, a Python number converted to it first (NumPy would
    take it as a float64 scalar and compute in float64), each step rounded."""
    def kernel(x, y):
        dtype = (x if isinstance(x, np.ndarray) else y).dtype
        x, y = np.asarray(x, dtype), np.asarray(y, dtype)
        return np.where((x == 0) & ~np.isnan(y), dtype.type(0), x * log(y))
    return kernel


def _xlog_derivative(log, inverse):
    def derivative(g, x, y, out):
        x, y = _value(x), _value(y)
        gx = None
        if _wants(x):
            ly = log(y) if isinstance(y, Tensor) else make(np.asarray(log(y), g._data.dtype))
            gx = masked(g * ly, ~((_data(x) == 0) & (inverse(_data(y)) <= 0)))
        gy = g * x / (y + (1 - inverse(1))) if _wants(y) else None
        return gx, gy
    return derivative


def _xlog_node(base):
    return lambda x, y: base + ("0" if isinstance(x, Tensor) and isinstance(y, Tensor)
                                else "2" if isinstance(x, Tensor) else "1")


xlogy = binary("xlogy", _xlog(np.log),
               _xlog_derivative(lambda y: y.log() if isinstance(y, Tensor) else np.log(y),
                                lambda y: y),
               to_float=True, node=_xlog_node("XlogyBackward"), special=("xlogy",),
               refuse=("xlogy_cpu", (3,)),
               doc="``input * log(other)``, 0 where ``input`` is 0 (unless other is NaN).",
               signature=["xlogy(Tensor input, Tensor other, *, Tensor? out=None)",
                          "xlogy(Scalar self, Tensor other, *, Tensor? out=None)",
                          "xlogy(Tensor input, Scalar other, *, Tensor? out=None)"])
heaviside_error = "heaviside is not yet implemented for tensors with different dtypes."


@defop(inplace=True, signature="heaviside(Tensor input, Tensor values, *, Tensor? out=None)")
def heaviside(input, values):
    """The Heaviside step: 0 below 0, 1 above, ``values`` at 0 (dtypes must match)."""
    if not isinstance(values, Tensor):
        raise TypeError("heaviside(): argument 'values' (position 2) must be Tensor, not "
                        f"{type(values).__name__}")
    if input._dtype is not values._dtype:
        raise RuntimeError(heaviside_error)
    a, v = input._data, values._data
    try:
        r = np.where(a == 0, v, a > 0)
    except ValueError:
        raise broadcast_error(a, v) from None
    return make(r.astype(a.dtype, copy=False), input._dtype)


gcd = binary("gcd", np.gcd, refuse=("gcd_cpu", (0, 2, 3)), tensors_only=True,
             doc="The greatest common divisor (integer tensors).",
             signature=["gcd(Tensor input, Tensor other, *, Tensor? out=None)"])
lcm = binary("lcm", np.lcm, refuse=("lcm_cpu", (0, 2, 3)), tensors_only=True,
             doc="The least common multiple, non-negative (integer tensors).",
             signature=["lcm(Tensor input, Tensor other, *, Tensor? out=None)"])


def _ldexp_derivative(g, x, y, out):
    y = _value(y)
    return (g * (y.exp2() if isinstance(y, Tensor) else 2.0 ** y),
            g * out * _LN2 if _wants(y) else None)


ldexp = binary("ldexp", lambda a, b: a * np.exp2(b), _ldexp_derivative, to_float=True,
               tensors_only=True,
               doc="``input * 2 ** other`` (always floating).",
               signature=["ldexp(Tensor input, Tensor other, *, Tensor? out=None)"])


def frexp(input):
    """The mantissa in [0.5, 1) and the int32 exponent with ``input = mantissa * 2**exponent``."""
    if input._dtype._category != 2:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(input._data)
    mantissa, exponent = make(mantissa, input._dtype), make(exponent, _dtype.int32)
    if needs_grad(input):
        record("FrexpBackward0", (mantissa,), (input,), lambda g, e: g / pow(2.0, e),
               saved=(exponent,))
    return _frexp_type(mantissa, exponent)


defop(frexp, signature="frexp(Tensor input, *, Tensor[2]? out=None)")


# ---- comparisons, logic and bits -----------------------------------------------------------

def _comparison(name, ufunc, aliases=(), tensors_only=False, barebones=True, ordered=False):
    """``barebones``: whether torch computes it for uint16/uint32/uint64 (eq and ne only);
    ``ordered``: an order comparison, which complex operands do not have."""
    def op(input, other):
        if tensors_only:
            _check_tensors(name, input, other)
        a, b, dtype = promote(input, other)
        if dtype._barebones and not barebones or ordered and dtype._category == 3:
            raise _not_implemented(f"{name}_cpu", dtype)
        return make(_apply(ufunc, a, b), _dtype.bool)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` as a bool tensor."
    signature = [f"{name}(Tensor input, Tensor other, *, Tensor? out=None)"]
    if not tensors_only:
        signature.append(f"{name}(Tensor input, Scalar other, *, Tensor? out=None)")
    return defop(op, name=name, inplace=True, aliases=aliases, signature=signature)


eq = _comparison("eq", np.equal)
ne = _comparison("ne", np.not_equal, ("not_equal",))
lt = _comparison("lt", np.less, ("less",), barebones=False, ordered=True)
le = _comparison("le", np.less_equal, ("less_equal",), barebones=False, ordered=True)
gt = _comparison("gt", np.greater, ("greater",), barebones=False, ordered=True)
ge = _comparison("ge", np.greater_equal, ("greater_equal",), barebones=False, ordered=True)
logical_and = _comparison("logical_and", np.logical_and, tensors_only=True, barebones=False)
logical_or = _comparison("logical_or", np.logical_or, tensors_only=True, barebones=False)
logical_xor = _comparison("logical_xor", np.logical_xor, tensors_only=True, barebones=False)


def _predicate(name, kernel, inplace=False, doc=None, out=True, barebones=True):
    def op(input):
        if input._dtype._barebones and not barebones:
            raise _not_implemented(f"{name}_cpu", input._dtype)
        return make(kernel(input._data), _dtype.bool)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"``{name}`` elementwise, as a bool tensor."
    return defop(op, name=name, inplace=inplace,
                 signature=f"{name}(Tensor input{', *, Tensor? out=None' if out else ''})")


logical_not = _predicate("logical_not", np.logical_not, inplace=True, barebones=False)
isnan = _predicate("isnan", np.isnan, out=False)
isinf = _predicate("isinf", np.isinf, out=False)
isfinite = _predicate("isfinite", np.isfinite, out=False)
isposinf = _predicate("isposinf", lambda a: a == np.inf)
isneginf = _predicate("isneginf", lambda a: a == -np.inf)
signbit = _predicate("signbit", np.signbit)
isreal = _predicate("isreal", lambda a: a.imag == 0 if a.dtype.kind == "c" else
                    np.ones(a.shape, bool), doc="True where the imaginary part is 0.", out=False)


def _shift(ufunc, left):
    def kernel(a, b):
        dtype = np.result_type(a, b)  # (a clipped Python int is an int64 scalar: not weak)
        bits = dtype.itemsize * 8
        r = ufunc(a, np.clip(b, 0, bits - 1).astype(dtype))
        return np.where((b >= bits) | (b < 0), 0, r) if left else r
    return kernel


bitwise_and = binary("bitwise_and", np.bitwise_and, refuse=("bitwise_and_cpu", (2, 3)),
                     barebones=None,
                     doc="``input & other`` (integral and bool tensors).",
                     signature=["bitwise_and(Tensor input, Tensor other, *, Tensor? out=None)",
                                "bitwise_and(Scalar self, Tensor other)",
                                "bitwise_and(Tensor input, Scalar other, *, Tensor? out=None)"])
bitwise_or = binary("bitwise_or", np.bitwise_or, refuse=("bitwise_or_cpu", (2, 3)),
                    barebones=None,
                    doc="``input | other`` (integral and bool tensors).",
                    signature=["bitwise_or(Tensor input, Tensor other, *, Tensor? out=None)",
                               "bitwise_or(Scalar self, Tensor other)",
                               "bitwise_or(Tensor input, Scalar other, *, Tensor? out=None)"])
bitwise_xor = binary("bitwise_xor", np.bitwise_xor, refuse=("bitwise_xor_cpu", (2, 3)),
                     barebones=None,
                     doc="``input ^ other`` (integral and bool tensors).",
                     signature=["bitwise_xor(Tensor input, Tensor other, *, Tensor? out=None)",
                                "bitwise_xor(Scalar self, Tensor other)",
                                "bitwise_xor(Tensor input, Scalar other, *, Tensor? out=None)"])
bitwise_left_shift = binary("bitwise_left_shift", _shift(np.left_shift, True),
                            refuse=("lshift_cpu", (0, 2, 3)), barebones="lshift_cpu",
                            doc="``input << other``; shifting by the width or more gives 0.",
                            signature=["bitwise_left_shift(Tensor input, Tensor other, *, "
                                       "Tensor? out=None)",
                                       "bitwise_left_shift(Scalar self, Tensor other)",
                                       "bitwise_left_shift(Tensor input, Scalar other, *, "
                                       "Tensor? out=None)"])
bitwise_right_shift = binary("bitwise_right_shift", _shift(np.right_shift, False),
                             refuse=("rshift_cpu", (0, 2, 3)), barebones="rshift_cpu",
                             doc="``input >> other`` (arithmetic for signed types).",
                             signature=["bitwise_right_shift(Tensor input, Tensor other, *, "
                                        "Tensor? out=None)",
                                        "bitwise_right_shift(Scalar self, Tensor other)",
                                        "bitwise_right_shift(Tensor input, Scalar other, *, "
                                        "Tensor? out=None)"])
bitwise_not = unary("bitwise_not", np.invert, to_float=False, quiet=False,
                    refuse=("bitwise_not_cpu", (2, 3)),
                    doc="``~input`` (logical not for bool).")


# ---- NaN, complex parts --------------------------------------------------------------------

@defop(inplace=True, signature="nan_to_num(Tensor input, float? nan=None, float? posinf=None, "
                                "float? neginf=None, *, Tensor? out=None)")
def nan_to_num(input, nan=None, posinf=None, neginf=None):
    """NaN to ``nan`` (0), infinities to ``posinf``/``neginf`` (the dtype's extremes)."""
    if input._dtype._category < 2:
        return make(input._data.copy(), input._dtype)
    out = make(np.nan_to_num(input._data, nan=0.0 if nan is None else nan, posinf=posinf,
                             neginf=neginf),
               input._dtype)
    if needs_grad(input):
        record("NanToNumBackward0", (out,), (input,),
               lambda g, x: masked(g, np.isfinite(x._data)), saved=(input,))
    return out


def _part(name, attr):
    def part(input):
        if not input._dtype.is_complex:
            if attr == "imag":
                raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
            return input
        view = make_view(input, getattr(input._data, attr))
        view._dtype = input._dtype.to_real()
        view._base = input if input._base is None else input._base
        if needs_grad(input):  # back to complex: g + 0j for real, g * 1j for imag
            complex_dtype = input._dtype
            record("SelectBackward0", (view,), (input,),
                   (lambda g: g.to(complex_dtype)) if attr == "real" else
                   (lambda g: g.to(complex_dtype) * 1j))
        return view
    part.__name__ = part.__qualname__ = name
    part.__doc__ = f"The {name} part, a view sharing the tensor's memory."
    defop(part, method=False, signature=f"{name}(Tensor input)")
    register("", name, property(part), method=True)
    return part


real = _part("real", "real")
imag = _part("imag", "imag")
angle = unary("angle", np.angle, _zero, inplace=False, real=True,
              doc="The argument of complex values (0 or pi for real ones).")


def conj(input):
    """The complex conjugate (the input itself for real tensors)."""
    if not input._dtype.is_complex:
        return input
    out = make(np.conj(input._data), input._dtype)
    if needs_grad(input):
        record("ConjBackward0", (out,), (input,), lambda g: g.conj())
    return out


defop(conj, signature="conj(Tensor input)")
defop(conj, name="conj_physical", inplace=True,  # flambeau keeps no lazy conj bit
      signature="conj_physical(Tensor input, *, Tensor? out=None)")


def _identity(input):
    """The tensor itself (flambeau keeps no lazy conjugate or negation bits)."""
    return input


for _name in ("resolve_conj", "resolve_neg"):
    defop(_identity, name=_name, signature=f"{_name}(Tensor input)")


# ---- Python operators ----------------------------------------------------------------------

def _operator(fn, reflected=False, method=None):
    """A binary dunder: NotImplemented for an operand torch does not take (``t == None``,
    ``t.__add__()``), as torch's dunders turn its parser's TypeError into NotImplemented; its
    OverflowError for an int no Scalar holds (``t + 2 ** 70``). A second argument
    (``t.__add__(1, 2)``, ``alpha=``) goes to the method form ``method``, as in torch (its
    default costs the operator no test; a third argument is Python's TypeError)."""
    fn = getattr(fn, "__wrapped__", fn)  # operators never take out=: skip its wrapper
    if reflected:
        def dunder(self, other=None, alpha=_ABSENT):
            if isinstance(other, _OPERANDS) and alpha is _ABSENT:
                if other.__class__ is not int or -2 ** 63 <= other < 2 ** 64:
                    return fn(other, self)
                raise _dtype.unpack_error(other)
            return _two_operands(method, self, other, alpha)
    else:
        def dunder(self, other=None, alpha=_ABSENT):
            if other.__class__ is Tensor and alpha is _ABSENT:  # the common case
                return fn(self, other)
            if isinstance(other, _OPERANDS) and alpha is _ABSENT:
                if other.__class__ is not int or -2 ** 63 <= other < 2 ** 64:
                    return fn(self, other)
                raise _dtype.unpack_error(other)
            return _two_operands(method, self, other, alpha)
    return dunder


_ABSENT = object()


def _two_operands(method, self, other, alpha):
    """A dunder given a second argument: the method form's result (add and sub take one, by
    place in their deprecated form or as ``alpha=``; which of the two the caller wrote is not
    told apart), or NotImplemented where it refuses the call."""
    if alpha is _ABSENT or method is None:
        return NotImplemented
    for args, kwargs in (((other, alpha), {}), ((other,), {"alpha": alpha})):
        try:
            return getattr(self, method)(*args, **kwargs)
        except TypeError:
            pass
    return NotImplemented


_OPERANDS = (Tensor, bool, int, float, complex, np.generic)


def _rtruediv(self, other):
    return reciprocal(self) * other


# the operators call the ops themselves (__wrapped__): Python has already checked their operands
_BINARY_OPERATORS = {k: f.__wrapped__ for k, f in {
    "add": add, "sub": sub, "mul": mul, "truediv": div, "floordiv": floor_divide,
    "mod": remainder, "pow": pow, "and": bitwise_and, "or": bitwise_or, "xor": bitwise_xor,
    "lshift": bitwise_left_shift, "rshift": bitwise_right_shift}.items()}
for _name, _fn in _BINARY_OPERATORS.items():
    _method = _name if _name in ("add", "sub") else None  # (the two with alpha)
    register("", f"__{_name}__", _operator(_fn, method=_method), method=True)
    if _name not in ("sub", "truediv"):  # those two have reflected ops of their own, below
        # a + b and a * b commute: torch computes 2 * t as t * 2
        register("", f"__r{_name}__", _operator(_fn, reflected=_name not in ("add", "mul"),
                                                method=_method), method=True)
for _name, _fn in {"rsub": rsub, "rtruediv": _rtruediv, "rdiv": _rtruediv}.items():
    register("", f"__{_name}__", _operator(_fn), method=True)
for _name, _fn in {"ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge}.items():
    register("", f"__{_name}__", _operator(_fn), method=True)
_eq_operator = _operator(eq)


def _eq_dunder(self, other=None, alpha=_ABSENT):
    """``==``, which in torch (unlike the other operators) also takes a NumPy array."""
    if other.__class__ is np.ndarray and other.dtype in _dtype._from_numpy:
        other = make(other)
    return _eq_operator(self, other, alpha)


register("", "__eq__", _eq_dunder, method=True)


def _invert(self, *args, **kwargs):
    if args or kwargs:
        raise _no_arguments("__invert__", args, kwargs)
    if self._dtype._category > 1:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return bitwise_not(self)


register("", "__invert__", _invert, method=True)


# ---- complex numbers from two real tensors (one block: complex, polar) -----------------------

def _complex_inputs(a, b):
    if a._dtype is not b._dtype:
        if a._dtype.is_floating_point and b._dtype.is_floating_point:
            raise RuntimeError(f"Expected object of scalar type {type_name(a._dtype)} but got "
                               f"scalar type {type_name(b._dtype)} for second argument")
    if a._dtype not in _COMPLEX_FROM or b._dtype not in _COMPLEX_FROM:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{type_name(a._dtype)} and {type_name(b._dtype)}")
    return _COMPLEX_FROM[a._dtype]


_COMPLEX_FROM = {_dtype.float32: _dtype.complex64, _dtype.float64: _dtype.complex128}


@defop(method=False, name="complex",
       signature="complex(Tensor real, Tensor imag, *, Tensor? out=None)",
       out_exact="Expected object of scalar type {result._scalar_name} but got scalar type "
                 "{out._scalar_name} for argument 'out'")
def complex_(real, imag):  # not ``complex``: this module uses the builtin
    """``real + imag * 1j`` (broadcast); both float tensors of one dtype."""
    dtype = _complex_inputs(real, imag)
    out = make(real._data + imag._data * dtype.numpy_dtype.type(1j), dtype)
    if needs_grad(real, imag):
        record("ComplexBackward0", (out,), (real, imag), lambda g: (g.real, g.imag))
    return out


@defop(method=False, signature="polar(Tensor abs, Tensor angle, *, Tensor? out=None)")
def polar(abs, angle):
    """``abs * (cos(angle) + sin(angle) * 1j)`` (broadcast); both float tensors of one dtype."""
    dtype = _complex_inputs(abs, angle)
    r, theta = abs._data, angle._data
    out = make(r * np.cos(theta) + (r * np.sin(theta)) * dtype.numpy_dtype.type(1j), dtype)
    if needs_grad(abs, angle):
        sign = make(np.sign(r), abs._dtype)  # piecewise constant: no derivative of its own

        def backward(g, angle, z):  # sgn(z) = sign(abs) * e^(i angle), differentiable in angle
            unit = complex_(angle.cos(), angle.sin()) * sign
            return (g.conj() * unit).real, (g.conj() * z * 1j).real
        record("PolarBackward0", (out,), (abs, angle), backward, saved=(angle,),
               saved_outputs=(0,))
    return out
