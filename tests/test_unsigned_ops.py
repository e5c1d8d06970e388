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

from dtype_sweep import params, recast, run_both
from test_op_values import UNINITIALISED, _assert_same, _function, _leaves

UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)
SAMPLES = 2
# test ids whose unsigned samples still differ from torch (a refusal naming another kernel,
# a refusal where torch computes or the reverse, another result dtype): run one to see how
KNOWN = set()  # (none left)


def _compare(op, fn, sample, dtype):
    every = recast([sample.input, list(sample.args), sample.kwargs], torch.int32, dtype,
                   lambda t: t.abs().to(dtype))
    both = run_both(op, fn, every)
    if both is None:
        return
    ours, theirs = list(_leaves(both[0])), list(_leaves(both[1]))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _assert_same(o, t, op.name not in UNINITIALISED)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", params(torch.int32, KNOWN))
def test_unsigned_samples_as_torch(op, as_torch):  # (messages print dtypes as torch.uint16)
    fn = _function(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = list(itertools.islice(op.sample_inputs("cpu", torch.int32), SAMPLES))
    for dtype in UNSIGNED:
        for sample in samples:
            _compare(op, fn, sample, dtype)
