"""The two unpicklers ``load`` uses.

``WeightsUnpickler`` (``weights_only=True``) interprets the opcodes torch's weights-only
unpickler accepts, one at a time: globals come only from the allowlist (torch's, plus those
given to ``add_safe_globals``), only those are called or built, so a hostile file can make
tensors, containers and numbers and nothing else. ``FullUnpickler`` (``weights_only=False``)
is Python's unpickler with torch's names resolved to flambeau's: it runs whatever the file
asks, as torch's does.
"""
import functools
import importlib
import pickle
import struct
from collections import Counter, OrderedDict
from pickle import UnpicklingError

from .. import _naming, serialization
from .._tensor import Tensor
from . import names

_BLOCKED_MODULES = ("sys", "os", "posix", "nt")
_STOP = pickle.STOP[0]


@functools.cache
def default_globals():
    return names.allowed_globals()


# Python 2's names a weights-only load reads as Python 3's (the few torch maps)
_PY2_MODULES = {"__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue",
                "repr": "reprlib", "_abcoll": "collections.abc", "UserDict": "collections",
                "UserList": "collections", "UserString": "collections", "whichdb": "dbm",
                "StringIO": "io", "cStringIO": "io"}
_PY2_NAMES = {("__builtin__", "xrange"): ("builtins", "range"),
              ("__builtin__", "reduce"): ("functools", "reduce"),
              ("__builtin__", "intern"): ("sys", "intern"),
              ("__builtin__", "unichr"): ("builtins", "chr"),
              ("__builtin__", "unicode"): ("builtins", "str"),
              ("__builtin__", "long"): ("builtins", "int"),
              ("__builtin__", "basestring"): ("builtins", "str"),
              ("itertools", "izip"): ("builtins", "zip"),
              ("itertools", "imap"): ("builtins", "map"),
              ("itertools", "ifilter"): ("builtins", "filter"),
              ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
              ("itertools", "izip_longest"): ("itertools", "zip_longest"),
              ("UserDict", "IterableUserDict"): ("collections", "UserDict"),
              ("UserDict", "UserDict"): ("collections", "UserDict"),
              ("UserList", "UserList"): ("collections", "UserList"),
              ("UserString", "UserString"): ("collections", "UserString"),
              ("exceptions", "StandardError"): ("builtins", "Exception")}


def global_name(module, name):
    """The name a GLOBAL opcode means, with torch's Python 2 renames."""
    if (module, name) in _PY2_NAMES:
        return _PY2_NAMES[(module, name)]
    return _PY2_MODULES.get(module, module), name


def unsupported(module, name):
    """torch's message for a global a weights-only load refuses."""
    full_path = f"{module}.{name}"
    if module in _BLOCKED_MODULES:
        return UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module "
                               f"{module} is blocked.")
    if full_path.startswith("builtins."):
        full_path = full_path[len("builtins."):]
    return UnpicklingError(
        f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. Please "
        f"use `torch.serialization.add_safe_globals([{full_path}])` or the "
        f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this "
        "global if you trust this class/function.")


class WeightsUnpickler:
    """Reads ``data`` (the bytes of ``data.pkl``); ``persistent_load(pid)`` gives storages."""

    def __init__(self, data, persistent_load, encoding="utf-8"):
        self.data, self.pos = memoryview(data), 0
        self.persistent_load, self.encoding = persistent_load, encoding
        self.allowed = {**default_globals(), **serialization._user_globals()}
        self.allowed_objects = set(map(id, self.allowed.values()))
        self.memo, self.stack, self.metastack, self.proto = {}, [], [], 2

    def read(self, n):
        start = self.pos
        self.pos = end = start + n
        if end > len(self.data):
            raise UnpicklingError("pickle data was truncated")
        return self.data[start:end]

    def readline(self):
        data = self.data
        end = bytes(data[self.pos:self.pos + 4096]).find(b"\n")
        if end < 0:
            raise UnpicklingError("pickle data was truncated")
        line = bytes(data[self.pos:self.pos + end])
        self.pos += end + 1
        return line.decode("utf-8")

    def load(self):
        dispatch = self.dispatch
        try:
            while True:
                key = self.read(1)[0]
                if key == _STOP:
                    return self.stack.pop()
                op = dispatch.get(key)
                if op is None:
                    raise UnpicklingError(f"Unsupported operand {key}")
                op(self)
        except (IndexError, KeyError, TypeError, ValueError, OverflowError, MemoryError,
                AttributeError, struct.error) as error:
            raise UnpicklingError(f"invalid checkpoint data: {type(error).__name__}: "
                                  f"{error}") from None

    def pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _global(self):
        module, name = global_name(self.readline(), self.readline())
        full_path = f"{module}.{name}"
        if module in _BLOCKED_MODULES or full_path not in self.allowed:
            raise unsupported(module, name)
        self.stack.append(self.allowed[full_path])

    def _allowed(self, obj):
        return id(obj) in self.allowed_objects

    def _newobj(self):
        from ..nn import Parameter
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is Parameter or cls is Tensor:
            self.stack.append(cls(*args))
        elif self._allowed(cls) and isinstance(cls, type):
            self.stack.append(cls.__new__(cls, *args))
        else:
            raise UnpicklingError("Can only create new object for nn.Parameter or classes "
                                  f"allowlisted via `add_safe_globals` but got {cls}")

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not self._allowed(func):
            raise UnpicklingError(f"Trying to call reduce for unrecognized function {func}")
        if type(args) is not tuple:
            raise UnpicklingError("arguments of a reduce must be a tuple")
        self.stack[-1] = func(*args)

    def _build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        if type(inst) is OrderedDict or isinstance(inst, Tensor) and type(state) is dict:
            inst.__dict__.update(state)
        elif self._allowed(type(inst)) and not isinstance(inst, Tensor):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
            else:
                names._set_state(inst, state)
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types "
                                  f"allowlisted via `add_safe_globals`, but got {type(inst)}")

    def _target(self, kind):
        target = self.stack[-1]
        if type(target) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(f"Can only {kind} for dict, collections.OrderedDict, "
                                  f"collections.Counter, but got {type(target)}")
        return target

    def _setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self._target("SETITEM")[key] = value

    def _setitems(self):
        items = self.pop_mark()
        target = self._target("SETITEMS")
        for i in range(0, len(items) - 1, 2):
            target[items[i]] = items[i + 1]

    def _list(self, kind):
        target = self.stack[-1]
        if type(target) is not list:
            raise UnpicklingError(f"Can only {kind} lists, but got {type(target)}")
        return target

    def _append(self):
        item = self.stack.pop()
        self._list("append to").append(item)

    def _appends(self):
        items = self.pop_mark()
        self._list("extend").extend(items)

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _persid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple or not pid or pid[0] != "storage":
            raise UnpicklingError("Only persistent_load of storage is allowed, but got "
                                  f"{type(pid[0] if type(pid) is tuple and pid else pid)}")
        self.stack.append(self.persistent_load(pid))

    def _get(self, index):
        if index not in self.memo:
            raise UnpicklingError(f"Memo value not found at index {index}")
        self.stack.append(self.memo[index])

    def _put(self, index):
        self.memo[index] = self.stack[-1]

    def _unicode(self):
        n = struct.unpack("<I", self.read(4))[0]
        self.stack.append(str(self.read(n), "utf-8", "surrogatepass"))

    def _short_binstring(self):
        data = bytes(self.read(self.read(1)[0]))
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding))

    def _proto(self):
        self.proto = self.read(1)[0]
        if self.proto != 2:
            import warnings
            warnings.warn(f"Detected pickle protocol {self.proto} in the checkpoint, which was "
                          "not the default pickle protocol used by `torch.load` (2). The "
                          "weights_only Unpickler might not support all instructions implemented "
                          "by this protocol, please file an issue for adding support if you "
                          "encounter this.", stacklevel=2)

    def _tuple(self):
        items = tuple(self.pop_mark())
        self.stack.append(items)

    def _tuple_n(n):
        def build(self):
            stack = self.stack
            if len(stack) < n:
                raise UnpicklingError("unpickling stack underflow")
            items = tuple(stack[len(stack) - n:])
            del stack[len(stack) - n:]
            stack.append(items)
        return build

    def _push(value_fn):
        return lambda self: self.stack.append(value_fn())

    def _unpack(fmt):
        size = struct.calcsize(fmt)
        return lambda self: self.stack.append(struct.unpack(fmt, self.read(size))[0])

    dispatch = {
        pickle.GLOBAL[0]: _global, pickle.NEWOBJ[0]: _newobj, pickle.REDUCE[0]: _reduce,
        pickle.BUILD[0]: _build, pickle.APPEND[0]: _append, pickle.APPENDS[0]: _appends,
        pickle.SETITEM[0]: _setitem, pickle.SETITEMS[0]: _setitems, pickle.MARK[0]: _mark,
        pickle.TUPLE[0]: _tuple,
        pickle.TUPLE1[0]: _tuple_n(1), pickle.TUPLE2[0]: _tuple_n(2),
        pickle.TUPLE3[0]: _tuple_n(3), pickle.NONE[0]: _push(lambda: None),
        pickle.NEWFALSE[0]: _push(lambda: False), pickle.NEWTRUE[0]: _push(lambda: True),
        pickle.EMPTY_TUPLE[0]: _push(tuple), pickle.EMPTY_LIST[0]: _push(list),
        pickle.EMPTY_DICT[0]: _push(dict), pickle.EMPTY_SET[0]: _push(set),
        pickle.BININT[0]: _unpack("<i"), pickle.BININT1[0]: _unpack("<B"),
        pickle.BININT2[0]: _unpack("<H"), pickle.BINFLOAT[0]: _unpack(">d"),
        pickle.BINUNICODE[0]: _unicode, pickle.SHORT_BINSTRING[0]: _short_binstring,
        pickle.BINPERSID[0]: _persid,
        pickle.BINGET[0]: lambda self: self._get(self.read(1)[0]),
        pickle.LONG_BINGET[0]: lambda self: self._get(struct.unpack("<I", self.read(4))[0]),
        pickle.BINPUT[0]: lambda self: self._put(self.read(1)[0]),
        pickle.LONG_BINPUT[0]: lambda self: self._put(struct.unpack("<I", self.read(4))[0]),
        pickle.LONG1[0]: lambda self: self.stack.append(
            pickle.decode_long(bytes(self.read(self.read(1)[0])))),
        pickle.PROTO[0]: _proto,
    }
    del _tuple_n, _push, _unpack


class FullUnpickler(pickle.Unpickler):
    """Python's unpickler, torch's names read as flambeau's (``weights_only=False``)."""

    def __init__(self, file, persistent_load, **kwargs):
        super().__init__(file, **kwargs)
        self._persistent_load = persistent_load

    def persistent_load(self, pid):
        return self._persistent_load(pid)

    def find_class(self, module, name):
        known = default_globals().get(f"{module}.{name}")
        if known is not None:
            return known
        target = _naming.to_flambeau(module)
        if target is None:
            return super().find_class(module, name)
        try:
            obj = importlib.import_module(target)
            for part in name.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError):
            raise AttributeError(f"the checkpoint needs {module}.{name}, which flambeau does not "
                                 "implement") from None
        return obj


def globals_in(data):
    """``module.name`` of every GLOBAL opcode in the pickle ``data`` (read, not run)."""
    import pickletools
    found = []
    for opcode, arg, _ in pickletools.genops(bytes(data)):
        if opcode.name == "GLOBAL":
            module, name = global_name(*arg.split(" ", 1))
            found.append(f"{module}.{name}")
    return found


def unsafe_globals(data):
    allowed = {**default_globals(), **serialization._user_globals()}
    return sorted({g for g in globals_in(data) if g not in allowed})
