"""DLPack exchange against torch's: values, dtypes, shared memory both ways, torch's errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, same_outcome


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int8", "uint8", "int16",
                                   "int32", "int64", "uint16", "uint32", "uint64", "bool",
                                   "complex64", "complex128"])
def test_numpy_arrays_round_trip_sharing_memory(dtype):
    array = (np.arange(6) % 2).astype(dtype).reshape(2, 3)[:, ::2]
    ours, theirs = flambeau.from_dlpack(array), torch.from_dlpack(array)
    assert_same(ours, theirs)
    assert ours.stride() == theirs.stride()
    back = np.from_dlpack(ours)
    assert back.dtype == array.dtype and np.shares_memory(back, array)


def test_memory_shared_with_torch_both_ways():
    x = flambeau.arange(4.)
    t = torch.from_dlpack(x)
    t[0] = 9
    y = flambeau.from_dlpack(t)
    y[1] = 7
    assert x.tolist() == t.tolist() == y.tolist() == [9.0, 7.0, 2.0, 3.0]
    assert flambeau.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(t)).tolist() == \
        x.tolist()


@pytest.mark.parametrize("expr", [
    "lib.from_dlpack(lib.utils.dlpack.to_dlpack(lib.arange(3.)))",
    "(lambda c: (lib.from_dlpack(c), lib.from_dlpack(c)))(lib.utils.dlpack.to_dlpack(lib.ones(2)))",
    "lib.from_dlpack(5)", "lib.ones(2, requires_grad=True).__dlpack__()",
    "lib.from_dlpack(lib.ones(2, requires_grad=True))", "lib.from_dlpack(lib.arange(6.)[::2])",
    "lib.arange(2.).__dlpack_device__()"])
def test_as_torch(expr):
    same_outcome(lambda lib: eval(expr, {"lib": lib}))
