"""MNIST, FashionMNIST and KMNIST from their idx files (``<root>/<Name>/raw/``, plain or
``.gz``)."""
import gzip
import os

import numpy as np

import flambeau
from .._pil import image_module
from .utils import check_integrity, download_and_extract_archive
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
        prefix = "train" if train else "t10k"
        self.data = read_image_file(os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"))
        self.targets = read_label_file(os.path.join(self.raw_folder,
                                                    f"{prefix}-labels-idx1-ubyte"))

    def __getitem__(self, index):
        img = image_module().fromarray(self.data[index].numpy())
        return self._apply(img, int(self.targets[index]))

    def __len__(self):
        return len(self.data)

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
