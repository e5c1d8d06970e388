"""Special functions NumPy lacks (erf, lgamma, digamma, zeta, Bessel functions, orthogonal
polynomials, incomplete gamma...) as ops, most of them published in ``flambeau.special``; their
NumPy kernels are in ``_special_kernels.py``.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from . import _special_kernels as kernels
from ._saved import _value, _wants
from ._util import needs_grad
from .creation import arange
from .pointwise import _xlog, binary, masked, unary
from .promotion import _not_implemented
from .reduction import logsumexp
from .registry import defop
from .softmax import log_softmax, softmax

_F64 = np.float64
_SQRT_PI = math.sqrt(math.pi)
_TWO_OVER_SQRT_PI = 2 / _SQRT_PI
_F = dict(compute=_F64)

erf = unary("erf", kernels.erf, lambda g, x, out: g * _TWO_OVER_SQRT_PI * (-x * x).exp(),
            special=("erf",), quiet=False, doc="The error function.")  # erf never warns
erfc = unary("erfc", kernels.erfc, lambda g, x, out: -g * _TWO_OVER_SQRT_PI * (-x * x).exp(),
             special=("erfc",), doc="``1 - erf(input)``, accurate in the right tail.")
erfinv = unary("erfinv", kernels.erfinv,
               lambda g, x, out: g * (_SQRT_PI / 2) * (out * out).exp(),
               special=("erfinv",), doc="The inverse error function.")
erfcx = unary("erfcx", kernels.erfcx,
              lambda g, x, out: g * (2 * x * out - _TWO_OVER_SQRT_PI),
              node="SpecialErfcxBackward0", namespace="special", method=False,
              inplace=False, doc="``exp(input**2) * erfc(input)``.")
ndtr = unary("ndtr", kernels.ndtr,
             lambda g, x, out: g * (-0.5 * x * x).exp() / math.sqrt(2 * math.pi),
             node="MulBackward1", namespace="special", method=False, inplace=False,
             doc="The standard normal CDF.", **_F)
ndtri = unary("ndtri", kernels.ndtri,
              lambda g, x, out: g * math.sqrt(2 * math.pi) * (0.5 * out * out).exp(),
              node="SpecialNdtriBackward0", namespace="special", method=False, inplace=False,
              doc="The inverse of the standard normal CDF.", **_F)
log_ndtr = unary("log_ndtr", kernels.log_ndtr,
                 lambda g, x, out: g * (-0.5 * x * x - out).exp() / math.sqrt(2 * math.pi),
                 node="SpecialLogNdtrBackward0", namespace="special", method=False,
                 inplace=False, doc="``log(ndtr(input))``, accurate in the left tail.", **_F)
lgamma = unary("lgamma", kernels.lgamma, lambda g, x, out: g * x.digamma(),
               special=("gammaln",), doc="``log |gamma(input)|``.", **_F)
digamma = unary("digamma", kernels.digamma, lambda g, x, out: g * polygamma(1, x),
                special=("digamma", "psi"), doc="The logarithmic derivative of gamma.", **_F)
i0 = unary("i0", kernels.i0_kernel, lambda g, x, out: g * i1(x), special=("i0",),
           doc="The modified Bessel function of the first kind, order 0.", **_F)
i0e = unary("i0e", kernels.i0e_kernel, lambda g, x, out: g * (i1e(x) - x.sgn() * out),
            node="SpecialI0EBackward0", namespace="special", method=False, inplace=False,
            doc="``i0(input) * exp(-|input|)``.", **_F)
i1 = unary("i1", kernels.i1_kernel,
           lambda g, x, out: masked(g * (i0(x) - out / x), x._data != 0) +
           masked(g * 0.5, x._data == 0),
           node="SpecialI1Backward0", namespace="special", method=False, inplace=False,
           doc="The modified Bessel function of the first kind, order 1.", **_F)
i1e = unary("i1e", kernels.i1e_kernel,
            lambda g, x, out: masked(g * (i0e(x) - out * (x.sgn() + 1 / x)), x._data != 0) +
            masked(g * 0.5, x._data == 0),
            node="SpecialI1EBackward0", namespace="special", method=False, inplace=False,
            doc="``i1(input) * exp(-|input|)``.", **_F)


entr = unary("entr", kernels.entr, lambda g, x, out: -g * (1 + x.log()),
             node="SpecialEntrBackward0", namespace="special", method=False, inplace=False,
             doc="``-input * log(input)``, 0 at 0 and -inf below.", **_F)


def polygamma(n, input):
    """The ``n``-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    dtype = input._dtype
    if dtype.is_complex:
        raise _not_implemented("digamma" if n == 0 else "trigamma" if n == 1 else "polygamma",
                               dtype)
    if dtype._category < 2:
        dtype = _dtype.get_default_dtype()
    a = input._data
    # trigamma in the input's precision, as torch (its float32 results differ near poles)
    with np.errstate(all="ignore"):
        r = kernels.polygamma_kernel(n, a.astype(dtype._np if n == 1 else _F64))
    out = make(r.astype(dtype._np), dtype)
    if needs_grad(input):
        record("PolygammaBackward0", (out,), (input,), lambda g, x: g * polygamma(n + 1, x),
               saved=(input,))
    return out


for _namespace in ("", "special"):
    defop(polygamma, method=False, namespace=_namespace,
          signature="polygamma(int n, Tensor input, *, Tensor? out=None)")
defop(lambda input, n: polygamma(n, input), name="polygamma", function=False, inplace=True,
      signature="polygamma(Tensor input, int n)")  # the method takes n after self


def _logit(input, eps=None):
    """``log(p / (1 - p))``, with p clamped to ``[eps, 1 - eps]`` when eps is given."""
    dtype = input._dtype
    a = input._data
    if dtype._category < 2:
        dtype = _dtype.get_default_dtype()
        a = a.astype(dtype._np)
    if eps is not None:
        a = np.clip(a, eps, 1 - eps)
    with np.errstate(all="ignore"):
        out = make(np.asarray(np.log(a / (1 - a))).astype(dtype._np, copy=False), dtype)
    if needs_grad(input):
        def derivative(g, x):
            xd = x._data
            d = g / (x * (1 - x))
            if eps is None:
                return d + make(np.where((xd < 0) | (xd > 1), np.nan, 0).astype(xd.dtype))
            return masked(d, (xd >= eps) & (xd <= 1 - eps))
        record("LogitBackward0", (out,), (input,), derivative, saved=(input,))
    return out


_logit.__name__ = _logit.__qualname__ = "logit"
logit = defop(_logit, name="logit", inplace=True,
              signature="logit(Tensor input, float? eps=None, *, Tensor? out=None)")
defop(_logit, name="logit", method=False, namespace="special",
      signature="logit(Tensor input, float? eps=None, *, Tensor? out=None)")


def _special_binary(name, x="input", n="other"):
    """torch's three overloads of a binary special function: no two Python numbers."""
    return [f"{name}(Tensor {x}, Tensor {n}, *, Tensor? out=None)",
            f"{name}(Scalar {'self' if x == 'input' else x}, Tensor {n}, *, Tensor? out=None)",
            f"{name}(Tensor {x}, Scalar {n}, *, Tensor? out=None)"]


def _xlog1py_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    gx = None
    if _wants(x):
        yd = y._data if isinstance(y, Tensor) else y
        l1 = y.log1p() if isinstance(y, Tensor) else make(np.asarray(np.log1p(y), g._data.dtype))
        gx = masked(g * l1, ~((x._data == 0) & (np.asarray(yd) <= -1)))
    gy = g * x / (y + 1) if _wants(y) else None
    return gx, gy


binary("xlog1py", _xlog(np.log1p),
       _xlog1py_derivative, to_float=True, namespace="special", method=False, inplace=False,
       signature=_special_binary("xlog1py"), refuse=("xlog1py_cpu", (3,)),
       node=lambda x, y: "SpecialXlog1PyBackward" + (
           "0" if isinstance(x, Tensor) and isinstance(y, Tensor)
           else "2" if isinstance(x, Tensor) else "1"),
       doc="``input * log1p(other)``, 0 where ``input`` is 0 (unless other is NaN).")


zeta = binary("zeta", kernels.hurwitz_zeta,
              lambda g, x, q, out: (None, -g * _value(x) * zeta(_value(x) + 1, _value(q))
                                    if _wants(_value(q)) else None),
              to_float=True, namespace="special", method=False, inplace=False,
              signature=_special_binary("zeta"), refuse=("zeta_cpu", (3,)),
              node=lambda x, q: "SpecialZetaBackward" + ("0" if isinstance(x, Tensor) and
                                                         isinstance(q, Tensor) else
                                                         "1" if isinstance(q, Tensor) else "2"),
              doc="The Hurwitz zeta function ``sum_k (k + q)^-x``.")


def multigammaln(input, p):
    """The log of the multivariate gamma function of dimension ``p``."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    j = arange(p, dtype=input.dtype if input.dtype._category > 1 else  # (complex: refused)
               _dtype.get_default_dtype()) / -2
    return (input.unsqueeze(-1) + j).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


defop(multigammaln, name="mvlgamma", inplace=True,
      signature="mvlgamma(Tensor input, int p, *, Tensor? out=None)")
defop(multigammaln, method=False, namespace="special",
      signature="multigammaln(Tensor input, int p, *, Tensor? out=None)")


def _forward(op, signature):
    """A special-namespace op that calls ``op``, a public op of another family."""
    def fn(input, dim, *args, **kwargs):
        return op(input, dim, *args, **kwargs)
    name = fn.__name__ = fn.__qualname__ = op.__name__
    fn.__doc__ = f"``{name}`` (from ``flambeau.special``)."
    defop(fn, method=False, namespace="special", signature=f"{name}({signature})")


_forward(softmax, "Tensor input, int dim, ScalarType? dtype=None")
_forward(log_softmax, "Tensor input, int dim, *, ScalarType? dtype=None")
_forward(logsumexp, "Tensor input, int[1] dim, bool keepdim=False, *, Tensor? out=None")


for _name, _kernel in (("modified_bessel_i0", kernels.i0_kernel),
                       ("modified_bessel_i1", kernels.i1_kernel),
                       ("spherical_bessel_j0", kernels.spherical_j0)):
    unary(_name, _kernel, namespace="special", method=False, inplace=False,
          doc=f"``{_name}`` (forward only, as in torch).", **_F,
          signature=f"{{name}}(Tensor {'x' if 'spherical' in _name else 'input'}, *, "
                    "Tensor? out=None)")


# ---- orthogonal polynomials: three-term recurrences (kernels.recurrence) ---------------------

for _name, (_p1, _step) in kernels.POLYNOMIALS.items():
    binary(_name, kernels.recurrence(_p1, _step), to_float=True, namespace="special",
           method=False, inplace=False, signature=_special_binary(_name, "x", "n"),
           refuse=(f"{_name}_cpu", (3,)),
           doc=f"The {_name.replace('_', ' ')} of degree ``n`` at ``input``.")
    if _name.startswith("chebyshev"):
        binary("shifted_" + _name, kernels.recurrence(_p1, _step, shift=True), to_float=True,
               namespace="special", method=False, inplace=False,
               signature=_special_binary("shifted_" + _name, "x", "n"),
               refuse=(f"shifted_{_name}_cpu", (3,)),
               doc=f"The shifted {_name.replace('_', ' ')} (at ``2 input - 1``).")


def _igamma_derivative(name, sign):
    def derivative(g, a, x, out):
        a, x = _value(a), _value(x)
        if _wants(a):
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        d = g * ((a - 1) * x.log() - x - a.lgamma()).exp()
        return None, -d if sign < 0 else d
    return derivative


for _name, _upper, _alias in (("igamma", False, "gammainc"), ("igammac", True, "gammaincc")):
    binary(_name, kernels.igamma_kernel(_upper), _igamma_derivative(_name, -1 if _upper else 1),
           refuse=(f"{_name}_cpu", (0, 1, 3)), tensors_only=True, special=(_alias,),
           signature="igamma(Tensor input, Tensor other, *, Tensor? out=None)",
           doc=f"The regularized {'upper' if _upper else 'lower'} incomplete gamma function "
               f"{'Q' if _upper else 'P'}(input, other).")


# ---- forward-only Bessel and Airy functions (torch defines no derivative for them) --------

def _float_kernel(name, fn):
    """``fn`` in float64, refusing the half-precision dtypes as torch's CPU kernels do."""
    def kernel(x):
        if x.itemsize == 2 and x.dtype.kind in "fV":  # float16, or ml_dtypes' bfloat16
            raise _not_implemented(f"{name}_cpu", _dtype._from_numpy[x.dtype])
        x = x.astype(_F64, copy=False)
        return fn(x.reshape(1)).reshape(()) if x.ndim == 0 else fn(x)
    kernel.__name__ = kernel.__qualname__ = name
    return kernel


for _name, _kernel in (("bessel_j0", kernels.bessel_jy(0)),
                       ("bessel_j1", kernels.bessel_jy(1)),
                       ("bessel_y0", kernels.bessel_jy(2)),
                       ("bessel_y1", kernels.bessel_jy(3)),
                       ("modified_bessel_k0", kernels.bessel_k(0, False)),
                       ("modified_bessel_k1", kernels.bessel_k(1, False)),
                       ("scaled_modified_bessel_k0", kernels.bessel_k(0, True)),
                       ("scaled_modified_bessel_k1", kernels.bessel_k(1, True)),
                       ("airy_ai", kernels.airy_ai)):
    unary(_name, _float_kernel(_name, _kernel), namespace="special", method=False,
          inplace=False, refuse=(f"{_name}_cpu", (3,)),
          signature=f"{{name}}(Tensor {'x' if 'scaled' in _name or 'airy' in _name else 'input'}"
                    ", *, Tensor? out=None)",
          doc=f"``{_name}`` in float64 (forward only, as in torch).")
