"""torch.masked against torch, on the samples of torch's own OpInfo database for each masked
op: values (masked-out and fully masked rows included), dtypes, and the gradients of the
float64 samples."""
import numpy as np
import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import flambeau
from test_gradcheck import _to_flambeau

MASKED = [op for op in op_db if op.name.startswith("masked.")]


def _samples(op, dtype, requires_grad=False):
    return [s for s in op.sample_inputs("cpu", dtype, requires_grad=requires_grad)
            if s.input.layout == torch.strided]


def _same(ours, theirs):
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5,
                               atol=1e-6, equal_nan=True)


def test_every_masked_opinfo_is_covered():
    assert len(MASKED) >= 19
    assert all(hasattr(flambeau.masked, op.name.split(".")[1]) for op in MASKED)


@pytest.mark.parametrize("op", MASKED, ids=lambda op: op.name)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
def test_values_as_torch(op, dtype):
    if dtype not in op.supported_dtypes("cpu"):
        pytest.skip(f"torch's {op.name} has no {dtype}")
    ours_fn = getattr(flambeau.masked, op.name.split(".")[1])
    for sample in _samples(op, dtype):
        try:
            theirs = op.op(sample.input, *sample.args, **sample.kwargs)
        except Exception as error:
            with pytest.raises(type(error)):
                ours_fn(_to_flambeau(sample.input), *_to_flambeau(sample.args),
                        **_to_flambeau(sample.kwargs))
            continue
        _same(ours_fn(_to_flambeau(sample.input), *_to_flambeau(sample.args),
                      **_to_flambeau(sample.kwargs)), theirs)


@pytest.mark.parametrize("op", [op for op in MASKED if op.supports_autograd],
                         ids=lambda op: op.name)
def test_gradients_as_torch(op):
    ours_fn = getattr(flambeau.masked, op.name.split(".")[1])
    for sample in _samples(op, torch.float64, requires_grad=True)[:6]:
        theirs = op.op(sample.input, *sample.args, **sample.kwargs)
        x = _to_flambeau(sample.input)
        ours = ours_fn(x, *_to_flambeau(sample.args), **_to_flambeau(sample.kwargs))
        weights = torch.rand(theirs.shape, dtype=theirs.dtype)
        finite = torch.isfinite(theirs)  # (rows with no element masked in have no gradient)
        (theirs * weights)[finite].sum().backward()
        (ours * _to_flambeau(weights))[_to_flambeau(finite)].sum().backward()
        if sample.input.grad is None:
            assert x.grad is None or not x.grad.any()
        else:
            _same(x.grad, sample.input.grad)
