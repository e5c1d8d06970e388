"""Reading checkpoints: the zip format and torch's legacy one (torch <= 1.5).

Each storage is read once, when the pickle first names it, and shared by every tensor viewing
it. Checks come before allocations: a record must hold exactly the bytes its storage needs,
every view must stay inside its storage, so a corrupt or hostile file raises a clear error.
"""
import io
import os
import struct
import sys
import zipfile
import zlib
from pickle import UnpicklingError  # noqa: F401  (serialization catches it from here)

import numpy as np

from .._storage import Storage, TypedStorage
from . import names
from .unpickler import FullUnpickler, WeightsUnpickler
from .zip import record_offset

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_VERSION = 1001
_CUDA_MESSAGE = (
    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
    "If you are running on a CPU-only machine, please use torch.load with "
    "map_location=torch.device('cpu') to map your storages to the CPU.")


class _Opened:
    """``f`` as a readable binary file (opened here when it is a path)."""

    def __init__(self, f, mmap):
        self.path = os.fspath(f) if isinstance(f, (str, os.PathLike)) else None
        if mmap and self.path is None:
            raise ValueError("f must be a file path in order to use the mmap argument")
        self.file = open(self.path, "rb") if self.path is not None else f
        if self.path is None:
            _check_seekable(f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.path is not None:
            self.file.close()


def _check_seekable(f):
    """torch's error for a file object it cannot seek in."""
    try:
        f.seek(f.tell())
    except (io.UnsupportedOperation, AttributeError) as error:
        if "seek" not in str(error) and "tell" not in str(error):
            raise
        raise type(error)(f"{error}. You can only torch.load from a file that is seekable. "
                          "Please pre-load the data into a buffer like io.BytesIO and try to "
                          "load from it instead.") from None


def _is_zip(file):
    start = file.tell()
    magic = file.read(4)
    file.seek(start)
    return magic == b"PK\x03\x04"


class _Archive:
    """The records of a torch zip checkpoint, by name below its top folder."""

    def __init__(self, file):
        try:
            self.zip = zipfile.ZipFile(file)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
                struct.error, NotImplementedError):
            raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                               "central directory") from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: not a checkpoint "
                               "(no records)")
        prefix = infos[0].filename.partition("/")[0] + "/"
        self.file, self.size = file, file.seek(0, io.SEEK_END)
        self.records = {i.filename[len(prefix):]: i for i in infos
                        if i.filename.startswith(prefix)}
        if "constants.pkl" in self.records:
            raise RuntimeError("this is a TorchScript archive (torch.jit.save); flambeau loads "
                               "only torch.save checkpoints")

    def info(self, name):
        info = self.records.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        return info

    def read(self, name):
        try:
            return self.zip.read(self.info(name))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error, struct.error,
                NotImplementedError) as error:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header "
                               f"or archive is corrupted ({error})") from None

    def read_into(self, name, nbytes, mapped):
        """A writable flat uint8 array of the record ``name``'s ``nbytes`` bytes: a slice of
        ``mapped`` (the file mapped copy-on-write) or read and CRC-checked."""
        info = self.info(name)
        if info.file_size != nbytes:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: the record "
                               f"holds {info.file_size} bytes, its storage needs {nbytes}")
        if info.compress_type != zipfile.ZIP_STORED:
            if mapped is not None:
                raise RuntimeError(f"can not mmap the compressed record {name}")
            return np.frombuffer(bytearray(self.read(name)), np.uint8)
        start = record_offset(self.file, info)
        if start + nbytes > self.size:  # (checked before anything is allocated)
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: the file is "
                               "truncated")
        if mapped is not None:
            return mapped[start:start + nbytes]
        memory = np.empty(nbytes, np.uint8)
        self.file.seek(start)
        if _read_into(self.file, memory) != nbytes or zlib.crc32(memory) != info.CRC:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid CRC-32 "
                               "(the file is corrupted)")
        return memory


def _read_into(file, memory):
    readinto = getattr(file, "readinto", None)
    if readinto is None:
        data = file.read(memory.size)
        memory[:len(data)] = np.frombuffer(data, np.uint8)
        return len(data)
    view, got = memoryview(memory), 0
    while got < memory.size:
        n = readinto(view[got:])
        if not n:
            break
        got += n
    return got


def _check_location(location, map_location, storage):
    """Whether the saved ``location``, mapped by ``map_location``, is a device flambeau can
    load to (the data stay on the CPU): torch's error for CUDA without CUDA."""
    if isinstance(map_location, dict):
        location = map_location.get(location, location)
    elif callable(map_location):
        if map_location(storage, location) is not None:
            return
    elif map_location is not None:
        location = str(map_location)
    if str(location).startswith("cuda"):
        from .. import cuda
        if not cuda.is_available():
            raise RuntimeError(_CUDA_MESSAGE)


def _storage_args(pid):
    """``(dtype, key, location, numel)`` of a persistent id ``('storage', type, key, location,
    numel[, view])``, checked."""
    if len(pid) not in (5, 6) or type(pid[1]) is not names.StorageType \
            or type(pid[2]) is not str or type(pid[3]) is not str or type(pid[4]) is not int \
            or pid[4] < 0:
        raise RuntimeError(f"invalid storage reference in checkpoint: {pid!r}")
    return pid[1].dtype, pid[2], pid[3], pid[4]


def _byteswapped(memory, dtype, byteorder):
    if byteorder in (None, sys.byteorder) or dtype.itemsize == 1:
        return memory
    if byteorder not in ("little", "big"):
        raise RuntimeError(f"invalid byteorder record in checkpoint: {byteorder!r}")
    np_dtype = dtype.numpy_dtype
    if dtype.is_complex:  # each part on its own
        np_dtype = np.dtype(f"f{dtype.itemsize // 2}")
    memory.view(np_dtype).byteswap(inplace=True)
    return memory


def load(f, map_location, weights_only, mmap, pickle_load_args):
    with _Opened(f, mmap) as opened:
        file = opened.file
        if not _is_zip(file):
            if mmap:
                shown = "" if not isinstance(f, str) else f"{f}, "
                raise RuntimeError("mmap can only be used with files saved with "
                                   f"`torch.save({shown}_use_new_zipfile_serialization=True), "
                                   "please torch.save your checkpoint with this option in order "
                                   "to use mmap.")
            return _load_legacy(file, map_location, weights_only, pickle_load_args)
        archive = _Archive(file)
        mapped = None
        if mmap:
            mapped = np.memmap(opened.path, np.uint8, mode="c").view(np.ndarray) \
                if os.path.getsize(opened.path) else np.empty(0, np.uint8)
        byteorder = archive.read("byteorder").decode(errors="replace") \
            if "byteorder" in archive.records else None
        loaded = {}

        def persistent_load(pid):
            dtype, key, location, numel = _storage_args(pid)
            storage = loaded.get(key)
            if storage is None:
                memory = archive.read_into(f"data/{key}", numel * dtype.itemsize, mapped)
                storage = loaded[key] = Storage(_byteswapped(memory, dtype, byteorder))
            result = TypedStorage._wrap(storage, dtype)
            _check_location(location, map_location, result)
            return result

        return _unpickle(archive.read("data.pkl"), persistent_load, weights_only,
                         pickle_load_args)[0]


def _unpickle(data, persistent_load, weights_only, pickle_load_args, start=0):
    """The object pickled in ``data`` from ``start``, and where its pickle ends."""
    if weights_only:
        unpickler = WeightsUnpickler(data, persistent_load, pickle_load_args["encoding"])
        unpickler.pos = start
        return unpickler.load(), unpickler.pos
    stream = io.BytesIO(data)
    stream.seek(start)
    result = FullUnpickler(stream, persistent_load, **pickle_load_args).load()
    return result, stream.tell()


def _load_legacy(file, map_location, weights_only, pickle_load_args):
    """torch's format before 1.6: pickles of a magic number, a protocol version and system
    facts, the object, the list of storage keys, then each storage (an int64 count, the
    bytes)."""
    data = file.read()
    try:
        magic, pos = _unpickle(data, None, weights_only, pickle_load_args)
    except (UnpicklingError, EOFError, ValueError, IndexError) as error:
        raise UnpicklingError(f"invalid load key or not a checkpoint ({error})") from None
    if magic != LEGACY_MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version, pos = _unpickle(data, None, weights_only, pickle_load_args, pos)
    if version != LEGACY_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info, pos = _unpickle(data, None, weights_only, pickle_load_args, pos)
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)
    storages = {}

    def persistent_load(pid):
        if type(pid) is tuple and pid and pid[0] == "module":
            raise RuntimeError("legacy checkpoints of whole modules with source are not "
                               "supported")
        dtype, key, location, numel = _storage_args(pid)
        if numel * dtype.itemsize > len(data):  # (checked before anything is allocated)
            raise RuntimeError("invalid legacy checkpoint: a storage larger than the file")
        if key not in storages:
            storages[key] = (Storage(np.empty(numel * dtype.itemsize, np.uint8)), dtype)
        storage = TypedStorage._wrap(*storages[key])
        _check_location(location, map_location, storage)
        view = pid[5] if len(pid) == 6 else None
        if view is not None:
            raise RuntimeError("legacy storage views are not supported")
        return storage

    result, pos = _unpickle(data, persistent_load, weights_only, pickle_load_args, pos)
    keys, pos = _unpickle(data, None, weights_only, pickle_load_args, pos)
    if type(keys) is not list:
        raise RuntimeError("invalid legacy checkpoint: no storage list")
    for key in keys:
        if key not in storages:
            raise RuntimeError(f"invalid legacy checkpoint: unknown storage {key!r}")
        storage, dtype = storages[key]
        memory = storage.bytes()
        if pos + 8 > len(data):
            raise RuntimeError("invalid legacy checkpoint: truncated")
        (numel,) = struct.unpack("<q", data[pos:pos + 8])
        pos += 8
        if numel * dtype.itemsize != memory.size or pos + memory.size > len(data):
            raise RuntimeError("invalid legacy checkpoint: truncated or inconsistent storage")
        memory[:] = np.frombuffer(data, np.uint8, memory.size, pos)
        _byteswapped(memory, dtype, "little" if little else "big")
        pos += memory.size
    return result


def read_pickle(f):
    """The bytes of a zip checkpoint's ``data.pkl``."""
    with _Opened(f, False) as opened:
        if not _is_zip(opened.file):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        return _Archive(opened.file).read("data.pkl")
