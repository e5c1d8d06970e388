"""The float32 logarithm, sine and cosine of torch's AVX2 normal kernel, operation for operation.

torch fills float32 tensors of 16 or more elements with normal samples through Cephes-style
polynomial approximations (``avx_mathfun.h``, after Julien Pommier's ``sse_mathfun``), which
differ from correctly rounded results by up to a few ulps. These NumPy versions repeat each
float32 operation in order, fusing the multiply-adds that the compiler fuses into FMA
instructions, so flambeau's samples equal torch's bit for bit. Only the domain the kernel uses
is handled: ``log`` of (0, 1], the sine and cosine of ``2 pi u`` for u in [0, 1).

A fused multiply-add of float32 numbers is computed in float64, where the product is exact and
the sum rounds once (twice only in vanishingly rare ties), then rounded to float32. The steps
keep float64 copies of their operands, since NumPy's ufuncs on mixed float32 and float64 arrays
are several times slower than two casts. Where torch's product is exact in float32 (by a power
of two, or by constants with few bits), the fused add is a plain float32 add; where a result
stays inside one binade over the whole domain, adding and subtracting a constant of that binade
(``_binade``) rounds it to float32 without casts. Over all 2^24 uniforms the results are those
of the operation-for-operation version bit for bit.

Box-Muller through NumPy's own functions, rounded once to float32 from the float32 angle, is
not a cheaper way within one ulp: in float64 it takes as long and differs from torch's
samples by up to 3 ulps (38% of them by one or more); in float32 it is 5x faster and differs
by up to 5 ulps.
"""
import numpy as np

_F, _F64 = np.float32, np.float64
_LOG_P = tuple(float(_F(c)) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                                      -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                                      2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1))
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)  # Q2 e: exact (Q2 has 9 bits)
_SQRTHF_BITS = int(_F(0.707106781186547524).view(np.int32))
_FOPI = _F(1.27323954473516)  # 4 / pi
_TWO_PI = _F(6.283185307179586)
# pi/2 in three parts; the first two have few bits, so q times them is exact in float32
_DP = (_F(-0.78515625), _F(-2.4187564849853515625e-4))
_TWO_DP3 = 2 * float(_F(-3.77489497744594108e-8))  # the third, twice: y = 2q


def _round(wide, narrow):
    """Rounds the float64 array ``wide`` to float32 values in place, through the float32
    ``narrow`` (which keeps them)."""
    np.copyto(narrow, wide, casting="same_kind")
    np.copyto(wide, narrow)


def _binade(c):
    """K with ``fl64(v + K) - K == fl32(v)`` for every v in the binade of ``c``: float64's
    spacing at K is float32's in that binade, and both round half to even."""
    return 1.5 * 2.0 ** (int(np.frexp(c)[1]) + 28)


def _polynomial(c0, c1, c2):
    """(c0, c1 + K1, K1, c2 + K2, K2) of the float32 coefficients, K of their binades."""
    c0, c1, c2 = (float(_F(c)) for c in (c0, c1, c2))
    k1, k2 = _binade(c1), _binade(c2)
    return c0, c1 + k1, k1, c2 + k2, k2


_SIN_P = _polynomial(-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)
_COS_P = _polynomial(2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)


def log(x):
    """Natural logarithm of a float32 array of normal numbers in (0, 1]."""
    # x = 2^e (1 + m) with 1 + m in [sqrt(1/2), sqrt(2)), from the bits: torch takes frexp's
    # mantissa, and below sqrt(1/2) doubles it and lowers the exponent
    bits = x.view(np.int32) - _SQRTHF_BITS
    e = (bits >> 23).astype(_F)
    bits &= 0x7FFFFF
    bits += _SQRTHF_BITS
    m = bits.view(_F)
    m -= 1
    x, z = m, m * m
    narrow = np.empty_like(x)
    wide = x.astype(_F64)
    y = np.multiply(wide, _LOG_P[0])
    y += _LOG_P[1]
    _round(y, narrow)
    for c in _LOG_P[2:]:
        y *= wide
        y += c
        _round(y, narrow)
    y *= wide
    _round(y, narrow)
    y *= z
    y += e * _LOG_Q1
    np.copyto(narrow, y, casting="same_kind")
    z *= -0.5
    narrow += z
    narrow += x
    e *= _LOG_Q2
    narrow += e
    return narrow


def radius(u):
    """``sqrt(-2 log(1 - u))`` for float32 uniforms ``u`` in [0, 1), float32."""
    r = log(1 - u)
    r *= -2
    return np.sqrt(r, out=r)


def _poly(z, coefficients, narrow):
    """``((c0 z + c1) z + c2) z`` for the float64 copy ``z`` of float32 numbers, fused and
    rounded as torch's kernel does, as float64 (and in the float32 ``narrow``). The first two
    steps stay inside one binade (those of c1 and c2) over the kernel's domain."""
    c0, c1k1, k1, c2k2, k2 = coefficients
    p = np.multiply(z, c0)
    p += c1k1
    p -= k1
    p *= z
    p += c2k2
    p -= k2
    p *= z
    _round(p, narrow)
    return p


def cos_sin(u, out=None):
    """The cosine and sine of ``2 pi u`` for float32 uniforms ``u`` in [0, 1), as the float32
    array ``out`` of shape (2,) + u.shape (new if None). torch reduces x = 2 pi u by q pi/2,
    q = (trunc(x 4/pi) + 1) // 2 (0 .. 4), to r, evaluates the cosine and sine polynomials of r,
    swaps them for odd q and negates the sine for q = 2, 3 and the cosine for q = 1, 2."""
    x = _TWO_PI * u
    q = np.multiply(x, _FOPI).astype(np.int32)
    q += 1
    q >>= 1
    y = q.astype(_F)
    y += y
    r = y * _DP[0]
    r += x
    x = np.multiply(y, _DP[1], out=x)
    r += x
    wide = q.astype(_F64)
    wide *= _TWO_DP3
    wide += r.astype(_F64)
    np.copyto(r, wide, casting="same_kind")
    z = r * r
    z_wide = z.astype(_F64)
    if out is None:
        out = np.empty((2,) + u.shape, _F)
    cos, sin = out
    p = _poly(z_wide, _SIN_P, sin)  # sin: p r + r
    r_wide = r.astype(_F64)
    p *= r_wide
    p += r_wide
    np.copyto(sin, p, casting="same_kind")
    p = _poly(z_wide, _COS_P, cos)  # cos: p z - z / 2, then + 1
    p *= z_wide
    z_wide *= 0.5
    p -= z_wide
    np.copyto(cos, p, casting="same_kind")
    cos += 1
    bits = out.view(np.int32)
    swap = np.bitwise_xor(bits[0], bits[1])
    odd = q << 31
    odd >>= 31  # all ones for odd q
    swap &= odd
    bits ^= swap
    sign = q & 2  # sine negative in octants 2 and 3
    sign <<= 30
    bits[1] ^= sign
    q += 1  # cosine negative in octants 1 and 2
    q &= 2
    q <<= 30
    bits[0] ^= q
    return out


_EIGHT = np.dtype((np.void, 32))  # 8 float32 numbers, half a block of 16


def _transposed(a, out):
    """``out[j, i] = a[i, j]`` for C-contiguous float32 arrays of shapes (m, k, 8) and
    (k, m, 8), copying 8 numbers as one item (NumPy loops over runs of 8 slowly)."""
    m, k = a.shape[:2]
    np.copyto(out.reshape(k, m * 8).view(_EIGHT), a.reshape(m, k * 8).view(_EIGHT).T)
    return out


def box_muller(u, out):
    """torch's AVX2 ``normal_fill_16``: for uniforms ``u`` of shape (blocks, 2, 8), the radius
    of ``u[:, 0]`` times the cosine (into ``out[:, 0]``) and the sine (into ``out[:, 1]``) of
    ``2 pi u[:, 1]``, float32; both C-contiguous. (torch puts the signs on the radius; a
    product's sign is the same either way.)"""
    halves = _transposed(u, np.empty((2,) + u.shape[:1] + (8,), _F))
    products = cos_sin(halves[1])
    products *= radius(halves[0])
    return _transposed(products, out)
