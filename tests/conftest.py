import re

import numpy as np
import pytest

import flambeau
import torch


def to_numpy(t):
    """A flambeau or torch tensor as a NumPy array (for comparisons)."""
    return np.array(t.detach().numpy()) if hasattr(t, "detach") else np.asarray(t)


def assert_same(ours, theirs, rtol=1e-6, atol=1e-6, check_stride=False):
    """flambeau result vs torch result: for tensors shape, dtype name, values (integers and
    bools exactly unless ``atol`` is 1 or more; strides and offset when asked); tuples and
    lists (namedtuples with their type name and fields) element by element; other values by
    equality (numbers within the tolerances)."""
    if isinstance(theirs, (tuple, list)):
        assert type(ours).__name__ == type(theirs).__name__, (type(ours), type(theirs))
        assert getattr(ours, "_fields", None) == getattr(theirs, "_fields", None)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol, atol, check_stride)
        return
    if not hasattr(theirs, "dtype"):
        if isinstance(theirs, float):
            np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)
        else:
            assert ours == theirs, (ours, theirs)
        return
    assert isinstance(ours, flambeau.Tensor), type(ours)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    mine, other = to_numpy(ours), to_numpy(theirs)
    if other.dtype.kind in "biu":  # exactly, unless a tolerance of whole units is given
        np.testing.assert_allclose(mine, other, rtol=0, atol=atol if atol >= 1 else 0)
    else:
        np.testing.assert_allclose(mine.astype(np.complex128) if ours.is_complex() else mine,
                                   other, rtol=rtol, atol=atol, equal_nan=True)
    if check_stride:
        assert ours.stride() == theirs.stride()
        assert ours.storage_offset() == theirs.storage_offset()


def twins(values, dtype=None, requires_grad=False):
    """(flambeau tensor, torch tensor) holding the same ``values`` (an array or nested list);
    float values cast to the NumPy ``dtype`` when it is given."""
    a = np.array(values)
    if dtype is not None and a.dtype.kind in "fc":
        a = a.astype(dtype)
    return (flambeau.tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))


def in_both(fn):
    """``fn(flambeau)`` and ``fn(torch)``: (ours, theirs)."""
    return fn(flambeau), fn(torch)


def random_twins(shape, dtype="float32", seed=0, requires_grad=False):
    """:func:`twins` of standard normal values of ``shape`` (seeded NumPy draws)."""
    return twins(np.random.default_rng(seed).standard_normal(shape), dtype, requires_grad)


@pytest.fixture
def as_torch():
    """Printed names say torch, as under `python -m flambeau run`."""
    flambeau._naming.set_public_name("torch")
    yield
    flambeau._naming.set_public_name("flambeau")


def raises_like(fn_ours, fn_theirs):
    """Both raise the same exception type with the same message."""
    with pytest.raises(Exception) as theirs:
        fn_theirs()
    with pytest.raises(Exception) as ours:
        fn_ours()
    assert type(ours.value).__name__ == type(theirs.value).__name__ or \
        isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value)


def same_outcome(run, rtol=1e-6, atol=1e-6):
    """``run(flambeau)`` does what ``run(torch)`` does: raises alike, returns NotImplemented
    alike, or returns the same result (:func:`assert_same`; a bfloat16 tensor compared in
    float32, its dtype by name); torch's dtypes by their printed names."""
    try:
        theirs = run(torch)
    except Exception:
        raises_like(lambda: run(flambeau), lambda: run(torch))
        return
    ours = run(flambeau)
    if theirs is NotImplemented:
        assert ours is NotImplemented
    elif isinstance(theirs, torch.dtype):
        assert repr(ours) == repr(theirs)
    elif isinstance(theirs, torch.Tensor) and theirs.dtype is torch.bfloat16:
        assert ours.dtype is flambeau.bfloat16
        assert_same(ours.float(), theirs.float(), rtol, atol)
    else:
        assert_same(ours, theirs, rtol, atol)


def resolve(lib, path):
    """``lib.a.b`` from ``"a.b"`` (torch or flambeau)."""
    obj = lib
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


_NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")
# durations ("(0.0130s)") and clock times (time.ctime()) differ from run to run
_CLOCK = re.compile(r"\(\d+\.\d+s\)|\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}")


def assert_same_numbers(ours, theirs, skip=("time", "ms/batch", "Namespace", "Training complete")):
    """The two printouts show the same numbers, line by line, each within its last printed
    digit (timings and lines with a word of ``skip`` apart)."""
    def numbers(text):
        return [_NUMBER.findall(_CLOCK.sub("", line)) for line in text.splitlines()
                if not any(word in line for word in skip)]
    ours, theirs = numbers(ours), numbers(theirs)
    assert len(ours) == len(theirs)
    for line_ours, line_theirs in zip(ours, theirs):
        assert len(line_ours) == len(line_theirs), (line_ours, line_theirs)
        for a, b in zip(line_ours, line_theirs):
            digits = len(b.partition(".")[2]) if "e" not in b else 6
            assert float(a) == pytest.approx(float(b), rel=1e-4, abs=1.5 * 10.0 ** -digits), \
                (line_ours, line_theirs)
