"""Every op of torch's OpInfo database that flambeau has, on uint16/uint32/uint64 inputs: the
int32 samples with their int32 tensors (and ``dtype=int32`` options) made unsigned, run in
torch and in flambeau. Where torch refuses (most ops: the unsigned types are "barebones"),
flambeau raises the same exception type and message; where torch computes, the same values,
dtypes and shapes. ``KNOWN`` lists the ops that still differ, as strict expected failures:
the list only shrinks."""
import itertools
import warnings

import pytest
import torch

import flambeau
from test_error_inputs import _sharing
from test_op_values import UNINITIALISED, _Unsupported, _assert_same, _check_convertible, \
    _function, _leaves, _ops

UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)
SAMPLES = 2
# test ids whose unsigned samples still differ from torch (a refusal naming another kernel,
# a refusal where torch computes or the reverse, another result dtype): run one to see how
KNOWN = set()  # (none left)


def _unsigned(value, dtype):
    """``value`` with its int32 tensors and dtypes made ``dtype``."""
    if isinstance(value, (list, tuple)):
        return type(value)(_unsigned(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _unsigned(v, dtype) for k, v in value.items()}
    if isinstance(value, torch.Tensor) and value.dtype is torch.int32:
        return value.abs().to(dtype)
    return dtype if value is torch.int32 else value


def _compare(op, fn, sample, dtype):
    every = _unsigned([sample.input, list(sample.args), sample.kwargs], dtype)
    try:
        _check_convertible(every)
    except _Unsupported:
        return
    made = {}
    args = _sharing([every[0], *every[1]], made)
    kwargs = _sharing(every[2], made)
    torch.manual_seed(42)
    try:
        theirs = op(every[0], *every[1], **every[2])
    except Exception as error:
        with pytest.raises(Exception) as ours:
            fn(*args, **kwargs)
        assert type(ours.value).__name__ == type(error).__name__ and \
            str(ours.value) == str(error), (ours.value, error)
        return
    flambeau.manual_seed(42)
    ours = list(_leaves(fn(*args, **kwargs)))
    theirs = list(_leaves(theirs))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _assert_same(o, t, op.name not in UNINITIALISED)


def _params():
    out = []
    for p in _ops():
        op = p.values[0]
        if torch.int32 not in op.supported_dtypes("cpu") or p.marks:
            continue
        marks = [pytest.mark.xfail(strict=True, reason="differs from torch")] \
            if p.id in KNOWN else []
        out.append(pytest.param(op, id=p.id, marks=marks))
    return out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _params())
def test_unsigned_samples_as_torch(op, as_torch):  # (messages print dtypes as torch.uint16)
    fn = _function(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = list(itertools.islice(op.sample_inputs("cpu", torch.int32), SAMPLES))
    for dtype in UNSIGNED:
        for sample in samples:
            _compare(op, fn, sample, dtype)
