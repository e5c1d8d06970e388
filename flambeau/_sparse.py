"""Sparse COO tensors: ``sparse_coo_tensor``, ``Tensor.to_sparse`` and what training scripts do
with them (products with a dense matrix, sums, sparse gradients of embedding tables).

A sparse tensor is a :class:`SparseTensor`, a Tensor subclass (``isinstance(s, torch.Tensor)``
holds as in torch; ``type(s)`` is not torch.Tensor) holding ``indices`` (int64, sparse_dim x nnz)
and ``values`` (nnz x the dense dims) as NumPy arrays. Its ``_data`` is a :class:`_SparseShape`
carrying only the shape and dtype, so code reading a tensor's size works unchanged and any dense
computation on it raises NotImplementedError instead of computing on absent elements. The
methods below are torch's sparse kernels, written in NumPy (sorts and segment sums; no SciPy);
their derivatives are not themselves differentiable (no double backward through sparse ops).
"""
import math

import numpy as np

from . import _dtype, _naming
from ._ops._util import needs_grad, needs_grad1, wrap_dim
from ._tensor import Tensor, _init_from, _new_tensor, make
from .autograd.graph import record


def _unsupported(*args, **kwargs):
    raise NotImplementedError(
        "Could not run this operator with arguments from the 'SparseCPU' backend: flambeau's "
        "sparse COO tensors support construction, coalesce, to_dense, transpose, sums with "
        "sparse or dense tensors, products with a scalar or a dense matrix, sum and softmax; "
        "call .to_dense() first.")


class _SparseShape:
    """A sparse tensor's ``_data``: the shape and NumPy dtype; every computation raises."""
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    def __getattr__(self, name):
        _unsupported()

    __array__ = __array_ufunc__ = __array_function__ = __getitem__ = __setitem__ = _unsupported
    __iter__ = __float__ = __int__ = __bool__ = _unsupported


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
            "xor", "lshift", "rshift"):
    for _form in ("__{}__", "__r{}__", "__i{}__"):
        setattr(_SparseShape, _form.format(_op), _unsupported)
for _op in ("lt", "le", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(_SparseShape, f"__{_op}__", _unsupported)


def _layout():
    from . import sparse_coo
    return sparse_coo


class SparseTensor(Tensor):
    """A sparse COO tensor (``layout=torch.sparse_coo``), made by ``torch.sparse_coo_tensor``,
    ``Tensor.to_sparse`` or a sparse gradient. Only the methods defined here (and the size,
    dtype and autograd attributes of every tensor) work on it."""
    __slots__ = ("_ind", "_val", "_coalesced", "_by")
    is_sparse = True

    @property
    def layout(self):
        return _layout()

    @property
    def device(self):
        return Tensor.device.fget(make(self._val))

    def is_contiguous(self, memory_format=None):
        return False

    def sparse_dim(self):
        return self._ind.shape[0]

    def dense_dim(self):
        return self._val.ndim - 1

    def _nnz(self):
        return self._ind.shape[1]

    def is_coalesced(self):
        return self._coalesced

    def _indices(self):
        return make(self._ind)

    def _values(self):
        return make(self._val, self._dtype)

    def indices(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call "
                               ".coalesce() first")
        return make(self._ind)

    def values(self):
        """The values (differentiable: the gradient is a sparse tensor with these indices)."""
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call "
                               ".coalesce() first")
        out = make(self._val, self._dtype)
        if needs_grad1(self):
            record("ValuesBackward0", (out,), (self,), lambda g: _masked(self, g._data))
        return out

    def numpy(self, *, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() "
                        "first.")

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import sparse_repr
        return sparse_repr(self)

    # ---- conversions -------------------------------------------------------------------------

    def coalesce(self):
        """The tensor with its indices sorted and duplicates summed (itself if already so)."""
        if self._coalesced:
            return self
        ind, val = _coalesce(self._ind, self._val)
        out = _make(ind, val, self.shape, True, self._dtype)
        if needs_grad1(self):  # (the coalesced gradient stands for the entries summed)
            record("CoalesceBackward0", (out,), (self,), _same)
        return out

    def to_dense(self, dtype=None, *, masked_grad=None):
        out = make(_dense(self), self._dtype)
        if dtype is not None:
            out = out.to(dtype)
        if needs_grad1(self):
            record("ToDenseBackward0", (out,), (self,),
                   lambda g: _masked(self, _gather(g._data, self.coalesce()._ind)))
        return out

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim "
                               "argument !=self.sparse_dim() is not supported")
        return self

    to_sparse_coo = to_sparse

    def detach(self):
        return _make(self._ind, self._val, self.shape, self._coalesced, self._dtype)

    def clone(self, *, memory_format=None):
        out = _make(self._ind.copy(), self._val.copy(), self.shape, self._coalesced, self._dtype)
        if needs_grad1(self):
            record("CloneBackward0", (out,), (self,), _same)
        return out

    def to(self, *args, **kwargs):
        """The values converted as a dense tensor's ``to`` converts (sparse tensors stay on the
        CPU)."""
        values = make(self._val, self._dtype).to(*args, **kwargs)
        if values.device.type != "cpu":
            raise NotImplementedError("flambeau's sparse tensors live on the CPU")
        if values._data is self._val:
            return self
        return _make(self._ind, values._data, self.shape, self._coalesced, values._dtype)

    def cpu(self, memory_format=None):
        return self

    def copy_(self, src, non_blocking=False):
        """Takes a copy of sparse ``src``'s entries (and its size), as torch's sparse copy_."""
        if not isinstance(src, Tensor) or not src.is_sparse:
            raise RuntimeError(f"copy_() between dense and sparse Tensors is not implemented! "
                               f"Found self type = {_naming.public_name}.sparse."
                               f"{self._dtype._scalar_name}Tensor and src type = "
                               f"{_naming.public_name}.{src._dtype._scalar_name}Tensor")
        self._data = _SparseShape(tuple(src.shape), self._val.dtype)
        return self._assign(_make(src._ind.copy(), src._val.astype(self._val.dtype),
                                  src.shape, src._coalesced, self._dtype))

    def transpose(self, dim0, dim1):
        """Two sparse dims swapped (an uncoalesced result, as torch's)."""
        n = self.sparse_dim()
        dim0, dim1 = wrap_dim(dim0, self.dim()), wrap_dim(dim1, self.dim())
        if dim0 >= n or dim1 >= n:
            raise RuntimeError(f"sparse transpose: transposed dimensions must be sparse Got "
                               f"sparse_dim: {n}, d0: {dim0}, d1: {dim1}")
        order = list(range(self.dim()))
        order[dim0], order[dim1] = dim1, dim0
        out = _make(self._ind[order[:n]], self._val, [self.shape[d] for d in order], False,
                    self._dtype)
        if needs_grad1(self):
            record("TransposeBackward0", (out,), (self,), lambda g: g.transpose(dim0, dim1))
        return out

    def t(self):
        if self.sparse_dim() > 2 or self.dense_dim():
            raise RuntimeError(f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, "
                               f"but got {self.sparse_dim()} sparse and {self.dense_dim()} "
                               "dense dimensions")
        return self.transpose(0, 1) if self.dim() == 2 else self

    def double(self):
        return self.to(_dtype.float64)

    def float(self):
        return self.to(_dtype.float32)

    def __reduce_ex__(self, protocol):
        if self._grad_fn is not None:
            raise RuntimeError("Can't pickle a tensor that requires grad and is not a leaf; "
                               "use tensor.detach()")
        return _rebuild, (self._ind.copy(), self._val.copy(), self._dtype._name,
                          tuple(self.shape), self._coalesced, self._requires_grad)

    def __deepcopy__(self, memo):
        new = memo.get(id(self))
        if new is None:
            new = memo[id(self)] = self.clone().detach().requires_grad_(self._requires_grad)
        return new

    # ---- arithmetic --------------------------------------------------------------------------

    def add(self, other, *, alpha=1):
        return _add(self, other, alpha)

    def sub(self, other, *, alpha=1):
        return _add(self, other, -alpha)

    def __add__(self, other):
        return _add(self, other, 1)

    def __sub__(self, other):
        return _add(self, other, -1)

    def __radd__(self, other):  # (asked before a dense left operand's __add__)
        return add_dense(other, self, 1) if _is_dense(other) else _add(self, other, 1)

    def __rsub__(self, other):
        return add_dense(other, self, -1) if _is_dense(other) else _add(-self, other, 1)

    def add_(self, other, *, alpha=1):
        return self._assign(_add(self, other, alpha))

    def sub_(self, other, *, alpha=1):
        return self._assign(_add(self, other, -alpha))

    def mul(self, other):
        return _scale(self, other, np.multiply)

    def div(self, other):
        return _scale(self, other, np.true_divide)

    __mul__ = __rmul__ = mul
    __truediv__ = div

    def mul_(self, other):
        return self._assign(self.mul(other))

    def div_(self, other):
        return self._assign(self.div(other))

    def neg(self):
        return _scale(self, -1, np.multiply)

    __neg__ = neg

    def zero_(self):
        self._ind, self._by = self._ind[:, :0], None
        self._val = self._val[:0]
        self._coalesced = True
        return self

    def _assign(self, other):
        """Takes ``other``'s contents (an in-place op's result) into this tensor."""
        if needs_grad1(self) or other._grad_fn is not None:
            if self._grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            _unsupported()  # (no graph for in-place ops on sparse tensors)
        self._ind, self._val, self._coalesced = other._ind, other._val, other._coalesced
        self._by = None
        return self

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        if keepdim:
            raise RuntimeError("sum: keepdim is not supported for sparse tensors")
        return sparse_sum(self, dim, dtype=dtype)

    def mm(self, mat2):
        return spmm(self, mat2, "MmBackward0")

    matmul = mm

    def __matmul__(self, other):
        return spmm(self, other, "MmBackward0") if isinstance(other, Tensor) else NotImplemented


def _is_dense(x):
    return isinstance(x, Tensor) and not x.is_sparse


def _make(ind, val, shape, coalesced, dtype):
    t = _new_tensor(SparseTensor)
    _init_from(t, _SparseShape(tuple(shape), val.dtype), dtype)
    t._ind, t._val, t._coalesced, t._by = ind, val, coalesced, None
    return t


def _like(s, values):
    """A sparse tensor with ``s``'s indices and the given values array."""
    return _make(s._ind, values, s.shape, s._coalesced, s._dtype)


def _masked(s, values):
    """torch's ``sparse_mask`` result: ``values`` at coalesced ``s``'s indices (not flagged
    coalesced)."""
    return _make(s.coalesce()._ind, values, s.shape, False, s._dtype)


def _rebuild(ind, val, dtype_name, shape, coalesced, requires_grad):
    return _make(ind, val, shape, coalesced, getattr(_dtype, dtype_name)) \
        .requires_grad_(requires_grad)


# ---- kernels on the index and value arrays ---------------------------------------------------

def _dense(s):
    out = np.zeros(s.shape, s._val.dtype)
    add_into(out, s)
    return out


def _gather(dense, ind):
    """The entries (or dense slices) of ``dense`` at each column of ``ind``."""
    return dense[tuple(ind)]


def _same(g):
    return g


def _gather_backward(g, s):
    return _like(s, _gather(g.to_dense()._data if g.is_sparse else g._data, s._ind))


def _coalesce(ind, val):
    """Indices sorted (first sparse dim first) with duplicates summed: torch's coalesce."""
    n = ind.shape[1]
    if n == 0:
        return ind, val
    order = np.lexsort(ind[::-1])
    ind, val = ind[:, order], val[order]
    first = np.ones(n, bool)
    first[1:] = (ind[:, 1:] != ind[:, :-1]).any(0)
    starts = np.flatnonzero(first)
    if starts.shape[0] == n:
        return ind, val
    return ind[:, starts], np.add.reduceat(val, starts, axis=0)


def _grouped(s, axis):
    """``s``'s entries sorted by their index along ``axis`` of a 2-D ``s`` (the CSR form for
    axis 0, CSC for 1), kept on ``s`` while its indices stay: (the sorting order or None, the
    other index of each entry in that order, the distinct indices, where each starts)."""
    if s._by is None:
        s._by = {}
    found = s._by.get(axis)
    if found is None:
        keys, other = s._ind[axis], s._ind[1 - axis]
        order = np.argsort(keys, kind="stable") if (keys[1:] < keys[:-1]).any() else None
        if order is not None:
            keys, other = keys[order], other[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        found = s._by[axis] = (order, other, keys[starts], starts)
    return found


def _product(s, axis, dense):
    """``s @ dense`` (axis 0) or ``s.T @ dense`` (axis 1) for a 2-D ``s``: the products of
    each entry with its row of ``dense``, summed per index along ``axis`` by one
    ``np.add.reduceat``."""
    out = np.zeros((s.shape[axis], dense.shape[1]), dense.dtype)
    if s._ind.shape[1]:
        order, other, keys, starts = _grouped(s, axis)
        values = s._val if order is None else s._val[order]
        out[keys] = np.add.reduceat(values[:, None] * dense[other], starts, axis=0)
    return out


def _merge(a, b):
    """torch's sparse add walk: the entries of ``a`` and ``b`` (index arrays) in one pass,
    taking the smaller index first and summing equal ones. Returns, per result entry, its entry
    of ``a`` and of ``b`` (-1 where absent)."""
    ka, kb = list(zip(*a.tolist())), list(zip(*b.tolist()))
    na, nb = len(ka), len(kb)
    ia, ib = [], []
    i = j = 0
    while i < na and j < nb:
        x, y = ka[i], kb[j]
        if x < y:
            ia.append(i)
            ib.append(-1)
            i += 1
        elif y < x:
            ia.append(-1)
            ib.append(j)
            j += 1
        else:
            ia.append(i)
            ib.append(j)
            i += 1
            j += 1
    ia += range(i, na)
    ib += [-1] * (na - i)
    ia += [-1] * (nb - j)
    ib += range(j, nb)
    return np.array(ia, np.int64), np.array(ib, np.int64)


# ---- ops -------------------------------------------------------------------------------------

def _add(s, other, alpha):
    """``s + alpha * other`` for two sparse tensors of one size (torch's merge of their
    entries: coalesced when both are)."""
    if not isinstance(other, Tensor) or not other.is_sparse:
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                           "instead.")
    if s.shape != other.shape:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has "
                           f"size {list(s.shape)} while other has size {list(other.shape)} "
                           "(FYI: op2-sparse addition does not currently support broadcasting)")
    dtype = _dtype.promote_types(s._dtype, other._dtype)
    np_dtype = dtype.numpy_dtype
    scaled = other._val * alpha if alpha != 1 else other._val
    if not (s._val.flags.c_contiguous and other._val.flags.c_contiguous):
        # torch's kernel for strided values appends the entries of other (uncoalesced)
        ind = np.concatenate((s._ind, other._ind), 1)
        val = np.concatenate((s._val, scaled)).astype(np_dtype, copy=False)
        coalesced = False
    else:
        ia, ib = _merge(s._ind, other._ind)
        in_a, in_b = ia >= 0, ib >= 0
        ind = np.where(in_a, s._ind[:, np.maximum(ia, 0)], other._ind[:, np.maximum(ib, 0)])
        val = np.zeros((ia.shape[0],) + s._val.shape[1:], np_dtype)
        val[in_a] = s._val[ia[in_a]]
        val[in_b] += scaled[ib[in_b]]
        coalesced = s._coalesced and other._coalesced
    out = _make(ind, val, s.shape, coalesced, dtype)
    if needs_grad(s, other):
        record("AddBackward0", (out,), (s, other),
               lambda g: (g, g * alpha if alpha != 1 else g))
    return out


def _scale(s, other, ufunc):
    """``s * other`` or ``s / other`` for a number (or 0-d tensor) ``other``."""
    if isinstance(other, Tensor):
        if other.is_sparse or other.dim() != 0:
            _unsupported()
        other = other.item()
    if not isinstance(other, (int, float, complex, bool)):
        return NotImplemented
    dtype = _dtype.result_type_of(make(s._val, s._dtype), other)
    val = ufunc(s._val, other, dtype=dtype.numpy_dtype)
    out = _make(s._ind, val, s.shape, s._coalesced, dtype)
    if needs_grad1(s):
        record("MulBackward0" if ufunc is np.multiply else "DivBackward0", (out,), (s,),
               lambda g: _scale(g, other, ufunc))
    return out


def sparse_sum(input, dim=None, *, dtype=None):
    """torch.sparse.sum: a dense 0-d tensor over all dims; over ``dim`` a sparse tensor (dense
    when every sparse dim is summed)."""
    s = input if dtype is None else input.to(dtype)
    val, nd = s._val, s.sparse_dim()
    dims = range(s.dim()) if dim is None else sorted(
        {wrap_dim(d, s.dim()) for d in ((dim,) if isinstance(dim, int) else dim)})
    dense_axes = tuple(d - nd + 1 for d in dims if d >= nd)
    kept = [d for d in range(nd) if d not in dims]
    if dense_axes:
        val = val.sum(dense_axes)
    if not kept:
        out = make(np.asarray(val.sum(0)), s._dtype)
    else:
        ind, val = _coalesce(s._ind[kept], val)
        shape = [n for d, n in enumerate(s.shape) if d not in dims]
        out = _make(ind, val, shape, True, s._dtype)
    if needs_grad1(s):
        record("SumBackward0", (out,), (s,),
               lambda g: _sum_backward(g, s, dims, kept, dim is None))
    return out


def _sum_backward(g, s, dims, kept, flagged):
    """Each entry of coalesced ``s`` gets the output gradient at its kept indices (flagged
    coalesced, as torch's, only for the sum of everything)."""
    s = s.coalesce()
    g = g.to_dense()._data if g.is_sparse else g._data
    nd = s.sparse_dim()
    g = g.reshape([1 if d in dims else n for d, n in enumerate(s.shape)])
    picked = g[tuple(s._ind[d] if d in kept else 0 for d in range(nd))]
    return _make(s._ind, np.broadcast_to(picked, s._val.shape).copy(), s.shape, flagged,
                 s._dtype)


def sparse_softmax(input, dim, dtype=None, log=False):
    """torch.sparse.softmax (``log_softmax`` with ``log``): the softmax over ``dim`` of the
    specified entries only (absent ones count as minus infinity), on coalesced ``input``."""
    s = input.coalesce()
    dim = wrap_dim(dim, s.dim())
    val = s._val if dtype is None else s._val.astype(dtype.numpy_dtype)
    group_sum = _group_sum(s, dim)
    shifted = val - group_sum(val, np.maximum)
    total = group_sum(np.exp(shifted))
    out_val = shifted - np.log(total) if log else np.exp(shifted) / total
    out = _make(s._ind, out_val, s.shape, True, dtype or s._dtype)
    if needs_grad1(input):
        record("SparseLogSoftmaxBackward0" if log else "SparseSoftmaxBackward0", (out,),
               (input,), lambda g: _softmax_backward(g, out.detach(), group_sum, log))
    return out


def _group_sum(s, dim):
    """A function summing an array of coalesced ``s``'s values over the entries that share
    every index but the one along ``dim`` (over that axis of the values for a dense dim),
    the sums given back per entry; ``reduce=np.maximum`` takes maxima instead."""
    nd = s.sparse_dim()
    if dim >= nd:
        axis = dim - nd + 1
        return lambda x, reduce=np.add: reduce.reduce(x, axis, keepdims=True)
    others = np.delete(s._ind, dim, axis=0)
    group = np.unique(others, axis=1, return_inverse=True)[1].reshape(-1) if others.shape[0] \
        else np.zeros(s._ind.shape[1], np.int64)
    count = int(group.max()) + 1 if group.shape[0] else 0

    def total(x, reduce=np.add):
        out = np.full((count,) + x.shape[1:], -np.inf if reduce is np.maximum else 0, x.dtype)
        reduce.at(out, group, x)
        return out[group]
    return total


def _softmax_backward(g, out, group_sum, log):
    g = _gather(g.to_dense()._data if g.is_sparse else g._data, out._ind)
    y = out._val
    grad = g - np.exp(y) * group_sum(g) if log else y * (g - group_sum(g * y))
    return _make(out._ind, grad, out.shape, False, out._dtype)


def spmm(s, dense, name="SparseAddmmBackward0"):
    """``s @ dense`` for a 2-D sparse ``s`` (a dense result). The gradient of ``dense`` is
    ``s.T @ grad``; that of ``s`` is dense ``grad @ dense.T`` for ``mm`` (``MmBackward0``, as
    torch) and sparse with ``s``'s indices for ``torch.sparse.mm``."""
    if s.sparse_dim() != 2 or s.dense_dim() != 0:
        raise RuntimeError(f"addmm: matrices expected, got {s.sparse_dim()}D tensor")
    if not isinstance(dense, Tensor) or dense.is_sparse or dense.dim() != 2:
        _unsupported()
    k = s.shape[1]
    if dense.shape[0] != k:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {k}, got "
                           f"{dense.shape[0]}")
    if dense._dtype is not s._dtype:
        raise RuntimeError(f"expected scalar type {s._dtype._scalar_name} but found "
                           f"{dense._dtype._scalar_name}")
    d = dense._data
    out = make(_product(s, 0, d), s._dtype)
    if needs_grad(s, dense):
        record(name, (out,), (s, dense), lambda g: _spmm_backward(g._data, s, d, name))
    return out


def _spmm_backward(g, s, d, name):
    grad_dense = make(_product(s, 1, g), s._dtype)
    if not s._requires_grad:
        return None, grad_dense
    if name == "MmBackward0":
        return make(g @ d.T, s._dtype), grad_dense
    ind = s.coalesce()._ind
    return _masked(s, np.einsum("ij,ij->i", g[ind[0]], d[ind[1]])), grad_dense


# ---- making sparse tensors -------------------------------------------------------------------

def sparse_coo_tensor(indices, values=None, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None,
                      is_coalesced=None):
    """torch.sparse_coo_tensor: ``values`` (nnz x dense dims) at the columns of ``indices``
    (sparse dims x nnz); ``size`` defaults to the smallest that holds the indices. Given a
    size alone (``sparse_coo_tensor((2, 3))``), an empty tensor of that size."""
    from ._ops.creation import tensor
    if values is None and size is None:
        size = (indices,) if isinstance(indices, int) else tuple(indices)
        for i, n in enumerate(size):
            if not hasattr(n, "__index__"):
                raise TypeError("sparse_coo_tensor(): argument 'size' (position 1) must be tuple "
                                f"of ints, but found element of type {type(n).__name__} at pos {i}")
        return sparse_coo_tensor(make(np.zeros((len(size), 0), np.int64), _dtype.int64),
                                 tensor([], dtype=dtype), size, requires_grad=requires_grad)
    if not isinstance(indices, Tensor):
        indices = tensor(indices)
    if not isinstance(values, Tensor):
        values = tensor(values, dtype=dtype)
    elif dtype is not None and dtype is not values._dtype:
        values = values.to(dtype)
    ind = np.asarray(indices._data, np.int64)
    val = values._data.reshape(1) if values._data.ndim == 0 else values._data
    if ind.ndim == 1:  # (torch reads it as sparse_dim entries of one index)
        ind = ind.reshape(-1, 1)
    if ind.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(ind.shape)}")
    sd = ind.shape[0]
    if size is None:
        size = tuple(int(n) + 1 for n in ind.max(1)) if ind.shape[1] else (0,) * sd
        size += tuple(val.shape[1:])
    size = tuple(int(n) for n in size)
    if any(n < 0 for n in size):
        raise RuntimeError("numel: integer multiplication overflow")
    if len(size) != sd + val.ndim - 1:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) "
                           f"= {len(size)}, sparse_dim = {sd}, dense_dim = {val.ndim - 1}")
    if ind.shape[1] != val.shape[0]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: "
                           f"{ind.shape[1]}, nnz from values: {val.shape[0]}")
    if tuple(val.shape[1:]) != size[sd:]:
        raise RuntimeError(f"values has incorrect size, expected {[val.shape[0], *size[sd:]]}, "
                           f"got {list(val.shape)}")
    if check_invariants and ind.shape[1]:
        _check_indices(ind, size)
        if is_coalesced and not _strictly_sorted(ind):
            raise RuntimeError("cannot set is_coalesced to true if indices correspond to "
                               "uncoalesced COO tensor")
    coalesced = ind.shape[1] < 2 if is_coalesced is None else bool(is_coalesced)
    out = _make(ind, val, size, coalesced, values._dtype)
    if needs_grad1(values):
        record("SparseCooTensorWithDimsAndTensorsBackward0", (out,), (values,),
               lambda g, s=out.detach(): _gather_backward(g, s)._values())
    elif requires_grad:
        out.requires_grad_(True)
    return out


def _strictly_sorted(ind):
    """Whether the columns of ``ind`` increase (first dim first) without repeats."""
    return bool((np.lexsort(ind[::-1]) == np.arange(ind.shape[1])).all() and
                (ind[:, 1:] != ind[:, :-1]).any(0).all())


def _check_indices(ind, size):
    low, high = ind.min(1), ind.max(1)
    for d in range(ind.shape[0]):
        if low[d] < 0:
            raise RuntimeError(f"found negative index {low[d]} for dim {d}")
        if high[d] >= size[d]:
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is "
                               f"{size[d]} but found index {high[d]}")


def _strided_only(name, what="sparse coordinate tensor layout"):
    def method(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected {what} but got Strided")
    method.__name__ = name
    return method


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``Tensor.to_sparse``: the coalesced COO form of a dense tensor; entries over the first
    ``sparse_dim`` dims (all by default) whose slice has a nonzero element."""
    a = self._data
    if layout is not None and layout is not _layout() or blocksize is not None or \
            dense_dim is not None:
        raise NotImplementedError("flambeau's to_sparse makes the sparse_coo layout only")
    sd = a.ndim if sparse_dim is None else sparse_dim
    if not 0 <= sd <= a.ndim:
        raise RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{a.ndim}] "
                           f"range, but {sd} is given")
    mask = (a != 0).reshape(a.shape[:sd] + (-1,)).any(-1)
    ind = np.array(np.nonzero(mask), np.int64).reshape(sd, -1) if sd else \
        np.zeros((0, 1), np.int64)
    val = a[tuple(ind)] if sd else a[None]
    out = _make(ind, np.ascontiguousarray(val), a.shape, True, self._dtype)
    if needs_grad1(self):
        record("ToSparseBackward0", (out,), (self,),
               lambda g: g.to_dense() if g.is_sparse else g)
    return out


def _to_dense(self, dtype=None, *, masked_grad=None):
    return self if dtype is None else self.to(dtype)


# what a dense tensor answers to the sparse methods (torch's errors where it has them)
DENSE_METHODS = dict(
    to_sparse=to_sparse, to_sparse_coo=to_sparse, to_dense=_to_dense,
    sparse_dim=lambda self: 0, dense_dim=lambda self: self._data.ndim,
    is_coalesced=_strided_only("is_coalesced"), coalesce=_strided_only("coalesce"),
    indices=_strided_only("indices"), _indices=_strided_only("_indices"),
    values=_strided_only("values", "sparse tensor layout"),
    _values=_strided_only("_values", "sparse tensor layout"))


# ---- sparse gradients ------------------------------------------------------------------------

def accumulate_grad(t, grad):
    """torch's AccumulateGrad where a sparse tensor is involved: a first gradient is kept (a
    copy), a sparse one then merges into a sparse ``.grad`` in place, a dense one makes
    ``.grad`` dense; a sparse gradient adds into a dense ``.grad`` in place."""
    have = t._grad
    if have is None:
        t._grad = grad.detach().clone() if grad.is_sparse else make(grad._data.copy(),
                                                                      grad._dtype)
    elif have.is_sparse and grad.is_sparse:
        merged = _add(have.detach(), grad.detach(), 1)
        have._ind, have._val, have._coalesced = merged._ind, merged._val, merged._coalesced
        have._by = None
    elif have.is_sparse:
        t._grad = make(grad._data + _dense(have), grad._dtype)
    else:
        add_into(have._data, grad)


def add_dense(dense, s, alpha):
    """``dense + alpha * s`` for a sparse ``s`` of the same size: a dense result (torch's
    add(dense, sparse)); ``s``'s gradient is dense too, as torch's."""
    if tuple(dense.shape) != tuple(s.shape):
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has "
                           f"size {list(dense.shape)} while other has size {list(s.shape)} "
                           "(FYI: dense-sparse addition does not currently support "
                           "broadcasting)")
    dtype = _dtype.promote_types(dense._dtype, s._dtype)
    data = dense._data.astype(dtype.numpy_dtype)
    add_into(data, s, alpha)
    out = make(data, dtype)
    if needs_grad(dense, s):
        record("AddBackward0", (out,), (dense, s), lambda g: (g, g * alpha if alpha != 1 else g))
    return out


def add_into(dense, s, alpha=1):
    """``dense += alpha * s`` in place for a sparse ``s`` (torch's ``dense.add_(sparse)``): the
    coalesced entries added by one fancy-indexed ``+=`` (far faster than ``np.add.at`` over
    rows)."""
    if s._ind.shape[1]:
        ind, val = (s._ind, s._val) if s._coalesced else _coalesce(s._ind, s._val)
        dense[tuple(ind)] += val * alpha if alpha != 1 else val


def sum_grads(a, b):
    """The sum of two gradients reaching one node, either sparse."""
    if a.is_sparse and b.is_sparse:  # the later one first, as torch's input buffer adds
        return _add(b, a, 1)
    dense, other = (b, a) if a.is_sparse else (a, b)
    out = dense._data.copy()
    add_into(out, other) if other.is_sparse else np.add(out, other._data, out=out)
    return make(out, dense._dtype)
