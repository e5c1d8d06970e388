"""Packed sequences: PackedSequence, pack_padded_sequence, pad_packed_sequence, pad_sequence,
pack_sequence, unpad_sequence, unpack_sequence.

A packed sequence holds the rows of every time step one after the other (``batch_sizes[t]``
rows at step ``t``, the longest sequences first), which is the layout the recurrent layers
run on. Packing and padding are gathers and scatters of rows (``index_select`` and
``index_copy_`` nodes where torch has ``PackPaddedSequenceBackward0`` and ``CopySlices``).
"""
from collections import namedtuple

import numpy as np

from ... import (Tensor, arange, as_tensor, cat, empty_like, float16, float32, float64, int8,
                  int16, int32, int64, sort, stack, tensor, uint8)

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(namedtuple("PackedSequence_",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """The packed rows ``data``, the int64 ``batch_sizes`` of each step, and, for a batch
    that was sorted by length, the permutation applied (``sorted_indices``) and its inverse.
    Made by :func:`pack_padded_sequence` and :func:`pack_sequence`, not by hand."""
    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """``data`` converted as ``Tensor.to``; the indices follow its device; ``self`` when
        nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes,
                          _bind(self.sorted_indices, lambda t: t.to(data.device)),
                          _bind(self.unsorted_indices, lambda t: t.to(data.device)))

    def cuda(self, *args, **kwargs):
        return self.to(*args, device="cuda", **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device="cpu", **kwargs)

    def pin_memory(self):
        return self

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    def half(self):
        return self.to(dtype=float16)

    def long(self):
        return self.to(dtype=int64)

    def int(self):
        return self.to(dtype=int32)

    def short(self):
        return self.to(dtype=int16)

    def char(self):
        return self.to(dtype=int8)

    def byte(self):
        return self.to(dtype=uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    return empty_like(permutation).scatter_(0, permutation, arange(permutation.numel()))


def _packed_rows(batch_sizes, batch):
    """The packed rows' positions in the padded ``(T * batch)`` layout, as an int64 tensor."""
    return tensor(np.concatenate([t * batch + np.arange(b) for t, b in enumerate(batch_sizes)]),
                  dtype=int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch ``(T, B, *)`` (``(B, T, *)`` batch first) of sequences of the
    given ``lengths``; with ``enforce_sorted=False`` the batch is sorted by length first."""
    lengths = as_tensor(lengths, dtype=int64) if not isinstance(lengths, Tensor) else \
        lengths.to(dtype=int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    values = lengths.tolist()
    if len(values) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(values)} (batch_size={batch})")
    if any(a < b for a, b in zip(values, values[1:])):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability.")
    if values and values[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if values and values[0] > steps:
        # torch packs past the end of the input here; flambeau refuses
        raise RuntimeError(f"pack_padded_sequence: a length ({values[0]}) exceeds the "
                           f"input's {steps} time steps")
    sizes = (np.asarray(values)[None, :] > np.arange(values[0] if values else 0)[:, None])
    batch_sizes = tensor(sizes.sum(1), dtype=int64)
    rows = _packed_rows(batch_sizes.tolist(), batch)
    data = input.reshape((steps * batch,) + tuple(input.shape[2:])).index_select(0, rows)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """``(padded, lengths)``: the inverse of :func:`pack_padded_sequence`, padded with
    ``padding_value`` to the longest length or ``total_length``, in the original order."""
    sizes = sequence.batch_sizes.tolist()
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    data = sequence.data
    batch = sizes[0]
    rest = tuple(data.shape[1:])
    padded = data.new_full((steps * batch,) + rest, padding_value)
    padded.index_copy_(0, _packed_rows(sizes, batch), data)
    padded = padded.view((steps, batch) + rest)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = tensor((np.asarray(sizes)[:, None] > np.arange(batch)[None, :]).sum(0),
                     dtype=int64)
    if sequence.unsorted_indices is not None:
        return (padded.index_select(0 if batch_first else 1, sequence.unsorted_indices),
                lengths[sequence.unsorted_indices])
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks sequences ``(L_i, *)`` into ``(T, B, *)`` (``(B, T, *)`` batch first), padding
    each with ``padding_value`` on ``padding_side`` to the longest."""
    if not hasattr(sequences, "__iter__"):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    longest = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        if s.size(0) < longest:
            fill = s.new_full((longest - s.size(0),) + tuple(s.shape[1:]), padding_value)
            s = cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences in a padded batch, each cut to its length. (torch transposes
    ``padded_sequences`` in place when not batch first; flambeau leaves it as it is.)"""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(length)] for seq, length in zip(padded_sequences, lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences in a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
