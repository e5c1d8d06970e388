"""Window functions as SciPy defines them (``sym=False`` gives the periodic window of DFT
use), computed from ``linspace`` with flambeau's ops as torch's are, so that
``requires_grad=True`` gives a result with a history, as in torch.

Unlike ``flambeau.hann_window`` and its family (torch's C++ windows), these take the length
as ``M``, keyword-only options, only float32 and float64, and raise ``ValueError``.
"""
import math

import flambeau


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not flambeau.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (flambeau.float32, flambeau.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _window(name, M, dtype, layout, device, requires_grad, positions):
    """The checks, the empty and one-point windows, else ``positions(options)``."""
    dtype = dtype or flambeau.get_default_dtype()
    layout = layout or flambeau.strided
    _checks(name, M, dtype, layout)
    options = dict(dtype=dtype, device=device, requires_grad=requires_grad)
    if M <= 1:
        return (flambeau.ones if M else flambeau.empty)((M,), **options)
    return positions(options)


def _span(M, sym):
    """The length the window's formula is laid over: ``M - 1`` points apart when symmetric,
    ``M`` when periodic."""
    return M - 1 if sym else M


def _steps(start, constant, M, options):
    """``start * constant, (start + 1) * constant, ...``: M points by ``linspace``."""
    return flambeau.linspace(start * constant, (start + M - 1) * constant, M, **options)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None,
                requires_grad=False):
    """``exp(-|n - center| / tau)`` (the Poisson window); ``center`` defaults to the middle."""
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")

    def positions(options):
        middle = (M if not sym and M > 1 else M - 1) / 2.0 if center is None else center
        return flambeau.exp(-flambeau.abs(_steps(-middle, 1 / tau, M, options)))
    return _window("exponential", M, dtype, layout, device, requires_grad, positions)


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """``sin(pi (n + 0.5) / M)`` (the sine window), nonzero at both ends."""
    def positions(options):
        return flambeau.sin(_steps(0.5, math.pi / (M + 1 if not sym and M > 1 else M), M,
                                   options))
    return _window("cosine", M, dtype, layout, device, requires_grad, positions)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``exp(-(n - c)^2 / (2 std^2))`` around the middle ``c``."""
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")

    def positions(options):
        start = -(M if not sym and M > 1 else M - 1) / 2.0
        return flambeau.exp(-_steps(start, 1 / (std * math.sqrt(2)), M, options) ** 2)
    return _window("gaussian", M, dtype, layout, device, requires_grad, positions)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None,
           requires_grad=False):
    """``I0(beta sqrt(1 - (2n / (M - 1) - 1)^2)) / I0(beta)``."""
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")

    def positions(options):
        b = flambeau.tensor(beta, dtype=options["dtype"], device=device)
        constant = 2.0 * b / _span(M, sym)
        end = flambeau.minimum(b, -b + (M - 1) * constant)
        k = flambeau.linspace(-b, end, M, **options)
        return flambeau.i0(flambeau.sqrt(b * b - k ** 2)) / flambeau.i0(b)
    return _window("kaiser", M, dtype, layout, device, requires_grad, positions)


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """``sum_i (-1)^i a[i] cos(2 pi i n / (M - 1))``: a sum of cosines weighted by ``a``."""
    if not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")

    def positions(options):
        k = _steps(0, 2 * math.pi / _span(M, sym), M, options)
        weights = flambeau.tensor([(-1) ** i * w for i, w in enumerate(a)], device=device,
                                  dtype=options["dtype"], requires_grad=requires_grad)
        orders = flambeau.arange(len(a), dtype=options["dtype"], device=device,
                                 requires_grad=requires_grad)
        return (weights.unsqueeze(-1) * flambeau.cos(orders.unsqueeze(-1) * k)).sum(0)
    return _window("general_cosine", M, dtype, layout, device, requires_grad, positions)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """``alpha - (1 - alpha) cos(2 pi n / (M - 1))``."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Hamming's window: :func:`general_hamming` with ``alpha=0.54``."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Hann's window (the raised cosine): :func:`general_hamming` with ``alpha=0.5``."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Blackman's window: :func:`general_cosine` with ``a=[0.42, 0.5, 0.08]``."""
    _checks("blackman", M, dtype or flambeau.get_default_dtype(), layout or flambeau.strided)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Nuttall's minimum four-term Blackman-Harris window."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The triangle ``1 - |2n / (M - 1) - 1|``."""
    def positions(options):
        return 1 - flambeau.abs(flambeau.linspace(-1, -1 + (M - 1) * 2 / _span(M, sym), M,
                                                  **options))
    return _window("bartlett", M, dtype, layout, device, requires_grad, positions)
