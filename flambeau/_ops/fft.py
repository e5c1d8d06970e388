"""``torch.fft``: discrete Fourier transforms on NumPy's pocketfft, with their derivatives.

Every transform is one of three kernels over a set of dims: complex-to-complex (``fft``,
``ifft``, ``fft2``, ``fftn`` ...), real-to-complex (``rfft*``, ``ihfft``) and complex-to-real
(``irfft*``, ``hfft``). Unlike NumPy, single precision stays single (float32 -> complex64) and
integer inputs transform in the default dtype.
"""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad, wrap_dim
from .registry import defop

_NORMS = ("backward", "ortho", "forward")
_DUAL = {"backward": "forward", "ortho": "ortho", "forward": "backward"}  # norm of the adjoint


def _check_norm(norm):
    norm = "backward" if norm is None else norm
    if norm not in _NORMS:
        raise ValueError(f"Invalid normalization mode: {norm}")
    return norm


def _complex_dtype(t):
    """The complex dtype of a transform of ``t`` (ints and bools: the default dtype's)."""
    d = t._dtype
    if d.is_complex:
        return d
    if not d.is_floating_point:
        d = _dtype.get_default_dtype()
    return _dtype.complex128 if d is _dtype.float64 else _dtype.complex64


_REAL = {"complex64": _dtype.float32, "complex128": _dtype.float64}


def _type_name(d):
    from .registry import type_name
    return type_name(d)


def _dims_and_sizes(x, s, dim, name):
    """The transformed dims and their signal sizes (``-1`` or ``None`` keeps the input's)."""
    ndim = x._data.ndim
    if dim is None:
        if s is None:
            dims = tuple(range(ndim))
        else:
            dims = tuple(range(ndim - len(s), ndim))
    elif isinstance(dim, int):
        dims = (wrap_dim(dim, ndim),)
    else:
        dims = tuple(wrap_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"{name} dims must be unique")
    if s is None:
        sizes = [None] * len(dims)
    else:
        sizes = [s] if isinstance(s, int) else list(s)
        if len(sizes) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    sizes = [x._data.shape[d] if n in (None, -1) else n for d, n in zip(dims, sizes)]
    for n in sizes:
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return dims, sizes


def _resize(t, dims, sizes):
    """``t`` cropped or zero-padded to ``sizes`` along ``dims`` (the adjoint of itself)."""
    import flambeau
    for d, n in zip(dims, sizes):
        have = t.shape[d]
        if n < have:
            t = t.narrow(d, 0, n)
        elif n > have:
            shape = list(t.shape)
            shape[d] = n - have
            t = flambeau.cat([t, flambeau.zeros(shape, dtype=t.dtype)], d)
    return t


def _real(t):
    import flambeau
    return flambeau.real(t)


def c2c(x, dims, sizes, norm, forward):
    """The complex transform (``forward``: exponent sign -1) of ``x`` over ``dims``."""
    dtype = _complex_dtype(x)
    fn = np.fft.fftn if forward else np.fft.ifftn
    out = make(fn(x._data, sizes, dims, norm).astype(dtype._np, copy=False), dtype)
    if needs_grad(x):
        shape = [x._data.shape[d] for d in dims]
        real = not x._dtype.is_complex  # a real input gets the real part of its gradient

        def backward(g):
            g = _resize(c2c(g, dims, sizes, _DUAL[norm], not forward), dims, shape)
            return _real(g) if real else g
        record("FftC2CBackward0", (out,), (x,), backward)
    return out


def r2c(x, dims, sizes, norm, name):
    """The one-sided transform of a real ``x`` (the last dim keeps ``n // 2 + 1`` entries)."""
    if x._dtype.is_complex:
        raise RuntimeError(f"{name} expects a real input tensor, but got {_type_name(x._dtype)}")
    dtype = _complex_dtype(x)
    out = make(np.fft.rfftn(x._data, sizes, dims, norm).astype(dtype._np, copy=False), dtype)
    if needs_grad(x):
        shape = [x._data.shape[d] for d in dims]

        def backward(g):
            full = _resize(g, dims[-1:], sizes[-1:])  # the missing half contributes nothing
            return _resize(_real(c2c(full, dims, sizes, _DUAL[norm], False)), dims, shape)
        record("FftR2CBackward0", (out,), (x,), backward)
    return out


def c2r(x, dims, sizes, norm):
    """The real signal of ``sizes`` whose one-sided spectrum is ``x``."""
    dtype = _REAL[_complex_dtype(x)._name]
    a = np.fft.irfftn(x._data, sizes, dims, norm)
    out = make(a.astype(dtype._np, copy=False), dtype)
    if needs_grad(x):
        shape = [x._data.shape[d] for d in dims]
        last = sizes[-1]
        half = last // 2 + 1
        weight = np.ones(half, dtype._np)
        weight[1:last - half + 1] = 2  # entries standing for a conjugate pair count twice
        weight = make(weight.reshape((half,) + (1,) * (x._data.ndim - 1 - dims[-1])), dtype)

        def backward(g):
            g = _resize(r2c(g, dims, sizes, _DUAL[norm], "rfft") * weight, dims, shape)
            return g if x_complex else _real(g)
        x_complex = x._dtype.is_complex
        record("FftC2RBackward0", (out,), (x,), backward)
    return out


# ---- the public transforms -----------------------------------------------------------------

def _transform(kind, name, forward, default_dim):
    """One public transform: 1-d ``(input, n, dim=-1, norm)`` or n-d ``(input, s, dim, norm)``."""
    if default_dim == -1:
        def op(input, n=None, dim=-1, norm=None):
            return _apply(kind, name, forward, input, None if n is None else [n], [dim], norm)
    else:
        def op(input, s=None, dim=default_dim, norm=None):
            return _apply(kind, name, forward, input, s, dim, norm)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.fft.{name}``; single precision stays single."
    return defop(op, name=name, method=False, out=True, namespace="fft")


def _apply(kind, name, forward, x, s, dim, norm):
    norm = _check_norm(norm)
    dims, sizes = _dims_and_sizes(x, s, dim, name)
    if kind == "c2c":
        return c2c(x, dims, sizes, norm, forward)
    if kind == "r2c":  # ihfft (not forward): the conjugate of rfft under the dual norm
        if forward:
            return r2c(x, dims, sizes, norm, name)
        return r2c(x, dims, sizes, _DUAL[norm], name).conj()
    if s is None or s[-1] in (None, -1):  # c2r: the last output size defaults to 2 * (n - 1)
        sizes[-1] = 2 * (x._data.shape[dims[-1]] - 1)
        if sizes[-1] < 1:
            raise RuntimeError(f"Invalid number of data points ({sizes[-1]}) specified")
    if forward:
        return c2r(x, dims, sizes, norm)
    return c2r(x.conj() if x._dtype.is_complex else x, dims, sizes, _DUAL[norm])  # hfft


for _suffix, _default in (("", -1), ("2", (-2, -1)), ("n", None)):
    for _kind, _name, _forward in (("c2c", "fft", True), ("c2c", "ifft", False),
                                   ("r2c", "rfft", True), ("c2r", "irfft", True),
                                   ("c2r", "hfft", False), ("r2c", "ihfft", False)):
        _transform(_kind, _name + _suffix, _forward, _default)


# ---- frequencies and shifts ----------------------------------------------------------------

def _freq(name, numpy_fn):
    def op(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
        dtype = dtype or _dtype.get_default_dtype()
        out = make(numpy_fn(n, d).astype(dtype._np), dtype)
        return out.requires_grad_() if requires_grad else out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.fft.{name}``: sample frequencies in the default dtype."
    return defop(op, name=name, method=False, out=True, namespace="fft")


fftfreq = _freq("fftfreq", np.fft.fftfreq)
rfftfreq = _freq("rfftfreq", np.fft.rfftfreq)


def _shift(name, sign):
    def op(input, dim=None):
        ndim = input._data.ndim
        dims = tuple(range(ndim)) if dim is None else \
            ((dim,) if isinstance(dim, int) else tuple(dim))
        shifts = [sign * (input._data.shape[wrap_dim(d, ndim)] // 2) for d in dims]
        if sign < 0:  # ifftshift moves by -(n // 2), which is (n + 1) // 2 forward
            shifts = [input._data.shape[wrap_dim(d, ndim)] + s for d, s in zip(dims, shifts)]
        return input.roll(shifts, dims)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.fft.{name}``: a roll by half of each dim."
    return defop(op, name=name, method=False, namespace="fft")


fftshift = _shift("fftshift", 1)
ifftshift = _shift("ifftshift", -1)
