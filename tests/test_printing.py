"""repr(tensor) must match PyTorch's byte for byte: a generated corpus compared with torch."""
import math
import time
import warnings

import numpy as np
import pytest
import torch
import torch._tensor_str as torch_str

import flambeau._dtype as fdtype
import flambeau._naming as naming
import flambeau._tensor as ftensor
import flambeau._tensor_str as fstr

try:
    import ml_dtypes
except ImportError:
    ml_dtypes = None


# ---- building the same tensor on both sides ------------------------------------------------

def pair(arr, bfloat16=False):
    """(torch tensor, flambeau tensor) holding the values of the NumPy array ``arr``."""
    if bfloat16:
        with np.errstate(over="ignore"):
            arr = np.array(arr, dtype=np.float32)  # (ascontiguousarray makes 0-d arrays 1-d)
        t = torch.from_numpy(arr).to(torch.bfloat16)
        bits = t.view(torch.int16).numpy().copy()
        return t, ftensor.make(bits.view(ml_dtypes.bfloat16), dtype=fdtype.bfloat16)
    arr = np.array(arr)
    return torch.from_numpy(arr.copy()), ftensor.make(arr)


def both_repr(t, f, **suffix_kw):
    return repr(t), fstr.tensor_repr(f)


@pytest.fixture(autouse=True)
def as_torch():
    """Print as ``torch`` and restore names and print options after each test."""
    naming.set_public_name("torch")
    try:
        yield
    finally:
        naming.set_public_name("flambeau")
        torch.set_printoptions(profile="default")
        fstr.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
        fdtype.set_default_dtype(fdtype.float32)


def set_both(**options):
    torch.set_printoptions(**options)
    fstr.set_printoptions(**options)


# ---- the corpus ----------------------------------------------------------------------------

SHAPES = [(), (0,), (0, 3), (1,), (5,), (2, 3), (2, 3, 4), (1001,), (40, 40), (3, 300)]
BIG = {(1001,), (40, 40), (3, 300)}


def float_family(name, n, rng):
    x = rng.standard_normal(n)
    if name == "randn":
        return x
    if name == "ints":
        return rng.integers(-50, 50, n).astype(np.float64)
    if name == "bigints":
        return rng.integers(-10**6, 10**6, n).astype(np.float64)
    if name == "mixed":
        return x * 10.0 ** rng.integers(-6, 7, n)
    if name == "tiny":
        return x * 1e-6
    if name == "huge":
        return x * 1e12
    if name == "special":
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0])
        mask = rng.random(n) < 0.4
        x[mask] = rng.choice(specials, mask.sum())
        return x
    if name == "zeros":
        return np.where(rng.random(n) < 0.5, -0.0, 0.0)
    if name == "rounding":  # values whose rounding changes the printed width
        return rng.choice([9.99995, 0.99999, 99999.5, -9.99996, 999.99999, 0.00099999], n)
    if name == "extreme":  # three-digit exponents in float64
        return rng.choice([1e-300, 3e250, -7e-120, 1.0, -9.99999e99], n)
    if name == "intsnan":
        x = rng.integers(-9, 9, n).astype(np.float64)
        x[rng.random(n) < 0.3] = np.nan
        return x
    raise ValueError(name)


FLOAT_FAMILIES = ["randn", "ints", "bigints", "mixed", "tiny", "huge", "special", "zeros",
                  "rounding", "extreme", "intsnan"]
BIG_FAMILIES = ["randn", "ints", "mixed", "special"]
FLOAT_DTYPES = ["float16", "float32", "float64"] + (["bfloat16"] if ml_dtypes else [])
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


def int_family(name, dtype, n, rng):
    info = np.iinfo(dtype)
    if name == "small":
        return rng.integers(max(info.min, -10), 11, n).astype(dtype)
    if name == "wide":
        return rng.integers(info.min, info.max, n, endpoint=True, dtype=dtype)
    if name == "extremes":
        return rng.choice(np.array([info.min, info.max, 0], dtype=dtype), n)
    raise ValueError(name)


def corpus():
    rng = np.random.default_rng(1234)
    cases = []
    for shape in SHAPES:
        n = math.prod(shape)
        for dt in FLOAT_DTYPES:
            for fam in (BIG_FAMILIES if shape in BIG else FLOAT_FAMILIES):
                x = float_family(fam, n, rng).reshape(shape)
                with np.errstate(over="ignore"):
                    arr = x if dt == "bfloat16" else x.astype(dt)
                cases.append((f"{dt}-{fam}-{shape}", arr, dt == "bfloat16"))
        for dt in INT_DTYPES:
            for fam in ("small", "wide", "extremes"):
                cases.append((f"{dt}-{fam}-{shape}", int_family(fam, dt, n, rng).reshape(shape),
                              False))
        cases.append((f"bool-{shape}", (rng.random(n) < 0.5).reshape(shape), False))
        cases.append((f"bool-true-{shape}", np.ones(shape, dtype=bool), False))
        for dt in ("complex64", "complex128"):
            pairs = [("randn", "randn"), ("ints", "zeros")] if shape in BIG else \
                [("randn", "randn"), ("ints", "zeros"), ("mixed", "ints"), ("special", "randn"),
                 ("tiny", "huge"), ("zeros", "special"), ("ints", "intsnan")]
            for re_fam, im_fam in pairs:
                arr = np.empty(n, dt)
                with np.errstate(over="ignore"):
                    arr.real = float_family(re_fam, n, rng)
                    arr.imag = float_family(im_fam, n, rng)
                cases.append((f"{dt}-{re_fam}+{im_fam}-{shape}", arr.reshape(shape), False))
    return cases


CORPUS = corpus()


def test_corpus():
    """Every corpus tensor prints as in PyTorch (one test, with a list of all mismatches)."""
    failures = []
    for name, arr, bf16 in CORPUS:
        t, f = pair(arr, bf16)
        expected, got = repr(t), fstr.tensor_repr(f)
        if expected != got:
            failures.append(f"{name}:\n{expected}\n!=\n{got}")
    assert not failures, f"{len(failures)}/{len(CORPUS)} differ:\n" + "\n\n".join(failures[:5])


OPTIONS = [
    dict(precision=2), dict(precision=0), dict(precision=8), dict(threshold=5),
    dict(threshold=0), dict(edgeitems=1), dict(edgeitems=0), dict(edgeitems=5),
    dict(linewidth=40), dict(linewidth=120), dict(linewidth=10), dict(sci_mode=True),
    dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=6, linewidth=50), dict(threshold=20, edgeitems=2,
                                                           sci_mode=True),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_print_options(options):
    set_both(**options)
    failures = []
    for name, arr, bf16 in CORPUS[::7]:
        if arr.size > 1500 and options.get("profile") == "full":
            continue  # keep the test fast: torch prints every element in a Python loop
        t, f = pair(arr, bf16)
        expected, got = repr(t), fstr.tensor_repr(f)
        if expected != got:
            failures.append(f"{name}:\n{expected}\n!=\n{got}")
    assert not failures, f"{len(failures)} differ:\n" + "\n\n".join(failures[:5])


def test_full_profile_big():
    set_both(profile="full")
    t, f = pair(np.arange(1200, dtype=np.float32).reshape(30, 40) / 7)
    assert repr(t) == fstr.tensor_repr(f)


# ---- suffixes ------------------------------------------------------------------------------

class _Node:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


SUFFIX_ARRAYS = [np.float32(2.5), np.arange(3, dtype=np.float32), np.arange(12.).reshape(3, 4),
                 np.linspace(-1, 1, 2000, dtype=np.float32), np.zeros((0, 2), np.float32),
                 np.arange(20, dtype=np.float16) * 1e3, np.ones((2, 2), np.complex128),
                 np.arange(70, dtype=np.float64)]


@pytest.mark.parametrize("linewidth", [80, 30])
@pytest.mark.parametrize("index", range(len(SUFFIX_ARRAYS)))
def test_requires_grad_and_grad_fn(index, linewidth):
    set_both(linewidth=linewidth)
    t, f = pair(SUFFIX_ARRAYS[index])
    t.requires_grad_()
    f._requires_grad = True
    assert repr(t) == fstr.tensor_repr(f)
    t2 = t * 1
    f._grad_fn = _Node(type(t2.grad_fn).__name__)
    assert repr(t2) == fstr.tensor_repr(f)


def test_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    fdtype.set_default_dtype(fdtype.float64)
    for arr in (np.arange(3.), np.arange(3, dtype=np.float32), np.ones(2, np.complex64),
                np.ones(2, np.complex128), np.zeros((0,), np.float32), np.zeros(0)):
        t, f = pair(arr)
        assert repr(t) == fstr.tensor_repr(f)


def test_device_suffix(monkeypatch):
    """A tensor off the default device names it first among the suffixes.

    torch has no CUDA here, so torch is told its default device is another one (its CPU tensor
    then prints ``device='cpu'``), and the flambeau tensor reports a non-default device whose
    name is also 'cpu'."""
    monkeypatch.setattr(torch._C, "_get_default_device", lambda: "meta")

    class Device:
        type = "cuda"

        def __str__(self):
            return "cpu"

    class OffDevice(ftensor.Tensor):
        __slots__ = ()
        device = Device()

    for arr in (np.arange(3.), np.arange(30, dtype=np.int32), np.zeros((0, 2))):
        t, f = pair(arr)
        off = ftensor.Tensor.__new__(OffDevice)
        ftensor._init_from(off, f._data, f._dtype)
        set_both(linewidth=80)
        assert repr(t) == fstr.tensor_repr(off)
        set_both(linewidth=20)
        assert repr(t) == fstr.tensor_repr(off)


def test_tensor_contents_and_prefix():
    t, f = pair(np.arange(3, dtype=np.int16))
    assert torch_str._str(t, tensor_contents="[...]") == \
        fstr.tensor_repr(f, tensor_contents="[...]")
    # a subclass prints under its class name, with the indent that name gives
    class Sub(torch.Tensor):
        pass
    t, f = pair(np.arange(60.).reshape(3, 20))
    assert repr(t.as_subclass(Sub)) == fstr.tensor_repr(f, prefix="Sub(")


def test_non_contiguous():
    arr = np.arange(24.).reshape(2, 3, 4)
    t, f = pair(arr)
    t = t.permute(2, 0, 1)
    f = ftensor.make(arr.transpose(2, 0, 1))
    assert repr(t) == fstr.tensor_repr(f)


# ---- options -------------------------------------------------------------------------------

def test_printoptions_state_matches_torch():
    calls = [dict(precision=3), dict(profile="full"), dict(sci_mode=True, edgeitems=1),
             dict(linewidth=100), dict(profile="short", threshold=7), dict()]
    for kw in calls:
        set_both(**kw)
        assert fstr.get_printoptions() == torch_str.get_printoptions()
    with fstr.printoptions(precision=1, sci_mode=False), torch_str.printoptions(
            precision=1, sci_mode=False):
        assert fstr.get_printoptions() == torch_str.get_printoptions()
        t, f = pair(np.array([1.25, 1e-5]))
        assert repr(t) == fstr.tensor_repr(f)
    assert fstr.get_printoptions() == torch_str.get_printoptions()


def test_summarized_scan_is_fast():
    f = ftensor.make(np.random.default_rng(0).standard_normal((2000, 2000)).astype(np.float32))
    start = time.perf_counter()
    text = fstr.tensor_repr(f)
    assert time.perf_counter() - start < 0.5
    t = torch.from_numpy(f._data)
    assert text == repr(t)


# ---- storages ------------------------------------------------------------------------------

@pytest.mark.parametrize("arr", [np.arange(4.).astype(np.float32), np.array([1, 2]),
                                 np.array([True, False]), np.array([1.5e10, 2, 0.1], np.float32),
                                 np.array([1 + 2j, -0.5j], np.complex64), np.zeros(0, np.float32),
                                 np.array([0.1, np.nan, -np.inf], np.float16),
                                 np.array([3, -4], np.int8)], ids=str)
def test_storage_repr(arr):
    t, f = pair(arr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = repr(t.storage())
    details = f"dtype={f.dtype!r}, device=cpu"
    assert fstr.storage_repr(arr, f.dtype, details) == expected


@pytest.mark.skipif(ml_dtypes is None, reason="bfloat16 needs ml_dtypes")
def test_storage_repr_bfloat16():
    t, f = pair(np.array([0.1, -3.0, 1e20]), bfloat16=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = repr(t.storage())
    assert fstr.storage_repr(f._data, f.dtype, f"dtype={f.dtype!r}, device=cpu") == expected


# ---- property test: any float values -------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(arr=hnp.arrays(st.sampled_from([np.float16, np.float32, np.float64, np.complex128]),
                      hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6)),
       precision=st.sampled_from([None, 0, 2, 7]), sci_mode=st.sampled_from([None, True, False]))
def test_any_values(arr, precision, sci_mode):
    set_both(profile="default", precision=precision, sci_mode=sci_mode, linewidth=60)
    t, f = pair(arr)
    assert repr(t) == fstr.tensor_repr(f)
