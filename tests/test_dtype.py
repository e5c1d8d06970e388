import itertools

import numpy as np
import pytest
import torch

import flambeau

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64", "complex64", "complex128"]
PAIRS = list(itertools.product(NAMES, NAMES))


def ours(name):
    return getattr(flambeau, name)


def theirs(name):
    return getattr(torch, name)


@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types(a, b):
    assert str(flambeau.promote_types(ours(a), ours(b))) == \
        str(torch.promote_types(theirs(a), theirs(b))).replace("torch", "flambeau")


@pytest.mark.parametrize("a,b", PAIRS)
def test_can_cast(a, b):
    assert flambeau.can_cast(ours(a), ours(b)) == torch.can_cast(theirs(a), theirs(b))


@pytest.mark.parametrize("name", NAMES)
def test_attributes(name, as_torch):
    d, t = ours(name), theirs(name)
    assert (d.is_floating_point, d.is_complex, d.is_signed, d.itemsize) == \
        (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize)
    assert repr(d) == repr(t) and str(d) == str(t)


def test_aliases():
    for alias in ["float", "double", "half", "cfloat", "cdouble", "long", "int", "short"]:
        assert str(getattr(flambeau, alias)).split(".")[1] == \
            str(getattr(torch, alias)).split(".")[1]


SCALARS = [True, 2, 2.5, 1 + 1j]


@pytest.mark.parametrize("a", NAMES[:-2] + ["complex64"])
@pytest.mark.parametrize("b", NAMES[:-2] + SCALARS)
@pytest.mark.parametrize("zero_dim", [False, True])
def test_result_type(a, b, zero_dim):
    """Dimensioned tensors, 0-dim tensors and Python scalars, as torch.result_type ranks them."""
    shape = () if zero_dim else (2,)
    ta = torch.zeros(shape, dtype=theirs(a))
    fa = flambeau.zeros(shape, dtype=ours(a))
    if isinstance(b, str):
        tb, fb = torch.zeros((), dtype=theirs(b)), flambeau.zeros((), dtype=ours(b))
    else:
        tb = fb = b
    expected = str(torch.result_type(ta, tb)).split(".")[1]
    # flambeau has no complex32 (NumPy lacks it): half + complex gives complex64
    assert str(flambeau.result_type(fa, fb)).split(".")[1] == \
        {"complex32": "complex64"}.get(expected, expected)


@pytest.mark.parametrize("default", ["float64", "float32"])
def test_default_dtype_drives_promotion(default):
    flambeau.set_default_dtype(ours(default))
    try:
        assert flambeau.get_default_dtype() is ours(default)
        assert flambeau.tensor([1.5]).dtype is ours(default)
        assert (flambeau.tensor([1, 2]) + 1.5).dtype is ours(default)
        assert flambeau.tensor([1j]).dtype is (flambeau.complex128 if default == "float64"
                                               else flambeau.complex64)
    finally:
        flambeau.set_default_dtype(flambeau.float32)


def test_set_default_dtype_rejects_ints():
    with pytest.raises(TypeError):
        flambeau.set_default_dtype(flambeau.int64)


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64", "complex64"])
def test_finfo(name, as_torch):
    a, b = flambeau.finfo(ours(name)), torch.finfo(theirs(name))
    for field in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
        assert getattr(a, field) == getattr(b, field), field
    assert repr(a) == repr(b)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(name):
    a, b = flambeau.iinfo(ours(name)), torch.iinfo(theirs(name))
    assert (a.bits, a.min, a.max, a.dtype) == (b.bits, b.min, b.max, b.dtype)
    assert repr(a) == repr(b)


def test_pickle_keeps_singletons():
    import pickle
    assert pickle.loads(pickle.dumps(flambeau.float64)) is flambeau.float64


def test_numpy_dtype_round_trip():
    for name in NAMES:
        if name == "bfloat16":
            continue
        array = np.zeros(2, dtype=name)
        assert flambeau.from_numpy(array).dtype is ours(name)
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.longdouble"):
        flambeau.from_numpy(np.zeros(2, np.longdouble))  # (uint16 is a dtype since torch 2.3)
