"""The fast paths of uniform_ and normal_: values drawn a chunk at a time straight into the
tensor's buffer are torch's, bit for bit (float64 normals within a few ulps, see
flambeau.Generator), across chunk boundaries and partial blocks, and no temporary of the
tensor's size is made."""
import tracemalloc

import numpy as np
import pytest
import torch

import flambeau
from flambeau._ops import _distributions
from test_random_streams import MKL_BERNOULLI

CHUNK = _distributions._CHUNK
SIZES = (17, CHUNK, 2 * CHUNK + 5, 3 * CHUNK + 16)
DTYPES = ("float32", "float64", "float16", "bfloat16", "complex64")


def _as_numpy(t):
    t = t.detach()
    if t.dtype in (torch.bfloat16, flambeau.bfloat16):
        t = t.float()
    array = t.numpy()
    return array.view(array.real.dtype) if array.dtype.kind == "c" else array


def _same(fn, seed, ulps=0):
    """fn(lib, generator) in both libraries: equal values, and equal draws afterwards."""
    gen_t, gen_f = torch.Generator().manual_seed(seed), flambeau.Generator().manual_seed(seed)
    want, got = _as_numpy(fn(torch, gen_t)), _as_numpy(fn(flambeau, gen_f))
    assert got.dtype == want.dtype and got.shape == want.shape
    if ulps:
        np.testing.assert_array_max_ulp(got, want, ulps)
    else:
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(gen_f.get_state().numpy(), gen_t.get_state().numpy())


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
# the last: a float32 range of one spacing, where about half the values round up to `to`
@pytest.mark.parametrize("bounds", [(0.0, 1.0), (-0.3, 0.7), (2.0, 2.5), (1.0, 1 + 2 ** -23)])
def test_uniform_in_place(n, dtype, bounds):
    _same(lambda m, g: m.empty(n, dtype=getattr(m, dtype)).uniform_(*bounds, generator=g),
          n + 3)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("params", [(0.0, 1.0), (0.5, 0.01)])
def test_normal_in_place(n, dtype, params):
    ulps = 4 if dtype == "float64" else 0
    _same(lambda m, g: m.empty(n, dtype=getattr(m, dtype)).normal_(*params, generator=g),
          n + 5, ulps)




@MKL_BERNOULLI
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", ("float32", "float16", "bfloat16", "bool", "int64"))
def test_bernoulli_in_place(n, dtype):
    _same(lambda m, g: m.empty(n, dtype=getattr(m, dtype)).bernoulli_(0.3, generator=g), n)


@pytest.mark.parametrize("draw", ["rand", "randn"])
def test_factories_across_chunks(draw):
    _same(lambda m, g: getattr(m, draw)(3, CHUNK + 7, generator=g), 11)


@pytest.mark.parametrize("sampler", [("uniform_", -1.0, 1.0), ("normal_", 0.0, 2.0),
                                     pytest.param(("bernoulli_", 0.4), marks=MKL_BERNOULLI)])
def test_contiguous_view_is_written_in_place(sampler):
    """A contiguous slice of a larger tensor is drawn into where it lies; the rest is kept."""
    name, *args = sampler

    def fn(m, g):
        base = m.zeros(6, 40)
        getattr(base[2:5], name)(*args, generator=g)
        return base

    _same(fn, 3)


@pytest.mark.parametrize("sampler", [("uniform_", -1.0, 1.0), ("normal_", 0.0, 2.0)])
def test_strided_view_keeps_torch_order(sampler):
    name, *args = sampler
    _same(lambda m, g: getattr(m.zeros(40, 30).t()[::2], name)(*args, generator=g), 4)


@pytest.mark.parametrize("sampler", [("uniform_", -0.1, 0.1), ("normal_", 0.0, 0.01),
                                     ("bernoulli_", 0.9)])
def test_large_draw_makes_no_full_size_temporary(sampler):
    name, *args = sampler
    t = flambeau.empty(1 << 22)  # 16 MiB
    tracemalloc.start()
    try:
        getattr(t, name)(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2 ** 20
