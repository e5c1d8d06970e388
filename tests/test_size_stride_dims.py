"""``size(dim)`` and ``stride(dim)`` refuse bad dims with torch's errors, 0-d tensors included
(Python's "tuple index out of range" used to leak)."""
import numpy as np
import pytest
import torch

import flambeau


@pytest.mark.parametrize("method", ["size", "stride"])
@pytest.mark.parametrize("shape, dim", [((), 0), ((), -1), ((), 1), ((2,), 1), ((2,), -2),
                                        ((2, 3), "a"), ((2, 3), 1.0), ((2, 3), np.int64(-1)),
                                        ((2, 3), -2)])
def test_dims_as_torch(method, shape, dim):
    outcomes = []
    for lib in (torch, flambeau):
        try:
            outcomes.append(getattr(lib.zeros(shape), method)(dim))
        except (IndexError, TypeError) as error:
            outcomes.append((type(error).__name__, str(error)))
    assert outcomes[1] == outcomes[0]
