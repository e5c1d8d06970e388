"""Optimizers on the sparse gradients of nn.Embedding(sparse=True): 25 float64 steps from one
start agree with torch's to 1e-10 (SparseAdam, SGD with and without momentum, Adagrad), and
the optimizers without a sparse kernel raise torch's errors."""
import numpy as np
import pytest
import torch

import flambeau

# batches of looked-up rows, with repeats (so coalescing matters) and rows never seen
BATCHES = [np.random.default_rng(i).integers(0, 7, (4, 3)) for i in range(25)]


def _run(lib, make_opt, sparse=True, grad_steps=1):
    lib.manual_seed(0)
    emb = lib.nn.Embedding(10, 4, sparse=sparse).double()
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(np.random.default_rng(1).normal(size=(10, 4))))
    target = lib.tensor(np.random.default_rng(2).normal(size=(4, 3, 4)))
    opt = make_opt(lib, emb.parameters())
    for batch in BATCHES:
        opt.zero_grad()
        for k in range(grad_steps):  # sparse gradients accumulated over backward passes
            out = emb(lib.tensor(batch[k:] if k else batch))
            ((out - target[k:]) ** 2).sum().backward()
        opt.step()
    return emb.weight.detach().numpy(), opt


OPTIMIZERS = {
    "sparse_adam": lambda lib, p: lib.optim.SparseAdam(p, lr=0.05),
    "sparse_adam_maximize": lambda lib, p: lib.optim.SparseAdam(p, lr=0.01, betas=(0.8, 0.99),
                                                                maximize=True),
    "sgd": lambda lib, p: lib.optim.SGD(p, lr=0.01),
    "sgd_momentum": lambda lib, p: lib.optim.SGD(p, lr=0.01, momentum=0.9, dampening=0.1),
    "sgd_nesterov": lambda lib, p: lib.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True),
    "adagrad": lambda lib, p: lib.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    "adagrad_maximize": lambda lib, p: lib.optim.Adagrad(p, lr=0.1, maximize=True),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("grad_steps", [1, 2])
def test_trajectory_matches_torch(name, grad_steps):
    ours, _ = _run(flambeau, OPTIMIZERS[name], grad_steps=grad_steps)
    theirs, _ = _run(torch, OPTIMIZERS[name], grad_steps=grad_steps)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_sparse_adam_state_matches_torch():
    _, ours = _run(flambeau, OPTIMIZERS["sparse_adam"])
    _, theirs = _run(torch, OPTIMIZERS["sparse_adam"])
    (p_ours, s_ours), = ours.state.items()
    (p_theirs, s_theirs), = theirs.state.items()
    assert s_ours["step"] == s_theirs["step"] == 25
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(s_ours[key].numpy(), s_theirs[key].numpy(), atol=1e-12)


def test_sgd_momentum_buffer_is_sparse_as_torch():
    _, ours = _run(flambeau, OPTIMIZERS["sgd_momentum"])
    _, theirs = _run(torch, OPTIMIZERS["sgd_momentum"])
    b_ours = next(iter(ours.state.values()))["momentum_buffer"]
    b_theirs = next(iter(theirs.state.values()))["momentum_buffer"]
    assert b_ours.is_sparse and b_theirs.is_sparse
    np.testing.assert_array_equal(b_ours._indices().numpy(), b_theirs._indices().numpy())
    np.testing.assert_allclose(b_ours._values().numpy(), b_theirs._values().numpy(), atol=1e-12)


@pytest.mark.parametrize("make_opt,sparse", [
    (lambda lib, p: lib.optim.SparseAdam(p), False),
    (lambda lib, p: lib.optim.Adam(p), True),
    (lambda lib, p: lib.optim.AdamW(p), True),
    (lambda lib, p: lib.optim.RMSprop(p), True),
    (lambda lib, p: lib.optim.SGD(p, lr=0.1, weight_decay=0.1), True),
    (lambda lib, p: lib.optim.Adagrad(p, weight_decay=0.1), True),
])
def test_unsupported_gradients_raise_as_torch(make_opt, sparse):
    def attempt(lib):
        _run(lib, make_opt, sparse=sparse)
    with pytest.raises(RuntimeError) as theirs:
        attempt(torch)
    with pytest.raises(RuntimeError) as ours:
        attempt(flambeau)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_on_sparse_gradients(set_to_none):
    results = []
    for lib in (flambeau, torch):
        emb = lib.nn.Embedding(5, 2, sparse=True)
        emb(lib.tensor([1, 3])).sum().backward()
        opt = lib.optim.SGD(emb.parameters(), lr=0.1)
        opt.zero_grad(set_to_none=set_to_none)
        g = emb.weight.grad
        results.append(None if g is None else (g.is_sparse, g._nnz(), tuple(g.shape)))
    assert results[0] == results[1]
