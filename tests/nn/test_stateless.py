"""func.functional_call, nn.utils.stateless.functional_call and func.stack_module_state
against torch."""
import numpy as np
import pytest
import torch

import flambeau
import flambeau.func
import flambeau.nn as nn
from conftest import assert_same, raises_like
from test_parametrize import TIGHT, linear_pair, to_flambeau

X = np.linspace(-1, 1, 6).reshape(2, 3)


def _model(lib):
    """Linear(3, 4) twice, sharing their weight (``first.weight`` and ``alias.weight`` are
    one, tied, parameter), then Linear(4, 2) and a buffer."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.first = lib.nn.Linear(3, 4, dtype=lib.float64)
            self.alias = lib.nn.Linear(3, 4, dtype=lib.float64)
            self.alias.weight = self.first.weight
            self.second = lib.nn.Linear(4, 2, dtype=lib.float64)
            self.register_buffer("shift", lib.zeros(2, dtype=lib.float64))

        def forward(self, x, scale=1.0):
            return self.second(self.first(x) - 2 * self.alias(x)) * scale + self.shift
    return Net()


def pair():
    ours, theirs = _model(flambeau), _model(torch)
    ours.load_state_dict({k: to_flambeau(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


def given(lib, names=("first.weight", "shift")):
    rng = np.random.default_rng(1)
    shapes = {"first.weight": (4, 3), "alias.weight": (4, 3), "second.bias": (2,),
              "shift": (2,), "first.bias": (4,), "alias.bias": (4,), "second.weight": (2, 4)}
    return {n: lib.tensor(rng.standard_normal(shapes[n]), requires_grad=True) for n in names}


def _functional_call(lib):
    return lib.func.functional_call


@pytest.mark.parametrize("names", [("first.weight", "shift"), ("alias.weight",), ("second.bias",),
                                   ()])
@pytest.mark.parametrize("tie_weights", [True, False])
def test_functional_call(names, tie_weights):
    ours, theirs = pair()
    ours_given, theirs_given = given(flambeau, names), given(torch, names)
    y_ours = flambeau.func.functional_call(ours, ours_given, (flambeau.tensor(X),),
                                           {"scale": 2.0}, tie_weights=tie_weights)
    y_theirs = torch.func.functional_call(theirs, theirs_given, (torch.tensor(X),),
                                          {"scale": 2.0}, tie_weights=tie_weights)
    assert_same(y_ours, y_theirs, **TIGHT)
    y_ours.sum().backward()
    y_theirs.sum().backward()
    for name in names:
        assert_same(ours_given[name].grad, theirs_given[name].grad, **TIGHT)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_same(p, q, **TIGHT)  # the module's own tensors are back
        assert (p.grad is None) == (q.grad is None), name
        if p.grad is not None:
            assert_same(p.grad, q.grad, **TIGHT)
    assert ours.first.weight is ours.alias.weight


def test_single_argument_and_sequence_of_dicts():
    ours, theirs = pair()
    a, b = given(flambeau, ("first.weight",)), given(flambeau, ("second.bias",))
    c, d = given(torch, ("first.weight",)), given(torch, ("second.bias",))
    assert_same(flambeau.func.functional_call(ours, [a, b], flambeau.tensor(X)),
                torch.func.functional_call(theirs, (c, d), torch.tensor(X)), **TIGHT)


def test_stateless_functional_call_warns(as_torch):
    ours, theirs = pair()
    with pytest.warns(FutureWarning) as ours_warning:
        y_ours = nn.utils.stateless.functional_call(ours, given(flambeau), flambeau.tensor(X))
    with pytest.warns(FutureWarning) as theirs_warning:
        y_theirs = torch.nn.utils.stateless.functional_call(theirs, given(torch), torch.tensor(X))
    assert str(ours_warning[0].message) == str(theirs_warning[0].message)
    assert_same(y_ours, y_theirs, **TIGHT)


def _strict_call(lib, m, names):
    return _functional_call(lib)(m, given(lib, names), lib.tensor(X), strict=True)


def test_strict():
    ours, theirs = pair()
    everything = ("first.weight", "first.bias", "alias.bias", "second.weight", "second.bias",
                  "shift")
    assert_same(_strict_call(flambeau, ours, everything), _strict_call(torch, theirs, everything),
                **TIGHT)
    for names in [("first.weight",), everything[:-1]]:
        raises_like(lambda: _strict_call(flambeau, ours, names),
                    lambda: _strict_call(torch, theirs, names))


def test_parameters_come_back_after_an_error():
    ours, _ = pair()
    before = ours.first.weight
    with pytest.raises(RuntimeError):
        flambeau.func.functional_call(ours, given(flambeau), flambeau.ones(2, 5))
    assert ours.first.weight is before


def test_a_module_reachable_under_two_names_gets_its_tensors_back():
    inner = nn.Linear(3, 4)
    outer = nn.ModuleDict({"a": inner, "b": inner})
    outer.forward = inner.forward
    before = inner.weight
    flambeau.func.functional_call(outer, {"a.weight": flambeau.zeros(4, 3)}, flambeau.ones(3))
    assert inner.weight is before  # torch leaves the zeros in place


@pytest.mark.parametrize("call", [
    lambda lib, m: _functional_call(lib)(m, given(lib, ("first.weight", "alias.weight")),
                                         lib.tensor(X)),
    lambda lib, m: _functional_call(lib)(m, [given(lib), given(lib)], lib.tensor(X)),
    lambda lib, m: _functional_call(lib)(m, [given(lib), 3], lib.tensor(X)),
    lambda lib, m: _functional_call(lib)(m, 3, lib.tensor(X)),
    lambda lib, m: _functional_call(lib)(m, {"first.weight": 3.0}, lib.tensor(X)),
    lambda lib, m: _functional_call(lib)(m, {"nothing.weight": lib.ones(1)}, lib.tensor(X)),
])
def test_errors(call, as_torch):
    ours, theirs = pair()
    raises_like(lambda: call(flambeau, ours), lambda: call(torch, theirs))


def test_parametrized_module():
    ours, theirs = linear_pair(4, 4)
    nn.utils.parametrizations.weight_norm(ours)
    torch.nn.utils.parametrizations.weight_norm(theirs)
    key = "parametrizations.weight.original1"
    v_ours = flambeau.tensor(np.eye(4), requires_grad=True)
    v_theirs = torch.tensor(np.eye(4), requires_grad=True)
    assert_same(flambeau.func.functional_call(ours, {key: v_ours}, flambeau.tensor(np.ones(4))),
                torch.func.functional_call(theirs, {key: v_theirs}, torch.tensor(np.ones(4))),
                **TIGHT)


def test_stack_module_state():
    models_ours, models_theirs = zip(*(linear_pair(seed=s) for s in range(3)))
    params, buffers = flambeau.func.stack_module_state(models_ours)
    expected, expected_buffers = torch.func.stack_module_state(list(models_theirs))
    assert list(params) == list(expected) and buffers == {} == expected_buffers
    for name in expected:
        assert_same(params[name], expected[name], **TIGHT)
        assert params[name].is_leaf and params[name].requires_grad
    models_ours[2].eval()
    models_theirs[2].eval()
    for pick in ((), (0, "identity"), (1, 2)):
        def models(lib, pairs):
            return [(nn.Identity() if lib is flambeau else torch.nn.Identity()) if i == "identity"
                    else pairs[i] for i in pick]
        raises_like(lambda: flambeau.func.stack_module_state(models(flambeau, models_ours)),
                    lambda: torch.func.stack_module_state(models(torch, models_theirs)))


def test_replace_all_batch_norm_modules():
    def net(lib):
        lib.manual_seed(0)
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4),
                                 lib.nn.Sequential(lib.nn.BatchNorm1d(4, affine=False)))
    ours = flambeau.func.replace_all_batch_norm_modules_(net(flambeau))
    theirs = torch.func.replace_all_batch_norm_modules_(net(torch))
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours[1].running_mean is None and ours[2][0].num_batches_tracked is None
    ours.eval()
    theirs.eval()  # batch statistics even in eval mode
    x = X.astype(np.float32)
    assert_same(ours(flambeau.tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-5)
