"""A torch script using nn.init, nn.utils (clipping, a parametrization) and
torch.func.functional_call prints exactly what torch prints under ``python -m flambeau run``."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_init import _streams_match

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = '''
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
nn.init.xavier_uniform_(model[0].weight)
nn.init.zeros_(model[0].bias)
nn.utils.parametrizations.weight_norm(model[2])
print(model)
print(type(model[2]))
print(list(model.state_dict()))
x = torch.randn(5, 4)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    print(step, round(loss.item(), 6),
          round(nn.utils.clip_grad_norm_(model.parameters(), 0.5).item(), 6))
    opt.step()
print(torch.func.functional_call(model, {"0.bias": torch.ones(8)}, (x,)).shape)
print(model[0].weight[0])
'''


def _run(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_script_prints_as_under_torch(tmp_path):
    if not _streams_match():
        pytest.skip("flambeau's random streams differ from torch's")
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    theirs = _run(str(script), cwd=tmp_path)
    ours = _run("-m", "flambeau", "run", str(script), cwd=tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
