"""flambeau's public namespaces hold no name that torch's lack (the reverse is the harness's
"missing" list: ../shared/conformance/opinfo.py)."""
import pytest
import torch

import flambeau

OWN = {"compat", "vision"}  # helpers for running torch code unchanged; torchvision


@pytest.mark.parametrize("path", ["", "Tensor", "linalg", "fft", "special"])
def test_no_names_torch_lacks(path):
    ours, theirs = flambeau, torch
    for part in filter(None, path.split(".")):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    extra = {n for n in dir(ours) if not n.startswith("_") and not hasattr(theirs, n)} - OWN
    assert not extra
