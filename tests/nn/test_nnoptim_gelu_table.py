"""float32 exact gelu and its derivative come from chord tables of Phi and of Phi + x phi: within
float32 rounding of the float64 truth (closer to it than torch's own erf), within torch's error
of torch, and NaN where torch's kernel gives NaN (infinite and NaN inputs)."""
import math

import numpy as np
import torch

import flambeau


def _gelu_and_slope(lib, x):
    t = lib.from_numpy(x.copy()).requires_grad_()
    y = lib.nn.functional.gelu(t)
    y.backward(lib.ones_like(y))
    return y.detach().numpy(), t.grad.numpy()


def test_float32_gelu_tables_match_torch_and_the_truth():
    x = np.concatenate([np.linspace(-9, 9, 200001, dtype=np.float32),
                        np.random.default_rng(0).standard_normal(5000).astype(np.float32) * 3,
                        np.float32([np.inf, -np.inf, np.nan, 0.0, -0.0, 6.0, -6.0, 1e30, -1e30])])
    ours, ours_slope = _gelu_and_slope(flambeau, x)
    theirs, theirs_slope = _gelu_and_slope(torch, x)
    finite = np.isfinite(x)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(np.isnan(ours_slope), np.isnan(theirs_slope))
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-6, atol=2e-6)
    np.testing.assert_allclose(ours_slope[finite], theirs_slope[finite], rtol=0, atol=1e-6)
    x64 = x[finite].astype(np.float64)
    cdf = 0.5 * np.vectorize(math.erfc)(-x64 / math.sqrt(2))
    slope = cdf + x64 * np.exp(-0.5 * x64 * x64) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(ours[finite], x64 * cdf, rtol=2e-7, atol=1e-7)
    np.testing.assert_allclose(ours_slope[finite], slope, rtol=0, atol=2e-7)
