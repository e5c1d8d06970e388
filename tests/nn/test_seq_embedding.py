"""Embedding's table gradient summed by sorted runs of indices (many repeats, padding_idx,
scale_grad_by_freq, few indices) against torch, in float64."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same


@pytest.mark.parametrize("n,vocab,padding_idx,freq", [
    (700, 50, None, False), (700, 10000, 3, False), (300, 20, 0, True), (5, 7, None, True),
    (0, 4, None, False)])
def test_embedding_backward_sums_repeats(n, vocab, padding_idx, freq):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, vocab, (n // 5, 5) if n else (0,))
    table = rng.standard_normal((vocab, 6))
    g = rng.standard_normal(idx.shape + (6,))
    grads = []
    for lib in (flambeau, torch):
        w = lib.tensor(table, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(idx), w, padding_idx=padding_idx,
                                          scale_grad_by_freq=freq)
        out.backward(lib.tensor(g))
        grads.append(w.grad)
    assert_same(grads[0], grads[1], rtol=1e-13, atol=1e-13)
