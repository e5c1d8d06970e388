"""``torch.fft``: discrete Fourier transforms on NumPy's pocketfft, with their derivatives.

Every transform is one of three kernels over a set of dims: complex-to-complex (``fft``,
``ifft``, ``fft2``, ``fftn`` ...), real-to-complex (``rfft*``, ``ihfft``) and complex-to-real
(``irfft*``, ``hfft``). Unlike NumPy, single precision stays single (float32 -> complex64) and
integer inputs transform in the default dtype.
"""
import warnings

import numpy as np

from .. import _dtype, _naming
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad, wrap_dim, wrap_dim_of_dims
from .registry import defop, register
from .signature import checker

_NORMS = ("backward", "ortho", "forward")
_DUAL = {"backward": "forward", "ortho": "ortho", "forward": "backward"}  # norm of the adjoint


def _check_norm(norm):
    norm = "backward" if norm is None else norm
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
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
            if len(s) > ndim:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                                   f"{ndim} dimensions.")
            dims = tuple(range(ndim - len(s), ndim))
    elif isinstance(dim, int):
        dims = (wrap_dim_of_dims(dim, ndim),)
    else:
        dims = tuple(wrap_dim_of_dims(d, ndim) for d in dim)
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
    if x._dtype.is_complex:  # (torch's n-dimensional forms check elsewhere, in other words)
        raise RuntimeError((f"{name} expects a real input tensor, but got " if name[-1] == "t"
                            else "rfftn expects a real-valued input tensor, but got "
                            if name[0] == "r" else "Only supports floating-point dtypes, but "
                            "found: ") + _type_name(x._dtype))
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
        sizes = "int? n=None, int dim=-1"
    else:
        def op(input, s=None, dim=default_dim, norm=None):
            return _apply(kind, name, forward, input, s, dim, norm)
        sizes = f"int[1]? s=None, int[1]{'?' if default_dim is None else ''} dim=" + \
            str(list(default_dim) if default_dim else None)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.fft.{name}``; single precision stays single."
    return defop(op, name=name, method=False, namespace="fft",
                 signature=f"{name}(Tensor input, {sizes}, str? norm=None, *, Tensor? out=None)")


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

def _freq(name):
    def op(n, d=1.0, *, dtype=None, layout=None, device=None, pin_memory=False,
           requires_grad=False):
        dtype = dtype or _dtype.get_default_dtype()
        out = make(getattr(np.fft, name)(n, d).astype(dtype._np), dtype)
        return out.requires_grad_() if requires_grad else out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.fft.{name}``: sample frequencies in the default dtype."
    return defop(op, name=name, method=False, namespace="fft",
                 signature=f"{name}(int n, float d=1.0, *, Tensor? out=None, "
                           "ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
                           "bool pin_memory=False, bool requires_grad=False)")


fftfreq = _freq("fftfreq")  # (np.fft is read on use: numpy loads it on first access)
rfftfreq = _freq("rfftfreq")


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
    return defop(op, name=name, method=False, namespace="fft",
                 signature=f"{name}(Tensor input, int[1]? dim=None)")


fftshift = _shift("fftshift", 1)
ifftshift = _shift("ifftshift", -1)


# ---- short-time transforms -----------------------------------------------------------------

def _stft_params(name, x, n_fft, hop_length, win_length, window, normalized, onesided,
                 return_complex, align_to_window, shape):
    """torch's argument checks, worded as its ``name(...) : expected ...`` errors."""
    def fail(msg):
        win = "None" if window is None else \
            f"{_naming.public_name}.{window._dtype._scalar_name}Tensor{{{list(window.shape)}}}"
        raise RuntimeError(
            f"{name}({_naming.public_name}.{x._dtype._scalar_name}Tensor{shape}, "
            f"n_fft={n_fft}, "
            f"hop_length={hop}, win_length={win_length}, window={win}, "
            f"normalized={int(normalized)}, onesided={_opt(onesided)}, "
            f"return_complex={_opt(return_complex)}, align_to_window={_opt(align_to_window)}) : "
            f"expected {msg}")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    return fail, hop, win_length


def _opt(v):
    return "None" if v is None else int(v)


def _full_window(window, win_length, n_fft, dtype, why):
    """The window centred in ``n_fft`` samples (ones of ``win_length`` when not given)."""
    import flambeau
    if window is None:
        warnings.warn(f"A window was not provided. A rectangular window will be applied{why}"
                      "To suppress this warning and use a rectangular window, explicitly set "
                      "`window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=4)
        window = flambeau.ones(win_length, dtype=dtype)
    left = (n_fft - win_length) // 2
    if left or win_length < n_fft:
        window = flambeau.cat([flambeau.zeros(left, dtype=window.dtype), window,
                               flambeau.zeros(n_fft - win_length - left, dtype=window.dtype)])
    return window


_LEAKAGE = (",which is known to cause spectral leakage. Other windows such as torch.hann_window "
            "or torch.hamming_window are recommended to reduce spectral leakage.")
_LOSSLESS = (".Please provide the same window used by stft to make the inversion lossless.")
_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


_check_stft = checker(*(
    "stft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window="
    f"None, {center}bool normalized=False, bool? onesided=None, bool? return_complex=None, "
    "bool? align_to_window=None)" for center in ('bool center=True, str pad_mode="reflect", ', "")))
_check_pad = checker('pad(Tensor input, SymInt[] pad, str mode="constant", float? value=None)')


@defop(method=True)
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
         align_to_window=None):
    """The short-time Fourier transform of a 1-d signal or a batch of them: frames (after
    ``n_fft // 2`` samples of ``pad_mode`` padding when ``center``) times the window, then the
    (one-sided for real input) FFT, shaped ``(batch, freq, frames)``; differentiable."""
    import flambeau
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:  # torch pads in Python before its C function parses: those errors come first
        input.dim()
        _check_pad(input, [int(n_fft // 2)] * 2, pad_mode)
    _check_stft(input, n_fft, hop_length, win_length, window, normalized, onesided,
                return_complex, align_to_window)
    complex_in = input._dtype.is_complex or window is not None and window._dtype.is_complex
    if return_complex is None and not complex_in:
        raise RuntimeError("stft requires the return_complex parameter be given for real "
                           "inputs, and will further require that return_complex=True in a "
                           "future PyTorch release.")
    return_complex = True if return_complex is None else return_complex
    if input._data.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input._data.ndim}D "
                           "tensor")
    x = input if input._data.ndim == 2 else input.unsqueeze(0)
    if center:
        pad = n_fft // 2
        n = x.shape[-1]
        if pad_mode == "constant":
            z = flambeau.zeros(x.shape[0], pad, dtype=x.dtype)
            x = flambeau.cat([z, x, z], -1)
        else:
            if pad_mode == "reflect" and pad >= n:
                raise RuntimeError(
                    "Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({pad}, {pad}) at dimension 2 of input "
                    f"[1, {', '.join(map(str, x.shape))}]")
            x = x[:, make(np.pad(np.arange(n), pad, _PAD_MODES[pad_mode]))]
    fail, hop, win_length = _stft_params("stft", x, n_fft, hop_length, win_length, window,
                                         normalized, onesided, return_complex,
                                         align_to_window,
                                         list(x.shape)[2 - input._data.ndim:])
    if not _is_floating(x):
        fail("a tensor of floating point or complex values")
    n = x.shape[-1]
    if not 0 < n_fft <= n:
        fail(f"0 < n_fft < {n}, but got n_fft={n_fft}")
    if hop <= 0:
        fail(f"hop_length > 0, but got hop_length={hop}")
    if not 0 < win_length <= n_fft:
        fail(f"0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window._data.ndim != 1 or window.shape[0] != win_length):
        fail(f"a 1D window tensor of size equal to win_length={win_length}, but got window "
             f"with size {list(window.shape)}")
    frames = 1 + (n - n_fft) // hop
    index = np.arange(frames)[:, None] * hop + np.arange(n_fft)
    windowed = x[:, make(index)] * _full_window(window, win_length, n_fft, x.dtype, _LEAKAGE)
    norm = "ortho" if normalized else "backward"
    onesided = not complex_in if onesided is None else onesided
    if onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    spec = (flambeau.fft.rfft if onesided else flambeau.fft.fft)(windowed, norm=norm)
    out = spec.transpose(1, 2)
    if input._data.ndim == 1:
        out = out.squeeze(0)
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch "
                      "release, stft will return complex tensors for all inputs, and "
                      "return_complex=False will raise an error.", UserWarning, stacklevel=3)
        return flambeau.view_as_real(out)
    return out


def _is_floating(t):
    return t._dtype.is_floating_point or t._dtype.is_complex


@defop(method=False,
       signature="istft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, "
                 "Tensor? window=None, bool center=True, bool normalized=False, "
                 "bool? onesided=None, int? length=None, bool return_complex=False)")
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """The inverse of :func:`stft` by windowed overlap-add, divided by the summed squared
    window (which must not vanish); differentiable."""
    import flambeau
    if not input._dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    if input._data.ndim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but "
                           f"got {input._data.ndim}D")
    spec = input if input._data.ndim == 3 else input.unsqueeze(0)
    fail, hop, win_length = _stft_params("istft", spec, n_fft, hop_length, win_length, window,
                                         normalized, onesided, return_complex, None,
                                         list(spec.shape))
    freq, frames = spec.shape[1], spec.shape[2]
    onesided = freq != n_fft if onesided is None else onesided
    if onesided and freq != n_fft // 2 + 1:
        fail("the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 "
             f"+ 1 when onesided=True, but got {freq}")
    if not onesided and freq != n_fft:
        fail("the frequency dimension (3rd to the last) of the input tensor to match n_fft "
             f"when onesided=False, but got {freq}")
    if not 0 < win_length <= n_fft:
        fail(f"0 < win_length <= n_fft, but got win_length={win_length}")
    if hop <= 0:
        fail(f"hop_length > 0, but got hop_length={hop}")
    norm = "ortho" if normalized else "backward"
    spec = spec.transpose(1, 2)
    if return_complex:
        if onesided:
            raise RuntimeError("cannot have onesided output if window or input is complex")
        frames_t = flambeau.fft.ifft(spec, n_fft, norm=norm)
    else:
        if window is not None and window._dtype.is_complex:
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spec = spec.narrow(-1, 0, n_fft // 2 + 1)
        frames_t = flambeau.fft.irfft(spec, n_fft, norm=norm)
    real = _REAL[spec._dtype._name]
    win = _full_window(window, win_length, n_fft, real, _LOSSLESS)
    frames_t = frames_t * win
    total = n_fft + hop * (frames - 1)
    index = make((np.arange(frames)[:, None] * hop + np.arange(n_fft)).reshape(-1))
    y = flambeau.zeros(frames_t.shape[0], total, dtype=frames_t.dtype).index_add(
        1, index, frames_t.reshape(frames_t.shape[0], -1))
    envelope = np.zeros(total, win._dtype._np)
    np.add.at(envelope, index._data, np.broadcast_to(win._data ** 2,
                                                     (frames, n_fft)).reshape(-1))
    start = n_fft // 2 if center else 0
    end = total - (n_fft // 2 if center else 0) if length is None else start + length
    end = min(end, total)
    y = y.narrow(1, start, end - start)
    envelope = envelope[start:end]
    if np.abs(envelope).min(initial=np.inf) < 1e-11:
        raise RuntimeError("istft(...) : window overlap add min: 1e-11")  # torch's check
    y = y / make(envelope, win._dtype)
    if length is not None and end - start < length:
        y = flambeau.cat([y, flambeau.zeros(y.shape[0], length - (end - start),
                                            dtype=y.dtype)], 1)
    return y.squeeze(0) if input._data.ndim == 2 else y


def _istft_method(self, n_fft, hop_length=None, win_length=None, window=None, center=True,
                  normalized=False, onesided=None, length=None, return_complex=False):
    """``Tensor.istft``: as torch's, a Python method passing its arguments on to :func:`istft`
    (so Python words its own argument errors)."""
    return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided,
                 length, return_complex=return_complex)


_istft_method.__name__, _istft_method.__qualname__ = "istft", "Tensor.istft"
register("", "istft", _istft_method, method=True)
