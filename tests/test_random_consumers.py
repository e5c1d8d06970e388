"""What draws through the samplers as torch's Python code does (nn.init, dropout, the data
samplers and loaders) gives torch's numbers after the same seed and leaves torch's state."""
import numpy as np
import pytest
import torch

import flambeau
from test_random_streams import MKL_BERNOULLI

CASES = {
    "init.uniform_": lambda L: L.nn.init.uniform_(L.empty(3, 5), -2, 3),
    "init.normal_": lambda L: L.nn.init.normal_(L.empty(40), 1, 2),
    "init.xavier_uniform_": lambda L: L.nn.init.xavier_uniform_(L.empty(6, 7)),
    "init.xavier_normal_": lambda L: L.nn.init.xavier_normal_(L.empty(6, 7)),
    "init.kaiming_uniform_": lambda L: L.nn.init.kaiming_uniform_(L.empty(6, 7), a=5 ** 0.5),
    "init.kaiming_normal_": lambda L: L.nn.init.kaiming_normal_(L.empty(4, 3, 3, 3)),
    "init.trunc_normal_": lambda L: L.nn.init.trunc_normal_(L.empty(50)),
    "init.sparse_": lambda L: L.nn.init.sparse_(L.empty(10, 4), 0.3),
    "Linear": lambda L: (L.nn.Linear(7, 5).weight, L.nn.Linear(3, 2).bias),
    "Conv2d": lambda L: L.nn.Conv2d(3, 4, 3).weight,
    "Embedding": lambda L: L.nn.Embedding(10, 4).weight,
    "dropout": lambda L: L.nn.functional.dropout(L.ones(5, 7), 0.4),
    "dropout2d": lambda L: L.nn.functional.dropout2d(L.ones(2, 5, 3, 3), 0.4),
    "alpha_dropout": lambda L: L.nn.functional.alpha_dropout(L.ones(5, 7), 0.4, True),
    "random_split": lambda L: [list(s.indices) for s in
                               L.utils.data.random_split(range(10), [3, 7])],
    "RandomSampler": lambda L: list(L.utils.data.RandomSampler(range(20))),
    "RandomSampler replacement": lambda L: list(L.utils.data.RandomSampler(
        range(20), replacement=True, num_samples=9)),
    "WeightedRandomSampler": lambda L: list(L.utils.data.WeightedRandomSampler(
        [0.1, 0.5, 0.4, 2.0], 6)),
    "SubsetRandomSampler": lambda L: list(L.utils.data.SubsetRandomSampler([4, 8, 15, 16])),
    "DataLoader shuffle": lambda L: [b.tolist() for b in L.utils.data.DataLoader(
        L.arange(10), batch_size=4, shuffle=True)],
}


def _run(lib, fn):
    lib.manual_seed(3)
    result = fn(lib)
    parts = result if isinstance(result, tuple) else (result,)
    return [p.detach().numpy() if hasattr(p, "detach") else p for p in parts], \
        lib.get_rng_state().numpy()


@pytest.mark.parametrize("name", [pytest.param(name, marks=MKL_BERNOULLI) if "dropout" in name
                                  else name for name in CASES])
def test_same_draws_as_torch(name):
    try:
        got, got_state = _run(flambeau, CASES[name])
    except AttributeError as e:  # a module another issue is still bringing
        pytest.skip(str(e))
    want, want_state = _run(torch, CASES[name])
    for g, w in zip(got, want):
        if isinstance(w, list):
            assert g == w
        else:
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(got_state, want_state)


def test_orthogonal_init():  # QR in LAPACK: equal to rounding
    got, got_state = _run(flambeau, lambda L: L.nn.init.orthogonal_(L.empty(4, 6)))
    want, want_state = _run(torch, lambda L: L.nn.init.orthogonal_(L.empty(4, 6)))
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_state, want_state)
