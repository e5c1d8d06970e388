"""nn.Parameter, nn.Buffer and the uninitialized placeholders against torch."""
import copy
import pickle

import pytest
import torch

import flambeau
from conftest import in_both, raises_like

LIBS = (torch, flambeau)


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs print torch's names."""


@pytest.mark.parametrize("build", [
    lambda lib: lib.nn.Parameter(lib.tensor([[1.0, 2.5], [3.0, -4.0]])),
    lambda lib: lib.nn.Parameter(lib.tensor([1.0, 2.0]), requires_grad=False),
    lambda lib: lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False),
    lambda lib: lib.nn.Parameter(lib.zeros(2, dtype=lib.float64)),
    lambda lib: lib.nn.Parameter(),
    lambda lib: lib.nn.Parameter(lib.tensor(3.0)),
    lambda lib: lib.nn.Parameter(lib.ones(2, requires_grad=True) * 2),
])
def test_parameter_repr_and_flags(build):
    ours, theirs = in_both(lambda lib: (repr(build(lib)), build(lib).requires_grad,
                                     build(lib).is_leaf, type(build(lib) * 1).__name__))
    assert ours == theirs


def test_parameter_shares_memory_and_is_a_tensor():
    data = flambeau.zeros(3)
    p = flambeau.nn.Parameter(data)
    data[0] = 5.0
    assert p.tolist() == [5.0, 0.0, 0.0] and isinstance(p, flambeau.Tensor)
    assert type(p + 1) is flambeau.Tensor and (p + 1).grad_fn is not None


def test_parameter_of_integers_cannot_require_grad():
    raises_like(lambda: flambeau.nn.Parameter(flambeau.tensor([1, 2])),
                lambda: torch.nn.Parameter(torch.tensor([1, 2])))


def test_parameter_deepcopy_and_pickle():
    flambeau._naming.set_public_name("flambeau")  # pickles name classes by their module
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]), requires_grad=False)
        p.grad = lib.ones(2)
        for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
            assert type(q) is lib.nn.Parameter and q.tolist() == [1.0, 2.0]
            assert not q.requires_grad and q is not p
        memo = {}
        assert copy.deepcopy([p, p], memo)[0] is memo[id(p)]


def test_uninitialized_parameter_and_buffer():
    for lib in LIBS:
        p = lib.nn.UninitializedParameter(dtype=lib.float64)
        b = lib.nn.UninitializedBuffer()
        assert repr(p) == "<UninitializedParameter>" and repr(b) == "<UninitializedBuffer>"
        assert lib.nn.parameter.is_lazy(p) and lib.nn.parameter.is_lazy(b)
        assert p.requires_grad and not b.requires_grad
        q = copy.deepcopy(p)
        assert type(q) is type(p) and q.dtype == lib.float64 and q is not p
        for t in (p, b):
            with pytest.raises(RuntimeError, match="Can't access the shape"):
                t.shape
            with pytest.raises(RuntimeError, match="Can't share memory"):
                t.share_memory_()
        p.materialize((2, 3))
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3)
        assert p.dtype == lib.float64 and p.requires_grad
        b.materialize(4, dtype=lib.float64)
        assert tuple(b.shape) == (4,) and b.dtype == lib.float64
        assert not lib.nn.parameter.is_lazy(p) and not lib.nn.parameter.is_lazy(b)


def test_uninitialized_parameter_pickles():
    flambeau._naming.set_public_name("flambeau")
    p = pickle.loads(pickle.dumps(flambeau.nn.UninitializedParameter(requires_grad=False)))
    assert type(p) is flambeau.nn.UninitializedParameter and not p.requires_grad


def test_buffer():
    for lib in LIBS:
        b = lib.nn.Buffer(lib.tensor([1.0, 2.0]), persistent=False)
        assert repr(b) == "tensor([1., 2.])" and not b.persistent
        assert isinstance(b, lib.nn.Buffer) and isinstance(b, lib.Tensor)
        assert not isinstance(lib.ones(1), lib.nn.Buffer)
        assert not isinstance(b, lib.nn.Parameter)


def test_classes_print_as_torchs():
    for name in ("Parameter", "Buffer", "UninitializedParameter", "Linear", "Sequential",
                 "Module", "ModuleList", "LazyLinear"):
        assert repr(getattr(flambeau.nn, name)) == repr(getattr(torch.nn, name))
