"""A Python range in an index is read as the list of its values, as torch reads it (the
Forward-Forward example writes labels with x[range(n), y] = ...)."""
import pytest
import torch

import flambeau
from conftest import assert_same


@pytest.mark.parametrize("key", [lambda m: range(2), lambda m: (range(3), [0, 1, 2]),
                                 lambda m: (slice(None), range(1, 3)), lambda m: range(0),
                                 lambda m: (range(3), m.tensor([1, 2, 3]))])
def test_range_keys(key):
    ours, theirs = flambeau.arange(12.0).view(3, 4), torch.arange(12.0).view(3, 4)
    assert_same(ours[key(flambeau)], theirs[key(torch)])
    ours[key(flambeau)] = -1.0
    theirs[key(torch)] = -1.0
    assert_same(ours, theirs)
