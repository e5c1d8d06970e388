"""trapezoid, trapz and cumulative_trapezoid follow torch's formulas in the operands' dtypes
(integer sums wrap as torch's do, a constant dx uses the simplified sum): torch's OpInfo
samples for every dtype, and the edge cases (no samples, bool inputs, a mismatched x, dx
given as a bool), compared with torch."""
import numpy as np
import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import flambeau

NAMES = ("trapz", "trapezoid", "cumulative_trapezoid")
DTYPES = (torch.uint8, torch.int8, torch.int64, torch.float32, torch.float64, torch.complex64)


def _outcome(lib, name, args, kwargs):
    args = [flambeau.tensor(a.numpy()) if lib is flambeau and isinstance(a, torch.Tensor)
            else a for a in args]
    try:
        return getattr(lib, name)(*args, **kwargs)
    except RuntimeError as error:
        return str(error)


def _compare(ours, theirs):
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_opinfo_samples(name, dtype):
    info = next(i for i in op_db if i.name == name)
    for sample in info.sample_inputs("cpu", dtype):
        args = (sample.input,) + tuple(sample.args)
        _compare(_outcome(flambeau, name, args, sample.kwargs),
                 _outcome(torch, name, args, sample.kwargs))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("args, kwargs", [
    ((torch.zeros(0, dtype=torch.int64),), {}), ((torch.zeros(2, 0),), {}),
    ((torch.zeros(0),), {"dx": 2.0}), ((torch.tensor([True, False]),), {}),
    ((torch.tensor([1.0, 2.0]), torch.tensor([True, False])), {}),
    ((torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0])), {}),
    ((torch.tensor([1, 2, 3]),), {"dx": 3}), ((torch.tensor([200, 100, 250], dtype=torch.uint8),), {}),
])
def test_edge_cases(name, args, kwargs):
    _compare(_outcome(flambeau, name, args, kwargs), _outcome(torch, name, args, kwargs))


def test_dx_as_bool():
    y = torch.tensor([1.0, 2.0])
    for name in NAMES:
        _compare(_outcome(flambeau, name, (y,), {"dx": True}),
                 _outcome(torch, name, (y,), {"dx": True}))
