"""The float32 logarithm, sine and cosine of torch's AVX2 normal kernel, operation for operation.

torch fills float32 tensors of 16 or more elements with normal samples through Cephes-style
polynomial approximations (``avx_mathfun.h``, after Julien Pommier's ``sse_mathfun``), which
differ from correctly rounded results by up to a few ulps. These NumPy versions repeat each
float32 operation in order, fusing the multiply-adds that the compiler fuses into FMA
instructions, so flambeau's samples equal torch's bit for bit. Only the domain the kernel uses
is handled: ``log`` of (0, 1], ``sincos`` of [0, 2 pi).
"""
import numpy as np

from ._fma import fma32 as _fma

_F = np.float32
_LOG_P = tuple(_F(c) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                               -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                               2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1))
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_FOPI = _F(1.27323954473516)  # 4 / pi
_DP = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_SIN_P = (_F(-1.9515295891E-4), _F(8.3321608736E-3), _F(-1.6666654611E-1))
_COS_P = (_F(2.443315711809948E-005), _F(-1.388731625493765E-003), _F(4.166664568298827E-002))
_HALF, _ONE = _F(0.5), _F(1.0)


def log(x):
    """Natural logarithm of a float32 array of normal numbers in (0, 1]."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(_F)  # exponent + 1 of the mantissa in [0.5, 1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_F)
    small = m < _SQRTHF
    e -= small  # below sqrt(1/2): one binade down, x = 2m - 1
    x = m - _ONE
    x += np.where(small, m, _F(0))
    z = x * x
    y = _fma(_LOG_P[0], x, _LOG_P[1])
    for c in _LOG_P[2:]:
        y = _fma(y, x, c)
    y *= x
    y = _fma(y, z, e * _LOG_Q1)
    y = _fma(z, -_HALF, y)
    x += y
    return _fma(e, _LOG_Q2, x)


def sincos(x):
    """(sine, cosine) of a float32 array in [0, 2 pi)."""
    j = (x * _FOPI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(_F)
    for dp in _DP:
        x = _fma(y, dp, x)
    z = x * x
    cos_poly = _fma(_fma(_COS_P[0], z, _COS_P[1]), z, _COS_P[2])
    cos_poly *= z
    cos_poly = _fma(cos_poly, z, -(z * _HALF))
    cos_poly += _ONE
    sin_poly = _fma(_fma(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2])
    sin_poly *= z
    sin_poly = _fma(sin_poly, x, x)
    first = (j & 2) == 0  # the octant decides which polynomial is the sine
    sin = np.where(first, sin_poly, cos_poly)
    cos = np.where(first, cos_poly, sin_poly)
    np.negative(sin, out=sin, where=(j & 4) != 0)
    np.negative(cos, out=cos, where=((j - 2) & 4) == 0)
    return sin, cos
