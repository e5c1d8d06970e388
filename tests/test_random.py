"""Random sampling: generators and seeding, shapes/dtypes/errors vs torch, and the statistics of
every sampler (fixed seeds, so the checks are deterministic)."""
import math
import warnings

import numpy as np
import pytest
import torch

import flambeau
import flambeau.random

LIBS = (torch, flambeau)
N = 100_000


def run(lib, fn):
    """fn(lib) -> ('ok', value) or ('error', type name, message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", fn(lib))
    except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
        return ("error", type(e).__name__, str(e).split("\n")[0])


def numpy_of(t):
    return np.asarray(t.detach().numpy())


# ---- samplers: a table of calls, each usable with torch and flambeau ----------------------

def _z(lib, dtype="float32", shape=(3, 4)):
    return lib.zeros(shape, dtype=getattr(lib, dtype))


SAMPLERS = {
    "rand": lambda lib, g: lib.rand(3, 4, generator=g),
    "rand_f64": lambda lib, g: lib.rand((3, 4), generator=g, dtype=lib.float64),
    "rand_like": lambda lib, g: lib.rand_like(_z(lib), generator=g),
    "randn": lambda lib, g: lib.randn(3, 4, generator=g),
    "randn_like": lambda lib, g: lib.randn_like(_z(lib, "float64"), generator=g),
    "randint": lambda lib, g: lib.randint(3, 10, (3, 4), generator=g),
    "randint_high": lambda lib, g: lib.randint(10, (5,), generator=g),
    "randint_like": lambda lib, g: lib.randint_like(_z(lib), 2, 9, generator=g),
    "randperm": lambda lib, g: lib.randperm(10, generator=g),
    "normal_tt": lambda lib, g: lib.normal(_z(lib), lib.ones(3, 4), generator=g),
    "normal_tf": lambda lib, g: lib.normal(_z(lib), 2.0, generator=g),
    "normal_ft": lambda lib, g: lib.normal(1.0, lib.ones(3, 4), generator=g),
    "normal_ff": lambda lib, g: lib.normal(1.0, 2.0, (3, 4), generator=g),
    "bernoulli": lambda lib, g: lib.bernoulli(lib.full((3, 4), 0.5), generator=g),
    "bernoulli_p": lambda lib, g: lib.bernoulli(_z(lib), 0.5, generator=g),
    "multinomial": lambda lib, g: lib.multinomial(lib.ones(2, 6), 4, generator=g),
    "multinomial_repl": lambda lib, g: lib.multinomial(lib.ones(6), 8, True, generator=g),
    "poisson": lambda lib, g: lib.poisson(lib.full((3, 4), 4.0), generator=g),
    "uniform_": lambda lib, g: _z(lib).uniform_(-2, 3, generator=g),
    "normal_": lambda lib, g: _z(lib, "float64").normal_(1, 2, generator=g),
    "random_": lambda lib, g: _z(lib, "int32").random_(generator=g),
    "random_to": lambda lib, g: _z(lib).random_(100, generator=g),
    "random_from_to": lambda lib, g: _z(lib, "int8").random_(-50, 50, generator=g),
    "random_keywords": lambda lib, g: _z(lib).random_(**{"from": -5, "to": 5}, generator=g),
    "random_mixed": lambda lib, g: _z(lib).random_(2, to=5, generator=g),
    "exponential_": lambda lib, g: _z(lib).exponential_(2.0, generator=g),
    "geometric_": lambda lib, g: _z(lib, "int64").geometric_(0.3, generator=g),
    "log_normal_": lambda lib, g: _z(lib).log_normal_(generator=g),
    "cauchy_": lambda lib, g: _z(lib).cauchy_(generator=g),
    "bernoulli_": lambda lib, g: _z(lib).bernoulli_(0.5, generator=g),
    "bernoulli_t": lambda lib, g: _z(lib, "bool").bernoulli_(lib.full((4,), 0.5), generator=g),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_shape_dtype_like_torch(name):
    fn = SAMPLERS[name]
    want = fn(torch, torch.Generator().manual_seed(0))
    got = fn(flambeau, flambeau.Generator().manual_seed(0))
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]


@pytest.mark.parametrize("name", SAMPLERS)
def test_generator_reproducible(name):
    fn = SAMPLERS[name]

    def draw(seed):
        return numpy_of(fn(flambeau, flambeau.Generator().manual_seed(seed)))
    np.testing.assert_array_equal(draw(1), draw(1))
    if name not in ("bernoulli_t",):  # 4 booleans may coincide; the rest are 10+ values
        assert not np.array_equal(draw(1), draw(2)) or not np.array_equal(draw(1), draw(3))


@pytest.mark.parametrize("name", SAMPLERS)
def test_default_generator_reproducible(name):
    fn = SAMPLERS[name]
    flambeau.manual_seed(5)
    a = numpy_of(fn(flambeau, None))
    flambeau.manual_seed(5)
    np.testing.assert_array_equal(a, numpy_of(fn(flambeau, None)))


# ---- creation keywords ------------------------------------------------------------------

FLOATS = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")
ALL = ("bool", "uint8", "int8", "int16", "int32", "int64") + FLOATS

CREATION = {
    "rand": lambda lib, d: lib.rand(2, 3, dtype=d),
    "randn": lambda lib, d: lib.randn((2, 3), dtype=d),
    "rand_like": lambda lib, d: lib.rand_like(lib.zeros(2, 3), dtype=d),
    "randn_like": lambda lib, d: lib.randn_like(lib.zeros(2, 3), dtype=d),
    "randint": lambda lib, d: lib.randint(0, 2, (2, 3), dtype=d),
    "randint_like": lambda lib, d: lib.randint_like(lib.zeros(2, 3, dtype=d), 2),
    "randperm": lambda lib, d: lib.randperm(6, dtype=d),
    "normal": lambda lib, d: lib.normal(0.0, 1.0, (2, 3), dtype=d),
    "bernoulli_": lambda lib, d: lib.zeros(2, 3, dtype=d).bernoulli_(0.5),
    "random_": lambda lib, d: lib.zeros(2, 3, dtype=d).random_(),
    "uniform_": lambda lib, d: lib.zeros(2, 3, dtype=d).uniform_(),
    "normal_": lambda lib, d: lib.zeros(2, 3, dtype=d).normal_(),
    "exponential_": lambda lib, d: lib.zeros(2, 3, dtype=d).exponential_(),
    "geometric_": lambda lib, d: lib.zeros(2, 3, dtype=d).geometric_(0.5),
    "log_normal_": lambda lib, d: lib.zeros(2, 3, dtype=d).log_normal_(),
    "cauchy_": lambda lib, d: lib.zeros(2, 3, dtype=d).cauchy_(),
    "fill_": lambda lib, d: lib.zeros(2, 3, dtype=d).fill_(1),
    "zero_": lambda lib, d: lib.ones(2, 3, dtype=d).zero_(),
    "poisson": lambda lib, d: lib.poisson(lib.ones(2, 3, dtype=d)),
    "bernoulli": lambda lib, d: lib.bernoulli(lib.ones(2, 3, dtype=d) / 2),
    "multinomial": lambda lib, d: lib.multinomial(lib.ones(2, 3, dtype=d), 2),
}


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name", CREATION)
def test_dtype_argument_like_torch(name, dtype):
    """Result dtype and shape, or the error (type and message), as torch for every dtype."""
    fn = CREATION[name]
    want = run(torch, lambda lib: fn(lib, getattr(lib, dtype)))
    got = run(flambeau, lambda lib: fn(lib, getattr(lib, dtype)))
    if want[0] == "error":
        assert got == want
    else:
        assert got[0] == "ok", got
        assert str(got[1].dtype).split(".")[-1] == str(want[1].dtype).split(".")[-1]
        assert tuple(got[1].shape) == tuple(want[1].shape)


def test_creation_keywords():
    assert flambeau.rand(size=(2, 3)).shape == torch.rand(size=(2, 3)).shape
    assert flambeau.randn(size=[4]).shape == (4,)
    t = flambeau.rand(2, 3, requires_grad=True, dtype=flambeau.float64, device="cpu")
    assert t.requires_grad and t.is_leaf and t.dtype is flambeau.float64
    assert flambeau.randn_like(t).requires_grad is False
    assert flambeau.randn(3, requires_grad=True).requires_grad
    for out_dtype in (flambeau.float64, flambeau.float32):
        out = flambeau.empty(0, dtype=out_dtype)
        assert flambeau.rand(4, out=out) is out and out.shape == (4,) and out.dtype is out_dtype
    out = flambeau.empty(3)
    assert flambeau.randint(5, (3,), out=out) is out and out.dtype is flambeau.float32
    out = flambeau.empty(5, dtype=flambeau.int64)
    assert flambeau.randperm(5, out=out) is out
    assert sorted(out.tolist()) == list(range(5))
    out = flambeau.empty(3, dtype=flambeau.int64)
    flambeau.bernoulli(flambeau.ones(3), out=out)
    assert out.tolist() == [1, 1, 1]
    out = flambeau.empty(3, dtype=flambeau.float64)
    flambeau.normal(flambeau.zeros(3), flambeau.ones(3), out=out)
    assert out.dtype is flambeau.float64
    out = flambeau.empty(2, dtype=flambeau.int64)
    assert flambeau.multinomial(flambeau.ones(3), 2, out=out) is out


def test_normal_result_dtype_like_torch():
    for lib_calls in (lambda lib: lib.normal(lib.zeros(3), lib.ones(3, dtype=lib.float64)),
                      lambda lib: lib.normal(lib.zeros(3, dtype=lib.float64), lib.ones(3)),
                      lambda lib: lib.normal(1.0, lib.ones(3, dtype=lib.float64)),
                      lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(1, 3)),
                      lambda lib: lib.normal(2, 1, size=(2, 3))):
        want, got = lib_calls(torch), lib_calls(flambeau)
        assert str(got.dtype)[-7:] == str(want.dtype)[-7:] and got.shape == want.shape


# ---- generators and state ------------------------------------------------------------------

def test_generator_object():
    g = flambeau.Generator()
    assert g.device == flambeau.device("cpu")
    assert g.initial_seed() == torch.Generator().initial_seed()
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    assert g.manual_seed(-1).initial_seed() == torch.Generator().manual_seed(-1).initial_seed()
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s
    a = flambeau.rand(5, generator=g)
    b = flambeau.rand(5, generator=g)
    assert not np.array_equal(a.numpy(), b.numpy())
    state = g.get_state()
    assert state.dtype is flambeau.uint8 and state.ndim == 1
    x = flambeau.randn(10, generator=g)
    g.manual_seed(0)
    g.set_state(state)
    np.testing.assert_array_equal(flambeau.randn(10, generator=g).numpy(), x.numpy())
    assert g.initial_seed() == s


def test_default_generator_functions():
    assert flambeau.manual_seed(3) is flambeau.default_generator
    assert flambeau.initial_seed() == 3 == flambeau.random.initial_seed()
    assert flambeau.manual_seed("4").initial_seed() == 4  # torch applies int() to the seed
    s = flambeau.seed()
    assert flambeau.initial_seed() == s
    flambeau.random.manual_seed(11)
    a = flambeau.rand(4)
    flambeau.manual_seed(11)
    np.testing.assert_array_equal(flambeau.rand(4).numpy(), a.numpy())
    # a Generator of its own does not touch the default stream
    flambeau.manual_seed(11)
    flambeau.rand(4, generator=flambeau.Generator().manual_seed(11))
    np.testing.assert_array_equal(flambeau.rand(4).numpy(), a.numpy())


def test_rng_state_round_trip():
    flambeau.manual_seed(123)
    flambeau.rand(3)
    state = flambeau.get_rng_state()
    want = [flambeau.rand(7), flambeau.randint(0, 100, (5,)), flambeau.randn(2, 2),
            flambeau.zeros(4).bernoulli_(0.5)]
    flambeau.randn(100)
    flambeau.set_rng_state(state)
    got = [flambeau.rand(7), flambeau.randint(0, 100, (5,)), flambeau.randn(2, 2),
           flambeau.zeros(4).bernoulli_(0.5)]
    for w, g in zip(want, got):
        np.testing.assert_array_equal(w.numpy(), g.numpy())
    flambeau.random.set_rng_state(flambeau.random.get_rng_state())  # the module's forms


def test_fork_rng():
    flambeau.manual_seed(9)
    with flambeau.random.fork_rng():
        inside = flambeau.rand(6)
    outside = flambeau.rand(6)
    np.testing.assert_array_equal(inside.numpy(), outside.numpy())
    with pytest.raises(ValueError):
        with flambeau.random.fork_rng(devices=[]):
            flambeau.rand(3)
            raise ValueError
    flambeau.manual_seed(9)
    with flambeau.random.fork_rng(enabled=False):  # not forked: the draws advance the stream
        flambeau.rand(6)
    assert not np.array_equal(flambeau.rand(6).numpy(), inside.numpy())


STATE_ERRORS = [
    lambda lib: lib.Generator().set_state(lib.zeros(3)),
    lambda lib: lib.Generator().set_state([1, 2]),
    lambda lib: lib.set_rng_state(lib.zeros(3)),
    lambda lib: lib.Generator().manual_seed(2 ** 64),
    lambda lib: lib.Generator().manual_seed(-2 ** 63 - 1),
    lambda lib: lib.Generator().manual_seed(1.5),
    lambda lib: lib.Generator().set_state(lib.zeros(10, dtype=lib.uint8)),
    lambda lib: lib.Generator().set_state(lib.zeros(5056, dtype=lib.uint8)),
    lambda lib: lib.Generator().get_offset(),
    lambda lib: lib.Generator().set_offset(1),
    lambda lib: lib.Generator().graphsafe_get_state(),
]


@pytest.mark.parametrize("i", range(len(STATE_ERRORS)))
def test_generator_errors_like_torch(i):
    want = run(torch, STATE_ERRORS[i])
    assert want[0] == "error"
    assert run(flambeau, STATE_ERRORS[i]) == want


def test_bad_state_raises():
    with pytest.raises(RuntimeError):
        flambeau.Generator().set_state(flambeau.zeros(3, dtype=flambeau.uint8))


# ---- statistics (fixed seed: deterministic, generous bounds) ------------------------------

def _sample(fn, dtype=None):
    g = flambeau.Generator().manual_seed(2024)
    return numpy_of(fn(g)).astype(np.float64)


# name: (draw, mean, variance)
CONTINUOUS = {
    "rand": (lambda g: flambeau.rand(N, generator=g), 0.5, 1 / 12),
    "rand_f64": (lambda g: flambeau.rand(N, generator=g, dtype=flambeau.float64), 0.5, 1 / 12),
    "randn": (lambda g: flambeau.randn(N, generator=g), 0.0, 1.0),
    "normal_ff": (lambda g: flambeau.normal(3.0, 2.0, (N,), generator=g), 3.0, 4.0),
    "normal_tt": (lambda g: flambeau.normal(flambeau.full((N,), -1.0),
                                            flambeau.full((N,), 0.5), generator=g), -1.0, 0.25),
    "normal_tf": (lambda g: flambeau.normal(flambeau.full((N,), 2.0), 3.0, generator=g), 2.0,
                  9.0),
    "normal_ft": (lambda g: flambeau.normal(2.0, flambeau.full((N,), 3.0), generator=g), 2.0,
                  9.0),
    "uniform_": (lambda g: flambeau.empty(N).uniform_(-2, 4, generator=g), 1.0, 3.0),
    "normal_": (lambda g: flambeau.empty(N, dtype=flambeau.float64).normal_(5, 0.1, generator=g),
                5.0, 0.01),
    "exponential_": (lambda g: flambeau.empty(N).exponential_(4.0, generator=g), 0.25, 1 / 16),
    "log_normal_": (lambda g: flambeau.empty(N).log_normal_(0.5, 0.25, generator=g),
                    math.exp(0.5 + 0.25 ** 2 / 2),
                    (math.exp(0.25 ** 2) - 1) * math.exp(1 + 0.25 ** 2)),
    "poisson": (lambda g: flambeau.poisson(flambeau.full((N,), 3.5), generator=g), 3.5, 3.5),
    "geometric_": (lambda g: flambeau.empty(N).geometric_(0.25, generator=g), 4.0, 12.0),
    "bernoulli": (lambda g: flambeau.bernoulli(flambeau.full((N,), 0.3), generator=g), 0.3,
                  0.21),
    "bernoulli_": (lambda g: flambeau.empty(N, dtype=flambeau.int64).bernoulli_(0.7,
                                                                                generator=g),
                   0.7, 0.21),
    "random_to": (lambda g: flambeau.empty(N).random_(10, generator=g), 4.5, 99 / 12),
    "randint": (lambda g: flambeau.randint(-5, 5, (N,), generator=g), -0.5, 99 / 12),
}


@pytest.mark.parametrize("name", CONTINUOUS)
def test_mean_and_variance(name):
    draw, mean, var = CONTINUOUS[name]
    x = _sample(draw)
    se = math.sqrt(var / N)
    assert abs(x.mean() - mean) < 6 * se
    assert abs(x.var() / var - 1) < 0.05


def test_complex_normal_and_uniform():
    z = flambeau.randn(N, dtype=flambeau.complex64, generator=flambeau.Generator()).numpy()
    assert abs(np.var(z.real) - 0.5) < 0.02 and abs(np.var(z.imag) - 0.5) < 0.02
    assert abs(np.mean(np.abs(z) ** 2) - 1) < 0.02
    u = flambeau.rand(N, dtype=flambeau.complex128).numpy()
    assert 0 <= u.real.min() and u.real.max() < 1 and abs(u.imag.mean() - 0.5) < 0.01


def test_cauchy_quartiles():
    x = _sample(lambda g: flambeau.empty(N).cauchy_(1.0, 2.0, generator=g))
    q1, q2, q3 = np.percentile(x, [25, 50, 75])
    assert abs(q2 - 1) < 0.05 and abs(q1 + 1) < 0.05 and abs(q3 - 3) < 0.05


def _chi_square(counts, probs):
    expected = probs * counts.sum()
    return (((counts - expected) ** 2) / expected).sum()


def _chi_ok(counts, probs):
    """Generous bound: the statistic's mean is k - 1 and its sd sqrt(2(k - 1))."""
    k = len(probs)
    return _chi_square(counts, probs) < (k - 1) + 6 * math.sqrt(2 * (k - 1))


@pytest.mark.parametrize("low,high,dtype", [(0, 7, "int64"), (-3, 4, "int8"), (0, 2, "bool"),
                                            (250, 256, "uint8"), (10, 16, "float32")])
def test_randint_chi_square(low, high, dtype):
    x = flambeau.randint(low, high, (N,), dtype=getattr(flambeau, dtype),
                         generator=flambeau.Generator().manual_seed(3)).numpy().astype(np.int64)
    assert x.min() == low and x.max() == high - 1
    counts = np.bincount(x - low, minlength=high - low)
    assert _chi_ok(counts, np.full(high - low, 1 / (high - low)))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16",
                                   "bfloat16", "float32", "float64"])
def test_random_default_range(dtype):
    """random_() covers [0, max] for integers and [0, 2^mantissa] for floats, as in torch."""
    t = torch.zeros(N, dtype=getattr(torch, dtype)).random_().to(torch.float64).numpy()
    f = flambeau.zeros(N, dtype=getattr(flambeau, dtype)).random_()
    f = f.to(flambeau.float64).numpy() if dtype == "bfloat16" else f.numpy().astype(np.float64)
    assert f.min() >= 0 and f.max() <= t.max() * 1.001 + 1 and f.max() >= t.max() * 0.99
    if dtype in ("bool", "uint8", "int8", "float16", "bfloat16"):  # small ranges: exact ends
        assert f.max() == t.max() and f.min() == t.min() == 0


@pytest.mark.parametrize("args,kwargs,low,high", [((5,), {}, 0, 4), ((), {"to": 5}, 0, 4),
                                                   ((2, 5), {}, 2, 4), ((2,), {"to": 5}, 2, 4),
                                                   ((), {"from": -3, "to": 2}, -3, 1)])
def test_random_argument_forms(args, kwargs, low, high):
    x = flambeau.zeros(2000).random_(*args, **kwargs).numpy()
    assert x.min() == low and x.max() == high


def test_random_from_without_to():
    x = flambeau.zeros(N, dtype=flambeau.int64).random_(-2 ** 63, None).numpy()
    assert x.min() < -2 ** 61 and x.max() > 2 ** 61
    x = flambeau.zeros(1000, dtype=flambeau.int8).random_(5, None).numpy()
    assert x.min() >= 5 and x.max() == 127


@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial_chi_square(replacement):
    w = np.array([1.0, 2.0, 3.0, 0.0, 4.0])
    probs = w / w.sum()
    g = flambeau.Generator().manual_seed(8)
    if replacement:
        x = flambeau.multinomial(flambeau.tensor(w), N, True, generator=g).numpy()
        counts = np.bincount(x, minlength=5)
    else:  # the first draw of each row follows the weights
        rows = flambeau.tensor(np.tile(w, (N // 10, 1)))
        x = flambeau.multinomial(rows, 1, generator=g).numpy().ravel()
        counts = np.bincount(x, minlength=5)
    assert counts[3] == 0
    keep = probs > 0
    assert _chi_ok(counts[keep], probs[keep])


def test_multinomial_two_dims_with_replacement():
    w = flambeau.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    x = flambeau.multinomial(w, 20000, True, generator=flambeau.Generator()).numpy()
    assert (x[0] == 1).all()
    assert set(np.unique(x[1])) == {0, 2} and abs((x[1] == 2).mean() - 0.75) < 0.02


def test_multinomial_without_replacement_no_repeats():
    w = flambeau.rand(50, 20) + 0.01
    x = flambeau.multinomial(w, 20).numpy()
    assert all(sorted(row) == list(range(20)) for row in x)
    x = flambeau.multinomial(flambeau.tensor([0.0, 0.0, 1.0, 2.0]), 3).numpy()
    assert len(set(x)) == 3 and set(x[:2]) == {2, 3}


def test_randperm_is_permutation():
    for n in (0, 1, 5, 1000):
        x = flambeau.randperm(n).numpy()
        assert x.dtype == np.int64 and sorted(x) == list(range(n))
    assert not np.array_equal(flambeau.randperm(1000).numpy(), np.arange(1000))


def test_bernoulli_tensor_probabilities():
    p = flambeau.tensor([0.0, 1.0, 0.25])
    x = flambeau.bernoulli(p.expand(N, 3)).numpy()
    assert (x[:, 0] == 0).all() and (x[:, 1] == 1).all() and abs(x[:, 2].mean() - 0.25) < 0.01
    y = flambeau.zeros(N, 3).bernoulli_(p).numpy()
    assert (y[:, 0] == 0).all() and (y[:, 1] == 1).all() and abs(y[:, 2].mean() - 0.25) < 0.01


def test_uniform_bounds_and_float16():
    x = flambeau.empty(N, dtype=flambeau.float16).uniform_(1, 2).numpy()
    assert x.min() >= 1 and x.max() <= 2
    x = flambeau.rand(N).numpy()
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() < 1


# ---- errors ---------------------------------------------------------------------------------

ERRORS = {
    "randint_empty": lambda lib: lib.randint(5, 5, (3,)),
    "randint_zero": lambda lib: lib.randint(0, (3,)),
    "randint_negative": lambda lib: lib.randint(-1, (3,)),
    "randint_uint8_to": lambda lib: lib.randint(3, 300, (3,), dtype=lib.uint8),
    "randint_uint8_from": lambda lib: lib.randint(-3, 2, (3,), dtype=lib.uint8),
    "randint_bool": lambda lib: lib.randint(3, 10, (3,), dtype=lib.bool),
    "randint_complex": lambda lib: lib.randint(3, 10, (3,), dtype=lib.complex64),
    "randint_float_bound": lambda lib: lib.randint(3.5, 10, (3,)),
    "randint_int_size": lambda lib: lib.randint(3, 10, 3),
    "randint_like_empty": lambda lib: lib.randint_like(lib.zeros(3), 5, 2),
    "randperm_negative": lambda lib: lib.randperm(-1),
    "randperm_uint8": lambda lib: lib.randperm(257, dtype=lib.uint8),
    "randperm_half": lambda lib: lib.randperm(2050, dtype=lib.float16),
    "randperm_bool": lambda lib: lib.randperm(3, dtype=lib.bool),
    "rand_long": lambda lib: lib.rand(3, dtype=lib.int64),
    "randn_long": lambda lib: lib.randn(3, dtype=lib.int64),
    "normal_neg_std": lambda lib: lib.normal(0.0, -1.0, (3,)),
    "normal_t_neg_std": lambda lib: lib.normal(lib.zeros(3), -1.5),
    "normal_tt_neg_std": lambda lib: lib.normal(lib.zeros(3), lib.tensor([1.0, -1.0, 1.0])),
    "normal_broadcast": lambda lib: lib.normal(lib.zeros(3), lib.ones(4)),
    "normal_long": lambda lib: lib.normal(lib.zeros(3, dtype=lib.int64), lib.ones(3)),
    "normal_no_size": lambda lib: lib.normal(0.0, 1.0),
    "normal_tensor_size": lambda lib: lib.normal(lib.zeros(3), 1.0, (3,)),
    "bernoulli_gt1": lambda lib: lib.bernoulli(lib.tensor([0.5, 1.5])),
    "bernoulli_neg": lambda lib: lib.bernoulli(lib.tensor([0.5, -0.5])),
    "bernoulli_long": lambda lib: lib.bernoulli(lib.tensor([1, 0])),
    "bernoulli_p": lambda lib: lib.bernoulli(lib.zeros(3), p=1.3),
    "bernoulli__p": lambda lib: lib.zeros(3).bernoulli_(-0.5),
    "bernoulli__expand": lambda lib: lib.zeros(3).bernoulli_(lib.rand(2)),
    "bernoulli__complex": lambda lib: lib.zeros(3, dtype=lib.complex64).bernoulli_(),
    "multinomial_too_many": lambda lib: lib.multinomial(lib.ones(3), 4),
    "multinomial_zero": lambda lib: lib.multinomial(lib.ones(3), 0),
    "multinomial_neg_p": lambda lib: lib.multinomial(lib.tensor([0.2, -0.3, 0.5]), 1),
    "multinomial_inf": lambda lib: lib.multinomial(lib.tensor([0.0, math.inf]), 1),
    "multinomial_nan": lambda lib: lib.multinomial(lib.tensor([0.0, math.nan]), 1),
    "multinomial_sum0": lambda lib: lib.multinomial(lib.zeros(2, 3), 1, True),
    "multinomial_long": lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
    "multinomial_0d": lambda lib: lib.multinomial(lib.tensor(1.0), 1),
    "multinomial_3d": lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
    "multinomial_out": lambda lib: lib.multinomial(lib.ones(3), 2, out=lib.zeros(2)),
    "poisson_neg": lambda lib: lib.poisson(lib.tensor([-1.0])),
    "poisson_long": lambda lib: lib.poisson(lib.tensor([1, 2])),
    "uniform_reversed": lambda lib: lib.zeros(3).uniform_(2, 1),
    "uniform_inf": lambda lib: lib.zeros(3).uniform_(0, math.inf),
    "uniform_half": lambda lib: lib.zeros(3, dtype=lib.float16).uniform_(0, 1e6),
    "uniform_long": lambda lib: lib.zeros(3, dtype=lib.int64).uniform_(),
    "normal__std": lambda lib: lib.zeros(3).normal_(0, -1),
    "exponential_neg": lambda lib: lib.zeros(3).exponential_(-1),
    "exponential_long": lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(),
    "exponential_complex": lambda lib: lib.zeros(3, dtype=lib.complex64).exponential_(),
    "geometric_0": lambda lib: lib.zeros(3).geometric_(0),
    "geometric_1": lambda lib: lib.zeros(3).geometric_(1),
    "log_normal_std": lambda lib: lib.zeros(3).log_normal_(0, 0),
    "log_normal_long": lambda lib: lib.zeros(3, dtype=lib.int64).log_normal_(),
    "cauchy_sigma": lambda lib: lib.zeros(3).cauchy_(0, -1),
    "cauchy_int": lambda lib: lib.zeros(3, dtype=lib.int32).cauchy_(),
    "random_reversed": lambda lib: lib.zeros(3).random_(5, 2),
    "random_zero": lambda lib: lib.zeros(3).random_(0),
    "random_uint8": lambda lib: lib.zeros(3, dtype=lib.uint8).random_(0, 257),
    "random_int8_from": lambda lib: lib.zeros(3, dtype=lib.int8).random_(-200, 5),
    "random_half": lambda lib: lib.zeros(3, dtype=lib.float16).random_(0, 2 ** 20),
    "random_complex": lambda lib: lib.zeros(3, dtype=lib.complex64).random_(),
    "random_float_arg": lambda lib: lib.zeros(3).random_(2.5, 5),
    "fill_tensor_1d": lambda lib: lib.zeros(3).fill_(lib.ones(2)),
    "fill_overflow": lambda lib: lib.zeros(3, dtype=lib.uint8).fill_(300),
    "fill_str": lambda lib: lib.zeros(3).fill_("a"),
    "inplace_leaf": lambda lib: lib.zeros(3, requires_grad=True).uniform_(),
    "fill_leaf": lambda lib: lib.zeros(3, requires_grad=True).fill_(1),
    "zero_leaf": lambda lib: lib.zeros(3, requires_grad=True).zero_(),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_like_torch(name):
    want = run(torch, ERRORS[name])
    assert want[0] == "error", want
    assert run(flambeau, ERRORS[name]) == want


def test_random_out_of_precision_warns():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        flambeau.zeros(3).random_(0, 2 ** 25)


# ---- fills ----------------------------------------------------------------------------------

FILLS = [("float32", 2.5), ("int64", 2.7), ("int8", -2.7), ("bool", 0.2), ("uint8", -1),
         ("int32", True), ("float64", 3), ("complex64", 1 + 2j)]


@pytest.mark.parametrize("dtype,value", FILLS)
def test_fill_values_like_torch(dtype, value):
    want = torch.zeros(3, dtype=getattr(torch, dtype)).fill_(value)
    got = flambeau.zeros(3, dtype=getattr(flambeau, dtype))
    v = got._version
    assert got.fill_(value) is got and got._version == v + 1
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    tensor_value = flambeau.tensor(value)
    np.testing.assert_array_equal(flambeau.zeros(3, dtype=getattr(flambeau, dtype))
                                  .fill_(tensor_value).numpy(), want.numpy())
    np.testing.assert_array_equal(flambeau.fill(flambeau.zeros(3, dtype=getattr(flambeau, dtype)),
                                                value).numpy(), want.numpy())


def test_zero_and_fill_through_views():
    want, base = torch.ones(3, 4), flambeau.ones(3, 4)
    for t in (want, base):
        t.select(0, 1).zero_()
        t.t().select(0, 2).fill_(7)
        t.narrow(1, 0, 2).t().uniform_(5, 6)
    np.testing.assert_array_equal(base.numpy()[:, 2:], want.numpy()[:, 2:])
    assert (base.numpy()[:, :2] >= 5).all()
    assert flambeau.zero_(flambeau.ones(2)).tolist() == [0, 0]
    assert flambeau.fill_(flambeau.ones(2), 3).tolist() == [3, 3]


def test_samplers_bump_version_and_return_self():
    for name in ("uniform_", "normal_", "random_", "exponential_", "log_normal_", "cauchy_",
                 "bernoulli_", "zero_"):
        t = flambeau.zeros(4)
        v = t._version
        assert getattr(t, name)() is t and t._version == v + 1
    t = flambeau.zeros(4)
    assert t.geometric_(0.5) is t and t._version == 1


# ---- autograd: samplers give zero gradients through torch's node names --------------------

GRAD_CASES = {
    "normal_tt": lambda lib, m, s: lib.normal(m, s),
    "normal_tf": lambda lib, m, s: lib.normal(m, 2.0) + s,
    "normal_ft": lambda lib, m, s: lib.normal(1.0, s) + m,
    "bernoulli": lambda lib, m, s: lib.bernoulli(s),
    "poisson": lambda lib, m, s: lib.poisson(s),
    "uniform_": lambda lib, m, s: (m * 2).uniform_(),
    "normal_": lambda lib, m, s: (m * 2).normal_(),
    "random_": lambda lib, m, s: (m * 2).random_(),
    "random_to": lambda lib, m, s: (m * 2).random_(5),
    "random_from_to": lambda lib, m, s: (m * 2).random_(2, 5),
    "exponential_": lambda lib, m, s: (m * 2).exponential_(),
    "geometric_": lambda lib, m, s: (m * 2).geometric_(0.3),
    "log_normal_": lambda lib, m, s: (m * 2).log_normal_(),
    "cauchy_": lambda lib, m, s: (m * 2).cauchy_(),
    "bernoulli_": lambda lib, m, s: (m * 2).bernoulli_(0.5),
    "bernoulli_t": lambda lib, m, s: (m * 2).bernoulli_(s / 4),
    "zero_": lambda lib, m, s: (m * 2).zero_(),
    "fill_": lambda lib, m, s: (m * 2).fill_(3.0),
    "fill_tensor": lambda lib, m, s: (m * 2).fill_(s.sum()),
    "fill": lambda lib, m, s: lib.fill(m, 3.0) + s,
    "fill_with_tensor": lambda lib, m, s: lib.fill(m, s.sum()),
}


@pytest.mark.parametrize("name", GRAD_CASES)
def test_grad_node_and_zero_gradients(name):
    def go(lib):
        m = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        s = lib.tensor([0.2, 0.9, 0.4], dtype=lib.float64, requires_grad=True)
        out = GRAD_CASES[name](lib, m, s)
        return out.grad_fn.name(), lib.autograd.grad(out.sum(), (m, s), allow_unused=True)
    got, want = go(flambeau), go(torch)
    assert got[0] == want[0]
    for g, w in zip(got[1], want[1]):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_array_equal(numpy_of(g), w.numpy())


def test_leaf_results_do_not_track():
    x = flambeau.rand(3, requires_grad=True)
    assert x.is_leaf and x.grad_fn is None
    p = flambeau.rand(3, requires_grad=True)
    assert flambeau.multinomial(p, 2).requires_grad is False
    with flambeau.no_grad():
        assert flambeau.normal(p, 1.0).requires_grad is False
