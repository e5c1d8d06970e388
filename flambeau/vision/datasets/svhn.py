"""SVHN (Street View House Numbers, cropped 32x32 digits) from its MATLAB files, read by
flambeau's own .mat reader instead of SciPy."""
import os

import numpy as np

from .._pil import image_module
from ._matlab import loadmat
from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset


class SVHN(VisionDataset):
    """``<root>/{train,test,extra}_32x32.mat``: ``data`` (N, 3, 32, 32) uint8 ndarray,
    ``labels`` int64 ndarray with the digit 0 as label 0 (the files say 10); items are
    (RGB PIL image, int)."""

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"]}

    def __init__(self, root, split="train", transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to "
                               "download it")
        loaded = loadmat(os.path.join(self.root, self.filename))
        self.labels = loaded["y"].astype(np.int64).squeeze()
        self.labels[self.labels == 10] = 0
        self.data = loaded["X"].transpose((3, 2, 0, 1))  # (H, W, C, N) -> (N, C, H, W)

    def __getitem__(self, index):
        image = image_module().fromarray(self.data[index].transpose((1, 2, 0)))
        return self._apply(image, int(self.labels[index]))

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.file_md5)

    def download(self):
        download_url(self.url, self.root, self.filename, self.file_md5)

    def extra_repr(self):
        return f"Split: {self.split}"
