"""examples/mnist.py under `python -m flambeau run`: it trains, its losses fall, and it prints
and saves what the same script prints and saves on real torch."""
import os


from example_data import (EXAMPLES, assert_same_numbers, assert_same_state, floats_after,
                          make_mnist, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "mnist.py")


def test_mnist_trains_as_on_torch(tmp_path, monkeypatch, capsys):
    data = make_mnist(tmp_path / "data")
    args = ["--data", data, "--epochs", 2, "--log-interval", 1, "--save-model"]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_flambeau(SCRIPT, *args, cwd=tmp_path / "ours")
    losses = floats_after("Loss:", ours)
    assert len(losses) == 8 and losses[-1] < losses[0] / 10
    assert floats_after("Accuracy:", ours)[-1] >= 60  # of 64
    theirs, _ = run_torch(SCRIPT, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert_same_numbers(ours, theirs)
    assert_same_state(tmp_path / "ours" / "mnist_cnn.pt", tmp_path / "theirs" / "mnist_cnn.pt")
