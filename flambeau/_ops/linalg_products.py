"""Matrix functions and norms: matrix_power, matrix_exp, cross, vecdot, multi_dot, vector and
matrix norms, cond, vander and linalg.diagonal."""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._linalg_utils import _check, _check_float, _eye_like, _out, _real_dtype, linop
from ._util import needs_grad, wrap_dim
from .linalg_decompositions import svdvals
from .linalg_solvers import inv
from .reduction import norm_backward, vector_norm_array
from .registry import defop


# ---- products and powers -------------------------------------------------------------------

@linop(legacy="matrix_power",
       signature=("matrix_power(Tensor input, int n, *, Tensor? out=None)",) * 2)
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


@linop(legacy="matrix_exp", signature=("matrix_exp(Tensor input)",) * 2)
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


@defop(method=False, namespace="linalg",
       signature="cross(Tensor input, Tensor other, *, int dim=-1, Tensor? out=None)")
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


@defop(method=False, namespace="linalg",
       signature="vecdot(Tensor x, Tensor y, *, int dim=-1, Tensor? out=None)")
def vecdot(x, y, *, dim=-1):
    """``sum(conj(x) * y, dim)``."""
    return (x.conj() * y).sum(dim)


@defop(method=False, namespace="linalg",
       signature="multi_dot(Tensor[] tensors, *, Tensor? out=None)")
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
    """The NumPy axes of ``dim`` (a 0-d tensor takes dim 0 or -1, and has no axis)."""
    if dim is None:
        return tuple(range(x.ndim))
    dims = (wrap_dim(dim, x.ndim),) if isinstance(dim, int) else \
        tuple(wrap_dim(d, x.ndim) for d in dim)
    return dims if x.ndim else ()


@defop(method=False, namespace="linalg",
       signature="vector_norm(Tensor input, Scalar ord=2, int[1]? dim=None, bool keepdim=False, "
                 "*, ScalarType? dtype=None, Tensor? out=None)")
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """``sum(|x|^ord)^(1/ord)`` over ``dim`` (all dims by default); ord may be inf, -inf, 0."""
    _check_float(x, "linalg.vector_norm")
    if dtype is not None:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, "
                               f"but got {dtype._scalar_name}")
        x = x.to(dtype)
    dims, ord = _norm_dims(x, dim), float(ord)
    out = _out(vector_norm_array(x._data, ord, dims, keepdim, dim is not None),
               _real_dtype(x._dtype))
    if needs_grad(x):
        record("LinalgVectorNormBackward0", (out,), (x,),
               lambda g, x, r: norm_backward(g, x, r, ord, dims, keepdim), saved=(x,),
               saved_outputs=(0,))
    return out


@defop(method=False, namespace="linalg", signature=[
    f"matrix_norm(Tensor input, {o}, int[] dim=[-2, -1], bool keepdim=False, *, "
    "ScalarType? dtype=None, Tensor? out=None)" for o in ("Scalar ord", 'str ord="fro"')])
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norms over ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    _check_float(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(map(str, dim))}")
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


def _norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """``torch.norm``, as torch composes it: :func:`vector_norm` for a number (``'fro'`` over
    at most two dims is the 2-norm), :func:`matrix_norm` for another string ``p`` (so theirs
    are the checks and messages)."""
    input.layout  # (as torch's: its first use of the input)
    dims = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        return matrix_norm(input, p, list(range(input.ndim)) if dims is None else dims,
                           keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


_norm.__name__ = _norm.__qualname__ = "norm"
defop(_norm, out=True)


@defop(method=False, namespace="linalg", signature=[
    f"norm(Tensor input, {o}, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, "
    "Tensor? out=None)" for o in ("Scalar? ord=None", "str ord")])
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


# ---- compositions --------------------------------------------------------------------------

@defop(method=False, namespace="linalg",
       signature="diagonal(Tensor A, *, int offset=0, int dim1=-2, int dim2=-1)")
def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``torch.diagonal`` with the matrix dims last by default."""
    return A.diagonal(offset, dim1, dim2)


@defop(method=False, namespace="linalg", signature=[
    "cond(Tensor input, Scalar? p=None, *, Tensor? out=None)",
    "cond(Tensor input, str p, *, Tensor? out=None)"])
def cond(A, p=None):
    """The condition number in norm ``p`` (default 2: the ratio of extreme singular values)."""
    if p in (None, 2, -2):
        s = svdvals(A)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    _check(A, "linalg.cond")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


@defop(method=False, namespace="linalg", signature="vander(Tensor x, *, int? N=None)")
def vander(x, *, N=None):
    """The Vandermonde matrix ``x[..., i] ** j`` for ``j < N`` (default: len(x))."""
    if x.ndim == 0:
        x = x.unsqueeze(0)
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = make(np.arange(n), _dtype.int64)
    if x._dtype._barebones:  # (torch's running product gives int64, which pow cannot promote to)
        x = x.long()
    return x.unsqueeze(-1) ** powers
