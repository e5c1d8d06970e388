"""One op, one place: the registry that turns an op definition into its public forms.

An op is a Python function of tensors (and options) that computes its result on backend arrays
and, when an input requires grad, records its derivative next to the forward (see
``autograd.graph.record``). Decorating it with :func:`defop` makes, from that one definition:

- the public function ``flambeau.name`` (or ``flambeau.linalg.name`` ... with ``namespace=``),
- the method ``Tensor.name``,
- the in-place method ``Tensor.name_`` (``inplace=True``): the result is written back into the
  tensor, after torch's checks (dtype can be cast, shape unchanged by broadcasting, no leaf
  that requires grad), and the tensor takes over the result's place in the graph,
- the ``out=`` keyword (``out=True``): the result is written into ``out``, resized if needed,
- aliases (``aliases=("absolute",)``).

``flambeau/__init__.py`` reads :data:`OPS` to build the namespaces and bind methods.
"""
import functools
import inspect

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _contiguous_strides, make
from . import autocast, barebones
from ..autograd import grad_mode
from ..autograd.graph import move_retained_grad
from ._util import warn_caller
from .signature import checked

OPS = []  # (namespace, public name, function, is Tensor method)

# torch's words for an out= of another dtype than the result's, shared by several ops
OUT_DTYPE = "Expected out tensor to have dtype {result._cpp_name}, but got {out._cpp_name} instead"


def defop(fn=None, *, name=None, method=True, function=True, inplace=False, out=False,
          aliases=(), namespace="", spread=None, signature=None, out_apart=False,
          out_exact=None):
    """Registers an op; see the module docstring.

    ``signature`` is torch's Python signature of the op, one string per overload, in the words
    of torch's argument parser: ``"add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor?
    out=None)"`` (types Tensor, Scalar, int, float, complex, bool, int[], int[N], float[],
    Tensor[], Scalar[], ScalarType, Layout, Device, MemoryFormat, Generator, str, object;
    ``?`` admits None). A declared op's ``out=`` form and spread-out int lists follow from its
    signatures, so ``out`` and ``spread`` are for ops not declared yet.

    ``inplace`` may be a function, the op's ``direct`` writer (see :func:`inplace_variant`).

    ``out_apart``: the op refuses an ``out=`` that is one of its inputs, as torch's ops
    outside TensorIterator do (every op refuses one that partly overlaps an input).
    ``out_exact``: the op refuses an ``out=`` of another dtype than its result's with this
    message, formatted with the two dtypes as ``result`` and ``out``.

    ``spread`` is for an op whose one argument after the tensor is a list of ints: torch's
    method then also takes the ints spread out (``x.flip(0, 1)``), its function does not.
    ``spread="list"``: a single int is a list of one (``x.flip(1)``); ``spread="overload"``:
    a single int is the op's int overload, left as it is (``x.hsplit(2)``).
    """
    if fn is None:
        return functools.partial(defop, name=name, method=method, function=function,
                                 inplace=inplace, out=out, aliases=aliases, namespace=namespace,
                                 spread=spread, signature=signature, out_apart=out_apart,
                                 out_exact=out_exact)
    name = name or fn.__name__
    refused = barebones.refusal(namespace, name)
    if refused is not None:
        fn = barebones_form(fn, refused)
    how = autocast.policy(namespace, name)  # in-place forms are never autocast
    cast = fn if how is None else autocast_form(fn, how)
    writer = _write_outs if not (out_apart or out_exact) else \
        functools.partial(_write_outs, apart=out_apart, exact=out_exact)
    if signature is not None:
        return _declared(fn, cast, name,
                         (signature,) if isinstance(signature, str) else signature,
                         method, function, inplace, aliases, namespace, writer)
    public = with_out(cast, writer) if out else cast
    bound = spread_method(cast, spread == "list") if spread else cast
    for n in (name,) + tuple(aliases):
        if function:
            register(namespace, n, public)
        if method:
            register(namespace, n, bound, True)
        if inplace:
            register(namespace, n + "_", _inplace_form(fn, n, inplace), True)
    return public


def _declared(fn, cast, name, texts, method, function, inplace, aliases, namespace, writer):
    """The forms of an op declared with torch's signatures, each behind torch's checks
    (``cast``: ``fn`` under autocast; ``writer``: its out= writer)."""
    public = None
    prefix = namespace + "_" if namespace else ""  # torch's parser says special_erf()
    for n in (name,) + tuple(aliases):
        named = [_renamed(t, prefix + n) for t in texts]
        if function:
            form = checked(cast, named, prefix + n, write_outs=writer)
            public = public or form
            register(namespace, n, form)
        if method:
            register(namespace, n, checked(cast, named, n, method=True), True)
        if inplace:
            register(namespace, n + "_", checked(_inplace_form(fn, n, inplace),
                                                 [_renamed(t, n + "_") for t in texts],
                                                 n + "_", method=True), True)
    return public or checked(cast, [_renamed(t, name) for t in texts], name,
                             write_outs=writer)


def _inplace_form(fn, name, inplace):
    return inplace_variant(fn, name + "_", None if inplace is True else inplace)


def _renamed(text, name):
    return name + text[text.index("("):]


_KEYS = set()


def register(namespace, name, fn, method=False):
    """Adds a callable (an op's form, a class, a property) to a namespace or to Tensor; a name
    can be registered once."""
    key = (namespace, name, method)
    if key in _KEYS:
        raise RuntimeError(f"{'Tensor.' if method else namespace or 'flambeau'}.{name} is "
                           "registered twice")
    _KEYS.add(key)
    OPS.append((namespace, name, fn, method))


def spread_method(fn, single_int_is_list):
    """The method form of ``fn(input, ints)`` that also takes the ints as separate arguments."""
    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        if kwargs or not args:
            return fn(self, *args, **kwargs)
        if len(args) > 1:
            return fn(self, args)
        ints = args[0]
        if single_int_is_list and (ints.__class__ is int or _is_int(ints)):
            return fn(self, args)
        return fn(self, ints)
    return method


def _is_int(value):
    return isinstance(value, int) or isinstance(value, Tensor) and value.ndim == 0


# ---- in-place and out= variants ------------------------------------------------------------

def inplace_variant(fn, name, direct=None):
    """``self.name_(...)``: ``fn``'s result written into ``self``. ``direct(self, ...)``, when
    given, writes straight into ``self``'s buffer (NumPy's ``out=``) and returns ``self``, or
    returns None where it cannot (a graph to record, a cast, a broadcast that grows ``self``)
    and the result is computed apart and copied in."""
    @functools.wraps(fn)
    def inplace(self, *args, **kwargs):
        check_inplace(self)
        if direct is not None:
            done = direct(self, *args, **kwargs)
            if done is not None:
                return done
        source = self
        if grad_mode.is_grad_enabled() and (self._requires_grad or _any_requires_grad(args) or
                                            _any_requires_grad(kwargs.values())):
            # a derivative that saves the input needs its old values (torch saves a clone):
            # ``x.mul_(w)`` on an ``x`` without grad saves ``x`` for ``w``'s gradient
            source = snapshot(self)
        return commit_inplace(self, fn(source, *args, **kwargs))
    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = f"In-place version of :meth:`Tensor.{name[:-1]}`."
    return inplace


def _any_requires_grad(values):
    return any(isinstance(v, Tensor) and v._requires_grad for v in values)


def snapshot(t):
    """A copy of ``t``'s values with ``t``'s place in the graph (what an in-place op reads)."""
    copy = make(t._data.copy(), t._dtype)
    copy._grad_fn, copy._output_nr, copy._requires_grad = \
        t._grad_fn, t._output_nr, t._requires_grad
    return copy


def check_inplace(t):
    """torch refuses in-place ops on leaves that require grad while grad mode is on, and on
    inference tensors outside inference mode."""
    if t._requires_grad and grad_mode.is_grad_enabled():
        if t._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        base = t._base
        if base is not None and base._grad_fn is None and base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
    meta = t._meta  # (t.is_inference(), without its two frames)
    if meta is not None and meta.inference and not grad_mode.is_inference_mode_enabled():
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                           "details.")


def check_no_overlap(t):
    """torch refuses writes (other than fills) into a tensor whose elements share memory."""
    a = t._data
    if a.size and 0 in a.strides and any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")


def commit_inplace(self, result):
    """Writes ``result`` into ``self`` and moves ``self`` to the result's place in the graph.

    When ``self`` is a view, its base's history changes too (see :func:`rebase_history`).
    """
    if result._data.shape != self._data.shape:
        shape = list(result._data.shape)
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                           f"broadcast shape {shape}")
    check_cast(result._dtype, self._dtype)
    check_no_overlap(self)
    self._data[...] = result._data
    self._bump_version()
    rebase_history(self, result)
    return self


def rebase_history(self, result):
    """After ``self`` was overwritten with ``result``'s values, ``self`` takes the result's
    place in the graph; when ``self`` is a view, its base gets a ``CopySlices`` node."""
    base = self._base
    if not grad_mode.is_grad_enabled() or not (
            result._requires_grad or base is not None and base._requires_grad):
        return
    if base is None:
        if self._grad_fn is not None:
            move_retained_grad(self, result._grad_fn, result._output_nr)
        self._grad_fn, self._output_nr, self._requires_grad = \
            result._grad_fn, result._output_nr, True
    else:
        copy_slices(self, base, result)


def copy_slices(view, base, result):
    """Records ``CopySlices`` on ``base`` and a fresh view node on ``view``."""
    import numpy as np
    from .. import _tensor
    from ..autograd.graph import record
    positions = _tensor.make(view_positions(view, base))
    shape = base._data.shape
    mask = np.ones(base._data.size, dtype=base._data.dtype)
    mask[positions._data.reshape(-1)] = 0
    outside = _tensor.make(mask.reshape(shape))
    inputs = (base, result if result._requires_grad else None)
    record("CopySlices", (base,), inputs,
           lambda g: (g * outside, g.reshape(-1)[positions] if inputs[1] is not None else None))
    record("AsStridedBackward0", (view,), (base,),
           lambda g: g.new_zeros(base.numel()).index_add(0, positions.reshape(-1),
                                                        g.reshape(-1)).reshape(shape))


def view_positions(view, base):
    """For each element of ``view``, its flat position in ``base`` (both over one storage)."""
    import numpy as np
    storage = base._get_storage()
    item = base._dtype.itemsize

    def offsets(t):  # storage offset of every element of t
        grid = np.zeros(t._data.shape, dtype=np.int64) + t.storage_offset()
        for d, (n, st) in enumerate(zip(t._data.shape, t.stride())):
            shape = [1] * t._data.ndim
            shape[d] = n
            grid = grid + (np.arange(n) * st).reshape(shape)
        return grid

    where = np.full(storage.nbytes() // item, -1, dtype=np.int64)
    where[offsets(base).reshape(-1)] = np.arange(base._data.size)
    return where[offsets(view)]


def check_cast(result_dtype, out_dtype):
    if not _dtype.can_cast(result_dtype, out_dtype):
        raise RuntimeError(f"result type {type_name(result_dtype)} can't be cast to the desired "
                           f"output type {type_name(out_dtype)}")


def type_name(d):
    """torch's ScalarType name of a dtype, as its error messages spell it: Float, Long..."""
    return d._scalar_name


def with_out(fn, writer=None):
    """``fn`` with the keyword-only ``out=`` of torch's functional form (``writer``: the
    op's :func:`_write_outs`, given the inputs).

    The wrapper is generated with ``fn``'s own parameters (as ``dataclasses`` generates
    ``__init__``), so a call costs one extra frame and no ``*args``/``**kwargs`` packing; a
    signature with ``**kwargs`` or positional-only parameters gets a generic one.
    """
    writer = writer or _write_outs
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if any(p.kind in (p.VAR_KEYWORD, p.POSITIONAL_ONLY) for p in params):
        def public(*args, out=None, **kwargs):
            result = fn(*args, **kwargs)
            return result if out is None else writer(out, result, args + (kwargs,))
    else:
        namespace = {"_op": fn, "_write_outs": writer}
        heads, passes, keyword_only = _parameter_texts(params, namespace)
        heads += [] if keyword_only else ["*"]
        heads.append("out=None")
        inputs = ", ".join(p.name for p in params) + ","
        exec(f"def public({', '.join(heads)}):\n"
             f"    _result = _op({', '.join(passes)})\n"
             f"    return _result if out is None else _write_outs(out, _result, ({inputs}))\n",
             namespace)
        public = namespace["public"]
    public = functools.wraps(fn)(public)
    public.__signature__ = sig.replace(
        parameters=[p for p in params if p.kind is not p.VAR_KEYWORD] +
        [inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)] +
        [p for p in params if p.kind is p.VAR_KEYWORD])
    return public


def _parameter_texts(params, namespace):
    """A function's parameters as the head of a ``def`` of the same parameters, as the
    arguments that pass them on (defaults go into ``namespace``), and whether the head ends
    with keyword-only parameters."""
    heads, passes, keyword_only = [], [], False
    for i, p in enumerate(params):
        if p.kind is p.VAR_POSITIONAL:
            heads.append("*" + p.name)
            passes.append("*" + p.name)
            keyword_only = True
            continue
        if p.kind is p.KEYWORD_ONLY and not keyword_only:
            heads.append("*")
            keyword_only = True
        default = ""
        if p.default is not p.empty:
            namespace[f"_default{i}"] = p.default
            default = f"=_default{i}"
        heads.append(p.name + default)
        passes.append(f"{p.name}={p.name}" if keyword_only else p.name)
    return heads, passes, keyword_only


class _Parameter:
    """The ``name``, ``kind`` and ``default`` of an ``inspect.Parameter``, which is all the
    form generators read."""
    __slots__ = ("name", "kind", "default")
    empty = inspect.Parameter.empty

    def __init__(self, name, kind, default=inspect.Parameter.empty):
        self.name, self.kind, self.default = name, kind, default


for _kind in inspect.Parameter.POSITIONAL_ONLY.__class__:
    setattr(_Parameter, _kind.name, _kind)


def _parameters(fn):
    """``inspect.signature(fn).parameters.values()`` read from the code object of a plain
    function (inspect's way costs about 30 us a function: a few ms of ``import flambeau``)."""
    while hasattr(fn, "__wrapped__") and not hasattr(fn, "__signature__"):
        fn = fn.__wrapped__  # as inspect.signature unwraps
    code = getattr(fn, "__code__", None)
    if code is None or hasattr(fn, "__signature__") or not inspect.isfunction(fn):
        return list(inspect.signature(fn).parameters.values())
    P, names = _Parameter, code.co_varnames
    n, kw = code.co_argcount, code.co_kwonlyargcount
    defaults, kwdefaults = fn.__defaults__ or (), fn.__kwdefaults__ or {}
    first_default = n - len(defaults)
    params = [P(names[i], P.POSITIONAL_ONLY if i < code.co_posonlyargcount else
                P.POSITIONAL_OR_KEYWORD, defaults[i - first_default] if i >= first_default
                else P.empty) for i in range(n)]
    varargs = code.co_flags & inspect.CO_VARARGS
    if varargs:
        params.append(P(names[n + kw], P.VAR_POSITIONAL))
    params += [P(name, P.KEYWORD_ONLY, kwdefaults.get(name, P.empty))
               for name in names[n:n + kw]]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        params.append(P(names[n + kw + bool(varargs)], P.VAR_KEYWORD))
    return params


@functools.lru_cache(maxsize=None)
def _compiled(source):
    """A generated form's source, compiled once: forms of ops with the same parameters share
    the code (compiling is most of what generating a form costs)."""
    return compile(source, "<string>", "exec")


def barebones_form(fn, kernel):
    """``fn`` that refuses a first argument of a dtype family (barebones unsigned, complex) as
    torch does (``barebones.refuse_family``), generated with ``fn``'s parameters: one frame
    and two tests."""
    params = _parameters(fn)
    namespace = {}
    if any(p.kind in (p.VAR_KEYWORD, p.POSITIONAL_ONLY, p.VAR_POSITIONAL) for p in params[:1]) \
            or any(p.kind in (p.VAR_KEYWORD, p.POSITIONAL_ONLY) for p in params):
        heads, passes, first = ["*args", "**kwargs"], ["*args", "**kwargs"], "args[0]"
    else:
        heads, passes, _ = _parameter_texts(params, namespace)
        first = params[0].name
    arguments = ", ".join(passes)
    exec(_compiled(f"def _make(_op, _kernel, {', '.join(namespace)}):\n"
                   f"    def form({', '.join(heads)}):\n"
                   f"        if {first}.__class__ is _Tensor and {first}._dtype._family:\n"
                   f"            _refuse(_kernel, {arguments})\n"
                   f"        return _op({arguments})\n"
                   f"    return form\n"), _BAREBONES_ENV)
    return functools.wraps(fn)(_BAREBONES_ENV.pop("_make")(fn, kernel, *namespace.values()))


_BAREBONES_ENV = {"_Tensor": Tensor, "_refuse": barebones.refuse_family}


def autocast_form(fn, how):
    """``fn`` that, while ``torch.autocast`` is on, casts its inputs as ``how`` says
    (``autocast.call``); generated with ``fn``'s parameters, so that when autocast is off a
    call costs one frame and one test of a global."""
    params = _parameters(fn)
    namespace = {}
    if any(p.kind in (p.VAR_KEYWORD, p.POSITIONAL_ONLY) for p in params):
        heads, passes = ["*args", "**kwargs"], ["*args", "**kwargs"]
    else:
        heads, passes, _ = _parameter_texts(params, namespace)
    arguments = ", ".join(passes)
    exec(_compiled(f"def _make(_op, _how, {', '.join(namespace)}):\n"
                   f"    def form({', '.join(heads)}):\n"
                   f"        if _on:\n"
                   f"            return _call(_op, _how, {arguments})\n"
                   f"        return _op({arguments})\n"
                   f"    return form\n"), autocast.FORMS_ENV)
    form = autocast.FORMS_ENV.pop("_make")(fn, how, *namespace.values())
    return functools.wraps(fn)(form)


def _write_outs(out, result, inputs=(), apart=False, exact=None):
    """Writes ``result`` (a tensor, or a tuple of them) into ``out``; returns what torch does.

    ``inputs``: the op's arguments (tensors among them, or in lists or dicts among them), which
    an out must not partly overlap (``apart``: nor be); ``exact``: see :func:`defop`."""
    pairs = tuple(zip(out, result)) if isinstance(out, (tuple, list)) else ((out, result),)
    for o, r in pairs:
        if isinstance(o, Tensor):
            if exact is not None and o._dtype is not r._dtype:
                raise RuntimeError(exact.format(result=r._dtype, out=o._dtype))
            _check_apart(o, r, inputs, apart)
    for o, r in pairs:
        write_out(o, r)
    if out.__class__ is tuple or out.__class__ is list:
        return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
    return out


def _check_apart(out, result, inputs, apart):
    """torch's refusal of an ``out`` whose memory an input shares: in part (both dense, their
    byte ranges crossing) or, when ``apart``, in whole (the same range and strides)."""
    if apart:  # checked before out= is resized, as those ops do
        check_no_overlap(out)
    a = out._data
    if a.shape != result._data.shape:  # out= is resized (contiguously) first
        shape = result._data.shape
        room = out._get_storage().nbytes() - out.storage_offset() * a.itemsize
        if room >= result._data.size * a.itemsize:  # in place: the memory it will cover
            a = np.lib.stride_tricks.as_strided(
                a, shape, [s * a.itemsize for s in _contiguous_strides(shape)])
        elif not apart:  # into new memory, which no input shares
            a = None
        # (the out_apart ops compare the out as given before growing it, as torch's do)
    for t in _tensors(inputs):
        if t is out:
            overlap = "full"
        else:
            b = t._data
            if a is None or not (a.size and b.size) or not np.may_share_memory(a, b):
                continue
            overlap = _overlap(a, b)
        if overlap == "partial" or overlap == "full" and apart:
            raise RuntimeError("unsupported operation: some elements of the input tensor and "
                               "the written-to tensor refer to a single memory location. "
                               "Please clone() the tensor before performing the operation.")


def _tensors(values):
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (tuple, list)):
            yield from _tensors(v)
        elif isinstance(v, dict):
            yield from _tensors(v.values())


def _overlap(a, b):
    """torch's overlap status of two arrays over one memory: "full", "partial", or None (none,
    or one of them not dense, which torch leaves alone)."""
    span_a, span_b = _dense_span(a), _dense_span(b)
    if span_a is None or span_b is None:
        return None
    if span_a == span_b:
        return "full" if a.strides == b.strides else "partial"
    return "partial" if span_a[0] < span_b[1] and span_b[0] < span_a[1] else None


def _dense_span(a):
    """The byte range of an array whose elements fill it exactly, else None."""
    expected = a.itemsize
    for stride, n in sorted((abs(s), n) for s, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return None
        expected *= n
    start = np.lib.array_utils.byte_bounds(a)[0]
    return start, start + a.nbytes


def write_out(out, result):
    """Copies ``result`` into ``out`` as torch's ``out=`` does (resizing an out of wrong shape)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if result._requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(f"{result._grad_fn.name()[:-9].lower() if result._grad_fn else 'op'}"
                           "(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    check_cast(result._dtype, out._dtype)
    if out._data.shape != result._data.shape:
        if out._data.size != 0:
            warn_caller(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(result._data.shape)}. This behavior is deprecated, and in a future "
                "PyTorch release outputs will not be resized unless they have zero elements. "
                "You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                "elements with t.resize_(0).")
        storage, offset, shape = out._get_storage(), out.storage_offset(), result._data.shape
        if type(out._data) is np.ndarray and \
                (offset + result._data.size) * out._dtype.itemsize <= storage.nbytes():
            # resized in its own storage, which its other views see
            out._data = storage.strided(shape, _contiguous_strides(shape), offset,
                                        out._data.dtype)
            out._data[...] = result._data
        else:  # (torch grows the storage under every view; the others keep the old memory)
            out._data = result._data.astype(out._dtype.numpy_dtype, copy=True)
            out._storage = None
    else:
        check_no_overlap(out)
        out._data[...] = result._data
    out._bump_version()
    return out
