"""examples/dcgan.py under `python -m flambeau run`: it continues from checkpoints real torch
wrote (--netG/--netD), with two DataLoader workers, its discriminator's loss falls, and its
numbers, sample images and checkpoints are those of the same run on real torch."""
import os

from example_data import (EXAMPLES, assert_same_image, assert_same_numbers, assert_same_state,
                          floats_after, make_image_folder, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "dcgan.py")


def test_dcgan_continues_torch_checkpoints_as_torch(tmp_path, monkeypatch, capsys):
    images = make_image_folder(tmp_path / "images")
    args = ["--dataset", "folder", "--dataroot", images, "--batchSize", 8, "--ngf", 8,
            "--ndf", 8, "--nz", 16, "--manualSeed", 1, "--log-interval", 2, "--outf", "out"]
    for folder in ("start", "ours", "theirs"):
        (tmp_path / folder).mkdir()
    run_torch(SCRIPT, *args, "--dry-run", "--workers", 0, cwd=tmp_path / "start",
              monkeypatch=monkeypatch, capsys=capsys)
    start = tmp_path / "start" / "out"
    args += ["--niter", 2, "--netG", start / "netG_epoch_0.pth",
             "--netD", start / "netD_epoch_0.pth"]
    ours = run_flambeau(SCRIPT, *args, "--workers", 2, cwd=tmp_path / "ours")
    losses_d = floats_after("Loss_D:", ours)
    assert len(losses_d) == 8 and losses_d[-1] < losses_d[0]
    theirs, _ = run_torch(SCRIPT, *args, "--workers", 0, cwd=tmp_path / "theirs",
                          monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(ours, theirs)
    ours, theirs = tmp_path / "ours" / "out", tmp_path / "theirs" / "out"
    assert sorted(os.listdir(ours)) == sorted(os.listdir(theirs))
    for name in os.listdir(theirs):
        if name.endswith(".png"):
            assert_same_image(ours / name, theirs / name)
        else:
            assert_same_state(ours / name, theirs / name, stray_atol=5e-4)  # lr 2e-4
