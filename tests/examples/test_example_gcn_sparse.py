"""A pygcn-style graph network (tests/examples/scripts/gcn_sparse.py: sparse adjacency made with
torch.sparse.FloatTensor and to_sparse, torch.spmm in each layer, Adam, nll_loss) under
`python -m flambeau run`: its loss falls and it prints and saves what real torch's run does."""
import os

import numpy as np
import torch

from example_data import SCRIPTS, assert_same_numbers, floats_after, make_cora, run_flambeau, \
    run_torch


def test_gcn_sparse_trains_as_on_torch(tmp_path, monkeypatch, capsys):
    script = os.path.join(SCRIPTS, "gcn_sparse.py")
    args = ["--data", make_cora(tmp_path / "cora"), "--epochs", 40]
    for name in ("ours", "theirs"):
        (tmp_path / name).mkdir()
    ours = run_flambeau(script, *args, cwd=tmp_path / "ours")
    losses = floats_after("loss_train:", ours)
    assert len(losses) == 40 and losses[-1] < losses[0] / 2
    assert floats_after("accuracy=", ours)[0] > 0.8
    theirs, _ = run_torch(script, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert_same_numbers(ours, theirs)  # the model, the adjacency, the test results
    for label in ("loss_train:", "acc_train:", "loss_val:", "acc_val:"):  # (lines with times)
        np.testing.assert_allclose(floats_after(label, ours), floats_after(label, theirs),
                                   atol=2e-4)
    saved = torch.load(tmp_path / "ours" / "gcn_sparse.pt")
    expected = torch.load(tmp_path / "theirs" / "gcn_sparse.pt")
    assert saved["adj"].layout == torch.sparse_coo and saved["adj"].is_coalesced()
    assert torch.equal(saved["adj"]._indices(), expected["adj"]._indices())
    torch.testing.assert_close(saved["adj"]._values(), expected["adj"]._values())
    for key, value in expected["model"].items():
        torch.testing.assert_close(saved["model"][key], value, atol=1e-4, rtol=1e-4)
