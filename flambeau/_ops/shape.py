"""View ops: new shapes and strides over the same storage, never a copy.

Each result shares its input's storage (``make_view``), so writes show through, and records a
node named as PyTorch names it. ``view`` follows torch's stride rule: it fails (rather than
copying, as NumPy's reshape would) when the new shape cannot be expressed over the old strides.
"""
import functools
import math
import operator
import warnings

import numpy as np

from .. import _dtype, _naming
from .._storage import TypedStorage, allocation_error
from .._tensor import Tensor, _contiguous_strides, make, make_view
from ..autograd.function import Function
from ..autograd.graph import node_class, record
from ._util import (int_list, needs_grad, needs_grad1, sliced, warn_caller, wrap_dim,
                    wrap_dim_of_dims, wrap_dims)
from . import conversion
from .determinism import uninitialised_fill
from .registry import check_inplace, check_no_overlap, defop, register, type_name
from .signature import checked, checker


def _view(base, array, name, backward, *args):
    """``array``, a view of ``base``'s memory, as a tensor with node ``name`` whose gradient is
    ``backward(g, *args)``: bound only when a graph is recorded (a closure made per call costs
    a small view a fifth of its time)."""
    out = make_view(base, array)
    out._base = base if base._base is None else base._base
    if needs_grad1(base):
        record(name, (out,), (base,), (lambda g: backward(g, *args)) if args else backward)
    return out


def _embed(grad, shape, index):
    """A zero tensor of ``shape`` with ``grad`` written at ``index`` (the gradient of a
    slice); differentiable, its own gradient being ``grad[index]`` again."""
    array = grad._data
    full = np.zeros(shape, dtype=array.dtype) if type(array) is np.ndarray else \
        type(array)(shape, dtype=array.dtype) * 0
    full[index] = array
    out = make(full, grad._dtype)
    if needs_grad(grad):
        record("SliceBackward0", (out,), (grad,), lambda g: g[index])
    return out


def _unchanged(g):
    """The derivative of expand and alias: the gradient itself (the engine sums a broadcast
    gradient back to its input's shape)."""
    return g


# ---- view and reshape ----------------------------------------------------------------------

def infer_size(shape, numel):
    """``shape`` with a -1 replaced so that it holds ``numel`` elements (torch's messages)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    shape = tuple(s if type(s) is int else int(s) for s in shape)
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{list(shape)}")
    infer = [i for i, s in enumerate(shape) if s == -1]
    if len(infer) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if infer:
        if known == 0 or numel % known:
            if known == 0 == numel:
                raise RuntimeError(f"cannot reshape tensor of {numel} elements into shape "
                                   f"{list(shape)} because the unspecified dimension size -1 "
                                   "can be any value and is ambiguous")
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:infer[0]] + (numel // known,) + shape[infer[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _view_strides(old_shape, old_strides, new_shape):
    """torch's computeStride: strides giving ``new_shape`` over the old memory, or None."""
    if not old_shape or not new_shape:
        return tuple(1 for _ in new_shape) if new_shape or not old_shape else ()
    numel = int(np.prod(old_shape))
    if numel == 0:
        return tuple(np.cumprod((1,) + tuple(new_shape[:0:-1]))[::-1]) if new_shape else ()
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in reversed(range(len(old_shape))):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (old_shape[tensor_d - 1] != 1 and
                             old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def _reshape_contiguous(a, shape):
    """A contiguous array ``a`` seen in ``shape`` (a tuple of ints), with torch's errors."""
    try:
        array = a.reshape(shape)
    except (ValueError, TypeError):
        infer_size(shape, a.size)  # raises torch's message
        raise
    if array.shape != shape and -1 not in shape:  # NumPy infers any negative size
        infer_size(shape, a.size)
    return array


def _reshaped_view(t, shape):
    """A NumPy view of ``t`` in ``shape``, or None when the strides do not allow one."""
    a = t._data
    if a.flags.c_contiguous:
        return a.reshape(shape)
    strides = _view_strides(a.shape, t.stride(), shape)
    if strides is None:
        return None
    item = a.itemsize
    return np.lib.stride_tricks.as_strided(a, shape, tuple(s * item for s in strides))


@defop(function=False, signature=["view(Tensor input, ScalarType dtype)",
                                  "view(Tensor input, int[] size)"])
def view(self, size):
    """The same memory seen with another shape (or, given a dtype, another dtype)."""
    if size.__class__ is _dtype.dtype:
        return _view_dtype(self, size)
    shape = tuple(size)
    a = self._data
    old = a.shape
    if a.flags.c_contiguous:  # NumPy reshapes contiguous memory without copying
        array = _reshape_contiguous(a, shape)
    else:
        array = _reshaped_view(self, infer_size(shape, a.size))
        if array is None:
            raise RuntimeError("view size is not compatible with input tensor's size and stride "
                               "(at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.")
    return _view(self, array, "ViewBackward0", Tensor.reshape, old)


def _view_dtype(self, dtype):
    a = self._data
    if dtype.itemsize != a.itemsize and a.ndim and a.strides[-1] != a.itemsize:
        raise RuntimeError("self.stride(-1) must be 1 to view Byte as Float (different element "
                           "sizes), but got " + str(self.stride(-1)))
    out = make_view(self, a.view(dtype.numpy_dtype))
    out._dtype = dtype
    return out


@defop(function=False, signature="view_as(Tensor input, Tensor other)")
def view_as(self, other):
    return view.__wrapped__(self, other._data.shape)


@defop(signature="reshape(Tensor input, int[] shape)")
def reshape(input, shape):
    """``view`` when the strides allow it, else a copy."""
    a = input._data
    old = a.shape
    if a.flags.c_contiguous:
        return _view(input, _reshape_contiguous(a, tuple(shape)), "ViewBackward0",
                     Tensor.reshape, old)
    shape = infer_size(tuple(shape), a.size)
    array = _reshaped_view(input, shape)
    if array is not None:
        return _view(input, array, "ViewBackward0", Tensor.reshape, old)
    copy = conversion.clone(input)  # torch: _unsafe_view(clone(input))
    out = make(copy._data.reshape(shape), input._dtype)
    if needs_grad(copy):
        record("UnsafeViewBackward0", (out,), (copy,), lambda g: g.reshape(old))
    return out


@defop(function=False, signature="reshape_as(Tensor input, Tensor other)")
def reshape_as(self, other):
    return reshape.__wrapped__(self, other._data.shape)


@defop(signature="flatten(Tensor input, int start_dim=0, int end_dim=-1)")
def flatten(input, start_dim=0, end_dim=-1):
    """Dims ``start_dim`` to ``end_dim`` merged into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    start, end = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    merged = int(np.prod(shape[start:end + 1]))
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (one of which may be -1)."""
    shape = input._data.shape
    dim = wrap_dim(dim, len(shape))
    sizes = infer_size(tuple(sizes), shape[dim])
    return view.__wrapped__(input, shape[:dim] + sizes + shape[dim + 1:])


defop(unflatten, method=False, signature="unflatten(Tensor input, int dim, int[] sizes)")
_UNFLATTEN = checked(unflatten, ["unflatten(Tensor input, int dim, int[] sizes)"], "unflatten",
                     method=True)


def _unflatten_method(self, dim, sizes):
    """torch's method is Python code (Python's messages for missing arguments, an empty
    ``sizes`` refused first) over the C method (the parser's messages)."""
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    return _UNFLATTEN(self, dim, sizes)


_unflatten_method.__name__, _unflatten_method.__qualname__ = "unflatten", "Tensor.unflatten"
register("", "unflatten", _unflatten_method, True)


# ---- dims reordered ------------------------------------------------------------------------

@defop(signature="transpose(Tensor input, int dim0, int dim1)")
def transpose(input, dim0, dim1):
    """Dims ``dim0`` and ``dim1`` swapped (a view)."""
    n = input._data.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    array = input._data.swapaxes(d0, d1) if n else input._data
    return _view(input, array, "TransposeBackward0", Tensor.transpose, d0, d1)


defop(transpose.__wrapped__, name="swapaxes",
      signature="swapaxes(Tensor input, int axis0, int axis1)")
defop(transpose.__wrapped__, name="swapdims",
      signature="swapdims(Tensor input, int dim0, int dim1)")


@defop(signature="t(Tensor input)")
def t(input):
    """The transpose of a tensor of at most 2 dims."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return _view(input, input._data.T, "TBackward0", _t_backward)


def _t_backward(g):
    """TBackward0's derivative: ``g.t()``, as a plain tensor on the transposed array when no
    graph of it is recorded (no view tensor to make, and the engine may hand the buffer of a
    transposed product to a ``.grad`` whole)."""
    return g.t() if needs_grad1(g) else make(g._data.T, g._dtype)


@defop(signature="permute(Tensor input, int[] dims)")
def permute(input, dims):
    """Dims reordered: result dim ``i`` is input dim ``dims[i]``."""
    dims = int_list(dims, "permute", "dims")
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = wrap_dims(dims, n)
    inverse = tuple(np.argsort(dims).tolist())
    return _view(input, input._data.transpose(dims), "PermuteBackward0", Tensor.permute,
                 inverse)


@defop(aliases=("moveaxis",), signature=["movedim(Tensor input, int source, int destination)",
                                         "movedim(Tensor input, int[] source, int[] destination)"])
def movedim(input, source, destination):
    """Dims moved from ``source`` to ``destination`` positions, the others keeping order."""
    n = input._data.ndim
    given = [(source,) if isinstance(source, int) else tuple(source),
             (destination,) if isinstance(destination, int) else tuple(destination)]
    if len(given[0]) != len(given[1]):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(given[0])} dims) should contain the same number of dims as "
                           f"destination ({list(given[1])} dims)")
    source, destination = (tuple(wrap_dim(d, n) for d in dims) for dims in given)
    for word, dims, wrapped in zip(("source", "destination"), given, (source, destination)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{word}` ({list(dims)})")
    order = [d for d in range(n) if d not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return permute(input, order)


def _T(self):
    n = self._data.ndim
    if n not in (0, 2):
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
                      "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=2)
    return permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self):
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


def _H(self):
    return _T(self).conj() if self._dtype.is_complex else _T(self)


def _mH(self):
    return _mT(self).conj() if self._dtype.is_complex else _mT(self)


for _name, _fn in {"T": _T, "mT": _mT, "H": _H, "mH": _mH}.items():
    register("", _name, property(_fn), method=True)


# ---- size-1 dims ---------------------------------------------------------------------------

@defop(signature="unsqueeze(Tensor input, int dim)")
def unsqueeze(input, dim):
    """A size-1 dim inserted at ``dim``."""
    a = input._data
    dim = wrap_dim(dim, a.ndim + 1)
    shape = a.shape[:dim] + (1,) + a.shape[dim:]
    if a.flags.c_contiguous:
        array = a.reshape(shape)
    else:
        strides = list(a.strides)
        strides.insert(dim, a.strides[dim] * a.shape[dim] if dim < a.ndim else a.itemsize)
        array = np.lib.stride_tricks.as_strided(a, shape, strides)
    return _view(input, array, "UnsqueezeBackward0", Tensor.squeeze, dim)


@defop(signature=["squeeze(Tensor input)", "squeeze(Tensor input, int dim)",
                  "squeeze(Tensor input, int[] dim)"])
def squeeze(input, dim=None):
    """Size-1 dims removed (all, or those among ``dim``)."""
    a = input._data
    shape = a.shape
    if dim is None:
        axes, name = tuple(i for i, s in enumerate(shape) if s == 1), "SqueezeBackward0"
    else:
        dims = wrap_dims(dim, a.ndim)
        axes = tuple(d for d in dims if a.ndim and shape[d] == 1)
        name = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    array = a.squeeze(axes) if axes else a
    return _view(input, array, name, Tensor.reshape, shape)


# ---- broadcasting --------------------------------------------------------------------------

@defop(function=False, signature="expand(Tensor input, int[] size, *, bool implicit=False)")
def expand(input, size, *, implicit=False):
    """Size-1 dims repeated to ``size`` without copying (-1 keeps a size); stride 0."""
    sizes = tuple(size)
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(f"expand({_naming.public_name}.{type_name(input._dtype)}Tensor"
                           f"{{{list(a.shape)}}}, size={list(sizes)}): "
                           "the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({a.ndim})")
    # NumPy 2 gives new empty arrays zero strides: take torch's from Tensor.stride() then
    kept = a.strides if a.size else tuple(st * a.itemsize for st in input.stride())
    target, strides = _expanded(a.shape, kept, sizes)
    try:
        if a.flags.c_contiguous:  # a writable stride-0 view over a's own buffer, made directly
            array = np.ndarray(target, a.dtype, a, 0, strides)
        else:
            array = np.lib.stride_tricks.as_strided(a, target, strides)
    except ValueError:  # more elements than NumPy can count in bytes (torch's limit is higher)
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(target)}") \
            from None
    return _view(input, array, "ExpandBackward0", _unchanged)


@functools.lru_cache(maxsize=256)
def _expanded(shape, kept, sizes):
    """The shape and byte strides of ``expand(sizes)`` over an array of ``shape`` and byte
    strides ``kept`` (shapes only, so cached); torch's errors."""
    lead = len(sizes) - len(shape)
    for i in range(lead):
        if sizes[i] == -1:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                               f"leading, non-existing dimension {i}")
    target, strides = list(sizes), [0] * len(sizes)
    for i in range(lead, len(sizes)):
        s, have = sizes[i], shape[i - lead]
        if s == have or s == -1:
            target[i], strides[i] = have, kept[i - lead]
        elif have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({have}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
    if min(target, default=0) < 0:
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(target), tuple(strides)


@defop(function=False, signature="expand_as(Tensor input, Tensor other)")
def expand_as(self, other):
    return expand.__wrapped__(self, other._data.shape)


# ---- slices of one dim ---------------------------------------------------------------------

@defop(signature="select(Tensor input, int dim, int index)")
def select(input, dim, index):
    """The slice at ``index`` along ``dim`` (that dim removed)."""
    a = input._data
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(a.shape)} at dimension {dim}")
    key = (slice(None),) * dim + (index % size, Ellipsis)  # Ellipsis: a 0-d view, not a scalar
    shape = a.shape
    return _view(input, a[key], "SelectBackward0", _embed, shape, key)


@defop(signature=["narrow(Tensor input, int dim, Tensor start, int length)",
                  "narrow(Tensor input, int dim, int start, int length)"])
def narrow(input, dim, start, length):
    """``length`` elements of ``dim`` from ``start``."""
    a = input._data
    if not a.ndim:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, a.ndim)
    if isinstance(start, Tensor):
        if start._data.ndim or start._dtype._category != 1:
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    size = a.shape[dim]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    start %= size if size else 1
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    key = (slice(None),) * dim + (slice(start, start + length),)
    shape = a.shape
    return _view(input, sliced(input, key), "SliceBackward0", _embed, shape, key)


@defop(signature="unbind(Tensor input, int dim=0)")
def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of views."""
    a = input._data
    dim = wrap_dim_of_dims(dim, a.ndim)
    outs = tuple(make_view(input, a[(slice(None),) * dim + (i, Ellipsis)])
                 for i in range(a.shape[dim]))
    if needs_grad(input):
        record("UnbindBackward0", outs, (input,),
               lambda grads: stack_grads(_as_tuple(grads), dim))
    return outs


def _as_tuple(grads):
    """The gradients of a multi-output node (a lone tensor when it had one output)."""
    return grads if isinstance(grads, tuple) else (grads,)


def stack_grads(grads, dim):
    """unbind's derivative: the gradients stacked, ``None`` standing for zeros."""
    from . import joining
    like = next(g for g in grads if g is not None)
    return joining.stack([like.new_zeros(like.shape) if g is None else g for g in grads], dim)


_SPLIT = checker("split(Tensor input, int split_size, int dim=0)",
                 "split(Tensor input, int[] split_size, int dim=0)")


@defop
def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
    if not isinstance(split_size_or_sections, int):  # as torch's, by split_with_sizes
        return split_with_sizes(tensor, split_size_or_sections, dim)
    _SPLIT(tensor, split_size_or_sections, dim)
    size = tensor._data.shape[wrap_dim(dim, tensor._data.ndim)]
    step = split_size_or_sections
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {size}")
    sizes = [min(step, size - i) for i in range(0, size, step)] if step else [0]
    return _split_sizes(tensor, sizes, dim, "SplitBackward0")


@defop(signature="split_with_sizes(Tensor input, int[] split_sizes, int dim=0)")
def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of the given sizes along ``dim``."""
    size = input._data.shape[wrap_dim(dim, input._data.ndim)]
    sizes = list(split_sizes)
    if sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                           f"(input tensor's size at dimension {dim}), but got split_sizes="
                           f"{sizes}")
    return _split_sizes(input, sizes, dim, "SplitWithSizesBackward0")


def _split_sizes(input, sizes, dim, name):
    a = input._data
    dim = wrap_dim(dim, a.ndim)
    bounds = np.cumsum([0] + list(sizes)).tolist()
    keys = [(slice(None),) * dim + (slice(lo, hi),) for lo, hi in zip(bounds, bounds[1:])]
    outs = tuple(make_view(input, a[k]) for k in keys)
    if needs_grad(input):
        from . import joining
        record(name, outs, (input,), lambda grads: joining.cat(_as_tuple(grads), dim))
    return outs


@defop(signature="chunk(Tensor input, int chunks, int dim=0)")
def chunk(input, chunks, dim=0):
    """At most ``chunks`` equal pieces along ``dim`` (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input._data.shape[wrap_dim(dim, input._data.ndim)]
    step = max(-(-size // chunks), 1)
    return split(input, step, dim)


@defop(signature=["tensor_split(Tensor input, int[] indices, int dim=0)",
                  "tensor_split(Tensor input, Tensor tensor_indices_or_sections, int dim=0)",
                  "tensor_split(Tensor input, int sections, int dim=0)"])
def tensor_split(input, indices_or_sections, dim=0):
    """``n`` nearly equal pieces (the first ``size % n`` one longer), or pieces between indices;
    each piece is a slice of the input."""
    size = input._data.shape[wrap_dim(dim, input._data.ndim)]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds = np.cumsum([0] + [q + 1] * r + [q] * (n - r)).tolist()
    else:
        bounds = [0] + [min(max(i if i >= 0 else i + size, 0), size)
                        for i in indices_or_sections] + [size]
    return tuple(narrow(input, dim, lo, max(hi - lo, 0)) for lo, hi in zip(bounds, bounds[1:]))


@defop(signature="diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1)")
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of dims ``dim1``, ``dim2`` as the last dim (a view)."""
    a = input._data
    d1, d2 = wrap_dim(dim1, a.ndim), wrap_dim(dim2, a.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    array = np.diagonal(a, offset, d1, d2)  # read-only: remake it writable over a's memory
    start = [slice(None)] * a.ndim
    start[d2 if offset >= 0 else d1] = slice(abs(offset), None)
    array = np.lib.stride_tricks.as_strided(a[tuple(start)], array.shape, array.strides) \
        if array.size else array.copy()
    shape = a.shape
    return _view(input, array, "DiagonalBackward0", _diagonal_backward, shape, offset, d1, d2)


def _diagonal_backward(g, shape, offset, d1, d2):
    from .. import zeros
    full = zeros(shape, dtype=g._dtype)
    diagonal(full, offset, d1, d2).copy_(g)
    return full


@defop(function=False, signature="unfold(Tensor input, int dimension, int size, int step)")
def unfold(input, dimension, size, step):
    """All windows of ``size`` along ``dimension``, ``step`` apart, as a new last dim."""
    a = input._data
    dim = wrap_dim(dimension, a.ndim)
    length = a.shape[dim] if a.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is "
                           f"{size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if a.ndim == 0:  # a 0-d tensor unfolds to its one element
        return _view(input, a.reshape(1), "UnfoldBackward0", Tensor.reshape, ())
    count = (length - size) // step + 1
    shape = a.shape[:dim] + (count,) + a.shape[dim + 1:] + (size,)
    strides = a.strides[:dim] + (a.strides[dim] * step,) + a.strides[dim + 1:] + (a.strides[dim],)
    array = np.lib.stride_tricks.as_strided(a, shape, strides)
    in_shape = a.shape
    return _view(input, array, "UnfoldBackward0", _unfold_backward, in_shape, dim, size, step)


def _unfold_backward(g, shape, dim, size, step):
    count = g.shape[dim]
    total = None
    for i in range(size):  # one strided embedding per window offset, not per window
        key = (slice(None),) * dim + (slice(i, i + step * (count - 1) + 1, step),)
        part = _embed(g.select(-1, i), shape, key)
        total = part if total is None else total + part
    return total


@defop(signature="as_strided(Tensor input, int[] size, int[] stride, int? storage_offset=None)")
def as_strided(input, size, stride, storage_offset=None):
    """An arbitrary strided view of the input's storage."""
    storage = input._get_storage()
    offset = input.storage_offset() if storage_offset is None else storage_offset
    array = storage.strided(size, stride, offset, input._dtype.numpy_dtype)
    in_shape = input._data.shape
    return _view(input, array, "AsStridedBackward0", _as_strided_backward, in_shape, size,
                 stride, offset)


def _as_strided_backward(g, shape, size, stride, offset):
    from .. import zeros
    n = int(np.prod(shape))
    flat = zeros(max(n, offset + 1 + sum((s - 1) * st for s, st in zip(size, stride))),
                 dtype=g._dtype)
    index = offset + sum(np.arange(s).reshape((-1,) + (1,) * (len(size) - 1 - i)) * st
                         for i, (s, st) in enumerate(zip(size, stride)))
    from .. import tensor as new_tensor
    flat.index_add_(0, new_tensor(np.asarray(index).reshape(-1)), g.reshape(-1))
    return flat[:n].reshape(shape)


# ---- splits in numpy's style ---------------------------------------------------------------

def _numpy_split(name, dim, min_dims):
    texts = [f"{name}(Tensor input, int sections)", f"{name}(Tensor input, int[] indices)"]

    def fn(input, indices_or_sections):
        n = input._data.ndim
        if n < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} "
                               f"dimension, but got a tensor with {n} dimensions!")
        d = dim if n > 1 or name != "hsplit" else 0
        if isinstance(indices_or_sections, int):
            size = input._data.shape[d]
            if indices_or_sections == 0 or size % indices_or_sections:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but "
                                   f"the size of the dimension {size} is not divisible by the "
                                   f"split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tensor_split`` along dim {dim}, sections required to divide it evenly."
    return defop(fn, signature=texts)


hsplit = _numpy_split("hsplit", 1, 1)
vsplit = _numpy_split("vsplit", 0, 2)
dsplit = _numpy_split("dsplit", 2, 3)


@defop(signature="unsafe_split(Tensor input, int split_size, int dim=0)")
def unsafe_split(input, split_size, dim=0):
    """``split`` whose pieces autograd does not track as views of the input."""
    outs = split(input, split_size, dim)
    for o in outs:
        o._base = None
    if needs_grad(input):
        record("UnsafeSplitBackward0", outs, (input,), outs[0]._grad_fn._backward)
    return outs


@defop(signature="unsafe_chunk(Tensor input, int chunks, int dim=0)")
def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` as ``unsafe_split`` pieces."""
    outs = chunk(input, chunks, dim)
    return unsafe_split(input, outs[0]._data.shape[wrap_dim(dim, input._data.ndim)], dim) \
        if outs else outs


@defop(signature="ravel(Tensor input)")
def ravel(input):
    """The elements as one dim: a view when contiguous, else a view of a contiguous copy."""
    return view.__wrapped__(conversion.contiguous(input), (-1,))


@defop(function=False, signature="sum_to_size(Tensor input, int[] size)")
def sum_to_size(self, size):
    """Sums the broadcast dims away so that the result has ``size`` (the inverse of expand)."""
    shape = self._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != have for s, have in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size)
                                      if s == 1 and shape[lead + i] != 1)
    if not size:  # torch sums everything (bool counts) even from a 0-d tensor
        return self.sum()
    if not dims:
        return self
    out = self.sum(dims, keepdim=True)
    return out.view(size) if lead else out


# ---- complex numbers as pairs of reals -----------------------------------------------------

@defop(method=False, signature="view_as_real(Tensor input)")
def view_as_real(input):
    """A complex tensor seen as reals with a trailing dim of 2 (real, imag): same memory."""
    if not input._dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    a = input._data
    real = a.real  # same memory, strides in bytes unchanged
    array = np.lib.stride_tricks.as_strided(real, a.shape + (2,), a.strides + (real.itemsize,))
    out = _view(input, array, "ViewAsRealBackward0", lambda g: view_as_complex(g.contiguous()))
    out._dtype = _dtype._from_numpy[array.dtype]
    return out


_COMPLEX_OF = {_dtype.float32: _dtype.complex64, _dtype.float64: _dtype.complex128}


@defop(method=False, signature="view_as_complex(Tensor input)")
def view_as_complex(input):
    """Reals with a trailing dim of 2 seen as complex numbers: same memory (no complex32, so
    half tensors are refused)."""
    a = input._data
    if input._dtype not in _COMPLEX_OF:
        raise RuntimeError("view_as_complex is only supported for half, float and double "
                           f"tensors, but got a tensor of scalar type: {type_name(input._dtype)}")
    strides = input.stride()
    if not a.ndim or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    complex_dtype = _COMPLEX_OF[input._dtype]
    array = a.view(complex_dtype.numpy_dtype)[..., 0]  # the last dim (2 reals) as one complex
    out = _view(input, array, "ViewAsComplexBackward0", lambda g: view_as_real(g))
    out._dtype = complex_dtype
    return out


# ---- resizing in place ---------------------------------------------------------------------

@defop(function=False,
       signature="resize_(Tensor input, int[] size, *, MemoryFormat? memory_format=None)")
def resize_(self, size, *, memory_format=None):
    """Reshapes in place to contiguous ``sizes`` over the same storage, keeping its values;
    a larger size grows the storage (new elements zero, or as ``use_deterministic_algorithms``
    fills them; other views keep the old memory)."""
    from ._util import parse_size
    try:
        sizes = parse_size(size)
    except RuntimeError:  # a negative size: torch's resize_ reports it as an overflow
        raise RuntimeError("numel: integer multiplication overflow") from None
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    storage = self._get_storage()
    offset, item = self.storage_offset(), self._dtype.itemsize
    numel = math.prod(sizes)
    if numel >= 2 ** 63:
        raise RuntimeError("numel: integer multiplication overflow")
    end = (offset + numel) * item
    memory = storage.bytes()
    if end > memory.size:
        try:
            grown = np.zeros(end, dtype=np.uint8)
        except (MemoryError, ValueError) as error:
            raise allocation_error(error, (offset + numel,), item) or error from None
        grown[:memory.size] = memory
        fill = uninitialised_fill(self._dtype)
        if fill is not None:  # the new elements, as deterministic algorithms ask
            new = grown[memory.size - memory.size % item:].view(self._dtype.numpy_dtype)
            new.fill(fill)
        version, memory = storage._version, grown
        self._storage = None
        self._get_storage()._bytes = memory
        self._storage._version = version
    self._data = memory[offset * item:end].view(self._dtype.numpy_dtype).reshape(sizes)
    if self._storage is not storage:
        self._storage._array = self._data
    self._bump_version()
    return self


class Resize(Function):
    """torch's Function behind the deprecated ``Tensor.resize``/``resize_as``: a view of a
    contiguous ``tensor`` that must keep its element count (``ResizeBackward``)."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        numel = functools.reduce(operator.mul, sizes, 1)  # (as torch's: sizes taken as given)
        if tensor.numel() != numel:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), "
                f"but the given tensor has a size of {'x'.join(map(str, tensor.size()))} "
                f"({tensor.numel()} elements). autograd's resize can only change the shape of "
                "a given tensor, while preserving the number of elements. ")
        ctx.input_sizes = tensor.size()
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad):
        return grad.contiguous().view(ctx.input_sizes), None


def resize(self, *sizes):
    """Deprecated, not in place: ``self`` seen with ``sizes`` (the same number of elements)."""
    warn_caller("non-inplace resize is deprecated")
    return Resize.apply(self, sizes)


def resize_as(self, tensor):
    """Deprecated, not in place: ``self`` seen with ``tensor``'s size."""
    warn_caller("non-inplace resize_as is deprecated")
    return Resize.apply(self, tensor.size())


resize.__qualname__, resize_as.__qualname__ = "Tensor.resize", "Tensor.resize_as"
register("", "resize", resize, method=True)
register("", "resize_as", resize_as, method=True)


@defop(signature="resize_as_(Tensor input, Tensor the_template, *, "
                 "MemoryFormat? memory_format=None)")
def resize_as_(self, the_template, *, memory_format=None):
    """``resize_`` to ``the_template``'s shape."""
    return resize_.__wrapped__(self, the_template._data.shape)


@defop(function=False, signature=[
    "set_(Tensor input)", "set_(Tensor input, Storage source)",
    "set_(Tensor input, Storage source, int storage_offset, int[] size, int[]? stride=None)",
    "set_(Tensor input, Tensor source)",
    "set_(Tensor input, Tensor source, int storage_offset, int[] size, int[]? stride=None)"])
def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Makes this tensor view other memory: a tensor's (with its size, strides and offset
    unless given), a storage's (by default all of it, as one dim), or none (empty). Where
    torch grows a storage too small for the view, flambeau raises torch's setStorage error."""
    check_inplace(self)
    np_dtype = self._data.dtype
    if source is None:
        self._data, self._storage = np.empty(0, np_dtype), None
        self._bump_version()
        return self
    if isinstance(source, Tensor):
        if source._dtype is not self._dtype:
            raise RuntimeError(f"Could not set tensor of type {source._dtype._cpp_name} to a "
                               f"tensor of type {self._dtype._cpp_name}")
        storage = source._get_storage()
        if size is None and storage_offset == 0:  # the tensor's own view
            self._data, self._storage = source._data, storage
            self._bump_version()
            return self
    else:
        if isinstance(source, TypedStorage) and source.dtype is not self._dtype:
            raise RuntimeError(f"Expected a Storage of type {self._dtype._cpp_name} or an "
                               f"UntypedStorage, but got type {source.dtype._scalar_name} for "
                               "argument 1 'storage'")
        storage = source._storage
    size = (storage.nbytes() // np_dtype.itemsize,) if size is None else tuple(size)
    if stride is None or not len(stride):
        stride = _contiguous_strides(size)
    if any(st < 0 for st in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    self._data = storage.strided(size, stride, storage_offset, np_dtype)
    self._storage = storage
    self._bump_version()
    return self


@defop(signature="as_strided_scatter(Tensor input, Tensor src, int[] size, int[] stride, "
                 "int? storage_offset=None)")
def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A contiguous copy of ``input`` with ``src`` written into its ``as_strided`` view (which
    may not repeat an element through a zero stride)."""
    out = make(np.array(input._data, order="C"), input._dtype)
    offset = storage_offset or 0
    target = make(out._get_storage().strided(size, stride, offset, out._data.dtype))
    if target._data.shape != src._data.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(target._data.shape)}")
    check_no_overlap(target)
    target._data[...] = src._data
    if needs_grad(input, src):
        record("AsStridedScatterBackward0", (out,), (input, src),
               lambda g: _as_strided_scatter_backward(g, size, stride, offset))
    return out


def _as_strided_scatter_backward(g, size, stride, offset):
    """torch's gradients: ``src`` gets ``g``'s window; ``input`` gets ``g`` masked to that
    same window (not its complement: torch's formula, kept for parity)."""
    import flambeau
    g = g.contiguous()
    window = flambeau.zeros_like(g)
    window.as_strided(size, stride, offset).fill_(1)
    return g * window, g.as_strided(size, stride, offset)


# ---- *_copy: each view op as a copy --------------------------------------------------------

def _alias(input):
    return _view(input, input._data.view(), "AliasBackward0", _unchanged)


def _copy_variant(name, view_fn, node_name=None):
    """``name``: ``view_fn``'s result copied into fresh contiguous memory; its node is the
    view's derivative under torch's name (the view's own name plus ``_copy``)."""
    def copy(input, *args, **kwargs):
        views = view_fn(input, *args, **kwargs)
        many = isinstance(views, tuple)
        views = views if many else (views,)
        outs = tuple(make(np.array(v._data, order="C"), v._dtype) for v in views)
        node = views[0]._grad_fn if views else None
        if node is not None and needs_grad(input):
            record(node_name or node.name() + "_copy", outs, (input,), node._backward)
        return outs if many else outs[0]
    copy.__name__ = copy.__qualname__ = name
    copy.__doc__ = f"Like :func:`{view_fn.__name__}`, but a copy rather than a view."
    return copy


def _narrow_checked(input, dim, start, length):
    """:func:`narrow` behind the checks of torch's CPU ``narrow_copy`` kernel, which words a dim
    past the last and a negative length its own way."""
    ndim = input._data.ndim
    if ndim and dim >= ndim:
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, "
                           "but got false.  (Could this error message be improved?  If so, "
                           "please report an enhancement request to PyTorch.)")
    if ndim and length < 0:
        size = input._data.shape[wrap_dim(dim, ndim)]
        if -size <= start <= size:
            raise RuntimeError(f"start ({start + size if start < 0 else start}) + length "
                               f"({length}) exceeds dimension size ({size}).")
    return narrow(input, dim, start, length)


_narrow_checked.__name__ = "narrow"  # (for the docstring of narrow_copy)
_COPY_VARIANTS = {
    "alias_copy": (_alias, None), "as_strided_copy": (as_strided, None),
    "diagonal_copy": (diagonal, None), "expand_copy": (expand, None),
    "narrow_copy": (_narrow_checked, "NarrowCopyBackward0"), "permute_copy": (permute, None),
    "select_copy": (select, None), "split_copy": (split, None),
    "split_with_sizes_copy": (split_with_sizes, None), "squeeze_copy": (squeeze, None),
    "t_copy": (t, None), "transpose_copy": (transpose, None), "unbind_copy": (unbind, None),
    "unfold_copy": (unfold, None), "unsqueeze_copy": (unsqueeze, None),
    "view_as_complex_copy": (view_as_complex, None),
    "view_as_real_copy": (view_as_real, None), "view_copy": (view, None),
}
_COPY_SIGNATURES = {  # torch's, less the ``, *, Tensor? out=None`` each ends with
    "alias_copy": ["(Tensor input"],
    "as_strided_copy": ["(Tensor input, int[] size, int[] stride, int? storage_offset=None"],
    "diagonal_copy": ["(Tensor input, int offset=0, int dim1=0, int dim2=1"],
    "expand_copy": ["(Tensor input, int[] size, *, bool implicit=False"],
    "narrow_copy": ["(Tensor input, int dim, int start, int length"],
    "permute_copy": ["(Tensor input, int[] dims"],
    "select_copy": ["(Tensor input, int dim, int index"],
    "split_copy": ["(Tensor input, int split_size, int dim=0"],
    "split_with_sizes_copy": ["(Tensor input, int[] split_sizes, int dim=0"],
    "squeeze_copy": ["(Tensor input", "(Tensor input, int dim", "(Tensor input, int[] dim"],
    "t_copy": ["(Tensor input"], "transpose_copy": ["(Tensor input, int dim0, int dim1"],
    "unbind_copy": ["(Tensor input, int dim=0"],
    "unfold_copy": ["(Tensor input, int dimension, int size, int step"],
    "unsqueeze_copy": ["(Tensor input, int dim"], "view_as_complex_copy": ["(Tensor input"],
    "view_as_real_copy": ["(Tensor input"],
    "view_copy": ["(Tensor input, ScalarType dtype", "(Tensor input, int[] size"],
}
for _name, (_fn, _node) in _COPY_VARIANTS.items():
    _many = _name in ("split_copy", "split_with_sizes_copy", "unbind_copy")
    defop(_copy_variant(_name, _fn, _node), method=_name == "narrow_copy", signature=[
        _name + text + (", *" if "*" not in text else "") +
        (", Tensor[]? out=None)" if _many else ", Tensor? out=None)")
        for text in _COPY_SIGNATURES[_name]])


# ---- in-place view ops: the tensor itself becomes the view -----------------------------------

_INPLACE_NODES = {"SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1": "SqueezeBackward4",
                  "SqueezeBackward2": "SqueezeBackward5", "UnsqueezeBackward0": "UnsqueezeBackward1",
                  "TransposeBackward0": "TransposeBackward1", "TBackward0": "TBackward1",
                  "AsStridedBackward0": "AsStridedBackward1"}


def _inplace_view(view_fn, name):
    """``Tensor.<name>``: the tensor takes the shape and strides of ``view_fn``'s view of itself
    (a new version, as in torch), and the view's node under torch's name for the in-place form."""
    def inplace(self, *args, **kwargs):
        check_inplace(self)
        view = view_fn(self, *args, **kwargs)
        self._data = view._data
        self._bump_version()
        node = view._grad_fn
        if node is not None:  # same slots: the node is only renamed
            node.__class__ = node_class(_INPLACE_NODES[type(node).__name__])
            self._grad_fn, self._output_nr = node, 0
        return self
    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = f"In-place version of :meth:`Tensor.{name[:-1]}` (the tensor's own view)."
    return inplace


for _name, (_fn, _texts) in {
        "squeeze_": (squeeze, ["()", "(int dim)", "(int[] dim)"]),
        "unsqueeze_": (unsqueeze, ["(int dim)"]), "transpose_": (transpose, ["(int dim0, int dim1)"]),
        "swapaxes_": (transpose, ["(int axis0, int axis1)"]),
        "swapdims_": (transpose, ["(int dim0, int dim1)"]), "t_": (t, ["()"]),
        "as_strided_": (as_strided, ["(int[] size, int[] stride, int? storage_offset=None)"]),
}.items():
    defop(_inplace_view(_fn, _name), function=False, signature=[
        _name + "(Tensor input" + (", " + text[1:] if text != "()" else ")") for text in _texts])


@defop(signature="adjoint(Tensor input)")
def adjoint(input):
    """The conjugate transpose of the last two dims (``input.mH``, a view for real tensors)."""
    return _mH(input)
