"""torch's CPU generator: a Mersenne Twister (mt19937) and the ways torch's kernels read it.

NumPy's ``MT19937`` bit generator, seeded by the classic ``init_genrand`` with the low 32 bits
of the seed, yields the same raw 32-bit stream as torch's engine; this module keeps it together
with the two cached normal samples torch's generator holds, converts the state to and from
torch's 5056-byte layout, and draws the numbers torch's samplers are built on:

- ``raw(n)``: n raw 32-bit draws; ``random64(n)``: n 64-bit draws, each two 32-bit ones,
  the first in the high half;
- ``uniform(n, digits)``: ``(raw & (2^digits - 1)) / 2^digits``, 24 digits (float32, from
  ``raw``; torch draws float16 and bfloat16 this way too) or 53 (float64, from
  ``random64``);
- ``normal(n)``: torch's scalar normal (``normal_distribution<double>``): Box-Muller on two
  53-bit uniforms, the sine half cached for the next call;
- ``uniform32(n)``: the float32 24-bit uniforms of the next n draws, and ``normal32(n)``:
  torch's float32 vectorised normals made from them (see :meth:`MT19937.normal32`);
- :class:`Scalars`: a Python-level reader for the samplers whose number of draws depends on
  the values (rejection loops).

Small float32 fills would cost more in NumPy calls than in arithmetic (a hundred calls for
normals), so the engine may draw ahead: it keeps a block of future draws with their uniforms
(and, when first asked for, the normals of its blocks of 16) computed together,
serves every reader from that block first, and replays the stream from the block's start when
the state is read.
"""
import functools
import math

import numpy as np

from . import _avx_mathfun

STATE_SIZE = 5056
_N = 624  # words of mt19937 state
_STATE = np.dtype({  # torch's CPUGeneratorImplState, little-endian, C layout with its padding
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho",
              "normal_is_valid", "next_float", "float_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _N), "<f8", "<f8", "<f8", "<i4", "<f4",
                "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": STATE_SIZE})


@functools.lru_cache(maxsize=16)
def _seeded_key(seed):
    """mt19937's state words after ``init_genrand(seed & 0xffffffff)`` (read-only: shared by
    the calls with the same seed)."""
    key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]
    key.flags.writeable = False
    return key


_AHEAD = 1 << 14  # words drawn ahead for small float32 normal fills
_REPLAY_LIMIT = 1 << 20  # words replayed at most to find the state inside the drawn-ahead block


class MT19937:
    """The engine and normal caches of one torch CPU generator."""
    __slots__ = ("seed", "bits", "fresh", "normal_double", "normal_float", "_ahead", "_used",
                 "_uniforms", "_normals", "_origin", "_skip", "_replay")

    def __init__(self, seed):
        self._ahead = self._origin = self._uniforms = self._replay = None
        self._normals = {}
        self._used = self._skip = 0
        self.seed = seed  # the bit generator is made on first use (see __getattr__)
        self.normal_double = self.normal_float = None

    def __getattr__(self, name):
        """Makes ``bits`` and ``fresh`` when first read (only unset slots come here), so that
        ``import flambeau`` does not load ``numpy.random``."""
        if name != "bits" and name != "fresh":
            raise AttributeError(f"'MT19937' object has no attribute '{name}'")
        self.bits = np.random.MT19937(0)  # any seed: the seeded key replaces the state
        self.fresh = self.bits.random_raw
        self._set(_seeded_key(self.seed), _N)
        return getattr(self, name)

    def manual_seed(self, seed):
        """Seeds as torch does: ``seed`` (0 <= seed < 2^64) is kept, its low 32 bits seed the
        engine, and both cached normals are dropped."""
        self.seed = seed
        self._set(_seeded_key(seed), _N)
        self.normal_double = self.normal_float = None

    def _set(self, key, pos):
        self._ahead = None
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    # ---- drawing ahead ---------------------------------------------------------------------
    # While a block is drawn ahead, ``bits`` stands at its end: the stream's true position is
    # ``_skip + _used`` words after the bit generator state ``_origin``.

    def _bits_state(self):
        """The bit generator's state at the stream's true position, which becomes the origin
        that later reads replay from."""
        if self._ahead is None:
            return self.bits.state
        replay = self._replay
        if replay is None:  # made once: making a bit generator costs more than a replay
            replay = self._replay = np.random.MT19937(0)
        replay.state = self._origin
        replay.random_raw(self._skip + self._used)
        self._origin, self._skip = replay.state, -self._used
        return self._origin

    def settle(self):
        """Drops the drawn-ahead block, moving ``bits`` back to the stream's true position."""
        if self._ahead is not None:
            self.bits.state = self._bits_state()
            self._ahead = None

    def _block(self, n):
        """Makes sure the block drawn ahead has n draws left past ``_used``, drawing a new one
        (which opens with the old one's unused draws, its uniforms computed) if not."""
        ahead, used = self._ahead, self._used
        if ahead is not None and used + n <= len(ahead):
            return
        if ahead is None or self._skip + used > _REPLAY_LIMIT:
            self.settle()
            self._origin, self._skip = self.bits.state, 0
            rest = self.fresh(0)
        else:  # the block's unused draws open the next one
            self._skip += used
            rest = ahead[used:]
        ahead = self._ahead = np.concatenate((rest, self.fresh(max(_AHEAD, n))))
        self._used = 0
        u = self._uniforms = np.bitwise_and(ahead, 0xFFFFFF).astype(np.float32)
        u *= np.float32(2.0 ** -24)
        self._normals = {}

    def uniform32(self, n):
        """The 24-bit float32 uniforms of the next n draws (a view into the block drawn
        ahead)."""
        used = self._used
        end = used + n
        if self._ahead is None or end > len(self._ahead):
            self._block(n)
            used, end = 0, n
        self._used = end
        return self._uniforms[used:end]

    def normal32(self, n):
        """torch's float32 vectorised normals (``normal_fill_16``) for the next n draws, n a
        multiple of 16 (a view into the block drawn ahead): each block of 16 draws gives 16
        normals, the radius ``sqrt(-2 log(1 - u))`` of its first 8 uniforms times the cosine
        (first 8 normals) and the sine (last 8) of ``2 pi u'``, u' its last 8 uniforms.
        Computed together for all the blocks drawn ahead that start where this one does
        modulo 16 (successive fills of whole blocks keep to one such phase)."""
        self._block(n + 16)
        used = self._used
        phase = used % 16
        normals = self._normals.get(phase)
        if normals is None:
            u = self._uniforms
            blocks = (len(u) - phase) // 16
            normals = self._normals[phase] = np.empty(len(u), np.float32)
            end = phase + 16 * blocks
            _avx_mathfun.box_muller(u[phase:end].reshape(blocks, 2, 8),
                                    normals[phase:end].reshape(blocks, 2, 8))
        self._used = used + n
        return normals[used:used + n]

    def raw(self, n):
        """n raw 32-bit draws (a new uint64 array), from the block drawn ahead first."""
        ahead = self._ahead
        if ahead is None:
            return self.fresh(n)
        used = self._used
        if used + n <= len(ahead):
            self._used = used + n
            return ahead[used:used + n].copy()
        self._ahead = None
        return np.concatenate((ahead[used:], self.fresh(used + n - len(ahead))))

    # ---- torch's state bytes ---------------------------------------------------------------

    def get_state(self):
        """torch's 5056 state bytes (uint8 array)."""
        state = self._bits_state()["state"]
        key, pos = state["key"], state["pos"]
        record = np.zeros((), _STATE)
        record["seed"], record["seeded"], record["state"] = self.seed, 1, key
        # torch counts the words left before it regenerates and the index of the next one;
        # right after seeding it has regenerated nothing yet (next 0, left 1)
        fresh = pos == _N and np.array_equal(key, _seeded_key(self.seed))
        record["next"], record["left"] = (0, 1) if fresh else (pos, _N + 1 - pos)
        if self.normal_double is not None:
            record["normal_is_valid"], record["normal_y"] = 1, self.normal_double
        if self.normal_float is not None:
            record["float_is_valid"], record["next_float"] = 1, self.normal_float
        return np.frombuffer(record.tobytes(), np.uint8).copy()

    def set_state(self, data):
        """Restores from torch's state bytes; raises ValueError for an invalid mt19937 state."""
        record = np.frombuffer(np.ascontiguousarray(data, np.uint8).tobytes(), _STATE)[0]
        left, nxt = int(record["left"]), int(record["next"])
        if not (record["seeded"] and 0 < left <= _N and nxt <= _N):
            raise ValueError("Invalid mt19937 state")
        self._set(record["state"].astype(np.uint32), _N + 1 - left)
        self.seed = int(record["seed"])
        self.normal_double = float(record["normal_y"]) if record["normal_is_valid"] else None
        self.normal_float = float(record["next_float"]) if record["float_is_valid"] else None

    # ---- draws -----------------------------------------------------------------------------

    def random64(self, n):
        """n 64-bit draws: two 32-bit ones each, the first in the high half (uint64 array)."""
        pairs = self.raw(2 * n).reshape(n, 2)
        high = pairs[:, 0]
        high <<= 32
        high |= pairs[:, 1]
        return high

    def low_bits(self, n, digits):
        """The low ``digits`` (< 32) bits of n raw draws (int32 array), in one pass over the
        draws' low halves."""
        return np.bitwise_and(self.raw(n).view(np.uint32)[::2], (1 << digits) - 1,
                              dtype=np.int32, casting="unsafe")

    def uniform(self, n, digits, out=None):
        """n uniforms on [0, 1) from ``digits`` random bits, as torch's
        ``uniform_real_distribution``: float32 (digits <= 24, from ``raw``) or float64
        (53, from ``random64``); written into ``out`` (float32 or float64 as digits say) if
        given."""
        if digits == 53:
            pairs = self.raw(2 * n).reshape(n, 2)
            high = pairs[:, 0]  # (random64 & (2^53 - 1)) as an exact double
            high &= 0x1FFFFF
            out = np.multiply(high, 2.0 ** 32, out=out)
            out += pairs[:, 1]
            out *= 2.0 ** -53
            return out
        draws = self.raw(n)
        draws &= (1 << digits) - 1
        if out is None:
            out = draws.astype(np.float32)  # exact: fewer than 25 digits
        else:
            out[...] = draws
        out *= np.float32(2.0 ** -digits)
        return out

    def normal(self, n):
        """n standard normals as torch's scalar path draws them (float64): the cached sample
        first, then Box-Muller pairs (cosine half, sine half) from two 53-bit uniforms each;
        an unused sine half stays cached. The C library's functions through ``math`` (NumPy's
        ``log1p`` differs), in a Python loop: torch takes this path below 16 elements."""
        cached = self.normal_double
        need = n - (cached is not None)
        u = self.uniform(need + need % 2, 53).tolist()
        out = [] if cached is None else [cached]
        log1p, sqrt, cos, sin, two_pi = math.log1p, math.sqrt, math.cos, math.sin, 2 * math.pi
        for u1, u2 in zip(u[::2], u[1::2]):
            radius = sqrt(-2.0 * log1p(-u2))
            out += (radius * cos(two_pi * u1), radius * sin(two_pi * u1))
        self.normal_double = out.pop() if need % 2 else None
        return np.array(out, np.float64)


class Scalars:
    """Reads the stream one number at a time, in Python, for samplers whose number of draws
    depends on the values drawn (torch's rejection loops). Draws a block ahead; ``close()``
    rewinds the engine to just after the last number used."""
    __slots__ = ("_engine", "_start", "_block", "_buffer", "_used")

    def __init__(self, engine, block=256):
        engine.settle()
        self._engine = engine
        self._start = engine.bits.state
        self._block = block
        self._buffer = []
        self._used = 0  # raw words used before the buffer

    def _word(self):
        if not self._buffer:
            self._buffer = self._engine.raw(self._block).tolist()
            self._buffer.reverse()
        self._used += 1
        return self._buffer.pop()

    def uniform(self):
        """A 53-bit uniform double, as ``uniform_real_distribution<double>``."""
        high = self._word()
        return ((high & 0x1FFFFF) * 4294967296.0 + self._word()) * 2.0 ** -53

    def normal(self):
        """A standard normal as ``normal_distribution<double>``, sharing the engine's cache."""
        engine = self._engine
        if engine.normal_double is not None:
            value, engine.normal_double = engine.normal_double, None
            return value
        u1, u2 = self.uniform(), self.uniform()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        engine.normal_double = radius * math.sin(theta)
        return radius * math.cos(theta)

    def close(self):
        engine = self._engine
        engine.bits.state = self._start
        if self._used:
            engine.fresh(self._used)
