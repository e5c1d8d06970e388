"""MNIST, FashionMNIST, KMNIST, EMNIST and QMNIST from their idx files (``<root>/<Name>/raw/``,
plain or ``.gz``)."""
import gzip
import os
import shutil
import string
import warnings
import zipfile

import numpy as np

import flambeau
from .._pil import image_module
from .utils import (check_integrity, download_and_extract_archive, download_url,
                    extract_archive, verify_str_arg)
from .vision import VisionDataset

# idx type codes: the element type, stored big-endian
_IDX_TYPES = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}


def read_sn3_pascalvincent_tensor(path, strict=True):
    """An idx file ("SN3 Pascal Vincent" format) as a tensor; ``path.gz`` is read when
    ``path`` itself is absent or ends in .gz."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] or data[1] or data[2] not in _IDX_TYPES or not 1 <= data[3] <= 3:
        raise RuntimeError(f"{path} is not an idx file")
    ndim = data[3]
    shape = [int.from_bytes(data[4 * (i + 1):4 * (i + 2)], "big") for i in range(ndim)]
    dtype = np.dtype(_IDX_TYPES[data[2]])
    array = np.frombuffer(data, dtype, offset=4 * (ndim + 1))
    if strict and array.size != int(np.prod(shape)):
        raise RuntimeError(f"{path}: the idx header promises {shape}, the file holds "
                           f"{array.size} values")
    return flambeau.from_numpy(array.astype(dtype.newbyteorder("="))).view(*shape)


def _idx_path(path):
    """``path``, or ``path.gz`` when only that exists."""
    return path if os.path.isfile(path) or not os.path.isfile(path + ".gz") else path + ".gz"


def read_label_file(path):
    x = read_sn3_pascalvincent_tensor(_idx_path(path), strict=False)
    if x.dtype != flambeau.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return x.long()


def read_image_file(path):
    x = read_sn3_pascalvincent_tensor(_idx_path(path), strict=False)
    if x.dtype != flambeau.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return x


def _renamed(old, new):
    """A property ``old`` that reads ``new``, with torchvision's warning."""
    def get(self):
        warnings.warn(f"{old} has been renamed {new}")
        return getattr(self, new)
    return property(get)


class MNIST(VisionDataset):
    """The MNIST digits: ``data`` (N, 28, 28) uint8, ``targets`` int64; items are
    (PIL image of mode L, int)."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    def _load_data(self):
        prefix = "train" if self.train else "t10k"
        return (read_image_file(os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte")),
                read_label_file(os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte")))

    def __getitem__(self, index):
        img = image_module().fromarray(self.data[index].numpy())
        return self._apply(img, int(self.targets[index]))

    def __len__(self):
        return len(self.data)

    # the names before torchvision 0.2.2, which tutorials still read
    train_data = _renamed("train_data", "data")
    test_data = _renamed("test_data", "data")
    train_labels = _renamed("train_labels", "targets")
    test_labels = _renamed("test_labels", "targets")

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _check_exists(self):
        """Each idx file is under raw_folder, unpacked or as its .gz."""
        return all(check_integrity(_idx_path(os.path.join(self.raw_folder, name[:-3])))
                   for name, _ in self.resources)

    def download(self):
        """Fetches the missing files (nothing when all are present)."""
        if self._check_exists():
            return
        missing = [(name, md5) for name, md5 in self.resources
                   if not check_integrity(_idx_path(os.path.join(self.raw_folder, name[:-3])))]
        needed = ", ".join(name for name, _ in missing)
        for name, md5 in missing:
            download_and_extract_archive([m + name for m in self.mirrors], self.raw_folder,
                                         filename=name, md5=md5, needed=needed)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """EMNIST's six splits (byclass, bymerge, balanced, letters, digits, mnist), read from
    ``emnist-<split>-<train|test>-<images-idx3|labels-idx1>-ubyte`` under raw_folder. The
    images are stored transposed, and returned so, as torchvision does."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # bymerge and balanced merge the upper and lower case of these letters
    _merged_classes = set("cijklmopsuvwxyz")
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self):
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self):
        return read_image_file(self.images_file), read_label_file(self.labels_file)

    def _check_exists(self):
        return all(check_integrity(_idx_path(path)) for path in (self.images_file,
                                                                 self.labels_file))

    def download(self):
        """Fetches NIST's gzip.zip (all splits, 562 MB) and unpacks its idx files into
        raw_folder (nothing when this split's files are present)."""
        if self._check_exists():
            return
        archive = download_url(self.url, self.raw_folder, "gzip.zip", self.md5,
                               needed=f"gzip.zip (or {os.path.basename(self.images_file)} and "
                                      f"{os.path.basename(self.labels_file)})")
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(self.raw_folder)
        folder = os.path.join(self.raw_folder, "gzip")
        for name in os.listdir(folder):
            if name.endswith(".gz"):
                extract_archive(os.path.join(folder, name), self.raw_folder)
        shutil.rmtree(folder)


class QMNIST(MNIST):
    """QMNIST: ``what`` is 'train', 'test' (60,000 images), 'test10k' (its first 10,000, MNIST's
    test set), 'test50k' (the rest) or 'nist'; by default 'train' or 'test' as ``train`` says.
    Targets are the 8 columns of QMNIST's label files (int64); items give the class number
    when ``compat`` (the default), else the target row."""

    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test",
               "nist": "nist"}
    _base = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"
    resources = {
        "train": [(_base + "qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
                  (_base + "qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4")],
        "test": [(_base + "qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
                 (_base + "qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa")],
        "nist": [(_base + "xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
                 (_base + "xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d")],
    }

    def __init__(self, root, what=None, compat=True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        self.data_file = what + ".pt"
        self.training_file = self.test_file = self.data_file
        super().__init__(root, train, **kwargs)

    def _raw_path(self, which):
        url = self.resources[self.subsets[self.what]][which][0]
        return os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])

    @property
    def images_file(self):
        return self._raw_path(0)

    @property
    def labels_file(self):
        return self._raw_path(1)

    def _check_exists(self):
        return all(check_integrity(_idx_path(path)) for path in (self.images_file,
                                                                 self.labels_file))

    def _load_data(self):
        data = read_sn3_pascalvincent_tensor(_idx_path(self.images_file))
        if data.dtype != flambeau.uint8:
            raise TypeError(f"data should be of dtype torch.uint8 instead of {data.dtype}")
        if data.ndim != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndim}")
        targets = read_sn3_pascalvincent_tensor(_idx_path(self.labels_file)).long()
        if targets.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndim}")
        if self.what in ("test10k", "test50k"):
            part = slice(None, 10000) if self.what == "test10k" else slice(10000, None)
            data, targets = data[part].clone(), targets[part].clone()
        return data, targets

    def download(self):
        """Fetches the two files of ``what`` (nothing when they are present)."""
        if self._check_exists():
            return
        for url, md5 in self.resources[self.subsets[self.what]]:
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def __getitem__(self, index):
        img = image_module().fromarray(self.data[index].numpy(), mode="L")
        target = self.targets[index]
        return self._apply(img, int(target[0]) if self.compat else target)

    def extra_repr(self):
        return f"Split: {self.what}"
