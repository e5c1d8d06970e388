"""Every op of torch's OpInfo database that flambeau has, on complex64 inputs: the float32
samples with their float32 tensors (and ``dtype=float32`` options) made complex, run in torch
and in flambeau. Where torch refuses complex input, flambeau raises the same exception type and
message; where torch computes, flambeau computes too (the values are the business of
test_op_values). ``KNOWN`` lists the ops that still differ, as strict expected failures: the
list only shrinks."""
import itertools
import warnings

import pytest
import torch

from test_error_inputs import _sharing
from test_op_values import _Unsupported, _check_convertible, _function, _ops

SAMPLES = 1
# test ids whose complex samples still differ from torch (another refusal, a refusal where
# torch computes or the reverse): run one to see how
KNOWN = {
    "nn.functional.linear_cross_entropy.chunked",
    "nn.functional.linear_cross_entropy.chunked_none", "nn.functional.adaptive_avg_pool1d",
    "nn.functional.local_response_norm", "nn.functional.scaled_dot_product_attention",
    "nn.functional.embedding_bag", "nn.functional.grid_sample", "grid_sampler_2d",
    "grid_sampler_3d", "nn.functional.ctc_loss",
}


def _complex(value):
    """``value`` with its float32 tensors and dtypes made complex64."""
    if isinstance(value, (list, tuple)):
        return type(value)(_complex(v) for v in value)
    if isinstance(value, dict):
        return {k: _complex(v) for k, v in value.items()}
    if isinstance(value, torch.Tensor) and value.dtype is torch.float32:
        return value.to(torch.complex64).requires_grad_(value.requires_grad)
    return torch.complex64 if value is torch.float32 else value


def _compare(op, fn, sample):
    every = _complex([sample.input, list(sample.args), sample.kwargs])
    try:
        _check_convertible(every)
    except _Unsupported:
        return
    made = {}
    args = _sharing([every[0], *every[1]], made)
    kwargs = _sharing(every[2], made)
    torch.manual_seed(42)
    try:
        op(every[0], *every[1], **every[2])
    except Exception as error:
        with pytest.raises(Exception) as ours:
            fn(*args, **kwargs)
        assert type(ours.value).__name__ == type(error).__name__ and \
            str(ours.value) == str(error), (ours.value, error)
        return
    fn(*args, **kwargs)


def _params():
    out = []
    for p in _ops():
        op = p.values[0]
        if torch.float32 not in op.supported_dtypes("cpu") or p.marks:
            continue
        marks = [pytest.mark.xfail(strict=True, reason="differs from torch")] \
            if p.id in KNOWN else []
        out.append(pytest.param(op, id=p.id, marks=marks))
    return out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _params())
def test_complex_samples_as_torch(op, as_torch):  # (messages print dtypes as torch.complex64)
    fn = _function(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = list(itertools.islice(op.sample_inputs("cpu", torch.float32), SAMPLES))
    for sample in samples:
        _compare(op, fn, sample)
