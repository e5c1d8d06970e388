"""Every configuration of torch's own optimizer database (optim_db) that flambeau's optimizers
take, in each implementation torch offers on the CPU (for-loop, foreach, fused): 25 steps on
the shared float64 problem, parameters equal to torch's to 1e-10."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

import flambeau
from _problem import convert, run, to_numpy

# torch.testing._internal imports a thousand modules (sympy, torch.onnx ...) and adds warning
# filters: the database is read in a child process, leaving this one as other tests expect
_READ_DB = """
import json, torch
from torch.testing._internal.common_optimizers import optim_db
out = []
for info in optim_db:
    for optim_input in info.optim_inputs_func(device="cpu"):
        kwargs = {k: {"tensor": v.tolist()} if isinstance(v, torch.Tensor) else v
                  for k, v in optim_input.kwargs.items()}
        out.append([info.optim_cls.__name__, optim_input.desc, kwargs, list(info.supported_impls),
                    "cpu" in getattr(info, "supports_fused_on", ())])
print(json.dumps(out))
"""


def _cases():
    db = json.loads(subprocess.run([sys.executable, "-c", _READ_DB], capture_output=True,
                                   text=True, check=True).stdout)
    for name, desc, kwargs, impls, fused_on_cpu in db:
        if name == "SparseAdam" or not hasattr(flambeau.optim, name):
            continue  # SparseAdam needs sparse gradients; Muon is not in flambeau
        kwargs = {k: torch.tensor(v["tensor"]) if isinstance(v, dict) else
                  tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        variants = [{}] + [{"foreach": True}] * ("foreach" in impls) \
            + [{"fused": True}] * fused_on_cpu
        for impl in variants:
            if impl.get("foreach") and isinstance(kwargs.get("lr"), torch.Tensor):
                continue  # torch refuses a Tensor lr with foreach (tested with errors)
            if impl.get("foreach") and name == "ASGD":
                continue  # torch's foreach ASGD (a rearranged update) differs from its
                # for-loop form, CPU's default and flambeau's, by about 1e-7 relative
            yield pytest.param(name, dict(kwargs, **impl), id=f"{name}-{desc}-{impl}")


@pytest.mark.parametrize("name, kwargs", list(_cases()))
def test_optim_db_configuration(name, kwargs):
    ours, _ = run(flambeau, name, convert(kwargs, flambeau))
    theirs, _ = run(torch, name, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=0, atol=1e-10)
