"""Window functions against torch: values (to an ulp or two: NumPy's cosine and Bessel function
are not torch's), dtypes, requires_grad, and torch's errors."""
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

CALLS = [
    "hann_window(5)", "hann_window(5, False)", "hann_window(8, dtype=L.float64)",
    "hann_window(0)", "hann_window(1)", "hann_window(2)", "hann_window(6, dtype=L.float16)",
    "hamming_window(100)", "hamming_window(7, True, 0.5)", "hamming_window(7, False, 0.5, 0.3)",
    "bartlett_window(6)", "bartlett_window(7, False)", "bartlett_window(1)",
    "blackman_window(64)", "blackman_window(10, False)", "blackman_window(5, dtype=L.float64)",
    "kaiser_window(4)", "kaiser_window(7, False, 5.0)", "kaiser_window(9, dtype=L.float64)",
    "kaiser_window(1)", "hann_window(3, requires_grad=True)",
]


def _call(lib, text):
    return eval("lib." + text, {"lib": lib, "L": lib})


@pytest.mark.parametrize("text", CALLS)
def test_window_as_torch(text):
    ours, theirs = _call(flambeau, text), _call(torch, text)
    assert ours.requires_grad == theirs.requires_grad
    assert_same(ours.detach(), theirs.detach(), rtol=1e-6, atol=2e-7)


@pytest.mark.parametrize("text", ["hann_window(-1)", "hann_window(2 ** 62)",
                                  "kaiser_window(3, dtype=L.int64)",
                                  "blackman_window(3, dtype=L.bool)"])
def test_window_errors(text):
    raises_like(lambda: _call(flambeau, text), lambda: _call(torch, text))


def test_periodic_window_is_the_longer_symmetric_one_cut():
    symmetric = flambeau.hann_window(9, periodic=False)
    assert flambeau.equal(flambeau.hann_window(8), symmetric[:8])
