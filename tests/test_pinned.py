"""Pinned memory on a machine without a GPU, as torch's CPU build: nothing is pinned and
pinning raises."""
import warnings

import pytest
import torch

import flambeau
from conftest import raises_like


@pytest.mark.parametrize("call", [lambda x: x.pin_memory(), lambda x: x.pin_memory("cpu"),
                                  lambda x: x.pin_memory(0), lambda x: x.is_pinned(1),
                                  lambda x: x.pin_memory(1, 2)])
def test_pinning_raises_as_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        raises_like(lambda: call(flambeau.ones(2)), lambda: call(torch.ones(2)))


def test_nothing_is_pinned():
    assert flambeau.ones(2).is_pinned() is torch.ones(2).is_pinned() is False
    with pytest.warns(DeprecationWarning, match="argument 'device' of Tensor.is_pinned"):
        assert flambeau.ones(2).is_pinned("cpu") is False
