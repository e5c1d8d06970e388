"""Reductions: sums, means, extrema, statistics, norms and scans over all dims or ``dim``.

They differ from NumPy's in torch's result dtypes (integer and bool sums are int64, ``all`` of a
uint8 tensor stays uint8, ``argmax`` is int64), in reducing over a tuple of dims with
``keepdim``, in ``max(dim=...)`` returning ``return_types.max(values, indices)``, and in the
gradients: ``max``/``min`` over everything share the gradient evenly among ties, over ``dim``
they route it to the chosen index.
"""
import functools
import math
import warnings

import numpy as np

from .. import _dtype
from .._backend import quietly, restore, silence
from .._tensor import Tensor, make
from ..autograd.graph import record
from ..return_types import return_type
from ._util import needs_grad, needs_grad1, wrap_dim, wrap_dims
from .pointwise import log_add_exp
from .promotion import _not_implemented
from .registry import OUT_DTYPE, defop, type_name

_int64, _bool = _dtype.int64, _dtype.bool


def reduce_dims(input, dim):
    """Axes to reduce as a tuple (all of them for ``None`` or an empty list)."""
    n = input._data.ndim
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):
        return tuple(range(n))
    dims = wrap_dims(dim, n)  # (a 0-d tensor takes dims -1 and 0, as torch checks)
    return dims if n else ()


def kept_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


_add_reduce = np.add.reduce  # np.sum without its Python-level dispatch
_empty = np.empty
_max_reduce = np.maximum.reduce
_max_accumulate = np.maximum.accumulate
_vecdot = getattr(np, "vecdot", None)  # NumPy >= 2


_BLAS_SUM = 1 << 16  # from this many float elements, sums along the last dim use matmul


def _add_reduce_fast(a, axis, dtype, keepdim):
    """``np.add.reduce`` of float32/float64 ``a``, over everything or the last axis by
    a matrix-vector product for large inputs: SIMD float accumulation, about 3x faster than
    NumPy's pairwise sum on one core and as accurate for rows up to 2**16 (a sum of -0.0 is
    +0.0 there, as in torch). Overflow and ``inf - inf`` give inf and nan silently, as in
    torch."""
    token = silence()
    try:
        nd = a.ndim
        if a.size >= _BLAS_SUM and a.dtype == dtype and dtype.kind == "f" and \
                dtype.itemsize >= 4 and 64 <= a.shape[-1] <= _BLAS_SUM:
            if axis is None and a.flags.c_contiguous:
                r = _add_reduce(a.reshape(-1, a.shape[-1]) @ np.ones(a.shape[-1], dtype))
                return r.reshape((1,) * nd) if keepdim else r
            if axis == (nd - 1,):
                r = a @ np.ones(a.shape[-1], dtype)
                return r[..., None] if keepdim else r
        given = None if a.dtype is dtype else dtype  # (naming its own dtype costs a lookup)
        if axis is None and not keepdim:  # into a 0-d array: make() would convert a scalar
            return _add_reduce(a, None, given, _empty((), dtype))
        return _add_reduce(a, axis, given, None, keepdim)
    finally:
        restore(token)


def _accumulated(dtype):
    """The NumPy dtype torch's CPU kernels compute ``dtype`` in: float32 for float16 and
    bfloat16 (their accumulate type; the result is rounded once at the end), else itself."""
    return _FLOAT32 if dtype.itemsize == 2 and dtype.kind in "fV" else dtype


_FLOAT32 = np.dtype(np.float32)


def opmath(a):
    """``a`` in the dtype torch's CPU kernels compute it in (see :func:`_accumulated`)."""
    wide = _accumulated(a.dtype)
    return a if wide is a.dtype else a.astype(wide)


def _rounded(value, dtype):
    """A result computed by :func:`opmath`'s rule, in ``dtype`` (no call when it is already:
    casting even a NumPy scalar costs as much as a small sum)."""
    return value if value.dtype is dtype else value.astype(dtype)


def _axis(dims, input):
    """NumPy's axis for ``dims``: None when reducing every dim (NumPy's much faster path)."""
    return None if len(dims) == input._data.ndim else dims


def restore_shape(grad, shape, dims, keepdim):
    """A reduction's gradient broadcast back over the reduced dims."""
    if not keepdim and dims:
        grad = grad.reshape(kept_shape(shape, dims))
    return grad.expand(shape)


def _is_float(dtype):
    return dtype.is_floating_point or dtype.is_complex


def _int_to_long(dtype):
    return dtype if dtype._category >= 2 else _int64  # floating and complex keep their dtype


def _refuse_barebones(dtype, input, kernel):
    """torch's sums and products refuse to accumulate into a barebones unsigned ``dtype``
    (after their dim checks) unless the input is empty."""
    if dtype._barebones and input._data.size:
        raise _not_implemented(kernel, dtype)


def _const(array, like):
    """A constant (no grad) tensor of ``like``'s dtype, used as a mask in derivatives."""
    return make(np.asarray(array, dtype=like._dtype._np), like._dtype)


def _check_nonempty(input, dims, name, full):
    if input._data.size == 0:
        if full:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for d in dims:
            if input._data.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


# ---- scatter/gather along a dim, a mutually adjoint pair used by value-selecting derivatives --

@functools.lru_cache(maxsize=64)
def _grid(shape, dim):
    """Broadcastable position arrays for every axis of ``shape`` but ``dim`` (None there);
    read-only, so sharing them between calls is safe."""
    nd = len(shape)
    key = []
    for i, n in enumerate(shape):
        if i == dim:
            key.append(None)
            continue
        key.append(_positions(n, nd - i - 1))
    return key


@functools.lru_cache(maxsize=64)
def _positions(n, trailing):
    """``arange(n)`` as a read-only column with ``trailing`` unit axes after it."""
    pos = np.arange(n).reshape((n,) + (1,) * trailing)
    pos.flags.writeable = False
    return pos


def along(shape, index, dim):
    """The NumPy key that picks ``index`` along ``dim`` of an array of ``shape``: what
    ``np.take_along_axis``/``np.put_along_axis`` build, without their per-call checks."""
    nd = len(shape)
    if nd == 1:
        return index
    if dim < 0:
        dim += nd
    key = _grid(tuple(shape), dim).copy()
    key[dim] = index
    return tuple(key)


def flipped(a, dim):
    """``a`` reversed along ``dim`` (a view; ``np.flip`` without its axis normalisation)."""
    return a[(slice(None),) * dim + (slice(None, None, -1),)]


def take_along(x, dim, index):
    """``x`` gathered at the int array ``index`` along ``dim`` (differentiable in ``x``)."""
    out = make(x._data[along(x._data.shape, index, dim)], x._dtype)
    if needs_grad1(x):
        shape = x._data.shape
        record("GatherBackward0", (out,), (x,),
               lambda g: put_along(g, dim, index, shape, accumulate=True))
    return out


def put_along(g, dim, index, shape, accumulate=False):
    """Zeros of ``shape`` with ``g`` written (or added, for repeated indices) at ``index``."""
    z = np.zeros(shape, g._dtype._np)
    if accumulate:
        full = list(np.indices(index.shape, sparse=True))
        full[dim] = index
        np.add.at(z, tuple(full), g._data)
    else:
        z[along(shape, index, dim)] = g._data
    out = make(z, g._dtype)
    if needs_grad1(g):
        record("ScatterAddBackward0" if accumulate else "ScatterBackward0", (out,), (g,),
               lambda gg: take_along(gg, dim, index))
    return out


def select_backward(g, dim, index, shape, keepdim):
    """The gradient of a value chosen at ``index`` along ``dim`` (max, median, kthvalue...)."""
    if not keepdim and len(shape):
        g = g.unsqueeze(dim)
        index = np.expand_dims(index, dim)
    return put_along(g, dim, index, shape)


# ---- sums and means ----------------------------------------------------------------------

@defop(signature=["sum(Tensor input, *, ScalarType? dtype=None)",
                  "sum(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
                  "Tensor? out=None)"])
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` (all dims by default). Integer and bool inputs sum to int64."""
    dtype = dtype or _int_to_long(input._dtype)
    if dim is None:  # the common full sum: NumPy's axis=None, nothing to restore but expand
        axis, dims = None, ()
    else:
        dims = reduce_dims(input, dim)
        axis = _axis(dims, input)
    if dtype._barebones:  # (tested here: a call on every sum costs it 3 %)
        _refuse_barebones(dtype, input, "sum_cpu")
    total = _add_reduce_fast(input._data, axis, _accumulated(dtype._np), keepdim)
    out = make(_rounded(total, dtype._np), dtype)
    if needs_grad1(input):
        shape = input._data.shape
        record("SumBackward1" if dim is not None else "SumBackward0", (out,), (input,),
               lambda g: restore_shape(g, shape, dims, keepdim))
    return out


@defop(signature="nansum(Tensor input, int[1]? dim=None, bool keepdim=False, *, "
                  "ScalarType? dtype=None, Tensor? out=None)")
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` treating NaN as zero."""
    dtype = dtype or _int_to_long(input._dtype)
    dims = reduce_dims(input, dim)
    _refuse_barebones(dtype, input, "sum_cpu")
    total = quietly(np.nansum, input._data, dims, _accumulated(dtype._np), None, keepdim)
    out = make(_rounded(total, dtype._np), dtype)
    if needs_grad(input):
        shape = input._data.shape
        mask = _const(~np.isnan(input._data), input)
        record("NansumBackward0", (out,), (input,),
               lambda g: restore_shape(g, shape, dims, keepdim) * mask)
    return out


def _check_mean_dtype(dtype, name, given=False):
    if not _is_float(dtype):
        if name == "mean":
            raise RuntimeError(f"mean(): could not infer output dtype. "
                               f"{'Optional' if given else 'Input'} dtype must be either a "
                               f"floating point or complex dtype. Got: {type_name(dtype)}")
        raise RuntimeError(f"{name}(): expected input to have floating point or complex dtype "
                           f"but got {type_name(dtype)}")


@defop(signature=["mean(Tensor input, *, ScalarType? dtype=None, Tensor? out=None)",
                  "mean(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
                  "Tensor? out=None)"])
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """The arithmetic mean over ``dim`` (all dims by default); needs a floating dtype."""
    _check_mean_dtype(dtype or input._dtype, "mean", dtype is not None)
    dtype = dtype or input._dtype
    dims = reduce_dims(input, dim)
    count = _count(input._data.shape, dims)
    total = _add_reduce_fast(input._data, _axis(dims, input), _accumulated(dtype._np), keepdim)
    # (only the mean of nothing can warn: 0 / 0 is nan, silently, as in torch)
    value = total / count if count else quietly(np.true_divide, total, count)
    out = make(_rounded(value, dtype._np), dtype)
    if needs_grad(input):
        shape = input._data.shape
        record("MeanBackward1" if dim is not None else "MeanBackward0", (out,), (input,),
               lambda g: restore_shape(g / count, shape, dims, keepdim))
    return out


def _count(shape, dims):
    return math.prod(shape[d] for d in dims)


@defop(signature="nanmean(Tensor input, int[1]? dim=None, bool keepdim=False, *, "
                  "ScalarType? dtype=None, Tensor? out=None)")
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements over ``dim``."""
    _check_mean_dtype(dtype or input._dtype, "nanmean")
    count = make(np.sum(~np.isnan(input._data), axis=reduce_dims(input, dim), keepdims=keepdim))
    return nansum(input, dim, keepdim, dtype=dtype) / count


# ---- products ----------------------------------------------------------------------------

@defop(signature=["prod(Tensor input, *, ScalarType? dtype=None)",
                  "prod(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None, "
                  "Tensor? out=None)"])
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product over all elements or over one ``dim``; the gradient is exact with zeros."""
    dtype = dtype or _int_to_long(input._dtype)
    dims = reduce_dims(input, dim)
    _refuse_barebones(dtype, input, "prod_out_cpu")
    out = make(quietly(np.prod, input._data, dims, dtype._np, None, keepdim), dtype)
    if needs_grad(input):
        record("ProdBackward1" if dim is not None else "ProdBackward0", (out,), (input,),
               lambda g, x, out: _prod_backward(g, x, out, dim, dims, keepdim),
               saved=(input,), saved_outputs=(0,))
    return out


def _prod_backward(g, x, out, dim, dims, keepdim):
    shape = x._data.shape
    g = restore_shape(g, shape, dims, keepdim)
    if not (x._data == 0).any():
        return g * restore_shape(out, shape, dims, keepdim) / x
    # with zeros, the product is the last element of the cumulative product: reuse its rule
    flat = dim is None
    xs, gs = (x.reshape(-1), g.reshape(-1)) if flat else (x, g)
    d = 0 if flat else dims[0] if dims else 0
    last = np.zeros(xs._data.shape, bool)
    last[(slice(None),) * d + (-1,)] = True
    grad = _cumprod_backward(gs * _const(last, gs), xs, xs.cumprod(d), d)
    return grad.reshape(shape) if flat else grad


# ---- variance and standard deviation -----------------------------------------------------

def _dof(input, dims, correction, unbiased, name):
    if correction is None:
        correction = 1 if unbiased is None else int(unbiased)
    n = _count(input._data.shape, dims)
    if n - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=4)
    return n, n - correction if n > correction else 0


def _moments(input, dim, unbiased, keepdim, correction, name):
    """(variance, mean, dims, dof) with torch's correction rules (float32 for float16 and
    bfloat16 inputs: see :func:`opmath`)."""
    if not _is_float(input._dtype):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # std(x, True): the positional `unbiased`
        dim, unbiased = None, dim
    dims = reduce_dims(input, dim)
    n, dof = _dof(input, dims, correction, unbiased, name)
    var, m = quietly(_var_kernel, opmath(input._data), dims, n, dof, keepdim)
    return var, (m if keepdim else m.reshape(var.shape)), dims, dof


def _var_kernel(a, dims, n, dof, keepdim):
    """Two passes: the mean, then the sum of squared deviations (one ``vecdot`` over a single
    real dim, when it is the last or the input small: strided dots are slow on big inputs)."""
    m = _add_reduce(a, dims, None, None, True)
    m /= n
    d = a - m
    if d.dtype.kind == "c":
        d = (d * d.conj()).real
    elif _vecdot is not None and len(dims) == 1 and (dims[0] == d.ndim - 1 or d.size <= 4096):
        v = _vecdot(d, d, axis=dims[0], keepdims=keepdim)
        v /= dof
        return v, m
    else:
        d *= d
    v = _add_reduce(d, dims, None, None, keepdim)
    v /= dof
    return v, m


def _var_grad(g, x, dims, keepdim, dof):
    shape = x._data.shape
    return restore_shape(g, shape, dims, keepdim) * (2.0 / dof) * (x - x.mean(dims, True))


def _std_grad(g, x, std, dims, keepdim, dof):
    zero = _const(std._data == 0, std)
    return _var_grad(g / (2 * (std + zero)) * (1 - zero), x, dims, keepdim, dof)


def _moment_op(name, sqrt, with_mean):
    node = name.replace("_", " ").title().replace(" ", "") + "Backward0"

    def op(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
        var, m, dims, dof = _moments(input, dim, unbiased, keepdim, correction, name)
        real = input._dtype.to_real()  # (computed in float32 for float16 and bfloat16)
        out = make(_rounded(np.sqrt(var) if sqrt else var, real._np), real)
        outs = (out, make(_rounded(m, input._dtype._np), input._dtype)) \
            if with_mean else (out,)
        if needs_grad1(input):
            count = _count(input._data.shape, dims)

            def backward(grads, x, res):
                gs, gm = grads if with_mean else (grads, None)
                gx = _std_grad(gs, x, res, dims, keepdim, dof) if sqrt else \
                    _var_grad(gs, x, dims, keepdim, dof)
                if gm is not None:
                    gx = gx + restore_shape(gm / count, x._data.shape, dims, keepdim)
                return gx
            record(node, outs, (input,), backward, saved=(input,), saved_outputs=(0,))
        return outs if with_mean else out

    op.__name__ = op.__qualname__ = name
    what = "standard deviation" if sqrt else "variance"
    op.__doc__ = (f"The {what}{' and the mean' if with_mean else ''} over ``dim`` with "
                  "``correction`` (1 by default: Bessel's); dof <= 0 warns and gives nan/inf.")
    out = "" if with_mean else ", Tensor? out=None"
    return defop(op, name=name, method=not with_mean, signature=[
        f"{name}(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False"
        f"{', *' if out else ''}{out})",
        f"{name}(Tensor input, int[1]? dim=None, *, Scalar? correction=None, "
        f"bool keepdim=False{out})",
        f"{name}(Tensor input, bool unbiased=True)"])


std = _moment_op("std", True, False)
var = _moment_op("var", False, False)
std_mean = _moment_op("std_mean", True, True)
var_mean = _moment_op("var_mean", False, True)


# ---- extrema -----------------------------------------------------------------------------

def _ties_mask(x, out_keep):
    """Where ``x`` equals its reduced extremum (NaN matches NaN), as torch distributes ties."""
    hit = x == out_keep
    if x.dtype.kind in "fc":
        hit |= np.isnan(x) & np.isnan(out_keep)
    return hit


def _even_backward(g, x, out, dims, keepdim):
    """The gradient of amax/amin/max(): shared evenly among the elements equal to the result."""
    shape = x.shape
    hit = _ties_mask(x, out if keepdim else out.reshape(kept_shape(shape, dims)))
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = hit / np.sum(hit, axis=dims, keepdims=True)
    return restore_shape(g, shape, dims, keepdim) * _const(scale, g)


def _extremum(name, npfun, argfun, binary):
    values_indices = return_type(name, ["values", "indices"])
    cap = name.capitalize()

    def op(input, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            import flambeau
            return getattr(flambeau, binary)(input, dim)
        if dim is None:
            _check_nonempty(input, (), name, True)
            out = make(npfun(input._data, None), input._dtype)
            if needs_grad1(input):
                x = input._data
                dims = tuple(range(x.ndim))
                record(cap + "Backward1", (out,), (input,),
                       lambda g: _even_backward(g, x, out._data, dims, False))
            return out
        a = input._data
        d = wrap_dim(dim, a.ndim)
        if a.size == 0:
            _check_nonempty(input, (d,), name, False)
        if not a.ndim:
            a = a.reshape(1)
        index = argfun(a, d, None, keepdims=True)
        values = a[along(a.shape, index, d)]
        if not keepdim or not input._data.ndim:
            index, values = index.squeeze(d), values.squeeze(d)
            if not input._data.ndim:
                index, values = index.reshape(()), values.reshape(())
        out = make(values, input._dtype)
        if needs_grad1(input):
            shape = input._data.shape
            record(cap + "Backward0", (out,), (input,),
                   lambda g: select_backward(g, d, index, shape, keepdim) if shape else g)
        return values_indices(out, make(index, _int64))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"The {name}imum of all elements, or ``return_types.{name}(values, indices)`` "
                  f"over ``dim``; ``{name}(a, b)`` is ``{binary}``.")
    return defop(op, name=name, signature=[
        f"{name}(Tensor input, *, Tensor? out=None)",
        f"{name}(Tensor input, Tensor other, *, Tensor? out=None)",
        f"{name}(Tensor input, int dim, bool keepdim=False, *, Tensor[]? out=None)"])


max = _extremum("max", np.maximum.reduce, np.ndarray.argmax, "maximum")  # NaN wins both
min = _extremum("min", np.minimum.reduce, np.ndarray.argmin, "minimum")


def _amext(name, npfun):
    def op(input, dim=(), keepdim=False):
        dims = reduce_dims(input, dim)
        _check_nonempty(input, dims, name, len(dims) == input._data.ndim)
        out = make(npfun(input._data, dims, None, None, keepdim), input._dtype)
        if needs_grad1(input):
            x = input._data
            record(name.capitalize() + "Backward0", (out,), (input,),
                   lambda g: _even_backward(g, x, out._data, dims, keepdim))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {name[1:]}imum over ``dim`` (all dims by default); ties share the gradient."
    return defop(op, name=name, out_exact="Expected the dtype for input and out to match, but got "
                 "{result._scalar_name} for input's dtype and {out._scalar_name} for out's dtype.",
                 signature=f"{name}(Tensor input, int[1] dim=(), "
                                          "bool keepdim=False, *, Tensor? out=None)")


amax = _amext("amax", np.maximum.reduce)
amin = _amext("amin", np.minimum.reduce)
_aminmax = return_type("aminmax", ["min", "max"])


@defop(signature="aminmax(Tensor input, *, int? dim=None, bool keepdim=False, "
                  "Tensor[2]? out=None)", out_exact=OUT_DTYPE)
def aminmax(input, *, dim=None, keepdim=False):
    """``return_types.aminmax(min, max)`` over ``dim`` (all elements by default)."""
    dims = reduce_dims(input, dim)
    if input._data.size == 0:  # torch's words differ from the other reductions'
        if dim is None:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                               "operation has no identity.")
        if input._data.shape[dims[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {dims[0]} to have non-zero size.")
    x = input._data
    lo = make(np.min(x, axis=dims, keepdims=keepdim), input._dtype)
    hi = make(np.max(x, axis=dims, keepdims=keepdim), input._dtype)
    if needs_grad(input):
        record("AminmaxBackward0", (lo, hi), (input,),
               lambda gs: _even_backward(gs[0], x, lo._data, dims, keepdim)
               + _even_backward(gs[1], x, hi._data, dims, keepdim))
    return _aminmax(lo, hi)


def _argop(name, npfun):
    def op(input, dim=None, keepdim=False):
        if input._dtype is _bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        a = input._data
        if dim is None:
            if a.size == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                                 "input.numel() == 0.")
            index = np.array(npfun(a), np.int64)  # the flat index
            return make(index.reshape((1,) * a.ndim) if keepdim else index, _int64)
        d = wrap_dim(dim, a.ndim)
        if a.size == 0:
            _check_nonempty(input, (d,), name, False)
        if not a.ndim:
            return make(np.zeros((), np.int64), _int64)
        return make(npfun(a, d, None, keepdims=keepdim), _int64)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The int64 index of the first {name[3:]}imum (NaN counts as one), flattened " \
                 "when ``dim`` is None."
    return defop(op, name=name, signature=f"{name}(Tensor input, int? dim=None, "
                                          "bool keepdim=False, *, Tensor? out=None)")


argmax = _argop("argmax", np.ndarray.argmax)
argmin = _argop("argmin", np.ndarray.argmin)


# ---- logical and counting ----------------------------------------------------------------

def _logical(name, npfun):
    def op(input, dim=None, keepdim=False):
        dims = reduce_dims(input, dim)
        out = npfun(input._data, axis=dims, keepdims=keepdim)
        if input._dtype is _dtype.uint8:
            return make(out.astype(np.uint8), _dtype.uint8)
        return make(out, _bool)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` over ``dim`` as bool (uint8 for uint8 input, as in torch)."
    return defop(op, name=name, signature=[
        f"{name}(Tensor input, *, Tensor? out=None)",
        f"{name}(Tensor input, int[]? dim=None, bool keepdim=False, *, Tensor? out=None)",
        f"{name}(Tensor input, int dim, bool keepdim=False, *, Tensor? out=None)"])


all = _logical("all", np.all)
any = _logical("any", np.any)


@defop(signature=["count_nonzero(Tensor input, int? dim=None)",
                  "count_nonzero(Tensor input, int[] dim)"])
def count_nonzero(input, dim=None):
    """The number of non-zero elements over ``dim`` (int64)."""
    return make(np.count_nonzero(input._data, axis=reduce_dims(input, dim)), _int64)


# ---- norms -------------------------------------------------------------------------------

def vector_norm_array(a, p, dims, keepdim, named=True):
    """The p-norm of ``a`` over ``dims``, in ``a``'s real dtype (computed in float32 for
    float16 and bfloat16); ``named``: whether the caller named the dims (torch's message for an
    empty inf-norm differs). Overflow gives inf silently, as in torch."""
    if math.isinf(p) and a.size == 0:
        _refuse_empty_extremum(a, p, dims, named)
    wide = opmath(a)
    if wide is not a:
        return vector_norm_array(wide, p, dims, keepdim).astype(a.dtype, copy=False)
    return quietly(_vector_norm, a, p, dims, keepdim)


def _vector_norm(a, p, dims, keepdim):
    axis = None if len(dims) == a.ndim else dims
    if p == 2 and a.dtype.kind == "f":
        if axis is None and a.size >= 1024 and a.flags.c_contiguous and a.dtype.itemsize >= 4:
            flat = a.reshape(-1)  # a BLAS dot: one pass, no temporary
            r = np.sqrt(np.dot(flat, flat))
            return np.reshape(r, (1,) * a.ndim) if keepdim else r
        return np.sqrt(_add_reduce(a * a, axis, None, None, keepdim))
    absa = np.abs(a)
    if p == math.inf:
        return np.max(absa, axis=dims, keepdims=keepdim)
    if p == -math.inf:
        return np.min(absa, axis=dims, keepdims=keepdim)
    if p == 0:
        return np.sum(absa != 0, axis=dims, keepdims=keepdim).astype(absa.dtype)
    if p == 1:
        return _add_reduce(absa, axis, None, None, keepdim)
    if p == 2:
        return np.sqrt(_add_reduce(absa * absa, axis, None, None, keepdim))
    return _add_reduce(absa ** p, axis, None, None, keepdim) ** (1.0 / p)


def _refuse_empty_extremum(a, p, dims, named):
    where = "an empty tensor because the operation" if not named else next(
        (f"the dimension {d}because this dimension is empty and the operation"
         for d in dims if a.shape[d] == 0), None)
    if where is not None:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on {where} does "
                           "not have an identity")


def norm_backward(g, x, out, p, dims, keepdim):
    """torch's vector-norm gradient; zero where the norm is zero (not NaN)."""
    shape = x._data.shape
    g = restore_shape(g, shape, dims, keepdim)
    out = restore_shape(out, shape, dims, keepdim)
    if p == 0:
        return g * 0
    if p == 1:
        return g * x.sgn()
    if math.isinf(p):
        return _even_backward(g, np.abs(x._data), out._data, dims, True) * x.sgn()
    zero = _const(out._data == 0, out)
    safe = out + zero
    if p == 2:
        return g * x / safe * (1 - zero)
    return g * x.sgn() * x.abs() ** (p - 1) / safe ** (p - 1) * (1 - zero)


@defop(signature="dist(Tensor input, Tensor other, Scalar p=2)")
def dist(input, other, p=2):
    """``norm(input - other, p)``, broadcasting the two."""
    diff = input - other
    if diff._dtype._category < 2:
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {diff._dtype._scalar_name} instead.")
    out = make(vector_norm_array(diff._data, p, tuple(range(diff.ndim)), False, False),
               diff._dtype.to_real())
    if needs_grad(input, other):
        dims = tuple(range(diff.ndim))
        record("DistBackward0", (out,), (input, other),
               lambda g, d, out: (lambda gx: (gx, -gx))(norm_backward(g, d, out, p, dims, False)),
               saved=(diff,), saved_outputs=(0,))  # diff keeps its graph: gradgrad
    return out


@defop(inplace=True, signature="renorm(Tensor input, Scalar p, int dim, Scalar maxnorm, *, "
                               "Tensor? out=None)")
def renorm(input, p, dim, maxnorm):
    """Each slice along ``dim`` rescaled so that its ``p``-norm is at most ``maxnorm``."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm):g}")
    if input._data.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got "
                           f"{input._data.ndim} dimensions")
    d = wrap_dim(dim, input._data.ndim)
    dims = tuple(i for i in range(input._data.ndim) if i != d)
    norms = vector_norm_array(input._data, p, dims, True)
    over = norms > maxnorm
    with np.errstate(divide="ignore"):
        factor = np.where(over, maxnorm / (norms + 1e-7), 1.0).astype(input._data.dtype)
    out = make(input._data * factor, input._dtype)
    if needs_grad(input):
        def backward(g, x):
            n = x.norm(p, dims, True)
            f = maxnorm / (n + 1e-7)
            # d(x * f)/dx with f depending on x through the norm (only where it was over)
            inner = (g * x.conj()).sum(dims, True)
            gf = norm_backward((inner.real if inner.is_complex() else inner) * (-maxnorm) /
                                (n + 1e-7) ** 2, x, n, p, dims, True)
            mask = _const(over, x)
            return g * (f * mask + (1 - mask)) + gf * mask
        record("RenormBackward0", (out,), (input,), backward, saved=(input,))
    return out


# ---- log-sum-exp -------------------------------------------------------------------------

@defop(signature="logsumexp(Tensor input, int[1] dim, bool keepdim=False, *, Tensor? out=None)")
def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow; ints become float."""
    x = input if _is_float(input._dtype) else input.to(_dtype.get_default_dtype())
    dims = reduce_dims(input, dim)
    a = x._data
    value = quietly(_logsumexp_kernel, a, None if len(dims) == a.ndim else dims, keepdim)
    out = make(value, x._dtype)
    if needs_grad1(input):
        shape = a.shape
        record("LogsumexpBackward0", (out,), (input,),
               lambda g, x, out: restore_shape(g, shape, dims, keepdim)
               * (x - restore_shape(out, shape, dims, keepdim)).exp().conj(),
               saved=(input,), saved_outputs=(0,))
    return out


def _logsumexp_kernel(a, axis, keepdim):
    if a.size:  # shifted by the largest real part (complex: torch's choice of branch)
        m = _max_reduce(a.real, axis, None, None, True)
        m = np.where(np.isinf(m), 0, m)
    else:
        m = np.zeros(kept_shape(a.shape, range(a.ndim) if axis is None else axis), a.dtype)
    e = a - m
    e = np.exp(e, out=e) if a.ndim else np.exp(e)  # in place: one large temporary, not two
    r = np.log(_add_reduce_fast(e, axis, e.dtype, True)) + m
    return r if keepdim else r.squeeze(axis)


# ---- scans -------------------------------------------------------------------------------

def _reverse_cumsum(t, dim):
    """Sums from each position to the end of ``dim`` (the adjoint of cumsum)."""
    a = np.flip(np.cumsum(np.flip(t._data, dim), axis=dim), dim)
    out = make(np.ascontiguousarray(a), t._dtype)
    if needs_grad(t):
        record("CumsumBackward0", (out,), (t,), lambda g: g.cumsum(dim))
    return out


@defop(inplace=True,
       signature="cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)")
def cumsum(input, dim, *, dtype=None):
    """The running sum along ``dim``; integer and bool inputs give int64 (float16 and bfloat16
    accumulate in float32, as torch)."""
    dtype = dtype or _int_to_long(input._dtype)
    a = input._data
    d = wrap_dim(dim, a.ndim)
    _refuse_barebones(dtype, input, "cumsum_out_cpu")
    running = quietly(np.add.accumulate, a, d, _accumulated(dtype._np)) if a.ndim else a.copy()
    out = make(_rounded(running, dtype._np), dtype)
    if needs_grad1(input):
        record("CumsumBackward0", (out,), (input,),
               lambda g: _reverse_cumsum(g, d) if g.ndim else g)
    return out


@defop(inplace=True,
       signature="cumprod(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)")
def cumprod(input, dim, *, dtype=None):
    """The running product along ``dim``; its gradient is exact where inputs are zero."""
    dtype = dtype or _int_to_long(input._dtype)
    d = wrap_dim(dim, input._data.ndim)
    _refuse_barebones(dtype, input, "cumprod_out_cpu")
    running = quietly(np.cumprod, input._data, d if input._data.ndim else None,
                      _accumulated(dtype._np))
    out = make(_rounded(running, dtype._np).reshape(input._data.shape), dtype)
    if needs_grad(input):
        record("CumprodBackward0", (out,), (input,),
               lambda g, x, out: _cumprod_backward(g, x, out, d) if g._data.size and g.ndim
               else g,
               saved=(input,), saved_outputs=(0,))
    return out


def _cumprod_backward(g, x, out, d):
    """grad_k = sum_{j>=k} g_j prod_{i<=j, i!=k} x_i, split at the first zero z of each slice:
    before z it is revcumsum(g * out) / x; at z it is prod(x before z) * revcumsum(g * cumprod
    of x after z); after z it is 0."""
    a = x._data
    n = a.shape[d]
    pos = np.arange(n).reshape((-1,) + (1,) * (a.ndim - d - 1))
    zero = a == 0
    first = np.where(zero.any(d, keepdims=True), np.argmax(zero, axis=d, keepdims=True), n)
    before = _const(pos < first, x)
    if not zero.any():
        return _reverse_cumsum(g * out, d) / x
    ones_before = x * before + (1 - before)
    part1 = _reverse_cumsum(g * out, d) / ones_before * before
    after = _const(pos > first, x)
    at = _const(pos == first, x)
    prefix = (x * before + (1 - before)).cumprod(d)  # at z: the product of x before z
    tail = (x * after + (1 - after)).cumprod(d)  # at j >= z: the product of x in (z, j]
    part2 = prefix * _reverse_cumsum(g * tail * (1 - before), d) * at
    return part1 + part2


def _cumext(name, ufunc, better):
    values_indices = return_type(name, ["values", "indices"])
    accumulate = ufunc.accumulate

    def op(input, dim):
        a = input._data
        shape = a.shape
        if not shape:
            if dim not in (-1, 0):
                raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got "
                                 f"{dim}")
            a = a.reshape(1)
        d = wrap_dim(dim, a.ndim)
        values = accumulate(a, d)
        # the index of the running extremum: the last position that reached it (a NaN always
        # does), carried forward with a running maximum of positions
        hit = better(a, values)
        if a.dtype.kind in "fc":
            hit |= a != a
        index = _max_accumulate(_positions(a.shape[d], a.ndim - d - 1) * hit, d)
        if not shape:
            values, index = values.reshape(()), index.reshape(())
        out = make(values, input._dtype)
        if needs_grad1(input):
            record(name.capitalize() + "Backward0", (out,), (input,),
                   lambda g: put_along(g.reshape(a.shape), d, index.reshape(a.shape), a.shape,
                                       accumulate=True).reshape(shape))
        return values_indices(out, make(index, _int64))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``return_types.{name}(values, indices)``: the running {name[3:]}imum along "
                  "``dim`` and where it was last reached.")
    return defop(op, name=name, signature=f"{name}(Tensor input, int dim, *, Tensor[2]? out=None)")


cummax = _cumext("cummax", np.maximum, np.greater_equal)
cummin = _cumext("cummin", np.minimum, np.less_equal)


def _log_cum_sum_exp(a, d):
    """``np.logaddexp.accumulate`` along axis d, also for complex arrays (a step at a time)."""
    if a.dtype.kind != "c":
        return np.logaddexp.accumulate(a, axis=d)
    out = a.copy()
    steps = np.moveaxis(out, d, 0)
    for k in range(1, len(steps)):
        steps[k] = log_add_exp(steps[k - 1], steps[k])
    return out


@defop(signature="logcumsumexp(Tensor input, int dim, *, Tensor? out=None)")
def logcumsumexp(input, dim):
    """``log(cumsum(exp(input)))`` along ``dim`` without overflow."""
    d = wrap_dim(dim, input._data.ndim)
    if input._dtype._category < 2:
        raise _not_implemented("logcumsumexp_out_cpu", input._dtype)
    a = input._data
    out = make(quietly(_log_cum_sum_exp, a, d) if a.ndim else a.copy(), input._dtype)
    if needs_grad(input):
        def backward(g, x, out):
            # grad_k = sum_{j>=k} g_j conj(exp(x_k - out_j)); shifting by the last out_j
            last = out.narrow(d, out.shape[d] - 1, 1)
            return (x - last).exp().conj() * _reverse_cumsum(g * (last - out).exp().conj(), d)
        record("LogcumsumexpBackward0", (out,), (input,), backward if a.ndim else
               (lambda g, x, out: g), saved=(input,), saved_outputs=(0,))
    return out


# ---- closeness ---------------------------------------------------------------------------

@defop(signature="isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, "
                  "bool equal_nan=False)")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (infinities equal themselves)."""
    if input._dtype is not other._dtype:
        raise RuntimeError(f"{type_name(input._dtype)} did not match {type_name(other._dtype)}")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got "
                               f"{tolerance}")
    a, b = input._data, other._data
    with np.errstate(invalid="ignore", over="ignore"):
        if a.dtype.kind in "fc":  # infinities are close only to themselves
            error = np.abs(a - b)
            close = (a == b) | ((error <= atol + rtol * np.abs(b)) & np.isfinite(error))
        else:
            close = np.abs(a.astype(np.float64) - b) <= atol + rtol * np.abs(b.astype(np.float64))
    if equal_nan and a.dtype.kind in "fc":
        close |= np.isnan(a) & np.isnan(b)
    return make(np.asarray(close), _bool)


@defop(signature="allclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, "
                  "bool equal_nan=False)")
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``isclose(...).all()`` as a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@defop(signature="equal(Tensor input, Tensor other)")
def equal(input, other):
    """True when both have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))
