"""Special functions NumPy lacks (erf, lgamma, digamma, zeta, Bessel I0/I1...) and the
``flambeau.special`` namespace.

The kernels are vectorised NumPy in float64 (float32 inputs are computed in float64 and rounded
back), accurate to about 1e-13 relative or better: power series where their terms are all
positive, continued fractions and asymptotic series in the tails, the Lanczos approximation
for log-gamma and Euler-Maclaurin summation for the Hurwitz zeta function.
"""
import math
from fractions import Fraction

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad
from .pointwise import _value, _wants, binary, masked, unary
from .registry import defop, register

_F64 = np.float64
_SQRT_PI = math.sqrt(math.pi)
_SQRT2 = math.sqrt(2)
_EPS = np.finfo(_F64).eps


def _split(x, cond, f_true, f_false):
    """``f_true`` where ``cond`` holds and ``f_false`` elsewhere, each on its own elements."""
    if cond.all():
        return np.asarray(f_true(x))
    if not cond.any():
        return np.asarray(f_false(x))
    out = np.empty_like(x)
    out[cond] = f_true(x[cond])
    rest = ~cond
    out[rest] = f_false(x[rest])
    return out


def _positive_series(first, ratio, x, max_terms=500):
    """``sum(t_k)`` with ``t_0 = first`` and ``t_k = t_{k-1} * ratio(x, k)``, all terms >= 0."""
    term = first
    total = first.copy()
    for k in range(1, max_terms):
        term = term * ratio(x, k)
        total += term
        if not np.any(term > _EPS * 0.25 * total):
            break
    return total


# ---- error function ------------------------------------------------------------------------

_ERF_SPLIT = 2.5  # below: erf's power series; above: erfc's continued fraction


def _erf_small(x):
    """erf by ``2/sqrt(pi) exp(-x^2) sum (2x^2)^k x / (2k+1)!!`` (no cancellation)."""
    ax = np.abs(x)
    s = _positive_series(ax, lambda a, k: 2 * a * a / (2 * k + 1), ax)
    return np.copysign(2 / _SQRT_PI * np.exp(-x * x) * s, x)


def _erfcx_large(x):
    """``exp(x^2) erfc(x)`` for x >= 2.5, by its continued fraction (evaluated bottom-up)."""
    f = x.copy()
    for k in range(60, 0, -1):
        f = x + (k / 2) / f
    return 1 / (_SQRT_PI * f)


def _erfc_large(x):
    return np.exp(-x * x) * _erfcx_large(x)


def erf(x):
    return _split(x, np.abs(x) < _ERF_SPLIT, _erf_small,
                  lambda v: np.copysign(1 - _erfc_large(np.abs(v)), v))


def erfc(x):
    def left(v):
        return _split(v, v > -_ERF_SPLIT, lambda u: 1 - _erf_small(u),
                      lambda u: 2 - _erfc_large(-u))
    return _split(x, x < _ERF_SPLIT, left, _erfc_large)


def erfcx(x):
    return _split(x, x < _ERF_SPLIT, lambda v: np.exp(v * v) * erfc(v), _erfcx_large)


def _erfinv_guess(x, w):
    """M. Giles' single-precision erfinv, with ``w = -log((1 - x)(1 + x))`` given."""
    central = w < 5
    t = np.where(central, w - 2.5, np.sqrt(w) - 3)
    c1 = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
          -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
    c2 = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
          -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
    p1, p2 = np.zeros_like(x), np.zeros_like(x)
    for a, b in zip(c1, c2):
        p1, p2 = p1 * t + a, p2 * t + b
    return np.where(central, p1, p2) * x


def erfinv(x):
    ax = np.abs(x)
    y = np.abs(_erfinv_guess(ax, -np.log((1 - ax) * (1 + ax))))
    for _ in range(2):  # Halley steps on erf (on erfc near 1, where 1 - |x| is exact)
        r = np.where(ax > 0.5, (1 - ax) - erfc(y), erf(y) - ax)
        d = 2 / _SQRT_PI * np.exp(-y * y)
        y = y - r / (d + y * r)
    y = np.where(ax == 1, np.inf, np.where(ax > 1, np.nan, y))
    return np.copysign(y, x)


def ndtr(x):
    return 0.5 * erfc(-x / _SQRT2)


def _ndtri_tail_guess(p):
    """Abramowitz and Stegun 26.2.23 for the lower tail (error below 4.5e-4)."""
    t = np.sqrt(-2 * np.log(p))
    return -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
             (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))))


def ndtri(p):
    tail = np.minimum(p, 1 - p)
    y = np.where(tail < 1e-3, np.copysign(_ndtri_tail_guess(tail), p - 0.5),
                 _SQRT2 * _erfinv_guess(2 * p - 1, -np.log(4 * p * (1 - p))))
    for _ in range(3):  # Halley steps on ndtr, accurate in both tails
        r = np.where(p > 0.5, (1 - p) - ndtr(-y), ndtr(y) - p)
        d = np.exp(-0.5 * y * y) / math.sqrt(2 * math.pi)
        y = y - r / (d + 0.5 * y * r)
    return np.where(p == 0, -np.inf, np.where(p == 1, np.inf, np.where((p < 0) | (p > 1),
                                                                        np.nan, y)))


def log_ndtr(x):
    return _split(x, x < -1,
                  lambda v: np.log(erfcx(-v / _SQRT2) / 2) - v * v / 2,
                  lambda v: np.log1p(-0.5 * erfc(v / _SQRT2)))


# ---- gamma family --------------------------------------------------------------------------

_LANCZOS_G = 7
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7)


def _sinpi(x):
    """``sin(pi x)`` with the argument reduced first, exact at the integers."""
    return np.where(x == np.floor(x), 0.0, np.sin(math.pi * (x - 2 * np.round(x / 2))))


def _lgamma_right(x):
    """log-gamma for x >= 0.5 by Lanczos' approximation."""
    z = x - 1
    s = np.full_like(z, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        s += c / (z + i)
    t = z + _LANCZOS_G + 0.5
    return 0.5 * math.log(2 * math.pi) + (z + 0.5) * np.log(t) - t + np.log(s)


def lgamma(x):
    r = _split(x, x >= 0.5, _lgamma_right,
               lambda v: np.log(math.pi / np.abs(_sinpi(v))) - _lgamma_right(1 - v))
    r[(x == 1) | (x == 2)] = 0
    r[np.isinf(x)] = np.inf
    return r


# B_{2k} / (2k) for the asymptotic series of digamma
_DIGAMMA_ASYMPTOTIC = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)


def digamma(x):
    result = np.zeros_like(x)
    reflect = x < 0
    # psi(x) = psi(1 - x) - pi / tan(pi x)
    result[reflect] = -math.pi / np.tan(math.pi * (x[reflect] - np.round(x[reflect])))
    y = np.where(reflect, 1 - x, x)
    for _ in range(10):  # psi(y) = psi(y + 1) - 1 / y, until y >= 10
        small = y < 10
        result -= np.where(small, 1 / y, 0)
        y = np.where(small, y + 1, y)
    inv2 = 1 / (y * y)
    series = np.zeros_like(y)
    for c in reversed(_DIGAMMA_ASYMPTOTIC):
        series = (series + c) * inv2
    result += np.log(y) - 0.5 / y - series
    result[x == 0] = np.copysign(np.inf, -x[x == 0])
    result[reflect & (x == np.floor(x))] = np.nan
    return result


def trigamma(x):
    sign = np.where(x < 0.5, -1.0, 1.0)
    result = np.where(x < 0.5, -(math.pi / np.sin(math.pi * x)) ** 2, 0.0)
    y = np.where(x < 0.5, 1 - x, x)
    for _ in range(6):
        result += 1 / (y * y)
        y = y + 1
    ixx = 1 / (y * y)
    result += (1 + 1 / (2 * y) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / y
    return sign * result


_BERNOULLI = (Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30),
              Fraction(5, 66), Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510),
              Fraction(43867, 798), Fraction(-174611, 330), Fraction(854513, 138),
              Fraction(-236364091, 2730))
_ZETA_A = tuple(float(math.factorial(2 * k + 2) / b) for k, b in enumerate(_BERNOULLI))


def zeta(s, q):
    """The Hurwitz zeta function ``sum_k (k + q)^-s`` by Euler-Maclaurin (Cephes' domain)."""
    s, q = np.broadcast_arrays(s, q)
    shift = max(9, int(math.ceil(9 - np.min(q, initial=9))) + 1) if q.size else 9
    total = q ** -s
    a = q.copy()
    for _ in range(shift):
        a = a + 1
        total += a ** -s
    b = a ** -s
    total += b * a / (s - 1) - 0.5 * b
    fact = np.ones_like(s)
    k = 0
    for coeff in _ZETA_A:
        fact = fact * (s + k)
        b = b / a
        total += fact * b / coeff
        fact = fact * (s + k + 1)
        b = b / a
        k += 2
    total = np.where(s == 1, np.inf, np.where(s < 1, np.nan, total))
    q_int = (q <= 0) & (q == np.floor(q))
    total = np.where(q_int & (s >= 1), np.inf, total)
    return np.where((q <= 0) & ~q_int & (s != np.floor(s)) & (s > 1), np.nan, total)


def polygamma_kernel(n, x):
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    return (-1) ** (n + 1) * math.factorial(n) * zeta(float(n + 1), x)


# ---- Bessel I0, I1 -------------------------------------------------------------------------

_BESSEL_SPLIT = 30.0


def _bessel_i(nu, scaled):
    """``I_nu`` (``I_nu(x) exp(-|x|)`` when scaled) for nu in {0, 1}."""
    def series(ax):
        half = ax / 2
        s = _positive_series(half ** nu, lambda h, k: h * h / (k * (k + nu)), half)
        return s * np.exp(-ax) if scaled else s

    def asymptotic(ax):
        mu = 4 * nu * nu
        term = np.ones_like(ax)
        s = term.copy()
        for k in range(1, 25):
            term = term * -(mu - (2 * k - 1) ** 2) / (k * 8 * ax)
            s += term
        s /= np.sqrt(2 * math.pi * ax)
        return s if scaled else s * np.exp(ax)

    def kernel(x):
        ax = np.abs(x)
        r = _split(ax, ax <= _BESSEL_SPLIT, series, asymptotic)
        return np.copysign(r, x) if nu else r
    return kernel


i0_kernel, i0e_kernel = _bessel_i(0, False), _bessel_i(0, True)
i1_kernel, i1e_kernel = _bessel_i(1, False), _bessel_i(1, True)


# ---- ops -----------------------------------------------------------------------------------

_TWO_OVER_SQRT_PI = 2 / _SQRT_PI
_F = dict(compute=_F64)

erf_ = unary("erf", erf, lambda g, x, out: g * _TWO_OVER_SQRT_PI * (-x * x).exp(),
             special=("erf",), doc="The error function.", **_F)
erfc_ = unary("erfc", erfc, lambda g, x, out: -g * _TWO_OVER_SQRT_PI * (-x * x).exp(),
              special=("erfc",), doc="``1 - erf(input)``, accurate in the right tail.", **_F)
erfinv_ = unary("erfinv", erfinv, lambda g, x, out: g * (_SQRT_PI / 2) * (out * out).exp(),
                special=("erfinv",), doc="The inverse error function.", **_F)
erfcx_ = unary("erfcx", erfcx,
               lambda g, x, out: g * (2 * x * out - _TWO_OVER_SQRT_PI),
               node="SpecialErfcxBackward0", namespace="special", method=False,
               inplace=False, doc="``exp(input**2) * erfc(input)``.", **_F)
ndtr_ = unary("ndtr", ndtr, lambda g, x, out: g * (-0.5 * x * x).exp() / math.sqrt(2 * math.pi),
              node="MulBackward1", namespace="special", method=False, inplace=False,
              doc="The standard normal CDF.", **_F)
ndtri_ = unary("ndtri", ndtri,
               lambda g, x, out: g * math.sqrt(2 * math.pi) * (0.5 * out * out).exp(),
               node="SpecialNdtriBackward0", namespace="special", method=False, inplace=False,
               doc="The inverse of the standard normal CDF.", **_F)
log_ndtr_ = unary("log_ndtr", log_ndtr,
                  lambda g, x, out: g * (-0.5 * x * x - out).exp() / math.sqrt(2 * math.pi),
                  node="SpecialLogNdtrBackward0", namespace="special", method=False,
                  inplace=False, doc="``log(ndtr(input))``, accurate in the left tail.", **_F)
lgamma_ = unary("lgamma", lgamma, lambda g, x, out: g * x.digamma(), special=("gammaln",),
                doc="``log |gamma(input)|``.", **_F)
digamma_ = unary("digamma", digamma, lambda g, x, out: g * polygamma(1, x),
                 special=("digamma", "psi"), doc="The logarithmic derivative of gamma.", **_F)
i0_ = unary("i0", i0_kernel, lambda g, x, out: g * i1_(x), special=("i0",),
            doc="The modified Bessel function of the first kind, order 0.", **_F)
i0e_ = unary("i0e", i0e_kernel, lambda g, x, out: g * (i1e_(x) - x.sgn() * out),
             node="SpecialI0EBackward0", namespace="special", method=False, inplace=False,
             doc="``i0(input) * exp(-|input|)``.", **_F)
i1_ = unary("i1", i1_kernel,
            lambda g, x, out: masked(g * (i0_(x) - out / x), x._data != 0) +
            masked(g * 0.5, x._data == 0),
            node="SpecialI1Backward0", namespace="special", method=False, inplace=False,
            doc="The modified Bessel function of the first kind, order 1.", **_F)
i1e_ = unary("i1e", i1e_kernel,
             lambda g, x, out: masked(g * (i0e_(x) - out * (x.sgn() + 1 / x)), x._data != 0) +
             masked(g * 0.5, x._data == 0),
             node="SpecialI1EBackward0", namespace="special", method=False, inplace=False,
             doc="``i1(input) * exp(-|input|)``.", **_F)


def _entr(x):
    return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)),
                    np.where(x == 0, 0, np.where(np.isnan(x), x, -np.inf)))


entr_ = unary("entr", _entr, lambda g, x, out: -g * (1 + x.log()),
              node="SpecialEntrBackward0", namespace="special", method=False, inplace=False,
              doc="``-input * log(input)``, 0 at 0 and -inf below.", **_F)


@defop(inplace=True, out=True)
def polygamma(n, input):
    """The ``n``-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    dtype = input._dtype
    if dtype._category < 2:
        dtype = _dtype.get_default_dtype()
    a = input._data
    # trigamma in the input's precision, as torch (its float32 results differ near poles)
    with np.errstate(all="ignore"):
        r = polygamma_kernel(n, a.astype(dtype._np if n == 1 else _F64))
    out = make(r.astype(dtype._np), dtype)
    if needs_grad(input):
        record("PolygammaBackward0", (out,), (input,), lambda g, x: g * polygamma(n + 1, x),
               saved=(input,))
    return out


def _polygamma_method(self, n):
    return polygamma(n, self)


def _polygamma_inplace(self, n):
    from .registry import check_inplace, commit_inplace
    check_inplace(self)
    return commit_inplace(self, polygamma(n, self))


register("", "polygamma", _polygamma_method, method=True)
register("", "polygamma_", _polygamma_inplace, method=True)
register("special", "polygamma", polygamma)


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
logit = defop(_logit, name="logit", inplace=True, out=True)
register("special", "logit", logit)


def _xlog1py_derivative(g, x, y, out):
    x, y = _value(x), _value(y)
    gx = None
    if _wants(x):
        yd = y._data if isinstance(y, Tensor) else y
        l1 = y.log1p() if isinstance(y, Tensor) else make(np.asarray(np.log1p(y), g._data.dtype))
        gx = masked(g * l1, ~((x._data == 0) & (np.asarray(yd) <= -1)))
    gy = g * x / (y + 1) if _wants(y) else None
    return gx, gy


binary("xlog1py", lambda x, y: np.where((x == 0) & ~np.isnan(y), 0, x * np.log1p(y)),
       _xlog1py_derivative, to_float=True, namespace="special", method=False, inplace=False,
       node=lambda x, y: "SpecialXlog1PyBackward" + (
           "0" if isinstance(x, Tensor) and isinstance(y, Tensor)
           else "2" if isinstance(x, Tensor) else "1"),
       doc="``input * log1p(other)``, 0 where ``input`` is 0 (unless other is NaN).")


def _zeta(x, q):
    return zeta(np.asarray(x, _F64), np.asarray(q, _F64))


binary("zeta", _zeta,
       lambda g, x, q, out: (None, -g * _value(x) * zeta_op(_value(x) + 1, _value(q))
                             if _wants(_value(q)) else None),
       to_float=True, namespace="special", method=False, inplace=False,
       node=lambda x, q: "SpecialZetaBackward" + ("0" if isinstance(x, Tensor) and
                                                  isinstance(q, Tensor) else
                                                  "1" if isinstance(q, Tensor) else "2"),
       doc="The Hurwitz zeta function ``sum_k (k + q)^-x``.")


def zeta_op(x, q):
    import flambeau
    return flambeau.special.zeta(x, q)


def multigammaln(input, p):
    """The log of the multivariate gamma function of dimension ``p``."""
    import flambeau
    j = flambeau.arange(p, dtype=input.dtype) / -2
    return (input.unsqueeze(-1) + j).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


register("special", "multigammaln", multigammaln)
register("", "mvlgamma", multigammaln)
register("", "mvlgamma", multigammaln, method=True)


def _forward(name, target=None):
    """A special-namespace function that calls the op of another family at call time."""
    def fn(*args, **kwargs):
        import flambeau
        return getattr(flambeau, target or name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{target or name}`` (from ``flambeau.special``)."
    return fn


for _name in ("softmax", "log_softmax", "logsumexp"):
    register("special", _name, _forward(_name))


def _spherical_j0(x):
    return np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))


for _name, _kernel in (("modified_bessel_i0", i0_kernel), ("modified_bessel_i1", i1_kernel),
                       ("spherical_bessel_j0", _spherical_j0)):
    unary(_name, _kernel, namespace="special", method=False, inplace=False,
          doc=f"``{_name}`` (forward only, as in torch).", **_F)


# ---- orthogonal polynomials: three-term recurrences p_{k+1} = (a x + b) p_k - c p_{k-1} ------

def _recurrence(p1, step, shift=False):
    """A kernel ``(x, n) -> p_n(x)`` from ``p_1(x)`` and ``step(x, k, p_k, p_{k-1})``; negative
    degrees give 0 and fractional ones are truncated. ``shift`` evaluates at ``2x - 1`` (the shifted Chebyshev polynomials)."""
    def kernel(x, n):
        x, n = np.broadcast_arrays(np.asarray(x, _F64), np.trunc(np.asarray(n, _F64)))
        if shift:
            x = 2 * x - 1
        prev, cur = np.ones_like(x), p1(x)
        out = np.where(n == 0, prev, np.where(n == 1, cur, 0.0))
        for k in range(1, int(np.max(n, initial=0))):
            prev, cur = cur, step(x, k, cur, prev)
            out = np.where(n == k + 1, cur, out)
        return out
    return kernel


_POLYNOMIALS = {
    "chebyshev_polynomial_t": (lambda x: x, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_u": (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_v": (lambda x: 2 * x - 1, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_w": (lambda x: 2 * x + 1, lambda x, k, p, q: 2 * x * p - q),
    "hermite_polynomial_h": (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - 2 * k * q),
    "hermite_polynomial_he": (lambda x: x, lambda x, k, p, q: x * p - k * q),
    "laguerre_polynomial_l": (lambda x: 1 - x,
                              lambda x, k, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    "legendre_polynomial_p": (lambda x: x,
                              lambda x, k, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}
for _name, (_p1, _step) in _POLYNOMIALS.items():
    binary(_name, _recurrence(_p1, _step), to_float=True, namespace="special", method=False,
           inplace=False, doc=f"The {_name.replace('_', ' ')} of degree ``n`` at ``input``.")
    if _name.startswith("chebyshev"):
        binary("shifted_" + _name, _recurrence(_p1, _step, shift=True), to_float=True,
               namespace="special", method=False, inplace=False,
               doc=f"The shifted {_name.replace('_', ' ')} (at ``2 input - 1``).")
