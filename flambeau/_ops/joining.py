"""Joining, tiling and rearranging ops: cat, stack and kin, flip, roll, repeat, triangles,
diagonals, broadcasting helpers, combinatorics.

Results are fresh, C-contiguous copies (``flip`` never hands out NumPy's negative strides)
unless torch returns views (``broadcast_to``, ``meshgrid``, ``atleast_*d``), which go through
the view ops. Dtypes of several inputs are promoted as torch promotes them; ``cat`` skips
legacy 1-d empty tensors of shape ``(0,)`` whatever the other shapes are.
"""
import functools
import warnings
from collections.abc import Sequence

import numpy as np

from .. import _dtype
from .._size import Size
from .._storage import allocation_error, check_size
from .._tensor import Tensor, make
from ..autograd.graph import record
from ._util import int_list, needs_grad, needs_grad1, wrap_dim, wrap_dim_of_dims, wrap_dims
from .creation import _OPTIONS
from .indexing import _UNSIGNED
from .promotion import broadcast_error
from .registry import defop, register, type_name
from .signature import checker

_result_type_of = _dtype.result_type_of


def _tensor_list(tensors, fn_name):
    """The tensors of a list argument; torch's TypeError for anything else."""
    if type(tensors) is not list:
        if isinstance(tensors, Tensor):
            raise TypeError(f"{fn_name}(): argument 'tensors' (position 1) must be tuple of "
                            "Tensors, not Tensor")
        tensors = list(tensors)
    for t in tensors:
        if not isinstance(t, Tensor):
            i, bad = next((i, t) for i, t in enumerate(tensors) if not isinstance(t, Tensor))
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(bad).__name__}")
    return tensors


def _common_dtype(tensors):
    first = tensors[0]._dtype
    for t in tensors:
        if t._dtype is not first:
            return _result_type_of(*tensors)
    return first


def _cast_back(g, dtype):
    """A gradient in its input's dtype (inputs of mixed dtypes got a promoted result)."""
    return g if g._dtype is dtype else g.to(dtype)


# ---- cat and stack -------------------------------------------------------------------------

@defop(method=False, aliases=("concat", "concatenate"), out_apart=True,
       signature="cat(Tensor[] tensors, int dim=0, *, Tensor? out=None)")
def cat(tensors, dim=0):
    """Concatenation along ``dim``; dtypes are promoted, and 1-d tensors of shape ``(0,)`` are
    skipped whatever the other shapes (torch's legacy rule). The public forms have checked
    that ``tensors`` is a list or tuple of tensors."""
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    dtype = _common_dtype(tensors)
    arrays = [t._data for t in tensors]
    n = arrays[0].ndim
    array = None
    if n and -n <= dim < n:  # common case: NumPy's own checks pass, torch's then pass too
        try:
            array = np.concatenate(arrays, dim, dtype=dtype._np, casting="unsafe")
            dim %= n
        except ValueError:
            pass
    if array is None:
        kept = [a for a in arrays if a.shape != (0,)]
        if kept:
            dim = _check_cat(tensors, kept[0], dim)
            array = np.concatenate(kept, dim, dtype=dtype._np, casting="unsafe")
        else:
            array = np.empty((0,), dtype._np)
    out = make(array, dtype)
    if needs_grad(*tensors):
        sizes, dtypes = [], []
        for a, t in zip(arrays, tensors):
            sizes.append(a.shape[dim] if a.shape != (0,) else None)
            dtypes.append(t._dtype)
        record("CatBackward0", (out,), tensors, lambda g: _cat_backward(g, dim, sizes, dtypes))
    return out


def _check_cat(tensors, ref, dim):
    """torch's checks of cat's shapes; the dim made non-negative."""
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    dim = wrap_dim(dim, ref.ndim)
    same, rest = ref.shape, ref.shape[:dim] + ref.shape[dim + 1:]
    for i, t in enumerate(tensors):
        shape = t._data.shape
        if shape == same or shape == (0,) or \
                len(shape) == ref.ndim and shape[:dim] + shape[dim + 1:] == rest:
            continue
        if len(shape) != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} "
                               f"and {len(shape)}")
        for d, (want, got) in enumerate(zip(ref.shape, shape)):
            if d != dim and want != got:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. "
                                   f"Expected size {want} but got size {got} for tensor number "
                                   f"{i} in the list.")
    return dim


def _cat_backward(g, dim, sizes, dtypes):
    grads, start = [], 0
    graph, whole = needs_grad1(g), (slice(None),) * dim  # no graph: slices of g's array
    for size, dtype in zip(sizes, dtypes):
        if size is None:  # a skipped (0,) tensor
            grads.append(g.new_zeros((0,), dtype=dtype))
            continue
        part = g.narrow(dim, start, size) if graph else \
            make(g._data[whole + (slice(start, start + size),)], g._dtype)
        grads.append(_cast_back(part, dtype))
        start += size
    return tuple(grads)



@defop(method=False, signature="stack(Tensor[] tensors, int dim=0, *, Tensor? out=None)")
def stack(tensors, dim=0):
    """The tensors, all of one shape, joined along a new dim ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    arrays = [t._data for t in tensors]
    shape = arrays[0].shape
    dim = wrap_dim(dim, len(shape) + 1)
    dtype = _common_dtype(tensors)
    try:  # NumPy refuses unequal shapes too: torch's message is then found below
        if dim == 0:  # np.array stacks along a new first dim fastest (copies, never views)
            array = np.array(arrays, dtype._np)
        else:
            key = (slice(None),) * dim + (None,)  # np.stack without its Python-level checks
            array = np.concatenate([a[key] for a in arrays], axis=dim, dtype=dtype._np,
                                   casting="unsafe")
    except ValueError:
        for i, a in enumerate(arrays):
            if a.shape != shape:
                raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                                   f"{list(shape)} at entry 0 and {list(a.shape)} at entry "
                                   f"{i}") from None
        raise
    out = make(array, dtype)
    if needs_grad(*tensors):
        dtypes = [t._dtype for t in tensors]
        record("StackBackward0", (out,), tensors,
               lambda g: tuple(_cast_back(g.select(dim, i), d) for i, d in enumerate(dtypes)))
    return out


def _stacker(name, prepare, dim_of, doc):
    def op(tensors):
        tensors = [prepare(t) for t in _tensor_list(tensors, name)]
        if not tensors:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        return cat(tensors, dim_of(tensors))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return defop(op, method=False, signature=f"{name}(Tensor[] tensors, *, Tensor? out=None)")


def _column(t):
    return t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t


hstack = _stacker("hstack", lambda t: atleast_1d(t),
                  lambda ts: 0 if ts[0]._data.ndim == 1 else 1,
                  "Concatenation along dim 1 (dim 0 for 1-d tensors).")
vstack = _stacker("vstack", lambda t: atleast_2d(t), lambda ts: 0,
                  "Concatenation of the tensors made at least 2-d along dim 0.")
row_stack = _stacker("row_stack", lambda t: atleast_2d(t), lambda ts: 0, "Alias of vstack.")
dstack = _stacker("dstack", lambda t: atleast_3d(t), lambda ts: 2,
                  "Concatenation of the tensors made at least 3-d along dim 2.")
column_stack = _stacker("column_stack", _column, lambda ts: 1,
                        "Columns side by side: 0-d and 1-d tensors become columns.")


def _atleast(ndim):
    def one(t):
        n = t._data.ndim
        if n >= ndim:
            return t
        if n == 0:
            return t.reshape((1,) * ndim)
        if n == 1:
            t = t.unsqueeze(0)
        return t.unsqueeze(-1) if ndim == 3 else t

    check = checker(f"atleast_{ndim}d(Tensor input)", f"atleast_{ndim}d(Tensor[] tensors)")

    def op(*tensors):
        if len(tensors) == 1:
            tensors = tensors[0]
        check(tensors)
        return one(tensors) if isinstance(tensors, Tensor) else tuple(one(t) for t in tensors)
    op.__name__ = op.__qualname__ = f"atleast_{ndim}d"
    op.__doc__ = f"The tensor(s) with size-1 dims added up to {ndim} dims (views)."
    return defop(op, method=False)


atleast_1d, atleast_2d, atleast_3d = _atleast(1), _atleast(2), _atleast(3)


# ---- flips, rolls, rotations ---------------------------------------------------------------

_REVERSED = slice(None, None, -1)


@defop(signature="flip(Tensor input, int[] dims)")
def flip(input, dims):
    """The input reversed along ``dims`` (a copy, as in torch)."""
    dims = int_list(dims, "flip", "dims")
    a = input._data
    n = a.ndim
    if len(dims) == 1 and type(dims[0]) is int and -n <= dims[0] < n:
        d = dims[0] % n
        dims = (d,)
        array = a[(slice(None),) * d + (_REVERSED,)].copy()
    else:
        dims = wrap_dims(dims, n)  # (a 0-d tensor takes dims -1 and 0)
        dims = dims if n else ()
        key = [slice(None)] * n
        for d in dims:
            key[d] = _REVERSED
        array = a[tuple(key)].copy()
    out = make(array, input._dtype)
    if needs_grad1(input):
        record("FlipBackward0", (out,), (input,), lambda g: g.flip(dims))
    return out


def _flip_at_least(name, dim, ndim):
    def op(input):
        if input._data.ndim < ndim:
            raise RuntimeError(f"Input must be >= {ndim}-d.")
        return flip(input, (dim,))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``flip`` along dim {dim}."
    return defop(op, signature=f"{name}(Tensor input)")


fliplr = _flip_at_least("fliplr", 1, 2)
flipud = _flip_at_least("flipud", 0, 1)


@defop(signature="roll(Tensor input, int[1] shifts, int[1] dims=())")
def roll(input, shifts, dims=()):
    """Elements shifted by ``shifts`` along ``dims`` (over the flattened tensor without dims),
    wrapping around."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    a = input._data
    if dims:
        dims = tuple(wrap_dim_of_dims(d, a.ndim) for d in dims)
        array = np.roll(a, shifts, dims)
    else:
        array = np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    out = make(array, input._dtype)
    if needs_grad(input):
        back = tuple(-s for s in shifts)
        record("RollBackward0", (out,), (input,), lambda g: g.roll(back, dims))
    return out


@defop(signature="rot90(Tensor input, int k=1, int[] dims=(0, 1))")
def rot90(input, k=1, dims=(0, 1)):
    """A rotation by ``k`` quarter turns in the plane of ``dims``, from the first towards the
    second."""
    dims = list(dims)
    a = input._data
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if a.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {a.ndim}")
    d0, d1 = wrap_dim(dims[0], a.ndim), wrap_dim(dims[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    out = make(np.ascontiguousarray(np.rot90(a, k, (d0, d1))), input._dtype)
    if needs_grad(input):
        record("Rot90Backward0", (out,), (input,), lambda g: g.rot90(-k, (d0, d1)))
    return out


# ---- padding -------------------------------------------------------------------------------

@defop(method=False, signature="constant_pad_nd(Tensor input, int[] pad, Scalar value=0)")
def constant_pad_nd(input, pad, value=0):
    """``input`` with ``value`` around it: ``pad`` gives (before, after) widths for the last
    dim, then the one before it...; a negative width crops instead."""
    a = input._data
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    n = len(pad) // 2
    if n > a.ndim:  # (torch's message lacks these two spaces)
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions "
                           f"of the input. Pad length is {len(pad)}while the input has "
                           f"{a.ndim}dimensions.")
    widths = [(0, 0)] * (a.ndim - n) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(n))]
    if any(size + min(lo, 0) + min(hi, 0) < 0 for size, (lo, hi) in zip(a.shape, widths)):
        raise RuntimeError("narrow(): length must be non-negative.")
    kept = a[tuple(slice(-min(lo, 0), size + min(hi, 0))
                   for size, (lo, hi) in zip(a.shape, widths))]
    grown = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    array = np.full([n + lo + hi for n, (lo, hi) in zip(kept.shape, grown)], value, a.dtype)
    array[tuple(slice(lo, lo + n) for n, (lo, hi) in zip(kept.shape, grown))] = kept
    out = make(array, input._dtype)
    if needs_grad1(input):
        record("ConstantPadNdBackward0", (out,), (input,),
               lambda g: constant_pad_nd(g, [-w for w in pad]))
    return out


# ---- repetition ----------------------------------------------------------------------------

@defop(function=False, signature="repeat(Tensor input, int[] repeats)")
def repeat(self, repeats):
    """The tensor tiled ``repeats[i]`` times along each dim (NumPy's ``tile``); extra leading
    sizes add dims."""
    sizes = tuple(repeats)
    a = self._data
    if len(sizes) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    shape = [n * s for n, s in zip((1,) * (len(sizes) - a.ndim) + a.shape, sizes)]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"{shape}")
    check_size(shape, a.itemsize)  # (NumPy's tile crashes on sizes that overflow)
    try:
        out = make(np.tile(a, sizes) if all(shape) else np.empty(shape, a.dtype), self._dtype)
    except MemoryError as error:
        raise allocation_error(error) from None
    if needs_grad(self):
        padded = (1,) * (len(sizes) - a.ndim) + a.shape
        split = tuple(x for pair in zip(sizes, padded) for x in pair)
        axes = tuple(range(0, 2 * len(sizes), 2))
        shape = a.shape
        record("RepeatBackward0", (out,), (self,),
               lambda g: g.reshape(split).sum(axes).reshape(shape))
    return out




@defop(signature="tile(Tensor input, int[] dims)")
def tile(input, dims):
    """``repeat`` with missing leading repeats taken as 1."""
    dims = int_list(dims, "tile", "dims")
    return repeat.__wrapped__(input, (1,) * (input._data.ndim - len(dims)) + dims)


_REPEAT_INTERLEAVE = [
    "repeat_interleave(Tensor input, Tensor repeats, int? dim=None, *, int? output_size=None)",
    "repeat_interleave(Tensor repeats, *, int? output_size=None)",
    "repeat_interleave(Tensor input, int repeats, int? dim=None, *, int? output_size=None)"]


@defop(method=False, signature=_REPEAT_INTERLEAVE)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element repeated ``repeats`` times (an int, or one count per element along
    ``dim``); the one-argument form repeats ``arange(len(repeats))``."""
    if repeats is None:
        counts = _repeat_counts(input, "repeat_interleave only accept 1D vector as repeat")
        index = np.repeat(np.arange(counts.size), counts)
        return make(index.astype(input._data.dtype), input._dtype)
    if dim is None:
        input, dim = input.reshape(-1), 0
    a = input._data
    dim = wrap_dim(dim, a.ndim)
    n = a.shape[dim] if a.ndim else 1
    if isinstance(repeats, Tensor):
        counts = _repeat_counts(repeats, "repeats must be 0-dim or 1-dim tensor")
        if counts.size == 1:
            counts = np.full(n, counts.reshape(()), dtype=counts.dtype)
        elif counts.size != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size(0) = {n}")
        return index_take(input, dim, np.repeat(np.arange(n), counts))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if a.size * repeats > 2 ** 63 - 1:  # (NumPy's repeat crashes on such counts)
        raise RuntimeError("numel: integer multiplication overflow")
    check_size(a.shape[:dim] + (n * repeats,) + a.shape[dim + 1:], a.itemsize)
    try:
        out = make(np.repeat(a, repeats, axis=dim), input._dtype)
    except MemoryError as error:
        raise allocation_error(error) from None
    if needs_grad(input):
        shape = a.shape
        split = shape[:dim + 1] + (repeats,) + shape[dim + 1:]
        record("ViewBackward0", (out,), (input,), lambda g: g.reshape(split).sum(dim + 1))
    return out


defop(repeat_interleave.__wrapped__, function=False, signature=[  # (no repeats-only method)
    _REPEAT_INTERLEAVE[0], _REPEAT_INTERLEAVE[2]])


def _repeat_counts(repeats, ndim_error):
    counts = repeats._data
    if counts.ndim > 1:
        raise RuntimeError(ndim_error)
    if counts.size and counts.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return counts


def index_take(input, dim, index):
    """``input`` indexed along ``dim`` by an integer array (differentiable; a copy)."""
    out = make(np.take(input._data, index, axis=dim), input._dtype)
    if needs_grad(input):
        n = input._data.shape[dim]
        record("IndexSelectBackward0", (out,), (input,),
               lambda g: index_sum(g, dim, index, n))
    return out


def index_sum(g, dim, index, n):
    """The gradient of :func:`index_take`: slices of ``g`` summed into ``n`` places along
    ``dim``."""
    a = g._data
    full = np.zeros(a.shape[:dim] + (n,) + a.shape[dim + 1:], a.dtype)
    np.add.at(np.moveaxis(full, dim, 0), index, np.moveaxis(a, dim, 0))
    out = make(full, g._dtype)
    if needs_grad(g):
        record("IndexAddBackward0", (out,), (g,), lambda gg: index_take(gg, dim, index))
    return out


# ---- triangles and diagonals ---------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _triangle_mask(lower, rows, cols, diagonal, itemsize):
    """For ``itemsize`` 0: the boolean mask of the kept triangle; otherwise that mask as
    unsigned integers of ``itemsize`` bytes, all bits set where kept (for ``bitwise_and``)."""
    keep = np.less_equal if lower else np.greater_equal  # column <= row + diagonal for tril
    mask = keep(np.arange(cols), np.arange(diagonal, rows + diagonal).reshape(-1, 1))
    if itemsize:
        mask = mask * _UNSIGNED[itemsize].type(-1 % 2 ** (8 * itemsize))
    mask.flags.writeable = False
    return mask


def _triangle(name):
    lower = name == "tril"

    def op(input, diagonal=0):
        a = input._data
        if a.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        rows, cols = a.shape[-2:]
        unsigned = _UNSIGNED.get(a.itemsize) if type(a) is np.ndarray else None
        if unsigned is not None:  # zeroing by masking the bits: several times np.where's speed
            mask = _triangle_mask(lower, rows, cols, diagonal, a.itemsize)
            array = np.bitwise_and(a.view(unsigned), mask).view(a.dtype)
        else:
            mask = _triangle_mask(lower, rows, cols, diagonal, 0)
            array = np.where(mask, a, np.zeros((), a.dtype))
        out = make(array, input._dtype)
        if needs_grad1(input):
            record(name.capitalize() + "Backward0", (out,), (input,),
                   lambda g: op(g, diagonal))
        return out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {'lower' if lower else 'upper'} triangle of the last two dims from " \
                 "``diagonal`` on, the rest zeroed."
    return defop(op, inplace=True,
                 signature=f"{name}(Tensor input, int diagonal=0, *, Tensor? out=None)")


tril, triu = _triangle("tril"), _triangle("triu")


def _triangle_indices(name, np_fn):
    def op(row, col, offset=0, *, dtype=None, layout=None, device=None, pin_memory=False,
           requires_grad=False):
        for which, n in (("row", row), ("col", col)):
            if n < 0:
                raise RuntimeError(f"{which} must be non-negative, got{n}")  # (sic)
        dtype = dtype or _dtype.int64
        if dtype not in (_dtype.int64, _dtype.int32):
            raise NotImplementedError(f'"{name}" not implemented for \'{type_name(dtype)}\'')
        rows, cols = np_fn(row, offset, col)
        out = make(np.stack([rows, cols]).astype(dtype._np).reshape(2, -1), dtype)
        return out.requires_grad_() if requires_grad else out
    op.__name__ = op.__qualname__ = name
    op.__doc__ = "The (row, col) indices of the triangle of a ``row x col`` matrix, as 2 x N."
    return defop(op, method=False,
                 signature=f"{name}(int row, int col, int offset=0, *, {_OPTIONS})")


tril_indices = _triangle_indices("tril_indices", np.tril_indices)
triu_indices = _triangle_indices("triu_indices", np.triu_indices)


def _diag_positions(n, offset):
    """Rows and columns of the ``n`` entries of diagonal ``offset``."""
    r = np.arange(n)
    return r + max(-offset, 0), r + max(offset, 0)


def _on_diagonal(values, shape, offset, d1, d2, name):
    """A zero tensor of ``shape`` with ``values`` (last dim) on diagonal ``offset`` of dims
    ``d1``, ``d2``; its gradient is the diagonal again."""
    a = values._data
    full = np.zeros(shape, a.dtype)
    rows, cols = _diag_positions(a.shape[-1] if a.ndim else 1, offset)
    np.moveaxis(full, (d1, d2), (-2, -1))[..., rows, cols] = a
    out = make(full, values._dtype)
    if needs_grad(values):
        record(name, (out,), (values,), lambda g: diag_copy(g, offset, d1, d2))
    return out


def diag_copy(input, offset, d1, d2):
    """The diagonal of ``d1``, ``d2`` as a new last dim (a copy)."""
    shape = input._data.shape
    array = np.diagonal(input._data, offset, d1, d2).copy()
    out = make(array, input._dtype)
    if needs_grad(input):
        record("DiagonalBackward0_copy", (out,), (input,),
               lambda g: _on_diagonal(g, shape, offset, d1, d2, "DiagEmbedBackward0"))
    return out


@defop(signature="diag_embed(Tensor input, int offset=0, int dim1=-2, int dim2=-1)")
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Square matrices along ``dim1``, ``dim2`` with the input's last dim on their diagonal
    ``offset``."""
    a = input._data
    n = a.shape[-1] + abs(offset) if a.ndim else 1 + abs(offset)
    ndim = a.ndim + 1
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    batch = list(a.shape[:-1])
    for d in sorted((d1, d2)):
        batch.insert(d, n)
    return _on_diagonal(input, tuple(batch), offset, d1, d2, "DiagEmbedBackward0")


@defop(signature="diag(Tensor input, int diagonal=0, *, Tensor? out=None)")
def diag(input, diagonal=0):
    """A 1-d tensor made the diagonal of a square matrix, or a matrix's diagonal (a copy)."""
    n = input._data.ndim
    if n == 1:
        return diag_embed(input, diagonal, 0, 1)
    if n == 2:
        return diag_copy(input, diagonal, 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


@defop(signature="diagflat(Tensor input, int offset=0)")
def diagflat(input, offset=0):
    """The flattened input on diagonal ``offset`` of a square matrix."""
    return diag_embed(input.reshape(-1), offset, 0, 1)


@defop(signature="trace(Tensor input)")
def trace(input):
    """The sum of a matrix's diagonal (integer inputs give int64)."""
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    if input._dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    dtype = input._dtype if input._dtype.is_floating_point or input._dtype.is_complex \
        else _dtype.int64
    out = make(np.trace(a, dtype=dtype._np), dtype)
    if needs_grad(input):
        shape = a.shape
        n = min(shape)
        record("TraceBackward0", (out,), (input,),
               lambda g: _on_diagonal(g.expand(n), shape, 0, 0, 1, "DiagEmbedBackward0"))
    return out


# ---- products of shapes --------------------------------------------------------------------

@defop(signature="kron(Tensor input, Tensor other, *, Tensor? out=None)")
def kron(input, other):
    """The Kronecker product (shapes padded with leading 1s to the same length)."""
    a, b = input._data, other._data
    dtype = _result_type_of(input, other)
    out = make(np.kron(a, b).astype(dtype._np, copy=False), dtype)
    if needs_grad(input, other):
        n = max(a.ndim, b.ndim)
        sa, sb = (1,) * (n - a.ndim) + a.shape, (1,) * (n - b.ndim) + b.shape
        split = tuple(x for pair in zip(sa, sb) for x in pair)
        a_axes, b_axes = tuple(range(0, 2 * n, 2)), tuple(range(1, 2 * n, 2))
        a_like = tuple(x for s in sa for x in (s, 1))
        b_like = tuple(x for s in sb for x in (1, s))

        def backward(g, x, y):
            g = g.reshape(split)
            gx = (g * y.conj().reshape(b_like)).sum(b_axes).reshape(a.shape)
            gy = (g * x.conj().reshape(a_like)).sum(a_axes).reshape(b.shape)
            return _cast_back(gx, x._dtype), _cast_back(gy, y._dtype)
        record("UnsafeViewBackward0", (out,), (input, other), backward, saved=(input, other))
    return out


_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the "
                     "indexing argument.")


_MESHGRID = checker("meshgrid(Tensor[] tensors)", "meshgrid(Tensor[] tensors, *, str indexing)")
_TENSORS = {name: checker(f"{name}(Tensor[] tensors)")
            for name in ("broadcast_tensors", "cartesian_prod", "block_diag")}


@defop(method=False)
def meshgrid(*tensors, indexing=None):
    """Grids of the 1-d inputs, as expanded views; ``indexing='xy'`` makes the first two
    inputs vary along dims 1 and 0. Omitting ``indexing`` warns (it means 'ij')."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    _MESHGRID(tensors, **({} if indexing is None else {"indexing": indexing}))
    if indexing is None:
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError('torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           + str(indexing))
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
        if t._dtype is not tensors[0]._dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    swap = indexing == "xy" and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    shape = [t._data.size for t in order]
    grids = []
    for i, t in enumerate(order):
        view = [1] * len(order)
        view[i] = -1
        grids.append(t.reshape(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


@defop(method=False)
def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to, as a ``Size`` (None is skipped, an int is a
    1-d shape). Checked as torch's Python code checks, with its errors."""
    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    for s in shapes:
        if not isinstance(s, Sequence):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
    result = [1] * max((len(s) for s in shapes), default=0)
    for index, s in enumerate(shapes):
        for d in range(-1, -1 - len(s), -1):
            size = s[d]
            if size == result[d]:
                continue
            if result[d] == 1:
                if size < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                result[d] = size
            elif size != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {size} at "
                                   f"{d}! Mismatching argument at index {index} had {s}; but "
                                   f"expected shape should be broadcastable to {result}")
    return Size(result)


@defop(method=False)
def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape."""
    _TENSORS["broadcast_tensors"](tensors)
    try:
        shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    except ValueError:
        first = tensors[0]._data
        bad = next(t._data for t in tensors[1:]
                   if not _broadcastable(first.shape, t._data.shape))
        raise broadcast_error(first, bad) from None
    return tuple(t.expand(shape) for t in tensors)


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


@defop(signature="broadcast_to(Tensor input, int[] size)")
def broadcast_to(input, size):
    """``expand`` to ``size`` (a view)."""
    return input.expand(size)


@defop(method=False)
def cartesian_prod(*tensors):
    """All tuples of one element of each 1-d input, as rows (a single input comes back)."""
    _TENSORS["cartesian_prod"](tensors)
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


@defop(method=False,
       signature="combinations(Tensor input, int r=2, bool with_replacement=False)")
def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of a 1-d tensor's elements, as rows, in lexicographic
    order of positions."""
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return make(np.empty((0,), input._data.dtype), input._dtype)
    n = input._data.size
    if n ** r >= 2 ** 63:  # (torch's grid of n ** r candidates)
        raise RuntimeError("numel: integer multiplication overflow")
    if r > n and not with_replacement:  # none (without making the grid)
        ids = np.empty((r, 0), np.int64)
    else:
        ids = np.indices((n,) * r).reshape(r, -1)
        ordered = ids[:-1] <= ids[1:] if with_replacement else ids[:-1] < ids[1:]
        ids = ids[:, ordered.all(0)]
    return stack([index_take(input, 0, row) for row in ids], 1)


@defop(method=False)
def block_diag(*tensors):
    """The inputs (0-d, 1-d as one row, or 2-d) as blocks along the diagonal of a matrix."""
    _TENSORS["block_diag"](tensors)
    blocks = []
    for i, t in enumerate(tensors):
        n = t._data.ndim
        if n > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {n} dimensions")
        blocks.append(t._data.reshape((1,) * (2 - n) + t._data.shape) if n < 2 else t._data)
    dtype = _common_dtype(tensors) if tensors else _dtype.get_default_dtype()
    if not blocks:
        return make(np.zeros((1, 0), dtype._np), dtype)
    rows = np.cumsum([0] + [b.shape[0] for b in blocks])
    cols = np.cumsum([0] + [b.shape[1] for b in blocks])
    full = np.zeros((rows[-1], cols[-1]), dtype._np)
    for b, r0, r1, c0, c1 in zip(blocks, rows, rows[1:], cols, cols[1:]):
        full[r0:r1, c0:c1] = b
    out = make(full, dtype)
    if needs_grad(*tensors):
        spans = [(slice(r0, r1), slice(c0, c1), t._data.shape, t._dtype)
                 for t, r0, r1, c0, c1 in zip(tensors, rows, rows[1:], cols, cols[1:])]
        record("BlockDiagBackward0", (out,), tensors,
               lambda g: tuple(_cast_back(g[rs, cs].reshape(shape), d)
                               for rs, cs, shape, d in spans))
    return out


@defop(signature="cross(Tensor input, Tensor other, int? dim=None, *, Tensor? out=None)")
def cross(input, other, dim=None):
    """The 3-vector cross product along ``dim`` (default: the first dim of size 3, with
    torch's deprecation warning); the shapes broadcast."""
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input._dtype is not other._dtype:
        raise RuntimeError(f"expected scalar type {type_name(input._dtype)} but found "
                           f"{type_name(other._dtype)}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a, b) from None
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                      "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                      "default value of dim will change to agree with that of linalg.cross in "
                      "a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    dim = wrap_dim(dim, len(shape))
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[dim]} and {b.shape[dim]}")
    out = make(np.cross(a, b, axis=dim), input._dtype)
    if needs_grad(input, other):
        record("LinalgCrossBackward0", (out,), (input, other),
               lambda g, x, y: (cross(y.conj(), g, dim), cross(g, x.conj(), dim)),
               saved=(input, other))
    return out


@defop(method=False, signature="vander(Tensor x, int? N=None, bool increasing=False)")
def vander(x, N=None, increasing=False):
    """Columns of powers of a 1-d tensor, highest power first unless ``increasing``
    (integer and bool inputs give int64)."""
    a = x._data
    if a.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    N = a.size if N is None else N
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = x._dtype if x._dtype.is_floating_point or x._dtype.is_complex else _dtype.int64
    out = make(np.vander(a.astype(dtype._np, copy=False), N, increasing), dtype)
    if needs_grad(x):
        powers = np.arange(N) if increasing else np.arange(N)[::-1].copy()
        coef = make(powers.astype(dtype._np), dtype)
        lower = make(np.maximum(powers - 1, 0).astype(dtype._np), dtype)
        record("CumprodBackward0" if increasing else "FlipBackward0", (out,), (x,),
               lambda g, v: (g * coef * v.unsqueeze(1) ** lower).sum(1), saved=(x,))
    return out
