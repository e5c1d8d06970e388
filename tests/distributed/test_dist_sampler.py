"""DistributedSampler splits, pads, cuts and shuffles (reseeded by set_epoch) as torch's."""
import itertools

import pytest
import torch.utils.data as tdata

import flambeau.utils.data as fdata


@pytest.mark.parametrize("n,replicas,drop_last",
                         list(itertools.product([5, 12, 13], [2, 3, 5], [False, True])))
def test_shuffled_shares_as_torch(n, replicas, drop_last):
    for rank, seed in itertools.product(range(replicas), (0, 7)):
        ours = fdata.DistributedSampler(range(n), replicas, rank, seed=seed, drop_last=drop_last)
        theirs = tdata.DistributedSampler(range(n), replicas, rank, seed=seed,
                                          drop_last=drop_last)
        for epoch in range(3):
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs), (rank, seed, epoch)
            assert len(ours) == len(theirs)


def test_shares_cover_the_data_set():
    shares = [list(fdata.DistributedSampler(range(13), 4, rank, seed=3)) for rank in range(4)]
    assert len({len(share) for share in shares}) == 1
    everything = sorted(itertools.chain(*shares))
    assert set(everything) == set(range(13)) and len(everything) == 16  # 3 repeated as padding
