"""Dropout ops: ``native_dropout`` (one ``NativeDropoutBackward0`` node) and the dropout family
torch composes from tensor ops on the CPU (``dropout``, ``alpha_dropout``, ``feature_dropout``,
``feature_alpha_dropout`` and their ``_`` forms: ``MulBackward0``/``AddBackward0`` nodes).

Masks are drawn as torch draws them, with ``bernoulli_(1 - p)`` on an empty tensor of the
input's dtype (per element, or per channel for the feature forms), so a seeded generator that
reproduces torch's stream reproduces its masks.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad1
from .activation import _tensor_arg
from ._saved import _Constant
from .registry import defop

_ALPHA = 1.7580993408473766  # -SELU's negative saturation: alpha * scale


def _empty(shape, like):
    return make(np.empty(shape, like._dtype._np), like._dtype)


def _check_p(name, p):
    if not isinstance(p, (int, float)):
        raise TypeError(f"{name}(): argument 'p' (position 2) must be float, not "
                        f"{type(p).__name__}")
    if not 0 <= p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p:g}")


@defop(method=False, signature="native_dropout(Tensor input, double p, bool? train)")
def native_dropout(input, p, train):
    """``(input * mask / (1 - p), mask)``, ``mask`` (bool) keeping each element with
    probability ``1 - p``; with ``train=False`` the input unchanged and an all-True mask."""
    _tensor_arg("native_dropout", input)
    if train is None or train:
        keep = 1.0 - p
        scale = 0.0 if keep == 0 else 1.0 / keep
        mask = _empty(input._data.shape, input).bernoulli_(keep)
        out = make(input._data * mask._data, input._dtype)
        out._data *= scale
        mask = mask._data.astype(bool)
    else:
        scale = 1.0
        out = make(input._data.copy(), input._dtype)
        mask = np.ones(input._data.shape, bool)
    if needs_grad1(input):
        record("NativeDropoutBackward0", (out,), (input,), _native_dropout_derivative,
               (_Constant((mask, scale)),))
    return out, make(mask, _dtype.bool)


def _native_dropout_derivative(g, how):
    return native_dropout_backward(g, *how)


def native_dropout_backward(grad_output, mask, scale):
    """``grad_output * mask * scale`` (``mask`` a NumPy bool array or a bool tensor), itself
    differentiable in ``grad_output``."""
    mask = mask._data if isinstance(mask, Tensor) else mask
    out = make(grad_output._data * mask * grad_output._dtype._np.type(scale),
               grad_output._dtype)
    if needs_grad1(grad_output):
        record("NativeDropoutBackwardBackward0", (out,), (grad_output,),
               _native_dropout_derivative, (_Constant((mask, scale)),))
    return out


def _dropout(name, input, p, train, feature, alpha, inplace):
    """torch's CPU dropout: ``input * noise`` (``+ b`` for alpha dropout), ``noise`` drawn per
    element or, for the feature forms, per (sample, channel)."""
    _tensor_arg(name, input)
    _check_p(name, p)
    if p == 0 or not train or input._data.size == 0:
        return input
    shape = input._data.shape
    if feature:
        if len(shape) < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = shape[:2] + (1,) * (len(shape) - 2)
    if p == 1:
        zero = make(np.zeros((), input._dtype._np), input._dtype)
        return input.mul_(zero) if inplace else input.mul(zero)
    noise = _empty(shape, input).bernoulli_(1 - p)
    if alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
        noise.mul_(a)
    else:
        noise.div_(1 - p)
    out = input.mul_(noise) if inplace else input.mul(noise)
    return out.add_(b) if alpha else out


def _family(name, feature, alpha, doc):
    """The op ``name`` and its in-place ``name_``."""
    def op(input, p, train):
        return _dropout(name, input, p, train, feature, alpha, False)

    def op_(input, p, train):
        return _dropout(name + "_", input, p, train, feature, alpha, True)
    op.__name__ = op.__qualname__ = name
    op_.__name__ = op_.__qualname__ = name + "_"
    op.__doc__, op_.__doc__ = doc, f"``{name}`` written into ``input``."
    return (defop(op, method=False, signature=f"{name}(Tensor input, double p, bool train)"),
            defop(op_, method=False, signature=f"{name}_(Tensor input, double p, bool train)"))


dropout, dropout_ = _family(
    "dropout", False, False,
    "Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)`` when "
    "``train``; returns ``input`` itself otherwise.")
feature_dropout, feature_dropout_ = _family(
    "feature_dropout", True, False,
    "``dropout`` of whole channels: one draw per (sample, channel) of an ``(N, C, ...)`` input.")
alpha_dropout, alpha_dropout_ = _family(
    "alpha_dropout", False, True,
    "Dropout for SELU networks: dropped elements take SELU's negative saturation, and an affine "
    "map keeps the mean and variance.")
feature_alpha_dropout, feature_alpha_dropout_ = _family(
    "feature_alpha_dropout", True, True, "``alpha_dropout`` of whole channels.")
