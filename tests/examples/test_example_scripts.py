"""Training programs written for PyTorch by others' recipes (tests/examples/scripts: super-
resolution, a graph network, ImageNet-style training, fast neural style), run unchanged under
`python -m flambeau run` as a new user runs them: each trains, its loss falls, and what it
prints and saves is what the same program prints and saves on real torch."""
import os
import sys

import numpy as np
import torch
import torchvision

from example_data import (SCRIPTS, assert_same_image, assert_same_numbers, assert_same_state,
                          floats_after, make_cora, make_image_folder, make_images, make_mnist,
                          run_flambeau, run_torch)


def folders(tmp_path, *names):
    for name in names:
        (tmp_path / name).mkdir()
    return [tmp_path / name for name in names]


def test_super_resolution(tmp_path, monkeypatch, capsys):
    script = os.path.join(SCRIPTS, "super_resolution.py")
    make_images(tmp_path / "bsds" / "train", 12, size=48, tint=0, seed=0)
    make_images(tmp_path / "bsds" / "test", 4, size=48, tint=1, seed=1)
    args = ["--upscale_factor", 2, "--data", tmp_path / "bsds", "--crop_size", 32,
            "--batchSize", 4, "--testBatchSize", 4, "--nEpochs", 3,
            "--input_image", tmp_path / "bsds" / "test" / "0.png"]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *args, "--threads", 2, cwd=ours)
    losses = floats_after("Avg. Loss:", printed)
    assert len(losses) == 3 and losses[-1] < losses[0]
    expected, names = run_torch(script, *args, "--threads", 0, cwd=theirs,
                                monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    assert_same_image(ours / "out.png", theirs / "out.png")
    # the whole model, pickled under torch's names, loads in torch
    monkeypatch.setattr(sys.modules["__main__"], "Net", names["Net"], raising=False)
    model = torch.load(ours / "model_epoch_3.pth", weights_only=False)
    assert type(model.pixel_shuffle) is torch.nn.PixelShuffle
    assert_same_state(model.state_dict(), names["model"].state_dict(), stray_atol=2e-2)  # lr 1e-2


def test_gcn(tmp_path, monkeypatch, capsys):
    script = os.path.join(SCRIPTS, "gcn.py")
    args = ["--data", make_cora(tmp_path / "cora"), "--epochs", 60, "--val-every", 10,
            "--include-bias", "--save-model"]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *args, cwd=ours)
    losses = floats_after("loss_train:", printed)
    assert len(losses) == 6 and losses[-1] < losses[0] / 2
    assert floats_after("accuracy", printed)[0] > 0.8
    expected, _ = run_torch(script, *args, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    assert_same_state(ours / "gcn.pt", theirs / "gcn.pt", stray_atol=2e-2)


def test_imagenet_training_resumes_and_evaluates(tmp_path):
    script = os.path.join(SCRIPTS, "imagenet_main.py")
    data = tmp_path / "imagenet"
    make_image_folder(data / "train", per_class=16, seed=0)
    make_image_folder(data / "val", per_class=4, seed=5)
    args = [data, "-a", "resnet18", "-b", 8, "--lr", 0.01, "-j", 2, "-p", 1, "--image-size", 32,
            "--seed", 0]
    printed = run_flambeau(script, *args, "--epochs", 2, cwd=tmp_path)
    losses = floats_after("Loss", printed.split("Test:")[0])  # epoch 0's four steps
    assert len(losses) == 4 and losses[-1] < losses[0] / 2
    assert os.path.exists(tmp_path / "model_best.pth.tar")
    # the checkpoint loads in real torch, model and optimizer
    checkpoint = torch.load(tmp_path / "checkpoint.pth.tar")
    assert checkpoint["epoch"] == 2 and checkpoint["arch"] == "resnet18"
    model = torchvision.models.resnet18()
    model.load_state_dict(checkpoint["state_dict"])
    optimizer = torch.optim.SGD(model.parameters(), 0.01, momentum=0.9, weight_decay=1e-4)
    optimizer.load_state_dict(checkpoint["optimizer"])
    resumed = run_flambeau(script, *args, "--resume", "checkpoint.pth.tar", "--evaluate",
                           cwd=tmp_path)
    assert "=> loaded checkpoint 'checkpoint.pth.tar' (epoch 2)" in resumed
    assert floats_after("* Acc@1", resumed) == floats_after("* Acc@1", printed)[-1:]


def test_fast_neural_style(tmp_path, monkeypatch, capsys):
    script = os.path.join(SCRIPTS, "neural_style.py")
    images = make_image_folder(tmp_path / "coco", per_class=4, size=40)
    style = make_images(tmp_path / "style", 1, size=32, tint=2, seed=9) / "0.png"
    train = ["train", "--dataset", images, "--style-image", style, "--save-model-dir", "models",
             "--image-size", 32, "--style-size", 32, "--batch-size", 4, "--epochs", 1,
             "--cuda", 0, "--log-interval", 1, "--untrained-vgg", "--content-weight", 1,
             "--style-weight", 1e5]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *train, cwd=ours)
    totals = floats_after("total:", printed)
    assert len(totals) == 2 and totals[-1] < totals[0]
    expected, _ = run_torch(script, *train, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    model = "models/epoch_1_1.0_100000.0.model"
    # the convolutions before InstanceNorm have biases whose true gradient is zero: Adam moves
    # them by +-lr on rounding noise, in torch as here
    assert_same_state(ours / model, theirs / model, atol=4e-3)  # 2 steps, lr 1e-3
    # stylizing with the model real torch trained gives torch's image
    stylize = ["eval", "--content-image", images / "bees" / "0.png", "--model", theirs / model,
               "--output-image", "out.png"]
    run_flambeau(script, *stylize, cwd=ours)
    run_torch(script, *stylize, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_image(ours / "out.png", theirs / "out.png")


def test_mnist_hogwild(tmp_path):
    """Hogwild MNIST as pytorch/examples' mnist_hogwild does it: two spawned processes train
    one model whose parameters live in shared memory (``model.share_memory()``); the main
    process then tests the model they trained together."""
    script = os.path.join(SCRIPTS, "mnist_hogwild", "main.py")
    make_mnist(tmp_path / "data", train=512, test=128)
    (tmp_path / "run").mkdir()
    args = ["--epochs", 2, "--lr", 0.05, "--log-interval", 2, "--test-batch-size", 128]
    untrained = run_flambeau(script, *args, "--num-processes", 0, cwd=tmp_path / "run")
    printed = run_flambeau(script, *args, "--save_model", cwd=tmp_path / "run")
    pids = {line.split("\t")[0] for line in printed.splitlines() if "Train Epoch" in line}
    assert len(pids) == 2 and len(floats_after("Loss:", printed)) == 2 * 2 * 4
    assert floats_after("Average loss:", untrained)[0] > 2.2
    assert floats_after("Average loss:", printed)[0] < 1.5
    state = torch.load(tmp_path / "run" / "MNIST_hogwild.pt")
    assert list(state) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                           "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def test_regression_fits_the_polynomial(tmp_path, monkeypatch, capsys):
    script = os.path.join(SCRIPTS, "regression.py")
    printed = run_flambeau(script, cwd=tmp_path)
    assert floats_after("Loss:", printed)[0] < 1e-3
    expected, _ = run_torch(script, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)  # (BLAS kernels round the last digit their way)


def test_time_sequence_prediction_lbfgs_double(tmp_path, monkeypatch, capsys):
    """Stacked LSTMCells in float64 trained by L-BFGS (closures), as pytorch/examples'
    time_sequence_prediction: the same losses as torch, to float64 rounding."""
    script = os.path.join(SCRIPTS, "time_sequence_prediction.py")
    args = ["--steps", 2, "--waves", 8, "--length", 60, "--future", 10]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *args, cwd=ours)
    losses = floats_after("loss:", printed)
    assert losses[-1] < losses[0] / 100
    expected, _ = run_torch(script, *args, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    assert_same_state(ours / "sequence.pt", theirs / "sequence.pt", atol=1e-6)
    prediction = np.load(ours / "predict1.npy")
    assert prediction.shape == (3, 10) and prediction.dtype == np.float64
    np.testing.assert_allclose(prediction, np.load(theirs / "predict1.npy"), atol=1e-6)


def test_vision_transformer(tmp_path, monkeypatch, capsys):
    """Patches by Tensor.unfold, a class token, nn.MultiheadAttention blocks, AdamW and a
    cosine schedule on an ImageFolder: torch's losses, accuracies and logits."""
    script = os.path.join(SCRIPTS, "vision_transformer.py")
    args = ["--data", make_image_folder(tmp_path / "data", per_class=8, size=32), "--epochs", 3]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *args, cwd=ours)
    losses = floats_after("loss", printed)
    assert len(losses) == 3 and losses[-1] < losses[0]
    expected, _ = run_torch(script, *args, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    assert_same_state(ours / "vit.pt", theirs / "vit.pt", stray_atol=1e-2)


def test_siamese_network(tmp_path, monkeypatch, capsys):
    """A ResNet-18 twin over MNIST pairs, BCELoss, Adadelta (lr 1) and StepLR: it runs to the
    end and saves a state dict torch loads into the same model; Adadelta's lr 1 on a few
    batches amplifies float32 rounding, so only the first steps' losses are torch's."""
    script = os.path.join(SCRIPTS, "siamese_network.py")
    make_mnist(tmp_path / "data", train=128, test=32)
    args = ["--epochs", 2, "--pairs", 64, "--batch-size", 16, "--test-batch-size", 16,
            "--log-interval", 1, "--save-model"]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    printed = run_flambeau(script, *args, cwd=ours)
    assert len(floats_after("Loss:", printed)) == 8 and printed.count("Test set") == 2
    expected, names = run_torch(script, *args, cwd=theirs, monkeypatch=monkeypatch,
                                capsys=capsys)
    np.testing.assert_allclose(floats_after("Loss:", printed)[:2],
                               floats_after("Loss:", expected)[:2], rtol=1e-5)
    model = names["SiameseNetwork"]()
    model.load_state_dict(torch.load(ours / "siamese_network.pt"))


def test_mnist_forward_forward(tmp_path, monkeypatch, capsys):
    """Forward-Forward training (each Linear layer its own Adam, goodness losses, labels
    written into the images by x[range(n), y] = ...): torch's losses and errors."""
    script = os.path.join(SCRIPTS, "mnist_forward_forward.py")
    args = ["--epochs", 60, "--train-size", 256, "--test-size", 64, "--hidden", 100,
            "--log-interval", 20, "--save-model"]
    ours, theirs = folders(tmp_path, "ours", "theirs")
    for cwd in (ours, theirs):
        make_mnist(cwd / "data", train=256, test=64)
    printed = run_flambeau(script, *args, cwd=ours)
    losses = floats_after("Loss:", printed)
    assert len(losses) == 6 and losses[2] < losses[0] and losses[5] < losses[3]
    assert floats_after("test error:", printed)[0] < 0.2
    expected, _ = run_torch(script, *args, cwd=theirs, monkeypatch=monkeypatch, capsys=capsys)
    assert_same_numbers(printed, expected)
    assert_same_state(ours / "mnist-ff.pt", theirs / "mnist-ff.pt", stray_atol=1e-2)
