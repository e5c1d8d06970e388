"""An ``out=`` whose storage is too small for the result grows into new memory, so the overlap
check compares nothing beyond the memory it owns (it once viewed the result's size over the
old buffer and, depending on where arrays lay, refused calls torch accepts)."""
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
