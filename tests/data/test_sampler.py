"""Samplers, compared with torch.utils.data's (orders from random ones are checked against
torch only once flambeau's generator reproduces torch's streams)."""
import collections
import itertools

import pytest
import torch
import torch.utils.data as tdata

import flambeau
import flambeau.utils.data as fdata
from conftest import raises_like


def _same_random_streams():
    flambeau.manual_seed(0)
    torch.manual_seed(0)
    return (flambeau.rand(3).tolist() == torch.rand(3).tolist()
            and flambeau.randperm(50).tolist() == torch.randperm(50).tolist())


same_streams = pytest.mark.skipif(
    not _same_random_streams(),
    reason="flambeau.manual_seed(0); flambeau.rand(3) differs from torch's: flambeau's "
           "generator does not reproduce torch's mt19937 streams yet")


def test_sequential():
    assert list(fdata.SequentialSampler(range(5))) == list(tdata.SequentialSampler(range(5)))
    assert len(fdata.SequentialSampler(range(5))) == 5


def test_random_sampler_draws():
    assert sorted(fdata.RandomSampler(range(10))) == list(range(10))
    drawn = list(fdata.RandomSampler(range(10), num_samples=25))
    assert len(drawn) == 25 and sorted(drawn[:20]) == sorted(list(range(10)) * 2)
    assert len(set(drawn[20:])) == 5
    with_replacement = list(fdata.RandomSampler(range(4), replacement=True, num_samples=70))
    assert len(with_replacement) == 70 and set(with_replacement) == {0, 1, 2, 3}
    assert len(fdata.RandomSampler(range(4), replacement=True, num_samples=70)) == 70
    g1, g2 = flambeau.Generator().manual_seed(3), flambeau.Generator().manual_seed(3)
    assert list(fdata.RandomSampler(range(30), generator=g1)) == \
        list(fdata.RandomSampler(range(30), generator=g2))


def test_random_sampler_follows_global_seed():
    flambeau.manual_seed(5)
    first = list(fdata.RandomSampler(range(30)))
    flambeau.manual_seed(5)
    assert list(fdata.RandomSampler(range(30))) == first


def test_random_sampler_errors():
    raises_like(lambda: fdata.RandomSampler(range(3), replacement=1),
                lambda: tdata.RandomSampler(range(3), replacement=1))
    for n in (0, -1, 2.5):
        raises_like(lambda: fdata.RandomSampler(range(3), num_samples=n),
                    lambda: tdata.RandomSampler(range(3), num_samples=n))
    raises_like(lambda: fdata.RandomSampler([]), lambda: tdata.RandomSampler([]))


def test_subset_random_sampler():
    indices = [7, 3, 11, 5]
    assert sorted(fdata.SubsetRandomSampler(indices)) == sorted(indices)
    assert len(fdata.SubsetRandomSampler(indices)) == 4


def test_weighted_random_sampler():
    counts = collections.Counter(fdata.WeightedRandomSampler([0.0, 1.0, 3.0], 4000))
    assert counts[0] == 0 and 2700 < counts[2] < 3300
    without = list(fdata.WeightedRandomSampler([1, 2, 3, 4, 5], 5, replacement=False))
    assert sorted(without) == [0, 1, 2, 3, 4]
    assert fdata.WeightedRandomSampler([1, 2], 3).weights.dtype == flambeau.float64
    for args in (([1.0], 0), ([1.0], True), ([1.0], 2.0), ([[1.0, 2.0]], 1)):
        raises_like(lambda: fdata.WeightedRandomSampler(*args),
                    lambda: tdata.WeightedRandomSampler(*args))
    raises_like(lambda: fdata.WeightedRandomSampler([1.0], 1, replacement=None),
                lambda: tdata.WeightedRandomSampler([1.0], 1, replacement=None))


@pytest.mark.parametrize("n,batch_size,drop_last",
                         list(itertools.product([0, 1, 9, 10], [1, 3, 5, 10, 11], [False, True])))
def test_batch_sampler(n, batch_size, drop_last):
    ours = fdata.BatchSampler(range(n), batch_size, drop_last)
    theirs = tdata.BatchSampler(range(n), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


def test_batch_sampler_errors():
    for args in ((range(3), 0, False), (range(3), True, False), (range(3), 2, 1)):
        raises_like(lambda: fdata.BatchSampler(*args), lambda: tdata.BatchSampler(*args))


@pytest.mark.parametrize("n,replicas,drop_last",
                         list(itertools.product([0, 1, 7, 12], [1, 3, 5], [False, True])))
def test_distributed_sampler_unshuffled(n, replicas, drop_last):
    for rank in range(replicas):
        ours = fdata.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                        drop_last=drop_last)
        theirs = tdata.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                          drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert len(ours) == len(theirs)
        assert ours.total_size == theirs.total_size


def test_distributed_sampler_shuffled():
    shares = [fdata.DistributedSampler(range(10), 2, rank, seed=3) for rank in range(2)]
    assert sorted(list(shares[0]) + list(shares[1])) == list(range(10))

    def rank0(seed):
        return flambeau.randperm(10, generator=flambeau.Generator().manual_seed(seed)).tolist()[::2]
    assert list(shares[0]) == list(shares[0]) == rank0(3)
    shares[0].set_epoch(1)
    assert list(shares[0]) == rank0(4)


def test_distributed_sampler_errors():
    for rank in (-1, 3):
        raises_like(lambda: fdata.DistributedSampler(range(5), 3, rank),
                    lambda: tdata.DistributedSampler(range(5), 3, rank))
    # without a default process group (torch.distributed's error)
    raises_like(lambda: fdata.DistributedSampler(range(5)),
                lambda: tdata.DistributedSampler(range(5)))


@same_streams
def test_random_orders_as_torch():
    flambeau.manual_seed(11)
    torch.manual_seed(11)
    assert list(fdata.RandomSampler(range(40))) == list(tdata.RandomSampler(range(40)))
    assert list(fdata.RandomSampler(range(9), replacement=True, num_samples=40)) == \
        list(tdata.RandomSampler(range(9), replacement=True, num_samples=40))
    assert list(fdata.SubsetRandomSampler([4, 8, 2, 6])) == \
        list(tdata.SubsetRandomSampler([4, 8, 2, 6]))
    assert list(fdata.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0], 10)) == \
        list(tdata.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0], 10))
    assert list(fdata.DistributedSampler(range(13), 3, 1, seed=4)) == \
        list(tdata.DistributedSampler(range(13), 3, 1, seed=4))
