"""flambeau.utils.checkpoint against torch.utils.checkpoint: the same gradients as without
checkpointing and as torch (dropout masks included), recomputation in the backward pass,
torch's warnings and errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint

import flambeau
import flambeau.utils.checkpoint as ours_checkpoint
from conftest import assert_same, raises_like

MODES = [True, False]


def _model(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 8),
                         nn.Tanh(), nn.Dropout(0.2), nn.Linear(8, 3))


def _twins():
    """The same model and input in both libraries."""
    torch.manual_seed(3)
    theirs = _model(torch)
    ours = _model(flambeau)
    ours.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    return ours, theirs, flambeau.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _lib(model):
    return flambeau if isinstance(model, flambeau.nn.Module) else torch


def _grads(model, x, run):
    lib = _lib(model)
    lib.manual_seed(11)
    y = run(model, x)
    (y * lib.arange(3.0)).sum().backward()
    after = lib.rand(2)  # the random state after backward
    return [y, x.grad, after] + [p.grad for p in model.parameters()]


def _compare(run_ours, run_theirs, reference=None):
    ours, theirs, x_ours, x_theirs = _twins()
    got = _grads(ours, x_ours, run_ours)
    expected = _grads(theirs, x_theirs, run_theirs)
    for a, b in zip(got, expected):
        assert_same(a, b, rtol=1e-5, atol=1e-6)
    if reference is not None:  # flambeau without checkpointing
        ours, _, x_ours, _ = _twins()
        for a, b in zip(got, _grads(ours, x_ours, reference)):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6,
                                       atol=1e-7)


@pytest.mark.parametrize("reentrant", MODES)
def test_checkpoint_whole_model(reentrant):
    _compare(lambda m, x: ours_checkpoint.checkpoint(m, x, use_reentrant=reentrant),
             lambda m, x: torch.utils.checkpoint.checkpoint(m, x, use_reentrant=reentrant),
             reference=lambda m, x: m(x))


@pytest.mark.parametrize("reentrant", MODES)
def test_checkpoint_inside_forward(reentrant):
    """A block checkpointed as a model's forward does it: a closure over modules."""
    def run(checkpoint):
        def forward(m, x):
            h = m[0](x)
            h = checkpoint(lambda t: m[4](m[3](m[2](m[1](t)))), h, use_reentrant=reentrant)
            return m[6](m[5](h))
        return forward
    _compare(run(ours_checkpoint.checkpoint), run(torch.utils.checkpoint.checkpoint),
             reference=lambda m, x: m(x))


@pytest.mark.parametrize("reentrant", MODES)
@pytest.mark.parametrize("segments", [1, 2, 3, 7])
def test_checkpoint_sequential(reentrant, segments):
    _compare(lambda m, x: ours_checkpoint.checkpoint_sequential(m, segments, x,
                                                                use_reentrant=reentrant),
             lambda m, x: torch.utils.checkpoint.checkpoint_sequential(
                 m, segments, x, use_reentrant=reentrant),
             reference=lambda m, x: m(x))


def test_checkpoint_sequential_list_and_functions():
    def run(lib, checkpoint_sequential):
        return lambda m, x: checkpoint_sequential([*m[:3], lib.sin, *m[3:]], 3, x,
                                                  use_reentrant=False, preserve_rng_state=True)
    _compare(run(flambeau, ours_checkpoint.checkpoint_sequential),
             run(torch, torch.utils.checkpoint.checkpoint_sequential))


def test_forward_without_graph_and_recomputed():
    modes = []

    def block(x):
        modes.append(flambeau.is_grad_enabled())
        return (x * 2).exp()
    x = flambeau.ones(3, requires_grad=True)
    y = ours_checkpoint.checkpoint(block, x, use_reentrant=True)
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"
    assert modes == [False]
    y.sum().backward()
    assert modes == [False, True]
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2.0) * np.ones(3), rtol=1e-6)


def test_rng_not_preserved_draws_new_masks():
    x = flambeau.ones(1000, requires_grad=True)
    flambeau.manual_seed(0)
    y = ours_checkpoint.checkpoint(flambeau.nn.functional.dropout, x, use_reentrant=True,
                                   preserve_rng_state=False)
    y.sum().backward()
    assert not np.array_equal(x.grad.numpy(), y.detach().numpy())  # recomputed mask differs
    x.grad = None
    y = ours_checkpoint.checkpoint(flambeau.nn.functional.dropout, x, use_reentrant=True)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())


@pytest.mark.parametrize("reentrant", MODES)
def test_input_without_grad(reentrant):
    """torch's pitfall: reentrant checkpointing gives the parameters no gradient (with a
    warning) when no input requires grad; the non-reentrant variant does."""
    def run(lib, checkpoint):
        layer = lib.nn.Linear(3, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = checkpoint(layer, lib.ones(4, 3), use_reentrant=reentrant)
        return y.requires_grad, [str(w.message) for w in caught]
    assert run(flambeau, ours_checkpoint.checkpoint) == \
        run(torch, torch.utils.checkpoint.checkpoint)


def test_non_reentrant_autograd_grad_and_keywords():
    def run(lib, checkpoint):
        torch.manual_seed(5)
        layer = torch.nn.Linear(3, 2)
        if lib is flambeau:
            state = {k: flambeau.tensor(v.numpy()) for k, v in layer.state_dict().items()}
            layer = flambeau.nn.Linear(3, 2)
            layer.load_state_dict(state)
        x = lib.arange(6.0).view(2, 3).requires_grad_()
        y = checkpoint(lambda a, scale: layer(a) * scale, x, use_reentrant=False,
                       scale=lib.full((2,), 3.0))
        return lib.autograd.grad(y.pow(2).sum(), (x, layer.weight, layer.bias))
    for a, b in zip(run(flambeau, ours_checkpoint.checkpoint),
                    run(torch, torch.utils.checkpoint.checkpoint)):
        assert_same(a, b, rtol=1e-5)


def test_tuple_outputs_and_other_arguments():
    def run(lib, checkpoint):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        c = lib.tensor([5.0, 6.0])
        first, second, label = checkpoint(lambda p, q, r, k: (p * q, (q + r) * k, "x"),
                                          a, b, c, 2, use_reentrant=True)
        (first.sum() + second.prod()).backward()
        return label, a.grad, b.grad
    ours, theirs = run(flambeau, ours_checkpoint.checkpoint), \
        run(torch, torch.utils.checkpoint.checkpoint)
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1:], theirs[1:]):
        assert_same(a, b)


def test_use_reentrant_warnings():
    def warned(lib, checkpoint, checkpoint_sequential):
        x = lib.ones(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            checkpoint(lib.sin, x)
            checkpoint_sequential([lib.sin, lib.cos], 2, x)
        return [(w.category, str(w.message)) for w in caught], {w.filename for w in caught}
    ours, places = warned(flambeau, ours_checkpoint.checkpoint,
                          ours_checkpoint.checkpoint_sequential)
    assert ours == warned(torch, torch.utils.checkpoint.checkpoint,
                          torch.utils.checkpoint.checkpoint_sequential)[0]
    assert places == {__file__}  # the caller's line


@pytest.mark.parametrize("call", [
    lambda lib, m: m.checkpoint(lib.sin, lib.ones(1), use_reentrant=True, extra=1),
    lambda lib, m: m.checkpoint(lib.sin, lib.ones(1), use_reentrant=True, debug=True),
    lambda lib, m: m.checkpoint(lib.sin, lib.ones(1), use_reentrant=True,
                                context_fn=lambda: (None, None)),
    lambda lib, m: m.checkpoint(lib.sin, lib.ones(1), use_reentrant=False,
                                determinism_check="strict"),
    lambda lib, m: m.checkpoint_sequential([lib.sin], 1, lib.ones(1), use_reentrant=True,
                                           other=2),
    lambda lib, m: m.detach_variable([lib.ones(1)]),
    lambda lib, m: m.checkpoint(lambda t: t.detach() * 2, lib.ones(2, requires_grad=True),
                                use_reentrant=True).sum().backward(),
])
def test_errors_as_torch(call):
    raises_like(lambda: call(flambeau, ours_checkpoint), lambda: call(torch, torch.utils.checkpoint))


def test_output_is_a_captured_leaf():
    """(torch's reentrant variant makes such a leaf an output of its node and never ends.)"""
    def run(lib, checkpoint):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = lib.tensor([3.0, 4.0], requires_grad=True)
        first, second = checkpoint(lambda t: (w, t * w), x, use_reentrant=False)
        (first * 5 + second).sum().backward()
        return w.grad, x.grad
    for a, b in zip(run(flambeau, ours_checkpoint.checkpoint),
                    run(torch, torch.utils.checkpoint.checkpoint)):
        assert_same(a, b)


def test_context_fn():
    entered = []

    class Context:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            entered.append((self.name, flambeau.is_grad_enabled()))

        def __exit__(self, *exc):
            return False
    x = flambeau.ones(2, requires_grad=True)
    y = ours_checkpoint.checkpoint(flambeau.exp, x, use_reentrant=False,
                                   context_fn=lambda: (Context("forward"), Context("recompute")))
    y.sum().backward()
    assert entered == [("forward", False), ("recompute", True)]


def test_namespace():
    assert flambeau.utils.checkpoint is ours_checkpoint
