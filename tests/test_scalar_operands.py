"""Python and NumPy numbers as operands and as data, compared with torch live: ints beyond
int64 (torch reads them as uint64, or refuses them), a Scalar exponent converted to the type
pow's kernel reads it in, operands of types an op has no kernel for, and NumPy scalars given to
``tensor()``."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import same_outcome

_DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int8", "uint8",
           "bool", "complex64", "uint16", "uint64"]
_BIG = [2 ** 64, 2 ** 63, 2 ** 64 - 1, -2 ** 63 - 1, 2 ** 100]
_FORMS = ["x + n", "n + x", "x - n", "n - x", "x * n", "x / n", "n // x", "x % n", "x ** n",
          "n ** x", "x == n", "x > n", "x & n", "x.clone().add_(n)", "x.clone().sub_(n)",
          "x.clone().mul_(n)", "x.clone().pow_(n)", "lib.add(x, n)", "lib.mul(n, x)",
          "lib.pow(x, n)", "lib.remainder(n, x)"]


def _compare(expr, **values):
    """``expr`` under both libraries (``lib`` the library): the same result or error."""
    def run(lib):
        scope = {"lib": lib, "np": np}
        for name, make in values.items():
            scope[name] = make(lib) if callable(make) else make
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(expr, scope)
    same_outcome(run, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("number", _BIG, ids=str)
@pytest.mark.parametrize("form", _FORMS)
def test_big_python_int_operand(form, number, dtype):
    if form == "n ** x" and dtype == "complex64" and number >= 2 ** 63:
        pytest.skip("complex64 pow rounds apart from torch's kernel: not this test's subject")
    _compare(form, n=number, x=lambda lib: lib.ones(3, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("exponent", [70000, 65504, 65520, -70000, 1e5, 1e39, 300, -1, 2 ** 40,
                                      2 ** 31, 2.5, True, False, 0, 1, 1.0, 2, float("inf")], ids=str)
def test_scalar_exponent_checked_as_the_kernel_reads_it(dtype, exponent):
    for form in ["x ** n", "lib.pow(x, n)", "x.clone().pow_(n)"]:
        _compare(form, n=exponent, x=lambda lib: lib.ones(3, dtype=getattr(lib, dtype)) * 2)


@pytest.mark.parametrize("expr", [
    "c // 2", "c // c", "c % 2", "c.remainder_(2)", "lib.fmod(c, 2)", "c.fmod_(c)",
    "lib.div(c, 2, rounding_mode='floor')", "lib.div(c, c, rounding_mode='trunc')",
    "c.floor_divide_(2)", "c < 2", "c <= c", "lib.gt(c, 2)", "c.ge_(2)", "c == 1",
    "b - u", "u - b", "b ** b", "lib.ones(2, dtype=lib.bool) ** b", "True ** b", "u ** u",
    "u ** lib.ones(2, dtype=lib.uint16)", "2 ** u", "b ** 2", "u ** b", "x ** u"])
def test_operands_without_a_kernel(expr):
    _compare(expr, c=lambda lib: lib.tensor([1 + 1j, 2]),
             b=lambda lib: lib.ones(3, dtype=lib.bool),
             u=lambda lib: lib.ones(3, dtype=lib.uint16), x=lambda lib: lib.ones(3))


@pytest.mark.parametrize("data", [
    "np.uint64(5)", "np.uint64(2**64 - 1)", "np.uint32(5)", "np.uint16(5)", "np.uint8(5)",
    "np.int8(-5)", "np.int16(5)", "np.int32(5)", "np.float16(5.1)", "np.float32(5.1)",
    "np.complex64(5)", "np.bool_(True)", "[np.uint64(5), np.uint64(6)]",
    "[np.uint8(5), np.int8(6)]", "[np.int8(-5), np.uint8(200)]", "[np.float32(5.1), 1]",
    "[np.float16(5.1), 1]", "[np.float16(5), 1.5]", "[np.float32(5), 1.5j]",
    "[np.complex64(5), 1.5]", "[np.float16(5), np.int64(3)]", "[np.uint32(5), np.int32(1)]",
    "[np.uint16(5), 1]", "[np.uint8(5), True]", "[np.bool_(True), 1]", "[np.int8(5), 300]",
    "[[np.float16(5)], [np.float32(3)]]", "[np.float32(5), 1e100]", "[1, np.uint64(2**63)]",
    "[np.float32(1.1), np.float64(1.1)]", "[lib.tensor(1, dtype=lib.int8), 1]",
    "[lib.tensor(1, dtype=lib.float16), 1.5]", "[lib.tensor(1.5), lib.tensor(2.5, dtype=lib.float64)]",
    "[2 ** 63]", "[1, 2]", "[1.5, 2]", "[True, False]", "[1j, 2]"])
@pytest.mark.parametrize("dtype", [None, "int64", "uint64", "float32", "uint8"])
def test_numpy_scalars_as_data(data, dtype):
    for fn in ["tensor", "as_tensor"]:
        _compare(f"lib.{fn}({data}{'' if dtype is None else ', dtype=lib.' + dtype})")
