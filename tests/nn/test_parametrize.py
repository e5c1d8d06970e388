"""nn.utils.parametrize and nn.utils.parametrizations against torch: values, gradients, names,
state dicts, reprs and errors of parametrized modules."""
import copy
import pickle

import numpy as np
import pytest
import torch

import flambeau
import flambeau.nn as nn
from flambeau.nn.utils import parametrizations, parametrize
from conftest import assert_same, raises_like, to_numpy
from test_init import _streams_match

TIGHT = dict(rtol=1e-10, atol=1e-12)


def to_flambeau(t):
    return flambeau.tensor(to_numpy(t))


def linear_pair(in_features=3, out_features=4, seed=0):
    """A torch Linear and a flambeau Linear with the same float64 parameters."""
    torch.manual_seed(seed)
    theirs = torch.nn.Linear(in_features, out_features, dtype=torch.float64)
    ours = nn.Linear(in_features, out_features, dtype=flambeau.float64)
    ours.load_state_dict({k: to_flambeau(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


def copy_state(ours, theirs):
    """Loads torch's state dict (same keys) into ours."""
    ours.load_state_dict({k: to_flambeau(v) for k, v in theirs.state_dict().items()})


def same_module(ours, theirs, x=None, **tol):
    """Same class name, repr, state dict (keys and values), parametrized weight, and forward
    and backward (gradients of every parameter) on the same input."""
    tol = tol or TIGHT
    assert type(ours).__name__ == type(theirs).__name__
    assert repr(ours) == repr(theirs)
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    for key in theirs_sd:
        assert_same(ours_sd[key], theirs_sd[key], **tol)
    assert_same(ours.weight, theirs.weight, **tol)
    if x is None:
        x = np.linspace(-1, 1, 2 * theirs.in_features).reshape(2, -1)
    y_ours, y_theirs = ours(flambeau.tensor(x)), theirs(torch.tensor(x))
    assert_same(y_ours, y_theirs, **tol)
    (y_ours ** 2).sum().backward()
    (y_theirs ** 2).sum().backward()
    ours_params, theirs_params = dict(ours.named_parameters()), dict(theirs.named_parameters())
    assert list(ours_params) == list(theirs_params)
    for name, p in theirs_params.items():
        assert_same(ours_params[name].grad, p.grad, **tol)


def _classes(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    class Scale(lib.nn.Module):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def forward(self, X):
            return X * self.factor

        def right_inverse(self, A):
            return A / self.factor

    class NoInverse(lib.nn.Module):
        def forward(self, X):
            return X.exp()

    class Split(lib.nn.Module):  # weight = A + B, from two tensors
        def forward(self, A, B):
            return A + B

        def right_inverse(self, W):
            return W * 0.25, W * 0.75

    class Rows(lib.nn.Module):  # changes the shape: unsafe
        def forward(self, X):
            return X[:2]

    class Double(lib.nn.Module):  # changes the dtype: unsafe
        def forward(self, X):
            return X.float()

    return dict(Symmetric=Symmetric, Scale=Scale, NoInverse=NoInverse, Split=Split, Rows=Rows,
                Double=Double)


C = {flambeau: _classes(flambeau), torch: _classes(torch)}


def both(*steps):
    """Applies ``steps`` (functions of lib, module) to a pair of equal Linear(4, 4)."""
    ours, theirs = linear_pair(4, 4)
    for step in steps:
        step(flambeau, ours)
        step(torch, theirs)
    return ours, theirs


def reg(cls, name="weight", *args, **kwargs):
    def step(lib, m):
        utils = lib.nn.utils if lib is torch else nn.utils
        utils.parametrize.register_parametrization(m, name, C[lib][cls](*args), **kwargs)
    return step


def test_register_one():
    ours, theirs = linear_pair(4, 4)
    weight = ours.weight
    reg("Symmetric")(flambeau, ours)
    reg("Symmetric")(torch, theirs)
    assert ours.parametrizations.weight.original is weight  # what optimizers hold
    assert parametrize.is_parametrized(ours) and parametrize.is_parametrized(ours, "weight")
    assert not parametrize.is_parametrized(ours, "bias")
    assert parametrize.type_before_parametrizations(ours) is nn.Linear
    assert isinstance(ours, nn.Linear)
    assert ours.weight.grad_fn is not None
    same_module(ours, theirs)


def test_classes_print_as_torch(as_torch):
    ours, theirs = both(lambda lib, m: _parametrizations(lib).weight_norm(m))
    for get in (type, lambda m: type(m.parametrizations.weight),
                lambda m: type(m.parametrizations.weight[0])):
        assert repr(get(ours)) == repr(get(theirs))


def test_register_stacked_and_on_bias():
    ours, theirs = both(reg("Symmetric"), reg("Scale", "weight", 2.0), reg("Scale", "bias", 3.0))
    same_module(ours, theirs)
    assert len(ours.parametrizations.weight) == 2


def test_multi_tensor_right_inverse():
    ours, theirs = both(reg("Split"))
    assert not ours.parametrizations.weight.is_tensor
    assert ours.parametrizations.weight.ntensors == 2
    same_module(ours, theirs)


def test_unsafe_parametrizations():
    ours, theirs = both(reg("Rows", unsafe=True))
    assert ours.weight.shape == (2, 4)
    assert_same(ours.weight, theirs.weight)
    ours, theirs = both(reg("Double", unsafe=True))
    assert_same(ours.weight, theirs.weight)


def test_assigning_calls_right_inverse():
    value = np.arange(16.0).reshape(4, 4)

    def assign(lib, m):
        m.weight = lib.tensor(value)
    ours, theirs = both(reg("Symmetric"), reg("Scale", "weight", 2.0), assign)
    same_module(ours, theirs)
    version = ours.parametrizations.weight.original._version
    ours.weight = flambeau.tensor(value)
    assert ours.parametrizations.weight.original._version > version


def test_cached():
    ours, theirs = both(reg("Symmetric"))
    with parametrize.cached():
        first = ours.weight
        assert ours.weight is first
        with parametrize.cached():
            assert ours.weight is first
        assert ours.weight is first
    assert ours.weight is not first
    with parametrize.cached(), torch.nn.utils.parametrize.cached():
        same_module(ours, theirs)


@pytest.mark.parametrize("leave_parametrized", [True, False])
def test_remove(leave_parametrized):
    def remove(lib, m):
        utils = lib.nn.utils if lib is torch else nn.utils
        utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized)
    ours, theirs = both(reg("Symmetric"), reg("Scale", "bias", 2.0), remove)
    assert type(ours).__name__ == "ParametrizedLinear"
    same_module(ours, theirs)
    ours, theirs = both(reg("Symmetric"), remove)
    assert type(ours) is nn.Linear and isinstance(ours.weight, nn.Parameter)
    assert "parametrizations" not in ours._modules
    same_module(ours, theirs)


def test_remove_multi_tensor():
    def remove(lib, m):
        utils = lib.nn.utils if lib is torch else nn.utils
        utils.parametrize.remove_parametrizations(m, "weight")
    ours, theirs = both(reg("Split"), remove)
    same_module(ours, theirs)


def test_buffer_parametrization():
    def add_buffer(lib, m):
        m.register_buffer("scale", lib.ones(4, dtype=lib.float64))
    ours, theirs = both(add_buffer, reg("Scale", "scale", 3.0))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert_same(ours.scale, theirs.scale)
    assert not isinstance(ours.parametrizations.scale.original, nn.Parameter)


def test_transfer_parametrizations_and_params():
    ours, theirs = both(reg("Symmetric"), reg("Scale", "bias", 2.0))
    ours_to, theirs_to = linear_pair(4, 4, seed=1)
    nn.utils.parametrize.transfer_parametrizations_and_params(ours, ours_to)
    torch.nn.utils.parametrize.transfer_parametrizations_and_params(theirs, theirs_to)
    same_module(ours_to, theirs_to)
    assert ours_to.parametrizations.weight.original is ours.parametrizations.weight.original


def test_deepcopy_and_pickling():
    ours, theirs = both(reg("Symmetric"))
    clone = copy.deepcopy(ours)
    assert type(clone).__name__ == "ParametrizedLinear"
    assert_same(clone.weight, ours.weight)
    assert clone.parametrizations.weight.original is not ours.parametrizations.weight.original
    raises_like(lambda: pickle.dumps(ours), lambda: pickle.dumps(theirs))


def test_training_mode_follows_the_module():
    ours, theirs = both(lambda lib, m: m.eval(), reg("Symmetric"))
    assert not ours.parametrizations.weight[0].training


@pytest.mark.parametrize("steps", [
    [reg("Symmetric", "nothing")],
    [reg("Rows")],
    [reg("Double")],
    [reg("Symmetric"), reg("Rows")],
    [reg("Symmetric"), reg("Double")],
    [lambda lib, m: (lib.nn.utils if lib is torch else nn.utils).parametrize
     .remove_parametrizations(m, "weight")],
    [reg("Split"), lambda lib, m: (lib.nn.utils if lib is torch else nn.utils).parametrize
     .remove_parametrizations(m, "weight", leave_parametrized=False)],
    [reg("NoInverse"), lambda lib, m: setattr(m, "weight", lib.zeros(4, 4, dtype=lib.float64))],
    [reg("Symmetric"), lambda lib, m: setattr(m, "weight", lib.zeros(4, 4))],
])
def test_errors(steps, as_torch):
    ours, theirs = linear_pair(4, 4)

    def run(lib, m):
        for step in steps:
            step(lib, m)
    raises_like(lambda: run(flambeau, ours), lambda: run(torch, theirs))


# ---- parametrizations ---------------------------------------------------------------------

def _parametrizations(lib):
    return lib.nn.utils.parametrizations if lib is torch else parametrizations


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm(dim):
    ours, theirs = both(lambda lib, m: _parametrizations(lib).weight_norm(m, dim=dim))
    same_module(ours, theirs)
    g = ours.parametrizations.weight.original0
    assert g.shape == theirs.parametrizations.weight.original0.shape


def test_weight_norm_loads_legacy_state_dicts():
    ours, _ = linear_pair()
    parametrizations.weight_norm(ours)
    with pytest.warns(FutureWarning):
        legacy = torch.nn.utils.weight_norm(torch.nn.Linear(3, 4, dtype=torch.float64))
    state = legacy.state_dict()
    assert {"weight_g", "weight_v"} <= set(state)
    ours.load_state_dict({k: to_flambeau(v) for k, v in state.items()})
    assert_same(ours.weight, legacy.weight, **TIGHT)


def _spectral(lib, m, **kwargs):
    _parametrizations(lib).spectral_norm(m, **kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"n_power_iterations": 3}, {"dim": 1}, {"eps": 1e-3}])
def test_spectral_norm(kwargs):
    ours, theirs = both(lambda lib, m: _spectral(lib, m, **kwargs))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # u and v start from random draws: take torch's, then both iterate the same way
    copy_state(ours, theirs)
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        same_module(ours, theirs, rtol=1e-8, atol=1e-10)
    assert_same(ours.parametrizations.weight[0]._u, theirs.parametrizations.weight[0]._u, **TIGHT)
    sigma = np.linalg.norm(to_numpy(ours.weight), 2)
    assert abs(sigma - 1) < 1e-2


def test_spectral_norm_estimates_the_largest_singular_value():
    flambeau.manual_seed(0)  # 15 iterations converge unless the top singular values are close,
    m = nn.Linear(5, 7, dtype=flambeau.float64)  # which some draws of earlier tests' streams gave
    parametrizations.spectral_norm(m)  # 15 power iterations at registration
    m.eval()
    assert abs(np.linalg.norm(to_numpy(m.weight), 2) - 1) < 1e-3


def test_spectral_norm_of_a_vector():
    ours, theirs = both(lambda lib, m: _spectral(lib, m, name="bias"))
    same_module(ours, theirs)
    assert abs(np.linalg.norm(to_numpy(ours.bias)) - 1) < 1e-12


@pytest.mark.parametrize("shape,orthogonal_map,trivialization", [
    ((4, 4), None, True), ((4, 4), "cayley", True), ((4, 4), "householder", True),
    ((3, 5), None, False), ((5, 3), "householder", False), ((4, 4), "householder", False)])
def test_orthogonal(shape, orthogonal_map, trivialization):
    ours, theirs = linear_pair(shape[1], shape[0])
    kwargs = dict(orthogonal_map=orthogonal_map, use_trivialization=trivialization)
    parametrizations.orthogonal(ours, **kwargs)
    torch.nn.utils.parametrizations.orthogonal(theirs, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_state(ours, theirs)  # base: a random completion for non-square weights
    same_module(ours, theirs, rtol=1e-8, atol=1e-10)
    w = to_numpy(ours.weight)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-12)


def test_orthogonal_assignment():
    ours, theirs = linear_pair(4, 4)
    parametrizations.orthogonal(ours)
    torch.nn.utils.parametrizations.orthogonal(theirs)
    q = np.linalg.qr(np.arange(16.0).reshape(4, 4) + np.eye(4))[0]
    ours.weight = flambeau.tensor(q)
    theirs.weight = torch.tensor(q)
    assert_same(ours.weight, theirs.weight, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(to_numpy(ours.weight), q, atol=1e-10)


@pytest.mark.parametrize("call", [
    lambda lib, m: _parametrizations(lib).orthogonal(m, "nothing"),
    lambda lib, m: _parametrizations(lib).orthogonal(m, "bias"),
    lambda lib, m: _parametrizations(lib).orthogonal(m, orthogonal_map="qr"),
    lambda lib, m: _parametrizations(lib).spectral_norm(m, dim=2),
    lambda lib, m: _parametrizations(lib).spectral_norm(m, n_power_iterations=0),
    lambda lib, m: _parametrizations(lib).spectral_norm(m, "nothing"),
    lambda lib, m: (_parametrizations(lib).orthogonal(m, use_trivialization=False),
                    setattr(m, "weight", lib.eye(4, dtype=lib.float64))),
])
def test_parametrization_errors(call, as_torch):
    ours, theirs = linear_pair(4, 4)
    raises_like(lambda: call(flambeau, ours), lambda: call(torch, theirs))


@pytest.mark.skipif(not _streams_match(), reason="flambeau's random streams differ from torch's")
@pytest.mark.filterwarnings("ignore:.*weight_norm` is deprecated:FutureWarning")
@pytest.mark.parametrize("register", ["parametrizations.spectral_norm", "spectral_norm",
                                      "parametrizations.orthogonal"])
def test_random_state_equals_torch_after_seeding(register):
    """spectral norm's u and v, orthogonal's completion of a non-square weight: same draws."""
    states = []
    for lib in (flambeau, torch):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 5)
        fn = lib.nn.utils
        for part in register.split("."):
            fn = getattr(fn, part)
        fn(m)
        states.append(m.state_dict())
    assert list(states[0]) == list(states[1])
    for key, value in states[1].items():
        assert_same(states[0][key], value, rtol=1e-6, atol=1e-6)


def test_dtype_casts_keep_the_parametrization():
    ours, theirs = both(lambda lib, m: _parametrizations(lib).weight_norm(m),
                        lambda lib, m: _spectral(lib, m, name="bias"))
    copy_state(ours, theirs)
    original = ours.parametrizations.weight.original0
    ours.float()
    theirs.float()
    assert ours.parametrizations.weight.original0 is original
    same_module(ours, theirs, x=np.ones((2, 4), dtype=np.float32), rtol=1e-5, atol=1e-6)
