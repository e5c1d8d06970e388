"""The DataLoader in the main process (num_workers=0), compared with torch's on the same
data; worker processes are tested in test_workers.py."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import flambeau
import flambeau.utils.data as fdata
from conftest import raises_like
from test_collate import assert_same_structure, to_torch
from test_sampler import same_streams

X = np.arange(70, dtype=np.float32).reshape(10, 7)
Y = np.arange(10) % 3


class Rows(fdata.Dataset):
    """X's rows and labels by __getitem__ (the general path, no fast path)."""

    def __getitem__(self, i):
        return flambeau.from_numpy(X[i]), int(Y[i])

    def __len__(self):
        return len(X)


class TorchRows(tdata.Dataset):
    def __getitem__(self, i):
        return torch.from_numpy(X[i]), int(Y[i])

    def __len__(self):
        return len(X)


class Records(fdata.Dataset):
    """Dict samples with strings and NumPy arrays."""

    def __getitem__(self, i):
        return {"name": f"r{i}", "x": X[i], "pair": (i, float(i) / 2)}

    def __len__(self):
        return len(X)


def tensor_datasets():
    return (fdata.TensorDataset(flambeau.from_numpy(X), flambeau.from_numpy(Y)),
            tdata.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)))


def make_stream(data):
    class Stream(data.IterableDataset):
        def __init__(self, n, length=None):
            self.n, self.length = n, length

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n if self.length is None else self.length
    return Stream


Stream, TorchStream = make_stream(fdata), make_stream(tdata)


def assert_same_batches(ours, theirs):
    ours, theirs = list(ours), list(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_same_structure(a, b)


@pytest.mark.parametrize("kwargs", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                    {"batch_size": 10}, {"batch_size": 32},
                                    {"batch_size": None}])
def test_batches_as_torch(kwargs):
    ours, theirs = tensor_datasets()
    assert_same_batches(fdata.DataLoader(ours, **kwargs), tdata.DataLoader(theirs, **kwargs))
    assert_same_batches(fdata.DataLoader(Rows(), **kwargs),
                        tdata.DataLoader(TorchRows(), **kwargs))
    assert_same_batches(fdata.DataLoader(Records(), **kwargs),
                        tdata.DataLoader(to_torch([Records()[i] for i in range(10)]), **kwargs))
    assert len(fdata.DataLoader(ours, **kwargs)) == len(tdata.DataLoader(theirs, **kwargs))


def test_fast_path_matches_general_path():
    ours, _ = tensor_datasets()
    order = [9, 0, -1, 4, 4, -10]
    sampler = fdata.BatchSampler(order, 4, False)
    fast = list(fdata.DataLoader(ours, batch_sampler=sampler))
    general = list(fdata.DataLoader(Rows(), batch_sampler=sampler,
                                    collate_fn=lambda b: fdata.default_collate(b)))
    assert_same_batches(fast, [to_torch(b) for b in general])
    subset = fdata.Subset(fdata.Subset(ours, [9, 8, 7, 6, 5]), [4, 0, 2])
    batch = next(iter(fdata.DataLoader(subset, batch_size=3)))
    assert batch[1].tolist() == [Y[5], Y[9], Y[7]]
    assert batch[0].is_contiguous() and batch[0].shape == (3, 7)


def test_fast_path_index_errors_as_torch():
    ours, theirs = tensor_datasets()
    raises_like(lambda: list(fdata.DataLoader(ours, sampler=[3, 10], batch_size=2)),
                lambda: list(tdata.DataLoader(theirs, sampler=[3, 10], batch_size=2)))


def test_sampler_batch_sampler_and_collate_fn():
    ours, theirs = tensor_datasets()
    sampler = [5, 2, 8, 1, 0]
    assert_same_batches(fdata.DataLoader(ours, sampler=sampler, batch_size=2),
                        tdata.DataLoader(theirs, sampler=sampler, batch_size=2))
    batches = [[1, 2, 3], [9], [0, 4]]
    assert_same_batches(fdata.DataLoader(ours, batch_sampler=batches),
                        tdata.DataLoader(theirs, batch_sampler=batches))
    assert len(fdata.DataLoader(ours, batch_sampler=batches)) == 3
    sizes = [len(b) for b in fdata.DataLoader(ours, batch_size=4, collate_fn=lambda b: b)]
    assert sizes == [4, 4, 2]


def test_shuffle_covers_dataset_and_follows_generator():
    ours, _ = tensor_datasets()

    def epoch(seed):
        loader = fdata.DataLoader(ours, batch_size=4, shuffle=True,
                                  generator=flambeau.Generator().manual_seed(seed))
        return [y for _, ys in loader for y in ys.tolist()]
    assert sorted(epoch(1)) == sorted(Y.tolist())
    assert epoch(1) == epoch(1)
    flambeau.manual_seed(3)
    first = [b[1].tolist() for b in fdata.DataLoader(ours, batch_size=4, shuffle=True)]
    flambeau.manual_seed(3)
    assert first == [b[1].tolist() for b in fdata.DataLoader(ours, batch_size=4, shuffle=True)]


@same_streams
def test_seeded_batch_order_as_torch():
    ours, theirs = tensor_datasets()
    flambeau.manual_seed(0)
    torch.manual_seed(0)
    for _ in range(2):  # two epochs: the second draws after the first's seeds
        assert_same_batches(fdata.DataLoader(ours, batch_size=3, shuffle=True),
                            tdata.DataLoader(theirs, batch_size=3, shuffle=True))
    g, tg = flambeau.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    assert_same_batches(fdata.DataLoader(ours, batch_size=4, shuffle=True, generator=g),
                        tdata.DataLoader(theirs, batch_size=4, shuffle=True, generator=tg))
    flambeau.manual_seed(1)
    torch.manual_seed(1)
    assert [list(s) for s in fdata.random_split(range(10), [0.3, 0.7])] == \
        [list(s) for s in tdata.random_split(range(10), [0.3, 0.7])]


@pytest.mark.parametrize("n,length,batch_size,drop_last",
                         [(7, None, 1, False), (7, None, 3, False), (7, None, 3, True),
                          (7, None, None, False), (6, 3, 2, False)])
def test_iterable_dataset(n, length, batch_size, drop_last):
    ours = fdata.DataLoader(Stream(n, length), batch_size=batch_size, drop_last=drop_last)
    theirs = tdata.DataLoader(TorchStream(n, length), batch_size=batch_size,
                              drop_last=drop_last)
    assert len(ours) == len(theirs)
    with warnings.catch_warnings(record=True) as caught_ours:
        warnings.simplefilter("always")
        batches = list(ours)
    with warnings.catch_warnings(record=True) as caught_theirs:
        warnings.simplefilter("always")
        assert_same_batches(batches, theirs)
    assert [str(w.message) for w in caught_ours] == \
        [str(w.message).replace("TorchStream", "Stream") for w in caught_theirs]


def test_argument_errors_as_torch():
    ours, theirs = tensor_datasets()
    cases = [dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2),
             dict(persistent_workers=True), dict(sampler=[0, 1], shuffle=True),
             dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
             dict(batch_sampler=[[0]], drop_last=True), dict(batch_size=None, drop_last=True),
             dict(multiprocessing_context="fork"),
             dict(num_workers=1, multiprocessing_context="nope"),
             dict(num_workers=1, multiprocessing_context=3),
             dict(num_workers=1, prefetch_factor=-1)]
    for kwargs in cases:
        raises_like(lambda: fdata.DataLoader(ours, **kwargs),
                    lambda: tdata.DataLoader(theirs, **kwargs))
    for kwargs in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        raises_like(lambda: fdata.DataLoader(Stream(3), **kwargs),
                    lambda: tdata.DataLoader(TorchStream(3), **kwargs))
    loader, torch_loader = fdata.DataLoader(ours), tdata.DataLoader(theirs)
    for attr in ("batch_size", "sampler", "dataset"):
        raises_like(lambda: setattr(loader, attr, None),
                    lambda: setattr(torch_loader, attr, None))
    loader.num_workers = 0  # other attributes may change


def test_warnings_as_torch():
    def messages(data, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            iter(data.DataLoader(range(3), **kwargs))
        return [str(w.message) for w in caught]
    many = {"num_workers": 1000}  # warned about at construction, before any worker starts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = fdata.DataLoader(range(3), **many), tdata.DataLoader(range(3), **many)
    assert messages(fdata, pin_memory=True, pin_memory_device="cuda") == \
        messages(tdata, pin_memory=True, pin_memory_device="cuda")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours.check_worker_number_rationality()
        theirs.check_worker_number_rationality()
    assert len(caught) == 2 and str(caught[0].message) == str(caught[1].message)


def test_pin_memory_is_accepted():
    ours, _ = tensor_datasets()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batches = list(fdata.DataLoader(ours, batch_size=5, pin_memory=True))
    assert len(batches) == 2
    if not flambeau.cuda.is_available():
        assert any("no accelerator is found" in str(w.message) for w in caught)


def test_exceptions_raise_directly():
    class Failing(fdata.Dataset):
        def __getitem__(self, i):
            raise ValueError(f"bad sample {i}")

        def __len__(self):
            return 3
    with pytest.raises(ValueError, match="bad sample 0"):
        next(iter(fdata.DataLoader(Failing())))


def test_exports():
    for name in fdata.__all__:
        assert hasattr(tdata, name), name
    missing = set(tdata.__all__) - set(fdata.__all__)
    assert missing <= {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe",
                       "argument_validation", "functional_datapipe",
                       "guaranteed_datapipes_determinism", "non_deterministic",
                       "runtime_validation", "runtime_validation_disabled"}
    assert flambeau.utils.data.DataLoader is fdata.DataLoader
    with pytest.raises(AttributeError, match="IterDataPipe is not implemented in flambeau"):
        fdata.IterDataPipe
    assert fdata.get_worker_info() is None


def test_classes_print_as_torch(as_torch):
    ours, theirs = tensor_datasets()
    for a, b in [(ours, theirs), (fdata.DataLoader(ours), tdata.DataLoader(theirs)),
                 (iter(fdata.DataLoader(ours)), iter(tdata.DataLoader(theirs))),
                 (fdata.RandomSampler(ours), tdata.RandomSampler(theirs)),
                 (fdata.DistributedSampler(ours, 2, 0), tdata.DistributedSampler(theirs, 2, 0))]:
        assert repr(type(a)) == repr(type(b))


TORCH_SCRIPT = """
import torch
from torch.utils.data import DataLoader, TensorDataset

if __name__ == "__main__":
    data = TensorDataset(torch.arange(6.).view(3, 2), torch.arange(3))
    print(list(DataLoader(data, batch_size=2)))
    print(list(DataLoader(data, batch_size=2, num_workers=1)))
    print(type(torch.utils.data.DataLoader(data)))
"""


def test_runs_as_torch_utils_data(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(TORCH_SCRIPT)
    done = subprocess.run([sys.executable, "-m", "flambeau", "run", str(script)],
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    batches = ("[[tensor([[0., 1.],\n        [2., 3.]]), tensor([0, 1])], "
               "[tensor([[4., 5.]]), tensor([2])]]\n")
    assert done.stdout == batches * 2 + "<class 'torch.utils.data.dataloader.DataLoader'>\n"
