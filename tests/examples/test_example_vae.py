"""examples/vae.py under `python -m flambeau run`: the VAE's loss falls, the numbers and the
saved images are torch's, and its state dict loads in real torch."""
import os

from example_data import (EXAMPLES, assert_same_image, assert_same_numbers, assert_same_state,
                          floats_after, make_mnist, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "vae.py")


def test_vae_trains_as_on_torch(tmp_path, monkeypatch, capsys):
    data = make_mnist(tmp_path / "data")
    args = ["--data", data, "--epochs", 2, "--batch-size", 32, "--log-interval", 2,
            "--save-model"]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_flambeau(SCRIPT, *args, cwd=tmp_path / "ours")
    epoch_losses = floats_after("Average loss:", ours)
    assert len(epoch_losses) == 2 and epoch_losses[1] < epoch_losses[0]
    theirs, _ = run_torch(SCRIPT, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert_same_numbers(ours, theirs)
    for name in ("reconstruction_2.png", "sample_2.png"):
        assert_same_image(tmp_path / "ours" / "results" / name,
                          tmp_path / "theirs" / "results" / name)
    assert_same_state(tmp_path / "ours" / "vae.pt", tmp_path / "theirs" / "vae.pt",
                      stray_atol=2e-3)  # lr 1e-3
