"""Masked reductions and normalizations on strided tensors, as ``torch.masked``.

Each function takes a boolean ``mask`` (broadcast to the input; None keeps every element) and
computes the plain op on the input with the masked-out elements replaced by the op's identity
(0 for sums, 1 for products, -inf for maxima ...), so they take no part in the result. An output
element whose inputs are all masked out holds that identity, or nan where the op has none
(mean, median, var, std). Gradients flow to the masked-in elements only. Sparse layouts and
``MaskedTensor`` inputs are not supported.
"""
import math

import flambeau
from flambeau.nn import functional as F

_SMALL_INTS = ("uint8", "bool", "int8", "int16", "int32")  # summed as int64, as torch.sum does


def _identity(name, input, ord=2):
    """The value that leaves op ``name`` unchanged, as a 0-d tensor of the input's dtype."""
    dtype = input.dtype
    floating = dtype.is_floating_point
    bounded = dtype.is_signed or dtype is flambeau.uint8  # (torch has none for other unsigned)
    if name in ("sum", "cumsum"):
        value = 0
    elif name in ("prod", "cumprod"):
        value = 1
    elif name in ("amax", "argmax", "logaddexp", "logsumexp") and (
            floating or dtype.is_complex or bounded):
        value = -math.inf if floating or dtype.is_complex else flambeau.iinfo(dtype).min
    elif name in ("amin", "argmin") and (floating or bounded):
        value = math.inf if floating else flambeau.iinfo(dtype).max
    elif name == "norm":
        value = math.inf if ord == -math.inf else 0
    elif name == "median":
        return flambeau.tensor(math.nan, dtype=dtype if floating else flambeau.float32,
                               device=input.device)
    else:
        raise NotImplementedError(f"identity of {name} on {dtype} input")
    return flambeau.tensor(value, dtype=dtype, device=input.device)


def _canonical_dim(dim, ndim):
    """``dim`` (None, an int or ints; ``()`` means all) as a sorted tuple of dims in range."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    ndim = max(ndim, 1)
    dims = []
    for d in (dim,) if isinstance(dim, int) else dim:
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if not -ndim <= d < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, "
                             f"{ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, mask):
    """``mask`` as a bool tensor of the input's shape."""
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality "
                             "higher than of the input)")
        mask = flambeau.broadcast_to(mask, input.shape)
    return mask.to(dtype=flambeau.bool)


def _masked(name, input, mask, *args):
    """The input with its masked-out elements replaced by the identity of op ``name``."""
    if mask is None:
        return input
    return flambeau.where(_input_mask(input, mask), input, _identity(name, input, *args))


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype
    return flambeau.int64 if input.dtype._name in _SMALL_INTS else input.dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum of the masked-in elements over ``dim`` (all dims by default)."""
    return flambeau.sum(_masked("sum", input, mask), _canonical_dim(dim, input.ndim),
                        bool(keepdim), dtype=_sum_dtype(input, dtype))


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The product of the masked-in elements over ``dim`` (all dims by default)."""
    result = _masked("prod", input, mask).to(dtype=_sum_dtype(input, dtype))
    for d in reversed(_canonical_dim(dim, input.ndim)):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    """The running sum along ``dim``, masked-out elements counting as 0."""
    dtype = dtype or input.dtype
    return flambeau.cumsum(_masked("sum", input, mask), _canonical_dim(dim, input.ndim)[0],
                           dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """The running product along ``dim``, masked-out elements counting as 1."""
    dtype = dtype or input.dtype
    return flambeau.cumprod(_masked("prod", input, mask), _canonical_dim(dim, input.ndim)[0],
                            dtype=dtype).to(dtype=dtype)


def _extremum(name, reduce):
    def op(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        masked = _masked(name, input, mask)
        return reduce(masked, _canonical_dim(dim, masked.ndim), bool(keepdim)).to(
            dtype=dtype or input.dtype)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {name[1:]}imum of the masked-in elements over ``dim``."
    return op


amax = _extremum("amax", flambeau.amax)
amin = _extremum("amin", flambeau.amin)


def _arg_extremum(name, reduce):
    def op(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        return reduce(_masked(name, input, mask), dim, bool(keepdim)).to(
            dtype=dtype or input.dtype)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"The index of the {name[3:]}imum of the masked-in elements along ``dim``, "
                  "converted to ``dtype`` (the input's by default), as torch does.")
    return op


argmax = _arg_extremum("argmax", flambeau.argmax)
argmin = _arg_extremum("argmin", flambeau.argmin)




def _count(input, mask, dim, keepdim):
    """How many elements are masked in, over ``dim`` (int64)."""
    if mask is None:
        return sum(flambeau.ones(input.shape, dtype=flambeau.int64, device=input.device), dim,
                   keepdim=keepdim)
    return _input_mask(input, mask).sum(dim=dim, keepdim=bool(keepdim))


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The mean of the masked-in elements over ``dim``; nan where all are masked out."""
    source = "Optional" if dtype else "Input"
    dtype = dtype or input.dtype
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either "
                         f"a floating point or complex dtype. Got: {dtype}")
    return sum(input, dim, keepdim=keepdim, dtype=dtype, mask=mask) / \
        _count(input, mask, dim, keepdim)


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """The median of the masked-in elements along ``dim``; nan where all are masked out
    (an error for integer inputs)."""
    dtype = dtype or input.dtype
    floating = input.dtype.is_floating_point
    if not floating:
        input = input.to(dtype=flambeau.float32)
    output = flambeau.nanmedian(_masked("median", input, mask),
                                _canonical_dim(dim, input.ndim)[0], keepdim).values
    if floating:
        return output
    if flambeau.isnan(output).any():
        raise ValueError("masked median expects no fully masked out rows if dtype is not "
                         "floating point")
    return output.to(dtype=dtype)


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """``log(sum(exp(x)))`` of the masked-in elements over ``dim``."""
    return flambeau.logsumexp(_masked("logsumexp", input, mask),
                              _canonical_dim(dim, input.ndim), keepdim=keepdim).to(
        dtype=dtype or input.dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """``log(exp(input) + exp(other))``, each operand's masked-out elements taken as -inf."""
    return flambeau.logaddexp(_masked("logaddexp", input, input_mask),
                              _masked("logaddexp", other, other_mask)).to(
        dtype=dtype or input.dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The vector ``ord``-norm of the masked-in elements over ``dim``."""
    return flambeau.linalg.vector_norm(_masked("norm", input, mask, ord), ord,
                                       _canonical_dim(dim, input.ndim), bool(keepdim),
                                       dtype=dtype or input.dtype)


def _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt):
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    if correction is None:
        correction = 1.0 if unbiased is None or unbiased else 0.0
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = flambeau.float32
    compute = dtype if dtype.is_floating_point or dtype.is_complex else flambeau.float32
    count = _count(input, mask, dim, True)
    mean_ = sum(input, dim, keepdim=True, dtype=dtype, mask=mask) / count
    x = input - mean_
    total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute, mask=mask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        count = count.to(compute.to_real()) - correction
        count = flambeau.maximum(count, count.new_zeros([]))
    output = (total / count).to(dtype=dtype)
    return flambeau.sqrt(output) if take_sqrt else output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None,
        mask=None):
    """The variance of the masked-in elements over ``dim`` (Bessel's correction by default);
    nan where too few are masked in."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None,
        mask=None):
    """The standard deviation of the masked-in elements over ``dim``."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, True)


def _normalization(name, identity, function):
    def op(input, dim, *, dtype=None, mask=None):
        return function(_masked(identity, input, mask), _canonical_dim(dim, input.ndim)[0],
                        dtype=dtype or input.dtype)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` along ``dim`` over the masked-in elements (the others count as "
                  f"{'+' if identity == 'amin' else '-'}inf).")
    return op


softmax = _normalization("softmax", "amax", F.softmax)
log_softmax = _normalization("log_softmax", "amax", F.log_softmax)
softmin = _normalization("softmin", "amin", F.softmin)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """The input divided by the ``ord``-norm of its masked-in elements along ``dim`` (at
    least ``eps``); masked-out elements become 0."""
    dtype = dtype or input.dtype
    size = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return _masked("sum", input, mask) / flambeau.maximum(size, size.new_full([], eps))
