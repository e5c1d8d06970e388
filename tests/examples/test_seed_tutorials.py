"""The founding tutorials (/work/shared/seeds: the 60-minute blitz, learning PyTorch by examples,
deep-learning-with-PyTorch books' chapters) as scripts in tests/examples/tutorials, each run
under ``python -m flambeau run`` and on real torch with the same seed: both print the same
lines, the same text (reprs, shapes, dtypes, grad_fn names) and the same numbers within the last
printed digit or 1e-4 of their value (scripts that train for many steps: within ``RTOL`` of
the script)."""
import os
import pickle
import re

import numpy as np
import pytest

from example_data import make_image_folder, make_mnist, run_flambeau, run_torch


def write_cifar10(root, train, test, seed=0):
    """``root/cifar-10-batches-py``: five training batches, a test batch and batches.meta as
    CIFAR-10 ships them (pickled dicts of uint8 rows), every class as often; class c's images
    have channel c % 3 and row band c raised."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)

    def batch(count):
        labels = rng.permutation(np.arange(count) % 10)
        images = rng.integers(0, 100, (count, 3, 32, 32)).astype(np.uint8)
        for image, label in zip(images, labels):
            image[label % 3, 3 * label:3 * label + 3] += 150
        return {"batch_label": "batch", "labels": labels.tolist(),
                "data": images.reshape(count, -1), "filenames": [f"{n}.png" for n in range(count)]}

    names = [f"data_batch_{n}" for n in range(1, 6)]
    for name, count in zip(names + ["test_batch"], [train // 5] * 5 + [test]):
        (folder / name).write_bytes(pickle.dumps(batch(count), protocol=2))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
        "truck"], "num_cases_per_batch": train // 5, "num_vis": 3072}, protocol=2))


def write_exam_scores(path, count=100, seed=0):
    """The logistic-regression chapter's data.txt: two exam scores (30 to 100) and whether
    the student was admitted, one "x1,x2,label" line each."""
    scores = np.random.default_rng(seed).uniform(30, 100, (count, 2))
    admitted = scores.sum(1) + np.random.default_rng(seed + 1).normal(0, 10, count) > 130
    path.write_text("".join(f"{a:.8f},{b:.8f},{int(c)}\n" for (a, b), c in zip(scores, admitted)))


def write_flow_csv(path, months=144):
    """The sequence-prediction chapter's data.csv: a header, then "month,passengers" rows
    of a growing seasonal series (the airline-passengers file's layout)."""
    t = np.arange(months)
    flow = 100 + 2 * t + 40 * np.sin(2 * np.pi * t / 12) * (1 + t / months)
    path.write_text("Month,Passengers\n" + "".join(
        f"{1949 + m // 12}-{m % 12 + 1:02d},{round(v)}\n" for m, v in zip(t, flow)))


def write_names(folder):
    """The name-classification chapter's data/names: one ``<Language>.txt`` per language, a
    name per line (accented letters as the real files have them)."""
    folder.mkdir(parents=True)
    names = {"Czech": "Abl Adsit Dolezal Dvorak Hajek Jelinek Kolar Novak Svoboda Zeman",
             "English": "Abbott Baker Carter Dawson Ellis Fisher Graham Jackson Jones Walker",
             "Japanese": "Abe Fujita Honda Kato Matsumoto Nakamura Sato Suzuki Tanaka Satoshi",
             "Polish": "Adamczak Kowalski Nowak Ślusàrski Wójcik Zając Dąbrowski Lewandowski",
             "Russian": "Abakumov Dovesky Ivanov Kuznetsov Petrov Popov Sokolov Volkov Zaitsev"}
    for language, words in names.items():
        (folder / f"{language}.txt").write_text("\n".join(words.split()) + "\n",
                                                encoding="utf-8")


TUTORIALS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tutorials")
# the data sets a tutorial downloads, written in their on-disk formats into its working folder
DATA = {"blitz_cifar10.py": lambda root: write_cifar10(root / "data", train=40, test=20),
        "book_regression.py": lambda root: write_exam_scores(root / "data.txt"),
        "book_rnn_nlp.py": lambda root: write_flow_csv(root / "data.csv"),
        "book_mnist.py": lambda root: make_mnist(root / "data", train=192, test=64),
        "book_captioning.py": lambda root: write_names(root / "data" / "names"),
        "blitz_transfer_learning.py": lambda root: [
            make_image_folder(root / "data" / "hymenoptera_data" / part, per_class=count,
                              size=80, seed=seed) for part, count, seed in
            (("train", 8, 4), ("val", 6, 14))],
        "book_generative.py": lambda root: make_mnist(root / "data", train=128, test=16)}
# relative tolerance of the numbers scripts print after many float32 training steps (others:
# 1e-4, float32 sums taken in another order than torch's, small results of cancellations)
RTOL = {
    # fine-tuning a whole ResNet-18 (BatchNorm over batches of 4 at 2x2 in layer4): a ReLU input
    # within float32 rounding of zero (2e-6 in float64, -4e-6 in flambeau, +3e-6 in torch, both
    # 2e-6 off on average there) takes the other side of the kink, and the SGD steps after it
    # drift ~2e-3 apart (the frozen-backbone half matches to the digits printed)
    "blitz_transfer_learning.py": 5e-3}
SCRIPTS = sorted(name for name in os.listdir(TUTORIALS) if name.endswith(".py"))

_SPACES = re.compile(r"(?<=\S)  +")
_PADDING = re.compile(r" +(?=\])")  # NumPy's padding of a last column before its bracket
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"(?<!\w)-?(?:\d+\.\d*(?:e[-+]?\d+)?|\d+e[-+]?\d+)")  # integers are text


def assert_same_printout(ours, theirs, rtol):
    """Line by line: the text between numbers equal, each number within its last printed
    digit (or ``rtol``); integers and words exactly; object addresses and the width of gaps
    inside a line apart (NumPy pads its columns to the longest shortest-repr, which rounding
    can change)."""
    ours, theirs = _ADDRESS.sub("", ours).splitlines(), _ADDRESS.sub("", theirs).splitlines()
    assert len(ours) == len(theirs), (ours[-5:], theirs[-5:])
    for line_ours, line_theirs in zip(ours, theirs):
        line_ours, line_theirs = (_PADDING.sub("", _SPACES.sub(" ", line))
                                  for line in (line_ours, line_theirs))
        assert _NUMBER.split(line_ours) == _NUMBER.split(line_theirs), (line_ours, line_theirs)
        for a, b in zip(_NUMBER.findall(line_ours), _NUMBER.findall(line_theirs)):
            digits = len(b.partition(".")[2].partition("e")[0])
            scale = 10.0 ** int(b.partition("e")[2]) if "e" in b else 1.0
            assert np.isclose(float(a), float(b), rtol=rtol, atol=1.01 * scale * 10.0 ** -digits,
                              equal_nan=True), (line_ours, line_theirs)


@pytest.mark.parametrize("name", SCRIPTS)
def test_tutorial(name, tmp_path, monkeypatch, capsys):
    script = os.path.join(TUTORIALS, name)
    printed = {}
    for who in ("ours", "theirs"):
        cwd = tmp_path / who
        cwd.mkdir()
        DATA.get(name, lambda root: None)(cwd)
        if who == "ours":
            printed[who] = run_flambeau(script, cwd=cwd)
        else:
            printed[who] = run_torch(script, cwd=cwd, monkeypatch=monkeypatch, capsys=capsys)[0]
    assert printed["theirs"].strip()
    assert_same_printout(printed["ours"], printed["theirs"], RTOL.get(name, 1e-4))
