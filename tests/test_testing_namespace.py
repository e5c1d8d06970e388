"""flambeau.testing against torch.testing: assert_close's verdicts and messages, assert_allclose,
make_tensor's values (same seed, same draws) and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same

INF, NAN = math.inf, math.nan


def _pair(lib, values, other, dtype="float32"):
    dtype = getattr(lib, dtype)
    return lib.tensor(values, dtype=dtype), lib.tensor(other, dtype=dtype)


CASES = {  # name: lib -> (args, kwargs) for assert_close
    "close": lambda lib: (_pair(lib, [1.0, 2.0], [1.0, 2.000001]), {}),
    "float": lambda lib: (_pair(lib, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
                                [[1.0, 2.0, 3.0001], [4.0, 7.0, 6.0]]), {}),
    "float64": lambda lib: (_pair(lib, [0.1, 0.2, 0.3], [0.1, 0.2, 0.3000001], "float64"), {}),
    "float16": lambda lib: (_pair(lib, [0.1, 0.2, 0.3], [0.1, 0.2001, 0.31], "float16"), {}),
    "bfloat16": lambda lib: (_pair(lib, [1.0, 2.0], [1.0, 2.1], "bfloat16"), {}),
    "int": lambda lib: (_pair(lib, [[1, 2], [3, 4]], [[1, 5], [3, 0]], "int32"), {}),
    "uint8": lambda lib: (_pair(lib, [1, 200], [3, 100], "uint8"), {}),
    "bool": lambda lib: (_pair(lib, [True, False, True], [True, True, False], "bool"), {}),
    "complex": lambda lib: (_pair(lib, [1 + 1j, 2j], [1 + 1j, 2.5j], "complex64"), {}),
    "zero expected": lambda lib: (_pair(lib, [1.0, 0.5], [0.0, 0.5]), {}),
    "0-d": lambda lib: (_pair(lib, 1.1, 1.2), {}),
    "0-d int": lambda lib: (_pair(lib, 3, 4, "int64"), {}),
    "nan": lambda lib: (_pair(lib, [1.0, NAN], [1.0, NAN]), {}),
    "nan equal": lambda lib: (_pair(lib, [1.0, NAN], [1.0, NAN]), {"equal_nan": True}),
    "nan against number": lambda lib: (_pair(lib, [NAN, 1.0, 5.0], [1.0, 1.0, 6.0]), {}),
    "inf": lambda lib: (_pair(lib, [INF, -INF], [INF, INF]), {}),
    "tolerances": lambda lib: (_pair(lib, [1.0, 2.0], [1.1, 2.0]), {"rtol": 0.2, "atol": 0}),
    "zero tolerances": lambda lib: (_pair(lib, [1.0, 2.0], [1.0, 2.5]), {"rtol": 0, "atol": 0}),
    "rtol only": lambda lib: (_pair(lib, [1.0], [1.0]), {"rtol": 0.1}),
    "atol only": lambda lib: ((1.0, 1.0), {"atol": 0.1}),
    "dtype": lambda lib: ((lib.zeros(2), lib.zeros(2, dtype=lib.float64)), {}),
    "dtype unchecked": lambda lib: ((lib.ones(2), lib.tensor([1.0, 1.5], dtype=lib.float64)),
                                    {"check_dtype": False}),
    "int promoted": lambda lib: ((lib.tensor([1, -2], dtype=lib.int8),
                                  lib.tensor([1, 3], dtype=lib.uint8)), {"check_dtype": False}),
    "shape": lambda lib: ((lib.zeros(2, 3), lib.zeros(3)), {}),
    "stride": lambda lib: ((lib.zeros(2, 3), lib.zeros(3, 2).t()), {"check_stride": True}),
    "stride unchecked": lambda lib: ((lib.zeros(2, 3), lib.zeros(3, 2).t()), {}),
    "msg": lambda lib: (_pair(lib, [1.0], [2.0]), {"msg": "Argh!"}),
    "msg callable": lambda lib: (_pair(lib, [1.0, 2.0, 3.0], [1.0, 4.0, 1.0]),
                                 {"msg": lambda m: f"Header\n\n{m}\n\nFooter"}),
    "msg on structure": lambda lib: (([1], [1, 2]), {"msg": "not used"}),
    "sequence": lambda lib: (([lib.zeros(2), (1, 2.0)], [lib.zeros(2), (1, 2.5)]), {}),
    "sequence length": lambda lib: (([1, 2], (1, 2, 3)), {}),
    "mapping": lambda lib: (({"b": lib.ones(2), "a": [1.0]}, {"a": [1.5], "b": lib.ones(2)}),
                            {}),
    "mapping keys": lambda lib: (({"a": 1, "b": 2}, {"b": 2, "c": 3, "d": 4}), {}),
    "state dict": lambda lib: ((_state(lib, 0), _state(lib, 1)), {}),
    "same state dict": lambda lib: ((_state(lib, 0), _state(lib, 0)), {}),
    "numbers": lambda lib: ((1.0, 1.0 + 1e-8), {}),
    "numbers differ": lambda lib: ((1.0, 1.1), {}),
    "number types": lambda lib: ((1, 1.0), {}),
    "number types unchecked": lambda lib: ((1, 1.0), {"check_dtype": False}),
    "complex number": lambda lib: ((1 + 1j, 1 + 2j), {}),
    "numpy numbers": lambda lib: ((np.float32(1.5), np.float64(1.5)), {}),
    "int zero expected": lambda lib: ((3, 0), {}),
    "nan numbers": lambda lib: ((NAN, NAN), {}),
    "booleans": lambda lib: ((True, np.bool_(False)), {}),
    "none": lambda lib: ((None, 1), {}),
    "nones": lambda lib: ((None, None), {}),
    "tensor and number": lambda lib: ((lib.tensor(1.0), 1.0), {}),
    "tensor and ndarray": lambda lib: ((lib.zeros(2), np.zeros(2)), {}),
    "ndarrays": lambda lib: ((np.array([1.0, 2.0]), np.array([1.0, 3.0])), {}),
    "strings": lambda lib: (("a", "a"), {}),
    "parameter": lambda lib: ((lib.nn.Parameter(lib.ones(2)), lib.ones(2)), {}),
    "parameter exact type": lambda lib: ((lib.nn.Parameter(lib.ones(2)), lib.ones(2)),
                                         {"allow_subclasses": False}),
    "requires grad": lambda lib: ((lib.ones(3, requires_grad=True) * 2, lib.ones(3)), {}),
}


def _state(lib, seed):
    lib.manual_seed(seed)
    return lib.nn.Linear(3, 2).state_dict()


def _outcome(lib, make):
    args, kwargs = make(lib)
    try:
        lib.testing.assert_close(*args, **kwargs)
    except Exception as error:
        return type(error).__name__, str(error)
    return None


@pytest.mark.parametrize("name", CASES)
def test_assert_close_as_torch(name, as_torch):
    assert _outcome(flambeau, CASES[name]) == _outcome(torch, CASES[name])


def test_lazy_attribute():
    import flambeau.testing
    assert flambeau.testing.assert_close is flambeau.testing._comparison.assert_close


@pytest.mark.parametrize("case", [
    lambda lib: ([1.0, 2.0], [1.0, 2.00001]),
    lambda lib: (lib.tensor([1.0, NAN]), lib.tensor([1.0, NAN])),  # equal_nan=True by default
    lambda lib: (lib.tensor([1.0, 2.0]), [1.0, 2.5]),
    lambda lib: (lib.tensor([1, 2]), lib.tensor([1.0, 2.0])),  # dtypes not checked
    lambda lib: (lib.tensor([1.0]), lib.tensor([1.0])),
])
def test_assert_allclose_as_torch(case, as_torch):
    def outcome(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                lib.testing.assert_allclose(*case(lib))
                error = None
            except Exception as exception:
                error = type(exception).__name__, str(exception)
        return error, [(w.category, str(w.message)) for w in caught]
    assert outcome(flambeau) == outcome(torch)


MAKE = [  # (shape, kwargs)
    ((2, 3), {"dtype": "float32"}),
    ((4,), {"dtype": "float64", "low": -1, "high": 1}),
    (([2, 2],), {"dtype": "float16"}),
    ((3, 2), {"dtype": "bfloat16", "low": 0}),
    ((2, 3), {"dtype": "complex64"}),
    ((5,), {"dtype": "complex128", "high": 0.5}),
    ((6,), {"dtype": "int64"}),
    ((2, 4), {"dtype": "int8", "low": -200, "high": 200}),
    ((8,), {"dtype": "uint8"}),
    ((8,), {"dtype": "int32", "low": 2.5, "high": 7.5}),
    ((3, 3), {"dtype": "bool"}),
    ((4, 3), {"dtype": "float32", "noncontiguous": True}),
    ((1,), {"dtype": "float32", "noncontiguous": True}),
    ((3, 2), {"dtype": "int16", "noncontiguous": True, "exclude_zero": True, "low": 0,
              "high": 2}),
    ((20,), {"dtype": "float32", "exclude_zero": True, "low": 0, "high": 1e-44}),
    ((4,), {"dtype": "float32", "requires_grad": True}),
    ((), {"dtype": "float32"}),
]


@pytest.mark.parametrize("shape, kwargs", MAKE)
def test_make_tensor_as_torch(shape, kwargs):
    def make(lib):
        lib.manual_seed(7)
        options = dict(kwargs, dtype=getattr(lib, kwargs["dtype"]))
        return lib.testing.make_tensor(*shape, device="cpu", **options)
    ours, theirs = make(flambeau), make(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch", "flambeau")
    if ours.dtype is flambeau.bfloat16:  # torch has no NumPy bfloat16
        ours, theirs = ours.float(), theirs.float()
    assert_same(ours, theirs, rtol=0, atol=0, check_stride=True)
    assert ours.requires_grad == theirs.requires_grad and ours.is_leaf


@pytest.mark.parametrize("kwargs", [
    {"dtype": "int64", "requires_grad": True},
    {"dtype": "float32", "low": 2, "high": 1},
    {"dtype": "int8", "low": 200, "high": 300},
    {"dtype": "float32", "low": NAN},
    {"dtype": "float32", "noncontiguous": True, "memory_format": "contiguous_format"},
])
def test_make_tensor_errors_as_torch(kwargs, as_torch):
    def make(lib):
        options = {key: getattr(lib, value) if key in ("dtype", "memory_format") else value
                   for key, value in kwargs.items()}
        try:
            lib.testing.make_tensor(2, device="cpu", **options)
        except Exception as error:
            return type(error).__name__, str(error)
    assert make(flambeau) == make(torch) is not None


def test_make_tensor_low_equals_high_warns():
    with pytest.warns(FutureWarning, match="Passing `low==high`"):
        result = flambeau.testing.make_tensor(3, dtype=flambeau.float32, device="cpu", low=2,
                                              high=2)
    assert result.tolist() == [2.0, 2.0, 2.0]
