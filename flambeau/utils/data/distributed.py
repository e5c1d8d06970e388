"""DistributedSampler: each of ``num_replicas`` processes visits its own share of a dataset."""
import math

from ... import Generator, randperm
from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _process_group_value(getter):
    """World size or rank from flambeau.distributed's default group, as torch does when the
    sampler is not told them."""
    from ... import distributed as dist
    if not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    return getattr(dist, getter)()


class DistributedSampler(Sampler):
    """Keys ``rank, rank + num_replicas, ...`` of the (shuffled with seed ``seed + epoch``)
    keys, padded by repetition to a multiple of ``num_replicas`` or, with ``drop_last``, cut
    to one."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _process_group_value("get_world_size")
        if rank is None:
            rank = _process_group_value("get_rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas)
                                         / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        if self.shuffle:
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = randperm(len(self.dataset), generator=g).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding_size = self.total_size - len(indices)
            if padding_size > 0:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Sets the epoch, which reseeds the shuffle: call it before each epoch so that the
        replicas see a new order each time."""
        self.epoch = epoch
