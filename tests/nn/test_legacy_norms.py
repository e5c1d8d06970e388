"""The legacy hook forms nn.utils.weight_norm and nn.utils.spectral_norm against torch."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import flambeau
import flambeau.nn as nn
from conftest import assert_same, raises_like, to_numpy
from test_parametrize import TIGHT, copy_state, linear_pair, same_module, to_flambeau

pytestmark = pytest.mark.filterwarnings("ignore:.*weight_norm` is deprecated:FutureWarning")


def _utils(lib):
    return lib.nn.utils if lib is torch else nn.utils


@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm(dim):
    ours, theirs = linear_pair()
    nn.utils.weight_norm(ours, dim=dim)
    torch.nn.utils.weight_norm(theirs, dim=dim)
    assert_same(ours.weight_g, theirs.weight_g, **TIGHT)
    for _ in range(2):  # the hook recomputes the weight at each call
        same_module(ours, theirs)
    nn.utils.remove_weight_norm(ours)
    torch.nn.utils.remove_weight_norm(theirs)
    same_module(ours, theirs)
    assert isinstance(ours.weight, nn.Parameter)


def test_weight_norm_warns_at_the_caller(as_torch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.utils.weight_norm(nn.Linear(2, 2))
    assert [(w.category, str(w.message), w.filename) for w in caught] == [
        (FutureWarning, "`torch.nn.utils.weight_norm` is deprecated in favor of "
                        "`torch.nn.utils.parametrizations.weight_norm`.", __file__)]


@pytest.mark.parametrize("kwargs", [{}, {"n_power_iterations": 2}, {"dim": 1}])
def test_spectral_norm(kwargs):
    ours, theirs = linear_pair()
    nn.utils.spectral_norm(ours, **kwargs)
    torch.nn.utils.spectral_norm(theirs, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.state_dict()._metadata[""]["spectral_norm"] == \
        theirs.state_dict()._metadata[""]["spectral_norm"]
    copy_state(ours, theirs)  # u and v start from random draws: take torch's
    for mode in ("train", "train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        same_module(ours, theirs, rtol=1e-8, atol=1e-10)
        assert_same(ours.weight_u, theirs.weight_u, **TIGHT)
        assert_same(ours.weight_v, theirs.weight_v, **TIGHT)
    nn.utils.remove_spectral_norm(ours)
    torch.nn.utils.remove_spectral_norm(theirs)
    same_module(ours, theirs, rtol=1e-8, atol=1e-10)
    assert not ours._forward_pre_hooks and not ours._state_dict_hooks
    assert not ours._load_state_dict_pre_hooks  # torch leaves its pre-hook (and then fails:)
    ours.load_state_dict(ours.state_dict())


def test_spectral_norm_converges():
    flambeau.manual_seed(0)  # (power iteration from a draw whose top singular values are apart)
    m = nn.utils.spectral_norm(nn.Linear(6, 5, dtype=flambeau.float64))
    for _ in range(30):
        m(flambeau.ones(6, dtype=flambeau.float64))
    assert abs(np.linalg.norm(to_numpy(m.weight), 2) - 1) < 1e-6


def test_spectral_norm_loads_version_0_state_dicts():
    """Before version 1 a state dict held weight (normalised) and weight_u, not weight_v."""
    ours, theirs = linear_pair()
    nn.utils.spectral_norm(ours)
    torch.nn.utils.spectral_norm(theirs)
    theirs(torch.ones(3, dtype=torch.float64))
    old = theirs.state_dict()
    del old["weight_v"], old._metadata[""]["spectral_norm"]
    old["weight"] = theirs.weight.detach()
    ours_old = OrderedDict((k, to_flambeau(v)) for k, v in old.items())
    ours_old._metadata = old._metadata
    theirs.load_state_dict(old)
    ours.load_state_dict(ours_old)
    assert_same(ours.weight_v, theirs.weight_v, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("call", [
    lambda U, m: (U.weight_norm(m), U.weight_norm(m)),
    lambda U, m: U.remove_weight_norm(m),
    lambda U, m: (U.spectral_norm(m), U.spectral_norm(m)),
    lambda U, m: U.spectral_norm(m, n_power_iterations=0),
    lambda U, m: U.remove_spectral_norm(m),
    lambda U, m: U.remove_spectral_norm(U.weight_norm(m)),
])
def test_errors(call):
    ours, theirs = linear_pair()
    raises_like(lambda: call(nn.utils, ours), lambda: call(torch.nn.utils, theirs))
