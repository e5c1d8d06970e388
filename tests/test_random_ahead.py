"""The float32 uniforms and normals the engine computes ahead (small ``rand``/``uniform_`` and
``randn``/``normal_`` fills) leave every other sampler, the generator's state bytes and restored states exactly as torch's: a long,
seeded mix of calls is compared with torch after every call, also with a drawn-ahead block so
small that it is refilled and replayed all the time."""
import random

import numpy as np
import pytest
import torch

import flambeau
from flambeau._ops import _mt19937

from test_random_streams import assert_same_state, assert_same_values


def _calls(rng):
    """A mix of samplers, each ``call(lib, generator)``; sizes favour the small normal path.
    (float64 normals only below 16 values, where torch's scalar path draws them bit for
    bit.)"""
    def size():
        return rng.choice([16, 17, 31, 32, 64, 100, 257, 1000, 4096, 4097, rng.randrange(16, 600)])
    menu = [
        lambda: (lambda n: lambda lib, g: lib.randn(n, generator=g))(size()),
        lambda: (lambda n, m, s: lambda lib, g: lib.empty(n).normal_(m, s, generator=g))(
            size(), rng.uniform(-2, 2), rng.uniform(0.1, 3)),
        lambda: (lambda n: lambda lib, g: lib.randn(n, generator=g))(rng.randrange(1, 16)),
        lambda: (lambda n: lambda lib, g: lib.rand(n, generator=g))(rng.randrange(1, 300)),
        lambda: (lambda n: lambda lib, g: lib.rand(n, 3, generator=g))(rng.randrange(1, 1500)),
        lambda: (lambda n: lambda lib, g: lib.empty(n).uniform_(generator=g))(size()),
        lambda: (lambda n: lambda lib, g: lib.randint(0, 1000, (n,), generator=g))(
            rng.randrange(1, 300)),
        lambda: (lambda n: lambda lib, g: lib.randn(n, dtype=lib.float64, generator=g))(
            rng.randrange(1, 16)),
        lambda: (lambda n: lambda lib, g: lib.randperm(n, generator=g))(rng.randrange(1, 50)),
        lambda: lambda lib, g: lib.poisson(lib.tensor([0.5, 4.0, 30.0]), generator=g),
        lambda: (lambda n: lambda lib, g: lib.empty(n, dtype=lib.float16).normal_(generator=g))(
            size()),
    ]
    return [rng.choice(menu)() for _ in range(120)]


@pytest.fixture(params=["default", "tiny block"])
def block(request, monkeypatch):
    if request.param == "tiny block":
        monkeypatch.setattr(_mt19937, "_AHEAD", 40)
        monkeypatch.setattr(_mt19937, "_REPLAY_LIMIT", 300)


@pytest.mark.parametrize("seed", [0, 7, 2 ** 63 + 5])
def test_mixed_calls_match_torch_after_every_call(block, seed):
    gen_t, gen_f = torch.Generator().manual_seed(seed), flambeau.Generator().manual_seed(seed)
    for i, call in enumerate(_calls(random.Random(seed))):
        assert_same_values(call(flambeau, gen_f), call(torch, gen_t))
        if i % 3 == 0:
            assert_same_state(gen_f, gen_t)


def test_state_set_inside_a_drawn_ahead_block(block):
    gen_t, gen_f = torch.Generator().manual_seed(3), flambeau.Generator().manual_seed(3)
    for lib, g in ((torch, gen_t), (flambeau, gen_f)):
        lib.randn(64, generator=g)
    saved = gen_t.get_state()
    np.testing.assert_array_equal(gen_f.get_state().numpy(), saved.numpy())
    expected = torch.randn(48, generator=gen_t)
    assert_same_values(flambeau.randn(48, generator=gen_f), expected)
    gen_f.set_state(flambeau.tensor(saved.numpy()))  # back to the middle of the block
    assert_same_values(flambeau.randn(48, generator=gen_f), expected)
    assert_same_state(gen_f, gen_t)


def test_clone_inside_a_drawn_ahead_block_continues_the_stream(block):
    gen_t, gen_f = torch.Generator().manual_seed(11), flambeau.Generator().manual_seed(11)
    torch.randn(32, generator=gen_t)
    flambeau.randn(32, generator=gen_f)
    copy_t, copy_f = gen_t.clone_state(), gen_f.clone_state()
    for g_f, g_t in ((gen_f, gen_t), (copy_f, copy_t)):
        assert_same_values(flambeau.rand(70, generator=g_f), torch.rand(70, generator=g_t))
        assert_same_values(flambeau.randn(20, generator=g_f), torch.randn(20, generator=g_t))
        assert_same_state(g_f, g_t)


def test_whole_block_normals_at_every_phase(block):
    """Fills of whole 16-draw blocks that start at each position modulo 16 of the drawn-ahead
    block (each phase's normals computed once, then served again): torch's values and state."""
    gen_t, gen_f = torch.Generator().manual_seed(5), flambeau.Generator().manual_seed(5)
    for shift in list(range(16)) * 2:
        for lib, g in ((torch, gen_t), (flambeau, gen_f)):
            lib.rand(shift, generator=g)
        assert_same_values(flambeau.randn(4, 8, generator=gen_f),
                           torch.randn(4, 8, generator=gen_t))
        assert_same_values(flambeau.empty(48).normal_(1.0, 0.5, generator=gen_f),
                           torch.empty(48).normal_(1.0, 0.5, generator=gen_t))
    assert_same_state(gen_f, gen_t)
