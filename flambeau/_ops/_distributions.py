"""torch's CPU sampling kernels on flat NumPy arrays, drawing from an :class:`MT19937` engine.

Each function returns the ``n`` values torch's kernel writes, in the order it writes them (the
caller lays them out in memory order), consuming the engine's stream exactly as torch does, so
the values and the generator's state afterwards are torch's. Floating-point steps follow the
kernels' own precision, including the multiply-adds the compiler fuses.
"""
import math

import numpy as np

from . import _avx_mathfun
from ._fma import fma32, fma64
from ._mt19937 import Scalars

DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}  # mantissa digits
_THIRD, _SQUEEZE = float(np.float32(1 / 3)), float(np.float32(0.0331))  # torch's float literals


_PLAIN_DIGITS = {"float32": 24, "float64": 53}  # uniform_(0, 1) draws no more than u
_CHUNK = 1 << 16  # elements drawn at a time: the scratch arrays stay in the CPU's L2 cache


def uniform(engine, n, dtype, low=0.0, high=1.0, out=None):
    """``uniform_(low, high)`` into ``out`` (flat, of the dtype; a new array if None), a chunk
    at a time: ``u * (high - low) + low`` in float32 from 24-bit uniforms for every dtype but
    float64 (53-bit, in float64), cast to the dtype; a value that rounds up to ``high``
    becomes ``low``."""
    name = dtype._name
    if out is None:
        out = np.empty(n, dtype.numpy_dtype)
    if low == 0.0 and high == 1.0 and name in _PLAIN_DIGITS:  # the uniforms themselves
        if name == "float32" and n <= SMALL:
            out[...] = engine.uniform32(n)
            return out
        digits = _PLAIN_DIGITS[name]
        for start in range(0, n, _CHUNK):
            engine.uniform(min(n - start, _CHUNK), digits, out[start:start + _CHUNK])
        return out
    kind = dtype.numpy_dtype.type
    if name == "float64":
        reach = True
    else:  # k 2^-24 (high - low) + low: the product is exact in float64, one rounding
        low32 = np.float32(low)
        scale = float(np.float32(high) - low32) * 2.0 ** -24
        # whether the largest value rounds up to high (the values rise with k)
        reach = kind(np.float32((2 ** 24 - 1) * scale + low32)) >= kind(high)
    for start in range(0, n, _CHUNK):
        part = out[start:start + _CHUNK]
        if name == "float64":
            engine.uniform(part.size, 53, part)
            part[...] = fma64(part, high - low, low)
        else:
            wide = np.multiply(engine.low_bits(part.size, 24), scale)
            if low32:
                wide += low32
            if name == "float32":
                np.copyto(part, wide, casting="same_kind")
            else:  # rounded to float32 first, as torch computes in float32
                part[...] = wide.astype(np.float32)
        if reach:
            part[part == kind(high)] = kind(low)
    return out


def normal(engine, n, dtype, mean=0.0, std=1.0, contiguous=True, out=None):
    """``normal_(mean, std)`` into ``out`` (flat, of the dtype; a new array if None): torch's
    vectorised fill for contiguous tensors of 16 or more elements, its scalar path (float64
    Box-Muller with a cached sample) otherwise."""
    if out is None:
        out = np.empty(n, dtype.numpy_dtype)
    if n >= 16 and contiguous:
        return _normal_fill(engine, n, dtype._name, mean, std, out)
    z = engine.normal(n)
    if mean != 0.0 or std != 1.0:
        z = fma64(z, std, mean)
    out[...] = z
    return out


def _normal_fill(engine, n, name, mean, std, out):
    """Uniforms for all n, Box-Muller on blocks of 16 (first 8 give the radius, last 8 the
    angle), a chunk of blocks at a time; when 16 does not divide n, 16 fresh uniforms redo the
    last 16 values. float32, float16 and bfloat16 use torch's AVX2 approximations in float32
    (the half types drawing no uniforms for the elements past the last whole block), float64
    its own precision."""
    if name == "float32" and n <= SMALL:
        return normal32_ahead(engine, n, out, mean, std)
    whole = n - n % 16
    digits = 53 if name == "float64" else 24
    for start in range(0, whole, _CHUNK):
        part = out[start:min(start + _CHUNK, whole)]
        _normal_16(engine.uniform(part.size, digits), part, name, mean, std)
    if whole < n:
        if name in ("float32", "float64"):  # torch drew these uniforms before the redraw
            engine.raw((n - whole) * (2 if digits == 53 else 1))
        _normal_16(engine.uniform(16, digits), out[n - 16:], name, mean, std)
    return out


SMALL = 4096  # float32 draws up to this size take the values the engine computed ahead


def normal32_ahead(engine, n, out, mean=0.0, std=1.0):
    """:func:`_normal_fill` for float32 (n >= 16) from the normals the engine computed ahead,
    into the flat float32 ``out``."""
    whole = n - n % 16
    out[:whole] = engine.normal32(whole)
    if whole < n:
        engine.uniform32(n - whole)  # torch drew these uniforms before the redraw
        out[n - 16:] = engine.normal32(16)
    if mean != 0.0 or std != 1.0:
        fma32(out, np.float32(std), np.float32(mean), out=out)
    return out


def _normal_16(u, out, name, mean, std):
    """Normals from the uniforms ``u`` (blocks of 16), written into ``out`` (of the dtype)."""
    u = u.reshape(-1, 2, 8)
    scaled = mean != 0.0 or std != 1.0
    if name != "float64":  # float16 and bfloat16 too: float32's kernel, then rounded
        z = out.reshape(u.shape) if name == "float32" else np.empty(u.shape, np.float32)
        _avx_mathfun.box_muller(u, z)
        if scaled:
            fma32(z, np.float32(std), np.float32(mean), out=z)
        if name != "float32":
            out[...] = z.reshape(-1)
        return
    radius = np.log(1 - u[:, 0])
    radius *= -2
    np.sqrt(radius, out=radius)
    theta = 2.0 * math.pi * u[:, 1]
    z = out.reshape(u.shape)
    np.multiply(radius, np.cos(theta), out=z[:, 0])
    np.multiply(radius, np.sin(theta), out=z[:, 1])
    if scaled:
        out[...] = fma64(out, std, mean)


def from_to(engine, n, dtype, span, base):
    """``random_(from, to)``: ``draw % span + base``, from 64-bit draws for spans of 2^28 or
    more (torch's threshold), else from 32-bit ones."""
    draws = _remainder(engine.random64(n) if span >= 2 ** 28 else engine.raw(n), span)
    out = draws.view(np.int64)
    if base:
        out += base
    return out if dtype._name == "int64" else out.astype(dtype.numpy_dtype)


def _remainder(draws, span):
    """``draws %= span`` on a uint64 array, returned. NumPy divides by a scalar with libdivide's
    multiply and shift but takes the remainder by hardware division, ten times slower: large
    arrays subtract the multiples instead, a chunk at a time (a temporary of the draws' size
    would cost more in fresh memory than in arithmetic)."""
    if draws.size < 1024:
        draws %= span
        return draws
    scratch = np.empty(min(draws.size, _CHUNK), np.uint64)
    for start in range(0, draws.size, _CHUNK):
        part = draws[start:start + _CHUNK]
        multiples = np.floor_divide(part, span, out=scratch[:part.size])
        multiples *= span
        part -= multiples
    return draws


def full_range(engine, n, dtype):
    """``random_(-2^63)`` on int64 (and the floats torch allows): 64-bit draws as int64."""
    return engine.random64(n).view(np.int64).astype(dtype.numpy_dtype, copy=False)


def random(engine, n, dtype):
    """``random_()``: a 32-bit draw (64-bit for int64 and float64) modulo the dtype's range:
    ``max + 1`` for integers, ``2^digits + 1`` for floats, the lowest bit for bool."""
    name = dtype._name
    draws = engine.random64(n) if name in ("int64", "float64") else engine.raw(n)
    if name == "bool":
        draws &= 1
    else:
        _remainder(draws, 2 ** DIGITS[name] + 1 if name in DIGITS else
                   int(np.iinfo(dtype.numpy_dtype).max) + 1)
    return draws.astype(dtype.numpy_dtype, copy=False)


def _in_chunks(n, numpy_dtype, out, values):
    """``values(size)`` for the next ``size`` elements, a chunk at a time, written into ``out``
    (flat, of the NumPy dtype; a new array if None): no temporary larger than a chunk."""
    if out is None:
        out = np.empty(n, numpy_dtype)
    for start in range(0, n, _CHUNK):
        part = out[start:start + _CHUNK]
        part[...] = values(part.size)
    return out


def bernoulli(engine, n, p, numpy_dtype, out=None):
    """``bernoulli_(p)`` with a float p: a 53-bit uniform below p. (torch on Intel CPUs with
    MKL uses MKL's own stream instead; see :class:`flambeau.Generator`.)"""
    return _in_chunks(n, numpy_dtype, out, lambda size: engine.uniform(size, 53) < p)


def bernoulli_tensor(engine, probs, numpy_dtype):
    """``bernoulli_(p)`` with a tensor p (flat, one per element): float64 p compares a 53-bit
    uniform, any other a float32 one."""
    if probs.dtype == np.float64:
        hits = engine.uniform(probs.size, 53) < probs
    else:
        hits = engine.uniform(probs.size, 24) < probs.astype(np.float32, copy=False)
    return hits.astype(numpy_dtype, copy=False)


def exponential(engine, n, lambd, numpy_dtype=np.float64, out=None):
    """``exponential_(lambd)``: ``-1/lambd * log1p(-u)`` in float64."""
    def values(size):
        v = np.log1p(-engine.uniform(size, 53))
        v *= -1.0 / lambd
        return v
    return _in_chunks(n, numpy_dtype, out, values)


def cauchy(engine, n, median, sigma, numpy_dtype=np.float64, out=None):
    """``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))`` in float64."""
    def values(size):
        u = engine.uniform(size, 53)
        u -= 0.5
        u *= math.pi
        return fma64(np.tan(u, out=u), sigma, median)
    return _in_chunks(n, numpy_dtype, out, values)


def geometric(engine, n, p, numpy_dtype=np.float64, out=None):
    """``geometric_(p)``: ``ceil(log(u) / log1p(-p))`` in float64."""
    def values(size):
        v = np.log(engine.uniform(size, 53))
        v /= math.log1p(-p)
        return np.ceil(v, out=v)
    return _in_chunks(n, numpy_dtype, out, values)


def log_normal(engine, n, mean, std, numpy_dtype=np.float64, out=None):
    """``log_normal_(mean, std)``: exp of torch's scalar normal path, float64."""
    return _in_chunks(n, numpy_dtype, out,
                      lambda size: np.exp(fma64(engine.normal(size), std, mean)))


def randperm(engine, n):
    """torch's shuffle of ``0 .. n-1`` (int64): for n below 2^32 / 20, Fisher-Yates swapping
    position i with ``i + random() % (n - i)`` for i = 0 .. n-2; above, the inside-out variant
    with 64-bit draws (a Python loop: n is then in the hundreds of millions)."""
    if n < 2 ** 32 // 20:
        if n < 2:
            return np.arange(n)
        targets = engine.raw(n - 1)
        targets %= np.arange(n, 1, -1, dtype=np.uint64)
        targets = targets.view(np.int64)
        targets += np.arange(n - 1)
        return _swaps(targets) if n < _LOOP_BELOW else _swaps_at_once(targets)
    perm = list(range(n))
    draws = engine.random64(n)
    draws %= np.arange(1, n + 1, dtype=np.uint64)
    for i, j in enumerate(draws.tolist()):
        perm[i] = perm[j]
        perm[j] = i
    return np.array(perm, np.int64)


_LOOP_BELOW = 512  # sizes for which the plain loop beats the vectorised equivalent


def _swaps(targets):
    """The identity permutation after swapping positions i and ``targets[i]`` in turn."""
    perm = list(range(len(targets) + 1))
    for i, j in enumerate(targets.tolist()):
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, np.int64)


def _swaps_at_once(targets):
    """:func:`_swaps` without a Python loop over the swaps (``targets[i] >= i``, n < 2^31).

    Position i ends with the value that position ``targets[i]`` held just before step i: the
    value that the latest earlier step with the same target left there, or, if none, the
    position's own initial value. And what step m leaves at its target is ``D[m]``, the value at
    position m just before step m, which is in turn what the latest earlier step targeting m
    left there (or m). So it takes the steps grouped by target in step order (one sort of
    ``target * 2^32 + step``), then D by pointer jumping along the chains of earlier writers.
    """
    n = len(targets) + 1
    steps = np.arange(n - 1)
    keys = targets << 32
    keys |= steps
    keys.sort()
    order, grouped = keys & 0xFFFFFFFF, keys >> 32
    same = grouped[1:] == grouped[:-1]
    repeats = np.flatnonzero(same)
    later, earlier = order[repeats + 1], order[repeats]  # steps after one with their target
    last = np.append(np.flatnonzero(~same), n - 2)  # each target's latest step
    writer = np.full(n, -1)  # the latest step targeting each position
    writer[grouped[last]] = order[last]
    # a step targeting its own position (the latest that does) acts after it: the writer
    # before it is the step with its target before it, if any
    writer[np.flatnonzero(targets == steps)] = -1
    own = grouped[repeats + 1] == later
    writer[later[own]] = earlier[own]
    value = np.arange(n)  # D, by pointer jumping to the position no earlier step targets
    pending = np.flatnonzero(writer >= 0)
    value[pending] = writer[pending]
    while pending.size:  # only the chains not yet at their root jump again
        up = value[value[pending]]
        value[pending] = up
        pending = pending[value[up] != up]
    out = np.empty(n, np.int64)
    out[:-1] = targets
    out[later] = value[earlier]
    out[-1] = value[-1]
    return out


def poisson(engine, rates):
    """Poisson counts (float64) for the flat float64 ``rates``, one rejection loop each, as
    torch's ``sample_poisson``: Hoermann's transformed rejection for rates of 10 or more, the
    product of uniforms below."""
    draws = Scalars(engine)
    try:
        return np.array([_poisson_one(rate, draws.uniform) for rate in rates.tolist()],
                        np.float64)
    finally:
        draws.close()


def _poisson_one(rate, uniform):
    if rate >= 10:
        slam, loglam = math.sqrt(rate), math.log(rate)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + rate + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -rate + k * loglam - math.lgamma(k + 1.0)):
                return k
    if rate == 0:
        return 0
    count, prod, limit = 0, 1.0, math.exp(-rate)
    while True:
        prod *= uniform()
        if prod <= limit:
            return count
        count += 1


def gamma(engine, alphas, single=False):
    """Standard gamma samples (float64) for the flat ``alphas``, as torch's ``sample_gamma``:
    Marsaglia and Tsang's rejection, boosted for alpha < 1, from float64 uniforms and the scalar
    normal path (whose cached sample it shares). ``single``: the alphas are float32, and the
    steps torch writes on them round to float32."""
    draws = Scalars(engine)
    rounded = np.float32 if single else float
    try:
        return np.array([_gamma_one(alpha, draws, rounded) for alpha in alphas.tolist()],
                        np.float64)
    finally:
        draws.close()


def _gamma_one(alpha, draws, rounded):
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= (1 - draws.uniform()) ** float(rounded(1.0) / rounded(alpha))
        alpha = rounded(alpha) + rounded(1.0)
    d = float(rounded(alpha) - rounded(_THIRD))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = draws.normal()
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1 - draws.uniform()
        xx = x * x
        if u < 1.0 - _SQUEEZE * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v
