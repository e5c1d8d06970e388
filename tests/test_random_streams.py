"""After the same seed, every sampler draws torch's numbers and leaves the generator in torch's
state: values equal bit for bit, or where marked within one ulp (a few float64 ulps, far below
one float32 ulp) where NumPy's transcendental functions differ from the C library's; states
equal byte for byte."""
import platform

import numpy as np
import pytest
import torch

import flambeau

SEEDS = (0, 1, 12345, 2 ** 32 + 7, 2 ** 63 + 12345, 2 ** 64 - 1)


def _intel_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            return "GenuineIntel" in f.read()
    except OSError:
        return "Intel" in platform.processor()


# torch's MKL build draws bernoulli_ with a float p (and so dropout) from MKL's own stream on
# Intel CPUs; flambeau follows torch on other CPUs (see flambeau.Generator)
MKL_BERNOULLI = pytest.mark.skipif(_intel_cpu() and torch.backends.mkl.is_available(),
                                   reason="torch draws bernoulli_(p) from MKL on Intel CPUs")


def values(t):
    t = t.detach()
    if t.dtype is torch.bfloat16 or str(t.dtype) == "flambeau.bfloat16":
        return np.asarray(t.float().numpy())
    array = np.asarray(t.numpy())
    return array.view(array.real.dtype) if array.dtype.kind == "c" else array


def assert_same_values(got, want, ulps=0):
    got, want = values(got), values(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    if ulps and want.dtype.kind in "fc":
        np.testing.assert_array_max_ulp(got, want, 4 if want.real.dtype == np.float64 else 1)
    else:
        np.testing.assert_array_equal(got, want)


def assert_same_state(gen_f, gen_t):
    np.testing.assert_array_equal(gen_f.get_state().numpy(), gen_t.get_state().numpy())


def both(fn, seed, ulps=0):
    """fn(lib, generator) in both libraries from ``seed``: equal results and final states."""
    gen_t, gen_f = torch.Generator().manual_seed(seed), flambeau.Generator().manual_seed(seed)
    want, got = fn(torch, gen_t), fn(flambeau, gen_f)
    for w, g in zip(want, got) if isinstance(want, tuple) else ((want, got),):
        assert_same_values(g, w, ulps)
    assert_same_state(gen_f, gen_t)


def _empty(lib, shape, dtype):
    return lib.empty(shape, dtype=getattr(lib, dtype))


SHAPES = ((), (1,), (5,), (15,), (16,), (17,), (3, 7), (40,), (4, 33))
FLOATS = ("float32", "float64", "float16", "bfloat16")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_randn(seed, shape, dtype):
    both(lambda lib, g: (lib.rand(shape, generator=g, dtype=getattr(lib, dtype)),
                         lib.randn(shape, generator=g, dtype=getattr(lib, dtype)),
                         lib.randn(shape, generator=g, dtype=getattr(lib, dtype))), seed,
         ulps=dtype == "float64")


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("low, high", [(0, 1), (-2.5, 3), (-0.1, 0.1), (5, 5)])
def test_uniform_(seed, dtype, low, high):
    both(lambda lib, g: _empty(lib, (7, 9), dtype).uniform_(low, high, generator=g), seed)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(3,), (7, 9), (1000,)])
@pytest.mark.parametrize("mean, std", [(0, 1), (1.5, 0.2), (-3, 7)])
def test_normal_(seed, dtype, shape, mean, std):
    both(lambda lib, g: _empty(lib, shape, dtype).normal_(mean, std, generator=g), seed,
         ulps=1)


def test_non_contiguous_tensors_fill_in_memory_order():
    both(lambda lib, g: (_empty(lib, (6, 5), "float32").t().uniform_(generator=g),
                         _empty(lib, (6, 20), "float32").t().normal_(generator=g),
                         _empty(lib, (6, 20), "float64")[:, ::3].normal_(generator=g)), 3,
         ulps=1)


@pytest.mark.filterwarnings("ignore:(from|to - 1) is out of bounds")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("args, dtype", [
    ((10, (5, 4)), "int64"), ((-3, 3, (17,)), "int64"), ((0, 2 ** 40, (9,)), "int64"),
    ((-2 ** 62, 2 ** 62, (9,)), "int64"), ((0, 256, (30,)), "uint8"), ((-7, 7, (8,)), "int8"),
    ((0, 1000, (12,)), "int32"), ((0, 2, (10,)), "bool"), ((0, 100, (9,)), "float32"),
    ((0, 2 ** 24, (9,)), "float64"), ((0, 100, (9,)), "float16"), ((-5, 5, (9,)), "bfloat16"),
    ((3, 10000, (2, 3)), "int16"), ((0, 2 ** 28, (9,)), "int32"), ((0, 2 ** 28 - 1, (9,)), "int64"),
    ((0, 2 ** 28, (9,)), "float32"), ((-2 ** 31, 2 ** 31 - 1, (9,)), "float32"),
    ((-2 ** 28, 0, (9,)), "bfloat16"), ((5, 2 ** 33, (9,)), "float64")])
def test_randint(seed, args, dtype):
    both(lambda lib, g: lib.randint(*args, generator=g, dtype=getattr(lib, dtype)), seed)


@pytest.mark.parametrize("n", [1023, 1024, 5000])
@pytest.mark.parametrize("span", [3, 1000, 2 ** 28 - 1, 2 ** 28 + 3, 2 ** 40 + 1])
def test_randint_large(n, span):
    """Large draws take the remainder another way than small ones."""
    both(lambda lib, g: (lib.randint(-5, span - 5, (n,), generator=g),
                         _empty(lib, (n,), "int16").random_(generator=g),
                         _empty(lib, (n,), "float32").random_(generator=g)), n + span)


@pytest.mark.parametrize("dtype", ("int64", "int32", "int16", "int8", "uint8", "bool",
                                   "float32", "float64", "float16", "bfloat16"))
def test_random_(dtype):
    def fn(lib, g):
        return (_empty(lib, (11,), dtype).random_(generator=g),
                _empty(lib, (11,), dtype).random_(2, generator=g),
                _empty(lib, (11,), dtype).random_(0, 2, generator=g),
                _empty(lib, (11,), dtype).random_(1, None, generator=g)
                if dtype != "bool" else _empty(lib, (1,), dtype).random_(generator=g))
    both(fn, 5)


@pytest.mark.filterwarnings("ignore:from is out of bounds")
def test_random_float_bounds_beyond_precision():
    both(lambda lib, g: (_empty(lib, (9,), "float32").random_(-2 ** 25 - 7, None, generator=g),
                         _empty(lib, (9,), "float16").random_(-3000, 2049, generator=g)), 8)
    errors = []
    for lib in (torch, flambeau):
        with pytest.raises(RuntimeError) as error:
            _empty(lib, (3,), "float32").random_(2 ** 25 + 1, None)
        errors.append(str(error.value))
    assert errors[0] == errors[1]


def test_random_full_int64_range():
    both(lambda lib, g: _empty(lib, (10,), "int64").random_(-2 ** 63, None, generator=g), 5)


@pytest.mark.parametrize("seed", SEEDS[:4])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 5000, 30000, 70000])
def test_randperm(seed, n):
    both(lambda lib, g: lib.randperm(n, generator=g), seed)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ("float32", "float64", "int64", "bool", "uint8"))
def test_bernoulli_tensor_p(seed, dtype):
    def fn(lib, g):
        p32 = lib.linspace(0, 1, 35).reshape(5, 7)
        return (_empty(lib, (5, 7), dtype).bernoulli_(p32, generator=g),
                _empty(lib, (5, 7), dtype).bernoulli_(p32.double()[0], generator=g),
                _empty(lib, (7, 5), dtype).t().bernoulli_(p32, generator=g),
                lib.bernoulli(p32, generator=g))
    both(fn, seed)


@MKL_BERNOULLI
@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ("float32", "float64", "int64", "bool", "uint8"))
def test_bernoulli_float_p(seed, dtype):
    both(lambda lib, g: (_empty(lib, (5, 7), dtype).bernoulli_(0.3, generator=g),
                         lib.bernoulli(lib.ones(3, 4).double(), 0.7, generator=g)), seed)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ("float32", "float64"))
def test_continuous_samplers(seed, dtype):
    def fn(lib, g):
        return (_empty(lib, (19,), dtype).exponential_(2.5, generator=g),
                _empty(lib, (19,), dtype).cauchy_(1.0, 0.5, generator=g),
                _empty(lib, (19,), dtype).log_normal_(0.5, 0.25, generator=g),
                _empty(lib, (19,), dtype).geometric_(0.3, generator=g),
                _empty(lib, (19,), "int64").geometric_(0.7, generator=g))
    both(fn, seed, ulps=1)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ("float32", "float64"))
def test_multinomial(seed, dtype):
    def fn(lib, g):
        w = lib.tensor([[0.1, 2.0, 0.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0, 0.5]],
                       dtype=getattr(lib, dtype))
        return (lib.multinomial(w, 3, generator=g), lib.multinomial(w, 9, True, generator=g),
                lib.multinomial(w[0], 1, True, generator=g),
                lib.multinomial(w[1], 5, generator=g))
    both(fn, seed)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_normal_tensor_forms(seed):
    def fn(lib, g):
        mean, std = lib.arange(20.0).reshape(4, 5), lib.linspace(0.5, 2, 5)
        return (lib.normal(mean, std, generator=g), lib.normal(mean, 2.0, generator=g),
                lib.normal(3.0, std, generator=g), lib.normal(1.0, 2.0, (3, 6), generator=g))
    both(fn, seed, ulps=1)


def test_like_forms_and_complex():
    def fn(lib, g):
        x = lib.zeros(4, 6)
        return (lib.rand_like(x, generator=g), lib.randn_like(x, generator=g),
                lib.randint_like(x, 3, 9, generator=g),
                lib.randn(5, dtype=lib.complex64, generator=g),
                lib.rand(3, dtype=lib.complex128, generator=g))
    both(fn, 11, ulps=1)


def test_poisson_and_gamma():
    def fn(lib, g):
        rates = lib.tensor([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 400.0])
        alpha = lib.tensor([0.3, 1.0, 2.5, 10.0], dtype=lib.float64)
        return (lib.poisson(rates, generator=g), lib._standard_gamma(alpha, generator=g),
                lib.randn(3, dtype=lib.float64, generator=g),
                lib._sample_dirichlet(alpha, generator=g))
    both(fn, 2, ulps=1)


def test_default_generator_and_interleaving():
    torch.manual_seed(2 ** 40 + 3)
    flambeau.manual_seed(2 ** 40 + 3)
    gen_t, gen_f = torch.Generator().manual_seed(4), flambeau.Generator().manual_seed(4)
    calls = (lambda lib, g: lib.randn(3), lambda lib, g: lib.rand(2, 2, generator=g),
             lambda lib, g: lib.randn(1, dtype=lib.float64), lambda lib, g: lib.randperm(7),
             lambda lib, g: lib.randn(5, generator=g), lambda lib, g: lib.randint(9, (4,)),
             lambda lib, g: lib.randn(20), lambda lib, g: lib.empty(3).uniform_(-1, 1))
    for call in calls:
        assert_same_values(call(flambeau, gen_f), call(torch, gen_t))
    np.testing.assert_array_equal(flambeau.get_rng_state().numpy(),
                                  torch.get_rng_state().numpy())
    assert_same_state(gen_f, gen_t)
    assert flambeau.initial_seed() == torch.initial_seed()


def test_state_round_trips_between_libraries():
    gen_t = torch.Generator().manual_seed(77)
    torch.randn(3, generator=gen_t)  # leaves a cached normal in the state
    torch.randn(1, dtype=torch.float64, generator=gen_t)
    gen_f = flambeau.Generator().set_state(flambeau.tensor(gen_t.get_state().numpy()))
    assert gen_f.initial_seed() == 77
    assert_same_values(flambeau.randn(5, generator=gen_f), torch.randn(5, generator=gen_t))
    back = torch.Generator().set_state(torch.from_numpy(gen_f.get_state().numpy()))
    assert_same_values(flambeau.rand(700, generator=gen_f), torch.rand(700, generator=back))
    assert_same_state(gen_f, back)
    torch.set_rng_state(back.get_state())
    flambeau.set_rng_state(flambeau.tensor(back.get_state().numpy()))
    assert_same_values(flambeau.randn(2), torch.randn(2))


def test_clone_state_and_pickle_continue_the_stream():
    import pickle
    gen_t, gen_f = torch.Generator().manual_seed(-5), flambeau.Generator().manual_seed(-5)
    assert gen_f.initial_seed() == gen_t.initial_seed()
    torch.randn(3, generator=gen_t)
    flambeau.randn(3, generator=gen_f)
    for copy_t, copy_f in ((gen_t.clone_state(), gen_f.clone_state()),
                           (pickle.loads(pickle.dumps(gen_t)),
                            pickle.loads(pickle.dumps(gen_f)))):
        assert_same_values(flambeau.randn(5, generator=copy_f), torch.randn(5, generator=copy_t))
        assert_same_state(copy_f, copy_t)
    assert_same_state(gen_f, gen_t)
