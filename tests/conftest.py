import numpy as np
import pytest

import flambeau


def to_numpy(t):
    """A flambeau or torch tensor as a NumPy array (for comparisons)."""
    return np.array(t.detach().numpy()) if hasattr(t, "detach") else np.asarray(t)


def assert_same(ours, theirs, rtol=1e-6, atol=1e-6, check_stride=False):
    """flambeau tensor vs torch tensor: shape, dtype name, values (and strides when asked)."""
    assert isinstance(ours, flambeau.Tensor), type(ours)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(to_numpy(ours).astype(np.complex128) if ours.is_complex()
                               else to_numpy(ours), to_numpy(theirs), rtol=rtol, atol=atol,
                               equal_nan=True)
    if check_stride:
        assert ours.stride() == theirs.stride()
        assert ours.storage_offset() == theirs.storage_offset()


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


def resolve(lib, path):
    """``lib.a.b`` from ``"a.b"`` (torch or flambeau)."""
    obj = lib
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
