"""Declared signatures: torch's Python argument parser, for the ops of the registry.

An op declares torch's Python signature(s) in the parser's own words::

    sum(Tensor input, *, ScalarType? dtype=None)
    sum(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)

Types: Tensor, Scalar, int, float, complex, bool, str, object, int[] (``int[N]`` also takes one
int), float[], Scalar[], Tensor[], ScalarType, Layout, Device, MemoryFormat, Generator; ``?``
admits None; a trailing ``|hidden`` keeps an overload out of the messages, as torch's
deprecated overloads are. From these, :func:`checked` builds the public callable: generated
Python code that binds the arguments natively, tests each against its declared type with a
class check or two, and calls the op. Anything else (a wrong type, a missing or unknown
argument, NumPy's ``axis=``/``keepdims=`` names, a NumPy integer or 0-d tensor where an int
belongs, ``dtype=float``) takes the slow path, :meth:`Signatures.parse`, which follows torch's
parser step for step: the same overload chosen, the same conversions, the same messages.
"""
import ast
import functools
import inspect
import keyword
from keyword import iskeyword
import operator

from .. import _dtype, _naming
from .._device import device as _device_class
from .._size import Size
from .._storage import TypedStorage, UntypedStorage
from .._tensor import Tensor
from ._util import warn_caller

MISSING = type("Missing", (), {"__repr__": lambda self: "<missing>", "__slots__": ()})()

# Python classes that stand for a type in a check; filled by the layers that define them
# (Generator, layout, memory_format, device).
CLASSES = {"Device": _device_class, "Storage": (TypedStorage, UntypedStorage)}

_PRINTED = {"Tensor": "Tensor", "Scalar": "Number", "int": "int", "SymInt": "int",
            "float": "float", "complex": "complex", "bool": "bool", "str": "str",
            "object": "object", "int[]": "tuple of ints", "SymInt[]": "tuple of ints",
            "float[]": "tuple of floats", "Scalar[]": "tuple of Scalars",
            "Tensor[]": "tuple of Tensors", "Tensor?[]": "tuple of Tensors",
            "bool[]": "tuple of bools",
            "ScalarType": "torch.dtype", "Layout": "torch.layout", "Device": "torch.device",
            "MemoryFormat": "torch.memory_format", "Generator": "torch.Generator",
            "Storage": "torch.Storage"}

# native_functions.yaml's and the C++ parser's words for the same types
_SCHEMA_WORDS = {"double": "float", "int64_t": "int", "IntArrayRef": "int[]",
                 "SymIntArrayRef": "SymInt[]", "TensorList": "Tensor[]", "Dimname": "str",
                 "c10::string_view": "str", "std::string": "str", "PyObject*": "object",
                 "ArrayRef<double>": "float[]", "ScalarList": "Scalar[]"}

# torch lets NumPy's names stand for these parameters.
NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"),
               "other": ("x2",)}

# The ops whose Tensor parameters also take Python numbers (torch's own list).
_NUMBERS_AS_TENSORS = {"add", "div", "divide", "mul", "multiply", "sub", "subtract",
                       "true_divide", "floor_divide", "to", "copy_"}

PYTHON_SCALAR_TYPES = {float: _dtype.float64, int: _dtype.int64, bool: _dtype.bool,
                        complex: _dtype.complex128}


class Param:
    """One declared parameter."""
    __slots__ = ("type", "name", "default", "optional", "nullable", "keyword_only", "size",
                 "numbers_as_tensors")

    def __init__(self, text, keyword_only, numbers_as_tensors):
        type_, _, rest = text.partition(" ")
        name, eq, default = rest.partition("=")
        self.nullable = type_.endswith("?") or "?[" in type_
        type_ = type_.replace("?", "") if not type_.startswith("Tensor?[") else "Tensor?[]"
        type_ = _SCHEMA_WORDS.get(type_, type_)
        self.size = 0
        if "[" in type_ and type_ not in _PRINTED:
            base, _, size = type_.partition("[")
            self.size = int(size[:-1])
            type_ = base + "[]"
        if type_ not in _PRINTED:
            raise ValueError(f"unknown type {type_!r} in signature parameter {text!r}")
        self.type, self.name = type_, name.strip()
        self.optional = bool(eq)
        self.default = _parse_default(default.strip(), type_) if eq else MISSING
        self.keyword_only = keyword_only
        self.numbers_as_tensors = numbers_as_tensors and type_ == "Tensor"

    def printed(self):
        text = f"{_PRINTED[self.type]} {self.name}"
        if self.optional:
            text += f" = {_print_default(self.default, self.type)}"
        return text

    def matches(self, value):
        """torch's test of a value against this parameter's type (None handled by the caller)."""
        t = self.type
        if t == "Tensor":
            return isinstance(value, Tensor) or self.numbers_as_tensors and _is_scalar(value)
        if t == "Scalar":
            return _is_scalar(value) or _is_float(value)
        if t == "complex":
            return isinstance(value, complex) or _is_float(value)
        if t == "float":
            return _is_float(value)
        if t in ("int", "SymInt"):
            return _is_int(value)
        if t == "bool":
            return value.__class__ is bool
        if t in ("int[]", "SymInt[]"):
            if isinstance(value, (tuple, list)):
                return not value or hasattr(value[0], "__index__") and not isinstance(
                    value[0], Tensor) or _is_int_tensor(value[0])
            return self.size > 0 and _is_int(value)
        if t in ("float[]", "Scalar[]"):
            return isinstance(value, (tuple, list)) and (
                not value or all(_is_scalar(v) for v in value))
        if t in ("Tensor[]", "Tensor?[]"):
            return isinstance(value, (tuple, list))
        if t == "bool[]":
            return isinstance(value, (tuple, list)) and all(v.__class__ is bool for v in value)
        if t == "ScalarType":
            return isinstance(value, _dtype.dtype) or isinstance(value, type) and \
                value in PYTHON_SCALAR_TYPES
        if t == "str":
            return isinstance(value, str)
        if t == "Device":
            return isinstance(value, (str, CLASSES["Device"])) or _is_int(value)
        if t == "object":
            return True
        return isinstance(value, CLASSES[t])

    def unpack(self, value, name, position):
        """The value as the op receives it: torch's conversions after a match."""
        t = self.type
        if value is None:
            return None
        if t in ("int", "SymInt"):
            return _int64(operator.index(value.item() if isinstance(value, Tensor) else value))
        if value.__class__ is int and (t == "Scalar" or self.numbers_as_tensors):
            if value >= 2 ** 64:
                raise OverflowError("int too big to convert")
            if value < -2 ** 63:
                raise OverflowError("can't convert negative int to unsigned")
        if t in ("float", "Scalar", "complex") and not isinstance(value, (int, float, complex)):
            return value.item()
        if t in ("int[]", "SymInt[]"):
            if not isinstance(value, (tuple, list)):
                return _int64(operator.index(value))
            return _unpack_ints(value, name, self.name)
        if t == "ScalarType" and not isinstance(value, _dtype.dtype):
            return PYTHON_SCALAR_TYPES[value]
        if t in ("Tensor[]", "Tensor?[]"):
            for i, v in enumerate(value):
                if not isinstance(v, Tensor) and not (v is None and t == "Tensor?[]"):
                    raise TypeError(f"expected Tensor as element {i} in argument {position}, "
                                    f"but got {tp_name(v)}")
            return value
        return value


_OVERFLOW = "Overflow when unpacking long long"


def _int64(value):
    """``value``, an int, when int64 holds it; else torch's error for unpacking it."""
    if not -2 ** 63 <= value < 2 ** 63:
        raise ValueError(_OVERFLOW)
    return value


def _unpack_ints(value, fn_name, param_name):
    out = []
    for i, v in enumerate(value):
        if v.__class__ is int or hasattr(v, "__index__") and not isinstance(v, Tensor) or \
                _is_int_tensor(v):
            v = operator.index(v)
            if -2 ** 63 <= v < 2 ** 63:
                out.append(v)
                continue
            error = _OVERFLOW  # (torch's message goes on with its C++ stack)
        else:
            error = "type must be tuple of ints,but got " + tp_name(v)
        raise TypeError(f"{fn_name}(): argument '{param_name}' failed to unpack the object "
                        f"at pos {i + 1} with error \"{error}\"")
    return tuple(out)


def _parse_default(text, type_):
    if text == "None":
        return None
    if text in ("True", "False"):
        return text == "True"
    if type_ == "str":
        return text.strip("\"'")
    if text[:1] in "([":
        return tuple(ast.literal_eval(text))
    if text.startswith("torch."):  # a dtype, or a constant the op's own default stands for
        return getattr(_dtype, text[6:], None) or Symbolic(text)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return Symbolic(text)


class Symbolic(str):
    """A default torch names in C++ (``reduction=at::Reduction::Mean``): printed as written;
    the op's own default stands for it."""


def _print_default(value, type_):
    if isinstance(value, _dtype.dtype):
        return repr(value)
    if isinstance(value, tuple):  # as C++ writes a list: {-2,-1}
        return "{" + ",".join(map(str, value)) + "}"
    if type_ == "str" and value is not None:
        return f'"{value}"'
    return str(value)


def _is_scalar(value):
    c = value.__class__
    return c in (int, float, bool, complex) or _is_numpy_scalar(value)


def _is_float(value):
    c = value.__class__
    if c is float or c is int or c is bool or isinstance(value, (int, float)):
        return True
    if isinstance(value, Tensor):
        return value.ndim == 0 and not value.requires_grad
    return _is_numpy_scalar(value) and not isinstance(value, complex)


def _is_int(value):
    if isinstance(value, int):
        return value.__class__ is not bool
    if isinstance(value, Tensor):
        return _is_int_tensor(value)
    return _is_numpy_scalar(value) and hasattr(value, "__index__") and \
        type(value).__name__ != "bool"


def _is_int_tensor(value):
    return isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad and \
        value.dtype._category == 1


def _is_numpy_scalar(value):
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and \
        getattr(value, "ndim", 1) == 0


# flambeau's classes for torch's C types, named in messages as torch's tp_name names them
C_TYPE_NAMES = {_dtype.dtype: "dtype", _dtype.finfo: "finfo", _dtype.iinfo: "iinfo",
                _device_class: "device", Size: "Size"}


def tp_name(value):
    """The name torch's messages give a value's type: C's ``tp_name`` (``numpy.int64``,
    ``torch.dtype``)."""
    cls = type(value)
    c_name = C_TYPE_NAMES.get(cls)
    if c_name is not None:
        return f"{_naming.public_name}.{c_name}"
    if cls.__flags__ & (1 << 9) or cls.__module__ == "builtins":  # a class written in Python
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


class Signature:
    """One overload: its name, parameters and whether messages show it."""
    __slots__ = ("name", "params", "hidden", "deprecated", "min_args", "max_args",
                 "max_pos_args")

    def __init__(self, text, method=False):
        text, _, flag = text.partition("|")
        self.hidden, self.deprecated = flag in ("hidden", "deprecated"), flag == "deprecated"
        self.name, _, body = text.partition("(")
        body = body.rstrip()[:-1]
        numbers = self.name in _NUMBERS_AS_TENSORS or self.name.rstrip("_") in _NUMBERS_AS_TENSORS
        self.params, keyword_only = [], False
        for part in _split(body):
            if part == "*":
                keyword_only = True
            else:
                self.params.append(Param(part, keyword_only, numbers))
        if method:  # no self among the parameters, and no out=
            self.params = [p for p in self.params[1:] if p.name != "out"]
        self.min_args = sum(not p.optional for p in self.params)
        self.max_args = len(self.params)
        self.max_pos_args = sum(not p.keyword_only for p in self.params)

    def printed(self):
        parts, star = [], False
        for p in self.params:
            if p.keyword_only and not star:
                parts.append("*")
                star = True
            parts.append(p.printed())
        return "(" + ", ".join(parts) + ")"

    def varargs_intlist(self):
        """torch's ``x.view(2, 3)``: a lone positional int list may be given spread out."""
        return self.max_pos_args == 1 and self.params[0].type in ("int[]", "SymInt[]")

    def parse(self, args, kwargs, raise_error):
        """The bound values (by name) for a call, or None (or torch's TypeError) on mismatch."""
        nargs = len(args)
        varargs = self.varargs_intlist()
        if nargs > self.max_pos_args and not varargs:
            if raise_error:
                self._extra_args(nargs)
            return None
        bound, arg_pos, remaining = {}, 0, len(kwargs)
        for i, p in enumerate(self.params):
            is_kwd = False
            if arg_pos < nargs:
                if p.keyword_only:
                    if raise_error:
                        self._extra_args(nargs)
                    return None
                value = args[arg_pos]
            else:
                value = kwargs.get(p.name, MISSING)
                for alias in NUMPY_NAMES.get(p.name, ()):
                    if value is MISSING:
                        value = kwargs.get(alias, MISSING)
                is_kwd = True
            if value is MISSING and p.optional:
                bound_value = MISSING
            elif value is None and p.nullable:
                bound_value = None
            elif value is None and p.default == ():  # torch's parser: None is an empty list
                bound_value = MISSING
            elif value is MISSING:
                if raise_error:
                    self._missing(i)
                return None
            elif p.matches(value):
                if p.type == "Tensor[]":  # torch checks the elements while matching, and raises
                    p.unpack(value, self.name, i)
                bound_value = value
            elif varargs and i == 0 and not is_kwd and _is_int_list(args):
                bound[p.name] = tuple(args)
                arg_pos = nargs
                continue
            elif raise_error:
                where = "" if is_kwd else f" (position {arg_pos + 1})"
                found = f"not {tp_name(value)}"
                if p.type in ("int[]", "SymInt[]") and isinstance(value, (tuple, list)) and \
                        not is_kwd:
                    found = f"but found element of type {tp_name(value[0])} at pos 0"
                raise TypeError(f"{self.name}(): argument '{p.name}'{where} must be "
                                f"{_PRINTED[p.type]}, {found}")
            else:
                return None
            if bound_value is not MISSING:
                bound[p.name] = bound_value
            if not is_kwd:
                arg_pos += 1
            elif value is not MISSING:
                remaining -= 1
        if arg_pos < nargs:  # x.view((2, 3), 4): a list given whole, then more
            if raise_error:
                self._extra_args(nargs)
            return None
        if remaining > 0:
            if raise_error:
                self._extra_kwargs(kwargs, nargs)
            return None
        return bound

    def _extra_args(self, nargs):
        if self.min_args != self.max_pos_args:
            raise TypeError(f"{self.name}() takes from {self.min_args} to {self.max_pos_args} "
                            f"positional arguments but {nargs} were given")
        raise TypeError(f"{self.name}() takes {self.max_pos_args} positional argument"
                        f"{'' if self.max_pos_args == 1 else 's'} but {nargs} "
                        f"{'was' if nargs == 1 else 'were'} given")

    def _missing(self, index):
        names = [f'"{p.name}"' for p in self.params[index:] if not p.optional]
        # torch's message says "arguments" for one missing argument and "argument" for more
        raise TypeError(f"{self.name}() missing {len(names)} required positional argument"
                        f"{'s' if len(names) == 1 else ''}: {', '.join(names)}")

    def _extra_kwargs(self, kwargs, nargs):
        names = [p.name for p in self.params]
        for key in kwargs:
            if not isinstance(key, str):
                raise TypeError("keywords must be strings")
            index = names.index(key) if key in names else -1
            if index < 0:
                raise TypeError(f"{self.name}() got an unexpected keyword argument '{key}'")
            if index < nargs:
                raise TypeError(f"{self.name}() got multiple values for argument '{key}'")
        raise TypeError("invalid keyword arguments")


def _split(body):
    """The parameters of a signature's text: split at commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(body):
        depth += c in "([{" and 1 or c in ")]}" and -1 or 0
        if c == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    last = body[start:].strip()
    return parts + [last] if last else parts


def _is_int_list(args):
    """torch looks at the first element only; the others fail when unpacked."""
    return not args or _is_int(args[0])


class Signatures:
    """All overloads of one op (or of its method form), in torch's order of trial."""

    def __init__(self, texts, method=False):
        # a method keeps the overloads whose first argument is a tensor (x.pow(2), not 2 ** x)
        sigs = [Signature(t, method) for t in texts
                if not method or t[t.index("(") + 1:].startswith("Tensor ")]
        # torch tries deprecated overloads last
        self.overloads = [s for s in sigs if not s.hidden] + [s for s in sigs if s.hidden]
        self.name, self.method = sigs[0].name, method

    def parse(self, args, kwargs):
        """``(overload, bound values)`` for a call, or torch's TypeError."""
        if len(self.overloads) == 1:
            only = self.overloads[0]
            return only, self._unpack(only, only.parse(args, kwargs, True))
        for sig in self.overloads:
            bound = sig.parse(args, kwargs, False)
            if bound is not None:
                return sig, self._unpack(sig, bound)
        n = len(args) + len(kwargs)
        plausible = [s for s in self.overloads
                     if s.min_args <= n <= s.max_args and not s.hidden]
        if len(plausible) == 1:
            plausible[0].parse(args, kwargs, True)
        raise TypeError(self._invalid(args, kwargs))

    def _unpack(self, sig, bound):
        for position, p in enumerate(sig.params):
            if p.name in bound:
                bound[p.name] = p.unpack(bound[p.name], self.name, position)
        return bound

    def _invalid(self, args, kwargs):
        """torch's "received an invalid combination of arguments" message."""
        options = [s.printed() for s in self.overloads if not s.hidden]
        msg = f"{self.name}() received an invalid combination of arguments - "
        if len(options) == 1:
            option = _Option(options[0])
            unmatched = option.unmatched_kwargs(kwargs)
            if unmatched:
                return msg + "got unrecognized keyword arguments: " + ", ".join(unmatched)
            got = option.describe(args, kwargs) if option.count_matches(args, kwargs) \
                else _describe(args, kwargs)
            return msg + f"got {got}, but expected {options[0]}"
        msg += f"got {_describe(args, kwargs)}, but expected one of:\n"
        for text in options:
            option = _Option(text)
            msg += f" * {text}\n"
            if option.count_matches(args, kwargs):
                unmatched = option.unmatched_kwargs(kwargs)
                if unmatched:
                    msg += ("      didn't match because some of the keywords were incorrect: "
                            + ", ".join(unmatched) + "\n")
                else:
                    msg += ("      didn't match because some of the arguments have invalid "
                            f"types: {option.describe(args, kwargs)}\n")
        return msg


class _Option:
    """A printed overload as torch's message formatter reads it back: it splits the text at
    ", " and takes each part's last word as the name (so ``bool keepdim = False`` is named
    ``False`` and ``*`` counts as an argument) -- quirks kept, since they shape the text."""

    def __init__(self, text):
        self.args = []
        for part in text[1:-1].split(", "):
            end = part.rfind(" ")
            if end < 0:
                self.args.append((part, part))
            else:
                self.args.append((part[end + 1:], part[:end]))

    def count_matches(self, args, kwargs):
        return len(args) + len(kwargs) == len(self.args)

    def unmatched_kwargs(self, kwargs):
        start = max(len(self.args) - len(kwargs), 0)
        names = {name for name, _ in self.args[start:]}
        return [k for k in kwargs if k not in names]

    def describe(self, args, kwargs):
        parts = []
        for i in range(len(args) + len(kwargs)):
            is_kwarg = i >= len(args)
            if is_kwarg:
                name = self.args[i][0]
                if name not in kwargs:
                    return _describe(args, kwargs)
                value = kwargs[name]
            else:
                value = args[i]
            ok = i < len(self.args) and _type_matches(self.args[i][1], value)
            text = (f"{self.args[i][0]}=" if is_kwarg else "") + _type_text(value, True)
            parts.append(text if ok else f"!{text}!")
        return _join(parts, bool(args))


def _type_matches(printed_type, value):
    name = tp_name(value)
    if printed_type == "float":
        return name in ("float", "int")
    if printed_type == "int":
        return name == "int"
    return name == printed_type


def _type_text(value, expand):
    if expand and isinstance(value, (tuple, list)):
        inner = ", ".join(tp_name(v) for v in value)
        if isinstance(value, tuple):
            return f"{tp_name(value)} of ({inner}{',' if len(value) == 1 else ''})"
        return f"{tp_name(value)} of [{inner}]"
    return tp_name(value)


def _describe(args, kwargs):
    parts = [tp_name(a) for a in args] + [f"{k}={tp_name(v)}" for k, v in kwargs.items()]
    return _join(parts, bool(args))


def _join(parts, had_positional):
    # torch trims the last ", " only when some argument was positional: "(keepdim=bool, )"
    return "(" + ", ".join(parts) + ("" if had_positional or not parts else ", ") + ")"


# ---- the generated callables ---------------------------------------------------------------

# Python ints beyond what torch's parser unpacks (int64; a Scalar also takes uint64) go the
# slow way, which raises torch's errors (see Param.unpack).
_IN_INT64 = f"{-2 ** 63} <= {{v}} < {2 ** 63}"
_IN_SCALAR_RANGE = f"({{v}}.__class__ is not int or {-2 ** 63} <= {{v}} < {2 ** 64})"

_FAST = {  # a cheap test of a value against a type; anything it refuses goes the slow way
    "Tensor": "({v}.__class__ is _Tensor or isinstance({v}, _Tensor))",
    "Scalar": "({v}.__class__ in _NUMBERS and " + _IN_SCALAR_RANGE + ")",
    "complex": "{v}.__class__ in _NUMBERS",
    "float": "({v}.__class__ is float or {v}.__class__ is int)",
    "int": "({v}.__class__ is int and " + _IN_INT64 + ")",
    "SymInt": "({v}.__class__ is int and " + _IN_INT64 + ")",
    "bool": "{v}.__class__ is bool", "str": "{v}.__class__ is str", "object": "True",
    "ScalarType": "{v}.__class__ is _dtype_class",
    "int[]": "_ints({v})", "SymInt[]": "_ints({v})", "Tensor[]": "_tensors({v})",
}


def _ints(value):
    if value.__class__ is not tuple and value.__class__ is not list and \
            value.__class__ is not Size:
        return False
    for v in value:
        if v.__class__ is not int or not -2 ** 63 <= v < 2 ** 63:
            return False
    return True


def _tensors(value):
    if value.__class__ is not tuple and value.__class__ is not list:
        return False
    for v in value:
        if not isinstance(v, Tensor):
            return False
    return True


def checked(impl, texts, name, method=False, write_outs=None, operator=False):
    """The public callable of an op: ``impl`` behind torch's argument checks.

    ``texts`` are the function's signatures; ``method=True`` builds the Tensor method (the
    first parameter is ``self``). ``impl`` takes the parameters by the declared names (the
    union over the overloads), with the declared defaults; when it has no ``out`` parameter,
    ``write_outs(out, result)`` writes the result into a given ``out``. ``operator=True``
    builds a dunder: NotImplemented where the parser raises a TypeError, as torch's do.

    Nothing is parsed or generated before the first call (so importing flambeau costs no
    work per op): until then the callable runs a stub, whose code the generated function's
    then replaces, so the callable object itself stays the same.
    """
    env = {}
    exec(_STUB, env)
    public = env["_stub"]

    def build(args, kwargs):
        sigs = signatures(public)
        impl_params = impl.__code__.co_varnames[:impl.__code__.co_argcount +
                                                impl.__code__.co_kwonlyargcount]
        env["_slow"] = functools.partial(_slow_operator if operator else _slow,
                                         (impl, sigs, method, write_outs, impl_params))
        env["_impl"] = impl
        positional, keyword = _union(_fast_overloads(sigs))
        if positional is None:  # overloads disagree on names or order
            real = _generate_by_arity(sigs, name, method, impl_params, env)
        elif method and not positional and not keyword and len(sigs.overloads) == 1:
            real = _compiled(_NO_ARGUMENTS.format(name=name), name, env)
        else:
            real = _generate(impl, sigs, name, method, write_outs, impl_params, positional,
                             keyword, env)
        public.__code__ = real.__code__
        public.__defaults__, public.__kwdefaults__ = real.__defaults__, real.__kwdefaults__
        return public(*args, **kwargs)

    env["_build"] = build
    public.__name__ = public.__qualname__ = name
    public.__doc__ = impl.__doc__
    public.__module__ = impl.__module__
    public.__wrapped__ = impl
    public._signature_texts = (tuple(texts), method)
    public.__signature__ = DeclaredSignature(public=public)
    return public


def checker(*texts):
    """A callable that checks its arguments as torch's parser checks a call of the C function
    declared by ``texts``, raising its TypeError, and computes nothing: for a function torch
    writes in Python, whose messages name the C function it calls (``_unique2()``)."""
    return checked(_accept, texts, texts[0][:texts[0].index("(")])


def _accept(*args, **kwargs):
    return None


def signatures(public):
    """The parsed :class:`Signatures` of a callable made by :func:`checked` (made once)."""
    sigs = getattr(public, "_signatures", None)
    if sigs is None:
        texts, method = public._signature_texts
        sigs = public._signatures = Signatures(texts, method=method)
    return sigs


class DeclaredSignature(inspect.Signature):
    """What ``inspect.signature`` shows for a declared op's form (``out=`` included): the
    parameters of its declaration, made when first asked for."""
    __slots__ = ("_public",)

    def __init__(self, parameters=None, *, return_annotation=inspect.Signature.empty,
                 public=None):
        super().__init__(parameters, return_annotation=return_annotation)
        self._public = public

    @property
    def parameters(self):
        if self._public is not None:
            super().__init__(_python_parameters(self._public))
            self._public = None
        return super().parameters


def _python_parameters(public):
    """The parameters a Python ``def`` of the op's form would have: the overloads' names in
    their places (a parameter some overload can do without gets a default, as do the ones after
    it), or ``*args, **kwargs`` where overloads put different names in one place."""
    sigs = signatures(public)
    P = inspect.Parameter
    head = [P("self", P.POSITIONAL_OR_KEYWORD)] if public._signature_texts[1] else []
    overloads = _fast_overloads(sigs)
    positional, keyword_only = _union(overloads)
    names = (positional or []) + (keyword_only or [])
    if positional is None or any(keyword.iskeyword(n) for n in names):
        return head + [P("args", P.VAR_POSITIONAL), P("kwargs", P.VAR_KEYWORD)]
    params, optional = [], False
    for name in names:
        declared = [p for s in overloads for p in s.params if p.name == name]
        kind = P.KEYWORD_ONLY if name in keyword_only else P.POSITIONAL_OR_KEYWORD
        optional = optional and kind is P.POSITIONAL_OR_KEYWORD or \
            len(declared) < len(overloads) or any(p.optional for p in declared)
        defaults = [p.default for p in declared if p.default is not MISSING]
        default = (defaults[0] if defaults else None) if optional else P.empty
        params.append(P(name, kind, default=default))
    return head + params


_STUB = compile("def _stub(*args, **kwargs):\n    return _build(args, kwargs)\n",
                "<signature stub>", "exec")

# A method without arguments, which torch binds as a plain C method (``x.relu()``).
_NO_ARGUMENTS = """def {name}(self, *args, **kwargs):
    if kwargs:
        raise TypeError("TensorBase.{name}() takes no keyword arguments")
    if args:
        raise TypeError(f"TensorBase.{name}() takes no arguments ({{len(args)}} given)")
    return _impl(self)
"""


def _compiled(source, name, env):
    exec(compile(source.format(name=name) if "{name}" in source else source,
                 f"<signature of {name}>", "exec"), env)
    return env[name]


def _generate(impl, sigs, name, method, write_outs, impl_params, positional, keyword, env):
    """The checking function's source, compiled into ``env``; returns the function."""
    env.update({"_N": MISSING, "_Tensor": Tensor, "_NUMBERS": {int, float, bool, complex},
                "_dtype_class": _dtype.dtype, "_ints": _ints, "_tensors": _tensors,
                "_write_outs": write_outs, "_given_args": _given_args,
                "_given_kwargs": _given_kwargs})  # _impl and _slow: set by checked()
    fast = _fast_overloads(sigs)
    defaults = _plain_defaults(fast, env)
    for n, d in defaults.items():
        env[f"_D_{n}"] = d

    def default(n):
        return f"_D_{n}" if n in defaults else "_N"

    params = (["self"] if method else []) + [f"{p}={default(p)}" for p in positional]
    params = params + ["/"] if params else []
    params += ["*_more"] + [f"{p}={default(p)}" for p in keyword] + ["**_kw"]
    self_arg = "self, " if method else ""
    given = f"({', '.join(default(p) for p in positional)}{',' if positional else ''})"
    kwonly = ", ".join(keyword)
    lines = [f"def {name}({', '.join(params)}):"]
    varargs = [s for s in fast if s.varargs_intlist()]
    kw_defaults = f"({', '.join(default(k) for k in keyword)}{',' if keyword else ''})"

    def slow(values, more="()", extra="{}"):
        """Source of the slow path's call, with the arguments as the caller gave them."""
        return (f"return _slow({self_arg}_given_args({values}, {given}, {more}), "
                f"_given_kwargs(({kwonly}{',' if keyword else ''}), {tuple(keyword)!r}, "
                f"{kw_defaults}, {extra}))")

    spread = varargs and positional
    if spread:  # x.view(2, 3): the ints gathered into the list (and kept for the parser)
        p0 = positional[0]
        # a lone int stays one when an overload takes an int there (x.squeeze(2))
        lone = any(sig.params and not sig.params[0].keyword_only and
                   sig.params[0].type in ("int", "SymInt") for sig in fast)
        more = "_more and " if lone else ""
        lines.append(f"    if {p0}.__class__ is int and {_IN_INT64.format(v=p0)} and not _kw and "
                     f"{more}_ints(_more):")
        lines.append(f"        {p0} = _spread = ({p0},) + _more")
        lines.append("        _more = ()")
        lines.append("    else:")
        lines.append("        _spread = None")
    lines.append("    if _kw or _more:")
    lines.append(f"        return _keywords({self_arg}{', '.join(positional + keyword)}"
                 f"{', ' if positional + keyword else ''}_more, _kw)")
    body = _dispatch(sigs, positional, keyword, impl_params, env, method, defaults,
                     positional[0] if spread else None)
    lines += body
    if spread:
        lines.append("    if _spread is not None:")
        lines.append("        " + slow("()", "_spread"))
    lines.append("    " + slow(f"({', '.join(positional)}{',' if positional else ''})"))
    # the keyword path: keywords for positional parameters (and NumPy's names) are moved to
    # their places, then the same dispatch runs
    kl = [f"def _keywords({self_arg}{', '.join(positional + keyword)}"
          f"{', ' if positional + keyword else ''}_more, _kw):",
          "    _given = dict(_kw)",
          f"    _values = ({', '.join(positional)}{',' if positional else ''})",
          "    if _more:",
          "        " + slow("_values", "_more", "_given")]
    if spread:  # (with keywords, no ints were gathered)
        kl.insert(1, "    _spread = None")
    for p in positional:  # (both dim= and axis=: axis is left over, and refused)
        for i, key in enumerate((p,) + NUMPY_NAMES.get(p, ())):
            kl.append(f"    {'el' if i else ''}if {key!r} in _kw:")
            kl.append(f"        if {p} is not {default(p)}:")
            kl.append("            " + slow("_values", "()", "_given"))
            kl.append(f"        {p} = _kw.pop({key!r})")
    kl.append("    if _kw:")
    kl.append("        " + slow("_values", "()", "_given"))
    kl += body
    kl.append("    " + slow("_values", "()", "_given"))
    source = "\n".join(kl) + "\n\n" + "\n".join(lines) + "\n"
    exec(compile(source, f"<signature of {name}>", "exec"), env)
    return env[name]


def _generate_by_arity(sigs, name, method, impl_params, env):
    """The checking function of an op whose overloads put different names at one position
    (``arange(end)``, ``arange(start, end)``): the overloads that take as many positional
    arguments as given are tested in torch's order, each with the quick class checks, and the
    first that passes is called with the arguments as given. An overload that fails its quick
    test may still fit after torch's conversions; the next is tried only when the call surely
    cannot fit it (a number where it wants a tensor, a keyword it lacks), else the parser
    decides."""
    env.update({"_N": MISSING, "_Tensor": Tensor, "_NUMBERS": {int, float, bool, complex},
                "_SEQUENCES": {tuple, list, Size}, "_dtype_class": _dtype.dtype,
                "_NOT_DEVICES": {_dtype.dtype, Tensor, float, bool, complex},
                "_ints": _ints, "_tensors": _tensors})
    head = "self, " if method else ""
    slow = f"return _slow({head}args, kwargs)"
    lines = [f"def {name}({head}*args, **kwargs):", "    n = len(args)"]
    overloads = _fast_overloads(sigs)
    for n in range(max(s.max_pos_args for s in overloads) + 1):
        names = [f"a{i}" for i in range(n)]
        lines.append(f"    if n == {n}:")
        if n:
            lines.append(f"        {', '.join(names)}, = args")
        candidates = [(k, sig) for k, sig in enumerate(overloads)
                      if n <= sig.max_pos_args or n and sig.varargs_intlist()]
        for k, sig in candidates:
            if sig.varargs_intlist():  # x.view(2, 3), x.view((2, 3)); the rest: the parser
                if n == 1:  # x.view(6): one int, tested here (no call)
                    lines.append(f"        if not kwargs and a0.__class__ is int and "
                                 f"{_IN_INT64.format(v='a0')}:")
                    lines.append(f"            return _impl({head}args)")
                    lines.append("        if not kwargs and _ints(a0):")
                    lines.append(f"            return _impl({head}a0)")
                if n > 1:
                    lines.append("        if not kwargs and _ints(args):")
                    lines.append(f"            return _impl({head}args)")
                break
            key = f"_kw{n}_{k}"
            env[key] = _keyword_test(sig, n, impl_params, method, env, f"{n}_{k}")
            tests = [_check_source(p, a, env, f"{n}_{k}") for p, a in zip(sig.params, names)]
            tests.append(f"(not kwargs and {key}.plain or {key}(kwargs))")
            lines.append(f"        if {' and '.join(tests)}:")
            lines.append(f"            return _impl({head}*args, **kwargs)")
            refused = _refusals(sig, names)
            if not refused or sig is candidates[-1][1]:
                break
            lines.append(f"        if not ({' or '.join(refused)} or {key}.refuses(kwargs)):")
            lines.append(f"            {slow}")
        lines.append(f"        {slow}")
    if any(sig.varargs_intlist() for sig in overloads):  # more ints than any overload takes
        lines.append("    if not kwargs and _ints(args):")
        lines.append(f"        return _impl({head}args)")
    lines.append(f"    {slow}")
    return _compiled("\n".join(lines) + "\n", name, env)


def _keyword_test(sig, n, impl_params, method, env, k):
    """A test that the keyword arguments of a call with ``n`` positional ones fit ``sig``
    without conversion, the op taking them by the same names in the same places (``out``
    goes the slow way unless the op takes it); ``.plain``: whether no keywords fit;
    ``.refuses(kwargs)``: whether they surely do not fit, whatever the conversions."""
    rest = sig.params[n:]
    places = {name: i - method for i, name in enumerate(impl_params)}
    keyword = [p for i, p in enumerate(sig.params) if i >= n and p.name in places and
               (p.keyword_only or places[p.name] == i)]
    taken = {p.name for p in keyword}
    required = [p.name for p in rest if not p.optional]
    lines = ["def test(kwargs):", "    for k, v in kwargs.items():"]
    for p in keyword:
        lines.append(f"        if k == {p.name!r}:")
        lines.append(f"            if not {_check_source(p, 'v', env, k + p.name)}:")
        lines.append("                return False")
        lines.append("            continue")
    lines.append("        return False")
    lines.append(f"    return {' and '.join(f'{r!r} in kwargs' for r in required) or 'True'}"
                 if taken.issuperset(required) else "    return False")
    exec(compile("\n".join(lines) + "\n", f"<signature of {sig.name}>", "exec"), env)
    test = env.pop("test")
    test.plain = not required
    known = {p.name for p in sig.params} | {a for p in sig.params
                                              for a in NUMPY_NAMES.get(p.name, ())}
    test.refuses = lambda kwargs: any(r not in kwargs for r in required) or \
        not kwargs.keys() <= known
    return test


def _refusals(sig, names):
    """Source of tests that a positional argument surely cannot fit ``sig``."""
    out = []
    for p, a in zip(sig.params, names):
        if p.type == "Tensor" and not p.numbers_as_tensors:
            out.append(f"{a}.__class__ in _NUMBERS")
        elif p.type in ("ScalarType", "int"):  # (the Python type int is a dtype)
            out.append(f"{a}.__class__ in _SEQUENCES")
            if p.type == "ScalarType":
                out.append(f"{a}.__class__ is int")
        elif p.type == "Device":  # (x.to(dtype) is not a device)
            out.append(f"{a}.__class__ in _NOT_DEVICES")
        if not p.nullable and p.type != "object":
            out.append(f"{a} is None")
    return out


def _fast_overloads(sigs):
    """The overloads the generated code tests: the shown ones (hidden, deprecated overloads
    are left to the parser), with a leading ``self`` (``pow(Scalar self, Tensor exponent)``)
    named ``input`` like the others, since it stands in the same place."""
    out = []
    for sig in sigs.overloads:
        if sig.hidden:
            continue
        if sig.params and sig.params[0].name == "self":
            renamed = object.__new__(Signature)
            for slot in Signature.__slots__:
                setattr(renamed, slot, getattr(sig, slot))
            first = object.__new__(Param)
            for slot in Param.__slots__:
                setattr(first, slot, getattr(sig.params[0], slot))
            first.name = "input"
            renamed.params = [first] + sig.params[1:]
            sig = renamed
        out.append(sig)
    return out


def _union(overloads):
    """The positional and keyword-only parameter names over all overloads, or (None, None)
    when two overloads put different names at one position or disagree on keyword-ness, or a
    name is a Python keyword (``uniform_(float from=0, ...)``)."""
    positional, keyword = [], []
    for sig in overloads:
        i = 0
        for p in sig.params:
            if iskeyword(p.name):
                return None, None
            if p.keyword_only:
                if p.name in positional:
                    return None, None
                if p.name not in keyword:
                    keyword.append(p.name)
                continue
            if p.name in keyword:
                return None, None
            if i < len(positional):
                if positional[i] != p.name:
                    return None, None
            else:
                positional.append(p.name)
            i += 1
    return positional, keyword


def _plain_defaults(overloads, env):
    """The parameters whose default can stand in the generated signature itself: optional in
    every overload, with one default that passes the fast test. (The others default to
    ``_N``, so that the dispatch can tell whether they were given.)"""
    found = {}
    for sig in overloads:
        for p in sig.params:
            found.setdefault(p.name, []).append(p)
    plain = {}
    for name, params in found.items():
        p = params[0]
        if len(params) != len(overloads) or not all(
                q.optional and q.default == p.default and type(q.default) is type(p.default)
                for q in params):
            continue
        if eval(_check_source(p, "value", env, "default"), dict(env, value=p.default)):
            plain[name] = p.default
    return plain


def _given_args(values, defaults, more):
    """The positional values the caller gave: up to the last one that is not its default (all
    of them when there are more)."""
    n = len(values)
    while n and not more and values[n - 1] is defaults[n - 1]:
        n -= 1
    return tuple(values[:n]) + tuple(more)


def _given_kwargs(values, names, defaults, extra):
    out = {k: v for k, v, d in zip(names, values, defaults) if v is not d}
    out.update(extra)
    return out


def _dispatch(sigs, positional, keyword, impl_params, env, method, defaults, gathered=None):
    """Source lines: for each overload in torch's order, the test that the given values fit it
    and the call of the op with its defaults filled in. ``gathered``: the int list parameter
    whose ints were gathered and tested already when ``_spread`` is set."""
    impl = env["_impl"]
    impl_defaults = dict(zip(impl.__code__.co_varnames[impl.__code__.co_argcount -
                                                       len(impl.__defaults__ or ()):],
                             impl.__defaults__ or ()))
    impl_defaults.update(impl.__kwdefaults__ or {})
    lines = []
    union = positional + keyword
    self_arg = "self, " if method else ""
    overloads = _fast_overloads(sigs)
    required = [{p.name for p in sig.params if not p.optional} for sig in overloads]
    sometimes = set(union) - set.intersection(*required) if required else set()  # not in every
    # overload, or optional in one
    for k, sig in enumerate(overloads):
        mine = {p.name: p for p in sig.params}
        present, tests, call_pos, call_kw = [], [], [], []  # present: identity tests, first
        for name in union:
            p = mine.get(name)
            if p is None:
                if name not in defaults:
                    present.append(f"{name} is _N")
                continue
            check = _check_source(p, name, env, k)
            if name == gathered and p.type in ("int[]", "SymInt[]"):
                check = f"(_spread is not None or {check})"
            if name in defaults:
                tests.append(check)
                value = name
            elif p.optional:
                tests.append(f"({name} is _N or {check})")
                key = f"_d{k}_{name}"
                env[key] = impl_defaults.get(name) if isinstance(p.default, Symbolic) \
                    else p.default
                value = f"({key} if {name} is _N else {name})"
            else:  # required here: given at all is the cheap test, where it may not be
                if p.type == "object" or name in sometimes and name not in defaults:
                    present.append(f"{name} is not _N")
                if p.type != "object":
                    tests.append(check)
                value = name
            if name == "out" and "out" not in impl_params:
                continue
            at = len(call_pos) + method  # the op's parameter a value passed by place binds to
            if len(call_kw) == 0 and (
                    not p.keyword_only and name in positional and
                    positional.index(name) == len(call_pos) or
                    at < impl.__code__.co_argcount and impl_params[at] == name):
                call_pos.append(value)  # (by place: cheaper than by keyword)
            else:
                call_kw.append(f"{name}={value}")
        call = f"_impl({self_arg}{', '.join(call_pos + call_kw)})"
        lines.append(f"    if {' and '.join(present + tests) or 'True'}:")
        if "out" in mine and "out" not in impl_params:
            inputs = "".join(f"{p.name}, " for p in sig.params
                             if p.type in ("Tensor", "Tensor[]", "Tensor?[]") and p.name != "out")
            lines.append(f"        _r = {call}")
            lines.append("        return _r if out is None or out is _N else "
                         f"_write_outs(out, _r, ({self_arg}{inputs}))")
        else:
            lines.append(f"        return {call}")
    return lines


def _check_source(p, name, env, k):
    fast = _FAST.get(p.type)
    if p.type == "Tensor" and p.numbers_as_tensors:
        fast = ("({v}.__class__ in _NUMBERS and " + _IN_SCALAR_RANGE +
                " or {v}.__class__ is _Tensor or isinstance({v}, _Tensor))")
    if p.type in ("int[]", "SymInt[]") and p.size:
        fast = "({v}.__class__ is int and " + _IN_INT64 + " or _ints({v}))"
    if fast is None:
        key = f"_p{k}_{name}"
        env[key] = p
        fast = key + ".matches({v})"
    check = fast.format(v=name)
    if p.nullable:
        check = f"({name} is None or {check})"
    return check


def _slow_operator(op, *call):
    """``_slow`` for a dunder: a TypeError is NotImplemented (``x += object()`` then raises
    Python's "unsupported operand type(s)")."""
    try:
        return _slow(op, *call)
    except TypeError:
        return NotImplemented


def operator_form(public):
    """The in-place operator (``__iadd__``) of a checked method (``add_``)."""
    texts, method = public._signature_texts
    return checked(public.__wrapped__, texts, public.__name__, method, operator=True)


def function_form(method):
    """``torch.sigmoid_(x)``: the function form of a checked in-place method (which takes no
    ``out=``)."""
    texts, _ = method._signature_texts
    texts = [t.replace(", Tensor? out=None)", ")").replace(", *, Tensor out)", ")")
             .replace(", *)", ")") for t in texts if "(Tensor " in t]
    return checked(method.__wrapped__, texts, method.__name__)


def _slow(op, *call):
    """A call the generated test did not pass: torch's parser decides, converts and reports
    (``op``: the checked op's ``impl, sigs, method, write_outs, impl_params``)."""
    impl, sigs, method, write_outs, impl_params = op
    if method:
        self, args, kwargs = call
    else:
        args, kwargs = call
    sig, bound = sigs.parse(args, kwargs)
    if sig.hidden:  # a deprecated order (add(x, 2, y), addmm(2, x, 1, a, b)): the current
        # overload's, its names standing for the old names it lacks (async=: non_blocking=)
        _deprecated(sigs, sig)
        current = sigs.overloads[0]
        names = {p.name for p in current.params}
        bound = {name if name in names else current.params[i].name: bound[name]
                 for i, name in enumerate(p.name for p in sig.params) if name in bound}
        sig = current
    out = bound.pop("out", None) if "out" not in impl_params else None
    positional, keywords = [self] if method else [], {}
    for i, p in enumerate(sig.params):  # positional ones by place (the op may name them
        if p.name not in bound:         # otherwise)
            continue
        if p.keyword_only or keywords or len(positional) != i + method:
            keywords[p.name] = bound[p.name]
        else:
            positional.append(bound[p.name])
    result = impl(*positional, **keywords)
    return result if out is None else write_outs(out, result, positional + [keywords])


_warned_deprecated = []


def _deprecated(sigs, sig):
    """torch's warning, once per process, on the first call of a deprecated overload."""
    if _warned_deprecated or not sig.deprecated:
        return
    _warned_deprecated.append(sig)
    shown = [s for s in sigs.overloads if not s.hidden]
    old = Signature(sig.name + "()")  # printed as torch merges the forms with and without out
    old.params = [p for p in sig.params if p.name != "out"]
    old = old.printed()
    if not sigs.method:
        old = old[:-1] + ", *, Tensor out = None)"
    warn_caller(f"This overload of {sig.name} is deprecated:\n\t{sig.name}{old}\n"
                "Consider using one of the following signatures instead:" +
                "".join(f"\n\t{s.name}{s.printed()}" for s in shown))
