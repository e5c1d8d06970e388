"""Every module's default initialisation (``reset_parameters``) against torch's: after
``manual_seed(0)`` in both libraries the same constructor gives the same parameters and
buffers, bit for bit; statistically (bounds, moments) where the streams differ."""
import math

import numpy as np
import pytest
import torch

import flambeau
from conftest import to_numpy
from test_init import _streams_match

# (class name, args, kwargs); modules of later issues are checked once flambeau has them
MODULES = [
    ("Linear", (20, 30), {}), ("Linear", (20, 30), {"bias": False}), ("Linear", (0, 4), {}),
    ("Bilinear", (4, 5, 3), {}), ("PReLU", (), {}), ("PReLU", (6,), {"init": 0.1}),
    ("BatchNorm1d", (6,), {}), ("BatchNorm2d", (6,), {"affine": False}),
    ("BatchNorm3d", (6,), {"track_running_stats": False}), ("SyncBatchNorm", (6,), {}),
    ("LayerNorm", (6,), {}), ("LayerNorm", ((2, 6),), {"bias": False}),
    ("GroupNorm", (2, 6), {}), ("InstanceNorm1d", (6,), {"affine": True}), ("RMSNorm", (6,), {}),
    ("Conv1d", (4, 6, 3), {}), ("Conv2d", (4, 6, 3), {"groups": 2}),
    ("Conv3d", (2, 4, 2), {"bias": False}), ("ConvTranspose2d", (4, 6, 3), {}),
    ("Embedding", (10, 4), {}), ("Embedding", (10, 4), {"padding_idx": 2}),
    ("EmbeddingBag", (10, 4), {}), ("RNN", (4, 6), {}), ("LSTM", (4, 6), {"num_layers": 2}),
    ("GRU", (4, 6), {"bidirectional": True}), ("LSTMCell", (4, 6), {}),
    ("MultiheadAttention", (8, 2), {}), ("TransformerEncoderLayer", (8, 2, 16), {}),
]


def _build(lib, name, args, kwargs):
    lib.manual_seed(0)
    return getattr(lib.nn, name)(*args, **kwargs)


def _present(name):
    try:
        getattr(flambeau.nn, name)
    except AttributeError:
        return False
    return True


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors is a no-op")
@pytest.mark.parametrize("name,args,kwargs", MODULES,
                         ids=[f"{n}{a}{k or ''}" for n, a, k in MODULES])
def test_same_state_as_torch(name, args, kwargs):
    if not _present(name):
        pytest.skip(f"flambeau.nn.{name} does not exist yet")
    theirs = _build(torch, name, args, kwargs).state_dict()
    ours = _build(flambeau, name, args, kwargs).state_dict()
    assert list(ours) == list(theirs)
    exact = _streams_match()
    for key, value in theirs.items():
        a, b = to_numpy(ours[key]), to_numpy(value)
        assert a.shape == b.shape and a.dtype == b.dtype, key
        if exact:
            np.testing.assert_array_equal(a, b, err_msg=key)


@pytest.mark.parametrize("fan_in,fan_out", [(100, 200), (1000, 50)])
def test_linear_distribution(fan_in, fan_out):
    """kaiming_uniform_(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as the bias."""
    bound = 1 / math.sqrt(fan_in)
    for seed in range(3):
        flambeau.manual_seed(seed)
        m = flambeau.nn.Linear(fan_in, fan_out)
        for p in (m.weight, m.bias):
            x = to_numpy(p)
            assert -bound <= x.min() and x.max() <= bound
            assert abs(x.std() / (bound / math.sqrt(3)) - 1) < 0.2
            assert abs(x.mean()) < 3 * bound / math.sqrt(3 * x.size)
