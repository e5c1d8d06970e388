"""Tensors made from Python numbers with integer dtypes, compared with torch: exact values
beyond 2**53 (uint64 up to 2**64 - 1), torch's errors for values out of range where it refuses
them and wrapping where it wraps (negative ints into unsigned types), for ``tensor()`` data
(nested lists, scalars, tuples) and for the Scalar fills (``full``, ``fill_``, ``new_full``,
``full_like``, ``scalar_tensor``), and ``int()``/``item()``/``tolist()`` of large values."""
import warnings

import numpy as np
import pytest

import flambeau
from test_unsigned_dtypes import both

INTS = ("uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64")
# a value on each side of every integer type's limits, and the limits of int64/uint64
EDGES = sorted({v for lo, hi in ((0, 255), (-128, 127), (-2**15, 2**15 - 1), (-2**31, 2**31 - 1),
                                 (0, 2**16 - 1), (0, 2**32 - 1), (-2**63, 2**63 - 1),
                                 (0, 2**64 - 1))
                for v in (lo - 1, lo, -hi, -hi - 1, hi, hi + 1)} | {2**53 + 1, -2**53 - 1})
FLOATS = (1.7, -1.7, 255.5, -0.5, 300.0, 1e20, 2.0**63, -2.0**63, 2.0**64, float("nan"),
          float("inf"))

TENSOR = [f"t.tensor({v}, dtype=t.{d})" for d in INTS for v in EDGES] + \
    [f"t.tensor([{v}, 1], dtype=t.{d})" for d in INTS for v in EDGES] + \
    [f"t.tensor([[1], [{v}]], dtype=t.{d})" for d in ("uint8", "int64", "uint64")
     for v in EDGES] + \
    [f"t.tensor([{v}], dtype=t.{d})" for d in INTS for v in FLOATS] + \
    [f"t.tensor({v!r})" for v in (2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, 2**100)] + \
    [f"t.tensor([{v}])" for v in (2**63 - 1, 2**63, -2**63 - 1, 2**64 - 1, 2**100)] + """\
t.tensor([[1, 2], [3, 2**64]], dtype=t.uint8)
t.tensor([[1, 2], [3]], dtype=t.uint8)
t.tensor([2**64 - 1, 5])
t.tensor([2**64 - 1, 1.5])
t.tensor([2**100, 1.5])
t.tensor([2**100, 1j])
t.tensor([2**2000, 1.5])
t.tensor([2**63 - 1, 1.5], dtype=t.int64)
t.tensor([1.0, 2**60 + 1], dtype=t.int64)
t.tensor([-1, 0.5], dtype=t.uint8)
t.tensor([True, 2], dtype=t.uint64)
t.tensor((1, 2**64 - 1), dtype=t.uint64)
t.tensor([[2**64 - 1, 5]] * 3, dtype=t.uint64)
t.tensor([2**64 - 1, -1], dtype=t.uint64)
t.tensor([1.5], dtype=t.uint64)
t.tensor(1.0, dtype=t.uint64)
t.tensor([1 + 2j], dtype=t.uint8)
t.tensor([1 + 2j], dtype=t.float32)
t.tensor(1 + 0j, dtype=t.float64)
t.tensor([1 + 2j], dtype=t.bool)
t.tensor([2**100], dtype=t.bool)
t.tensor([-1], dtype=t.bool)
t.tensor([2**100], dtype=t.float16)
t.tensor([2**64], dtype=t.float64)
t.tensor([2**64 - 1], dtype=t.complex64)
t.tensor([1e5], dtype=t.float16)
t.tensor([t.tensor(300)], dtype=t.uint8)
t.tensor([t.tensor(1.5)], dtype=t.int32)
t.tensor([np.int64(300)], dtype=t.uint8)
t.tensor([np.float32(3)], dtype=t.uint8)
t.tensor([np.array([1, 2])], dtype=t.uint64)
t.tensor(np.array([2**64 - 1], dtype=np.uint64))
t.tensor([], dtype=t.uint64)
t.as_tensor([2**64 - 1], dtype=t.uint64)
t.as_tensor([300], dtype=t.uint8)
t.as_tensor(-1, dtype=t.uint64)
t.zeros(2, dtype=t.uint64).new_tensor([2**64 - 1])
t.zeros(2, dtype=t.uint8).new_tensor([300])""".split("\n")

FILL_VALUES = (-2**63 - 1, -2**63, -65536, -65535, -256, -255, -129, -1, 127, 128, 255, 256,
               2**15, 65535, 65536, 70000, 2**31, 2**32, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
               1.5, -1.5, 300.5, 1e10, 1e40, 2.0**63, 2.0**64, float("nan"), float("inf"),
               1 + 1j, 1e40 + 0j, True)
FILL_DTYPES = INTS + ("bool", "float16", "bfloat16", "float32", "float64", "complex64")

_AS_FLOAT = {"bfloat16": ".float()"}  # (torch's numpy() refuses bfloat16)
FILLS = [f"t.full((2,), {v!r}, dtype=t.{d}){_AS_FLOAT.get(d, '')}" for d in FILL_DTYPES
         for v in FILL_VALUES] + \
    [f"t.full((1,), {v!r}, dtype=t.{d}){_AS_FLOAT.get(d, '')}"
     for d in ("float16", "bfloat16", "float32") for v in (70000, 1e40)] + \
    [f"t.full(({n},), 300, dtype=t.uint8)" for n in (0, 1)] + \
    [f"t.full((2,), {v!r})" for v in (2**63, 2**64 - 1, 1e40, 2**70)] + \
    [f"t.zeros({n}, dtype=t.{d}).fill_({v!r})" for d in INTS + ("float16",)
     for v in (-1, 300, 2**63, 2**64 - 1, 2**64, 1e10) for n in (1, 2)] + \
    [f"t.zeros(2, dtype=t.{d}).new_full((2,), {v!r})" for d in ("uint8", "int32", "uint64")
     for v in (-1, 2**31, 2**64 - 1, 1e40)] + \
    [f"t.full_like(t.zeros(2, dtype=t.{d}), {v!r})" for d in ("uint8", "int32", "uint64",
                                                            "float16")
     for v in (-1, 2**40, 2**64 - 1, 1e10)] + \
    [f"t.scalar_tensor({v!r}, dtype=t.{d})" for d in ("uint8", "uint64", "float16", "float32")
     for v in (300, -1, 2**64 - 1, 1e40)] + """\
t.zeros(1, dtype=t.uint8).fill_(t.tensor(-1))
t.ones(2, dtype=t.uint8).masked_fill(t.tensor([True, False]), 300)
t.ones(2, dtype=t.uint8).masked_fill(t.tensor([True, False]), -1)
t.ones(2, dtype=t.uint8).masked_fill(t.tensor([True, False]), t.tensor(300))
t.ones(2, dtype=t.uint8).masked_fill_(t.tensor([True, False]), 1 + 1j)
t.ones(2, dtype=t.int32).masked_fill(t.tensor([True, False]), 1 + 2j)
t.ones(2).masked_fill(t.tensor([True, False]), t.tensor(1e40, dtype=t.float64))
t.ones(2).masked_fill(t.tensor([True, False]), float("-inf"))
t.ones(2, dtype=t.uint8).index_fill(0, t.tensor([0]), 300)
t.ones(2, dtype=t.uint8).index_fill(0, t.tensor([0]), -1)
t.ones(2, dtype=t.uint64).index_fill(0, t.tensor([0]), 2**64)
t.ones(2, dtype=t.float16).index_fill(0, t.tensor([0]), 1e10)
t.zeros(2, dtype=t.uint8).fill_(t.tensor(300))
t.ones(2, dtype=t.uint8) * 300
t.ones(2, dtype=t.uint64) * -1
t.ones(2, dtype=t.uint64) * (2**64 - 1)
t.ones(2, dtype=t.uint8) + 2**64
t.ones(2, dtype=t.int64) + (-2**63 - 1)
t.ones(2, dtype=t.int8) + (2**64 - 1)
t.ones(2, dtype=t.int64) + 2**63""".split("\n")

SCALARS = """\
t.tensor([2**64 - 1], dtype=t.uint64).item()
t.tensor([2**63], dtype=t.uint64)[0].item()
t.tensor([[2**64 - 1, 1]], dtype=t.uint64).tolist()
int(t.tensor(2**63 - 1, dtype=t.uint64))
int(t.tensor(2**63, dtype=t.uint64))
t.tensor(2**64 - 1, dtype=t.uint64).__index__()
float(t.tensor(2**64 - 1, dtype=t.uint64))
t.tensor([2**63], dtype=t.uint64).long().item()
t.tensor([2**63 - 1, -2**63]).tolist()
repr(t.tensor([2**64 - 1, 2**53 + 1], dtype=t.uint64))""".split("\n")


@pytest.mark.parametrize("expression", TENSOR + FILLS + SCALARS)
def test_like_torch(expression):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # (no NumPy warning may leak)
        warnings.filterwarnings("ignore", "Creating a tensor from a list of numpy")
        both(expression)


@pytest.mark.parametrize("dtype", [None, "float32", "uint64"])
def test_tensor_copies_arrays_and_tensors(dtype):
    array = np.arange(3, dtype=np.uint64)
    for source in (array, flambeau.from_numpy(array)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            made = flambeau.tensor(source, dtype=dtype and getattr(flambeau, dtype))
        array[0] = 7
        assert made[0].item() == 0
        array[0] = 0
