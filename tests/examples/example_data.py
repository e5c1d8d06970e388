"""Helpers of the example tests: small learnable data sets written the way the real ones ship
(idx files, a text corpus, image folders), and two ways to run a script: as a user runs it on
flambeau (``python -m flambeau run SCRIPT ARGS`` in a fresh process) and on real torch (in this
process, which has torch imported already), with the printed numbers of both compared."""
import os
import re
import runpy
import struct
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import assert_same_numbers  # noqa: F401  (the example tests' printouts)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(REPO, "examples")
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def run_flambeau(path, *args, cwd, timeout=120):
    """Run ``path`` under ``python -m flambeau run`` in ``cwd``; its stdout."""
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "flambeau", "run", path, *map(str, args)],
                          cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return done.stdout


def run_torch(path, *args, cwd, monkeypatch, capsys):
    """Run ``path`` as ``__main__`` on real torch in ``cwd``; (its stdout, its globals)."""
    assert "site-packages" in torch.__file__, "real torch expected"
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", [path, *map(str, args)])
    capsys.readouterr()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the flambeau run, and fair to the other tests' processes
    cudnn = torch.backends.cudnn
    flags = cudnn.benchmark, cudnn.deterministic
    # torch's own test helpers (imported by other tests) freeze the cudnn flags scripts set
    with getattr(torch.backends, "__allow_nonbracketed_mutation")():
        try:
            names = runpy.run_path(path, run_name="__main__")
        finally:
            torch.set_num_threads(threads)
            cudnn.benchmark, cudnn.deterministic = flags
    return capsys.readouterr().out, names


def floats_after(label, text):
    """Every number printed right after ``label`` in ``text``."""
    return [float(v) for v in re.findall(re.escape(label) + r"\s*(-?[0-9.]+(?:e[-+]?\d+)?)", text)]


def write_idx(path, array):
    """``array`` (uint8) as an idx file, the format MNIST ships in."""
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, 8, array.ndim))
        f.write(struct.pack(f">{array.ndim}I", *array.shape))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def digit_images(labels, rng, size=28):
    """One bright block per class at its own place on a 3x4 grid, on noise: a stand-in for
    MNIST's digits that a small network learns in a few steps."""
    images = rng.integers(0, 60, (len(labels), size, size)).astype(np.uint8)
    for image, label in zip(images, labels):
        row, col = divmod(int(label), 4)
        image[2 + 8 * row:9 + 8 * row, 1 + 7 * col:7 + 7 * col] = 255
    return images


def make_mnist(root, train=256, test=64):
    """``root/MNIST/raw`` with the four idx files of MNIST; returns ``root``."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", train), ("t10k", test)):
        labels = rng.integers(0, 10, count).astype(np.uint8)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", digit_images(labels, rng))
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)
    return root


def make_corpus(folder, lines=(300, 40, 40)):
    """``folder`` with train.txt/valid.txt/test.txt of short sentences from a small grammar."""
    rng = np.random.default_rng(0)
    subjects = ["the cat", "a dog", "the bird", "my friend", "the teacher"]
    verbs = ["sees", "likes", "follows", "hears", "finds"]
    objects = ["the ball", "a tree", "the house", "a river", "the sun"]
    folder.mkdir(parents=True)
    for name, count in zip(("train.txt", "valid.txt", "test.txt"), lines):
        text = "".join(f" {rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} . \n"
                       for _ in range(count))
        (folder / name).write_text(text)
    return folder


def make_images(folder, count, size=40, tint=0, seed=0):
    """``folder/<n>.png``: noise with colour channel ``tint`` raised."""
    from PIL import Image
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for n in range(count):
        image = rng.integers(0, 90, (size, size, 3)).astype(np.uint8)
        image[..., tint] += 160
        Image.fromarray(image).save(folder / f"{n}.png")
    return folder


def make_image_folder(root, classes=("ants", "bees"), per_class=16, size=40, seed=0):
    """An ImageFolder, ``root/<class>/<n>.png``: class c's images are tinted by channel c."""
    for c, name in enumerate(classes):
        make_images(root / name, per_class, size, tint=c % 3, seed=seed + c)
    return root


def assert_same_state(ours, theirs, atol=1e-4, stray_atol=None):
    """Two state dicts (or files of them) hold the same names and values. Adam's steps move a
    weight whose gradient is near zero by about lr whichever sign rounding gives it, so
    ``stray_atol`` allows such strays (a few in a thousand at most)."""
    ours = torch.load(ours) if isinstance(ours, (str, os.PathLike)) else ours
    theirs = torch.load(theirs) if isinstance(theirs, (str, os.PathLike)) else theirs
    assert list(ours) == list(theirs)
    for name, value in theirs.items():
        torch.testing.assert_close(ours[name], value, rtol=0, atol=stray_atol or atol)
        strays = ((ours[name] - value).abs() > atol).sum().item()
        assert strays <= 2 + value.numel() // 1000, (name, strays)


def assert_same_image(ours, theirs):
    """Two image files hold the same pixels, give or take one level of rounding."""
    from PIL import Image
    ours = np.asarray(Image.open(ours), dtype=int)
    theirs = np.asarray(Image.open(theirs), dtype=int)
    assert ours.shape == theirs.shape and np.abs(ours - theirs).max() <= 1


def make_cora(folder, nodes=120, words=40, seed=0):
    """``folder/cora.content`` and ``cora.cites`` in Cora's format for a small graph of three
    topics: papers use their topic's words more and mostly cite papers of their topic."""
    topics = np.array(["Neural_Networks", "Genetic_Algorithms", "Theory"])
    rng = np.random.default_rng(seed)
    ids = rng.choice(100000, nodes, replace=False) + 1
    labels = rng.integers(0, len(topics), nodes)
    own_words = np.arange(words) % len(topics) == labels[:, None]
    features = rng.random((nodes, words)) < np.where(own_words, 0.4, 0.05)
    folder.mkdir(parents=True)
    (folder / "cora.content").write_text("".join(
        f"{i}\t" + "\t".join(map(str, row.astype(int))) + f"\t{topics[label]}\n"
        for i, row, label in zip(ids, features, labels)))
    cites = []
    for citing in range(nodes):
        same = np.flatnonzero(labels == labels[citing])
        for _ in range(3):
            cited = rng.choice(same) if rng.random() < 0.8 else rng.integers(nodes)
            if cited != citing:
                cites.append(f"{ids[cited]}\t{ids[citing]}\n")
    (folder / "cora.cites").write_text("".join(cites))
    return folder
