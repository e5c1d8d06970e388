"""default_collate and default_convert, compared with torch's on the same samples."""
import collections

import numpy as np
import pytest
import torch
from torch.utils.data import default_collate as torch_collate, default_convert as torch_convert

import flambeau
from conftest import assert_same, raises_like
from flambeau.utils.data import default_collate, default_convert
from flambeau.utils.data._utils.collate import collate

Point = collections.namedtuple("Point", ["x", "y"])


def assert_same_structure(ours, theirs):
    """Same containers, same leaves (flambeau tensors compared with torch's)."""
    if isinstance(theirs, torch.Tensor):
        assert_same(ours, theirs, rtol=0, atol=0)
        return
    assert type(ours) is type(theirs) or (
        isinstance(theirs, Point) and type(ours).__name__ == "Point"), (ours, theirs)
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for key in theirs:
            assert_same_structure(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_structure(a, b)
    else:
        assert ours == theirs


def to_torch(sample):
    """The same sample with flambeau tensors as torch's."""
    if isinstance(sample, flambeau.Tensor):
        return torch.from_numpy(sample.numpy().copy())
    if isinstance(sample, dict):
        return {k: to_torch(v) for k, v in sample.items()}
    if isinstance(sample, Point):
        return Point(*map(to_torch, sample))
    if isinstance(sample, (list, tuple)):
        return type(sample)(map(to_torch, sample))
    return sample


BATCHES = {
    "ints": [0, 1, 2, 3],
    "floats": [0.5, 1.25],
    "bools": [True, False],
    "strings": ["a", "b"],
    "bytes": [b"a", b"b"],
    "numpy arrays": [np.arange(6, dtype=np.int32).reshape(2, 3), np.ones((2, 3), np.int32)],
    "numpy scalars": [np.float32(1.5), np.float32(2)],
    "numpy bools": [np.bool_(True), np.bool_(False)],
    "tensors": [flambeau.arange(6.).view(2, 3), flambeau.ones(2, 3)],
    "0-d tensors": [flambeau.tensor(3), flambeau.tensor(4)],
    "dicts": [{"A": 0, "B": 1.0}, {"A": 100, "B": 100.0}],
    "tuples": [(0, 1), (2, 3)],
    "lists": [[0, 1], [2, 3]],
    "namedtuples": [Point(0, 0.5), Point(1, 1.5)],
    "nested": [{"img": flambeau.zeros(2), "meta": (1, "x", [np.ones(2)])},
               {"img": flambeau.ones(2), "meta": (2, "y", [np.zeros(2)])}],
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_collate(name):
    batch = BATCHES[name]
    assert_same_structure(default_collate(batch), torch_collate(to_torch(batch)))


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_convert(name):
    batch = BATCHES[name]
    assert_same_structure(default_convert(batch), torch_convert(to_torch(batch)))
    for sample in batch:
        assert_same_structure(default_convert(sample), torch_convert(to_torch(sample)))


def test_numpy_string_arrays_are_left_alone():
    strings = np.array(["a", "b"])
    assert default_convert(strings) is strings
    raises_like(lambda: default_collate([strings, strings]),
                lambda: torch_collate([strings, strings]))


def test_collate_errors():
    raises_like(lambda: default_collate([object(), object()]),
                lambda: torch_collate([object(), object()]))
    raises_like(lambda: default_collate([flambeau.zeros(3), flambeau.zeros(2)]),
                lambda: torch_collate([torch.zeros(3), torch.zeros(2)]))
    raises_like(lambda: default_collate([[1, 2], [3]]), lambda: torch_collate([[1, 2], [3]]))
    raises_like(lambda: default_collate([{"a": 1}, {"b": 2}]),
                lambda: torch_collate([{"a": 1}, {"b": 2}]))


def test_collate_with_custom_map():
    def first(batch, *, collate_fn_map):
        return batch[0]
    custom = {flambeau.Tensor: first, int: first}
    result = collate([(flambeau.ones(1), 2), (flambeau.zeros(1), 3)], collate_fn_map=custom)
    assert result[0].tolist() == [1.0] and result[1] == 2
    assert collate([True, False], collate_fn_map=custom) is True  # by isinstance: bool is int
    with pytest.raises(TypeError, match="found <class 'float'>"):
        collate([1.5], collate_fn_map=custom)
