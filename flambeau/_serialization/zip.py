"""PyTorch's zip container: uncompressed records whose data start on 64-byte boundaries.

The writer computes each record's CRC before writing its header, so it needs no seeking (any
object with ``write`` will do) and never copies a storage. Zip64 records are always written,
as torch writes them.
"""
import struct
import zlib

ALIGNMENT = 64
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR = struct.Struct("<4sLQL")
_END = struct.Struct("<4s4H2LH")
_MAX32 = 0xFFFFFFFF


class Writer:
    """Writes records ``<archive>/<name>`` to ``file``, then the central directory on
    ``close``."""

    def __init__(self, file, archive):
        self.file, self.archive = file, archive
        self.offset = 0
        self.entries = []  # (name, crc, size, header offset)

    def write_record(self, name, data):
        """``data``: bytes, or a flat uint8 NumPy array (written without a copy)."""
        name = f"{self.archive}/{name}".encode()
        size = len(data)
        crc = zlib.crc32(data)
        big = size >= _MAX32
        extra = struct.pack("<HHQQ", 1, 16, size, size) if big else b""
        pad = -(self.offset + _LOCAL.size + len(name) + len(extra) + 4) % ALIGNMENT
        extra += b"FB" + struct.pack("<H", pad) + b"Z" * pad
        shown = _MAX32 if big else size
        header = _LOCAL.pack(b"PK\x03\x04", 45 if big else 20, 0x800, 0, 0, 0, crc, shown, shown,
                             len(name), len(extra))
        self.file.write(header + name + extra)
        self.file.write(data)
        self.entries.append((name, crc, size, self.offset))
        self.offset += len(header) + len(name) + len(extra) + size

    def close(self):
        start, directory = self.offset, []
        for name, crc, size, offset in self.entries:
            wide = [v for v in (size, size, offset) if v >= _MAX32]
            extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
            directory.append(_CENTRAL.pack(
                b"PK\x01\x02", 45, 3, 45 if wide else 20, 0, 0x800, 0, 0, 0, crc,
                min(size, _MAX32), min(size, _MAX32), len(name), len(extra), 0, 0, 0, 0,
                min(offset, _MAX32)) + name + extra)
        directory = b"".join(directory)
        end64 = start + len(directory)
        count = len(self.entries)
        self.file.write(directory + _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                                                len(directory), start)
                        + _LOCATOR.pack(b"PK\x06\x07", 0, end64, 1)
                        + _END.pack(b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                    min(len(directory), _MAX32), min(start, _MAX32), 0))


def record_offset(file, info):
    """Where the data of the zip entry ``info`` start in ``file`` (read from its local
    header)."""
    file.seek(info.header_offset)
    header = file.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise RuntimeError(f"PytorchStreamReader failed reading file {info.filename}: invalid "
                           "header or archive is corrupted")
    name_length, extra_length = struct.unpack("<2H", header[26:])
    return info.header_offset + _LOCAL.size + name_length + extra_length
