"""TypedStorage and UntypedStorage: torch's method set, compared with torch (printed as torch)."""
import pickle
import warnings

import pytest
import torch

import flambeau

CONVERSIONS = ["float", "double", "half", "int", "long", "short", "char", "byte", "bool",
               "complex_float", "complex_double"]

# code run with L as the library, s = x.storage(), u = x.untyped_storage(), x = [1., 2., 3.]
CASES = [
    "s.type()", "u.type()", "s.size()", "u.size()", "len(s)", "len(u)", "s.element_size()",
    "u.element_size()", "s.nbytes()", "u.nbytes()", "s.dtype", "s.device", "u.device",
    "s.is_cuda", "s.is_shared()", "s.is_pinned()", "s.resizable()", "s.pickle_storage_type()",
    "s.tolist()", "u.tolist()", "s[1]", "s[-1]", "u[3]", "list(s)", "s.untyped().nbytes()",
    "s.data_ptr() == x.data_ptr()", "u.data_ptr() == x.data_ptr()", "s.cpu().tolist()",
    "s.clone().fill_(2.5)", "u.clone().fill_(300)", "s.clone().data_ptr() != s.data_ptr()",
    "L.tensor([0., 0., 0.]).storage().copy_(s)",
    "L.TypedStorage([1., 2.])", "L.TypedStorage([1, 2], dtype=L.int64)", "L.TypedStorage(2).size()",
    "L.UntypedStorage([1, 2, 300])", "L.UntypedStorage(3).size()", "u.new().size()",
    "L.tensor([1., 2.]).storage().resize_(4)", "L.tensor([1., 2.]).untyped_storage().resize_(6)",
] + [f"s.{name}()" for name in CONVERSIONS] + [f"u.{name}()" for name in CONVERSIONS]

RAISING = ["s.copy_(L.tensor([1., 2.]).storage())", "u.copy_(L.tensor([1., 2.]).untyped_storage())",
           "s.copy_(5)", "s[5]", "u[-13]", "s.resize_(-1)"]


def run(L, code):
    x = L.tensor([1., 2., 3.])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated
        s, u = x.storage(), x.untyped_storage()  # noqa: F841 (used by the code)
        result = eval(code, {"L": L, "pickle": pickle, "x": x, "s": s, "u": u})
    return repr(result)


@pytest.mark.parametrize("code", CASES)
def test_as_torch(code, as_torch):
    assert run(flambeau, code) == run(torch, code)


@pytest.mark.parametrize("code", RAISING)
def test_raises_as_torch(code, as_torch):
    with pytest.raises(Exception) as theirs:
        run(torch, code)
    with pytest.raises(type(theirs.value)) as ours:
        run(flambeau, code)
    assert str(ours.value) == str(theirs.value)


def test_writes_show_through():
    x = flambeau.zeros(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x.storage()[1] = 5
        x.untyped_storage()[0] = 1
    assert x.tolist()[1] == 5 and x.untyped_storage()[0] == 1


def test_pickle():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = flambeau.tensor([1, 2], dtype=flambeau.int16).storage()
    back = pickle.loads(pickle.dumps(s))
    assert (back.tolist(), back.dtype, type(back)) == ([1, 2], flambeau.int16, type(s))
    u = pickle.loads(pickle.dumps(s.untyped()))
    assert (u.tolist(), type(u)) == ([1, 0, 2, 0], flambeau.UntypedStorage)
