"""Digits: the 8x8 handwritten digits that ship inside flambeau (a flambeau extension;
torchvision has no such class). See ``_data/README.md`` for the source and licence."""
import os

import numpy as np

import flambeau
from .mnist import MNIST, read_image_file, read_label_file
from .vision import VisionDataset

_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_data")


class Digits(VisionDataset):
    """The 1,797 8x8 digits of the UCI optdigits test set, bundled: no root, no download.

    ``train=False`` gives every fifth image of each digit in file order (the 5th, 10th, ...
    "0", and so on: 355 images), ``train=True`` the other 1,442: always the same split, with
    all digits in both parts in the same proportions. ``data`` is (N, 8, 8) uint8 with the
    original values 0..16, ``targets`` int64; items are read from them (changing them, as
    one does to take a subset, changes the items). Unlike torchvision's data sets, items are not PIL images (Pillow is not needed):
    an item is ``(image, target)`` with ``image`` a float32 tensor (1, 8, 8) in [0, 1]
    (``data / 16``), what ``ToTensor`` gives, so tensor transforms such as ``Normalize``
    apply directly. The arguments are keyword-only: there is no ``root`` to pass.
    """

    classes = MNIST.classes

    def __init__(self, *, train=True, transform=None, target_transform=None):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.train = train
        labels = read_label_file(os.path.join(_DATA, "digits-labels-idx1-ubyte")).numpy()
        order = np.argsort(labels, kind="stable")
        rank = np.empty_like(order)  # each image's position among the images of its digit
        rank[order] = np.arange(len(order)) - np.searchsorted(labels[order], labels[order])
        part = flambeau.from_numpy(np.flatnonzero((rank % 5 == 4) != bool(train)))
        self.data = read_image_file(os.path.join(_DATA, "digits-images-idx3-ubyte"))[part]
        self.targets = flambeau.from_numpy(labels)[part]

    def __getitem__(self, index):
        image = np.divide(self.data.numpy()[index, None], np.float32(16), dtype=np.float32)
        return self._apply(flambeau.from_numpy(image), int(self.targets.numpy()[index]))

    def __len__(self):
        return len(self.data)

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"
