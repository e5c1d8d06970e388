"""Collation: a list of samples becomes a batch (``default_collate``), a sample's NumPy
arrays become tensors (``default_convert``)."""
import collections
import copy
import re

import numpy as np

from .... import Tensor, _shared_memory as shared_memory, as_tensor, float64, stack, tensor
from ...._tensor import make
from . import worker

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")


def _rebuilt(data, items):
    """``items`` in a container like ``data``: a copy of a mutable one, a new one of its
    type otherwise, a plain list (or dict) when the type cannot be built from them."""
    try:
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(items)
            return clone
        if isinstance(data, collections.abc.Mapping):
            return type(data)(items)
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(data)(items)
    except TypeError:
        return dict(items) if isinstance(data, collections.abc.Mapping) else list(items)


def default_convert(data):
    """Turns each NumPy array (and NumPy scalar) in ``data``, however nested in mappings,
    namedtuples and sequences, into a tensor; leaves everything else as it is. Tuples come
    back as lists, as in torch."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and \
                np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuilt(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuilt(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Collates ``batch`` by the type of its first element: ``collate_fn_map`` maps types
    (looked up exactly, then by ``isinstance`` in insertion order) to functions
    ``fn(batch, *, collate_fn_map)``; mappings, namedtuples and sequences are collated
    field by field."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuilt(elem, {key: collate([d[key] for d in batch],
                                            collate_fn_map=collate_fn_map) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        elem_size = len(elem)
        if not all(len(e) == elem_size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuilt(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """``stack(batch)``; in a worker, into shared memory."""
    elem = batch[0]
    if worker._worker_info is not None:
        arrays = [t._data for t in batch]
        first = arrays[0]
        if all(type(a) is np.ndarray and a.shape == first.shape and a.dtype == first.dtype
               for a in arrays):
            out = shared_memory.empty((len(arrays),) + first.shape, first.dtype)
            if any(t._requires_grad for t in batch):  # torch's error for out= with autograd
                return stack(batch, 0, out=make(out, elem._dtype))
            return make(np.stack(arrays, out=out), elem._dtype)
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stacks a list of samples into a batch, recursively: tensors, NumPy arrays and
    numbers become tensors with a new first dimension (floats as float64), strings and
    bytes stay lists, mappings, namedtuples and sequences are collated field by field (tuples
    come back as lists). Extend it through ``default_collate_fn_map``."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
