"""examples/transfer_learning.py under `python -m flambeau run`: torchvision's ResNet-18 with a
new final layer, the rest frozen, trained on an ImageFolder through random crops and flips drawn
in two DataLoader workers; the training loss falls and every printed number and the saved
state dict are those of the same run on real torch."""
import os

from example_data import (EXAMPLES, assert_same_numbers, assert_same_state, floats_after,
                          make_image_folder, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "transfer_learning.py")


def test_transfer_learning_trains_as_on_torch(tmp_path, monkeypatch, capsys):
    make_image_folder(tmp_path / "images" / "train", per_class=16, seed=0)
    make_image_folder(tmp_path / "images" / "val", per_class=8, seed=1)
    args = ["--data", tmp_path / "images", "--epochs", 3, "--batch-size", 8, "--image-size", 32,
            "--workers", 2, "--lr", 0.01, "--save-model"]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_flambeau(SCRIPT, *args, cwd=tmp_path / "ours")
    losses = floats_after("train Loss:", ours)
    assert len(losses) == 3 and max(losses[1:]) < losses[0]
    theirs, _ = run_torch(SCRIPT, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert_same_numbers(ours, theirs)
    assert_same_state(tmp_path / "ours" / "transfer_resnet18.pt",
                      tmp_path / "theirs" / "transfer_resnet18.pt")
