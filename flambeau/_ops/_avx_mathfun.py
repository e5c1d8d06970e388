"""The float32 logarithm, sine and cosine of torch's AVX2 normal kernel, operation for operation.

torch fills float32 tensors of 16 or more elements with normal samples through Cephes-style
polynomial approximations (``avx_mathfun.h``, after Julien Pommier's ``sse_mathfun``), which
differ from correctly rounded results by up to a few ulps. These NumPy versions repeat each
float32 operation in order, fusing the multiply-adds that the compiler fuses into FMA
instructions, so flambeau's samples equal torch's bit for bit. Only the domain the kernel uses
is handled: ``log`` of (0, 1], ``sincos`` of [0, 2 pi).
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
    """Natural logarithm of a float32 array of normal numbers in (0, 1] (overwritten)."""
    fused = _Fused(x.shape)
    bits = x.view(np.int32)
    e = bits >> 23
    e -= 126  # the exponent + 1 of the mantissa in [0.5, 1)
    e = e.astype(_F)
    bits &= ~0x7F800000
    bits |= 0x3F000000
    small = x < _SQRTHF
    e -= small  # below sqrt(1/2): one binade down, x = 2m - 1 (adding 0 or m is exact)
    shift = x * small
    x -= 1
    x += shift
    z = x * x
    y = np.empty_like(x)
    fused(x, _LOG_P[0], _LOG_P[1], y)
    for c in _LOG_P[2:]:
        fused(y, x, c, y)
    y *= x
    fused(y, z, e * _LOG_Q1, y)
    fused(z, -0.5, y, y)
    x += y
    return fused(e, _LOG_Q2, x, x)


def sincos(x):
    """(sine, cosine) of a float32 array in [0, 2 pi) (overwritten)."""
    fused = _Fused(x.shape)
    j = (x * _FOPI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(_F)
    for dp in _DP:
        fused(y, dp, x, x)
    z = x * x
    cos, sin = np.empty_like(x), np.empty_like(x)
    fused(z, _COS_P[0], _COS_P[1], cos)
    fused(cos, z, _COS_P[2], cos)
    cos *= z
    fused(cos, z, z * _F(-0.5), cos)
    cos += 1
    fused(z, _SIN_P[0], _SIN_P[1], sin)
    fused(sin, z, _SIN_P[2], sin)
    sin *= z
    fused(sin, x, x, sin)
    # the octant picks the polynomial and the signs: bit selects, as the AVX code does
    sin_bits, cos_bits = sin.view(np.int32), cos.view(np.int32)
    swap = sin_bits ^ cos_bits
    swap &= -((j >> 1) & 1)  # all ones where the polynomials trade places
    sin_bits ^= swap
    cos_bits ^= swap
    sin_bits ^= (j & 4) << 29  # the sign bit
    j -= 2
    cos_bits ^= (~j & 4) << 29
    return sin, cos


def box_muller(u, out):
    """torch's AVX2 ``normal_fill_16``: for uniforms ``u`` of shape (blocks, 2, 8), the radius
    ``sqrt(-2 log(1 - u[:, 0]))`` times the cosine (into ``out[:, 0]``) and the sine (into
    ``out[:, 1]``) of ``2 pi u[:, 1]``, float32."""
    radius = log(1 - u[:, 0])
    radius *= -2
    np.sqrt(radius, out=radius)
    sin, cos = sincos(_TWO_PI * u[:, 1])
    np.multiply(radius, cos, out=out[:, 0], casting="same_kind")
    np.multiply(radius, sin, out=out[:, 1], casting="same_kind")
    return out
