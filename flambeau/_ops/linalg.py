"""``torch.linalg`` and the legacy ``torch.det``/``inverse``/``svd``... on NumPy's LAPACK.

Inputs are batches of matrices (NumPy's linalg broadcasts over leading dims too); results keep
single precision, integer inputs raise torch's dtype error, and failures (singular, not
positive-definite) raise :class:`LinAlgError` with torch's messages. Derivatives are written
with flambeau tensor ops (``@``, ``mH`` ...), so they can be differentiated again.
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ..return_types import return_type
from ._util import needs_grad, wrap_dim
from .registry import defop, register, type_name


class LinAlgError(RuntimeError):
    """A linear algebra failure: a singular or not positive-definite input."""


LinAlgError.__module__ = "flambeau.linalg"
register("linalg", "LinAlgError", LinAlgError)


def linop(fn=None, *, legacy=None, method=False):
    """Registers ``fn`` as ``flambeau.linalg.<name>`` (and ``legacy`` as ``flambeau.<legacy>``
    and, with ``method``, a Tensor method)."""
    if fn is None:
        return lambda f: linop(f, legacy=legacy, method=method)
    defop(fn, method=False, out=True, namespace="linalg")
    if legacy:
        defop(fn, name=legacy, method=method, out=True)
    return fn


# ---- argument checks -----------------------------------------------------------------------

def _check(A, name, square=True, floating=True):
    """torch's checks of a batch of matrices; returns its array."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    if floating:
        _check_float(A, name)
    return a


def _check_float(A, name):
    d = A._dtype
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {type_name(d)}")


def _real_dtype(d):
    return {"complex64": _dtype.float32, "complex128": _dtype.float64}.get(d._name, d)


def _out(array, dtype):
    a = np.asarray(array, dtype._np)
    return make(a if a.flags.c_contiguous else a.copy(), dtype)


def _eye_like(A):
    n = A.shape[-1]
    return make(np.eye(n, dtype=A._data.dtype), A._dtype)


def _diag(v):
    """A batch of diagonal matrices from a batch of vectors (differentiable)."""
    return v.unsqueeze(-1) * _eye_like(v.unsqueeze(-1).expand(*v.shape, v.shape[-1]))


def _tril(X, diag_scale=1.0):
    """The lower triangle of ``X``, its diagonal times ``diag_scale`` (a product with a mask)."""
    n = X.shape[-1]
    mask = np.tril(np.ones((n, n), X._data.dtype), -1) + diag_scale * np.eye(n, dtype=X._data.dtype)
    return X * make(mask, X._dtype)


# ---- determinants and inverses -------------------------------------------------------------

def _lu(a):
    """LAPACK getrf on a batch: (packed LU, 1-based row swaps, info = first zero pivot)."""
    u = np.array(a, dtype=np.result_type(a, np.float64) if a.dtype.kind != "c" else a.dtype)
    m, n = u.shape[-2:]
    k_max = min(m, n)
    info = np.zeros(u.shape[:-2], np.int32)
    pivots = np.zeros(u.shape[:-2] + (k_max,), np.int32)
    idx = np.indices(u.shape[:-2])
    for k in range(k_max):
        piv = k + np.argmax(np.abs(u[..., k:, k]), axis=-1)
        pivots[..., k] = piv + 1
        row_k = (*idx, np.full_like(piv, k))
        top = u[row_k].copy()
        u[row_k] = u[(*idx, piv)]
        u[(*idx, piv)] = top
        p = u[..., k, k]
        zero = p == 0
        info = np.where((info == 0) & zero, k + 1, info)
        f = np.where(zero[..., None], 0, u[..., k + 1:, k] / np.where(zero, 1, p)[..., None])
        u[..., k + 1:, k + 1:] -= f[..., None] * u[..., k:k + 1, k + 1:]
        u[..., k + 1:, k] = f
    return u.astype(a.dtype, copy=False), pivots, info


def _singular_pivot(a):
    return _lu(a)[2]


def _raise_singular(a, name):
    info = _singular_pivot(a)
    flat = info.reshape(-1)
    i = int(np.flatnonzero(flat)[0]) if flat.size else 0
    prefix = f"{name}: (Batch element {i}): " if info.ndim else f"{name}: "
    raise LinAlgError(f"{prefix}The diagonal element {flat[i]} is zero, the inversion could not "
                      "be completed because the input matrix is singular.")


@linop(legacy="det", method=True)
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


@defop(method=False, out=True, namespace="linalg")
def slogdet(A):
    """(sign, log|det|) of each matrix of ``A``."""
    return _slogdet(A, "linalg.slogdet", linalg_slogdet_type)


defop(lambda input: _slogdet(input, "linalg.slogdet", slogdet_type), name="slogdet", out=True)


@defop
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


@linop(legacy="inverse", method=True)
def inv(A):
    """The inverse of each matrix of ``A``; a singular one raises."""
    return _inv(A, "linalg.inv", True)[0]


@defop(method=False, out=True, namespace="linalg")
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


@defop(method=False, out=True, namespace="linalg")
def solve(A, B, *, left=True):
    """``X`` with ``A @ X = B`` (``X @ A = B`` with ``left=False``); B may be a batch of
    vectors."""
    return _solve(A, B, left, True)[0]


@defop(method=False, out=True, namespace="linalg")
def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) of :func:`solve`."""
    return solve_ex_type(*_solve(A, B, left, check_errors))


# ---- factorizations ------------------------------------------------------------------------

cholesky_ex_type = return_type("linalg_cholesky_ex", ["L", "info"])


def _not_pd_order(a):
    """The order of the first leading minor that is not positive-definite (0: none)."""
    for k in range(1, a.shape[-1] + 1):
        try:
            np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def _cholesky(A, upper, check_errors, name, node="LinalgCholeskyExBackward0"):
    a = _check(A, name)
    batch = a.reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])
    info = np.zeros(len(batch), np.int32)
    try:
        L = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        info = np.array([_not_pd_order(m) for m in batch], np.int32)
        bad = int(np.flatnonzero(info)[0])
        if check_errors:
            prefix = f"{name}: (Batch element {bad}): " if a.ndim > 2 else f"{name}: "
            raise LinAlgError(f"{prefix}The factorization could not be completed because the "
                              f"input is not positive-definite (the leading minor of order "
                              f"{info[bad]} is not positive-definite).") from None
        L = np.tril(a)
    if upper:
        L = np.conj(np.swapaxes(L, -1, -2))
    out = _out(L, A._dtype)
    if needs_grad(A):
        def backward(g, L):
            if upper:
                L, g = L.mH, g.mH
            P = _tril(L.mH @ _tril(g), 0.5)
            Linv = inv(L)
            gA = Linv.mH @ P @ Linv
            return 0.5 * (gA + gA.mH)
        record(node, (out,), (A,), backward, saved_outputs=(0,))
    return out, make(info.reshape(a.shape[:-2]), _dtype.int32)


@defop(method=False, out=True, namespace="linalg")
def cholesky(A, *, upper=False):
    """The lower (``upper=True``: upper) Cholesky factor of each matrix of ``A``."""
    return _cholesky(A, upper, True, "linalg.cholesky")[0]


@defop(method=False, out=True, namespace="linalg")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): info is the order of the first non positive-definite leading minor."""
    return cholesky_ex_type(*_cholesky(A, upper, check_errors, "linalg.cholesky_ex"))


@defop(name="cholesky", out=True)
def _legacy_cholesky(input, upper=False):
    """Deprecated ``torch.cholesky``."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    return _cholesky(input, upper, True, "linalg.cholesky", "CholeskyBackward0")[0]


def _qr_backward(gQ, gR, Q, R):
    """The gradient of a reduced QR of a tall or square matrix."""
    M = _tril(R @ gR.mH - gQ.mH @ Q, 0.5)
    B = gQ + Q @ (M + M.mH)  # the lower triangle mirrored up
    return solve(R.mH, B, left=False)


qr_type = return_type("qr", ["Q", "R"])
linalg_qr_type = return_type("linalg_qr", ["Q", "R"])


def _qr(A, mode, result_type):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    a = _check(A, "linalg.qr", square=False)
    if mode == "r":
        Q, R = np.zeros((0,), a.dtype), np.linalg.qr(a, mode="r")
    else:
        Q, R = np.linalg.qr(a, mode=mode)
    Q, R = _out(Q, A._dtype), _out(R, A._dtype)
    if needs_grad(A):
        m, n = a.shape[-2:]
        if mode == "r" or (mode == "complete" and m > n):
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr." if mode == "r"
                               else "The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")

        def backward(grads, Q, R):
            gQ, gR = grads
            if m >= n:
                return _qr_backward(gQ, gR, Q, R)
            import flambeau  # A = [X Y] = Q [R1 R2]: Y = Q R2, and X = Q R1 is square
            R1, gR1, gR2 = R[..., :m], gR[..., :m], gR[..., m:]
            Y = A_saved[..., m:]
            gX = _qr_backward(gQ + Y @ gR2.mH, gR1, Q, R1)
            return flambeau.cat([gX, Q @ gR2], -1)
        A_saved = A.detach()
        record("LinalgQrBackward0", (Q, R), (A,), backward, saved_outputs=(0, 1))
    return result_type(Q, R)


@defop(method=False, out=True, namespace="linalg")
def qr(A, mode="reduced"):
    """``A = Q R`` with ``mode`` 'reduced', 'complete' or 'r' (Q empty)."""
    return _qr(A, mode, linalg_qr_type)


defop(lambda input, some=True: _qr(input, "reduced" if some else "complete", qr_type),
      name="qr", out=True)


eigh_type = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])


def _eigh(A, UPLO, vectors, name):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    a = _check(A, name)
    grad = needs_grad(A)
    if vectors or grad:
        w, V = np.linalg.eigh(a, UPLO)
    else:
        w, V = np.linalg.eigvalsh(a, UPLO), None
    w = _out(w, _real_dtype(A._dtype))
    V = _out(V, A._dtype) if V is not None else None
    if grad:  # V is an output of the node even for eigvalsh, so gradgrad can reach A through it
        def backward(grads, L, V):
            gL, gV = grads
            gA = _off_diagonal(V.mH @ gV) / _gaps(L).to(V.dtype) + _diag(gL).to(V.dtype)
            gA = V @ gA @ V.mH
            return 0.5 * (gA + gA.mH)  # the gradient within Hermitian matrices
        record("LinalgEighBackward0", (w, V), (A,), backward, saved_outputs=(0, 1))
    return (w, V) if vectors else (w, None)


def _gaps(L):
    """``L[j] - L[i]`` with ones on the diagonal (callers divide off-diagonal terms by it)."""
    E = L.unsqueeze(-2) - L.unsqueeze(-1)
    return E + make(np.eye(E.shape[-1], dtype=E._data.dtype), E._dtype)


def _off_diagonal(X):
    return X * make(1 - np.eye(X.shape[-1], dtype=X._data.dtype), X._dtype)


@defop(method=False, out=True, namespace="linalg")
def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices, from the ``UPLO``
    triangle."""
    return eigh_type(*_eigh(A, UPLO, True, "linalg.eigh"))


@defop(method=False, out=True, namespace="linalg")
def eigvalsh(A, UPLO="L"):
    """Eigenvalues (ascending) of Hermitian matrices."""
    return _eigh(A, UPLO, False, "linalg.eigvalsh")[0]


eig_type = return_type("linalg_eig", ["eigenvalues", "eigenvectors"])


def _complex_of(d):
    return _dtype.complex128 if d in (_dtype.float64, _dtype.complex128) else _dtype.complex64


def _eig(A, name, vectors):
    a = _check(A, name)
    grad = needs_grad(A)
    d = _complex_of(A._dtype)
    if not (vectors or grad):
        return _out(np.linalg.eigvals(a), d), None
    w, V = np.linalg.eig(a)
    w, V = _out(w, d), _out(V, d)
    if grad:  # V is an output of the node even for eigvals, so gradgrad can reach A through it
        real = not A._dtype.is_complex

        def backward(grads, L, V):
            gL, gV = grads
            VhgV = V.mH @ gV
            VhgV = VhgV - V.mH @ (V * _real(VhgV.diagonal(0, -2, -1)).unsqueeze(-2).to(V.dtype))
            ret = _diag(gL) + _off_diagonal(VhgV) / _gaps(L).conj()
            gA = solve(V.mH, ret @ V.mH)
            return _real(gA) if real else gA
        record("LinalgEigBackward0", (w, V), (A,), backward, saved_outputs=(0, 1))
    return w, V


def _real(t):
    import flambeau
    return flambeau.real(t)


@defop(method=False, out=True, namespace="linalg")
def eig(A):
    """Eigenvalues and eigenvectors of general matrices, always complex."""
    return eig_type(*_eig(A, "linalg.eig", True))


@defop(method=False, out=True, namespace="linalg")
def eigvals(A):
    """Eigenvalues of general matrices, always complex."""
    return _eig(A, "linalg.eigvals", False)[0]


svd_type = return_type("svd", ["U", "S", "V"])
linalg_svd_type = return_type("linalg_svd", ["U", "S", "Vh"])


def _svd_backward(grads, U, S, Vh):
    """The gradient of ``A = U diag(S) Vh`` (reduced, distinct non-zero singular values)."""
    gU, gS, gVh = grads
    m, n = U.shape[-2], Vh.shape[-1]
    S_ = S.to(U.dtype)
    V, gV = Vh.mH, gVh.mH
    UhgU, VhgV = U.mH @ gU, V.mH @ gV
    S2 = S * S
    E = _gaps(S2).to(U.dtype)
    skew_U, skew_V = UhgU - UhgU.mH, VhgV - VhgV.mH
    gA = _off_diagonal(skew_U * S_.unsqueeze(-2) + S_.unsqueeze(-1) * skew_V) / E + _diag(gS).to(U.dtype)
    if m > n:
        gUS = gU / S_.unsqueeze(-2)
        return (U @ gA + gUS - U @ (U.mH @ gUS)) @ Vh
    if m < n:
        gVS = gV / S_.unsqueeze(-2)
        return U @ (gA @ Vh + gVS.mH - (gVS.mH @ V) @ Vh)
    return U @ gA @ Vh


def _svd(A, full_matrices, name="linalg.svd"):
    a = _check(A, name, square=False)
    U, S, Vh = np.linalg.svd(a, full_matrices=full_matrices)
    U, S, Vh = _out(U, A._dtype), _out(S, _real_dtype(A._dtype)), _out(Vh, A._dtype)
    if needs_grad(A):
        if full_matrices and a.shape[-1] != a.shape[-2]:
            raise NotImplementedError(
                "torch.linalg.svd: The derivative of linalg.svd is not implemented when "
                "full_matrices=True. Please use full_matrices=False.")
        record("LinalgSvdBackward0", (U, S, Vh), (A,), _svd_backward, saved_outputs=(0, 1, 2))
    return U, S, Vh


@defop(method=False, out=True, namespace="linalg")
def svd(A, full_matrices=True, *, driver=None):
    """``A = U diag(S) Vh``; singular values descending."""
    return linalg_svd_type(*_svd(A, full_matrices))


@defop(name="svd", out=True)
def _legacy_svd(input, some=True, compute_uv=True):
    """``torch.svd``: returns V (not Vh); ``some=False`` gives full U and V."""
    if not compute_uv:  # U and V come back zero-filled and square
        a = input._data
        S = svdvals(input)
        zeros = lambda k: make(np.zeros(a.shape[:-2] + (k, k), a.dtype), input._dtype)  # noqa
        return svd_type(zeros(a.shape[-2]), S, zeros(a.shape[-1]))
    U, S, Vh = _svd(input, not some)
    return svd_type(U, S, Vh.mH)


@defop(method=False, out=True, namespace="linalg")
def svdvals(A, *, driver=None):
    """Singular values, descending."""
    a = _check(A, "linalg.svdvals", square=False)
    if not needs_grad(A):
        return _out(np.linalg.svd(a, compute_uv=False), _real_dtype(A._dtype))
    return _svd(A, False, "linalg.svdvals")[1]


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


def _pinv_backward(g, A, P):
    """The gradient of the pseudo-inverse ``P`` of a full-rank ``A``."""
    gh = g.mH
    return -(P.mH @ g @ P.mH) + (gh - A @ (P @ gh)) @ (P @ P.mH) \
        + (P.mH @ P) @ (gh - (gh @ P) @ A)


@defop(method=False, out=True, namespace="linalg")
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse; singular values under max(atol, rtol * s_max) are
    dropped."""
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


@defop
def pinverse(input, rcond=1e-15):
    """``torch.pinverse``: :func:`linalg.pinv` with ``rtol=rcond``."""
    return pinv(input, rtol=rcond)


lstsq_type = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


@defop(method=False, namespace="linalg")
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


@defop(method=False, out=True, namespace="linalg")
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """The number of singular values above max(atol, rtol * s_max); ``tol`` is ``atol``."""
    a = _check(A, "linalg.matrix_rank", square=False)
    atol = tol if tol is not None else atol
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    cut = _tolerances(s, *a.shape[-2:], atol, rtol, _real_dtype(A._dtype))
    return make((s > cut).sum(-1).astype(np.int64), _dtype.int64)


# ---- products and powers -------------------------------------------------------------------

@linop(legacy="matrix_power", method=True)
def matrix_power(A, n):
    """``A`` to the integer power ``n`` by repeated squaring (negative: of the inverse)."""
    _check(A, "linalg.matrix_power", floating=n < 0)
    if n == 0:
        return A * 0 + _eye_like(A)  # (still in the graph, as torch's copy is)
    if n < 0:
        A, n = inv(A), -n
    result = None
    while n:
        if n & 1:
            result = A if result is None else result @ A
        n >>= 1
        if n:
            A = A @ A
    return result


_PADE = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
         129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
         40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm(a):
    """exp of a batch of matrices: scaling and squaring with a degree-13 Padé approximant."""
    n = a.shape[-1]
    norm = np.abs(a).sum(-2).max(-1) if a.size else np.zeros(a.shape[:-2])
    s = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / _THETA13))).astype(int)
    a = a / (2.0 ** s)[..., None, None]
    eye = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    b = _PADE
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for k in range(int(s.max()) if s.size else 0):  # square each matrix its own number of times
        r = np.where((k < s)[..., None, None], r @ r, r)
    return r


@linop(legacy="matrix_exp", method=True)
def matrix_exp(A):
    """The matrix exponential of each matrix of ``A``."""
    a = _check(A, "linalg.matrix_exp")
    out = _out(_expm(a.astype(np.result_type(a, np.float64))), A._dtype)
    if needs_grad(A):
        def backward(g, A):  # the upper-right block of exp([[A^H, G], [0, A^H]])
            import flambeau
            n = A.shape[-1]
            Ah = A.mH
            top = flambeau.cat([Ah, g], -1)
            bottom = flambeau.cat([flambeau.zeros_like(g), Ah], -1)
            return matrix_exp(flambeau.cat([top, bottom], -2))[..., :n, n:]
        record("LinalgMatrixExpBackward0", (out,), (A,), backward, saved=(A,))
    return out


@defop(method=False, out=True, namespace="linalg")
def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    dtype = _dtype.promote_types(input._dtype, other._dtype)
    out = _out(np.cross(a, b, axis=d), dtype)
    if needs_grad(input, other):
        record("LinalgCrossBackward0", (out,), (input, other),
               lambda g, x, y: (cross(y.conj(), g, dim=d), cross(g, x.conj(), dim=d)),
               saved=(input, other))
    return out


@defop(method=False, out=True, namespace="linalg")
def vecdot(x, y, *, dim=-1):
    """``sum(conj(x) * y, dim)``."""
    return (x.conj() * y).sum(dim)


@defop(method=False, out=True, namespace="linalg")
def multi_dot(tensors):
    """The product of a chain of matrices; the first and last may be vectors."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    ts = list(tensors)
    if first:
        ts[0] = ts[0].unsqueeze(0)
    if last:
        ts[-1] = ts[-1].unsqueeze(-1)
    result = ts[0]
    for t in ts[1:]:
        result = result @ t
    if first:
        result = result.squeeze(0)
    if last:
        result = result.squeeze(-1)
    return result


# ---- norms ---------------------------------------------------------------------------------

def _norm_dims(x, dim):
    if dim is None:
        return tuple(range(x.ndim))
    return (wrap_dim(dim, x.ndim),) if isinstance(dim, int) else \
        tuple(wrap_dim(d, x.ndim) for d in dim)


@defop(method=False, out=True, namespace="linalg")
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """``sum(|x|^ord)^(1/ord)`` over ``dim`` (all dims by default); ord may be inf, -inf, 0."""
    _check_float(x, "linalg.vector_norm")
    if dtype is not None:
        x = x.to(dtype)
    a = np.abs(x._data)
    dims = _norm_dims(x, dim)
    ord = float(ord)
    if ord == np.inf:
        r = a.max(axis=dims, keepdims=keepdim, initial=0)
    elif ord == -np.inf:
        r = a.min(axis=dims, keepdims=keepdim)
    elif ord == 0:
        r = (a != 0).sum(axis=dims, keepdims=keepdim)
    elif ord == 1:
        r = a.sum(axis=dims, keepdims=keepdim)
    elif ord == 2:
        r = np.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
    else:
        r = (a ** ord).sum(axis=dims, keepdims=keepdim) ** (1 / ord)
    out = _out(r, _real_dtype(x._dtype))
    if needs_grad(x):
        def backward(g, x, r):
            if not keepdim:
                for d in sorted(dims):
                    g, r = g.unsqueeze(d), r.unsqueeze(d)
            if ord == 0:
                return x * 0
            if ord in (np.inf, -np.inf):
                mask = (x.abs() == r).to(g.dtype)
                return g * x.sgn() * mask / mask.sum(dims, keepdim=True)
            if ord == 1:
                return g * x.sgn()
            scale = make(np.where(r._data == 0, 0, 1).astype(r._data.dtype), r._dtype)
            safe = r + (1 - scale)  # a zero norm has a zero subgradient
            if ord == 2:
                return g * x / safe * scale
            nonzero = (x != 0).to(x.dtype)
            xa = x.abs() + (1 - nonzero)  # zero entries get a zero subgradient
            return g * x.sgn() * nonzero * xa ** (ord - 1) / safe ** (ord - 1) * scale
        record("LinalgVectorNormBackward0", (out,), (x,), backward, saved=(x,),
               saved_outputs=(0,))
    return out


@defop(method=False, out=True, namespace="linalg")
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norms over ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    _check_float(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (wrap_dim(d, A.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        last = A.movedim((d0, d1), (-2, -1))
        s = svdvals(last)
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
    elif ord in (1, -1, np.inf, -np.inf):
        inner, outer = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = A.abs().sum(inner, keepdim=True)
        r = sums.amax(outer, keepdim=True) if ord > 0 else sums.amin(outer, keepdim=True)
        r = r.squeeze((d0, d1)) if not keepdim else r
        return r
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
    return r


@defop(method=False, out=True, namespace="linalg")
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """:func:`vector_norm` or, for a string ``ord`` or two dims, :func:`matrix_norm`."""
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or \
            (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, dim or (-2, -1), keepdim,
                           dtype=dtype)
    if ord is not None and dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                           f"be 1D or 2D. Got {A.ndim}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


# ---- tensor inverses and solves ------------------------------------------------------------

@defop(method=False, out=True, namespace="linalg")
def tensorinv(A, ind=2):
    """The inverse of ``A`` seen as a matrix of its first ``ind`` dims by the rest."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape, in_shape = A.shape[:ind], A.shape[ind:]
    rows = int(np.prod(out_shape))
    return inv(A.reshape(rows, -1)).reshape(*in_shape, *out_shape)


@defop(method=False, out=True, namespace="linalg")
def tensorsolve(A, B, dims=None):
    """``X`` with ``tensordot(A, X, X.ndim) = B``."""
    if dims is not None:
        A = A.movedim(dims, tuple(range(A.ndim - len(dims), A.ndim)))
    x_shape = A.shape[B.ndim:]
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(x_shape)


# ---- functions torch removed: calling them raises torch's message ---------------------------

_REMOVED = {
    "symeig": "The default behavior has changed from using the upper triangular portion of the "
              "matrix by default to using the lower triangular portion.\n\nL, _ = "
              "torch.symeig(A, upper=upper) should be replaced with:\nL = "
              "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
              "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
              "torch.linalg.eigh(A, UPLO='U' if upper else 'L')",
    "eig": "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather "
           "than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
           "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
           "eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
           "torch.linalg.eig(A)",
    "lstsq": "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
             "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
             "decomposition in the returned tuple (although it returns other information about "
             "the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`.\n\n"
             "The returned solution in `torch.lstsq` stored the residuals of the solution in "
             "the last m - n columns of the returned value whenever m > n. In torch.linalg.lstsq,"
             " the residuals are in the field 'residuals' of the returned named tuple.\n\nThe "
             "unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
             "should be replaced with:\nX = torch.linalg.lstsq(A, B).solution",
    "solve": "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` "
             "has its arguments reversed and does not return the LU factorization.\n\nTo get "
             "the LU factorization see `torch.lu`, which can be used with `torch.lu_solve` or "
             "`torch.lu_unpack`.\nX = torch.solve(B, A).solution should be replaced with:\nX = "
             "torch.linalg.solve(A, B)",
    "matrix_rank": "Please use the `torch.linalg.matrix_rank` function instead. The parameter "
                   "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.",
}


def _removed(name, text):
    def fn(*args, **kwargs):
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now "
                           f"removed. {text}" if name != "matrix_rank" else
                           f"This function was deprecated since version 1.9 and is now "
                           f"removed.\n{text}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "Removed from torch in 1.9; raises torch's message."
    register("", name, fn)
    if name != "matrix_rank":
        register("", name, fn, method=True)


for _name, _text in _REMOVED.items():
    _removed(_name, _text)


# ---- compositions --------------------------------------------------------------------------

@defop(method=False, namespace="linalg")
def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``torch.diagonal`` with the matrix dims last by default."""
    return A.diagonal(offset, dim1, dim2)


@defop(method=False, out=True, namespace="linalg")
def cond(A, p=None):
    """The condition number in norm ``p`` (default 2: the ratio of extreme singular values)."""
    if p in (None, 2, -2):
        s = svdvals(A)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    _check(A, "linalg.cond")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


@defop(method=False, namespace="linalg")
def vander(x, *, N=None):
    """The Vandermonde matrix ``x[..., i] ** j`` for ``j < N`` (default: len(x))."""
    if x.ndim == 0:
        x = x.unsqueeze(0)
    n = x.shape[-1] if N is None else N
    if n <= 1 and N is not None and n < 1:
        raise RuntimeError("N must be greater than 1.")
    powers = make(np.arange(n), _dtype.int64)
    return x.unsqueeze(-1) ** powers


# ---- LU ------------------------------------------------------------------------------------

lu_factor_type = return_type("linalg_lu_factor", ["LU", "pivots"])
lu_factor_ex_type = return_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
lu_type = return_type("linalg_lu", ["P", "L", "U"])


def _permutation(pivots, m):
    """The permutation matrices of LAPACK's sequential row swaps: ``A = P @ L @ U``."""
    perm = np.broadcast_to(np.arange(m), pivots.shape[:-1] + (m,)).copy()
    idx = np.indices(pivots.shape[:-1])
    for k in range(pivots.shape[-1]):
        j = pivots[..., k] - 1
        a, b = perm[..., k].copy(), perm[(*idx, j)]
        perm[..., k] = b
        perm[(*idx, j)] = a
    return np.swapaxes(np.eye(m)[perm], -1, -2)


def _unpack(LU, m, n):
    """(L, U) of a packed LU as differentiable masks of it."""
    k = min(m, n)
    L = LU[..., :, :k] * make(np.tril(np.ones((m, k)), -1), LU._dtype) + \
        make(np.eye(m, k), LU._dtype)
    U = LU[..., :k, :] * make(np.triu(np.ones((k, n))), LU._dtype)
    return L, U


def _lu_backward(gL, gU, P, L, U):
    """The gradient of ``A = P L U``; a wide ``U = [U1 U2]`` or tall ``L = [L1; L2]`` adds the
    part that ``U2 = L^-1 P^T A2`` or ``L2 = A2 U^-1`` passes on."""
    import flambeau
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    upper = make(np.triu(np.ones((k, k))), U._dtype)
    if m < n:
        U1, U2, gU1, gU2 = U[..., :k], U[..., k:], gU[..., :k], gU[..., k:]
        phi = _tril(L.mH @ gL - gU2 @ U2.mH, 0.0) + (gU1 @ U1.mH) * upper
        gA1 = solve(U1.mH, solve(L.mH, phi), left=False)
        return P @ flambeau.cat([gA1, solve(L.mH, gU2)], -1)
    if m > n:
        L1, L2, gL1, gL2 = L[..., :k, :], L[..., k:, :], gL[..., :k, :], gL[..., k:, :]
        phi = _tril(L1.mH @ gL1, 0.0) + (gU @ U.mH - L2.mH @ gL2) * upper
        gA1 = solve(U.mH, solve(L1.mH, phi), left=False)
        return P @ flambeau.cat([gA1, solve(U.mH, gL2, left=False)], -2)
    phi = _tril(L.mH @ gL, 0.0) + (gU @ U.mH) * upper
    return P @ solve(U.mH, solve(L.mH, phi), left=False)


def _lu_factor(A, name):
    a = _check(A, name, square=False)
    lu, pivots, info = _lu(a)
    out = _out(lu, A._dtype)
    if needs_grad(A):
        m, n = a.shape[-2:]
        P = _out(_permutation(pivots, m), A._dtype)

        def backward(g, LU):
            L, U = _unpack(LU, m, n)
            return _lu_backward(g[..., :min(m, n)] * make(np.tril(np.ones((m, min(m, n))), -1),
                                                          g._dtype),
                                g[..., :min(m, n), :] * make(np.triu(np.ones((min(m, n), n))),
                                                             g._dtype), P, L, U)
        record("LinalgLuFactorExBackward0", (out,), (A,), backward, saved_outputs=(0,))
    return out, make(pivots, _dtype.int32), make(info, _dtype.int32)


@defop(method=False, out=True, namespace="linalg")
def lu_factor(A, *, pivot=True):
    """The packed LU factorization with partial pivoting (LAPACK getrf's LU and pivots)."""
    return lu_factor_type(*_lu_factor(A, "linalg.lu_factor")[:2])


@defop(method=False, out=True, namespace="linalg")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info) of :func:`lu_factor`."""
    return lu_factor_ex_type(*_lu_factor(A, "linalg.lu_factor_ex"))


@defop(method=False, out=True, namespace="linalg")
def lu(A, *, pivot=True):
    """``A = P @ L @ U`` with unit lower ``L``."""
    a = _check(A, "linalg.lu", square=False)
    m, n = a.shape[-2:]
    lu_, pivots, _ = _lu(a)
    P = _out(_permutation(pivots, m), A._dtype)
    with _no_grad():
        L, U = _unpack(_out(lu_, A._dtype), m, n)
    if needs_grad(A):
        record("LinalgLuBackward0", (L, U), (A,),
               lambda grads, L, U: _lu_backward(grads[0], grads[1], P, L, U),
               saved_outputs=(0, 1))
    return lu_type(P, L, U)


def _no_grad():
    from ..autograd import grad_mode
    return grad_mode.no_grad()


@defop(method=False, out=True, namespace="linalg")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """``X`` with ``A @ X = B`` (or ``X @ A = B``), reading only ``A``'s triangle."""
    _check(A, "linalg.solve_triangular")
    n = A.shape[-1]
    mask = np.triu(np.ones((n, n)), 1 if unitriangular else 0) if upper else \
        np.tril(np.ones((n, n)), -1 if unitriangular else 0)
    T = A * make(mask, A._dtype)
    if unitriangular:
        T = T + _eye_like(A)
    return solve(T, B, left=left)


@defop(method=False, out=True, namespace="linalg")
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """Solves with the factors of :func:`lu_factor`."""
    n = LU.shape[-1]
    L, U = _unpack(LU, n, n)
    P = _out(_permutation(pivots._data, n), LU._dtype)
    A = P @ L @ U
    X = solve(A.mH if adjoint else A, B, left=left)
    return _renamed("LinalgLuSolveBackward0", (X,))[0] if needs_grad(LU, B) else X


@defop(method=False, out=True, namespace="linalg")
def householder_product(A, tau):
    """The first n columns of ``H_1 ... H_k`` with ``H_i = I - tau_i v_i v_i^H`` and ``v_i`` the
    i-th column of ``A`` below the diagonal, with a unit diagonal entry."""
    m, n = A.shape[-2:]
    if n > m:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater "
                           "than or equal to input.shape[-1]")
    if tau.shape[-1] > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater "
                           "than or equal to tau.shape[-1]")
    Q = _householder(A, tau, n)
    return _renamed("LinalgHouseholderProductBackward0", (Q,))[0] if needs_grad(A, tau) else Q


defop(lambda input, tau: householder_product(input, tau), name="orgqr", out=True)


def _householder(A, tau, ncols):
    """The first ``ncols`` columns of ``H_1 ... H_k`` (differentiable flambeau ops)."""
    m, n = A.shape[-2:]
    below = make(np.tril(np.ones((m, n)), -1), A._dtype)
    V = A * below + make(np.eye(m, n), A._dtype)
    Q = A[..., :1, :1] * 0 + make(np.eye(m, ncols, dtype=A._data.dtype), A._dtype)
    for i in range(tau.shape[-1] - 1, -1, -1):  # Q = H_i Q, from the last reflector back
        v = V[..., :, i:i + 1]
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (v.mH @ Q)
    return Q


# ---- legacy LU, Cholesky and triangular solvers --------------------------------------------

lu_with_info_type = return_type("_lu_with_info", ["LU", "pivots", "info"])
lu_unpack_type = return_type("lu_unpack", ["P", "L", "U"])
triangular_solve_type = return_type("triangular_solve", ["solution", "cloned_coefficient"])


def _renamed(node, outs):
    """``outs`` (computed with differentiable flambeau ops) passed through one ``node``, so their
    ``grad_fn`` has torch's name; gradients flow through unchanged."""
    named = tuple(make(o._data, o._dtype) for o in outs)
    record(node, named, outs, lambda grads: grads if len(outs) > 1 else (grads,))
    return named


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated in favor of torch.linalg.{new} and will be removed "
                  "in a future PyTorch release.", UserWarning, stacklevel=3)


@defop(name="lu", method=True, out=True)
def _legacy_lu(A, pivot=True, get_infos=False):
    """Deprecated ``torch.lu``: (LU, pivots), with ``get_infos`` also info."""
    _deprecated("lu", "lu_factor / torch.linalg.lu_factor_ex")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    LU, pivots, info = _lu_factor(A, "linalg.lu_factor_ex")
    return lu_with_info_type(LU, pivots, info) if get_infos else (LU, pivots)


@defop(out=True)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) of a packed LU from :func:`lu_factor`; the parts not unpacked are empty."""
    if LU_pivots._dtype != _dtype.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used with "
                           "the output produced by torch.linalg.lu_factor")
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    empty = make(np.zeros((0,), LU_data._data.dtype), LU_data._dtype)
    P = _out(_permutation(LU_pivots._data, m), LU_data._dtype) if unpack_pivots else empty
    if not unpack_data:
        return lu_unpack_type(P, empty, empty)
    with _no_grad():
        L, U = _unpack(LU_data, m, n)
    if needs_grad(LU_data):
        lower = make(np.tril(np.ones((m, k)), -1), LU_data._dtype)
        upper = make(np.triu(np.ones((k, n))), LU_data._dtype)
        right, down = make(np.eye(k, n), LU_data._dtype), make(np.eye(m, k), LU_data._dtype)
        record("LuUnpackBackward0", (L, U), (LU_data,),
               lambda grads: (grads[0] * lower) @ right + down @ (grads[1] * upper))
    return lu_unpack_type(P, L, U)


def _legacy_lu_solve(b, LU_data, LU_pivots):
    """Deprecated ``torch.lu_solve(b, LU, pivots)`` (linalg.lu_solve's arguments reversed)."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be "
                  "removed in a future PyTorch release.\nNote that torch.linalg.lu_solve has its "
                  "arguments reversed.\nX = torch.lu_solve(B, LU, pivots)\nshould be replaced "
                  "with\nX = torch.linalg.lu_solve(LU, pivots, B)", UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, b)


defop(_legacy_lu_solve, name="lu_solve", out=True)


def _float_kernel(A, kernel):
    if not (A._dtype.is_floating_point or A._dtype.is_complex):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(A._dtype)}\'')


def _legacy_check(b, A, kernel):
    """The checks of the legacy ``op(b, A)`` solvers."""
    for name, t in (("b", b), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.ndim} "
                               "dimensions instead")
    if b._dtype != A._dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{type_name(b._dtype)} and A of type {type_name(A._dtype)} instead.")
    a = A._data
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {a.shape[-2]} "
                           f"by {a.shape[-1]} matrices")
    _float_kernel(A, kernel)
    return a


def _triangle(L, upper):
    return np.triu(L) if upper else np.tril(L)


def _chol_grad(gA, L, upper):
    """The gradient for ``L`` of ``A = L L^H`` (``U^H U``) given ``gA``, untriangled as torch's."""
    S = gA + gA.mH
    return L @ S if upper else S @ L


@defop(method=True, out=True)
def cholesky_inverse(L, upper=False):
    """The inverse of ``L L^H`` (``upper``: ``U^H U``) from a Cholesky factor."""
    l = _triangle(_check(L, "cholesky_inverse", floating=False), upper)
    _float_kernel(L, "cholesky_inverse_out_cpu")
    a = np.swapaxes(l.conj(), -1, -2) @ l if upper else l @ np.swapaxes(l.conj(), -1, -2)
    out = _out(np.linalg.inv(a), L._dtype)
    if needs_grad(L):
        record("CholeskyInverseBackward0", (out,), (L,),
               lambda g, L, Y: _chol_grad(-(Y @ g @ Y), L, upper), saved=(L,),
               saved_outputs=(0,))
    return out


@defop(method=True, out=True)
def cholesky_solve(B, L, upper=False):
    """``X`` with ``L L^H X = B`` (``upper``: ``U^H U X = B``); note ``B`` comes first."""
    l = _triangle(_legacy_check(B, L, "cholesky_solve_cpu"), upper)
    a = np.swapaxes(l.conj(), -1, -2) @ l if upper else l @ np.swapaxes(l.conj(), -1, -2)
    out = _out(np.linalg.solve(a, B._data), B._dtype)
    if needs_grad(B, L):
        def backward(g, L, X):
            gB = cholesky_solve(g, L, upper)
            return gB, _chol_grad(-(gB @ X.mH), L, upper)
        record("CholeskySolveBackward0", (out,), (B, L), backward, saved=(L,),
               saved_outputs=(0,))
    return out


@defop(method=True, out=True)
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """Deprecated: (``X`` with ``op(A) X = input``, a copy of ``A``), ``op`` the transpose
    when ``transpose``; reads only ``A``'s triangle."""
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg."
                  "solve_triangularand will be removed in a future PyTorch release.\n"
                  "torch.linalg.solve_triangular has its arguments reversed and does not return a "
                  "copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould "
                  "be replaced with\nX = torch.linalg.solve_triangular(A, B).", UserWarning,
                  stacklevel=2)
    _legacy_check(input, A, "triangular_solve_cpu")
    return _triangular_solve(input, A, upper, transpose, unitriangular)


def _triangular_solve(input, A, upper, transpose, unitriangular):
    with _no_grad():
        T = A.mT if transpose else A
        X = solve_triangular(T, input, upper=upper != transpose, unitriangular=unitriangular)
        X = make(X._data, X._dtype)
        M = make(A._data.copy(), A._dtype)
    if needs_grad(input, A):
        n = A.shape[-1]
        diag = 1 if unitriangular else 0
        mask = make(np.triu(np.ones((n, n)), diag) if upper else np.tril(np.ones((n, n)), -diag),
                    A._dtype)

        def backward(grads, A, X):
            gX, gM = grads
            gB = _triangular_solve(gX, A, upper, not transpose, unitriangular)[0]
            gA = (X @ gB.mT if transpose else -(gB @ X.mT)) * mask
            if transpose:
                gA = -gA
            return gB, gA if gM is None else gA + gM
        record("TriangularSolveBackward0", (X, M), (input, A), backward, saved=(A,),
               saved_outputs=(0,))
    return triangular_solve_type(X, M)


# ---- Householder QR ------------------------------------------------------------------------

geqrf_type = return_type("geqrf", ["a", "tau"])


def _no_derivative(name):
    def backward(grads):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return backward


@defop(method=True, out=True)
def geqrf(input):
    """LAPACK's compact QR: ``R`` on and above the diagonal, the Householder vectors below it
    and their scales ``tau`` (see :func:`householder_product`)."""
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _float_kernel(input, "geqrf_cpu")
    a = input._data
    h, tau = np.linalg.qr(a, mode="raw")
    a, tau = _out(np.swapaxes(h, -1, -2), input._dtype), _out(tau, input._dtype)
    if needs_grad(input):
        record("GeqrfBackward0", (a, tau), (input,), _no_derivative("geqrf"))
    return geqrf_type(a, tau)


@defop(method=True, out=True)
def ormqr(input, tau, other, left=True, transpose=False):
    """``Q @ other`` (``left=False``: ``other @ Q``; ``transpose``: ``Q^H``) with ``Q`` the
    full product of the Householder reflectors of :func:`geqrf`."""
    mn = other.shape[-2] if left else other.shape[-1]
    if tau.shape[-1] != min(mn, input.shape[-1]):
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], "
                           "input.shape[-1])")
    Q = _householder(input, tau, mn)
    if transpose:
        Q = Q.mH
    out = Q @ other if left else other @ Q
    return _renamed("OrmqrBackward0", (out,))[0] \
        if needs_grad(input, tau, other) else out


# ---- randomized low-rank SVD ---------------------------------------------------------------

def _range_basis(A, q, niter, M):
    """An orthonormal basis (m x q) approximately spanning the range of ``A - M`` (Halko et al.
    2009, algorithm 4.4: a Gaussian sketch refined by ``niter`` subspace iterations)."""
    import flambeau
    R = flambeau.randn(A.shape[-1], q, dtype=A.dtype)
    X = A @ R if M is None else A @ R - M @ R
    Q = qr(X).Q
    for _ in range(niter):
        X = A.mH @ Q if M is None else A.mH @ Q - M.mH @ Q
        Q = qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = qr(X).Q
    return Q


@defop(method=False)
def svd_lowrank(A, q=6, niter=2, M=None):
    """A random rank-``q`` SVD ``(U, S, V)`` of ``A - M`` (``V`` not transposed)."""
    m, n = A.shape[-2:]
    q = 6 if q is None else q
    if M is not None:
        M = M.broadcast_to(A.shape)
    # the SVD is always of a tall m x q or n x q matrix, as LAPACK's signs for wide matrices
    # differ between implementations (torch's MKL, NumPy's OpenBLAS)
    if m < n or n > q:  # sketch the range of A^H: the SVD then factors the m x q A Q
        Q = _range_basis(A.mH, q, niter, None if M is None else M.mH)
        U, S, Vh = svd(A @ Q if M is None else A @ Q - M @ Q, full_matrices=False)
        return U, S, Q @ Vh.mH
    Q = _range_basis(A, q, niter, M)
    U, S, Vh = svd(Q.mH @ A if M is None else Q.mH @ A - Q.mH @ M, full_matrices=False)
    return Q @ U, S, Vh.mH


@defop(method=False)
def pca_lowrank(A, q=None, center=True, niter=2):
    """:func:`svd_lowrank` of ``A`` with its column means subtracted (``center``)."""
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter)


# ---- symmetric indefinite LDL^T ------------------------------------------------------------

ldl_factor_type = return_type("linalg_ldl_factor", ["LD", "pivots"])
ldl_factor_ex_type = return_type("linalg_ldl_factor_ex", ["LD", "pivots", "info"])
_BK_ALPHA = (1 + 17 ** 0.5) / 8


def _bunch_kaufman(a, hermitian):
    """LAPACK sytf2/hetf2 (lower) on one matrix: (LD, 1-based pivots, info).

    The trailing block is kept whole (symmetric) so swaps and updates are NumPy block ops; the
    loop runs over the 1x1 or 2x2 pivot steps."""
    a = a.copy()
    n = a.shape[-1]
    cabs = (lambda x: np.abs(x.real) + np.abs(x.imag)) if a.dtype.kind == "c" else np.abs
    tr = (lambda x: x.conj().T) if hermitian else (lambda x: x.T)
    pivots, info, k = np.zeros(n, np.int32), 0, 0
    while k < n:
        step, kp = 1, k
        akk = abs(a[k, k].real) if hermitian else cabs(a[k, k])
        col = cabs(a[k + 1:, k])
        colmax = col.max() if col.size else 0.0
        if max(akk, colmax) == 0:
            info = info or k + 1
            pivots[k] = k + 1
            k += 1
            continue
        if akk < _BK_ALPHA * colmax:
            imax = k + 1 + int(np.argmax(col))
            rowmax = max(cabs(a[imax, k:imax]).max(), cabs(a[imax + 1:, imax]).max(initial=0))
            aii = abs(a[imax, imax].real) if hermitian else cabs(a[imax, imax])
            if akk >= _BK_ALPHA * colmax * (colmax / rowmax):
                kp = k
            elif aii >= _BK_ALPHA * rowmax:
                kp = imax
            else:
                kp, step = imax, 2
        kk = k + step - 1
        if kp != kk:  # symmetric swap in the trailing block only
            a[[kk, kp], k:] = a[[kp, kk], k:]
            a[k:, [kk, kp]] = a[k:, [kp, kk]]
        D = a[k:k + step, k:k + step]
        C = a[k + step:, k:k + step]
        W = C @ np.linalg.inv(D)
        a[k + step:, k + step:] -= W @ tr(C)
        a[k + step:, k:k + step] = W
        pivots[k:k + step] = kp + 1 if step == 1 else -(kp + 1)
        k += step
    return np.tril(a), pivots, info


def _ldl_factor(A, hermitian, name):
    a = _check(A, name)
    batch = a.reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])
    parts = [_bunch_kaufman(m, hermitian) for m in batch]
    LD = np.stack([p[0] for p in parts]).reshape(a.shape) if parts else a.copy()
    pivots = np.array([p[1] for p in parts], np.int32).reshape(a.shape[:-1])
    info = np.array([p[2] for p in parts], np.int32).reshape(a.shape[:-2])
    out = (_out(LD, A._dtype), make(pivots, _dtype.int32), make(info, _dtype.int32))
    if needs_grad(A):
        record("LinalgLdlFactorExBackward0", out[:1], (A,), _no_derivative("linalg_ldl_factor_ex"))
    return out


@defop(method=False, out=True, namespace="linalg")
def ldl_factor(A, *, hermitian=False):
    """LAPACK sytrf's Bunch-Kaufman ``A = L D L^T`` (``hermitian``: ``L^H``) in compact form:
    ``L`` (unit diagonal) below, ``D``'s 1x1 and 2x2 blocks on and under the diagonal;
    pivots are 1-based swaps, negative for 2x2 blocks."""
    return ldl_factor_type(*_ldl_factor(A, hermitian, "torch.linalg.ldl_factor")[:2])


@defop(method=False, out=True, namespace="linalg")
def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """(LD, pivots, info) of :func:`ldl_factor`; info > 0 marks an exactly singular ``D``."""
    return ldl_factor_ex_type(*_ldl_factor(A, hermitian, "torch.linalg.ldl_factor_ex"))


def _ldl_matrix(ld, piv, hermitian):
    """The matrix ``P_1 L_1 ... D ... L_1^T P_1^T`` that one compact LDL^T represents."""
    n = ld.shape[-1]
    steps, k = [], 0
    while k < n:
        step = 1 if piv[k] > 0 else 2
        steps.append((k, step, abs(int(piv[k])) - 1))
        k += step
    tr = (lambda x: x.conj().T) if hermitian else (lambda x: x.T)
    M = np.zeros_like(ld)
    for k, step, _ in steps:
        D = ld[k:k + step, k:k + step].copy()
        D[0, -1] = D[-1, 0].conj() if hermitian else D[-1, 0]
        M[k:k + step, k:k + step] = D
    for k, step, kp in reversed(steps):
        Lk = np.eye(n, dtype=ld.dtype)
        Lk[k + step:, k:k + step] = ld[k + step:, k:k + step]
        M = Lk @ M @ tr(Lk)
        kk = k + step - 1
        M[[kk, kp]] = M[[kp, kk]]
        M[:, [kk, kp]] = M[:, [kp, kk]]
    return M


@defop(method=False, out=True, namespace="linalg")
def ldl_solve(LD, pivots, B, *, hermitian=False):
    """Solves ``A X = B`` with the factors of :func:`ldl_factor`."""
    ld, piv = _check(LD, "torch.linalg.ldl_solve"), pivots._data
    ld = ld.astype(np.result_type(ld, np.float64))  # A is rebuilt: keep the solve accurate
    batch = np.broadcast_shapes(ld.shape[:-2], B.shape[:-2])
    size = int(np.prod(batch))
    ld = np.broadcast_to(ld, batch + ld.shape[-2:]).reshape((size,) + ld.shape[-2:])
    piv = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((size,) + piv.shape[-1:])
    A = np.stack([_ldl_matrix(m, p, hermitian) for m, p in zip(ld, piv)]) if size else ld
    out = _out(np.linalg.solve(A.reshape(batch + ld.shape[-2:]), B._data),
               _dtype.promote_types(LD._dtype, B._dtype))
    if needs_grad(LD, B):
        record("LinalgLdlSolveBackward0", (out,), (LD, pivots, B),
               _no_derivative("linalg_ldl_solve"))
    return out
