"""Determinants, inverses and solvers: det, slogdet, inv, solve, pinv, lstsq, matrix_rank,
tensorinv and tensorsolve."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ..return_types import return_type
from ._linalg_utils import (LinAlgError, _check, _check_float, _out, _raise_singular, _real_dtype,
                            _singular_pivot, linop)
from ._util import needs_grad
from .registry import defop


# ---- determinants and inverses -------------------------------------------------------------

@linop(legacy="det", signature=("det(Tensor A, *, Tensor? out=None)", "det(Tensor input)"))
def det(A):
    """The determinant of each matrix of ``A``."""
    a = _check(A, "linalg.det")
    out = _out(np.linalg.det(a), A._dtype)
    if needs_grad(A):
        record("LinalgDetBackward0", (out,), (A,),
               lambda g, A, d: (g * d.conj()).unsqueeze(-1).unsqueeze(-1) * inv(A).mH,
               saved=(A,), saved_outputs=(0,))
    return out


slogdet_type = return_type("slogdet", ["sign", "logabsdet"])
linalg_slogdet_type = return_type("linalg_slogdet", ["sign", "logabsdet"])


def _slogdet(A, name, result_type):
    a = _check(A, name)
    sign, logabs = np.linalg.slogdet(a)
    sign, logabs = _out(sign, A._dtype), _out(logabs, _real_dtype(A._dtype))
    if needs_grad(A):  # sign is locally constant for real inputs
        record("LinalgSlogdetBackward0", (sign, logabs), (A,),
               lambda g, A: g[1].unsqueeze(-1).unsqueeze(-1) * inv(A).mH, saved=(A,))
    return result_type(sign, logabs)


@defop(method=False, namespace="linalg", signature="slogdet(Tensor A, *, Tensor[2]? out=None)")
def slogdet(A):
    """(sign, log|det|) of each matrix of ``A``."""
    return _slogdet(A, "linalg.slogdet", linalg_slogdet_type)


defop(lambda input: _slogdet(input, "linalg.slogdet", slogdet_type), name="slogdet",
      signature="slogdet(Tensor input, *, Tensor[2]? out=None)")


@defop(signature="logdet(Tensor input)")
def logdet(input):
    """``log(det(A))``: nan for a negative determinant, -inf for zero."""
    sign, logabs = _slogdet(input, "linalg.slogdet", slogdet_type)
    if input._dtype.is_complex:
        return logabs + sign.log()
    return logabs + make(np.where(sign._data < 0, np.nan, 0).astype(logabs._data.dtype),
                         logabs._dtype)


inv_ex_type = return_type("linalg_inv_ex", ["inverse", "info"])


def _inv(A, name, check_errors):
    a = _check(A, name)
    try:
        r = np.linalg.inv(a)
        info = np.zeros(a.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        if check_errors:
            _raise_singular(a, name)
        info = _singular_pivot(a).astype(np.int32)
        with np.errstate(all="ignore"):
            r = np.linalg.pinv(a)  # LAPACK leaves garbage there; anything finite will do
    out = _out(r, A._dtype)
    if needs_grad(A):
        record("LinalgInvExBackward0", (out,), (A,), lambda g, X: -(X.mH @ g @ X.mH),
               saved_outputs=(0,))
    return out, make(info, _dtype.int32)


@linop(legacy="inverse", signature=("inv(Tensor A, *, Tensor? out=None)",
                                      "inverse(Tensor input, *, Tensor? out=None)"))
def inv(A):
    """The inverse of each matrix of ``A``; a singular one raises."""
    return _inv(A, "linalg.inv", True)[0]


@defop(method=False, namespace="linalg",
       signature="inv_ex(Tensor A, *, bool check_errors=False, Tensor[2]? out=None)")
def inv_ex(A, *, check_errors=False):
    """(inverse, info): info is the failing pivot (1-based) of singular matrices, else 0."""
    return inv_ex_type(*_inv(A, "linalg.inv_ex", check_errors))


solve_ex_type = return_type("linalg_solve_ex", ["result", "info"])


def _solve(A, B, left, check_errors, name="torch.linalg.solve"):
    _check(A, "linalg.solve")
    _check_float(B, "linalg.solve")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if vector:
        B = B.unsqueeze(-1 if left else -2)
    a, b = A._data, B._data
    if not left:
        a, b = np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)
    dtype = _dtype.promote_types(A._dtype, B._dtype)
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    try:
        x = np.linalg.solve(np.broadcast_to(a, shape + a.shape[-2:]),
                            np.broadcast_to(b, shape + b.shape[-2:]))
        info = np.zeros(shape, np.int32)
    except np.linalg.LinAlgError:
        info = np.broadcast_to(_singular_pivot(a), shape).astype(np.int32)
        if check_errors:
            bad = int(np.flatnonzero(info.reshape(-1))[0]) if info.ndim else None
            prefix = f"{name}: " if bad is None else f"{name}: (Batch element {bad}): "
            raise LinAlgError(f"{prefix}The solver failed because the input matrix is "
                              "singular.") from None
        x = np.full(shape + b.shape[-2:], np.nan)
    if not left:
        x = np.swapaxes(x, -1, -2)
    out = _out(x, dtype)
    if needs_grad(A, B):
        def backward(g, A, X):
            gB = solve(A.mH, g, left=left)
            return (-(gB @ X.mH) if left else -(X.mH @ gB)), gB
        record("LinalgSolveExBackward0", (out,), (A, B), backward, saved=(A,),
               saved_outputs=(0,))
    if vector:
        out = out.squeeze(-1 if left else -2)
    return out, make(info, _dtype.int32)


@defop(method=False, namespace="linalg",
       signature="solve(Tensor A, Tensor B, *, bool left=True, Tensor? out=None)")
def solve(A, B, *, left=True):
    """``X`` with ``A @ X = B`` (``X @ A = B`` with ``left=False``); B may be a batch of
    vectors."""
    return _solve(A, B, left, True)[0]


@defop(method=False, namespace="linalg",
       signature="solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False, "
                 "Tensor[2]? out=None)")
def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) of :func:`solve`."""
    return solve_ex_type(*_solve(A, B, left, check_errors))


# ---- inverses of rank-deficient and rectangular matrices -----------------------------------

def _tolerances(s, m, n, atol, rtol, dtype):
    """The cut-off below which singular values count as zero (torch's atol/rtol rules)."""
    value = lambda t: t._data[..., None] if isinstance(t, Tensor) else t  # noqa: E731
    if rtol is None:
        rtol = 0.0 if atol is not None and not (isinstance(atol, (int, float)) and atol <= 0) \
            else np.finfo(dtype._np).eps * max(m, n)
    atol = 0.0 if atol is None else value(atol)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,))
    return np.maximum(atol, value(rtol) * smax)


def _tolerance_overloads(name, legacy):
    """torch's four overloads of pinv and matrix_rank: tolerances as tensors or floats, given
    by keyword or as the one legacy positional ``legacy``."""
    return [f"{name}(Tensor input, *, {t}? atol=None, {t}? rtol=None, bool hermitian=False, "
            "Tensor? out=None)" for t in ("Tensor", "float")] + \
        [f"{name}(Tensor input, {t} {legacy}, bool hermitian=False, *, Tensor? out=None)"
         for t in ("Tensor", "float")]


def _pinv_backward(g, A, P):
    """The gradient of the pseudo-inverse ``P`` of a full-rank ``A``."""
    gh = g.mH
    return -(P.mH @ g @ P.mH) + (gh - A @ (P @ gh)) @ (P @ P.mH) \
        + (P.mH @ P) @ (gh - (gh @ P) @ A)


@defop(method=False, namespace="linalg", signature=_tolerance_overloads("pinv", "rcond"))
def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """The Moore-Penrose pseudo-inverse; singular values under max(atol, rtol * s_max) are
    dropped (``rcond`` is ``rtol`` with ``atol=0``)."""
    if rcond is not None:
        atol, rtol = 0.0, rcond
    a = _check(A, "linalg.pinv", square=False)
    m, n = a.shape[-2:]
    dtype = _real_dtype(A._dtype)
    if hermitian:
        w, V = np.linalg.eigh(a)
        s = np.abs(w)
        keep = s > _tolerances(s, m, n, atol, rtol, dtype)
        inv_w = np.where(keep, 1 / np.where(keep, w, 1), 0)
        r = (V * inv_w[..., None, :]) @ np.conj(np.swapaxes(V, -1, -2))
    else:
        U, s, Vh = np.linalg.svd(a, full_matrices=False)
        keep = s > _tolerances(s, m, n, atol, rtol, dtype)
        inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0)
        r = np.conj(np.swapaxes(Vh, -1, -2)) * inv_s[..., None, :] @ \
            np.conj(np.swapaxes(U, -1, -2))
    out = _out(r, A._dtype)
    if needs_grad(A):
        record("LinalgPinvBackward0", (out,), (A,), _pinv_backward, saved=(A,),
               saved_outputs=(0,))
    return out


@defop(signature="pinverse(Tensor input, float rcond=1e-15)")
def pinverse(input, rcond=1e-15):
    """``torch.pinverse``: :func:`linalg.pinv` with ``rtol=rcond``."""
    return pinv(input, rtol=rcond)


lstsq_type = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


@defop(method=False, namespace="linalg",
       signature="lstsq(Tensor input, Tensor b, float? rcond=None, *, str? driver=None, "
                 "Tensor[4]? out=None)")
def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of ``A X = B``; which extras are filled follows the driver
    (gelsy by default: rank only; gelsd/gelss: rank and singular values; gels: none)."""
    drivers = ("gels", "gelsy", "gelsd", "gelss")
    if driver is not None and driver not in drivers:
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"{drivers}")
    driver = driver or "gelsy"
    a = _check(A, "linalg.lstsq", square=False)
    vector = B.ndim == A.ndim - 1
    if vector:
        B = B.unsqueeze(-1)
    m, n = a.shape[-2:]
    U, s, Vh = np.linalg.svd(a, full_matrices=False)
    real = _real_dtype(A._dtype)
    cut = s.max(axis=-1, keepdims=True) * (np.finfo(real._np).eps * max(m, n)
                                            if rcond is None or rcond < 0 else rcond)
    keep = s > cut
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0)
    P = np.conj(np.swapaxes(Vh, -1, -2)) * inv_s[..., None, :] @ np.conj(np.swapaxes(U, -1, -2))
    x = P @ B._data
    rank = keep.sum(-1)
    out = _out(x, A._dtype)
    if m > n and driver != "gelsy" and np.all(rank == n):
        r = a @ x - B._data
        residuals = _out((np.abs(r) ** 2).sum(-2), real)
    else:
        residuals = _out(np.zeros((0,)), real)
    rank_t = make(rank.astype(np.int64), _dtype.int64) if driver != "gels" else \
        make(np.zeros((0,), np.int64), _dtype.int64)
    sv = _out(s if driver in ("gelsd", "gelss") else np.zeros((0,)), real)
    if needs_grad(A, B):
        with_residuals = residuals._data.size > 0

        def backward(grads, A, B, X):
            g, g_res = grads
            Pt = pinv(A)  # recomputed with flambeau ops, so that gradgrad reaches A through it
            gA, gB = _pinv_backward(g @ B.mH, A, Pt), Pt.mH @ g
            if with_residuals:  # d|AX - B|^2 at the optimum, where d/dX vanishes
                r = (A @ X - B) * (2 * g_res.unsqueeze(-2))
                gA, gB = gA + r @ X.mH, gB - r
            return gA, gB
        record("LinalgLstsqBackward0", (out, residuals), (A, B), backward, saved=(A, B),
               saved_outputs=(0,))
    if vector:
        out = out.squeeze(-1)
    return lstsq_type(out, residuals, rank_t, sv)


@defop(method=False, namespace="linalg", signature=_tolerance_overloads("matrix_rank", "tol"))
def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """The number of singular values above max(atol, rtol * s_max); ``tol`` is ``atol`` with
    ``rtol=0``."""
    a = _check(A, "linalg.matrix_rank", square=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    cut = _tolerances(s, *a.shape[-2:], atol, rtol, _real_dtype(A._dtype))
    return make((s > cut).sum(-1).astype(np.int64), _dtype.int64)


# ---- tensor inverses and solves ------------------------------------------------------------

@defop(method=False, namespace="linalg",
       signature="tensorinv(Tensor input, int ind=2, *, Tensor? out=None)")
def tensorinv(A, ind=2):
    """The inverse of ``A`` seen as a matrix of its first ``ind`` dims by the rest."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape, in_shape = A.shape[:ind], A.shape[ind:]
    rows = int(np.prod(out_shape))
    return inv(A.reshape(rows, -1)).reshape(*in_shape, *out_shape)


@defop(method=False, namespace="linalg",
       signature="tensorsolve(Tensor input, Tensor other, int[]? dims=None, *, Tensor? out=None)")
def tensorsolve(A, B, dims=None):
    """``X`` with ``tensordot(A, X, X.ndim) = B``."""
    if dims is not None:
        A = A.movedim(dims, tuple(range(A.ndim - len(dims), A.ndim)))
    x_shape = A.shape[B.ndim:]
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(x_shape)
