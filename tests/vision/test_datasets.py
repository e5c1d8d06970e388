"""flambeau.vision.datasets against torchvision 0.28 on small files written here in each
published format (idx, CIFAR pickle batches, image folders); the network is never touched."""
import gzip
import hashlib
import os
import pickle
import urllib.request

import numpy as np
import pytest

import flambeau
from flambeau.vision import datasets as FD, transforms as FT

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")
from torchvision import datasets as TD, transforms as TT  # noqa: E402


def idx_bytes(array):
    """``array`` (uint8) in the idx format: magic (type 8, ndim), big-endian dims, data."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


@pytest.fixture
def mnist_root(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("MNIST", "FashionMNIST", "KMNIST"):
        raw = tmp_path / name / "raw"
        raw.mkdir(parents=True)
        for prefix, n in (("train", 12), ("t10k", 5)):
            images = idx_bytes(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
            labels = idx_bytes(rng.integers(0, 10, n, dtype=np.uint8))
            (raw / f"{prefix}-images-idx3-ubyte").write_bytes(images)
            (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(labels)
    return tmp_path


def same_pil(a, b):
    assert a.mode == b.mode and a.size == b.size
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST", "KMNIST"])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_family(mnist_root, name, train):
    ours = getattr(FD, name)(str(mnist_root), train=train, transform=FT.ToTensor())
    theirs = getattr(TD, name)(str(mnist_root), train=train, transform=TT.ToTensor())
    assert repr(ours) == repr(theirs)
    assert len(ours) == len(theirs)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    assert str(ours.targets.dtype) == "flambeau.int64"
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    for i in (0, len(ours) - 1):
        (x, y), (tx, ty) = ours[i], theirs[i]
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
        assert y == ty and type(y) is int
    raw = getattr(FD, name)(str(mnist_root), train=train, download=True)
    same_pil(raw[1][0], getattr(TD, name)(str(mnist_root), train=train)[1][0])


def test_mnist_reads_gz(mnist_root):
    raw = mnist_root / "MNIST" / "raw"
    for path in raw.iterdir():
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    ours = FD.MNIST(str(mnist_root), train=False)
    for path in raw.iterdir():  # torchvision reads the unpacked files only
        (raw / path.name[:-3]).write_bytes(gzip.decompress(path.read_bytes()))
    theirs = TD.MNIST(str(mnist_root), train=False)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())


def test_missing_files_without_network(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        FD.MNIST(str(tmp_path))
    with pytest.raises(RuntimeError) as error:
        FD.MNIST(str(tmp_path), download=True)
    message = str(error.value)
    for name in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                 os.path.join(str(tmp_path), "MNIST", "raw"), "no network"):
        assert name in message
    with pytest.raises(RuntimeError, match="cifar-10-python.tar.gz"):
        FD.CIFAR10(str(tmp_path), download=True)


def write_cifar(root, folder, train_names, test_name, meta_name, meta_key, label_key, classes):
    """Batches as CIFAR's own (protocol 2, bytes keys as Python 2 wrote them)."""
    rng = np.random.default_rng(1)
    (root / folder).mkdir()
    for name in train_names + [test_name]:
        entry = {"batch_label": "batch", label_key: rng.integers(0, len(classes), 6).tolist(),
                 "data": rng.integers(0, 256, (6, 3072), dtype=np.uint8),
                 "filenames": [f"f{i}.png" for i in range(6)]}
        (root / folder / name).write_bytes(pickle.dumps(entry, protocol=2))
    (root / folder / meta_name).write_bytes(pickle.dumps({meta_key: classes}, protocol=2))


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("which", ["CIFAR10", "CIFAR100"])
def test_cifar(tmp_path, which):
    ours_cls, theirs_cls = getattr(FD, which), getattr(TD, which)
    folder, meta = ours_cls.base_folder, ours_cls.meta
    train = [n for n, _ in ours_cls.train_list]
    test = ours_cls.test_list[0][0]
    write_cifar(tmp_path, folder, train, test, meta["filename"], meta["key"],
                "labels" if which == "CIFAR10" else "fine_labels", ["cat", "dog", "ship"])
    lists = {  # the checksums of these files, for both libraries' integrity checks
        "train_list": [[n, md5(tmp_path / folder / n)] for n in train],
        "test_list": [[test, md5(tmp_path / folder / test)]],
        "meta": dict(meta, md5=md5(tmp_path / folder / meta["filename"]))}
    ours_cls = type(which, (ours_cls,), lists)
    theirs_cls = type(which, (theirs_cls,), lists)
    for is_train in (True, False):
        ours = ours_cls(str(tmp_path), train=is_train, download=True)
        theirs = theirs_cls(str(tmp_path), train=is_train)
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours.data, theirs.data)
        assert ours.targets == theirs.targets and ours.classes == theirs.classes
        assert ours.class_to_idx == theirs.class_to_idx
        same_pil(ours[3][0], theirs[3][0])
        assert ours[3][1] == theirs[3][1]


def test_cifar_batches_cannot_run_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    path = tmp_path / "batch"
    path.write_bytes(pickle.dumps({"data": Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="may not name"):
        FD.cifar.load_batch(str(path))


def test_image_folder(tmp_path):
    rng = np.random.default_rng(2)
    for cls, names in (("cat", ["b.png", "a.jpg", "notes.txt"]), ("dog", ["x.bmp"]),
                       ("dog/sub", ["y.png"])):
        (tmp_path / cls).mkdir(parents=True, exist_ok=True)
        for name in names:
            if name.endswith(".txt"):
                (tmp_path / cls / name).write_text("hi")
            else:
                Image.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)).save(
                    tmp_path / cls / name)
    def shift(t):
        return t + 1
    ours = FD.ImageFolder(str(tmp_path), transform=FT.Resize(3), target_transform=shift)
    theirs = TD.ImageFolder(str(tmp_path), transform=TT.Resize(3), target_transform=shift)
    assert repr(ours) == repr(theirs)
    assert ours.samples == theirs.samples and ours.imgs == theirs.imgs
    assert ours.classes == theirs.classes and ours.targets == theirs.targets
    for i in range(len(ours)):
        same_pil(ours[i][0], theirs[i][0])
        assert ours[i][1] == theirs[i][1]
    txt = FD.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",), allow_empty=True)
    assert txt.samples == TD.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",),
                                           allow_empty=True).samples
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes dog"):
        FD.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",))
    keep = FD.ImageFolder(str(tmp_path), is_valid_file=lambda p: p.endswith(".png"))
    assert keep.samples == TD.ImageFolder(str(tmp_path),
                                          is_valid_file=lambda p: p.endswith(".png")).samples


def test_fake_data():
    ours = FD.FakeData(size=4, image_size=(3, 5, 6), num_classes=7, random_offset=3,
                       transform=FT.ToTensor())
    theirs = TD.FakeData(size=4, image_size=(3, 5, 6), num_classes=7, random_offset=3,
                         transform=TT.ToTensor())
    assert repr(ours) == repr(theirs)
    for i in range(4):
        (x, y), (tx, ty) = ours[i], theirs[i]
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
        assert y == ty
    flambeau.manual_seed(11)
    ours[2]  # the global generator continues as if the item had not been drawn
    torch.manual_seed(11)
    assert flambeau.rand(1).item() == torch.rand(1).item()
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ours[4]
