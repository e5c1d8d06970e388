"""float16 and bfloat16 reductions accumulate in float32 and round once, as torch's CPU kernels
do: no overflow to inf in squares and sums whose result fits, no precision lost to a running
half-precision total; and torch's errors for inf-norms of empty tensors."""
import numpy as np
import pytest
import torch

import flambeau

OPS = {
    "mean": lambda m, x: x.mean(),
    "mean_dim": lambda m, x: x.mean(1),
    "sum": lambda m, x: (x / 100).sum(1),
    "nansum": lambda m, x: (x / 100).nansum(),
    "var": lambda m, x: (x / 10).var(1),
    "std": lambda m, x: x.std(),
    "var_mean": lambda m, x: m.var_mean(x / 10, 1),
    "std_mean": lambda m, x: m.std_mean(x),
    "norm": lambda m, x: x.norm(),
    "vector_norm": lambda m, x: m.linalg.vector_norm(x, dim=1),
    "vector_norm_3": lambda m, x: m.linalg.vector_norm(x, 3, dim=0),
    "matrix_norm": lambda m, x: m.linalg.matrix_norm(x),
    "dist": lambda m, x: m.dist(x, -x),
    "renorm": lambda m, x: x.renorm(2, 0, 1.0),
    "cumsum": lambda m, x: (x / 100).cumsum(1),
    "cumprod": lambda m, x: (x / 500).cumprod(1),
    "rms_norm": lambda m, x: m.nn.functional.rms_norm(x, (64,)),
    "normalize": lambda m, x: m.nn.functional.normalize(x),
    "cosine_similarity": lambda m, x: m.nn.functional.cosine_similarity(x, x + 1),
    "pairwise_distance": lambda m, x: m.nn.functional.pairwise_distance(x, -x),
}


def _leaves(r):
    return r if isinstance(r, tuple) else (r,)


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_reductions_match_torch(name, dtype):
    x = (torch.randn(4, 64, generator=torch.Generator().manual_seed(0)) * 300 + 500)
    x = x.to(getattr(torch, dtype))
    y = flambeau.tensor(x.float().numpy()).to(getattr(flambeau, dtype))
    for got, want in zip(_leaves(OPS[name](flambeau, y)), _leaves(OPS[name](torch, x))):
        assert str(got.dtype) == f"flambeau.{dtype}" and got.shape == want.shape
        # one rounding of the float32 result, up to the summation order: a half-ulp or two
        np.testing.assert_allclose(got.float().numpy(), want.float().numpy(),
                                   rtol=2 ** -9 if dtype == "float16" else 2 ** -6)
        assert np.isfinite(got.float().numpy()).all() == np.isfinite(want.float().numpy()).all()


def test_running_sums_round_once():
    for lib in (torch, flambeau):
        x = lib.tensor([2048.0, 1, 1, 1, 1], dtype=lib.float16)
        assert x.cumsum(0).tolist() == [2048, 2048, 2050, 2052, 2052]


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.vector_norm(m.zeros(0), float("inf")),
    lambda m: m.linalg.vector_norm(m.zeros(2, 0), -float("inf"), dim=1),
    lambda m: m.zeros(2, 0).norm(float("inf")),
    lambda m: m.zeros(2, 0).norm(float("inf"), dim=(0, 1)),
    lambda m: m.dist(m.zeros(0), m.zeros(0), float("inf")),
    lambda m: m.zeros(3, 0).renorm(float("inf"), 0, 1.0),
])
def test_inf_norms_of_empty_tensors_raise_as_torch(call):
    with pytest.raises(RuntimeError) as theirs:
        call(torch)
    with pytest.raises(RuntimeError) as ours:
        call(flambeau)
    assert str(ours.value) == str(theirs.value)


def test_inf_norm_over_a_non_empty_dim_of_an_empty_tensor():
    assert tuple(flambeau.zeros(2, 0).norm(float("inf"), dim=0).shape) == \
        tuple(torch.zeros(2, 0).norm(float("inf"), dim=0).shape)


SCALARS = [0.1, 1e-3, 3.3, 1 / 3, -0.7, 7, 65535.999, 70000.0, 100001, True]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("form", ["function", "reversed", "inplace"])
@pytest.mark.parametrize("name", ["mul", "div"])
def test_half_times_a_python_number_as_torch(name, form, dtype):
    """mul and div take a Python number at float32 and round the result once, as torch's
    kernels read a scalar; NumPy would round the number to the half type first (float16 0.5 *
    65535.999 is 32768 in torch, inf that way)."""
    values = (np.random.default_rng(0).standard_normal(2000) * 10).astype(np.float32)

    def run(m):
        x = m.tensor(values).to(getattr(m, dtype))
        results = []
        for s in SCALARS:
            if form == "function":
                results.append(getattr(m, name)(x, s))
            elif form == "reversed":
                results.append(s * x if name == "mul" else s / x)
            else:
                results.append(getattr(x.clone(), name + "_")(s))
        return m.stack(results).float().numpy()
    np.testing.assert_array_equal(run(flambeau), run(torch))
