"""nn.utils gradient clipping and parameter vectors against torch."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
import flambeau.nn.utils as utils
from conftest import assert_same, raises_like, to_numpy

SHAPES = [(5, 3), (3,), (2, 4, 2), (1,)]


def _params(lib, dtypes=("float32",), grads=True, seed=0, scale=1.0):
    """The same parameters (with gradients) in torch or flambeau; a None grad for the third."""
    rng = np.random.default_rng(seed)
    out = []
    for i, shape in enumerate(SHAPES):
        dtype = getattr(lib, dtypes[i % len(dtypes)])
        p = lib.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)
        g = rng.standard_normal(shape) * scale
        if grads and i != 2:
            p.grad = lib.tensor(g, dtype=dtype)
        out.append(p)
    return out


def _same_grads(ours, theirs, **tol):
    for p, q in zip(ours, theirs):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            assert_same(p.grad, q.grad, **tol)


@pytest.mark.parametrize("norm_type", [2, 2.0, 1, 3, 0.5, 0, float("inf"), "inf", -float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("dtypes", [("float32",), ("float64",), ("float32", "float64")])
def test_clip_grad_norm(norm_type, max_norm, dtypes):
    ours, theirs = _params(flambeau, dtypes), _params(torch, dtypes)
    total = utils.clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert_same(total, expected, rtol=1e-6)
    assert not total.requires_grad
    _same_grads(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_norm_of_one_tensor_and_foreach(foreach):
    p, q = _params(flambeau)[0], _params(torch)[0]
    assert_same(utils.clip_grad_norm_(p, 0.1, foreach=foreach),
                torch.nn.utils.clip_grad_norm_(q, 0.1, foreach=foreach))
    assert_same(p.grad, q.grad)


def test_clip_grad_norm_bumps_the_gradient_version():
    p = _params(flambeau)[0]
    before = p.grad._version
    utils.clip_grad_norm_([p], 1e-3)
    assert p.grad._version > before


def test_clip_grad_norm_other_dtypes():
    for dtype in ("float16", "complex64"):
        ours, theirs = _params(flambeau, (dtype,)), _params(torch, (dtype,))
        assert_same(utils.clip_grad_norm_(ours, 1.0), torch.nn.utils.clip_grad_norm_(theirs, 1.0),
                    rtol=1e-3, atol=1e-3)
        _same_grads(ours, theirs, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
@pytest.mark.parametrize("norm_type", [2.0, float("inf"), 1.0])
def test_non_finite_norms(bad, norm_type):
    ours, theirs = _params(flambeau), _params(torch)
    ours[0].grad[1, 1] = bad
    theirs[0].grad[1, 1] = bad
    raises_like(lambda: utils.clip_grad_norm_(ours, 1.0, norm_type, error_if_nonfinite=True),
                lambda: torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type,
                                                       error_if_nonfinite=True))
    assert_same(utils.clip_grad_norm_(ours, 1.0, norm_type),
                torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type))
    _same_grads(ours, theirs)


@pytest.mark.filterwarnings("error")
def test_overflowing_norm_is_inf_quietly():
    big = [flambeau.full((4,), 1e20), flambeau.full((2,), 1.0)]
    assert_same(utils.get_total_norm(big),
                torch.nn.utils.get_total_norm([torch.full((4,), 1e20), torch.ones(2)]))


def test_empty_inputs():
    assert_same(utils.clip_grad_norm_([], 1.0), torch.nn.utils.clip_grad_norm_([], 1.0))
    ours, theirs = _params(flambeau, grads=False), _params(torch, grads=False)
    assert_same(utils.clip_grad_norm_(ours, 1.0), torch.nn.utils.clip_grad_norm_(theirs, 1.0))
    assert_same(utils.get_total_norm([flambeau.zeros(0)]),
                torch.nn.utils.get_total_norm([torch.zeros(0)]))

    def empty_inf_norm(lib):
        p = lib.zeros(0, requires_grad=True)
        p.grad = lib.zeros(0)
        return lib.nn.utils.clip_grad_norm_([p], 1.0, "inf") if lib is torch else \
            utils.clip_grad_norm_([p], 1.0, "inf")
    raises_like(lambda: empty_inf_norm(flambeau), lambda: empty_inf_norm(torch))


def _warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message), w.filename) for w in caught]


@pytest.mark.usefixtures("as_torch")
def test_warnings():
    for call in (lambda U: U.clip_grad_norm_((p for p in []), 1.0),
                 lambda U: U.clip_grad_norm([], 1.0)):
        ours, theirs = _warnings(lambda: call(utils)), _warnings(lambda: call(torch.nn.utils))
        assert ours == theirs and ours


def test_get_total_norm_and_clip_grads_with_norm():
    ours, theirs = _params(flambeau, ("float64",)), _params(torch, ("float64",))
    grads_ours = [p.grad for p in ours if p.grad is not None]
    grads_theirs = [p.grad for p in theirs if p.grad is not None]
    total = utils.get_total_norm(grads_ours, 3.0)
    assert_same(total, torch.nn.utils.get_total_norm(grads_theirs, 3.0), rtol=1e-12)
    utils.clip_grads_with_norm_(ours, 0.5, total)
    torch.nn.utils.clip_grads_with_norm_(theirs, 0.5,
                                         torch.nn.utils.get_total_norm(grads_theirs, 3.0))
    _same_grads(ours, theirs, rtol=1e-12)
    raises_like(lambda: utils.get_total_norm([flambeau.ones(2, dtype=flambeau.int64)]),
                lambda: torch.nn.utils.get_total_norm([torch.ones(2, dtype=torch.int64)]))


def _clamp_checks_its_input():
    try:
        flambeau.clamp(0.5, max=1.0)
    except TypeError:
        return True
    except Exception:
        return False


@pytest.mark.skipif(not _clamp_checks_its_input(),
                    reason="flambeau.clamp does not yet raise torch's TypeError for a non-tensor")
def test_clip_grads_with_norm_needs_a_tensor_norm():
    raises_like(lambda: utils.clip_grads_with_norm_(_params(flambeau), 0.5, 2.0),
                lambda: torch.nn.utils.clip_grads_with_norm_(_params(torch), 0.5, 2.0))


@pytest.mark.parametrize("clip_value", [0.3, 1, 10.0])
def test_clip_grad_value(clip_value):
    ours, theirs = _params(flambeau, scale=2.0), _params(torch, scale=2.0)
    ours[0].grad[0, 0] = theirs[0].grad[0, 0] = float("nan")
    assert utils.clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    _same_grads(ours, theirs)
    p, q = _params(flambeau, ("float64",))[1], _params(torch, ("float64",))[1]
    utils.clip_grad_value_(p, clip_value, foreach=True)
    torch.nn.utils.clip_grad_value_(q, clip_value, foreach=True)
    assert_same(p.grad, q.grad)


def test_parameters_to_vector_and_back():
    ours, theirs = _params(flambeau, grads=False), _params(torch, grads=False)
    vec, expected = utils.parameters_to_vector(ours), torch.nn.utils.parameters_to_vector(theirs)
    assert_same(vec, expected)
    assert vec.grad_fn.name() == expected.grad_fn.name()
    vec.sum().backward()  # differentiable: every parameter gets ones
    assert all(np.array_equal(to_numpy(p.grad), np.ones(p.shape)) for p in ours)
    new = flambeau.arange(float(vec.numel()))
    utils.vector_to_parameters(new, ours)
    torch.nn.utils.vector_to_parameters(torch.arange(float(vec.numel())), theirs)
    for p, q in zip(ours, theirs):
        assert_same(p, q)
        assert p.requires_grad and p.is_leaf
    new[0] = 100.0  # the parameters view the vector, as in torch
    assert ours[0][0, 0].item() == 100.0


@pytest.mark.parametrize("arg", [[1.0, 2.0], np.zeros(3), 3])
def test_vector_to_parameters_needs_a_tensor(arg, as_torch):
    raises_like(lambda: utils.vector_to_parameters(arg, _params(flambeau)),
                lambda: torch.nn.utils.vector_to_parameters(arg, _params(torch)))


@pytest.mark.parametrize("parametrize", [None, "weight_norm", "spectral_norm", "orthogonal"])
def test_training_loop_with_clipping_matches_torch(parametrize):
    """An MLP (optionally parametrized) trained with Adam and clip_grad_norm_ for a few steps:
    losses, total norms and final parameters agree with torch's."""
    def build(lib):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(6, 8, dtype=lib.float64), lib.nn.Tanh(),
                                lib.nn.Linear(8, 8, dtype=lib.float64))
        if parametrize:
            for layer in (net[0], net[2]):
                getattr(lib.nn.utils.parametrizations, parametrize)(layer)
        return net
    theirs = build(torch)
    ours = build(flambeau)
    ours.load_state_dict({k: flambeau.tensor(to_numpy(v)) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((16, 6))
    runs = []
    for lib, net in ((flambeau, ours), (torch, theirs)):
        opt = lib.optim.Adam(net.parameters(), lr=0.05)
        log = []
        for _ in range(5):
            opt.zero_grad()
            loss = (net(lib.tensor(x)) ** 2).mean()
            loss.backward()
            log.append((loss.item(), lib.nn.utils.clip_grad_norm_(net.parameters(), 0.1).item()))
            opt.step()
        runs.append((log, [to_numpy(p) for p in net.parameters()]))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-9)
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
