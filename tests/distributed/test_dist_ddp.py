"""DistributedDataParallel: two ranks training on halves of each batch end with the
parameters torch reaches in one process on the whole batches; no_sync, unused parameters,
state dict names, printing and errors as torch's."""

import numpy as np
import torch
import torch.distributed as tdist

import flambeau
from conftest import raises_like
from dist_workers import (ddp_buffers, ddp_training, ddp_unused, free_port,  # noqa: F401
                          launch, one_rank, results)


def torch_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


def half_gradients(model, x, y, halves):
    """The gradients of the loss of each half of the batch (x, y) at ``model``'s weights."""
    out = []
    for rows in halves:
        model.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.from_numpy(x[rows])),
                                          torch.from_numpy(y[rows])).backward()
        out.append([p.grad.clone().numpy() for p in model.parameters()])
    return out


def test_two_ranks_train_as_one_process_on_the_whole_batch(tmp_path):
    rng = np.random.default_rng(0)
    steps = 4
    inputs = rng.standard_normal((steps + 1, 8, 4)).astype(np.float32)
    targets = rng.integers(0, 3, (steps + 1, 8))
    model = torch_model()
    state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    launch(ddp_training, 2, 2, f"tcp://127.0.0.1:{free_port()}", str(tmp_path), state,
           inputs, targets, steps)
    ranks = results(tmp_path, 2)
    # torch, one process, the whole batches
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in zip(inputs[:steps], targets[:steps]):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.from_numpy(x)),
                                          torch.from_numpy(y)).backward()
        optimizer.step()
    expected = {"module." + k: v for k, v in model.state_dict().items()}
    for out in ranks:
        assert list(out["state"]) == list(expected)
        for name, value in expected.items():
            np.testing.assert_allclose(out["state"][name], value.numpy(), rtol=1e-5, atol=1e-6)
    for name in expected:  # the replicas hold the very same values
        np.testing.assert_array_equal(ranks[0]["state"][name], ranks[1]["state"][name])
    # no_sync: each rank's own half; the next backward: the sum of both accumulated twice,
    # averaged over the two ranks
    halves = half_gradients(model, inputs[-1], targets[-1], (slice(0, 4), slice(4, 8)))
    for rank, out in enumerate(ranks):
        for ours, theirs in zip(out["local"], halves[rank]):
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
        for ours, g0, g1 in zip(out["synced"], *halves):
            np.testing.assert_allclose(ours, g0 + g1, rtol=1e-5, atol=1e-6)


def test_unused_parameters(tmp_path):
    launch(ddp_unused, 2, 2, f"tcp://127.0.0.1:{free_port()}", str(tmp_path))
    for grads in results(tmp_path, 2):
        # a: x = ones * (rank + 1) on both ranks; b: only rank 0; never: no rank
        np.testing.assert_array_equal(grads["module.a.weight"], [[1.5, 1.5]])
        np.testing.assert_array_equal(grads["module.b.weight"], [[0.5, 0.5]])
        assert grads["module.never.weight"] is None


def test_buffers_broadcast_from_rank_zero_before_forward(tmp_path):
    launch(ddp_buffers, 2, 2, f"tcp://127.0.0.1:{free_port()}", str(tmp_path))
    (own0, after0, names), (own1, after1, _) = results(tmp_path, 2)
    # momentum 0.1 times each rank's batch mean (rank + 1 + 1.5)
    np.testing.assert_allclose(own0, [0.25, 0.25], rtol=1e-6)
    np.testing.assert_allclose(own1, [0.35, 0.35], rtol=1e-6)
    np.testing.assert_array_equal(after0, own0)
    np.testing.assert_array_equal(after1, own0)
    assert names == ["module.weight", "module.bias", "module.running_mean",
                     "module.running_var", "module.num_batches_tracked"]


class _Net:
    """Two linear layers of which forward uses one (in flambeau's or torch's nn)."""

    def __new__(cls, lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Linear(2, 1)
                self.b = lib.nn.Linear(2, 1)

            def forward(self, x):
                return self.a(x)
        return Net()


def test_one_rank_as_torch(one_rank):
    ours = flambeau.nn.parallel.DistributedDataParallel(_Net(flambeau))
    theirs = torch.nn.parallel.DistributedDataParallel(_Net(torch))
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.module, flambeau.nn.Module) and ours.module is ours._modules["module"]
    assert tdist.get_world_size() == flambeau.distributed.get_world_size() == 1
    ours(flambeau.ones(1, 2)).sum().backward()
    theirs(torch.ones(1, 2)).sum().backward()
    # b has no gradient: the next forward says so
    try:
        theirs(torch.ones(1, 2))
    except RuntimeError as error:
        expected = str(error).replace("torch.", "flambeau.")
    try:
        ours(flambeau.ones(1, 2))
    except RuntimeError as error:
        assert str(error) == expected
    else:
        raise AssertionError("no error")
    # find_unused_parameters: the gradients accumulate over backward passes, b's stays None
    ours = flambeau.nn.parallel.DistributedDataParallel(_Net(flambeau),
                                                        find_unused_parameters=True)
    for _ in range(2):
        ours(flambeau.ones(1, 2)).sum().backward()
    assert [None if p.grad is None else p.grad.tolist() for p in ours.parameters()] == \
        [[[2.0, 2.0]], [2.0], None, None]


def test_errors_as_torch(one_rank):
    raises_like(lambda: flambeau.nn.parallel.DistributedDataParallel(flambeau.nn.ReLU()),
                lambda: torch.nn.parallel.DistributedDataParallel(torch.nn.ReLU()))
    raises_like(lambda: flambeau.nn.parallel.DistributedDataParallel(flambeau.nn.Linear(1, 1),
                                                                     device_ids=[0, 1]),
                lambda: torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(1, 1),
                                                                  device_ids=[0, 1]))


def test_sync_batch_norm_as_torch_on_cpu(one_rank):
    # torch syncs batch statistics on GPUs only: training on CPU under a process group raises
    ours, theirs = flambeau.nn.SyncBatchNorm(3), torch.nn.SyncBatchNorm(3)
    raises_like(lambda: ours(flambeau.ones(2, 3)), lambda: theirs(torch.ones(2, 3)))
    ours.eval()
    theirs.eval()
    assert ours(flambeau.ones(2, 3)).tolist() == theirs(torch.ones(2, 3)).tolist()
