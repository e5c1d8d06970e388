"""The NumPy kernels behind flambeau's special functions: array in, array out, no tensors
(the ops that wrap them are declared in ``special.py``).

They are vectorised NumPy in float64 (float32 inputs are computed in float64 and rounded back by
the ops, except for the error functions, fast enough in float32), accurate to about 1e-13
relative or better: Cody's rational approximations for the error functions, power series where
their terms are all positive, continued fractions and asymptotic series in the tails, the Lanczos
approximation for log-gamma and Euler-Maclaurin summation for the Hurwitz zeta function.
"""
import functools
import math

import numpy as np

_F64 = np.float64
_SQRT_PI = math.sqrt(math.pi)
_SQRT2 = math.sqrt(2)
_SQRT1_2 = math.sqrt(0.5)
_EPS = np.finfo(_F64).eps


def _split(x, cond, f_true, f_false, *more):
    """``f_true`` where ``cond`` holds and ``f_false`` elsewhere, each on its own elements
    (of ``x`` and of the arrays in ``more``, passed along)."""
    if cond.all():
        return np.asarray(f_true(x, *more))
    if not cond.any():
        return np.asarray(f_false(x, *more))
    out = np.empty_like(x)
    out[cond] = f_true(x[cond], *(m[cond] for m in more))
    rest = ~cond
    out[rest] = f_false(x[rest], *(m[rest] for m in more))
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
# W. J. Cody's rational Chebyshev approximations (Math. Comp. 22, 1969; his CALERF routine),
# written as Horner coefficient lists from the highest degree down. float32 inputs stay in
# float32 (within torch's float32 tolerance and much faster); other dtypes use float64.

_ERF_SMALL = 0.46875  # below: erf = x P(x^2) / Q(x^2)
_ERF_MID = 4.0  # below: erfcx = P(x) / Q(x); above: erfcx = (1/sqrt(pi) - P(t) / Q(t)) / x
_CODY_SMALL = ((1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2,
                3.77485237685302021e2, 3.20937758913846947e3),
               (1.0, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
                2.84423683343917062e3))
_CODY_MID = ((2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0,
              6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
              1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3),
             (1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
              1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
              3.43936767414372164e3, 1.23033935480374942e3))
_CODY_BIG = ((1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
              1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
             (1.0, 2.56852019228982242e0, 1.87295284992346725e0, 5.27905102951428412e-1,
              6.05183413124413191e-2, 2.33520497626869185e-3))
# exp(-x^2) underflows to 0 beyond these (erfc and erf's complement vanish there)
_ERFC_ZERO = {np.dtype(np.float32): 10.1, np.dtype(_F64): 27.3}
# Dekker's splitting constants, 2^ceil(p/2) + 1, to square x exactly as hi + lo
_SPLITTER = {np.dtype(np.float32): 4097.0, np.dtype(_F64): 134217729.0}


def _horner(t, coeffs, out=None):
    p = np.multiply(t, coeffs[0], out=out)
    p += coeffs[1]
    for c in coeffs[2:]:
        p *= t
        p += c
    return p


def _ratio(t, pq):
    p = _horner(t, pq[0])
    p /= _horner(t, pq[1])
    return p


def _erf_small(x):
    """erf for ``|x| < 0.46875``."""
    return x * _ratio(x * x, _CODY_SMALL)


def _erfcx_mid(y):
    """``exp(y^2) erfc(y)`` for ``0.46875 <= y < 4``."""
    return _ratio(y, _CODY_MID)


def _erfcx_big(y):
    """``exp(y^2) erfc(y)`` for ``y >= 4`` (0 at infinity)."""
    t = 1 / (y * y)
    r = _ratio(t, _CODY_BIG)
    r *= t
    return (1 / _SQRT_PI - r) / y


def _erfcx_pos(y):
    """``exp(y^2) erfc(y)`` for ``y >= 0.46875``."""
    return _split(y, y < _ERF_MID, _erfcx_mid, _erfcx_big)


def _exp_square(y, sign):
    """``exp(sign * y^2)`` with ``y^2`` formed exactly (hi + lo), so that the result keeps full
    relative accuracy for large ``y``."""
    c = y * _SPLITTER[y.dtype]
    hi = c - (c - y)
    lo = y - hi
    s = y * y
    err = hi * hi - s
    err += 2 * hi * lo
    err += lo * lo
    e = np.exp(sign * s)
    err *= sign
    err += 1
    return e * err


def _erfc_pos(y):
    """erfc for ``y >= 0.46875``."""
    y = np.minimum(y, _ERFC_ZERO[y.dtype])
    return _exp_square(y, -1) * _erfcx_pos(y)


def _by_size(x, small, rest):
    """``small(x)`` where ``|x| < 0.46875`` and ``rest(x)`` elsewhere."""
    return _split(x, np.abs(x) < _ERF_SMALL, small, rest)


def _kernel_dtype(fn):
    """A kernel run in float32 for float32 inputs and in float64 otherwise (0-d included)."""
    def kernel(x):
        if x.dtype != np.float32:
            x = x.astype(_F64, copy=False)
        return fn(x.reshape(1)).reshape(()) if x.ndim == 0 else fn(x)
    kernel.__name__ = kernel.__qualname__ = fn.__name__
    kernel.__doc__ = fn.__doc__
    return kernel


# An erf on [-4, 4] with no exp (Eigen's generic_fast_erf_float): float32 results are 1 there.
_ERF32 = ((-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
           -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
           -1.60960333262415e-02),
          (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
           -7.37332916720468e-03, -1.42647390514189e-02))


_SMALL = 256  # below this many elements, the exact math.erf per element beats ~40 ufunc calls
_BLOCK = 1 << 16  # elements per block of a many-pass kernel: its temporaries stay in cache


def _erf32(x):
    """Eigen's float32 erf, ``c P(c^2) / Q(c^2)`` for ``c`` = ``x`` clipped to [-4, 4], computed
    block by block in cache-sized buffers (one pass over a block per Horner step)."""
    flat = x.reshape(-1)
    out = np.empty(flat.shape, np.float32)
    t, p, q = np.empty((3, min(flat.size, _BLOCK)), np.float32)
    for i in range(0, flat.size, _BLOCK):
        c = out[i:i + _BLOCK]
        m = c.size
        np.maximum(flat[i:i + _BLOCK], -4, out=c)
        np.minimum(c, 4, out=c)
        np.multiply(c, c, out=t[:m])
        num = _horner(t[:m], _ERF32[0], p[:m])
        num /= _horner(t[:m], _ERF32[1], q[:m])
        c *= num
    return out.reshape(x.shape)


def _each(fn, x):
    """``fn`` (a float -> float function of ``math``) on every element of ``x``."""
    return np.fromiter(map(fn, x.ravel().tolist()), x.dtype, x.size).reshape(x.shape)


@_kernel_dtype
def erf(x):
    if x.size <= _SMALL:
        return _each(math.erf, x)
    if x.dtype == np.float32:
        return _erf32(x)
    return _by_size(x, _erf_small,
                    lambda v: np.copysign(1 - _erfc_pos(np.abs(v)), v))


@_kernel_dtype
def erfc(x):
    if x.size <= _SMALL:
        return _each(math.erfc, x)

    def rest(v):
        e = _erfc_pos(np.abs(v))
        return np.where(v < 0, 2 - e, e)
    return _by_size(x, lambda v: 1 - _erf_small(v), rest)


@_kernel_dtype
def erfcx(x):
    def reflect(v):  # erfcx(v) = 2 exp(v^2) - erfcx(-v), overflowing to inf (not nan)
        return 2 * _exp_square(np.maximum(v, -_ERFC_ZERO[v.dtype]), 1) - _erfcx_pos(-v)

    def rest(v):
        return _split(v, v > 0, _erfcx_pos, reflect)
    return _by_size(x, lambda v: _exp_square(v, 1) * (1 - _erf_small(v)), rest)


# M. Giles' single-precision erfinv(x) / x in w = -log((1 - x)(1 + x)), for w < 5 and above
_GILES = ((2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
           -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
          (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
           -0.0076224613, 0.00943887047, 1.00167406, 2.83297682))
_GILES_FAR = 16.0  # beyond (1 - |x| < 1e-7): guess from erfc's asymptotic form instead


def _erfc_inverse(ax, q):
    """``y >= 0`` with ``erf(y) = ax`` and ``erfc(y) = q`` (both given, ``q`` accurate when
    tiny). float32 takes Giles' approximation as is; float64 refines it by Halley steps."""
    w = -np.log(q * (2 - q))
    y = ax * _split(w, w < 5, lambda t: _horner(t - 2.5, _GILES[0]),
                    lambda t: _horner(np.sqrt(t) - 3, _GILES[1]))
    if y.dtype == np.float32:
        return y
    far = w >= _GILES_FAR
    steps = 1
    if far.any():  # erfc(y) ~ exp(-y^2) / (y sqrt(pi)): y^2 = -log(q) - log(y sqrt(pi))
        steps = 3
        lq = -np.log(q[far])
        g = np.sqrt(lq)
        for _ in range(2):
            g = np.sqrt(lq - np.log(_SQRT_PI * g))
        y[far] = g
    for _ in range(steps):
        # Halley on erf(y) - ax (on q - erfc(y) away from 0); u is the residual over erf'(y)
        u = _split(y, y < _ERF_SMALL,
                   lambda v, a, c: (_erf_small(v) - a) * np.exp(v * v),
                   lambda v, a, c: c * _exp_square(v, 1) - _erfcx_pos(v), ax, q)
        u *= _SQRT_PI / 2
        u[~np.isfinite(u)] = 0  # erfc's tail beyond the float range: keep the guess
        y = y - u / (1 + y * u)
    return y


@_kernel_dtype
def erfinv(x):
    ax = np.abs(x)
    y = _erfc_inverse(ax, 1 - ax)
    y[ax == 1] = np.inf
    y[ax > 1] = np.nan
    return np.copysign(y, x)


@_kernel_dtype
def ndtr(x):
    return 0.5 * erfc(x * -_SQRT1_2)


@_kernel_dtype
def ndtri(p):
    q = 2 * np.minimum(p, 1 - p)  # exact: 1 - p is exact for p >= 1/2
    y = _SQRT2 * _erfc_inverse(np.abs(2 * p - 1), q)
    y = np.copysign(y, p - 0.5)
    y[p == 0] = -np.inf
    y[p == 1] = np.inf
    y[(p < 0) | (p > 1)] = np.nan
    return y


@_kernel_dtype
def log_ndtr(x):
    return _split(x, x < -1,
                  lambda v: np.log(erfcx(v * -_SQRT1_2) / 2) - v * v / 2,
                  lambda v: np.log1p(-0.5 * erfc(v * _SQRT1_2)))


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


# B_2, B_4, ..., B_24 as (numerator, denominator)
_BERNOULLI = ((1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6), (-3617, 510),
              (43867, 798), (-174611, 330), (854513, 138), (-236364091, 2730))
# (2k + 2)! / B_2k+2, rounded once (Python's int / int is correctly rounded)
_ZETA_A = tuple(math.factorial(2 * k + 2) * q / p for k, (p, q) in enumerate(_BERNOULLI))


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


def hurwitz_zeta(x, q):
    """:func:`zeta` of any two arrays, computed in float64, given in their result type."""
    return zeta(np.asarray(x, _F64), np.asarray(q, _F64)).astype(np.result_type(x, q),
                                                                  copy=False)


def entr(x):
    return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)),
                    np.where(x == 0, 0, np.where(np.isnan(x), x, -np.inf)))


def spherical_j0(x):
    return np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))


# ---- orthogonal polynomials: three-term recurrences p_{k+1} = (a x + b) p_k - c p_{k-1} ------

def recurrence(p1, step, shift=False):
    """A kernel ``(x, n) -> p_n(x)`` from ``p_1(x)`` and ``step(x, k, p_k, p_{k-1})``; negative
    degrees give 0 and fractional ones are truncated. ``shift`` evaluates at ``2x - 1`` (the
    shifted Chebyshev polynomials)."""
    def kernel(x, n):  # (computed in float64, given in the operands' result type)
        dtype = np.result_type(x, n)
        x, n = np.broadcast_arrays(np.asarray(x, _F64), np.trunc(np.asarray(n, _F64)))
        if shift:
            x = 2 * x - 1
        prev, cur = np.ones_like(x), p1(x)
        out = np.where(n == 0, prev, np.where(n == 1, cur, 0.0))
        for k in range(1, int(np.max(n, initial=0))):
            prev, cur = cur, step(x, k, cur, prev)
            out = np.where(n == k + 1, cur, out)
        return out.astype(dtype, copy=False)
    return kernel


POLYNOMIALS = {
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


# ---- Bessel J, Y, K of orders 0 and 1, Airy Ai ---------------------------------------------
# Below 1 power series. Between 1 and 25, J_0 and J_1 by Miller's backward recurrence
# (normalised by J_0 + 2 sum J_2k = 1) and Y_0, Y_1 from the same J_n by Neumann's series;
# Hankel's asymptotic expansions above. K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt by
# the trapezoidal rule above 1 (exponentially accurate for this integrand, with a step
# shrinking as 1/sqrt(x) to follow its peak). Ai by K_1/3 on the right, Taylor series of its
# differential equation about integer nodes in the middle and its asymptotic expansion on the left.

_EULER = 0.57721566490153286061
_HANKEL = 25.0  # J, Y: Hankel's expansions above
_MILLER_EXTRA = 42  # Miller's recurrence starts this far above the largest argument


def _series01(x, sign):
    """The power series behind J, Y (``sign`` -1) and I, K (``sign`` 1) of orders 0 and 1:
    with ``t = sign x^2 / 4``, ``(sum t^k / k!^2, sum (x/2) t^k / (k! (k+1)!), sum H_k t^k / k!^2,
    sum (H_k + H_k+1) (x/2) t^k / (k! (k+1)!))``, ``H_k`` the harmonic numbers. For x <= 1."""
    t = sign * x * x / 4
    term0, term1 = np.ones_like(x), x / 2
    s0, s1, h0, h1 = term0.copy(), term1.copy(), np.zeros_like(x), term1.copy()
    harmonic = 0.0
    for k in range(1, 14):
        term0 = term0 * t / (k * k)
        term1 = term1 * t / (k * (k + 1))
        harmonic += 1 / k
        s0 += term0
        s1 += term1
        h0 += harmonic * term0
        h1 += (2 * harmonic + 1 / (k + 1)) * term1
    return s0, s1, h0, h1


def _jy_small(x):
    j0, j1, h0, h1 = _series01(x, -1)
    log_term = np.log(x / 2) + _EULER
    return (j0, j1, 2 / math.pi * (log_term * j0 - h0),
            2 / math.pi * (log_term * j1 - 1 / x) - h1 / math.pi)


def _jy_miller(x):
    n = 2 * ((int(np.max(x)) + _MILLER_EXTRA) // 2)
    ratio = 2 / x
    above, cur = np.zeros_like(x), np.ones_like(x)  # J_k+1, J_k up to a common factor
    norm, even, odd = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    j1 = None
    for k in range(n, 0, -1):
        if k % 2:  # coefficients of J_2i+1 in sum_m (-1)^m (J_2m-1 - J_2m+1) / m
            i = k // 2
            odd += (-1.0 if i == 0 else (-1) ** (i + 1) * (1 / (i + 1) + 1 / i)) * cur
        else:
            norm += 2 * cur
            even += ((-1) ** (k // 2) / (k // 2)) * cur
        if k == 1:
            j1 = cur
        above, cur = cur, k * ratio * cur - above
    norm += cur
    j0, j1 = cur / norm, j1 / norm
    log_term = np.log(x / 2) + _EULER
    return (j0, j1, 2 / math.pi * (log_term * j0 - 2 * even / norm),
            2 / math.pi * (log_term * j1 - j0 / x + odd / norm))


def _hankel_pq(x, nu, terms=30):
    """Hankel's asymptotic series ``(P, Q)`` of order ``nu``."""
    mu = 4 * nu * nu
    term = np.ones_like(x)
    p, q = term.copy(), np.zeros_like(x)
    for k in range(1, terms):
        term = term * ((mu - (2 * k - 1) ** 2) / (8 * k)) / x
        if k % 2:
            q += term if k % 4 == 1 else -term
        else:
            p += term if k % 4 == 0 else -term
    return p, q


def _jy_hankel(x):
    amp = np.sqrt(2 / (math.pi * x)) * _SQRT1_2
    s, c = np.sin(x), np.cos(x)
    p0, q0 = _hankel_pq(x, 0)
    p1, q1 = _hankel_pq(x, 1)
    # chi0 = x - pi/4 and chi1 = x - 3pi/4 through sin x and cos x (exact for large x)
    return (amp * (p0 * (c + s) - q0 * (s - c)), amp * (p1 * (s - c) + q1 * (s + c)),
            amp * (p0 * (s - c) + q0 * (c + s)), amp * (-p1 * (s + c) + q1 * (s - c)))


def _jy(ax):
    """``(J0, J1, Y0, Y1)`` at ``ax >= 0`` (NaN passes through)."""
    regions = ((ax <= 1, _jy_small), ((ax > 1) & (ax <= _HANKEL), _jy_miller),
               (~(ax <= _HANKEL), _jy_hankel))
    out = [np.empty_like(ax) for _ in range(4)]
    for mask, fn in regions:
        if mask.any():
            for o, v in zip(out, fn(ax[mask])):
                o[mask] = v
    return out


def bessel_jy(index):
    def kernel(x):
        ax = np.abs(x)
        r = _jy(ax)[index]
        if index == 1:
            return np.where(np.signbit(x), -r, r)
        if index >= 2:
            r[x < 0] = np.nan
            r[x == 0] = -np.inf
        return r
    return kernel


def _k_trapezoid(x, nus, steps=24):
    """``exp(x) K_nu(x)`` for each ``nu`` in ``nus``, for ``x >= 1``."""
    h = np.minimum(0.25, 0.5 / np.sqrt(x))
    sums = [0.5 * np.ones_like(x) for _ in nus]
    for j in range(1, steps + 1):
        t = j * h
        f = np.sinh(t / 2)
        f = np.exp(-2 * x * f * f)  # exp(-x (cosh t - 1))
        for s, nu in zip(sums, nus):
            s += f * np.cosh(nu * t) if nu else f
    return [s * h for s in sums]


def _k_small(x):
    i0, i1, h0, h1 = _series01(x, 1)
    log_term = np.log(x / 2) + _EULER
    return h0 - log_term * i0, 1 / x + log_term * i1 - h1 / 2


def bessel_k(nu, scaled):
    def kernel(x):
        small = x <= 1
        r = np.empty_like(x)
        if small.any():
            v = x[small]
            k = _k_small(v)[nu]
            r[small] = k * np.exp(v) if scaled else k
        big = ~small
        if big.any():
            v = x[big]
            k = _k_trapezoid(v, (nu,))[0]
            r[big] = k if scaled else k * np.exp(-v)
        r[x == np.inf] = 0
        r[x == 0] = np.inf
        r[x < 0] = np.nan
        return r
    return kernel


def _airy_taylor_step(x0, a0, a1, h, terms=60):
    """``(Ai(x0 + h), Ai'(x0 + h))`` from ``Ai(x0), Ai'(x0)`` by the Taylor series of
    ``y'' = x y`` (arrays or floats)."""
    c = [a0, a1, x0 * a0 / 2]
    for n in range(1, terms - 2):
        c.append((x0 * c[n] + c[n - 1]) / ((n + 2) * (n + 1)))
    value, slope = c[-1], (terms - 1) * c[-1]
    for n in range(terms - 2, -1, -1):
        value = value * h + c[n]
        if n:
            slope = slope * h + n * c[n]
    return value, slope


def _airy_nodes(lo=-10, hi=1):
    """``Ai`` and ``Ai'`` at the integers ``lo..hi``, stepped from their values at 0."""
    a0 = 1 / (3 ** (2 / 3) * math.gamma(2 / 3))
    a1 = -1 / (3 ** (1 / 3) * math.gamma(1 / 3))
    nodes = {0: (a0, a1)}
    for direction, end in ((-1, lo), (1, hi)):
        x0 = 0
        while x0 != end:
            nodes[x0 + direction] = _airy_taylor_step(float(x0), *nodes[x0], float(direction))
            x0 += direction
    return np.array([nodes[k][0] for k in range(lo, hi + 1)]), \
        np.array([nodes[k][1] for k in range(lo, hi + 1)])


_AIRY_LO, _AIRY_HI = -10, 1


@functools.cache
def _airy_table():
    """``Ai`` and ``Ai'`` at the nodes, made on first use."""
    return _airy_nodes(_AIRY_LO, _AIRY_HI)


def _airy_middle(x):
    x0 = np.clip(np.floor(x + 0.5), _AIRY_LO, _AIRY_HI)
    i = (x0 - _AIRY_LO).astype(np.intp)
    values, slopes = _airy_table()
    return _airy_taylor_step(x0, values[i], slopes[i], x - x0)[0]


def _airy_right(x):
    zeta = 2 / 3 * x * np.sqrt(x)
    k = _k_trapezoid(zeta, (1 / 3,))[0]
    return np.sqrt(x / 3) / math.pi * k * np.exp(-zeta)


def _airy_left(x):
    z = -x
    zeta = 2 / 3 * z * np.sqrt(z)
    term = np.ones_like(z)
    p, q = term.copy(), np.zeros_like(z)
    for k in range(1, 30):
        term = term * ((6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)) / zeta
        if k % 2:
            q += term if k % 4 == 1 else -term
        else:
            p += term if k % 4 == 0 else -term
    s, c = np.sin(zeta), np.cos(zeta)  # sin, cos of zeta + pi/4 through these
    return (p * (s + c) - q * (c - s)) * _SQRT1_2 / (_SQRT_PI * np.sqrt(np.sqrt(z)))


def airy_ai(x):
    out = np.full_like(x, np.nan)
    for mask, fn in ((x < _AIRY_LO - 0.5, _airy_left),
                     ((x >= _AIRY_LO - 0.5) & (x <= _AIRY_HI + 0.5), _airy_middle),
                     ((x > _AIRY_HI + 0.5) & (x < np.inf), _airy_right)):
        if mask.any():
            out[mask] = fn(x[mask])
    out[x == -np.inf] = np.nan
    return out


# ---- regularized incomplete gamma functions ------------------------------------------------

def _igamma_regular(a, x):
    """``(P(a, x), Q(a, x))`` for finite ``a, x > 0``: P's power series where ``x < a + 1``,
    Q's continued fraction (modified Lentz) elsewhere, each iterated until all converge."""
    p = np.empty_like(x)
    q = np.empty_like(x)
    series = x < a + 1
    if series.any():
        av, xv = a[series], x[series]
        term = np.ones_like(xv)
        total = term.copy()
        for n in range(1, 5000):
            term = term * (xv / (av + n))
            total += term
            if not np.any(term > _EPS * 0.5 * total):
                break
        p[series] = np.exp(av * np.log(xv) - xv - lgamma(av + 1)) * total
        q[series] = 1 - p[series]
    cf = ~series
    if cf.any():
        av, xv = a[cf], x[cf]
        tiny = 1e-300
        b = xv + 1 - av
        c = np.full_like(xv, 1 / tiny)
        d = 1 / b
        h = d.copy()
        for i in range(1, 5000):
            an = -i * (i - av)
            b = b + 2
            d = an * d + b
            d[np.abs(d) < tiny] = tiny
            c = b + an / c
            c[np.abs(c) < tiny] = tiny
            d = 1 / d
            delta = d * c
            h *= delta
            if not np.any(np.abs(delta - 1) > 2 * _EPS):
                break
        q[cf] = np.exp(av * np.log(xv) - xv - lgamma(av)) * h
        p[cf] = 1 - q[cf]
    return p, q


def igamma_kernel(upper):
    """P (``upper`` False) or Q, in float64, with torch's values at the domain's edges."""
    def kernel(a, x):
        dtype = np.result_type(a, x)
        a, x = np.broadcast_arrays(np.asarray(a, _F64), np.asarray(x, _F64))
        regular = (a > 0) & (x > 0) & (a < np.inf) & (x < np.inf)
        out = np.full(a.shape, np.nan)
        if regular.any():
            out[regular] = _igamma_regular(a[regular], x[regular])[upper]
        # P's limits: 1 as a -> 0 or x -> inf, 0 as x -> 0 or a -> inf (NaN where both meet)
        # (a NaN ``a`` still gives these limits at x = 0 and x = inf, as in torch)
        one = ((a == 0) & (x > 0)) | ((x == np.inf) & ~(a <= 0) & (a != np.inf))
        zero = ((x == 0) & ~(a <= 0)) | ((a == np.inf) & ~(x < 0) & (x != np.inf))
        out[one] = 0.0 if upper else 1.0
        out[zero] = 1.0 if upper else 0.0
        return out.astype(dtype, copy=False)
    return kernel
