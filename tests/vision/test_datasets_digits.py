"""Digits, the 8x8 handwritten digits bundled with flambeau: the bytes of the published copy,
the split, items, transforms and repr; and no Pillow needed."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

import flambeau
from flambeau.utils.data import DataLoader
from flambeau.vision.datasets import Digits, MNIST, digits
from flambeau.vision.datasets.mnist import read_image_file, read_label_file


@pytest.fixture(scope="module")
def parts():
    return Digits(train=True), Digits(train=False)


def test_same_digits_as_the_published_file(parts):
    # scikit-learn's digits.csv.gz holds one "pixels...,label" row per image: the md5 of its
    # decompressed text, rebuilt here from the bundled files
    data = read_image_file(os.path.join(digits._DATA, "digits-images-idx3-ubyte")).numpy()
    labels = read_label_file(os.path.join(digits._DATA, "digits-labels-idx1-ubyte")).numpy()
    rows = np.column_stack([data.reshape(-1, 64), labels])
    text = "".join(",".join(map(str, row)) + "\n" for row in rows.tolist())
    assert hashlib.md5(text.encode()).hexdigest() == "a0339c30a8a5312a1b6f9e5c719dcce5"
    # the UCI optdigits test set: 1,797 images, values 0..16, these class counts
    assert rows.shape == (1797, 65) and data.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # the split by its definition: the 5th, 10th, ... image of each digit is a test image
    seen, test = [0] * 10, []
    for label in labels.tolist():
        seen[label] += 1
        test.append(seen[label] % 5 == 0)
    test = np.array(test)
    for part, mask in zip(parts, (~test, test)):
        np.testing.assert_array_equal(part.data.numpy(), data[mask])
        np.testing.assert_array_equal(part.targets.numpy(), labels[mask])


def test_split_and_attributes(parts):
    train, test = parts
    assert (len(train), len(test)) == (1442, 355)
    for part in parts:
        assert part.data.dtype == flambeau.uint8 and part.data.shape[1:] == (8, 8)
        assert part.targets.dtype == flambeau.int64 and len(part.targets) == len(part)
        assert part.classes == MNIST.classes and part.class_to_idx["3 - three"] == 3
    assert repr(train) == "Dataset Digits\n    Number of datapoints: 1442\n    Split: Train"
    assert repr(test).splitlines()[-1] == "    Split: Test"
    with pytest.raises(TypeError):
        Digits("data")  # no root: a MNIST-style call fails instead of reading "data" as train


def test_items_and_transforms(parts):
    train, _ = parts
    image, label = train[7]
    assert image.dtype == flambeau.float32 and image.shape == (1, 8, 8) and type(label) is int
    np.testing.assert_array_equal(image.numpy()[0], train.data[7].numpy() / 16)
    assert label == train.targets[7].item()
    image.fill_(5)  # items are copies: the data set is unchanged
    assert train[7][0].max().item() <= 1
    shifted = Digits(transform=lambda x: x * 2 - 1, target_transform=lambda y: y + 10)
    image2, label2 = shifted[7]
    np.testing.assert_array_equal(image2.numpy(), train[7][0].numpy() * 2 - 1)
    assert label2 == label + 10
    assert "StandardTransform" in repr(shifted)
    subset = Digits()
    subset.data, subset.targets = train.data[7:9], train.targets[7:9]
    assert len(subset) == 2 and subset[0][1] == label
    np.testing.assert_array_equal(subset[0][0].numpy(), train[7][0].numpy())
    images, labels = next(iter(DataLoader(train, batch_size=16)))
    assert images.shape == (16, 1, 8, 8) and labels.tolist() == train.targets[:16].tolist()


def test_works_without_pillow():
    code = ("import sys; sys.modules['PIL'] = None\n"
            "from flambeau.vision.datasets import Digits\n"
            "from flambeau.vision.transforms import Normalize\n"
            "d = Digits(train=False, transform=Normalize((0.5,), (0.5,)))\n"
            "print(len(d), d[0][0].shape, d[0][0].min().item())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "355 flambeau.Size([1, 8, 8]) -1.0\n"
