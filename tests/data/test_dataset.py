"""Datasets and random_split, compared with torch.utils.data."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import flambeau
import flambeau.utils.data as fdata
from conftest import assert_same, raises_like


def both(fn):
    """fn(lib, data) for flambeau and torch."""
    return fn(flambeau, fdata), fn(torch, tdata)


class Squares(fdata.Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return self.n


def stream_class(data):
    class Stream(data.IterableDataset):
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            return iter(self.items)

        def __len__(self):
            return len(self.items)
    return Stream


Stream, TorchStream = stream_class(fdata), stream_class(tdata)


def test_tensor_dataset():
    ours, theirs = both(lambda lib, data: data.TensorDataset(
        lib.arange(12.).view(4, 3), lib.arange(4)))
    assert len(ours) == len(theirs) == 4
    for i in (0, 3, -1, slice(1, 3)):
        for a, b in zip(ours[i], theirs[i]):
            assert_same(a, b)
    raises_like(lambda: fdata.TensorDataset(flambeau.zeros(3), flambeau.zeros(4)),
                lambda: tdata.TensorDataset(torch.zeros(3), torch.zeros(4)))


def test_dataset_base():
    raises_like(lambda: fdata.Dataset()[0], lambda: tdata.Dataset()[0])
    assert isinstance(Squares(2) + Squares(3), fdata.ConcatDataset)
    assert isinstance(Stream([1]) + Stream([2]), fdata.ChainDataset)
    assert list(Stream([1]) + Stream([2, 3])) == [1, 2, 3]
    assert fdata.Dataset[int] is not None  # generic, as torch's


def test_stack_dataset():
    ours = fdata.StackDataset(Squares(4), Squares(4))
    assert ours[2] == (4, 4) and len(ours) == 4
    assert ours.__getitems__([1, 3]) == [(1, 1), (9, 9)]
    named = fdata.StackDataset(a=Squares(3), b=fdata.Subset(Squares(5), [4, 3, 2]))
    assert named[1] == {"a": 1, "b": 9}
    assert named.__getitems__([0, 2]) == [{"a": 0, "b": 16}, {"a": 4, "b": 4}]
    raises_like(lambda: fdata.StackDataset(Squares(1), b=Squares(1)),
                lambda: tdata.StackDataset(Squares(1), b=Squares(1)))
    raises_like(lambda: fdata.StackDataset(), lambda: tdata.StackDataset())
    raises_like(lambda: fdata.StackDataset(Squares(1), Squares(2)),
                lambda: tdata.StackDataset(Squares(1), Squares(2)))


def test_concat_dataset():
    ours = fdata.ConcatDataset([Squares(2), Squares(3), Squares(1)])
    theirs = tdata.ConcatDataset([Squares(2), Squares(3), Squares(1)])
    assert ours.cumulative_sizes == theirs.cumulative_sizes == [2, 5, 6]
    assert [ours[i] for i in range(-6, 6)] == [theirs[i] for i in range(-6, 6)]
    raises_like(lambda: ours[-7], lambda: theirs[-7])
    raises_like(lambda: fdata.ConcatDataset([]), lambda: tdata.ConcatDataset([]))
    raises_like(lambda: fdata.ConcatDataset([Stream([1])]),
                lambda: tdata.ConcatDataset([TorchStream([1])]))
    with pytest.warns(FutureWarning, match="renamed to `cumulative_sizes`"):
        assert ours.cummulative_sizes == [2, 5, 6]


def test_chain_dataset():
    chained = fdata.ChainDataset([Stream([1, 2]), Stream([3])])
    assert list(chained) == [1, 2, 3] and len(chained) == 3
    ours, theirs = [Stream([1]), Squares(2)], [TorchStream([1]), Squares(2)]
    raises_like(lambda: list(fdata.ChainDataset(ours)), lambda: list(tdata.ChainDataset(theirs)))
    raises_like(lambda: len(fdata.ChainDataset(ours)), lambda: len(tdata.ChainDataset(theirs)))


def test_subset():
    sub = fdata.Subset(Squares(10), [5, 1, 7])
    assert len(sub) == 3 and sub[0] == 25 and sub[-1] == 49
    assert sub.__getitems__([2, 0]) == [49, 25]
    nested = fdata.Subset(fdata.StackDataset(Squares(10)), [4, 2])
    assert nested.__getitems__([1, 0]) == [(4,), (16,)]

    def subclass(data):
        class Doubled(data.Subset):
            def __getitem__(self, idx):
                return 2 * super().__getitem__(idx)
        return Doubled(Squares(3), [0])
    raises_like(lambda: subclass(fdata), lambda: subclass(tdata))


def test_random_split_lengths_and_errors():
    for lengths in ([3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33], [1.0]):
        ours = fdata.random_split(range(10), lengths)
        theirs = tdata.random_split(range(10), lengths)
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert sorted(i for s in ours for i in s) == list(range(10))
    raises_like(lambda: fdata.random_split(range(10), [3, 3]),
                lambda: tdata.random_split(range(10), [3, 3]))
    raises_like(lambda: fdata.random_split(range(10), [1.5, -0.5]),
                lambda: tdata.random_split(range(10), [1.5, -0.5]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fdata.random_split(range(2), [0.5, 0.5, 0.0])
    assert any("Length of split at index 2 is 0" in str(w.message) for w in caught)


def test_random_split_generator():
    split = [list(s) for s in fdata.random_split(
        range(20), [5, 15], generator=flambeau.Generator().manual_seed(7))]
    again = [list(s) for s in fdata.random_split(
        range(20), [5, 15], generator=flambeau.Generator().manual_seed(7))]
    assert split == again
    g = flambeau.Generator().manual_seed(7)
    assert split[0] + split[1] == flambeau.randperm(20, generator=g).tolist()
    assert np.all(np.sort(split[0] + split[1]) == np.arange(20))
