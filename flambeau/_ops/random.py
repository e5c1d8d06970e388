"""Random sampling: generators, seeding, random tensors and the in-place samplers.

Generators are torch's CPU generator (``_mt19937``) and the samplers are torch's kernels
(``_distributions``), so after the same seed flambeau draws torch's numbers. Complex tensors draw
their real and imaginary parts in turn, as torch's real view does (``randn`` gives each part
variance 1/2). Samplers are not differentiable: their gradient is zero, through nodes named as
torch names them.
"""
import functools
import math
import operator
import os
import warnings

import numpy as np

from .. import _backend, _dtype, _naming
from .._device import as_device
from .._storage import allocation_error
from .._tensor import Tensor, make
from ..autograd.graph import record
from . import _distributions as dist
from ._mt19937 import MT19937, STATE_SIZE
from ._util import needs_grad, parse_size
from .creation import _LIKE_OPTIONS, _OPTIONS
from .promotion import _not_implemented, broadcast_error
from . import signature
from .registry import check_inplace, defop, register, type_name, write_out

_DEFAULT_SEED = 67280421310721  # torch's default seed for a fresh CPU generator


@_naming.public_class
class Generator:
    """``flambeau.Generator(device='cpu')``: torch's CPU generator, a Mersenne Twister seeded
    with the low 32 bits of the seed; after the same seed every sampler draws torch's numbers
    and leaves the generator in torch's state.

    Where torch's result depends on the machine, flambeau follows torch at one thread on an
    AVX2 or AVX-512 x86 CPU from AMD (float32, float16 and bfloat16 ``normal_`` on 16 or more
    contiguous elements use torch's AVX2 float32 kernel, which no thread count changes). The
    exceptions: on Intel CPUs torch's MKL build draws ``bernoulli_`` with a float ``p`` (so
    also dropout) from MKL's own stream seeded by one 32-bit draw, which flambeau does not
    reproduce; and float64 samples that pass through a vectorised logarithm, exponential or
    tangent (float64 ``normal_`` on 16 or more elements, ``exponential_``, ``log_normal_``,
    ``cauchy_``, ``geometric_``) may differ from torch's in the last bit or two, NumPy's
    functions not being the C library's.

    Drawing torch's numbers has a price in two samplers, whose algorithms NumPy has no single
    call for: ``normal_`` (but for float64) repeats torch's AVX2 logarithm, sine and cosine
    polynomials operation by operation (about 4x torch's time on large fills: each of their
    20 fused multiply-adds is a float64 multiply-add and a rounding to float32, two NumPy
    passes or more, where torch takes one instruction for 8 values; fills up to 4096
    elements take normals computed ahead), and ``randperm`` replays torch's Fisher-Yates
    swaps with a sort and gathers (about 2x at a million elements, 5-7x at tens of
    thousands; a Python loop below 512).
    """
    __slots__ = ("_device", "_engine")

    def __init__(self, device="cpu"):
        self._device = as_device(device)
        self._engine = MT19937(_DEFAULT_SEED)

    @property
    def device(self):
        return self._device

    def manual_seed(self, seed):
        if not isinstance(seed, int) and hasattr(seed, "__index__"):
            seed = operator.index(seed)
        if not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError("Overflow when unpacking long long")
        self._engine.manual_seed(seed % 2 ** 64)
        return self

    def seed(self):
        """Seeds from the operating system's entropy and returns the seed."""
        seed = int.from_bytes(os.urandom(8), "little") >> 1
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._engine.seed

    def get_state(self):
        """The state as torch lays it out: a uint8 tensor of 5056 bytes."""
        return make(self._engine.get_state(), _dtype.uint8)

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state._dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        data = _backend.to_host(new_state._data)
        if data.size != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found "
                               f"the input RNG state size to be {data.size}")
        try:
            self._engine.set_state(data.reshape(-1))
        except ValueError as e:
            raise RuntimeError(str(e)) from None
        return self

    def clone_state(self):
        """A new generator in this one's state."""
        clone = Generator(self._device)
        clone._engine.set_state(self._engine.get_state())
        return clone

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def graphsafe_get_state(self):
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state):
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")

    def __reduce__(self):
        return Generator, (self._device,), (self.initial_seed(), None, self.get_state())

    def __setstate__(self, state):
        self.set_state(state[2])

    def __repr__(self):
        return f"<{_naming.public_name}.Generator object at {id(self):#x}>"


signature.CLASSES["Generator"] = Generator
signature.C_TYPE_NAMES[Generator] = "_C.Generator"
default_generator = Generator()


def manual_seed(seed):
    """Seeds the default generator (``int(seed)``) and returns it."""
    return default_generator.manual_seed(int(seed))


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


for _name, _obj in (("Generator", Generator), ("default_generator", default_generator),
                    ("manual_seed", manual_seed), ("seed", seed), ("initial_seed", initial_seed),
                    ("get_rng_state", get_rng_state), ("set_rng_state", set_rng_state)):
    register("", _name, _obj)


# ---- drawing arrays ------------------------------------------------------------------------

def _engine(generator):
    return (generator or default_generator)._engine


_DIGITS = dist.DIGITS  # also the exact integer range of each float dtype


def _in_order(flat, data):
    """``flat`` values, in the order torch's kernels visit ``data``'s elements (memory order),
    shaped as ``data``."""
    if data.ndim < 2 or data.flags.c_contiguous:
        return flat.reshape(data.shape)
    axes = _visit_axes(data)
    return flat.reshape([data.shape[d] for d in axes]).transpose(np.argsort(axes))


def _visit_axes(data):
    """``data``'s axes from the outermost in memory (largest stride) to the innermost."""
    return sorted(range(data.ndim), key=lambda d: -abs(data.strides[d]))


def _real(shape, dtype, sample, kernel, out=None):
    """``sample(n, float_dtype, out)`` for a float ``dtype``, or for both parts of a complex one
    (interleaved, as torch samples a complex tensor's real view); other dtypes raise
    NotImplementedError for ``kernel``. Flat, in drawing order, written into the flat array
    ``out`` of the dtype if given."""
    n = math.prod(shape)
    if dtype.is_complex:
        part = _dtype.float64 if dtype is _dtype.complex128 else _dtype.float32
        out = None if out is None else out.view(part.numpy_dtype)
        return sample(2 * n, part, out).view(dtype.numpy_dtype)
    if not dtype.is_floating_point:
        raise _not_implemented(kernel, dtype)
    return sample(n, dtype, out)


def _uniform(engine, shape, dtype, low=0.0, high=1.0, out=None):
    return _real(shape, dtype, lambda n, real, o: dist.uniform(engine, n, real, low, high, o),
                 "check_uniform_bounds", out)


def _normal(engine, shape, dtype, mean=0.0, std=1.0, contiguous=True, out=None):
    if dtype.is_complex:
        std = std * 0.5 ** 0.5
    return _real(shape, dtype,
                 lambda n, real, o: dist.normal(engine, n, real, mean, std, contiguous, o),
                 "normal_kernel_cpu", out)


def _from_to(engine, shape, dtype, low, high):
    """``random_(low, high)`` values (high exclusive), flat."""
    return dist.from_to(engine, math.prod(shape), dtype, high - low, low)


@functools.lru_cache(maxsize=None)
def _bounds(dtype):
    if dtype is _dtype.bool:
        return 0, 1
    if dtype.is_floating_point:
        info = _dtype.finfo(dtype)
        return info.min, info.max
    info = np.iinfo(dtype.numpy_dtype)
    return int(info.min), int(info.max)


def _check_from_to(frm, to, dtype):
    """torch's checks of a ``random_(from, to)`` range (``to`` exclusive) for ``dtype``; returns
    the range, for a float dtype with bounds that it cannot tell from their neighbours moved
    inside (torch's ``update_from``, ``update_to``)."""
    if frm >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} >= "
                           f"to={to}")
    if dtype.is_floating_point:
        frm, to = _inside(frm, dtype, 1), _inside(to, dtype, -1)
        if frm >= to:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' "
                               f"casted to dtype, but got from={frm} >= to={to}")
    _check_in_range(dtype, ("from", frm), ("to - 1", to - 1))
    return frm, to


def _inside(bound, dtype, step):
    """``bound`` (from: ``step`` 1, to: -1), moved inside the range when its inner neighbour
    rounds, in ``dtype``, onto or past it: to that rounded neighbour plus one spacing of the
    dtype's numbers at its size."""
    near = float(dtype.numpy_dtype.type(bound + step))
    if not math.isfinite(near):
        return bound  # out of the dtype's range: the range check that follows raises
    near = int(near)
    if (near < bound) if step > 0 else (near >= bound):
        return near + step * (1 << (abs(bound + step).bit_length() - _DIGITS[dtype._name]))
    return bound


def _check_in_range(dtype, *named):
    if dtype.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and "
                           "boolean types")
    low, high = _bounds(dtype)
    digits = _DIGITS.get(dtype._name)
    for name, value in named:
        if not low <= value <= high:
            raise RuntimeError(f"{name} is out of bounds for {dtype._cpp_name}")
        if digits and not -2 ** digits <= value <= 2 ** digits:
            warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                          f"limitations {dtype._cpp_name} can support discrete uniform "
                          "distribution only within this range. This warning will become an "
                          "error in version 1.7 release, please fix the code in advance",
                          UserWarning, stacklevel=4)


def _default_top(dtype):
    """The inclusive upper end of ``random_()`` for ``dtype``: 2^mantissa digits for floats."""
    digits = _DIGITS.get(dtype._name)
    return 2 ** digits if digits else _bounds(dtype)[1]


def _result(array, dtype, device=None, requires_grad=False, out=None):
    """A new tensor from a host array (moved to ``device``), or the array written into ``out``."""
    if out is not None:
        dtype = out._dtype
        return write_out(out, make(array.astype(dtype.numpy_dtype, copy=False), dtype))
    if device is not None:
        device = as_device(device)
        if device.type != "cpu":
            array = _backend.module_for(device.type).asarray(array)
    t = make(array, dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _zeros(grad, n):
    import flambeau
    return (flambeau.zeros_like(grad),) * n


def _record_zero(node, out, inputs, backward=None):
    """Records ``node``, by default giving every input a zero gradient (samplers do not
    propagate gradients)."""
    n = len(inputs)
    record(node, (out,), inputs, backward or (lambda grad: _zeros(grad, n)))


def _like_device(input, device):
    return device if device is not None else input.device


# ---- random tensors ------------------------------------------------------------------------

# each random factory has one overload with a generator, which must then be given, and one
# without
_OUT_OPTIONS = "Tensor? out=None, " + _OPTIONS


def _overloads(head, options):
    """``name(params, *, Generator? generator, options)`` and the same without a generator."""
    return [f"{head}, *, Generator? generator, {options})", f"{head}, *, {options})"]


def _drawn(draw, generator, shape, dtype):
    """``draw``'s array of ``shape``; torch's RuntimeError for a size too big to allocate."""
    try:
        return draw(_engine(generator), shape, dtype).reshape(shape)
    except (MemoryError, ValueError) as error:
        raise allocation_error(error, shape, dtype.itemsize) or error from None


def _creation(name, draw, small, doc):
    """The factory and its ``_like`` form; ``small(engine, n, shape)`` is the array of the
    common case, a small float32 tensor on the CPU (or None where it does not apply)."""
    def factory(size, *, generator=None, out=None, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
        shape = parse_size((size,), name)
        if out is None:
            dtype = dtype or _dtype.get_default_dtype()
            if dtype is _float32 and device is None and not requires_grad:
                n = math.prod(shape)
                if n <= _SMALL:
                    array = small((generator or default_generator)._engine, n, shape)
                    if array is not None:
                        return make(array, dtype)
        dtype = dtype or out._dtype
        array = _drawn(draw, generator, shape, dtype)
        return _result(array, dtype, device, requires_grad, out)

    def like(input, *, generator=None, memory_format=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
        dtype = dtype or input._dtype
        array = _drawn(draw, generator, input._data.shape, dtype)
        return _result(array, dtype, _like_device(input, device), requires_grad)

    factory.__name__ = factory.__qualname__ = name
    like.__name__ = like.__qualname__ = name + "_like"
    factory.__doc__ = doc
    like.__doc__ = f"Like :func:`{name}` with the size (and default dtype, device) of input."
    return (defop(factory, method=False,
                  signature=_overloads(f"{name}(int[] size", _OUT_OPTIONS)),
            defop(like, method=False,
                  signature=_overloads(f"{name}_like(Tensor input", _LIKE_OPTIONS)))


_float32 = _dtype.float32
_SMALL = dist.SMALL


def _uniform32(engine, n, shape):
    return engine.uniform32(n).copy().reshape(shape)


def _normal32(engine, n, shape):
    if n and n % 16 == 0:  # whole blocks of 16: the engine's normals as they are
        return engine.normal32(n).copy().reshape(shape)
    if n > 16:
        out = np.empty(shape, np.float32)
        dist.normal32_ahead(engine, n, out.reshape(-1))
        return out
    return None


rand, rand_like = _creation("rand", _uniform, _uniform32, "Uniform samples on [0, 1).")
randn, randn_like = _creation("randn", _normal, _normal32, "Standard normal samples.")


@defop(method=False, signature=_overloads("randint(int high, int[] size", _OUT_OPTIONS) +
       _overloads("randint(int low, int high, int[] size", _OUT_OPTIONS))
def randint(low, high, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, pin_memory=False, requires_grad=False):
    """Integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)``; int64 unless ``dtype`` says otherwise."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    shape = parse_size((size,), "randint")
    if dtype is None and out is None and device is None and not requires_grad and low < high:
        # the common case: int64, whose range the signature checked the bounds against
        return make(_from_to(_engine(generator), shape, _dtype.int64, low, high).reshape(shape),
                    _dtype.int64)
    dtype = dtype or (out._dtype if out is not None else _dtype.int64)
    low, high = _check_from_to(low, high, dtype)
    array = _from_to(_engine(generator), shape, dtype, low, high).reshape(shape)
    return _result(array, dtype, device, requires_grad, out)


@defop(method=False, signature=(
    _overloads("randint_like(Tensor input, int low, int high", _LIKE_OPTIONS) +
    _overloads("randint_like(Tensor input, Tensor high", _LIKE_OPTIONS) +
    _overloads("randint_like(Tensor input, int high", _LIKE_OPTIONS)))
def randint_like(input, low, high=None, *, generator=None, memory_format=None, dtype=None,
                 layout=None, device=None, pin_memory=False, requires_grad=False):
    """Like :func:`randint` with the size (and default dtype, device) of input."""
    if high is None:  # randint_like(input, high)
        low, high = 0, operator.index(low.item() if isinstance(low, Tensor) else low)
    dtype = dtype or input._dtype
    low, high = _check_from_to(low, high, dtype)
    shape = input._data.shape
    array = _from_to(_engine(generator), shape, dtype, low, high).reshape(shape)
    return _result(array, dtype, _like_device(input, device), requires_grad)


@defop(method=False, signature=_overloads("randperm(int n", _OUT_OPTIONS))
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """A random permutation of ``0 .. n-1`` (int64 by default)."""
    dtype = dtype or (out._dtype if out is not None else _dtype.int64)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype is _dtype.bool or dtype.is_complex:
        raise _not_implemented("randperm", dtype)
    if dtype.is_floating_point:
        if dtype._name in ("float16", "bfloat16") and n > 2 ** _DIGITS[dtype._name] + 1:
            raise RuntimeError(f"n cannot be greater than {2 ** _DIGITS[dtype._name] + 1} for "
                               f"{type_name(dtype)} type.")
    elif n - 1 > _bounds(dtype)[1]:
        raise RuntimeError(f"value cannot be converted to type {dtype._name}_t without overflow")
    array = dist.randperm(_engine(generator), n).astype(dtype.numpy_dtype, copy=False)
    return _result(array, dtype, device, requires_grad, out)


def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


@defop(method=False, signature=[
    "normal(Tensor mean, Tensor std, *, Generator? generator=None, Tensor? out=None)",
    "normal(Tensor mean, float std=1, *, Generator? generator=None, Tensor? out=None)",
    "normal(float mean, Tensor std, *, Generator? generator=None, Tensor? out=None)",
    "normal(float mean, float std, int[] size, *, Generator? generator=None, " + _OUT_OPTIONS +
    ")"])
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """Normal samples: element-wise for tensor ``mean``/``std`` (broadcast together), or of
    ``size`` for two floats."""
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    engine = _engine(generator)
    if size is not None:
        _check_std(std)
        dtype = dtype or (out._dtype if out is not None else _dtype.get_default_dtype())
        shape = parse_size((size,), "normal")
        array = _normal(engine, shape, dtype, mean, std).reshape(shape)
        return _result(array, dtype, device, requires_grad, out)
    dtype = mean._dtype if mean_t else std._dtype
    m = mean._data if mean_t else mean
    s = std._data if std_t else std
    if std_t:
        if std._dtype.is_complex:
            raise RuntimeError("normal expects standard deviation to be non-complex")
        if (s < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    else:
        _check_std(s)
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise broadcast_error(m, s) from None
    # torch draws N(0, std) for a float std, N(0, 1) times the std tensor, then adds the mean
    z = _normal(engine, shape, dtype, 0.0, 1.0 if std_t else s).reshape(shape)
    if std_t:
        z *= s
    z += m
    result = make(z, dtype)
    if needs_grad(mean, std):
        node = "NormalBackward3" if mean_t and std_t else \
            "NormalBackward1" if mean_t else "NormalBackward2"
        _record_zero(node, result, tuple(t for t in (mean, std) if isinstance(t, Tensor)))
    return result if out is None else write_out(out, result)


def _check_probability(p, name="bernoulli_"):
    if not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={p:g}")


_P_ERROR = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)")


def _check_probabilities(p, kernel):
    if not p._dtype.is_floating_point:
        raise _not_implemented("bernoulli_tensor_cpu_self_" if p._dtype.is_complex else kernel,
                               p._dtype)
    data = p._data
    if data.size and not ((data >= 0) & (data <= 1)).all():
        raise RuntimeError(_P_ERROR)
    return data


@defop(signature=["bernoulli(Tensor input, *, Generator? generator=None, Tensor? out=None)",
                  "bernoulli(Tensor input, float p, *, Generator? generator=None)"])
def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples, 1 with probability ``input`` (or ``p``), in input's dtype."""
    if p is not None:
        _check_probability(p)
        shape = input._data.shape
        return make(dist.bernoulli(_engine(generator), input._data.size, p,
                                   input._dtype.numpy_dtype).reshape(shape), input._dtype)
    probs = _check_probabilities(input, "bernoulli_tensor_cpu_p_")
    dtype = out._dtype if out is not None else input._dtype
    array = dist.bernoulli_tensor(_engine(generator), _backend.to_host(probs).reshape(-1),
                                  dtype.numpy_dtype).reshape(probs.shape)
    if out is not None:
        return _result(array, dtype, out=out)
    result = make(array, dtype)
    if needs_grad(input):
        _record_zero("BernoulliBackward0", result, (input,))
    return result


@defop(signature="multinomial(Tensor input, int num_samples, bool replacement=False, *, "
                 "Generator? generator=None, Tensor? out=None)")
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn from the (unnormalised) weights in each row of ``input``."""
    if out is not None and out._dtype is not _dtype.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {type_name(out._dtype)}")
    if not input._dtype.is_floating_point:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{type_name(input._dtype)}")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    k = input._data.shape[-1]
    if k > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    if not replacement and num_samples > k:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    probs = _backend.to_host(input._data).reshape(-1, k)
    if probs.size and not (np.isfinite(probs).all() and (probs >= 0).all()):
        if not replacement:
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        raise RuntimeError("invalid multinomial distribution (encountering probability entry " +
                           ("< 0)" if (probs < 0).any() else "= infinity or NaN)"))
    if probs.size and (probs.sum(-1, dtype=np.float64) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    engine = _engine(generator)
    rows = probs.shape[0]
    if rows == 0:
        picks = np.empty((0, num_samples), np.int64)
    elif replacement and num_samples > 1:  # torch's inverse CDF, row after row
        picks = _multinomial_cdf(engine, probs, num_samples)
    else:  # the largest p / Exp(1) keys (torch's top-k of p / exponential_())
        keys = dist.exponential(engine, probs.size, 1.0, probs.dtype).reshape(probs.shape)
        np.divide(probs, keys, out=keys)
        picks = np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    picks = picks.reshape(input._data.shape[:-1] + (num_samples,))
    return _result(picks.astype(np.int64, copy=False), _dtype.int64, input.device, out=out)


def _multinomial_cdf(engine, probs, num_samples):
    """Each row's running sum (float32 for floats narrower than float32) divided by its total,
    its last entry set to 1, searched for the first entry >= each 53-bit uniform."""
    cdf = np.cumsum(probs, axis=-1, dtype=np.float64 if probs.dtype == np.float64 else
                    np.float32)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1
    u = engine.uniform(probs.shape[0] * num_samples, 53).reshape(-1, num_samples)
    return np.stack([np.searchsorted(row, draws) for row, draws in zip(cdf, u)])


@defop(method=False, signature="poisson(Tensor input, Generator? generator=None)")
def poisson(input, generator=None):
    """Poisson counts with rates ``input``, in input's dtype."""
    if not input._dtype.is_floating_point:
        raise _not_implemented("poisson_cpu", input._dtype)
    rates = input._data
    if rates.size and not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    counts = dist.poisson(_engine(generator), _backend.to_host(rates).reshape(-1))
    result = make(counts.astype(input._dtype.numpy_dtype).reshape(rates.shape), input._dtype)
    if needs_grad(input):
        _record_zero("PoissonBackward0", result, (input,))
    return result


def _concentrations(input, kernel):
    if input._dtype not in (_dtype.float32, _dtype.float64):
        raise _not_implemented(kernel, input._dtype)
    return _backend.to_host(input._data).reshape(-1)


@defop(method=False)
def _standard_gamma(input, generator=None):
    """Gamma(input, 1) samples, in input's dtype (float32 or float64), at least the dtype's
    smallest normal number. Not differentiable in flambeau (torch's implicit
    reparameterisation gradient is missing)."""
    alphas = _concentrations(input, "gamma_cpu")
    dtype = input._dtype
    samples = dist.gamma(_engine(generator), alphas, dtype is _dtype.float32)
    samples = samples.astype(dtype.numpy_dtype)
    np.maximum(samples, np.finfo(samples.dtype).tiny, out=samples)
    return make(samples.reshape(input._data.shape), dtype)


@defop(method=False)
def _sample_dirichlet(input, generator=None):
    """Dirichlet samples with concentrations ``input`` along the last dimension: float64 gamma
    samples divided by their sum, kept inside (0, 1) in input's dtype."""
    alphas = _concentrations(input, "dirichlet")
    dtype = input._dtype
    samples = dist.gamma(_engine(generator), alphas).reshape(input._data.shape)
    np.maximum(samples, np.finfo(np.float64).tiny, out=samples)
    samples /= samples.sum(-1, keepdims=True)
    samples = samples.astype(dtype.numpy_dtype)
    kind = samples.dtype.type
    np.clip(samples, np.finfo(samples.dtype).tiny, np.nextafter(kind(1), kind(0)), out=samples)
    return make(samples, dtype)


# ---- in-place samplers and fills -----------------------------------------------------------

def _write(self, array, node, inputs=(), backward=None):
    """Stores ``array`` in ``self`` as an in-place op and records its derivative (zero unless
    ``backward`` is given)."""
    data = self._data
    if type(data) is not type(array) and type(array) is np.ndarray:
        array = _backend.array_module(data).asarray(array)
    _backend.quietly(data.__setitem__, Ellipsis, array)  # (a cast to inf or wrapping: no warning)
    return _written(self, node, inputs, backward)


def _written(self, node, inputs=(), backward=None):
    """Completes an in-place op whose values are in ``self``: a new version, the derivative."""
    self._bump_version()
    if needs_grad(self, *inputs):
        _record_zero(node, self, (self,) + inputs, backward)
    return self


def _write_drawn(self, flat, node, inputs=()):
    """``_write`` of values drawn in torch's visiting order of self's elements."""
    return _write(self, _in_order(flat, self._data), node, inputs)


def _fill_drawn(self, draw, node):
    """``draw(out)`` writes values in torch's visiting order into the flat array ``out``, or
    returns them for None: straight into self's buffer when that order is its memory order (a
    C-contiguous host array), so no temporary of self's size is made."""
    data = self._data
    if type(data) is np.ndarray and data.flags.c_contiguous:
        draw(data.reshape(-1))
        return _written(self, node)
    return _write_drawn(self, draw(None), node)


def _small32(self):
    """self's buffer, flat, in the common case that the samplers' lean paths take: a
    C-contiguous float32 host array of at most ``dist.SMALL`` elements; else None."""
    data = self._data
    if self._dtype is _float32 and data.size <= dist.SMALL and type(data) is np.ndarray and \
            data.flags.c_contiguous:
        return data.reshape(-1)
    return None


def _check_continuous(self, name, cpp_names):
    """torch's refusal of a non-float tensor; some samplers spell its dtype in C++."""
    dtype = self._dtype
    if not dtype.is_floating_point:
        spelled = dtype._cpp_name if cpp_names else type_name(dtype)
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified {spelled}")


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fills with uniform samples on ``[from, to)``."""
    from_ = kwargs.pop("from", from_)
    check_inplace(self)
    flat = _small32(self) if from_ == 0.0 and to == 1.0 else None
    if flat is not None:
        flat[...] = _engine(generator).uniform32(flat.size)
        return _written(self, "UniformBackward0")
    dtype = self._dtype
    if dtype.is_floating_point:
        if from_ > to:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={from_:g} > to={to:g}")
        low, high = _bounds(dtype)
        for name, value in (("from", from_), ("to", to)):
            if not low <= value <= high:
                raise RuntimeError(f"{name} is out of bounds for {dtype._cpp_name}")
    engine, shape = _engine(generator), self._data.shape
    return _fill_drawn(self, lambda out: _uniform(engine, shape, dtype, from_, to, out),
                       "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills with normal samples of the given mean and standard deviation."""
    check_inplace(self)
    _check_std(std)
    flat = _small32(self)
    if flat is not None and flat.size >= 16:
        dist.normal32_ahead(_engine(generator), flat.size, flat, mean, std)
        return _written(self, "NormalBackward0")
    data, engine = self._data, _engine(generator)
    return _fill_drawn(self, lambda out: _normal(engine, data.shape, self._dtype, mean, std,
                                                 data.flags.c_contiguous, out),
                       "NormalBackward0")


def random_(self, *args, generator=None, **kwargs):
    """``random_()``, ``random_(to)`` or ``random_(from, to)``: integers drawn uniformly from
    ``[from, to)``; without ``to``, up to the dtype's largest value (2^mantissa for floats)."""
    check_inplace(self)
    bound = dict(zip(("from", "to") if len(args) + len(kwargs) == 2 else ("to",), args))
    bound.update(kwargs)
    frm, to = bound.get("from", 0), bound.get("to")
    form = 0 if "from" in bound else 1 if "to" in bound else 2  # torch's node numbering
    dtype = self._dtype
    if dtype.is_complex:
        raise _not_implemented("random_kernel_cpu", dtype)
    engine, n = _engine(generator), self._data.size
    if to is not None:
        frm, to = _check_from_to(frm, to, dtype)
        values = dist.from_to(engine, n, dtype, to - frm, frm)
    elif form == 2:
        values = dist.random(engine, n, dtype)
    else:
        if dtype.is_floating_point:
            frm = _inside(frm, dtype, 1)
            if frm >= _default_top(dtype):
                raise RuntimeError("random_ expects 'from' casted to dtype to be less than or "
                                   "equal to 'to_inc' casted to dtype, but got from="
                                   f"{frm} > to_inc={_default_top(dtype)}")
        _check_in_range(dtype, ("from", frm))
        values = dist.full_range(engine, n, dtype) if frm == -2 ** 63 else \
            dist.from_to(engine, n, dtype, _default_top(dtype) - frm + 1, frm)
    return _write_drawn(self, values, f"RandomBackward{form}")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fills with exponential samples of rate ``lambd``."""
    check_inplace(self)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    _check_continuous(self, "Exponential", False)
    engine, data = _engine(generator), self._data
    return _fill_drawn(self, lambda out: dist.exponential(engine, data.size, lambd,
                                                          data.dtype, out),
                       "ExponentialBackward0")


def geometric_(self, p, *, generator=None):
    """Fills with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    check_inplace(self)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if self._dtype is _dtype.bool or self._dtype.is_complex:
        raise _not_implemented("geometric_cpu", self._dtype)
    engine, data = _engine(generator), self._data
    return _fill_drawn(self, lambda out: dist.geometric(engine, data.size, p, data.dtype, out),
                       "GeometricBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fills with ``exp(N(mean, std))`` samples."""
    check_inplace(self)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    if not self._dtype.is_floating_point:
        raise _not_implemented("log_normal_cpu", self._dtype)
    engine, data = _engine(generator), self._data
    return _fill_drawn(self, lambda out: dist.log_normal(engine, data.size, mean, std,
                                                         data.dtype, out),
                       "LogNormalBackward0")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fills with Cauchy samples of the given median and scale."""
    check_inplace(self)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    _check_continuous(self, "Cauchy", True)
    engine, data = _engine(generator), self._data
    return _fill_drawn(self, lambda out: dist.cauchy(engine, data.size, median, sigma,
                                                     data.dtype, out),
                       "CauchyBackward0")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fills with 1 with probability ``p`` (a float, or a tensor broadcast to self), else 0."""
    check_inplace(self)
    if self._dtype.is_complex:
        kernel = "bernoulli_tensor_cpu_self_" if isinstance(p, Tensor) else \
            "bernoulli_scalar_cpu_"
        raise _not_implemented(kernel, self._dtype)
    data = self._data
    numpy_dtype = self._dtype.numpy_dtype
    if isinstance(p, Tensor):
        probs = _check_probabilities(p.expand(data.shape), "bernoulli_tensor_cpu_p_")
        probs = _backend.to_host(probs)
        if not data.flags.c_contiguous:  # p in the order self's elements are visited
            probs = probs.transpose(_visit_axes(data))
        return _write_drawn(self, dist.bernoulli_tensor(_engine(generator), probs.reshape(-1),
                                                        numpy_dtype), "BernoulliBackward1", (p,))
    _check_probability(p)
    engine = _engine(generator)
    return _fill_drawn(self, lambda out: dist.bernoulli(engine, data.size, p, numpy_dtype, out),
                       "BernoulliBackward2")


def zero_(self):
    """Fills with zeros."""
    check_inplace(self)
    return _write(self, 0, "ZeroBackward0")


def _fill_value(t, value, name):
    """``value`` checked as torch's fill checks it for ``t``'s dtype, ready to assign."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{name} only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        return value._data
    return _dtype.checked_scalar(value, t._dtype, t._data.size)


def _fill_backward(grad):
    """A fill passes no gradient to the filled tensor; the value gets the sum of all."""
    return _zeros(grad, 1)[0], grad.sum()


def fill_(self, value):
    """Fills with ``value`` (a number or a 0-dim tensor), cast to self's dtype."""
    check_inplace(self)
    array = _fill_value(self, value, "fill_")
    if isinstance(value, Tensor):
        return _write(self, array, "FillBackward3", (value,), _fill_backward)
    return _write(self, array, "FillBackward2")


@defop(method=False, signature=["fill(Tensor input, Tensor value)",
                                 "fill(Tensor input, Scalar value)"])
def fill(input, value):
    """A new tensor like ``input`` filled with ``value`` (out-of-place ``fill_``)."""
    data = input._data
    result = _backend.array_module(data).empty_like(data)
    result[...] = _fill_value(input, value, "fill")
    result = make(result, input._dtype)
    if isinstance(value, Tensor):
        if needs_grad(input, value):
            _record_zero("FillBackward1", result, (input, value), _fill_backward)
    elif needs_grad(input):
        _record_zero("FillBackward0", result, (input,))
    return result


for _fn, _texts in [
        (uniform_, "float from=0, float to=1"), (normal_, "float mean=0, float std=1"),
        (random_, ("", "int from, int? to, ", "int to, ")), (exponential_, "float lambd=1"),
        (geometric_, "float p"), (log_normal_, "float mean=1, float std=2"),
        (cauchy_, "float median=0, float sigma=1"),
        (bernoulli_, ("Tensor p, ", "float p=0.5, "))]:
    _texts = tuple(f"{_fn.__name__}(Tensor input, {t}*, Generator? generator=None)"
                   for t in (_texts if isinstance(_texts, tuple) else (_texts + ", ",)))
    defop(_fn, function=False, signature=_texts)
defop(zero_, signature="zero_(Tensor input)")
defop(fill_, signature=["fill_(Tensor input, Tensor value)", "fill_(Tensor input, Scalar value)"])
