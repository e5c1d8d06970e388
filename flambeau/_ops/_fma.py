"""Fused multiply-add on NumPy arrays: ``a * b + c`` rounded once.

torch's CPU kernels are compiled with FMA instructions and the compiler fuses ``x * y + z``
into one, so reproducing their results bit for bit needs the single rounding.
"""
import numpy as np


def fma32(a, b, c, out=None):
    """float32 ``a * b + c`` (into the float32 ``out`` if given): the product is exact in
    float64, so only the float64 sum rounds before the float32 result (a double rounding that
    is vanishingly rare)."""
    wide = np.multiply(a, b, dtype=np.float64)
    if out is None:
        wide += c
        return wide.astype(np.float32)
    return np.add(wide, c, out=out, casting="same_kind")  # a float64 sum, rounded on storing


def _split(x):
    """Veltkamp's split of float64 ``x`` into two halves of 26 bits whose sum is ``x``."""
    t = x * 134217729.0  # 2^27 + 1
    high = t - (t - x)
    return high, x - high


def fma64(a, b, c):
    """float64 ``a * b + c`` for an array ``a`` and floats ``b``, ``c``: the product's rounding
    error (Dekker) and the sum's (Knuth) are added back before the one final rounding."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(np.float64(b))
    err = ah * bh - p
    err += ah * bl
    err += al * bh
    err += al * bl
    s = p + c
    back = s - p
    err += (p - (s - back)) + (c - back)
    s += err
    return s


def fma(a, b, c, out=None):
    """``a * b + c`` rounded once for float32 and float64 arrays (``a``'s dtype; other dtypes
    round twice), into ``out`` when given."""
    if a.dtype == np.float32:
        return fma32(a, b, c, out=out)
    result = fma64(a, b, c) if a.dtype == np.float64 else a * b + c
    if out is None:
        return result
    out[...] = result
    return out
