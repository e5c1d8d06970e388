"""torchvision.datasets: MNIST, FashionMNIST, KMNIST, EMNIST, QMNIST, CIFAR10, CIFAR100,
SVHN, ImageFolder, DatasetFolder and FakeData, read from the files the published data sets
ship; and Digits, the 8x8 digits bundled with flambeau (not in torchvision)."""
from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, FashionMNIST, KMNIST, MNIST, QMNIST
from .svhn import SVHN
from .vision import StandardTransform, VisionDataset
from ... import _naming

__all__ = ["CIFAR10", "CIFAR100", "DatasetFolder", "Digits", "EMNIST", "FakeData",
           "FashionMNIST", "ImageFolder", "KMNIST", "MNIST", "QMNIST", "StandardTransform",
           "SVHN", "VisionDataset"]


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
