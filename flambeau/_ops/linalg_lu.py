"""Pivoted factorizations: LU (getrf) and Bunch-Kaufman LDL^T with their solvers, and torch's
legacy LU, Cholesky and triangular solvers."""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ..return_types import return_type
from ._linalg_utils import (_check, _eye_like, _float_kernel, _lu, _no_derivative, _no_grad, _out,
                            _renamed, _tril)
from ._util import needs_grad
from .linalg_solvers import solve
from .registry import defop, type_name
from .signature import checker


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
    L = LU[..., :, :k] * _out(np.tril(np.ones((m, k)), -1), LU._dtype) + \
        _out(np.eye(m, k), LU._dtype)
    U = LU[..., :k, :] * _out(np.triu(np.ones((k, n))), LU._dtype)
    return L, U


def _lu_backward(gL, gU, P, L, U):
    """The gradient of ``A = P L U``; a wide ``U = [U1 U2]`` or tall ``L = [L1; L2]`` adds the
    part that ``U2 = L^-1 P^T A2`` or ``L2 = A2 U^-1`` passes on."""
    import flambeau
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    upper = _out(np.triu(np.ones((k, k))), U._dtype)
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


def _lu_array(A, name):
    """``A``'s array, after torch's checks of its LU factorizations."""
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A._data.shape)} instead")
    _float_kernel(A, "lu_cpu")
    return A._data


def _lu_factor(A):
    a = _lu_array(A, "torch.lu_factor")
    lu, pivots, info = _lu(a)
    out = _out(lu, A._dtype)
    if needs_grad(A):
        m, n = a.shape[-2:]
        P = _out(_permutation(pivots, m), A._dtype)

        def backward(g, LU):
            L, U = _unpack(LU, m, n)
            return _lu_backward(g[..., :min(m, n)] * _out(np.tril(np.ones((m, min(m, n))), -1),
                                                          g._dtype),
                                g[..., :min(m, n), :] * _out(np.triu(np.ones((min(m, n), n))),
                                                             g._dtype), P, L, U)
        record("LinalgLuFactorExBackward0", (out,), (A,), backward, saved_outputs=(0,))
    return out, make(pivots, _dtype.int32), make(info, _dtype.int32)


@defop(method=False, namespace="linalg",
       signature="lu_factor(Tensor A, *, bool pivot=True, Tensor[2]? out=None)")
def lu_factor(A, *, pivot=True):
    """The packed LU factorization with partial pivoting (LAPACK getrf's LU and pivots)."""
    return lu_factor_type(*_lu_factor(A)[:2])


@defop(method=False, namespace="linalg",
       signature="lu_factor_ex(Tensor A, *, bool pivot=True, bool check_errors=False, "
                 "Tensor[3]? out=None)")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info) of :func:`lu_factor`."""
    return lu_factor_ex_type(*_lu_factor(A))


@defop(method=False, namespace="linalg",
       signature="lu(Tensor A, *, bool pivot=True, Tensor[3]? out=None)")
def lu(A, *, pivot=True):
    """``A = P @ L @ U`` with unit lower ``L``."""
    a = _lu_array(A, "linalg.lu")
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


@defop(method=False, namespace="linalg",
       signature="solve_triangular(Tensor input, Tensor B, *, bool upper, bool left=True, "
                 "bool unitriangular=False, Tensor? out=None)")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """``X`` with ``A @ X = B`` (or ``X @ A = B``), reading only ``A``'s triangle."""
    _check(A, "linalg.solve_triangular")
    n = A.shape[-1]
    mask = np.triu(np.ones((n, n)), 1 if unitriangular else 0) if upper else \
        np.tril(np.ones((n, n)), -1 if unitriangular else 0)
    T = A * _out(mask, A._dtype)
    if unitriangular:
        T = T + _eye_like(A)
    return solve(T, B, left=left)


@defop(method=False, namespace="linalg",
       signature="lu_solve(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, "
                 "bool adjoint=False, Tensor? out=None)")
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """Solves with the factors of :func:`lu_factor`."""
    n = LU.shape[-1]
    L, U = _unpack(LU, n, n)
    P = _out(_permutation(pivots._data, n), LU._dtype)
    A = P @ L @ U
    X = solve(A.mH if adjoint else A, B, left=left)
    return _renamed("LinalgLuSolveBackward0", (X,))[0] if needs_grad(LU, B) else X


# ---- legacy LU, Cholesky and triangular solvers --------------------------------------------

lu_with_info_type = return_type("_lu_with_info", ["LU", "pivots", "info"])
lu_unpack_type = return_type("lu_unpack", ["P", "L", "U"])
triangular_solve_type = return_type("triangular_solve", ["solution", "cloned_coefficient"])


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated in favor of torch.linalg.{new} and will be removed "
                  "in a future PyTorch release.", UserWarning, stacklevel=3)


_LU_WITH_INFO = checker("_lu_with_info(Tensor input, bool pivot=True, bool check_errors=True)")


@defop(name="lu", method=True, out=True)
def _legacy_lu(A, pivot=True, get_infos=False):
    """Deprecated ``torch.lu``: (LU, pivots), with ``get_infos`` also info."""
    _LU_WITH_INFO(A, pivot=pivot, check_errors=not get_infos)
    _deprecated("lu", "lu_factor / torch.linalg.lu_factor_ex")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    LU, pivots, info = _lu_factor(A)
    return lu_with_info_type(LU, pivots, info) if get_infos else (LU, pivots)


@defop(method=False, signature="lu_unpack(Tensor LU_data, Tensor LU_pivots, bool unpack_data=True, "
                                "bool unpack_pivots=True, *, Tensor[3]? out=None)")
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
        lower = _out(np.tril(np.ones((m, k)), -1), LU_data._dtype)
        upper = _out(np.triu(np.ones((k, n))), LU_data._dtype)
        right, down = _out(np.eye(k, n), LU_data._dtype), _out(np.eye(m, k), LU_data._dtype)
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


defop(_legacy_lu_solve, name="lu_solve",
      signature="lu_solve(Tensor input, Tensor LU_data, Tensor LU_pivots, *, Tensor? out=None)")


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


@defop(signature="cholesky_inverse(Tensor input, bool upper=False, *, Tensor? out=None)")
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


@defop(signature="cholesky_solve(Tensor input, Tensor input2, bool upper=False, *, "
                 "Tensor? out=None)")
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


@defop(signature="triangular_solve(Tensor input, Tensor A, bool upper=True, bool transpose=False, "
                 "bool unitriangular=False, *, Tensor[2]? out=None)")
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
        mask = _out(np.triu(np.ones((n, n)), diag) if upper else np.tril(np.ones((n, n)), -diag),
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


@defop(method=False, namespace="linalg",
       signature="ldl_factor(Tensor input, *, bool hermitian=False, Tensor[2]? out=None)")
def ldl_factor(A, *, hermitian=False):
    """LAPACK sytrf's Bunch-Kaufman ``A = L D L^T`` (``hermitian``: ``L^H``) in compact form:
    ``L`` (unit diagonal) below, ``D``'s 1x1 and 2x2 blocks on and under the diagonal;
    pivots are 1-based swaps, negative for 2x2 blocks."""
    return ldl_factor_type(*_ldl_factor(A, hermitian, "torch.linalg.ldl_factor")[:2])


@defop(method=False, namespace="linalg",
       signature="ldl_factor_ex(Tensor input, *, bool hermitian=False, bool check_errors=False, "
                 "Tensor[3]? out=None)")
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


@defop(method=False, namespace="linalg",
       signature="ldl_solve(Tensor LD, Tensor pivots, Tensor B, *, bool hermitian=False, "
                 "Tensor? out=None)")
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
