"""SVHN and the MATLAB level-5 reader on .mat files written here from the format's
specification; torchvision's SVHN (which needs SciPy) is driven through a stand-in
``scipy.io.loadmat`` that hands it the arrays the file was written from."""
import hashlib
import struct
import sys
import types
import urllib.error
import urllib.request
import zlib

import numpy as np
import pytest

from flambeau.vision import datasets as FD, transforms as FT
from flambeau.vision.datasets._matlab import loadmat

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from torchvision import datasets as TD, transforms as TT  # noqa: E402

# miINT8 ... miUINT64 and the mxCLASS of each NumPy type
TYPES = {"i1": 1, "u1": 2, "i2": 3, "u2": 4, "i4": 5, "u4": 6, "f4": 7, "f8": 9, "i8": 12,
         "u8": 13}
CLASSES = {"f8": 6, "f4": 7, "i1": 8, "u1": 9, "i2": 10, "u2": 11, "i4": 12, "u4": 13,
           "i8": 14, "u8": 15}


def element(kind, payload, e):
    """One data element: the small format for up to 4 bytes, else tag, payload, padding."""
    if len(payload) <= 4:
        return struct.pack(e + "HH", kind, len(payload)) + payload.ljust(4, b"\0")
    return struct.pack(e + "II", kind, len(payload)) + payload + b"\0" * (-len(payload) % 8)


def matrix(name, array, e, stored_as=None, compress=False):
    """``array`` as a miMATRIX element (complex flag, values stored in ``stored_as``)."""
    code = array.dtype.str[1:] if array.dtype.kind != "c" else "f8"
    flags = CLASSES[code] | (0x0800 if array.dtype.kind == "c" else 0)
    values = array.real if array.dtype.kind == "c" else array
    stored = np.dtype(stored_as or code).newbyteorder(e)
    body = element(6, struct.pack(e + "II", flags, 0), e)
    body += element(5, np.asarray(array.shape, e + "i4").tobytes(), e)
    body += element(1, name.encode(), e)
    body += element(TYPES[stored.str[1:]], values.astype(stored).tobytes(order="F"), e)
    if array.dtype.kind == "c":
        body += element(TYPES[stored.str[1:]], array.imag.astype(stored).tobytes(order="F"), e)
    out = struct.pack(e + "II", 14, len(body)) + body
    return struct.pack(e + "II", 15, len(zlib.compress(out))) + zlib.compress(out) \
        if compress else out


def write_mat(path, variables, e="<", compress=True, stored=None):
    header = b"MATLAB 5.0 MAT-file, written by flambeau's tests".ljust(116) + b"\0" * 8
    header += struct.pack(e + "H", 0x0100) + (b"IM" if e == "<" else b"MI")
    body = b"".join(matrix(name, value, e, (stored or {}).get(name), compress)
                    for name, value in variables.items())
    path.write_bytes(header + body)


@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize("compress", [True, False])
def test_loadmat_numeric_arrays(tmp_path, endian, compress):
    rng = np.random.default_rng(0)
    variables = {"X": rng.integers(0, 256, (4, 5, 3, 2), dtype=np.uint8),
                 "longer_name": rng.standard_normal((3, 7)),
                 "f": rng.standard_normal((2, 1)).astype(np.float32),
                 "i": rng.integers(-9, 9, (1, 6)).astype(np.int16),
                 "z": rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2)),
                 "y": rng.integers(1, 11, (9, 1)).astype(np.float64)}
    path = tmp_path / "a.mat"
    write_mat(path, variables, endian, compress, stored={"y": "u1"})  # as MATLAB stores it
    loaded = loadmat(str(path))
    assert loaded.keys() == variables.keys()
    for name, value in variables.items():
        assert loaded[name].dtype == value.dtype and loaded[name].shape == value.shape
        np.testing.assert_array_equal(loaded[name], value)


def test_loadmat_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "bad.mat"
    path.write_bytes(b"MATLAB 7.3 MAT-file".ljust(126) + b"IM" + b"\0" * 384 +
                     b"\x89HDF\r\n\x1a\n")
    with pytest.raises(ValueError, match="not a MATLAB level-5 MAT-file"):
        loadmat(str(path))
    cell = struct.pack("<II", 6, 8) + struct.pack("<II", 1, 0)  # array flags: a cell array
    cell += struct.pack("<II", 5, 8) + struct.pack("<ii", 1, 1) + struct.pack("<HH", 1, 1)
    cell += b"c\0\0\0"
    path.write_bytes(b"MATLAB 5.0".ljust(124) + b"\0\x01IM" + struct.pack("<II", 14, len(cell))
                     + cell)
    with pytest.raises(ValueError, match="variable 'c' is a MATLAB cell array"):
        loadmat(str(path))


@pytest.fixture
def svhn_root(tmp_path, monkeypatch):
    """train/test files with SVHN's layout (X: 32x32x3xN uint8, y: Nx1 double with 10 for
    the digit 0), their md5s patched into both libraries, and a stand-in scipy.io."""
    rng = np.random.default_rng(1)
    arrays = {}
    for split, n in (("train", 7), ("test", 3)):
        variables = {"X": rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8),
                     "y": rng.integers(1, 11, (n, 1)).astype(np.float64)}
        variables["y"][0] = 10
        path = tmp_path / f"{split}_32x32.mat"
        write_mat(path, variables, stored={"y": "u1"})
        md5 = hashlib.md5(path.read_bytes()).hexdigest()
        for cls in (FD.SVHN, TD.SVHN):
            entry = dict(cls.split_list)
            entry[split] = [entry[split][0], entry[split][1], md5]
            monkeypatch.setattr(cls, "split_list", entry)
        arrays[str(path)] = variables
    scipy, scipy_io = types.ModuleType("scipy"), types.ModuleType("scipy.io")
    scipy_io.loadmat = lambda path: {k: v.copy() for k, v in arrays[str(path)].items()}
    scipy.io = scipy_io
    monkeypatch.setitem(sys.modules, "scipy", scipy)
    monkeypatch.setitem(sys.modules, "scipy.io", scipy_io)
    return tmp_path


@pytest.mark.parametrize("split", ["train", "test"])
def test_svhn_matches_torchvision(svhn_root, split):
    ours = FD.SVHN(str(svhn_root), split=split, transform=FT.ToTensor(), download=True)
    theirs = TD.SVHN(str(svhn_root), split=split, transform=TT.ToTensor())
    assert repr(ours) == repr(theirs) and len(ours) == len(theirs)
    assert ours.data.shape == theirs.data.shape and ours.labels.dtype == theirs.labels.dtype
    np.testing.assert_array_equal(ours.data, theirs.data)
    np.testing.assert_array_equal(ours.labels, theirs.labels)
    assert ours.labels[0] == 0
    for i in range(len(ours)):
        (x, y), (tx, ty) = ours[i], theirs[i]
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
        assert y == ty and type(y) is int
    image, theirs_image = FD.SVHN(str(svhn_root), split)[1][0], TD.SVHN(str(svhn_root), split)[1][0]
    assert image.mode == theirs_image.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(image), np.asarray(theirs_image))


def test_svhn_errors(svhn_root):
    with pytest.raises(ValueError) as ours:
        FD.SVHN(str(svhn_root), split="valid")
    with pytest.raises(ValueError) as theirs:
        TD.SVHN(str(svhn_root), split="valid")
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        FD.SVHN(str(svhn_root / "elsewhere"), split="extra")


def test_svhn_download_without_network(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError) as error:
        FD.SVHN(str(tmp_path / "svhn"), split="test", download=True)
    for part in ("test_32x32.mat", str(tmp_path / "svhn"), "no network"):
        assert part in str(error.value)
