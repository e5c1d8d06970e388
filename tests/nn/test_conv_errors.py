"""Convolution errors raised as torch raises them, in torch's order: a bias or weight of another
dtype than the input, a weight under three dims, too few or indivisible output channels for the
groups, and the output padding of a transposed convolution (a 1-d one named as 2-d, as torch
runs it)."""
import pytest
import torch

import flambeau
from conftest import raises_like

CALLS = [
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 1, 4), lib.ones(1, 1, 2),
                                         lib.ones(1, dtype=lib.float64)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 4, 4), lib.ones(1, 1, 2, 2),
                                         lib.ones(1, dtype=lib.float64), stride=-1),
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 2, 4), lib.ones(1, 1, 2, dtype=lib.float64)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 1, 4), lib.ones(1, 1, 6, dtype=lib.float64)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 1, 4), lib.ones(1, 1, 2, dtype=lib.float64),
                                         lib.ones(2)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 1, 4), lib.ones(1, 2)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(2, 2, 4), lib.ones(2, 2, 2), groups=3),
    lambda lib: lib.nn.functional.conv1d(lib.ones(2, 6, 4), lib.ones(4, 2, 2), groups=3),
    lambda lib: lib.nn.functional.conv_transpose1d(lib.ones(1, 1, 4), lib.ones(1, 1, 2),
                                                   stride=2, dilation=3, output_padding=3),
    lambda lib: lib.nn.functional.conv_transpose3d(lib.ones(1, 1, 4, 4, 4), lib.ones(1, 1, 2, 2, 2),
                                                   stride=2, output_padding=(0, 2, 0)),
]


@pytest.mark.parametrize("call", CALLS)
def test_errors(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))


def test_transposed_bias_of_another_dtype():
    """A transposed convolution adds a bias of another dtype, as torch's does."""
    args = [(lib.ones(1, 1, 4, 4), lib.ones(1, 1, 2, 2), lib.ones(1, dtype=lib.float64))
            for lib in (torch, flambeau)]
    theirs, ours = (lib.nn.functional.conv_transpose2d(*a) for lib, a in
                    zip((torch, flambeau), args))
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert ours.tolist() == theirs.tolist()
