"""Wrong calls a differential probe found: flambeau raises what torch raises (type and message),
interoperates with NumPy as torch does, and casts out-of-range values without NumPy warnings."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

# code run with L as the library and x = L.arange(6.)
RAISING = [
    "x.view(-2)", "x.view(-1, -2)", "x.view(2, -3)", "x.t().view(-2)", "x.reshape(-2)",
    "x.narrow(0, 1, -1)", "x.narrow(0, 7, -1)", "x.narrow(0, 1, 10)",
    "L.empty(-1)", "L.zeros(2, -3)", "L.ones(2, foo=1)", "L.full((2, 2), None)",
    "L.full((2,), 'a')", "L.full_like(x, None)", "x.new_full((2,), None)", "L.ones()",
    "L.zeros(dtype=L.int64)", "L.empty()", "L.ones(2, size=(3,))",
    "L.empty_strided((-2,), (1,))",
    "L.from_numpy(np.arange(6.)[::-1])",
    "w.view(3).add_(1)", "w[0].fill_(1)", "w.view(3).zero_()", "w.view(3).copy_(w)",
    "w.add_(1)",
    "x < np.ones(6)", "np.ones(6) < x", "np.ones(6) + x", "np.ones(6) @ x",
    "np.ones(6, dtype=np.int32) - L.arange(6)",
]


def run(L, code):
    x = L.arange(6.)
    w = L.ones(3, requires_grad=True)  # noqa: F841 (used by the code)
    return eval(code)


@pytest.mark.parametrize("code", RAISING)
def test_raises_as_torch(code):
    raises_like(lambda: run(flambeau, code), lambda: run(torch, code))


# results compared with torch (values, dtype, shape), NumPy's warnings as errors
RESULTS = [
    "x + np.ones(6)", "x - np.ones(6, dtype=np.float32)", "x == np.ones(6)",
    "np.ones(6) == x", "x * np.float64(2)", "np.float32(2) * x", "np.int64(2) * x",
    "np.float64(1) + x", "x / np.array(2.)", "x @ np.ones(6)", "np.add(np.ones(6), x)",
    "np.sin(x)", "np.greater(np.ones(6), x)", "L.arange(6) - np.ones(6, dtype=np.int32)",
    "L.tensor(float('nan')).long()", "L.tensor(float('inf')).int()", "L.tensor(1e40)",
    "L.tensor(1e40).half()", "L.tensor(1e300).float()", "L.tensor(-1.).to(L.uint8)",
    "L.tensor(300).to(L.int8)", "L.i0(L.tensor(100.))", "L.special.i1(L.tensor(100.))",
    "L.ones(1).expand(10**12)[:3]", "L.full((2,), L.tensor(2.5))", "L.full((2,), np.float32(2))",
    "L.full((2,), True)", "x.new_full((2,), 3)", "L.full_like(x, 2)", "L.ones(size=(2, 3))",
    "L.zeros(()) + 1", "L.ones([2, 1])", "x.as_strided((0,), (1,), 6)", "x.as_strided((2, 0), (1, 1), 3)",
    "L.empty_strided((2, 3), (1, 2)).fill_(1)", "L.ones(2, 3).t().contiguous()",
]


@pytest.mark.parametrize("code", RESULTS)
def test_result_as_torch(code):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = run(flambeau, code)
    assert_same(ours, run(torch, code), check_stride=True)


def test_expand_to_a_huge_size_is_a_view():
    t = flambeau.ones(1).expand(10**12)
    assert t.shape == (10**12,) and t.stride() == (0,)
    assert t[10**12 - 1].item() == 1


def test_not_equal_to_an_array_is_identity():  # torch's != does not take an array
    x = flambeau.arange(3.)
    assert (x != np.ones(3)) is (torch.arange(3.) != np.ones(3)) is True
