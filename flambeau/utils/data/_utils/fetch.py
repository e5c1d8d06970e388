"""Fetchers: one batch (or sample) from a dataset for a key (or list of keys), in the main
process or in a worker."""
import numpy as np

from .... import Tensor, _shared_memory as shared_memory
from ...._tensor import make
from .. import dataset as _dataset
from . import collate, worker


class _MapDatasetFetcher:
    """``collate_fn([dataset[i] for i in keys])`` (through ``__getitems__`` when the dataset
    has it).

    A TensorDataset (or a Subset of one) collated by ``default_collate`` takes a fast path
    with the same result: each tensor's rows are gathered at once, into shared memory in a
    worker, instead of indexed one by one and stacked.
    """

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self._rows = _tensor_rows(dataset) if collate_fn is collate.default_collate else None

    def fetch(self, possibly_batched_index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[possibly_batched_index])
        if self._rows is not None:
            batch = _gather(*self._rows, possibly_batched_index)
            if batch is not None:
                return batch
        if callable(getattr(self.dataset, "__getitems__", None)):
            data = self.dataset.__getitems__(possibly_batched_index)
        else:
            data = [self.dataset[idx] for idx in possibly_batched_index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    """The next ``len(keys)`` samples of the dataset's iterator, collated (the keys are
    placeholders); StopIteration when it is exhausted (or, with ``drop_last``, when the batch
    would be short)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in possibly_batched_index:
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
            raise StopIteration
        return self.collate_fn(data)


def create_fetcher(is_iterable, dataset, auto_collation, collate_fn, drop_last):
    kind = _IterableDatasetFetcher if is_iterable else _MapDatasetFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)


def _tensor_rows(dataset):
    """(tensors, keys) when the samples of ``dataset`` are rows of plain CPU tensors:
    ``dataset[i]`` is ``tuple(t[keys[i]] for t in tensors)`` (keys None: the identity)."""
    keys = None
    while type(dataset) is _dataset.Subset:
        keys = dataset.indices if keys is None else [dataset.indices[i] for i in keys]
        dataset = dataset.dataset
    if type(dataset) is not _dataset.TensorDataset or not all(
            type(t) is Tensor and type(t._data) is np.ndarray and not t._requires_grad
            and t._data.ndim for t in dataset.tensors):
        return None
    return dataset.tensors, keys


def _gather(tensors, keys, index):
    """The rows at ``index`` of each tensor, or None when an index is out of range (the
    slow path then raises the indexing error)."""
    if keys is not None:
        try:
            index = [keys[i] for i in index]
        except (IndexError, TypeError):
            return None
    rows = np.asarray(index)
    n = tensors[0]._data.shape[0]
    if rows.dtype.kind != "i" or rows.ndim != 1 or (rows.size and not (
            -n <= rows.min() and rows.max() < n)):
        return None
    empty = shared_memory.empty if worker._worker_info is not None else np.empty
    batch = []
    for t in tensors:
        source = t._data
        out = empty((len(rows),) + source.shape[1:], source.dtype)
        np.take(source, rows, axis=0, out=out, mode="wrap")  # in range: wrap = Python's
        batch.append(make(out, t._dtype))
    return batch
