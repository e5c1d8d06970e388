"""Cholesky, QR, eigen- and singular value decompositions, Householder products (geqrf,
ormqr) and the randomized low-rank SVD."""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ..return_types import return_type
from ._linalg_utils import (LinAlgError, _check, _diag, _float_kernel, _no_derivative, _out,
                            _real_dtype, _renamed, _tril)
from ._util import needs_grad
from .linalg_solvers import inv, solve
from .registry import defop, type_name


# ---- Cholesky, QR, eigen- and singular value decompositions --------------------------------

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


@defop(method=False, namespace="linalg",
       signature="cholesky(Tensor input, *, bool upper=False, Tensor? out=None)")
def cholesky(A, *, upper=False):
    """The lower (``upper=True``: upper) Cholesky factor of each matrix of ``A``."""
    return _cholesky(A, upper, True, "linalg.cholesky")[0]


@defop(method=False, namespace="linalg",
       signature="cholesky_ex(Tensor input, *, bool upper=False, bool check_errors=False, "
                 "Tensor[2]? out=None)")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): info is the order of the first non positive-definite leading minor."""
    return cholesky_ex_type(*_cholesky(A, upper, check_errors, "linalg.cholesky_ex"))


@defop(name="cholesky",
       signature="cholesky(Tensor input, bool upper=False, *, Tensor? out=None)")
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


@defop(method=False, namespace="linalg",
       signature='qr(Tensor A, str mode="reduced", *, Tensor[2]? out=None)')
def qr(A, mode="reduced"):
    """``A = Q R`` with ``mode`` 'reduced', 'complete' or 'r' (Q empty)."""
    return _qr(A, mode, linalg_qr_type)


defop(lambda input, some=True: _qr(input, "reduced" if some else "complete", qr_type),
      name="qr", signature="qr(Tensor input, bool some=True, *, Tensor[2]? out=None)")


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


@defop(method=False, namespace="linalg",
       signature='eigh(Tensor input, str UPLO="L", *, Tensor[2]? out=None)')
def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices, from the ``UPLO``
    triangle."""
    return eigh_type(*_eigh(A, UPLO, True, "linalg.eigh"))


@defop(method=False, namespace="linalg",
       signature='eigvalsh(Tensor input, str UPLO="L", *, Tensor? out=None)')
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


@defop(method=False, namespace="linalg",
       signature="eig(Tensor input, *, Tensor[2]? out=None)")
def eig(A):
    """Eigenvalues and eigenvectors of general matrices, always complex."""
    return eig_type(*_eig(A, "linalg.eig", True))


@defop(method=False, namespace="linalg",
       signature="eigvals(Tensor input, *, Tensor? out=None)")
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


@defop(method=False, namespace="linalg",
       signature="svd(Tensor A, bool full_matrices=True, *, str? driver=None, "
                 "Tensor[3]? out=None)")
def svd(A, full_matrices=True, *, driver=None):
    """``A = U diag(S) Vh``; singular values descending."""
    return linalg_svd_type(*_svd(A, full_matrices))


@defop(name="svd", signature="svd(Tensor input, bool some=True, bool compute_uv=True, *, "
                             "Tensor[3]? out=None)")
def _legacy_svd(input, some=True, compute_uv=True):
    """``torch.svd``: returns V (not Vh); ``some=False`` gives full U and V."""
    if not compute_uv:  # U and V come back zero-filled and square
        a = input._data
        S = svdvals(input)
        zeros = lambda k: make(np.zeros(a.shape[:-2] + (k, k), a.dtype), input._dtype)  # noqa
        return svd_type(zeros(a.shape[-2]), S, zeros(a.shape[-1]))
    U, S, Vh = _svd(input, not some)
    return svd_type(U, S, Vh.mH)


@defop(method=False, namespace="linalg",
       signature="svdvals(Tensor A, *, str? driver=None, Tensor? out=None)")
def svdvals(A, *, driver=None):
    """Singular values, descending."""
    a = _check(A, "linalg.svdvals", square=False)
    if not needs_grad(A):
        return _out(np.linalg.svd(a, compute_uv=False), _real_dtype(A._dtype))
    return _svd(A, False, "linalg.svdvals")[1]


# ---- Householder QR ------------------------------------------------------------------------

@defop(method=False, namespace="linalg",
       signature="householder_product(Tensor input, Tensor tau, *, Tensor? out=None)")
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
    if tau._dtype is not A._dtype:
        raise RuntimeError(f"torch.linalg.householder_product: tau dtype "
                           f"{type_name(tau._dtype)} does not match input dtype "
                           f"{type_name(A._dtype)}")
    _float_kernel(A, "orgqr_cpu")
    Q = _householder(A, tau, n)
    return _renamed("LinalgHouseholderProductBackward0", (Q,))[0] if needs_grad(A, tau) else Q


defop(lambda input, input2: householder_product(input, input2), name="orgqr",
      signature="orgqr(Tensor input, Tensor input2, *, Tensor? out=None)")


def _householder(A, tau, ncols):
    """The first ``ncols`` columns of ``H_1 ... H_k`` (differentiable flambeau ops)."""
    m, n = A.shape[-2:]
    below = _out(np.tril(np.ones((m, n)), -1), A._dtype)
    V = A * below + _out(np.eye(m, n), A._dtype)
    Q = A[..., :1, :1] * 0 + make(np.eye(m, ncols, dtype=A._data.dtype), A._dtype)
    for i in range(tau.shape[-1] - 1, -1, -1):  # Q = H_i Q, from the last reflector back
        v = V[..., :, i:i + 1]
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (v.mH @ Q)
    return Q


geqrf_type = return_type("geqrf", ["a", "tau"])


@defop(signature="geqrf(Tensor input, *, Tensor[2]? out=None)")
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


@defop(signature="ormqr(Tensor input, Tensor input2, Tensor input3, bool left=True, "
                 "bool transpose=False, *, Tensor? out=None)")
def ormqr(input, tau, other, left=True, transpose=False):
    """``Q @ other`` (``left=False``: ``other @ Q``; ``transpose``: ``Q^H``) with ``Q`` the
    full product of the Householder reflectors of :func:`geqrf`."""
    for what, t in (("input", input), ("other", other)):
        if t.ndim < 2:
            raise RuntimeError(f"torch.ormqr: {what} must have at least 2 dimensions.")
    mn = other.shape[-2] if left else other.shape[-1]
    if tau.shape[-1] != min(mn, input.shape[-1]):
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], "
                           "input.shape[-1])")
    for what, t in (("tau", tau), ("other", other)):  # (torch's message lacks a space)
        if t._dtype is not input._dtype:
            raise RuntimeError(f"torch.ormqr: Expected input and {what} to have the same dtype, "
                               f"but input has dtype{type_name(input._dtype)} and {what} has "
                               f"dtype {type_name(t._dtype)}")
    _float_kernel(input, "ormqr_cpu")
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
    if not (q >= 0 and q <= min(m, n)):  # (as torch's: so a wrong type fails as there)
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter)
