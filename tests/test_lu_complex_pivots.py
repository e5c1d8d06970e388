"""Complex LU factorizations pivot as LAPACK's getrf does, on |re| + |im| (not the modulus), so
pivots, factors and everything built on them (det, solve, inv) equal torch's."""
import numpy as np
import pytest
import torch

import flambeau


def _pair(values, dtype):
    t = torch.tensor(values, dtype=dtype)
    return t, flambeau.tensor(t.numpy())


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_pivot_on_the_sum_of_absolute_parts(dtype):
    # column 0: |3| > |2+2i|, but 3 < |2| + |2|: LAPACK picks row 1
    t, f = _pair([[3 + 0j, 1 - 1j, 0.5j], [2 + 2j, -1 + 0j, 2 - 1j], [1j, 4 + 0j, 1 + 0j]],
                 dtype)
    for ours, theirs in zip(flambeau.linalg.lu_factor(f), torch.linalg.lu_factor(t)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_random_batches_match_torch():
    g = torch.Generator().manual_seed(0)
    t = torch.randn(4, 5, 5, dtype=torch.complex128, generator=g)
    f = flambeau.tensor(t.numpy())
    for ours, theirs in zip(flambeau.linalg.lu(f), torch.linalg.lu(t)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    for ours, theirs in zip(flambeau.linalg.lu_factor_ex(f), torch.linalg.lu_factor_ex(t)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
