"""pytorch/examples' imagenet/main.py (tests/examples/scripts/imagenet_main.py) run unchanged
under `python -m flambeau run` on FakeData: in one process, printing what real torch prints,
and distributed over two processes started by torch.multiprocessing.spawn, whose
DistributedDataParallel replicas train together and whose meters are all-reduced."""
import os
import re
import socket

import torch
import torchvision

from example_data import SCRIPTS, floats_after, run_flambeau, run_torch

SCRIPT = os.path.join(SCRIPTS, "imagenet_main.py")
ARGS = ["--dummy", "-a", "resnet18", "--epochs", 1, "-b", 4, "--lr", 0.01, "--image-size", 64,
        "--dummy-train-size", 8, "--dummy-val-size", 4, "-j", 0, "-p", 1, "--seed", 0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def numbers(printed):
    """The losses and accuracies printed (the timings differ from run to run)."""
    return [floats_after(label, printed) for label in ("Loss", "Acc@1", "Acc@5")]


def test_single_process_prints_as_torch(tmp_path, monkeypatch, capsys):
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    printed = run_flambeau(SCRIPT, *ARGS, cwd=tmp_path / "ours")
    assert "=> Dummy data is used!" in printed and len(floats_after("Epoch: [0][", printed)) == 2
    expected, _ = run_torch(SCRIPT, *ARGS, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                            capsys=capsys)
    for ours, theirs in zip(numbers(printed), numbers(expected)):
        assert len(ours) == len(theirs)
        # BatchNorm over four 2x2 planes magnifies rounding differences a little
        torch.testing.assert_close(ours, theirs, rtol=2e-3, atol=0.01)
    checkpoint = torch.load(tmp_path / "ours" / "checkpoint.pth.tar")
    torchvision.models.resnet18().load_state_dict(checkpoint["state_dict"])


def test_multiprocessing_distributed_on_two_processes(tmp_path):
    printed = run_flambeau(SCRIPT, *ARGS, "--multiprocessing-distributed", "--world-size", 1,
                           "--rank", 0, "--dist-url", f"tcp://127.0.0.1:{free_port()}",
                           "--dist-backend", "gloo", "--procs-per-node", 2, cwd=tmp_path,
                           timeout=240)
    assert sorted(re.findall(r"Use GPU: (\d) for training", printed)) == ["0", "1"]
    # each rank trains on its half of the 8 images: one step of 4
    assert len(re.findall(r"Epoch: \[0\]\[1/1\]", printed)) == 2
    # the validation meters are all-reduced: both ranks print the same summary (the two
    # processes' lines may interleave on one line of the captured output)
    summaries = re.findall(r"\* +Acc@1 +[\d.]+ +Acc@5 +[\d.]+", printed)
    assert len(summaries) == 2 and summaries[0] == summaries[1]
    # rank 0 saved the DistributedDataParallel model: its names start with module.
    state = torch.load(tmp_path / "checkpoint.pth.tar")["state_dict"]
    assert all(name.startswith("module.") for name in state)
    torchvision.models.resnet18().load_state_dict({k[len("module."):]: v
                                                   for k, v in state.items()})
