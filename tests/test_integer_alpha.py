"""``alpha`` on integer tensors converts as torch converts it: negative values wrap for uint8
(``a - b`` as ``a + 255 b``), values out of the dtype's range and floats are refused; integer
results keep their dtype (``bilinear``)."""
import pytest
import torch

import flambeau

from conftest import assert_same

CALLS = {
    "add": lambda m, a, b, alpha: m.add(a, b, alpha=alpha),
    "sub": lambda m, a, b, alpha: m.sub(a, b, alpha=alpha),
    "add_": lambda m, a, b, alpha: a.clone().add_(b, alpha=alpha),
    "add_scalar": lambda m, a, b, alpha: a.add(3, alpha=alpha),
    "sub_scalar_": lambda m, a, b, alpha: a.clone().sub_(3, alpha=alpha),
    "index_add": lambda m, a, b, alpha: m.index_add(a, 0, m.tensor([2, 0]), b[:2], alpha=alpha),
}


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("dtype, alpha", [("uint8", -1), ("uint8", -255), ("uint8", 255),
                                          ("int8", -128), ("int16", 300), ("int64", -7),
                                          ("uint8", -256), ("uint8", 256), ("int8", 128),
                                          ("int64", 2 ** 63), ("int32", 1.5)])
def test_integer_alpha_as_torch(name, dtype, alpha):
    results = []
    for lib in (torch, flambeau):
        a = lib.tensor([1, 2, 3], dtype=getattr(lib, dtype))
        b = lib.tensor([5, 6, 7], dtype=getattr(lib, dtype))
        try:
            results.append(CALLS[name](lib, a, b, alpha))
        except RuntimeError as error:
            results.append(str(error))
    theirs, ours = results
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        assert_same(ours, theirs)


@pytest.mark.parametrize("dtype", ["int32", "int8", "int64"])
def test_bilinear_keeps_integer_dtype(dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.randint(-5, 5, (2, 3), generator=g).to(getattr(torch, dtype))
    w = torch.randint(-5, 5, (4, 3, 3), generator=g).to(getattr(torch, dtype))
    x_f, w_f = flambeau.tensor(x.numpy()), flambeau.tensor(w.numpy())
    assert_same(flambeau.nn.functional.bilinear(x_f, x_f, w_f),
                torch.nn.functional.bilinear(x, x, w))
