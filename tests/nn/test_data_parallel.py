"""nn.DataParallel and nn.parallel.data_parallel as torch's CPU build runs them (no GPU)."""
import torch

import flambeau
from conftest import assert_same, raises_like


def test_data_parallel_wraps_the_module_as_torch_without_gpu(as_torch):
    flambeau.manual_seed(0)
    torch.manual_seed(0)
    ours = flambeau.nn.DataParallel(flambeau.nn.Linear(3, 2), device_ids=None)
    theirs = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert repr(ours) == repr(theirs) and str(type(ours)) == str(type(theirs))
    assert ours.device_ids == theirs.device_ids == []
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["module.weight",
                                                                    "module.bias"]
    x = flambeau.arange(6.).view(2, 3)
    assert_same(ours(x), theirs(torch.arange(6.).view(2, 3)))
    assert flambeau.nn.parallel.DataParallel is flambeau.nn.DataParallel


def test_data_parallel_function_needs_a_device_as_torch():
    raises_like(lambda: flambeau.nn.parallel.data_parallel(flambeau.nn.Linear(3, 2),
                                                           flambeau.ones(2, 3)),
                lambda: torch.nn.parallel.data_parallel(torch.nn.Linear(3, 2), torch.ones(2, 3)))
