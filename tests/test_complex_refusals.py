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

from dtype_sweep import params, recast, run_both
from test_op_values import _function

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


def _compare(op, fn, sample):
    every = recast([sample.input, list(sample.args), sample.kwargs], torch.float32,
                   torch.complex64, lambda t: t.to(torch.complex64).requires_grad_(t.requires_grad))
    run_both(op, fn, every)  # (torch's refusal, or both compute)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", params(torch.float32, KNOWN))
def test_complex_samples_as_torch(op, as_torch):  # (messages print dtypes as torch.complex64)
    fn = _function(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = list(itertools.islice(op.sample_inputs("cpu", torch.float32), SAMPLES))
    for sample in samples:
        _compare(op, fn, sample)
