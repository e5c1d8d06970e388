"""torch.signal.windows against torch: values, dtypes, the history requires_grad gives, and
torch's errors."""
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

CALLS = [
    "bartlett(7)", "bartlett(8, sym=False)", "blackman(9)", "blackman(6, sym=False)",
    "cosine(10)", "cosine(10, sym=False)", "exponential(10)",
    "exponential(10, sym=False, tau=0.5)", "exponential(7, sym=False, center=2.0)",
    "gaussian(9, std=2.0)", "gaussian(8, sym=False)", "general_cosine(8, a=[0.5, 0.3, 0.2])",
    "general_hamming(7, alpha=0.6)", "hamming(12)", "hann(12, sym=False)", "kaiser(9)",
    "kaiser(10, beta=5.0, sym=False)", "nuttall(11)", "hann(0)", "hann(1)",
    "hann(5, dtype=L.float64)", "gaussian(6, requires_grad=True)",
]


def _call(lib, text):
    return eval("lib.signal.windows." + text, {"lib": lib, "L": lib})


@pytest.mark.parametrize("text", CALLS)
def test_window_as_torch(text):
    ours, theirs = _call(flambeau, text), _call(torch, text)
    assert ours.requires_grad == theirs.requires_grad
    assert (ours.grad_fn is None) == (theirs.grad_fn is None)
    assert_same(ours.detach(), theirs.detach(), rtol=1e-6, atol=2e-7)


@pytest.mark.parametrize("text", [
    "hann(-1)", "hann(3, dtype=L.float16)", "exponential(3, center=1.0)",
    "exponential(3, tau=0)", "gaussian(3, std=-1)", "kaiser(3, beta=-1)",
    "general_cosine(3, a=0.5)", "general_cosine(3, a=[])"])
def test_window_errors(text, as_torch):
    raises_like(lambda: _call(flambeau, text), lambda: _call(torch, text))
