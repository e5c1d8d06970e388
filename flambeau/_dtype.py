"""dtype objects and PyTorch's type promotion.

A :class:`dtype` names a NumPy dtype and carries torch's attributes. Promotion differs from
NumPy's: an integer tensor plus a Python float gives the *default* float dtype (not float64),
int64 plus float32 gives float32, and 0-dim tensors only raise the *category* of a result
(``int32 tensor + float64 0-dim`` is float64, ``float16 tensor + float64 0-dim`` is float16).
"""
import functools
import math

import numpy as np

from . import _naming

_BOOL, _INT, _FLOAT, _COMPLEX = range(4)  # categories, in promotion order


@_naming.public_class
class dtype:
    __slots__ = ("_name", "_np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "_scalar_name", "_cpp_name", "_barebones",
                 "_family")

    def __init__(self, name, np_dtype, category, itemsize, is_signed):
        self._name = name
        if np_dtype is not None:  # (bfloat16's comes later, see _LazyDtype)
            self._np = np_dtype
        self._category = category
        self.itemsize = itemsize
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = is_signed
        self._barebones = False
        self._family = "complex" if category == _COMPLEX else None  # (see _ops/barebones.py)

    def __repr__(self):
        return f"{_naming.public_name}.{self._name}"

    def __reduce__(self):  # pickled by name, as the singleton ``flambeau.float32``
        return self._name

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    def to_complex(self):
        return {"float64": complex128, "complex128": complex128}.get(self._name, complex64)

    @property
    def numpy_dtype(self):
        return self._np


@_naming.public_class
class _LazyDtype(dtype):
    """bfloat16: its NumPy type comes from the optional ``ml_dtypes`` package (the bfloat16
    extra), imported on first use because importing it takes half a second."""
    __slots__ = ()

    @property
    def _np(self):
        return _bfloat16_numpy()


_LazyDtype.__name__ = _LazyDtype.__qualname__ = "dtype"  # prints as torch.dtype

@functools.cache
def _bfloat16_numpy():
    try:
        import ml_dtypes
    except ImportError:
        raise TypeError("bfloat16 needs the ml_dtypes package: pip install flambeau[bfloat16]") \
            from None
    np_dtype = np.dtype(ml_dtypes.bfloat16)
    _from_numpy[np_dtype] = bfloat16
    return np_dtype


def _make(name, np_name, category, itemsize, scalar_name, cpp_name, is_signed=True):
    d = (dtype if np_name else _LazyDtype)(name, np_name and np.dtype(np_name), category,
                                           itemsize, is_signed)
    d._scalar_name, d._cpp_name = scalar_name, cpp_name
    return d


# torch's two names of each dtype in its messages: the ScalarType ("not implemented for
# 'Float'", "torch.FloatTensor") and the C++ type ("a gradient with dtype 'float'")
bool = _make("bool", "bool", _BOOL, 1, "Bool", "bool", False)
uint8 = _make("uint8", "uint8", _INT, 1, "Byte", "unsigned char", False)
int8 = _make("int8", "int8", _INT, 1, "Char", "signed char")
int16 = _make("int16", "int16", _INT, 2, "Short", "short int")
int32 = _make("int32", "int32", _INT, 4, "Int", "int")
int64 = _make("int64", "int64", _INT, 8, "Long", "long int")
float16 = _make("float16", "float16", _FLOAT, 2, "Half", "c10::Half")
bfloat16 = _make("bfloat16", None, _FLOAT, 2, "BFloat16", "c10::BFloat16")
float32 = _make("float32", "float32", _FLOAT, 4, "Float", "float")
float64 = _make("float64", "float64", _FLOAT, 8, "Double", "double")
complex64 = _make("complex64", "complex64", _COMPLEX, 8, "ComplexFloat", "c10::complex<float>")
complex128 = _make("complex128", "complex128", _COMPLEX, 16, "ComplexDouble",
                   "c10::complex<double>")
# torch's "barebones" unsigned types: storage, copies and casts, and few ops beyond them
uint16 = _make("uint16", "uint16", _INT, 2, "UInt16", "short unsigned int", False)
uint32 = _make("uint32", "uint32", _INT, 4, "UInt32", "unsigned int", False)
uint64 = _make("uint64", "uint64", _INT, 8, "UInt64", "long unsigned int", False)
for _d in (uint16, uint32, uint64):
    _d._barebones = True
    _d._family = "barebones"

all_dtypes = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
              complex64, complex128, uint16, uint32, uint64)
# torch's aliases: torch.float is float32, torch.long is int64, ...
aliases = {"float": float32, "double": float64, "half": float16, "cfloat": complex64,
           "cdouble": complex128, "long": int64, "int": int32, "short": int16}

_from_numpy = {d._np: d for d in all_dtypes if d is not bfloat16}  # bfloat16's: on first use


def from_numpy_dtype(np_dtype):
    """The flambeau dtype of a NumPy dtype; TypeError for types torch lacks (like torch does)."""
    try:
        return _from_numpy[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, int32, "
            "int16, int8, uint64, uint32, uint16, uint8, and bool.") from None


# ---- default dtype -------------------------------------------------------------------------

_default = float32


def get_default_dtype():
    """The dtype of floating tensors made from Python floats (float32 unless changed)."""
    return _default


def set_default_dtype(d):
    global _default
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def default_complex_dtype():
    return complex128 if _default is float64 else complex64


# ---- promotion -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def promote_types(type1, type2):
    """The smallest dtype to which both can be cast, as ``torch.promote_types``."""
    if type1 is type2:
        return type1
    if type1._barebones or type2._barebones:
        return _barebones_promotion(type1, type2)
    c1, c2 = type1._category, type2._category
    if c1 != c2:
        high, low = (type1, type2) if c1 > c2 else (type2, type1)
        if high is complex64 and low is float64:
            return complex128
        return high
    if bfloat16 in (type1, type2):  # bfloat16 with float16: neither holds the other
        return float32 if float16 in (type1, type2) else (type2 if type1 is bfloat16 else type1)
    return _from_numpy[np.promote_types(type1._np, type2._np)]


def _barebones_promotion(type1, type2):
    """torch promotes a barebones unsigned type with a real floating type only."""
    other = type2 if type1._barebones else type1
    if other.is_floating_point:
        return other
    raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted "
                       f"to promote {type1._scalar_name} and {type2._scalar_name}")


def _combine_categories(higher, lower):
    """c10's rule for merging the dtype of a higher-priority group with a lower one."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def operand_key(x):
    """What promotion needs to know of an operand: a tensor's (dtype, is 0-dim), a scalar's kind."""
    cls = type(x)
    if cls is float:
        return "f"
    if cls is int:  # (an int beyond int64 is a uint64 to torch)
        return "i" if x < 9223372036854775808 else "u"
    if cls is _pybool:
        return "b"
    if cls is complex:
        return "c"
    if isinstance(x, np.generic):
        return operand_key(x.item())
    return (x.dtype, x.ndim == 0)


_pybool = type(True)


@functools.lru_cache(maxsize=None)
def _result_type_of_keys(keys, default):
    groups = [None, None, None]  # dimensioned tensors, 0-dim tensors, Python scalars
    for key in keys:
        if isinstance(key, tuple):
            d, zero_dim = key
            group = 1 if zero_dim else 0
        else:
            group = 2
            d = {"b": bool, "i": int64, "u": uint64, "f": default,
                 "c": complex128 if default is float64 else complex64}[key]
        groups[group] = d if groups[group] is None else promote_types(groups[group], d)
    return _combine_categories(groups[0], _combine_categories(groups[1], groups[2]))


def result_type_of(*operands):
    """torch.result_type over any number of tensors and Python scalars."""
    return _result_type_of_keys(tuple(operand_key(x) for x in operands), _default)


def can_cast(from_, to):
    """torch.can_cast: casting must not lower the category (float to int, complex to float...)."""
    if from_._category == to._category:
        return True
    return from_._category < to._category


# ---- finfo / iinfo -------------------------------------------------------------------------

@_naming.public_class
class finfo:
    """Machine limits of a floating dtype (NumPy's finfo under torch's names and repr)."""

    def __init__(self, type=None):
        type = _default if type is None else type
        if not (type.is_floating_point or type.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        real = type.to_real().numpy_dtype
        if type is bfloat16:
            import ml_dtypes
            info = ml_dtypes.finfo(real)
        else:
            info = np.finfo(real)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision
        self.dtype = type.to_real()._name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


@_naming.public_class
class iinfo:
    """Machine limits of an integer dtype."""

    def __init__(self, type):
        if type.is_floating_point or type.is_complex or type is bool:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = np.iinfo(type._np)
        self.bits, self.min, self.max, self.dtype = info.bits, int(info.min), int(info.max), type._name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# ---- Python numbers converted to a dtype ---------------------------------------------------

INT_RANGES = {d: (int(np.iinfo(d._np).min), int(np.iinfo(d._np).max))
              for d in all_dtypes if d._category == _INT}
# the largest finite value of each floating type, for torch's overflow check of a Scalar
_FLOAT_MAX = {float16: 65504.0, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38,
              complex64: 3.4028234663852886e38}


def overflow_error(dtype, spelled=None):
    """torch's error for a value out of ``dtype``'s range; ``spelled``: the type's name in it
    (by default the C++ type of a Scalar conversion: ``uint8_t``, ``int``, ``c10::Half``)."""
    if spelled is None:
        spelled = ("int" if dtype is int32 else dtype._name + "_t") \
            if dtype._category == _INT else dtype._cpp_name
    return RuntimeError(f"value cannot be converted to type {spelled} without overflow")


def unpack_error(value):
    """torch's parser's error for a Python int that neither int64 nor uint64 holds."""
    return OverflowError("can't convert negative int to unsigned" if value < 0 else
                         "int too big to convert")


def wrap_int(value, dtype):
    """A Python int taken modulo ``dtype``'s range (two's complement), as a C cast does."""
    low, high = INT_RANGES[dtype]
    return (value - low) % (high - low + 1) + low


def checked_scalar(value, dtype, numel=2):
    """A Python number (or NumPy scalar) converted to ``dtype`` as torch converts a Scalar
    argument (``full``, ``fill_``, ``scalar_tensor``...): ints outside int64/uint64 refused as
    torch's parser refuses them, values outside the dtype's range refused (negative ints wrap
    into unsigned types down to ``-max``), the rest wrapped into range so NumPy takes it.
    As torch's kernels, float16/bfloat16 skip the check when filling one element."""
    if value.__class__ is int and dtype in INT_RANGES:  # the common case first
        low, high = INT_RANGES[dtype]
        if low <= value <= high:
            return value
    if isinstance(value, np.generic):
        value = value.item()
    category = dtype._category
    if isinstance(value, int):
        if value.__class__ is not int:  # bool
            return value
        if not -2 ** 63 <= value < 2 ** 64:
            raise unpack_error(value)
        if category == _INT:
            low, high = INT_RANGES[dtype]
            if not (low or -high) <= value <= high:
                raise overflow_error(dtype)
            return value if value >= low else wrap_int(value, dtype)
    if category == _BOOL:
        return value
    if isinstance(value, complex) and category != _COMPLEX:
        if value.imag:
            raise overflow_error(dtype)
        value = value.real
    if category == _INT:
        low, high = INT_RANGES[dtype]
        if value != value or not float(low) <= value <= float(high):
            raise overflow_error(dtype)
        return wrap_int(int(value), dtype)
    limit = _FLOAT_MAX.get(dtype)
    if limit is not None and (numel != 1 or dtype is float32 or dtype is complex64):
        for part in (value.real, value.imag) if isinstance(value, complex) else (value,):
            if abs(part) > limit and part not in (math.inf, -math.inf):
                raise overflow_error(dtype)
    return value
