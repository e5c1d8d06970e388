"""``save`` and ``load`` in PyTorch's checkpoint format, both ways.

A checkpoint is a zip archive: ``<name>/data.pkl`` (the pickled object, tensors replaced by
persistent ids of storages), ``<name>/data/<key>`` (each storage's bytes, starting on a 64-byte
boundary), ``byteorder``, ``version``, ``.format_version``, ``.storage_alignment`` and
``.data/serialization_id``. Files flambeau writes load in PyTorch and files PyTorch writes load
here: views that shared a storage share it again, strides and offsets are kept.

Differences from torch: storages are read and CRC-checked when loaded (torch reads them
without checking); tensors always load on the CPU (``map_location`` may rename locations but
not move data to a device flambeau lacks).

The legacy non-zip format (torch <= 1.5) is read, and written with
``_use_new_zipfile_serialization=False``.
"""
import io
import os

DEFAULT_PROTOCOL = 2

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Saves ``obj`` to ``f`` (a path or a writable file object) in torch's zip format (or its
    legacy format with ``_use_new_zipfile_serialization=False``).

    A path is written through a temporary file in the same folder, flushed to disk and renamed
    over the target, so an interrupted save leaves the old file or the new one, never a
    truncated one. ``pickle_module`` is accepted for compatibility; flambeau's own pickler
    writes the file (it must name classes as torch's)."""
    if _use_new_zipfile_serialization:
        def write(file, archive):
            _write_zip(obj, file, archive, pickle_protocol, _disable_byteorder_record)
    else:
        def write(file, archive):
            _write_legacy(obj, file, pickle_protocol)
    if isinstance(f, (str, os.PathLike)):
        _save_atomically(os.fspath(f), write)
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
        write(f, "archive")


def _save_atomically(path, write):
    import tempfile
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {os.path.dirname(path)} does not exist.")
    name = os.path.basename(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file, os.path.splitext(name)[0] or "archive")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    try:  # the rename itself reaches the disk
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def _write_zip(obj, file, archive, protocol, no_byteorder):
    import secrets
    import sys
    from ._serialization.pickler import Pickler
    from ._serialization.zip import ALIGNMENT, Writer
    buffer = io.BytesIO()
    pickler = Pickler(buffer, protocol)
    pickler.dump(obj)
    writer = Writer(file, archive)
    writer.write_record("data.pkl", buffer.getvalue())
    writer.write_record(".format_version", b"1")
    writer.write_record(".storage_alignment", str(ALIGNMENT).encode())
    if not no_byteorder:
        writer.write_record("byteorder", sys.byteorder.encode())
    for key, memory in pickler.storages.items():
        writer.write_record(f"data/{key}", memory)
    writer.write_record("version", b"3\n")
    writer.write_record(".data/serialization_id", f"{secrets.randbelow(10 ** 40):040d}".encode())
    writer.close()


def _write_legacy(obj, file, protocol):
    """torch's format before 1.6: pickles of a magic number, the protocol version and system
    facts, the object, the sorted storage keys, then each storage (an int64 element count and
    its bytes)."""
    import pickle
    import struct
    import sys
    from ._serialization.loading import LEGACY_MAGIC, LEGACY_VERSION
    from ._serialization.pickler import Pickler
    sys_info = {"protocol_version": LEGACY_VERSION, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": struct.calcsize("=l")}}
    for header in (LEGACY_MAGIC, LEGACY_VERSION, sys_info):
        pickle.dump(header, file, protocol=protocol)
    pickler = Pickler(file, protocol, legacy=True)
    pickler.dump(obj)
    keys = sorted(pickler.storages)
    pickle.dump(keys, file, protocol=protocol)
    for key in keys:
        memory = pickler.storages[key]
        file.write(struct.pack("<q", memory.size // pickler.itemsizes[key]))
        file.write(memory)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Loads an object :func:`save` (or ``torch.save``) wrote to ``f`` (a path or a readable,
    seekable file object).

    ``weights_only=True`` (the default, as in torch 2.6+) reads tensors, containers, numbers
    and the globals of torch's allowlist or :func:`add_safe_globals`, and nothing else runs;
    ``weights_only=False`` unpickles anything, classes resolved to flambeau's (only for files
    you trust; a given ``pickle_module`` is accepted, flambeau's unpickler reads). ``mmap=True``
    maps the storages from the file (copy-on-write) instead of reading them."""
    from ._serialization import loading
    true_values = ("1", "y", "yes", "true")
    forced = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    forced_not = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    if forced and forced_not:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or "
                           "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should be set, but both were set.")
    if weights_only is None:
        weights_only = pickle_module is None and not forced_not
    weights_only = weights_only or forced
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_load_args and weights_only:
        import warnings
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    try:
        return loading.load(f, map_location, weights_only, bool(mmap), pickle_load_args)
    except loading.UnpicklingError as error:
        if not weights_only:
            raise
        raise loading.UnpicklingError(_weights_only_message(str(error))) from None


def _weights_only_message(message):
    """torch's explanation around a weights-only unpickler error."""
    import re
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
                "`weights_only=True` please check the recommended steps in the following error "
                "message.\n\tWeightsUnpickler error: " + message + _DOCS_MESSAGE)
    updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        updated += ("Please file an issue with the following so that we can make "
                    "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
    return updated + "\n\n" + message + _DOCS_MESSAGE


# ---- the globals a weights-only load accepts besides torch's allowlist -----------------------

_user_safe = set()


def add_safe_globals(safe_globals):
    """Marks classes and functions (or ``(object, "module.name")`` pairs, for an object saved
    under another name) as safe for ``weights_only`` loads."""
    global _user_safe
    _user_safe = _user_safe | set(safe_globals)


def _remove_safe_globals(safe_globals):
    global _user_safe
    _user_safe = _user_safe - set(safe_globals)


def get_safe_globals():
    """The globals :func:`add_safe_globals` marked safe."""
    return list(_user_safe)


def clear_safe_globals():
    global _user_safe
    _user_safe = set()


class safe_globals:
    """Context manager: ``safe_globals`` are safe for ``weights_only`` loads inside it."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _remove_safe_globals(self.safe_globals)


def _user_globals():
    """``{name in a checkpoint: object}`` for the globals the user allowed (a flambeau
    object under its torch name)."""
    from .compat import to_torch
    found = {}
    for entry in _user_safe:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full path), "
                                 f"but got tuple of length: {len(entry)}")
            if type(entry[1]) is not str:
                raise TypeError("Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(entry[1])}")
            found[entry[1]] = entry[0]
        else:
            found[f"{to_torch(entry.__module__)}.{entry.__qualname__}"] = entry
    return found


def get_unsafe_globals_in_checkpoint(f):
    """The ``module.name`` of the globals in ``f``'s pickle that a weights-only load would
    refuse (read without running anything)."""
    from ._serialization import loading, unpickler
    return unpickler.unsafe_globals(loading.read_pickle(f))
