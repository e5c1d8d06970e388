"""DataLoader worker processes: batches, seeding, sharding, errors, dying workers, shutdown
and shared-memory transport. Each test finishes in seconds; a hang aborts the run."""
import faulthandler
import gc
import glob
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import flambeau
import flambeau.utils.data as fdata
from flambeau import _shared_memory as shared_memory
from test_sampler import same_streams

X = np.arange(120, dtype=np.float32).reshape(20, 6)


class Rows(fdata.Dataset):
    """X's rows, by __getitem__ (collated by default_collate in the worker)."""

    def __getitem__(self, i):
        return flambeau.from_numpy(X[i].copy()), i

    def __len__(self):
        return len(X)


class WhoAmI(fdata.Dataset):
    """(pid, worker id, worker seed, Python/NumPy/flambeau draws) of the worker fetching."""

    def __getitem__(self, i):
        info = fdata.get_worker_info()
        assert repr(info).startswith(f"WorkerInfo(id={info.id}, num_workers=")
        assert info.rng is None and info.worker_method == "multiprocessing"
        return [os.getpid(), info.id, info.num_workers, info.seed, info.dataset is self]

    def __len__(self):
        return 8


class TorchWhoAmI(tdata.Dataset):
    def __getitem__(self, i):
        info = tdata.get_worker_info()
        return [i, info.id, info.seed]

    def __len__(self):
        return 8


class Seeds(fdata.Dataset):
    def __getitem__(self, i):
        return [i, fdata.get_worker_info().id, fdata.get_worker_info().seed]

    def __len__(self):
        return 8


class Failing(fdata.Dataset):
    def __init__(self, error):
        self.error = error

    def __getitem__(self, i):
        if i == 3:
            raise self.error
        return i

    def __len__(self):
        return 6


class Killed(fdata.Dataset):
    def __getitem__(self, i):
        if i == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    def __len__(self):
        return 6


class Exits(fdata.Dataset):
    def __getitem__(self, i):
        os._exit(3)

    def __len__(self):
        return 2


class Slow(fdata.Dataset):
    def __init__(self, delays):
        self.delays = delays

    def __getitem__(self, i):
        time.sleep(self.delays.get(i, 0))
        return i

    def __len__(self):
        return 8


class Range(fdata.IterableDataset):
    """range(start, end), split between the workers through get_worker_info()."""

    def __init__(self, start, end, shard=True):
        self.start, self.end, self.shard = start, end, shard

    def __iter__(self):
        info = fdata.get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.start, self.end))
        return iter(range(self.start + info.id, self.end, info.num_workers))


def init_worker(worker_id):
    info = fdata.get_worker_info()
    info.dataset.offset = 100 * (worker_id + 1)


class Offset(fdata.Dataset):
    offset = 0

    def __getitem__(self, i):
        return self.offset + i

    def __len__(self):
        return 4


@pytest.fixture(autouse=True)
def no_hang():
    """Abort with every thread's traceback rather than hang; check nothing is left behind."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()
    gc.collect()  # an iterator kept by a caught exception's traceback stops its workers
    for child in multiprocessing.active_children():
        child.join(5)
    assert not multiprocessing.active_children()


def segments(pids):
    return [p for pid in pids for p in glob.glob(f"{shared_memory._DIR}/flambeau_{pid}_*")]


def flat(batches):
    return [x for b in batches for x in b.tolist()]


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_batches_as_in_the_main_process(context):
    dataset = fdata.TensorDataset(flambeau.from_numpy(X), flambeau.arange(20))
    expected = list(fdata.DataLoader(dataset, batch_size=3))
    workers = 2 if context == "fork" else 1  # a spawned worker takes a second to start
    got = list(fdata.DataLoader(dataset, batch_size=3, num_workers=workers,
                                multiprocessing_context=context))
    assert len(got) == len(expected)
    for (x, y), (ex, ey) in zip(got, expected):
        assert x.tolist() == ex.tolist() and y.tolist() == ey.tolist()
        assert x.dtype == flambeau.float32 and y.dtype == flambeau.int64
    general = list(fdata.DataLoader(Rows(), batch_size=3, num_workers=2))
    assert [x.tolist() for x, _ in general] == [x.tolist() for x, _ in expected]


def test_batches_arrive_in_shared_memory(monkeypatch):
    received = []
    rebuild = shared_memory._rebuild_tensor

    def spy(rebuild_tensor, cls, name, *args):
        received.append(name)
        return rebuild(rebuild_tensor, cls, name, *args)
    batches = iter(fdata.DataLoader(Rows(), batch_size=2, num_workers=1))
    monkeypatch.setattr(shared_memory, "_rebuild_tensor", spy)  # here, not in the worker
    batches = list(batches)
    monkeypatch.undo()
    assert [x.tolist() for x, _ in batches] == X.reshape(10, 2, 6).tolist()
    assert len(received) == 20  # a segment per tensor: the rows, and the indices
    assert len(set(received)) < 12  # the worker reuses the segments the batches came in
    batches[0][0].add_(1)  # the batches are the main process's own memory
    big = flambeau.zeros(1000, 1000)
    payload = ForkingPickler.dumps(big)
    assert len(payload) < 1000  # the name and layout, not the values
    assert pickle.loads(payload).shape == (1000, 1000)  # (and the receiver removes the file)
    assert len(pickle.dumps(big)) > 4_000_000  # plain pickle still carries the values
    view = flambeau.arange(40.).view(5, 8)[::2, 1:3]
    back = pickle.loads(ForkingPickler.dumps(view))  # a copy of the view's elements
    assert back.tolist() == view.tolist() and back.is_contiguous()
    assert isinstance(back._data.base, shared_memory._Segment)  # taken over, not copied


def test_returned_names_are_handed_over_once():
    shared_memory.expect_returns(-5)
    assert shared_memory.returns(-5) is None  # nothing, and never the live list
    shared_memory._returns[-5].append("a")
    sent = shared_memory.returns(-5)
    shared_memory._returns[-5].append("b")  # a batch copied out before the message is sent
    assert sent == ["a"] and shared_memory.returns(-5) == ["b"]
    shared_memory.remove_segments(-5)
    assert -5 not in shared_memory._returns


def test_many_batches_through_reused_segments():
    dataset = fdata.TensorDataset(flambeau.arange(3000.).view(1000, 3), flambeau.arange(1000))
    loader = fdata.DataLoader(dataset, batch_size=3, shuffle=True, num_workers=2)
    for _ in range(2):
        rows = [(x.tolist(), y.tolist()) for x, y in loader]
        assert sorted(y for _, ys in rows for y in ys) == list(range(1000))
        assert all(x == [[3 * y, 3 * y + 1, 3 * y + 2] for y in ys] for x, ys in rows)


def test_worker_info_and_seeds():
    flambeau.manual_seed(0)
    loader = fdata.DataLoader(WhoAmI(), batch_size=None, num_workers=2)
    rows = list(loader)
    assert [r[1] for r in rows] == [0, 1] * 4  # round-robin, delivered in order
    assert all(r[2] == 2 and r[4] for r in rows)
    pids = {r[1]: r[0] for r in rows}
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    seeds = {r[1]: r[3] for r in rows}
    assert seeds[1] == seeds[0] + 1
    flambeau.manual_seed(0)
    base_seed = flambeau.empty((), dtype=flambeau.int64).random_().item()
    assert seeds[0] == base_seed
    assert fdata.get_worker_info() is None


@same_streams
def test_shuffled_order_and_worker_seeds_as_torch():
    flambeau.manual_seed(2)
    torch.manual_seed(2)
    ours = fdata.DataLoader(Seeds(), batch_size=2, shuffle=True, num_workers=2)
    theirs = tdata.DataLoader(TorchWhoAmI(), batch_size=2, shuffle=True, num_workers=2)
    assert [[t.tolist() for t in batch] for batch in ours] == \
        [[t.tolist() for t in batch] for batch in theirs]


def test_numpy_seed_as_torch():
    from flambeau.utils.data._utils.worker import _generate_state as ours
    from torch.utils.data._utils.worker import _generate_state as theirs
    for base_seed in (0, 1, 2**32 + 5, 2**63 - 1, 123456789123):
        for worker_id in range(3):
            assert ours(base_seed, worker_id) == theirs(base_seed, worker_id)


def test_worker_init_fn():
    loader = fdata.DataLoader(Offset(), num_workers=2, worker_init_fn=init_worker)
    assert flat(loader) == [100, 201, 102, 203]


def test_iterable_dataset_sharding():
    loader = fdata.DataLoader(Range(0, 11), batch_size=2, num_workers=2)
    assert sorted(flat(loader)) == list(range(11))
    duplicated = fdata.DataLoader(Range(0, 4, shard=False), num_workers=2)
    assert sorted(flat(duplicated)) == [0, 0, 1, 1, 2, 2, 3, 3]  # as torch: each worker all


def test_in_order_and_out_of_order():
    slow_first = Slow({0: 0.5})
    assert flat(fdata.DataLoader(slow_first, num_workers=2)) == list(range(8))
    unordered = flat(fdata.DataLoader(slow_first, num_workers=2, in_order=False))
    assert sorted(unordered) == list(range(8)) and unordered[0] != 0


def test_persistent_workers_and_prefetch_factor():
    loader = fdata.DataLoader(WhoAmI(), batch_size=None, num_workers=2,
                              persistent_workers=True, prefetch_factor=1)
    first = {row[0] for row in loader}
    second = {row[0] for row in loader}
    assert first == second and len(first) == 2
    workers = loader._iterator._workers
    del loader
    for w in workers:
        w.join(5)
        assert not w.is_alive()


def test_worker_exception_reraised_with_traceback():
    with pytest.raises(ValueError) as caught:
        list(fdata.DataLoader(Failing(ValueError("bad sample")), num_workers=2))
    message = str(caught.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 1.\n"
                              "Original Traceback (most recent call last):\n")
    assert "raise self.error" in message and message.endswith("ValueError: bad sample\n")
    with pytest.raises(KeyError) as caught:
        list(fdata.DataLoader(Failing(KeyError("k")), num_workers=1))
    assert str(caught.value).startswith("Caught KeyError in DataLoader worker process 0.")


def test_worker_exception_message_as_torch():
    class TorchFailing(tdata.Dataset):
        def __getitem__(self, i):
            raise ValueError("bad")

        def __len__(self):
            return 2
    torch_iterator = iter(tdata.DataLoader(TorchFailing(), num_workers=1))
    with pytest.raises(ValueError) as theirs:
        next(torch_iterator)
    torch_iterator._shutdown_workers()  # torch's, collected with the traceback, takes 5 s
    with pytest.raises(ValueError) as ours:
        list(fdata.DataLoader(Failing(ValueError("bad")), sampler=[3], num_workers=1))
    first_line = str(theirs.value).split("\n")[:2]
    assert str(ours.value).split("\n")[:2] == first_line


def test_killed_worker_raises_within_seconds():
    start = time.monotonic()
    loader = fdata.DataLoader(Killed(), batch_size=1, num_workers=1)
    with pytest.raises(RuntimeError) as caught:
        list(loader)
    assert time.monotonic() - start < 5
    assert "exited unexpectedly" in str(caught.value) or "killed by signal" in str(caught.value)
    cause = caught.value.__cause__ or caught.value
    assert "is killed by signal: Killed." in str(cause), str(cause)


def test_worker_exit_code_reported():
    with pytest.raises(RuntimeError) as caught:
        list(fdata.DataLoader(Exits(), num_workers=1))
    cause = str(caught.value.__cause__ or caught.value)
    assert "exited unexpectedly with exit code 3" in cause


def test_timeout():
    loader = fdata.DataLoader(Slow({0: 1.5}), num_workers=1, timeout=0.5)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.5 seconds$"):
        next(iter(loader))
    assert time.monotonic() - start < 4.5


def test_break_shuts_workers_down():
    dataset = fdata.TensorDataset(flambeau.zeros(400, 16))
    it = iter(fdata.DataLoader(dataset, batch_size=4, num_workers=2))
    next(it)
    workers = list(it._workers)
    for batch in it:
        break
    del it, batch
    for w in workers:
        w.join(5)
        assert not w.is_alive()
    assert segments(w.pid for w in workers) == []


def test_full_epoch_leaves_no_segments():
    loader = fdata.DataLoader(Rows(), batch_size=3, num_workers=2, persistent_workers=True)
    list(loader)
    pids = [w.pid for w in loader._iterator._workers]
    list(loader)
    del loader
    assert segments(pids) == []


EXIT_WITH_RUNNING_WORKERS = """
import os, signal, sys, time
import flambeau.utils.data as fdata

class Slow(fdata.Dataset):
    def __getitem__(self, i):
        time.sleep(0.01)
        return i

    def __len__(self):
        return 1000

it = iter(fdata.DataLoader(Slow(), num_workers=2, persistent_workers=True))
for _ in range(5):
    next(it)
print(*[w.pid for w in it._workers], flush=True)
if sys.argv[1] == "killed":
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("how", ["exits", "killed"])
def test_main_process_gone_leaves_nothing(how):
    done = subprocess.run([sys.executable, "-c", EXIT_WITH_RUNNING_WORKERS, how],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == (0 if how == "exits" else -signal.SIGKILL), done.stderr
    assert done.stderr == ""
    pids = [int(pid) for pid in done.stdout.split()]
    deadline = time.monotonic() + 3  # orphaned workers notice within a tenth of a second
    while time.monotonic() < deadline and (segments(pids) or any(_alive(p) for p in pids)):
        time.sleep(0.05)
    assert len(pids) == 2 and segments(pids) == [] and not any(_alive(p) for p in pids)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Unpicklable(fdata.Dataset):
    def __getitem__(self, i):
        return lambda: i

    def __len__(self):
        return 2


def test_unpicklable_batch_raises():
    with pytest.raises(AttributeError, match="Caught AttributeError in DataLoader worker "
                                             "process 0.(.|\n)*Can't pickle local object"):
        list(fdata.DataLoader(Unpicklable(), batch_size=None, num_workers=1, timeout=10))


class RequiresGrad(fdata.Dataset):
    def __getitem__(self, i):
        return flambeau.ones(2, requires_grad=True)

    def __len__(self):
        return 2


def test_batch_requiring_grad_raises_as_torch():
    with pytest.raises(RuntimeError, match=r"stack\(\): functions with out=\.\.\. arguments "
                                           "don't support automatic differentiation"):
        list(fdata.DataLoader(RequiresGrad(), batch_size=2, num_workers=1, timeout=10))
