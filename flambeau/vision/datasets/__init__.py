"""torchvision.datasets: MNIST, FashionMNIST, KMNIST, CIFAR10, CIFAR100, ImageFolder,
DatasetFolder and FakeData, read from the files the published data sets ship."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import FashionMNIST, KMNIST, MNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "DatasetFolder", "FakeData", "FashionMNIST", "ImageFolder",
           "KMNIST", "MNIST", "StandardTransform", "VisionDataset"]
