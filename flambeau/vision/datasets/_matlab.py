"""A reader for MATLAB level-5 .mat files, only as far as data sets need it: numeric arrays
(real or complex, any class), stored plainly or zlib-compressed, in either byte order.
torchvision reads these files with ``scipy.io.loadmat``; flambeau does not depend on SciPy."""
import zlib

import numpy as np

# data element types (miINT8 ...) and array classes (mxDOUBLE_CLASS ...) of the format
_ELEMENT_TYPES = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8",
                  12: "i8", 13: "u8"}
_MATRIX, _COMPRESSED = 14, 15
_CLASSES = {6: "f8", 7: "f4", 8: "i1", 9: "u1", 10: "i2", 11: "u2", 12: "i4", 13: "u4",
            14: "i8", 15: "u8"}
_CLASS_NAMES = {1: "cell", 2: "struct", 3: "object", 4: "char", 5: "sparse"}
_COMPLEX_FLAG = 0x0800
_HDF5 = b"\x89HDF\r\n\x1a\n"


class _Reader:
    """The data elements of one file, in its byte order (``order``: '<' or '>')."""

    def __init__(self, path, order):
        self.path, self.order = path, order

    def elements(self, buffer):
        """(type, payload) of each data element in ``buffer`` (a memoryview; no copies)."""
        start, stop, u32 = 0, len(buffer), np.dtype(self.order + "u4")
        while start < stop:
            kind, size = (int(v) for v in np.frombuffer(buffer, u32, 2, start))
            if kind >> 16:  # small element: size and type share the first word
                yield kind & 0xFFFF, buffer[start + 4:start + 4 + (kind >> 16)]
                start += 8
                continue
            start += 8
            if start + size > stop:
                raise ValueError(f"{self.path}: truncated MATLAB file")
            yield kind, buffer[start:start + size]
            # compressed elements are not padded; the others end on an 8-byte boundary
            start += size if kind == _COMPRESSED else -(-size // 8) * 8

    def numbers(self, kind, payload):
        if kind not in _ELEMENT_TYPES:
            raise ValueError(f"{self.path}: unexpected MATLAB data type {kind}")
        return np.frombuffer(payload, self.order + _ELEMENT_TYPES[kind])

    def matrix(self, payload):
        """(name, array) of one miMATRIX element."""
        parts = self.elements(payload)
        flags = int(self.numbers(*next(parts))[0])
        dims = tuple(int(d) for d in self.numbers(*next(parts)))
        name = bytes(next(parts)[1]).decode("ascii")
        if flags & 0xFF not in _CLASSES:
            kind = _CLASS_NAMES.get(flags & 0xFF, flags & 0xFF)
            raise ValueError(f"{self.path}: variable '{name}' is a MATLAB {kind} array; only "
                             "numeric arrays can be read")
        values = self.numbers(*next(parts)).astype(_CLASSES[flags & 0xFF], copy=False)
        if flags & _COMPLEX_FLAG:
            values = values + 1j * self.numbers(*next(parts))
        return name, values.reshape(dims, order="F")


def loadmat(path):
    """The variables of the level-5 MAT-file ``path`` as a dict of NumPy arrays, each of its
    MATLAB class's dtype and shape (column-major), as ``scipy.io.loadmat`` gives them."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 128 or data[126:128] not in (b"IM", b"MI") or _HDF5 in (data[:8],
                                                                          data[512:520]):
        raise ValueError(f"{path} is not a MATLAB level-5 MAT-file (v7.3 files are HDF5 and "
                         "are not supported)")
    reader = _Reader(path, "<" if data[126:128] == b"IM" else ">")
    variables = {}
    for kind, payload in reader.elements(memoryview(data)[128:]):
        if kind == _COMPRESSED:
            kind, payload = next(reader.elements(memoryview(zlib.decompress(payload))))
        if kind == _MATRIX:
            name, array = reader.matrix(payload)
            variables[name] = array
    return variables
