"""``make_tensor``: a tensor of uniform random values in ``[low, high)``, as torch makes it (the
same random draws, so the same values under the same seed)."""
import collections.abc
import math
import warnings

import flambeau

_INTEGRAL = (flambeau.bool, flambeau.uint8, flambeau.int8, flambeau.int16, flambeau.int32,
             flambeau.int64)
_FLOATING_OR_COMPLEX = (flambeau.float16, flambeau.bfloat16, flambeau.float32, flambeau.float64,
                        flambeau.complex64, flambeau.complex128)


def _low_high(low, high, dtype):
    """``low`` and ``high`` checked and clamped into what ``dtype`` holds, as torch does."""
    if dtype is flambeau.bool:
        lowest, highest, default = 0, 2, (0, 2)
    elif dtype in _INTEGRAL:
        info = flambeau.iinfo(dtype)
        lowest, highest, default = info.min, info.max + (dtype is not flambeau.int64), (-9, 10)
    else:
        info = flambeau.finfo(dtype)
        lowest, highest, default = info.min, info.max, (-9, 9)
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if any(isinstance(value, float) and math.isnan(value) for value in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
    if low == high and dtype in _FLOATING_OR_COMPLEX:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex "
                      "types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    return (math.ceil(low), math.ceil(high)) if dtype in _INTEGRAL else (low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with values drawn uniformly from ``[low, high)`` (defaults
    by dtype: ``[0, 2)`` for bool, ``[0, 10)`` for uint8, ``[-9, 10)`` for other integers,
    ``[-9, 9)`` for floating and complex types), clamped to what ``dtype`` holds.
    ``noncontiguous`` returns every other element of a wider tensor; ``exclude_zero`` replaces
    zeros with 1 (integers) or the dtype's ``tiny``."""
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got {noncontiguous=} and {memory_format=}")
    if requires_grad and dtype in _INTEGRAL:
        raise ValueError("`requires_grad=True` is not supported for boolean and integral dtypes,"
                         f" but got {dtype=}")
    if dtype not in _INTEGRAL + _FLOATING_OR_COMPLEX:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "torch.testing.make_tensor(). To request support, file an issue at: "
                        "https://github.com/pytorch/pytorch/issues")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])
    low, high = _low_high(low, high, dtype)
    if dtype in _INTEGRAL:
        result = flambeau.randint(low, high, shape, device=device, dtype=dtype)
    else:
        result = flambeau.empty(shape, device=device, dtype=dtype)
        real = flambeau.view_as_real(result) if result.is_complex() else result
        if high - low >= flambeau.finfo(dtype).max:  # the range itself would overflow
            real.uniform_(low / 2, high / 2).mul_(2)
        else:
            real.uniform_(low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if dtype in _INTEGRAL else flambeau.finfo(dtype).tiny
    if dtype in _FLOATING_OR_COMPLEX:
        result.requires_grad = requires_grad
    return result
