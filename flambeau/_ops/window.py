"""Window functions for spectral analysis: ``hann_window``, ``hamming_window``,
``bartlett_window``, ``blackman_window`` and ``kaiser_window``.

Each is computed as torch's CPU kernel computes it, in the requested dtype from an ``arange``;
``periodic=True`` (the default) gives the first ``N`` values of the symmetric window of
``N + 1``, the form ``stft`` wants.
"""
import math

import numpy as np

from .. import _dtype
from .._storage import allocation_error
from .._tensor import make
from ._util import xp_for
from .creation import _OPTIONS
from .registry import defop


def _signatures(name, *extra):
    """``name(int window_length)``, ``name(int window_length, bool periodic)`` and one more
    overload per group of extra parameters."""
    params = ["int window_length", "bool periodic"]
    out = [f"{name}(int window_length, *, {_OPTIONS})"]
    for group in ((),) + extra:
        params += list(group)
        out.append(f"{name}({', '.join(params)}, *, {_OPTIONS})")
    return out


def _window(name, kernel, *extra):
    """Declares ``name`` with ``kernel(n, length, *params)``: the symmetric window of
    ``length`` points at positions ``n`` (a float array of the window's dtype)."""
    def op(window_length, periodic=True, *params, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
        dtype = dtype or _dtype.get_default_dtype()
        if window_length < 0:
            raise RuntimeError(f"{name} requires non-negative window_length, got "
                               f"window_length={window_length}")
        if not dtype.is_floating_point:
            raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                               f"{dtype._cpp_name}, device=cpu, layout="
                               "Strided (default), requires_grad=false (default), "
                               "pinned_memory=false, memory_format=(nullopt))")
        np_dtype = dtype._np or np.float32  # (half precision windows computed in float32)
        if window_length <= 1:
            values = np.ones(window_length, np_dtype)
        else:
            length = window_length + 1 if periodic else window_length
            try:
                positions = np.arange(length, dtype=np_dtype)
            except (MemoryError, ValueError) as error:
                raise allocation_error(error, (window_length,), dtype.itemsize) or error from None
            values = kernel(positions, length, *params)[:window_length]
        out = make(xp_for(device).asarray(values.astype(dtype.numpy_dtype, copy=False)), dtype)
        return out.requires_grad_() if requires_grad else out

    op.__name__ = op.__qualname__ = name
    op.__doc__ = kernel.__doc__
    return defop(op, method=False, signature=_signatures(name, *extra))


def _cosine_sum(n, length, alpha=0.54, beta=0.46):
    """``alpha - beta * cos(2 pi n / (N - 1))`` (Hamming's window; Hann's has 0.5 and 0.5)."""
    n *= n.dtype.type(2 * math.pi / (length - 1))
    np.cos(n, out=n)
    n *= n.dtype.type(-beta)
    n += n.dtype.type(alpha)
    return n


def _hann(n, length):
    """``0.5 - 0.5 cos(2 pi n / (N - 1))``: the raised cosine (Hann's window)."""
    return _cosine_sum(n, length, 0.5, 0.5)


def _bartlett(n, length):
    """The triangle ``1 - |2 n / (N - 1) - 1|`` (Bartlett's window)."""
    n *= n.dtype.type(2 / (length - 1))
    half = (length - 1) // 2 + 1
    tail = n[half:]
    np.subtract(2, tail, out=tail)
    return n


def _blackman(n, length):
    """``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))`` (Blackman's window)."""
    n *= n.dtype.type(math.pi / (length - 1))
    four, two = np.cos(n * 4), np.cos(n * 2)
    four *= n.dtype.type(0.08)
    two *= n.dtype.type(0.5)
    four -= two
    four += n.dtype.type(0.42)
    return four


def _kaiser(n, length, beta=12.0):
    """``I0(beta sqrt(1 - ((n - m) / m)^2)) / I0(beta)`` with ``m = (N - 1) / 2`` (Kaiser's
    window), the Bessel function in double precision."""
    middle = (length - 1) / 2
    ratio = (n.astype(np.float64) - middle) / middle
    return np.i0(beta * np.sqrt(np.maximum(1 - ratio * ratio, 0))) / np.i0(beta)


hann_window = _window("hann_window", _hann)
hamming_window = _window("hamming_window", _cosine_sum, ("float alpha",), ("float beta",))
bartlett_window = _window("bartlett_window", _bartlett)
blackman_window = _window("blackman_window", _blackman)
kaiser_window = _window("kaiser_window", _kaiser, ("float beta",))
