"""Matrix products: dot, mv, mm, bmm, matmul and their fused ``add*`` forms, tensordot, einsum.

Every product goes straight to ``np.matmul`` (BLAS for float and complex; float16 and
bfloat16 through float32, see ``_backend.matmul``) on the inputs' arrays, without copies;
gradients are products with transposed views, written with flambeau ops so that they are
differentiable again. Unlike NumPy, torch does not promote: both
operands must have one dtype (integers stay integers, bool is refused), and shape errors use
torch's words. ``matmul`` records the node torch's own decomposition leaves on its result
(``MmBackward0``, ``UnsafeViewBackward0``...).
"""
import functools
import math
import warnings

import numpy as np

from .. import _backend, _dtype
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import needs_grad, needs_grad2, wrap_dim
from . import autocast
from .promotion import _not_implemented, broadcast_error
from .registry import defop, register, type_name
from .shape import t as _t_form
from .signature import checker

_matmul = _backend.matmul  # half types in float32
_t = _t_form.__wrapped__  # (its argument checks skipped: a tensor it is given)
_HALVES = (_dtype.float16, _dtype.bfloat16)


def _h(t):
    """The conjugate transpose of the last two dims (a view for real tensors)."""
    t = t.mT
    return t.conj() if t._dtype.is_complex else t


def _conj(t):
    return t.conj() if t._dtype.is_complex else t


def _same_dtype(a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a._dtype._cpp_name} != {b._dtype._cpp_name}")


def _no_bool(t, kernel):
    if t._dtype is _dtype.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _shape_str(shape):
    return "x".join(map(str, shape))


# ---- the one product node ------------------------------------------------------------------

def _product(input, other, name):
    """``input @ other`` on arrays (shapes already checked), recording ``name``."""
    out = make(_matmul(input._data, other._data), input._dtype)
    if needs_grad2(input, other):
        record(name, (out,), (input, other), _matmul_backward, saved=(input, other))
    return out


def _matmul_backward(g, a, b):
    """Gradients of ``a @ b`` for every rank case (the engine sums broadcast batch dims)."""
    na, nb = a.ndim, b.ndim
    ga = gb = None
    if na == 1 and nb == 1:
        ga = g * _conj(b) if a._requires_grad else None
        gb = g * _conj(a) if b._requires_grad else None
    elif nb == 1:  # (..., n, k) @ (k,) -> (..., n)
        if a._requires_grad:
            ga = g.unsqueeze(-1) * _conj(b)
        if b._requires_grad:
            gb = matmul(g.reshape(-1), _conj(a).reshape(-1, a.shape[-1]))
    elif na == 1:  # (k,) @ (..., k, m) -> (..., m)
        if a._requires_grad:
            ga = matmul(_conj(b), g.unsqueeze(-1)).squeeze(-1)
        if b._requires_grad:
            gb = _conj(a).unsqueeze(-1) * g.unsqueeze(-2)
    else:
        ga = _grad_mat1(g, a, b) if a._requires_grad else None
        gb = _grad_mat2(g, a, b) if b._requires_grad else None
    return ga, gb


def _transposed(t):
    """Whether ``t`` is a column-major matrix (a ``weight.t()``)."""
    d = t._data
    return d.ndim == 2 and d.flags.f_contiguous and not d.flags.c_contiguous


def _grad_mat1(g, a, b):
    """``g @ b^H``, the gradient of ``a`` in ``a @ b``, laid out like ``a`` (as torch's mm
    backward: the gradient of a transposed parameter then reaches ``.grad`` contiguous)."""
    if g._dtype.is_complex or needs_grad2(g, b):  # complex, or differentiated again: ops
        return _h(matmul(b, _h(g))) if _transposed(a) else matmul(g, _h(b))
    gd, bd = g._data, b._data  # else one product of arrays, no view tensors
    return make(_mt(_matmul(bd, _mt(gd))) if _transposed(a) else _matmul(gd, _mt(bd)),
                g._dtype)


def _grad_mat2(g, a, b):
    """``a^H @ g``, the gradient of ``b`` in ``a @ b``, laid out like ``b``."""
    if g._dtype.is_complex or needs_grad2(g, a):
        return _h(matmul(_h(g), a)) if _transposed(b) else matmul(_h(a), g)
    gd, ad = g._data, a._data
    return make(_mt(_matmul(_mt(gd), ad)) if _transposed(b) else _matmul(_mt(ad), gd),
                g._dtype)


def _mt(a):
    """The transpose of an array's last two dims (a view)."""
    return a.swapaxes(-1, -2)


# ---- plain products ------------------------------------------------------------------------

@defop(signature="dot(Tensor input, Tensor tensor, *, Tensor? out=None)")
def dot(input, tensor):
    """The inner product of two 1-d tensors of one dtype (no conjugation)."""
    _check_vectors(input, tensor, "dot")
    return _product(input, tensor, "DotBackward0")


def _check_vectors(a, b, name):
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D "
                           "tensors")
    if a._dtype is not b._dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                           f"{type_name(a._dtype)} and {type_name(b._dtype)}")
    n, m = a._data.size, b._data.size
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           "respectively")
    _no_bool(a, name)


@defop(signature="vdot(Tensor input, Tensor other, *, Tensor? out=None)")
def vdot(input, other):
    """``dot`` with the first vector conjugated."""
    _check_vectors(input, other, "vdot")
    out = make(np.vdot(input._data, other._data), input._dtype)
    if needs_grad(input, other):
        record("VdotBackward0", (out,), (input, other),
               lambda g, x, y: (_conj(g) * y, g * x), saved=(input, other))
    return out


def _with_out_dtype(fn):
    """``torch.mm`` and ``torch.bmm`` have an ``out_dtype`` overload (which torch's CPU build
    lacks); their methods do not."""
    name = fn.__name__
    defop(fn, function=False, signature=f"{name}(Tensor input, Tensor mat2)")
    return defop(fn, method=False, signature=[
        f"{name}(Tensor input, Tensor mat2, *, Tensor? out=None)",
        f"{name}(Tensor input, Tensor mat2, ScalarType out_dtype, *, Tensor? out=None)"])


def _check_no_out_dtype(out_dtype, name):
    if out_dtype is not None:
        raise NotImplementedError(f"Could not run 'aten::{name}.dtype' with arguments from the "
                                  "'CPU' backend.")


@_with_out_dtype
def mm(input, mat2, out_dtype=None):
    """The product of two matrices."""
    _check_no_out_dtype(out_dtype, "mm")
    if input.is_sparse:
        return _sparse_product(input, mat2)
    _check_mm(input, mat2)
    return _product(input, mat2, "MmBackward0")


def _sparse_product(input, other):
    """A sparse COO ``input`` times a dense matrix (``MmBackward0``, as torch records it)."""
    from .._sparse import spmm
    return spmm(input, other, "MmBackward0")


# torch.spmm (sparse by dense) is mm's binding under a second name
register("", "spmm", mm)


def _check_mm(a, b):
    if a._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a._data.shape[1] != b._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({_shape_str(a._data.shape)} and {_shape_str(b._data.shape)})")
    _same_dtype(a, b)
    _no_bool(a, "addmm_impl_cpu_")


@_with_out_dtype
def bmm(input, mat2, out_dtype=None):
    """Matrix products of two batches of matrices of one batch size."""
    _check_no_out_dtype(out_dtype, "bmm")
    _check_bmm(input, mat2)
    return _product(input, mat2, "BmmBackward0")


def _check_bmm(a, b, name="batch", kernel="bmm"):
    for i, t in enumerate((a, b)):
        if t._data.ndim != 3:
            raise RuntimeError(f"{name}{i + 1} must be a 3D tensor")
    _check_batches(a._data.shape, b._data.shape)
    if a._dtype is not b._dtype:
        raise RuntimeError(f"expected scalar type {type_name(a._dtype)} but found "
                           f"{type_name(b._dtype)}")
    _no_bool(a, kernel)


def _check_batches(sa, sb):
    if sb[:-1] != sa[:-2] + sa[-1:]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sa[0]}, {sa[-1]}] but got: [{sb[0]}, {sb[-2]}].")


@defop(signature="mv(Tensor input, Tensor vec, *, Tensor? out=None)")
def mv(input, vec):
    """A matrix times a vector."""
    _check_mv(input, vec)
    return _product(input, vec, "MvBackward0")


def _check_mv(a, v):
    if a._data.ndim != 2 or v._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a._data.ndim}, "
                           f"{v._data.ndim}")
    n, k = a._data.shape
    if k != v._data.size:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({v._data.size})")
    if a._dtype is not v._dtype:  # (torch's mv is addmv into a result of the vector's dtype)
        _addmv_dtypes(v, a, v)
    _no_bool(a, "addmv_impl_cpu")


def _addmv_dtypes(input, mat, vec):
    raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                       f"{type_name(input._dtype)}, {type_name(mat._dtype)}, and "
                       f"{type_name(vec._dtype)}")


@defop(signature="matmul(Tensor input, Tensor other, *, Tensor? out=None)")
def matmul(input, other):
    """The matrix product with NumPy's rank rules: 1-d operands are vectors, batch dims
    broadcast. Shape errors are those of the mm/mv/bmm torch folds the product into."""
    if input.is_sparse:
        return _sparse_product(input, other)
    na, nb = input._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    sa, sb = input._data.shape, other._data.shape
    if na == 2 == nb and sa[1] == sb[0] and input._dtype is other._dtype and \
            input._dtype is not _dtype.bool:  # the common case, checked at once
        return _product(input, other, "MmBackward0")
    if na <= 2 and nb <= 2:
        if na == 1 and nb == 1:
            _check_vectors(input, other, "dot")
            return _product(input, other, "DotBackward0")
        if nb == 1:
            _check_mv(input, other)
            return _product(input, other, "MvBackward0")
        if sa[-1] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({_shape_str(((1,) + sa)[-2:])} and {_shape_str(sb)})")
        _same_dtype(input, other)
        _no_bool(input, "addmm_impl_cpu_")
        return _product(input, other, "MmBackward0" if na == 2 else "SqueezeBackward4")
    if nb == 1 and input._dtype is not other._dtype:
        _addmv_dtypes(other, input, other)
    _same_dtype(input, other)
    _no_bool(input, "addmm_impl_cpu_")
    if nb <= 2:  # folded into one mm (or mv) over the flattened batch
        rows = int(np.prod(sa[:-1]))
        if sa[-1] != sb[0]:
            if nb == 1:
                raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), "
                                   f"vec ({sb[0]})")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{sa[-1]} and "
                               f"{_shape_str(sb)})")
        return _product(input, other, "UnsafeViewBackward0")
    batch = _broadcast_batch(sa[:-2] if na > 2 else (), sb[:-2])
    n = int(np.prod(batch))
    k = sa[-1]
    if k != sb[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{n}, {k}] but got: [{n}, {sb[-2]}].")
    return _product(input, other, "CloneBackward0" if na == 2 else "UnsafeViewBackward0")


defop(matmul.__wrapped__, namespace="linalg", method=False,
      signature="matmul(Tensor input, Tensor other, *, Tensor? out=None)")


def _broadcast_batch(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise broadcast_error(np.empty(a, np.int8), np.empty(b, np.int8)) from None


def _matmul_operator(self, other=None):
    """``self @ other``: NotImplemented for a non-tensor, as every binary operator."""
    return _matmul_op(self, other) if isinstance(other, Tensor) else NotImplemented


def _rmatmul_operator(self, other=None):
    return _matmul_op(other, self) if isinstance(other, Tensor) else NotImplemented


_matmul_op = matmul.__wrapped__  # operators take no out=: skip its wrapper
register("", "__matmul__", _matmul_operator, method=True)
register("", "__rmatmul__", _rmatmul_operator, method=True)


# ---- products added to an input ------------------------------------------------------------

def _unit_derivative(grad_a, grad_b):
    """The derivative of ``input + product(a, b)`` (``beta = alpha = 1``, the common case),
    made once per op: ``grad_a(g, a, b)``, ``grad_b`` give the product's gradients."""
    def derivative(g, a, b):
        return (g, grad_a(g, a, b) if a._requires_grad else None,
                grad_b(g, a, b) if b._requires_grad else None)
    return derivative


def _fused(name, node, check, product, unit, doc, names, out_dtype=False, promote=False):
    """``beta * input + alpha * product(a, b)``, as torch's add* ops (``beta=0`` ignores
    ``input``, NaNs included). ``unit`` is the derivative for ``beta = alpha = 1`` (see
    :func:`_unit_derivative`); ``names``: torch's for ``a`` and ``b``; ``out_dtype``: whether
    the function has torch's ``out_dtype`` overload (which its CPU build lacks); ``promote``:
    whether the three tensors are promoted to a common dtype (addr) rather than checked to
    have one (``check`` raises)."""
    def op(input, a, b, out_dtype=None, *, beta=1, alpha=1):
        _check_no_out_dtype(out_dtype, name)
        check(input, a, b)
        dtype = input._dtype
        x, y, z = a._data, b._data, input._data
        if promote:
            dtype = _dtype.result_type_of(input, a, b)
            _check_addr_scalars(dtype, beta, alpha)
            x, y, z = (v.astype(dtype._np, copy=False) for v in (x, y, z))
        if not (dtype.is_floating_point or dtype.is_complex):
            cast = bool if dtype is _dtype.bool else int  # torch casts the scalars
            beta, alpha = cast(beta), cast(alpha)
        if dtype in _HALVES:  # summed with input in float32, rounded once, as torch's
            x, y = x.astype(np.float32), y.astype(np.float32)
        p = product(x, y)
        if alpha != 1:
            p = p * alpha
        try:
            if beta == 0:
                shape = np.broadcast_shapes(z.shape, p.shape)
                result = p if shape == p.shape else np.broadcast_to(p, shape).copy()
            else:
                result = np.add(p, z if beta == 1 else beta * z, out=p, casting="unsafe")
        except ValueError:
            raise RuntimeError(
                f"The expanded size of the tensor ({p.shape[-1]}) must match the existing size "
                f"({z.shape[-1]}) at non-singleton dimension {p.ndim - 1}.  Target "
                f"sizes: {list(p.shape)}.  Tensor sizes: {list(z.shape)}") from None
        out = make(result.astype(dtype._np, copy=False), dtype)
        if needs_grad(input, a, b):
            derivative = unit
            if alpha != 1 or beta != 1:
                def derivative(g, x, y):
                    gi, gx, gy = unit(g, x, y)
                    if alpha != 1:
                        gx = gx * alpha if gx is not None else None
                        gy = gy * alpha if gy is not None else None
                    return (gi * beta if beta != 1 else gi), gx, gy
            record(node, (out,), (input, a, b), derivative, saved=(a, b))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    head, tail = f"{name}(Tensor input, Tensor {names[0]}, Tensor {names[1]}, ", \
        "*, Scalar beta=1, Scalar alpha=1, Tensor? out=None)"
    # torch's deprecated orders
    old = [f"{name}(Scalar beta, Tensor input, Scalar alpha, Tensor {names[0]}, Tensor {names[1]}",
           f"{name}(Scalar beta, Tensor input, Tensor {names[0]}, Tensor {names[1]}"]
    defop(op, function=False, inplace=True, signature=[head + tail] + [
        f"{name}(Tensor input, " + text[len(name) + 1:].replace(", Tensor input", "") +
        ")|deprecated" for text in old])
    return defop(op, method=False, signature=[head + tail] + (
        [head + "ScalarType out_dtype, " + tail] if out_dtype else []) + [
        text + end + "|deprecated" for text in old for end in (")", ", *, Tensor out)")])


def _check_add(check, dtypes):
    """``check(a, b)`` of the product, after ``dtypes(input, a, b)``, which raises torch's
    error for the op when the three dtypes are not one."""
    def full_check(input, a, b):
        if input._dtype is not a._dtype or input._dtype is not b._dtype:
            dtypes(input, a, b)
        check(a, b)
    return full_check


def _addmm_dtypes(input, a, b):
    if input._dtype is not b._dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{type_name(input._dtype)} and {type_name(b._dtype)}")
    raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                       f"{type_name(a._dtype)} and {type_name(b._dtype)}")


def _baddbmm_dtypes(input, a, b):
    if input._dtype is a._dtype:
        raise RuntimeError(f"expected scalar type {type_name(a._dtype)} but found "
                           f"{type_name(b._dtype)}")
    raise RuntimeError(f"Input dtypes must be the same, got: input {input._dtype._cpp_name}, "
                       f"batch1: {a._dtype._cpp_name}, batch2: {b._dtype._cpp_name}")


def _check_addr_scalars(dtype, beta, alpha):
    """torch's checks of addr's scalars against the promoted dtype."""
    for word, value in (("beta", beta), ("alpha", alpha)):
        if isinstance(value, bool) and dtype is not _dtype.bool:
            raise RuntimeError(f"Boolean {word} only supported for Boolean results.")
        if isinstance(value, float) and not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(f"For integral input tensors, argument {word} must not be a "
                               f"floating point number.")


_addmm_derivative = _unit_derivative(_grad_mat1, _grad_mat2)
addmm = _fused("addmm", "AddmmBackward0", _check_add(_check_mm, _addmm_dtypes), _matmul,
               _addmm_derivative,
               "``beta * input + alpha * (mat1 @ mat2)``.", ("mat1", "mat2"), out_dtype=True)
baddbmm = _fused("baddbmm", "BaddbmmBackward0",
                 _check_add(functools.partial(_check_bmm, kernel="baddbmm"), _baddbmm_dtypes),
                 _matmul,
                 _unit_derivative(lambda g, x, y: matmul(g, _h(y)),
                                  lambda g, x, y: matmul(_h(x), g)),
                 "``beta * input + alpha * bmm(batch1, batch2)``.", ("batch1", "batch2"),
                 out_dtype=True)
addbmm = _fused("addbmm", "AddbmmBackward0",
                _check_add(functools.partial(_check_bmm, kernel="addmm_impl_cpu_"),
                           _addmm_dtypes),
                lambda x, y: _matmul(x, y).sum(0),
                _unit_derivative(lambda g, x, y: matmul(g.unsqueeze(0), _h(y)),
                                 lambda g, x, y: matmul(_h(x), g.unsqueeze(0))),
                "``beta * input + alpha * (batch1 @ batch2).sum(0)``.", ("batch1", "batch2"))
addmv = _fused("addmv", "AddmvBackward0", _check_add(_check_mv, _addmv_dtypes), _matmul,
               _unit_derivative(lambda g, x, y: g.unsqueeze(-1) * _conj(y),
                                lambda g, x, y: matmul(_h(x), g)),
               "``beta * input + alpha * (mat @ vec)``.", ("mat", "vec"))


def linear(input, weight, bias=None):
    """``F.linear``: ``input @ weight.T + bias``, recorded as torch records it. A batch of
    vectors with a bias is ``addmm(bias, input, weight.t())`` (``TBackward0`` on the weight,
    ``AddmmBackward0``), done here in one call when the three are real float32/float64 arrays
    of matching shapes and autocast is off; everything else goes through ``t``, ``addmm`` and
    ``matmul`` (their checks, casts and errors)."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and
            (bias is None or isinstance(bias, Tensor))):
        _linear_arguments(input, weight, bias)
    if bias is None or weight._data.ndim != 2:
        out = matmul(input, weight.t())
        return out if bias is None else out + bias
    x, w, b = input._data, weight._data, bias._data
    if x.ndim != 2:
        if x.ndim == 0:
            raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                               f"0D and {w.ndim}D")
        shape = x.shape
        out = addmm(bias, input.reshape(-1, shape[-1]), weight.t())
        return out.view(*shape[:-1], out.shape[-1])
    dtype = input._dtype
    if (dtype is not _dtype.float32 and dtype is not _dtype.float64 or
            weight._dtype is not dtype or bias._dtype is not dtype or
            b.shape != w.shape[:1] or x.shape[1] != w.shape[1] or input.is_sparse or
            weight.is_sparse or type(x) is not np.ndarray or autocast.FORMS_ENV["_on"]):
        return addmm(bias, input, weight.t())
    wt = _t(weight)
    # np.dot: the same BLAS product as matmul, with less overhead per call (an outer product,
    # one input feature, keeps _matmul's exact signed zeros)
    out = np.dot(x, wt._data) if x.shape[1] != 1 else _matmul(x, wt._data)
    out = make(np.add(out, b, out=out), dtype)
    if needs_grad(bias, input, wt):
        record("AddmmBackward0", (out,), (bias, input, wt), _addmm_derivative,
               saved=(input, wt))
    return out


_linear_arguments = checker("linear(Tensor input, Tensor weight, Tensor? bias=None)")


def _check_outer(a, b):
    for i, t in enumerate((a, b)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {('self', 'vec2')[i]}, but got "
                               f"{t._data.ndim}-D")


addr = _fused("addr", "AddrBackward0", lambda input, a, b: _check_outer(a, b),
              np.multiply.outer,
              _unit_derivative(lambda g, x, y: matmul(g, _conj(y)),
                               lambda g, x, y: matmul(g.mT, _conj(x))),
              "``beta * input + alpha * outer(vec1, vec2)``, the three promoted to one dtype.",
              ("vec1", "vec2"), promote=True)


@defop(aliases=("ger",), signature="outer(Tensor input, Tensor vec2, *, Tensor? out=None)")
def outer(input, vec2):
    """The outer product of two 1-d tensors (dtypes promoted, as ``*`` does)."""
    _check_outer(input, vec2)
    return input.reshape(-1, 1) * vec2


@defop(signature="inner(Tensor input, Tensor other, *, Tensor? out=None)")
def inner(input, other):
    """Sums of products over the last dims (a scalar operand multiplies)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(sa)} and {list(sb)}")
    return tensordot(input, other, ([-1], [-1]))


_CHAIN_MATMUL = checker("chain_matmul(Tensor[] matrices)")


@defop(method=False)
def chain_matmul(*matrices):
    """The product of 2-d tensors, left to right (deprecated in torch, and warns)."""
    _CHAIN_MATMUL(matrices)
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return functools.reduce(mm, matrices)


# ---- tensordot and einsum ------------------------------------------------------------------

_check_tensordot = checker("tensordot(Tensor input, Tensor other, int[] dims_self, "
                           "int[] dims_other)")


@defop(method=False, out=True)
def tensordot(a, b, dims=2):
    """Sums of products over pairs of dims: the last ``dims`` of ``a`` with the first of
    ``b``, or the dims listed in ``dims = (dims_a, dims_b)``."""
    if not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims = list(range(-dims, 0)), list(range(dims))
    given_a, given_b = dims
    _check_tensordot(a, b, given_a, given_b)
    na, nb = a._data.ndim, b._data.ndim
    da, db = [wrap_dim(d, na) for d in given_a], [wrap_dim(d, nb) for d in given_b]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a._dtype is not b._dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y, gx, gy in zip(da, db, given_a, given_b):  # a size-1 dim against a longer one:
        sx, sy = a._data.shape[x], b._data.shape[y]   # the longer is summed first
        if sx != sy and sx == 1:
            b = b.sum(y, keepdim=True, dtype=b._dtype)
        elif sx != sy and sy == 1:
            a = a.sum(x, keepdim=True, dtype=a._dtype)
        elif sx != sy:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sx} in "
                               f"dim {gx} and second has size {sy} in dim {gy}")
    if a._dtype._barebones and 0 not in a._data.shape + b._data.shape:
        # torch's mm; for one value a dot, or a sum over several dims (as probed)
        one = a._data.size == math.prod(a._data.shape[d] for d in da) and \
            b._data.size == math.prod(b._data.shape[d] for d in db)
        raise _not_implemented("addmm_impl_cpu_" if not one else "dot" if len(da) < 2 else
                               "sum_cpu", a._dtype)
    out = make(np.tensordot(a._data, b._data, (da, db)), a._dtype)
    if needs_grad(a, b):
        fa = [d for d in range(na) if d not in da]
        fb = [d for d in range(nb) if d not in db]
        k = len(fa)
        pairs = dict(zip(da, db))
        x_rest = [dict(zip(db, da))[d] for d in sorted(db)]  # x's dims matching y's leftovers
        y_rest = [pairs[d] for d in sorted(da)]

        def backward(g, x, y):
            gx = gy = None
            g_b = list(range(k, g.ndim))
            if x._requires_grad:  # axes of the result: fa then da
                gx = tensordot(g, _conj(y), (g_b, fb)).permute(tuple(np.argsort(fa + x_rest)))
            if y._requires_grad:  # axes of the result: db then fb
                gy = tensordot(_conj(x), g, (fa, list(range(k)))).permute(
                    tuple(np.argsort(y_rest + fb)))
            return gx, gy
        record("ViewBackward0", (out,), (a, b), backward, saved=(a, b))
    return out


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


_check_einsum = checker("einsum(str equation, Tensor[] tensors, *, int[]? path=None)")


@defop(method=False)
def einsum(*args):
    """Einstein summation, with ellipses and size-1 broadcasting; also the sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` and the operands as one list. Operands must
    share one dtype."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):
        equation, operands = _from_sublists(args)
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        return einsum(equation, *operands[0])
    _check_einsum(equation, operands)
    inputs, output = _parse_equation(equation, operands)
    for t in operands[1:]:
        if t._dtype is not operands[0]._dtype:
            raise RuntimeError(f"expected scalar type {type_name(operands[0]._dtype)} but found "
                               f"{type_name(t._dtype)}")
    dtype = _einsum_dtype(inputs, output, operands)
    arrays = [t._data if dtype is t._dtype else t._data.astype(dtype._np) for t in operands]
    spec = ",".join(inputs) + "->" + output
    big = len(arrays) > 2 or (len(arrays) == 2 and min(a.size for a in arrays) > 256)
    try:
        result = np.einsum(spec, *arrays, optimize=big)
    except ValueError:
        _size_error(inputs, arrays)
        raise
    out = make(np.asarray(result, dtype=dtype._np), dtype)
    if needs_grad(*operands):
        record(_einsum_node(inputs, output), (out,), operands,
               lambda g, *xs: _einsum_backward(g, xs, inputs, output), saved=operands)
    return out


def _einsum_dtype(inputs, output, operands):
    """The dtype of torch's einsum, which sums a letter longer than 1 in one operand only (any
    letter of a single operand) as torch.sum does: integers and bool as int64, where
    uint16/32/64 then meet torch's promotion error; it contracts the other summed letters
    with bmm, which refuses those three (not when an operand is empty)."""
    dtype = operands[0]._dtype
    if dtype.is_floating_point or dtype.is_complex:
        return dtype
    shapes = [dict(zip(s, t._data.shape)) for s, t in zip(inputs, operands)]
    summed = {c for shape in shapes for c in shape if c not in output}
    if len(operands) == 1:
        return _dtype.int64 if summed else dtype
    if any(0 in shape.values() for shape in shapes):  # (torch returns zeros at once)
        return dtype
    owners = {c: [i for i, shape in enumerate(shapes) if shape.get(c, 1) > 1] for c in summed}
    alone = sorted(o[0] for o in owners.values() if len(o) == 1)
    if alone:
        if dtype._barebones:  # (the sum of the first operand meets the product, or the reverse)
            _dtype.promote_types(*((_dtype.int64, dtype) if alone[0] == 0 else
                                   (dtype, _dtype.int64)))
        return _dtype.int64
    if dtype._barebones and any(len(o) > 1 for o in owners.values()):
        raise _not_implemented("bmm", dtype)
    return dtype


def _subscript(n):
    """A letter for a sublist's subscript (tested as torch tests it, so a wrong type fails as
    in torch)."""
    if n is Ellipsis:
        return "..."
    if n >= 0 and n < 26:
        return chr(ord("A") + n)
    if n >= 26 and n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range "
                     "[0, 52)")


def _from_sublists(args):
    """The equation of the sublist form, and its operands."""
    output = args[-1] if len(args) % 2 else None
    if output is not None:
        args = args[:-1]
    operands, subs = args[0::2], args[1::2]

    def letters(sub):
        return "".join(map(_subscript, sub))
    equation = ",".join(letters(s) for s in subs)
    if output is not None:
        equation += "->" + letters(output)
    return equation, tuple(operands)


def _parse_equation(equation, operands):
    """Explicit subscripts (ellipses spelled out as letters) of the inputs and the output."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                           "equation")
    if len(inputs) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    free = [c for c in _LETTERS if c not in equation]
    n_ell = max([t._data.ndim - len(s.replace("...", "")) for s, t in zip(inputs, operands)
                 if "..." in s], default=0)
    ell = "".join(free[:n_ell])
    for i, (s, t) in enumerate(zip(inputs, operands)):
        explicit = len(s.replace("...", ""))
        if "..." in s:
            s = s.replace("...", ell[n_ell - (t._data.ndim - explicit):] if
                          t._data.ndim > explicit else "")
        elif explicit != t._data.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({explicit}) "
                               f"does not match the number of dimensions ({t._data.ndim}) for "
                               f"operand {i} and no ellipsis was given")
        inputs[i] = s
    if arrow:
        output = rhs.replace("...", ell)
        for c in output:
            if c not in lhs and c not in ell:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
            if output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
    else:
        counts = "".join(inputs)
        output = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1
                                      and c not in ell))
    return inputs, output


def _size_error(inputs, arrays):
    seen = {}
    for i, (s, a) in enumerate(zip(inputs, arrays)):
        for c, size in zip(s, a.shape):
            have = seen.setdefault(c, size)
            if size != have and 1 not in (size, have):
                raise RuntimeError(f"einsum(): subscript {c} has size {size} for operand {i} "
                                   f"which does not broadcast with previously seen size {have}")


def _einsum_node(inputs, output):
    """The node torch's einsum leaves on its result, for the common shapes of equations."""
    if len(inputs) == 1:
        return "PermuteBackward0" if sorted(inputs[0]) == sorted(output) else "SumBackward1"
    contracted = set("".join(inputs)) - set(output)
    return "MulBackward0" if not contracted else "ViewBackward0"


def _einsum_backward(g, xs, inputs, output):
    """Each operand's gradient, as one more einsum of the output gradient and the others.

    Subscripts repeated in an operand (diagonals) are multiplied by identity matrices, and
    those found only in that operand by vectors of ones, so the gradient einsum can produce
    them."""
    from .. import _tensor
    grads = []
    for i, (x, s) in enumerate(zip(xs, inputs)):
        if not x._requires_grad:
            grads.append(None)
            continue
        others = [(t, sub) for j, (t, sub) in enumerate(zip(xs, inputs)) if j != i]
        operands = [g] + [_conj(t) for t, _ in others]
        subs = [output] + [sub for _, sub in others]
        present = set("".join(subs))
        target, seen = "", set()
        free = [c for c in _LETTERS if c not in "".join(inputs) + output]
        for c, size in zip(s, x.shape):
            dtype = x._data.dtype
            if c in seen:  # a repeated subscript: a new one tied to it by the identity
                new = free.pop()
                operands.append(_tensor.make(np.eye(size, dtype=dtype), x._dtype))
                subs.append(c + new)
                c = new
            elif c not in present:
                operands.append(_tensor.make(np.ones(size, dtype=dtype), x._dtype))
                subs.append(c)
            seen.add(c)
            present.add(c)
            target += c
        grad = einsum(",".join(subs) + "->" + target, *operands)
        if any(n == 1 and m != 1 for n, m in zip(grad.shape, x.shape)):  # x broadcast there
            grad = grad.expand(np.broadcast_shapes(grad.shape, x.shape))
        grads.append(grad)
    return tuple(grads)
