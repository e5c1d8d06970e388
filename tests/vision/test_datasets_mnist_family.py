"""EMNIST and QMNIST against torchvision 0.28 on small files written here in their published
formats (idx3 ubyte images; idx1 ubyte labels for EMNIST, idx2 int32 label rows for QMNIST)."""
import gzip
import hashlib
import io
import lzma
import urllib.request
import zipfile

import numpy as np
import pytest

from flambeau.vision import datasets as FD, transforms as FT

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
pytest.importorskip("PIL.Image")
from torchvision import datasets as TD, transforms as TT  # noqa: E402

IDX_TYPES = {np.dtype(np.uint8): 8, np.dtype(">i4"): 12}


def idx_bytes(array):
    """``array`` in the idx format: magic (element type, ndim), big-endian dims, data."""
    header = bytes([0, 0, IDX_TYPES[array.dtype], array.ndim])
    return header + b"".join(d.to_bytes(4, "big") for d in array.shape) + array.tobytes()


def assert_same(ours, theirs, indices):
    assert repr(ours) == repr(theirs)
    assert len(ours) == len(theirs)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    assert str(ours.targets.dtype) == "flambeau.int64"
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    for i in indices:
        (x, y), (tx, ty) = ours[i], theirs[i]
        np.testing.assert_array_equal(np.asarray(x), np.asarray(tx))
        if isinstance(ty, int):
            assert y == ty and type(y) is int
        else:
            np.testing.assert_array_equal(y.numpy(), ty.numpy())


# ------------------------------------------------------------------------------- EMNIST

@pytest.fixture(scope="module")
def emnist_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("emnist")
    raw = root / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, classes in (("byclass", 62), ("bymerge", 47), ("balanced", 47), ("letters", 27),
                           ("digits", 10), ("mnist", 10)):
        for part, n in (("train", 7), ("test", 4)):
            prefix = raw / f"emnist-{split}-{part}"
            images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            labels = rng.integers(1 if split == "letters" else 0, classes, n, dtype=np.uint8)
            prefix.with_name(prefix.name + "-images-idx3-ubyte").write_bytes(idx_bytes(images))
            prefix.with_name(prefix.name + "-labels-idx1-ubyte").write_bytes(idx_bytes(labels))
    return root


@pytest.mark.parametrize("split", FD.EMNIST.splits)
@pytest.mark.parametrize("train", [True, False])
def test_emnist(emnist_root, split, train):
    def double(y):
        return y * 2
    ours = FD.EMNIST(str(emnist_root), split, train=train, transform=FT.ToTensor(),
                     target_transform=double)
    theirs = TD.EMNIST(str(emnist_root), split, train=train, transform=TT.ToTensor(),
                       target_transform=double)
    assert ours.split == split and ours.training_file == theirs.training_file
    assert_same(ours, theirs, range(len(theirs)))
    raw, raw_theirs = (cls(str(emnist_root), split, train=train, download=True)
                       for cls in (FD.EMNIST, TD.EMNIST))
    assert raw[0][0].mode == raw_theirs[0][0].mode == "L"
    np.testing.assert_array_equal(np.asarray(raw[0][0]), np.asarray(raw_theirs[0][0]))


def test_emnist_classes_and_bad_split(emnist_root):
    assert FD.EMNIST.classes_split_dict == TD.EMNIST.classes_split_dict
    for split in ("byclass", "letters", 3):
        with pytest.raises(ValueError) as theirs:
            TD.EMNIST(str(emnist_root), split if split == 3 else split.upper())
        with pytest.raises(ValueError) as ours:
            FD.EMNIST(str(emnist_root), split if split == 3 else split.upper())
        assert str(ours.value) == str(theirs.value)


def test_emnist_missing_files_without_network(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        FD.EMNIST(str(tmp_path), "letters")
    with pytest.raises(RuntimeError) as error:
        FD.EMNIST(str(tmp_path), "letters", download=True)
    for text in ("gzip.zip", "emnist-letters-train-images-idx3-ubyte",
                 str(tmp_path / "EMNIST" / "raw"), "no network"):
        assert text in str(error.value)


def serve(monkeypatch, files):
    """urlopen answers each URL whose last part names a file of ``files`` with its bytes."""
    def urlopen(request, timeout=None):
        return io.BytesIO(files[request.full_url.rsplit("/", 1)[1]])
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def test_emnist_download_unpacks_nist_zip(emnist_root, tmp_path, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((emnist_root / "EMNIST" / "raw").iterdir()):
            zipped.writestr(f"gzip/{path.name}.gz", gzip.compress(path.read_bytes()))
    data = archive.getvalue()
    serve(monkeypatch, {"gzip.zip": data})
    emnist = type("EMNIST", (FD.EMNIST,), {"md5": hashlib.md5(data).hexdigest()})
    ours = emnist(str(tmp_path), "balanced", train=False, download=True)
    theirs = TD.EMNIST(str(emnist_root), "balanced", train=False)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    raw = tmp_path / "EMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        [p.name for p in (emnist_root / "EMNIST" / "raw").iterdir()] + ["gzip.zip"])


# ------------------------------------------------------------------------------- QMNIST

@pytest.fixture(scope="module")
def qmnist_root(tmp_path_factory):
    """train: 9 images; test: 10,003 (tiny 3x2 images, so that test10k and test50k differ);
    nist: 6. Label rows as QMNIST's: class, NIST series, writer, index, ... (int32)."""
    root = tmp_path_factory.mktemp("qmnist")
    raw = root / "QMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for images, labels, n, shape in (
            ("qmnist-train-images-idx3-ubyte", "qmnist-train-labels-idx2-int", 9, (28, 28)),
            ("qmnist-test-images-idx3-ubyte", "qmnist-test-labels-idx2-int", 10003, (3, 2)),
            ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int", 6, (28, 28))):
        (raw / images).write_bytes(idx_bytes(rng.integers(0, 256, (n, *shape), dtype=np.uint8)))
        rows = rng.integers(0, 100000, (n, 8)).astype(">i4")
        rows[:, 0] = rng.integers(0, 10, n)
        (raw / labels).write_bytes(idx_bytes(rows))
    return root


@pytest.mark.parametrize("what", [None, "train", "test", "test10k", "test50k", "nist"])
@pytest.mark.parametrize("compat", [True, False])
def test_qmnist(qmnist_root, what, compat):
    kwargs = dict(what=what, compat=compat, train=what is not None)
    ours = FD.QMNIST(str(qmnist_root), transform=FT.PILToTensor(), **kwargs)
    theirs = TD.QMNIST(str(qmnist_root), transform=TT.PILToTensor(), **kwargs)
    assert (ours.what, ours.compat, ours.data_file) == (theirs.what, compat, theirs.data_file)
    assert ours.targets.shape[1] == 8
    assert_same(ours, theirs, [0, 1, len(theirs) - 1])


def test_qmnist_download_unpacks_xz(qmnist_root, tmp_path, monkeypatch):
    names = ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int")
    files = {name + ".xz": lzma.compress((qmnist_root / "QMNIST" / "raw" / name).read_bytes())
             for name in names}
    serve(monkeypatch, files)
    resources = dict(FD.QMNIST.resources, nist=[
        (url, hashlib.md5(files[url.rsplit("/", 1)[1]]).hexdigest())
        for url, _ in FD.QMNIST.resources["nist"]])
    qmnist = type("QMNIST", (FD.QMNIST,), {"resources": resources})
    ours = qmnist(str(tmp_path), what="nist", compat=False, download=True)
    theirs = TD.QMNIST(str(qmnist_root), what="nist", compat=False)
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())


def test_qmnist_reads_gz_and_rejects_bad_what(qmnist_root, tmp_path):
    raw = tmp_path / "QMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("qmnist-train-images-idx3-ubyte", "qmnist-train-labels-idx2-int"):
        data = (qmnist_root / "QMNIST" / "raw" / name).read_bytes()
        (raw / (name + ".gz")).write_bytes(gzip.compress(data))
    ours = FD.QMNIST(str(tmp_path), download=True)  # present: nothing fetched
    theirs = TD.QMNIST(str(qmnist_root))  # torchvision reads the unpacked files only
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    for what in ("valid", 10):
        with pytest.raises(ValueError) as error:
            TD.QMNIST(str(qmnist_root), what=what)
        with pytest.raises(ValueError, match=f"^{error.value}$".replace("{", r"\{")):
            FD.QMNIST(str(qmnist_root), what=what)
    assert FD.QMNIST.classes == TD.QMNIST.classes
