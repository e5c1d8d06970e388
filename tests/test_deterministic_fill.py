"""With ``use_deterministic_algorithms(True)`` the memory torch's factories leave uninitialised is
filled (NaN, the integer maximum, True), as in torch, and ``fill_uninitialized_memory`` turns
it off; without the switch nothing changes."""
import numpy as np
import pytest
import torch

import flambeau

from conftest import assert_same

DTYPES = ("float32", "float64", "float16", "bfloat16", "complex64", "int8", "uint8", "int16",
          "int32", "int64", "bool")


@pytest.fixture
def deterministic():
    for lib in (torch, flambeau):
        lib.use_deterministic_algorithms(True)
    yield
    for lib in (torch, flambeau):
        lib.use_deterministic_algorithms(False)
        lib.utils.deterministic.fill_uninitialized_memory = True


def _forms(lib, dtype):
    d = getattr(lib, dtype)
    base = lib.zeros(2, 3, dtype=d)
    return [lib.empty(2, 3, dtype=d), lib.empty_like(base), base.new_empty(4),
            lib.empty_strided((2, 2), (1, 2), dtype=d), lib.empty_permuted((2, 3), (1, 0),
                                                                          dtype=d),
            lib.empty(3, dtype=d, out=lib.zeros(1, dtype=d))]


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_forms_are_filled(deterministic, dtype):
    for got, want in zip(_forms(flambeau, dtype), _forms(torch, dtype)):
        if dtype == "bfloat16":  # (NumPy has no bfloat16 to compare in)
            assert str(got.dtype) == "flambeau.bfloat16" and got.stride() == want.stride()
            got, want = got.float(), want.float()
        assert_same(got, want, check_stride=True)


def test_resize_fills_only_past_the_old_storage(deterministic):
    results = []
    for lib in (torch, flambeau):
        x = lib.arange(2.0)
        x.resize_(1)
        x.resize_(4)
        y = lib.tensor([1, 2], dtype=lib.int32)
        y.resize_(2, 2)
        results.append((x, y))
    for got, want in zip(results[1], results[0]):
        assert_same(got, want, check_stride=True)


def test_fill_flag_and_switch():
    for lib in (torch, flambeau):
        assert lib.utils.deterministic.fill_uninitialized_memory is True
    flambeau.use_deterministic_algorithms(True, warn_only=True)
    try:
        assert flambeau.get_deterministic_debug_mode() == 1
        assert np.isnan(flambeau.empty(3).numpy()).all()
        flambeau.utils.deterministic.fill_uninitialized_memory = False
        assert flambeau.utils.deterministic.fill_uninitialized_memory is False
        with pytest.raises(RuntimeError, match="expected a bool, but got int"):
            flambeau.utils.deterministic.fill_uninitialized_memory = 1
    finally:
        flambeau.utils.deterministic.fill_uninitialized_memory = True
        flambeau.use_deterministic_algorithms(False)
    assert flambeau.get_deterministic_debug_mode() == 0
