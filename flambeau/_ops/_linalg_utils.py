"""What the linalg family shares: :class:`LinAlgError`, torch's argument checks, results
wrapped in the input's precision, LAPACK getrf on a batch and nodes renamed to torch's names."""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from .registry import defop, register, type_name


class LinAlgError(RuntimeError):
    """A linear algebra failure: a singular or not positive-definite input."""


LinAlgError.__module__ = "flambeau.linalg"
register("linalg", "LinAlgError", LinAlgError)


def linop(fn=None, *, legacy, signature):
    """Registers ``fn`` as ``flambeau.linalg.<name>`` and as ``flambeau.<legacy>`` with its
    Tensor method; ``signature``: torch's signatures of the two, in that order."""
    if fn is None:
        return lambda f: linop(f, legacy=legacy, signature=signature)
    defop(fn, method=False, namespace="linalg", signature=signature[0])
    defop(fn, name=legacy, signature=signature[1])
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


# ---- LAPACK getrf, torch-named nodes ---------------------------------------------------------

def _lu(a):
    """LAPACK getrf on a batch: (packed LU, 1-based row swaps, info = first zero pivot)."""
    u = np.array(a, dtype=np.result_type(a, np.float64) if a.dtype.kind != "c" else a.dtype)
    m, n = u.shape[-2:]
    k_max = min(m, n)
    info = np.zeros(u.shape[:-2], np.int32)
    pivots = np.zeros(u.shape[:-2] + (k_max,), np.int32)
    idx = np.indices(u.shape[:-2])
    for k in range(k_max):
        column = u[..., k:, k]  # LAPACK's i?amax: |re| + |im| for complex entries
        piv = k + np.argmax(np.abs(column.real) + np.abs(column.imag) if column.dtype.kind == "c"
                            else np.abs(column), axis=-1)
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


def _no_grad():
    from ..autograd import grad_mode
    return grad_mode.no_grad()


def _renamed(node, outs):
    """``outs`` (computed with differentiable flambeau ops) passed through one ``node``, so their
    ``grad_fn`` has torch's name; gradients flow through unchanged."""
    named = tuple(make(o._data, o._dtype) for o in outs)
    record(node, named, outs, lambda grads: grads if len(outs) > 1 else (grads,))
    return named


_LAPACK_TYPES = (_dtype.float32, _dtype.float64, _dtype.complex64, _dtype.complex128)


def _float_kernel(A, kernel):
    """torch's refusal where its LAPACK ``kernel`` has no loop for ``A``'s dtype (it has for
    float32/64 and complex64/128 only)."""
    if A._dtype not in _LAPACK_TYPES:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(A._dtype)}\'')


def _no_derivative(name):
    def backward(grads):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return backward
