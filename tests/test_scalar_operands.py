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


_HALF_VALUES = np.concatenate([np.random.default_rng(0).standard_normal(1500) * 10,
                               np.random.default_rng(1).uniform(-3, 3, 500),
                               np.arange(-50.0, 50.0)])
_HALF_FORMS = ["x // n", "n // x", "lib.floor_divide(x, n)", "x.clone().floor_divide_(n)",
               "lib.div(x, n, rounding_mode='floor')", "lib.div(x, n, rounding_mode='trunc')",
               "x.clone().div_(n, rounding_mode='trunc')", "x % n", "n % x",
               "lib.remainder(x, n)", "lib.fmod(x, n)", "lib.xlogy(x, n)", "lib.xlogy(n, x)",
               "lib.special.xlog1py(x, n)", "lib.special.xlog1py(n, x)", "x // y", "x % y",
               "lib.div(x, y, rounding_mode='trunc')", "x // y[:1]", "lib.xlogy(x, y.abs())"]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
@pytest.mark.parametrize("number", [0.1, 0.3, 2.5, -1.7, 3, 7, 1e-3, 1 / 3, 100.1, 65535.999],
                         ids=str)
@pytest.mark.parametrize("form", _HALF_FORMS)
def test_half_kernels_read_a_number_as_torch(form, number, dtype):
    """Each kernel's rule (the number rounded to the half type, or taken at float32), bit for
    bit on 2,100 values."""
    if "log" in form and dtype == "float32":
        pytest.skip("float32 log: NumPy's and torch's differ in the last bit")
    _compare(form, n=number, x=lambda lib: lib.tensor(_HALF_VALUES, dtype=getattr(lib, dtype)),
             y=lambda lib: lib.tensor(_HALF_VALUES[::-1] / 7, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize("expr", ["lib.xlogy(x, 0.1)", "lib.xlogy(2, x)",
                                  "lib.special.xlog1py(x, 0.5)", "x // 0.1", "x // x"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
def test_results_stored_in_their_dtype(expr, dtype):
    x = flambeau.ones(3, dtype=getattr(flambeau, dtype))
    assert eval(expr, {"lib": flambeau, "x": x})._data.dtype == x._data.dtype


@pytest.mark.parametrize("expr", [
    "lib.isin(-1, lib.tensor([1, 255], dtype=lib.uint8))",
    "lib.isin(300, lib.tensor([44, 2], dtype=lib.uint8))",
    "lib.isin(300, lib.arange(20, dtype=lib.uint8))", "lib.isin(2.5, lib.tensor([1, 2]))",
    "lib.isin(2, lib.tensor([1, 2], dtype=lib.uint16))",
    "lib.isin(2, lib.tensor([1, 2], dtype=lib.uint64))",
    "lib.isin(2, lib.tensor(list(range(12)), dtype=lib.uint32))",
    "lib.isin(lib.tensor(300), lib.tensor([44, 2], dtype=lib.uint8))",
    "lib.isin(lib.tensor([300]), lib.tensor([44, 2], dtype=lib.uint8))",
    "lib.isin(lib.arange(5), lib.tensor([4, 2]), invert=True)", "lib.isin(lib.arange(5.), 2)",
    # sparse_coo_tensor(size): an empty sparse tensor of that size
    "lib.sparse_coo_tensor((2, 3)).to_dense()", "lib.sparse_coo_tensor([2, 3])._indices()",
    "lib.sparse_coo_tensor(lib.Size([2, 3]), dtype=lib.float64)._values()",
    "lib.sparse_coo_tensor(5).to_dense()", "lib.sparse_coo_tensor(()).to_dense()",
    "lib.sparse_coo_tensor((2, 3), requires_grad=True).requires_grad",
    "lib.sparse_coo_tensor((2, 3)).is_coalesced()", "lib.sparse_coo_tensor((2, -1))",
    "lib.sparse_coo_tensor((2.5, 3))"])
def test_numbers_and_sizes_given_alone(expr):
    _compare(expr)
