"""The float32 logarithm, sine and cosine of torch's AVX2 normal kernel, operation for operation.

torch fills float32 tensors of 16 or more elements with normal samples through Cephes-style
polynomial approximations (``avx_mathfun.h``, after Julien Pommier's ``sse_mathfun``), which
differ from correctly rounded results by up to a few ulps. These NumPy versions repeat each
float32 operation in order, fusing the multiply-adds that the compiler fuses into FMA
instructions, so flambeau's samples equal torch's bit for bit. Only the domain the kernel uses
is handled: ``log`` of (0, 1], ``sincos`` of [0, 2 pi).

Box-Muller through NumPy's own functions, rounded once to float32 from the float32 angle, is
not a cheaper way within one ulp: in float64 it takes as long and differs from torch's
samples by up to 3 ulps (38% of them by one or more); in float32 it is 5x faster and differs
by up to 5 ulps.
"""
import numpy as np

_F = np.float32
_LOG_P = tuple(float(_F(c)) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                                      -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                                      2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1))
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_FOPI = _F(1.27323954473516)  # 4 / pi
_TWO_PI = _F(6.283185307179586)
_DP = tuple(float(_F(c)) for c in (-0.78515625, -2.4187564849853515625e-4,
                                   -3.77489497744594108e-8))
_SIN_P = tuple(float(_F(c)) for c in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1))
_COS_P = tuple(float(_F(c)) for c in (2.443315711809948E-005, -1.388731625493765E-003,
                                      4.166664568298827E-002))
_SIN_COS_P = np.array(list(zip(_COS_P, _SIN_P)))  # per step: (cos, sin)


class _Fused:
    """float32 ``a * b + c`` rounded once, as the FMA instructions the compiler fuses into
    torch's kernel: the product of two float32 numbers is exact in float64, and the float64 sum
    stored to float32 rounds once (twice only in vanishingly rare ties). Two NumPy calls into
    a kept float64 scratch array."""
    __slots__ = ("wide",)

    def __init__(self, shape):
        self.wide = np.empty(shape)

    def __call__(self, a, b, c, out):
        np.multiply(a, b, out=self.wide, dtype=np.float64)
        return np.add(self.wide, c, out=out, casting="same_kind")


def log(x):
    """Natural logarithm of a float32 array of normal numbers in (0, 1]."""
    fused = _Fused(x.shape)
    x, e = np.frexp(x)  # x in [0.5, 1), e the exponent + 1 of torch's code
    small = x < _SQRTHF
    e = np.subtract(e, small, dtype=_F)  # below sqrt(1/2): one binade down, x = 2m - 1
    shift = x * small  # (adding 0 or m is exact)
    x -= 1
    x += shift
    z = x * x
    y = shift
    fused(x, _LOG_P[0], _LOG_P[1], y)
    for c in _LOG_P[2:]:
        fused(y, x, c, y)
    y *= x
    fused(y, z, e * _LOG_Q1, y)
    fused(z, -0.5, y, y)
    x += y
    return fused(e, _LOG_Q2, x, x)


def sincos(x):
    """(q, polynomials) for a float32 array ``x`` in [0, 2 pi): q = (trunc(x 4/pi) + 1) // 2
    (0 .. 4) and the cosine and sine polynomials of x - q pi/2 (shape (2,) + x.shape); q picks which
    polynomial gives the sine and cosine of x (swapped for odd q) and their signs (the sine's
    negative for q = 2, 3; the cosine's for q = 1, 2)."""
    fused = _Fused(x.shape)
    q = np.multiply(x, _FOPI).astype(np.int32)
    q += 1
    q >>= 1
    y = np.multiply(q, 2, dtype=_F)
    zx = np.empty((2,) + x.shape, _F)  # z = x^2 and the reduced x
    reduced = zx[1]
    fused(y, _DP[0], x, reduced)
    for dp in _DP[1:]:
        fused(y, dp, reduced, reduced)
    z = np.multiply(reduced, reduced, out=zx[0])
    both = _Fused(zx.shape)
    poly = np.empty_like(zx)
    coefficients = _SIN_COS_P.reshape((3, 2) + (1,) * x.ndim)
    both(z, coefficients[0], coefficients[1], poly)
    both(poly, z, coefficients[2], poly)
    poly *= z
    last = np.empty_like(zx)  # cos: poly z - z / 2, then + 1; sin: poly x + x
    np.multiply(z, _F(-0.5), out=last[0])
    last[1] = reduced
    both(poly, zx, last, poly)
    poly[0] += 1
    return q, poly


def radius(u):
    """``sqrt(-2 log(1 - u))`` for float32 uniforms ``u`` in [0, 1), float32."""
    r = log(1 - u)
    r *= -2
    return np.sqrt(r, out=r)


def cos_sin(u):
    """The cosine and sine of ``2 pi u`` for float32 uniforms ``u`` in [0, 1), float32: the
    polynomials of :func:`sincos`, swapped in odd octants, with their signs."""
    q, (cos, sin) = sincos(_TWO_PI * u)
    cos_bits, sin_bits = cos.view(np.int32), sin.view(np.int32)
    swap = cos_bits ^ sin_bits
    swap &= -(q & 1)
    cos_bits ^= swap
    sin_bits ^= swap
    sign = q & 2  # sine negative in octants 2 and 3
    sign <<= 30
    sin_bits ^= sign
    q += 1  # cosine negative in octants 1 and 2
    q &= 2
    q <<= 30
    cos_bits ^= q
    return cos, sin


def box_muller(u, out):
    """torch's AVX2 ``normal_fill_16``: for uniforms ``u`` of shape (blocks, 2, 8), the radius
    of ``u[:, 0]`` times the cosine (into ``out[:, 0]``) and the sine (into ``out[:, 1]``) of
    ``2 pi u[:, 1]``, float32. (torch puts the signs on the radius; a product's sign is the
    same either way.)"""
    r = radius(u[:, 0])
    cos, sin = cos_sin(u[:, 1])
    np.multiply(r, cos, out=out[:, 0])
    np.multiply(r, sin, out=out[:, 1])
    return out
