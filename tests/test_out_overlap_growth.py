"""An ``out=`` whose storage is too small for the result grows into new memory, so the overlap
check compares nothing beyond the memory it owns (it once viewed the result's size over the
old buffer and, depending on where arrays lay, refused calls torch accepts)."""
import warnings

import torch

import flambeau


def test_growing_out_is_not_an_overlap():
    for lib in (torch, flambeau):
        x = lib.arange(12.0)
        out = x[10:10]  # no elements, 2 left in its storage: softmax needs 6
        lib.exp(x[6:], out=out)
        assert tuple(out.shape) == (6,)
        lib.softmax(lib.arange(6.0), 0, out=lib.empty(0))


def test_out_resized_in_place_still_checked():
    # out= within the index's storage, growing in place over it: torch refuses, as flambeau
    for lib in (torch, flambeau):
        base = lib.tensor([0, 0, 1])
        try:
            lib.gather(lib.zeros(3, dtype=lib.int64), 0, base[1:], out=base[:1])
        except RuntimeError as error:
            assert "refer to a single memory location" in str(error)
        else:
            raise AssertionError(f"{lib.__name__} accepted an out= overlapping its index")


def test_out_resized_within_its_storage_writes_there():
    # torch resizes out= in its own storage when it has room, so the storage's other views
    # see the result; only growth past the storage's end needs new memory
    cases = [(slice(0, 0), (3,)), (slice(2, 2), (3,)), (slice(0, 2), (3,)), (slice(1, 1), (2, 2))]
    for where, shape in cases:
        results = []
        for lib in (flambeau, torch):
            base = lib.zeros(6)
            out = base[where]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (resizing a non-empty out= is deprecated)
                lib.add(lib.ones(shape), 1, out=out)
            results.append((base.tolist(), out.tolist(), out.storage_offset(), out.stride()))
        assert results[0] == results[1], (where, results)
