"""Every configuration of torch's own optimizer database (optim_db) that flambeau's optimizers
take, in each implementation torch offers on the CPU (for-loop, foreach, fused): 25 steps on
the shared float64 problem, parameters equal to torch's to 1e-10."""
import numpy as np
import pytest
import torch
from torch.testing._internal.common_optimizers import optim_db

import flambeau
from _problem import convert, run, to_numpy


def _cases():
    for info in optim_db:
        name = info.optim_cls.__name__
        if name == "SparseAdam" or not hasattr(flambeau.optim, name):
            continue  # SparseAdam needs sparse gradients; Adafactor and Muon are not in flambeau
        impls = [{}] + [{"foreach": True}] * ("foreach" in info.supported_impls) \
            + [{"fused": True}] * ("cpu" in getattr(info, "supports_fused_on", ()))
        for optim_input in info.optim_inputs_func(device="cpu"):
            for impl in impls:
                kwargs = dict(optim_input.kwargs, **impl)
                if impl.get("foreach") and isinstance(kwargs.get("lr"), torch.Tensor):
                    continue  # torch refuses a Tensor lr with foreach (tested with errors)
                if impl.get("foreach") and name == "ASGD":
                    continue  # torch's foreach ASGD (a rearranged update) differs from its
                    # for-loop form, CPU's default and flambeau's, by about 1e-7 relative
                yield pytest.param(name, kwargs, id=f"{name}-{optim_input.desc}-{impl}")


@pytest.mark.parametrize("name, kwargs", list(_cases()))
def test_optim_db_configuration(name, kwargs):
    ours, _ = run(flambeau, name, convert(kwargs, flambeau))
    theirs, _ = run(torch, name, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=1e-10)
