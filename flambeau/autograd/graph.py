"""Graph nodes: what an operation records so that its inputs' gradients can be computed.

Each recorded operation makes one :class:`Node`, of a class named as PyTorch names it
(``AddBackward0``...). ``next_functions`` holds, for each input, the node its gradient flows
to: the input's own ``grad_fn``, an :class:`AccumulateGrad` for a leaf that requires grad, or
``None``. The derivative is a Python function of the output gradient(s) and the saved tensors,
written with flambeau operations so that it can itself be differentiated.
"""
import itertools
import math
import weakref

from .. import _backend, _naming, _tensor
from . import anomaly_mode
from .._tensor import Tensor, _alias, _Meta

_node_classes = {}


class Node:
    """A node of the backward graph. Subclassed once per PyTorch node name.

    Its state is kept in flat tuples, the fewest objects per recorded op: ``_inputs`` holds
    four entries per input (the node its gradient goes to and that node's output number,
    the input's shape and dtype), ``_saved`` two per saved tensor (the tensor, its version).
    """
    __slots__ = ("_inputs", "_backward", "_saved", "_seq", "__dict__", "__weakref__")
    # set per node only when used (hooks, notes, several outputs): one store less per op
    _hooks = _pre_hooks = _metadata = None
    _n_outputs = 1
    # whether the engine may run the node inline: one output, no hooks and no metadata (which
    # several outputs also use); set False as soon as one of these is there
    _plain = True
    # from this index of the saved tensors on, the node's own outputs (kept as aliases without
    # grad_fn, so that the node and its outputs form no reference cycle)
    _outputs_saved_at = None

    @property
    def next_functions(self):
        """``(node, output_nr)`` for each input: where its gradient goes."""
        inputs = self._inputs
        return tuple(zip(inputs[0::4], inputs[1::4]))

    @property
    def metadata(self):
        """A dict for the user's (and anomaly mode's) notes about this node."""
        if self._metadata is None:
            self._metadata = {}
            self._plain = False
        return self._metadata

    def name(self):
        return type(self).__name__

    def _sequence_nr(self):
        """The order of creation: the nodes of a node's inputs are all older (smaller)."""
        return self._seq

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def __call__(self, *grads):
        return self.apply(*grads)

    def apply(self, *grads):
        """The gradients of the inputs (one per ``next_functions`` entry) given the outputs'."""
        shapes_and_dtypes = zip(self._inputs[2::4], self._inputs[3::4])
        return tuple(g if g is None or shape is None else _fit(g, shape, dtype)
                     for g, (shape, dtype) in zip(self._run(grads), shapes_and_dtypes))

    def _run(self, grads):
        """The derivative's results, one per input, before :func:`_fit` (the engine's call)."""
        backward = self._backward
        if backward is None:
            raise_freed()
        if self._n_outputs == 1:
            grad = grads[0]
        else:  # an output no gradient reached gets zeros
            grad = tuple(g if g is not None else zeros_like_array(like)
                         for g, like in zip(grads, self.metadata["outputs_like"]))
        result = backward(grad, *self._unpack_saved()) if self._saved else backward(grad)
        return result if result.__class__ is tuple else (result,)

    def _unpack_saved(self):
        """The saved tensors, checked against their versions at saving time."""
        tensors = []
        saved = iter(self._saved)
        for t, version in zip(saved, saved):
            storage = t._storage  # none yet: the tensor was never modified (version 0)
            if storage is not None and storage._version != version:
                self._raise_modified(len(tensors))
            tensors.append(t)
        start = self._outputs_saved_at
        if start is not None:  # the node's own outputs get it back as grad_fn
            for t in tensors[start:]:
                if t._grad_fn is None:
                    t._grad_fn, t._requires_grad = self, True
        return tensors

    def _raise_modified(self, i):
        t, version = self._saved[2 * i:2 * i + 2]
        is_output = self._outputs_saved_at is not None and i >= self._outputs_saved_at
        raise_modified(t, self if is_output else t._grad_fn, t._output_nr, version)

    def release(self):
        """Frees the saved tensors (after a backward without ``retain_graph``)."""
        self._backward = None
        self._saved = ()

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after the node; it may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = {}
            self._plain = False
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before the node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
            self._plain = False
        return _Handle(self._pre_hooks, fn)

    @property
    def _saved_tensors(self):
        return tuple(self._unpack_saved())


def check_savable(tensors):
    """torch's error for an inference tensor saved for backward."""
    if any(isinstance(t, Tensor) and t.is_inference() for t in tensors):
        raise_inference_saved()


def zeros_like_array(array):
    """A zero gradient like an output's backend array."""
    from .. import _backend
    return _tensor.make(_backend.array_module(array).zeros_like(array))


def raise_inference_saved():
    raise RuntimeError(
        "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
        "inference mode in computation tracked by autograd. To work around this, you can make a "
        f"clone to get a normal tensor and use it in autograd, or use `{_naming.public_name}."
        f"no_grad()` instead of `{_naming.public_name}.inference_mode()`.")


def raise_freed():
    raise RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved "
        "tensors after they have already been freed). Saved intermediate values of the "
        "graph are freed when you call .backward() or autograd.grad(). Specify "
        "retain_graph=True if you need to backward through the graph a second time or "
        "if you need to access saved tensors after calling backward.")


def node_class(name):
    """The Node subclass named ``name`` (one class per name, made on first use)."""
    cls = _node_classes.get(name)
    if cls is None:
        cls = _node_classes[name] = type(name, (Node,), {"__slots__": ()})
        cls.__module__ = _naming.public_name + ".autograd.graph"
        if name == "CopySlices":  # torch's C++ node keeps its namespace in name()
            cls.name = lambda self: f"{_naming.public_name}::autograd::CopySlices"
    return cls


class AccumulateGrad(Node):
    """The node that adds an incoming gradient to a leaf tensor's ``.grad``."""
    __slots__ = ("variable",)
    _plain = False

    def __init__(self, variable):
        self.variable = variable
        self._inputs = ()
        self._backward = self._saved = None
        self._seq = -next_sequence_nr()  # below every op's node: it runs after them

    def apply(self, *grads):
        return ()


def version(t):
    """The tensor's version now (0 while it has no storage: it was never modified)."""
    storage = t._storage
    return 0 if storage is None else storage._version


class SavedTensor:
    """One tensor saved by a custom Function, which may be one of the Function's outputs.

    Unpacking checks the version, so a tensor modified in place after being saved raises
    PyTorch's error. An output is kept without its ``grad_fn`` (no reference cycle) and gets it
    back when unpacked.
    """
    __slots__ = ("tensor", "version", "is_output", "output_nr")

    def __init__(self, tensor, is_output=False):
        check_savable((tensor,))
        self.tensor = _alias(tensor) if is_output else tensor
        self.version = version(tensor)
        self.is_output = is_output
        self.output_nr = tensor._output_nr

    def unpack(self, node):
        t = self.tensor
        if t._version != self.version:
            raise_modified(t, node if self.is_output else t._grad_fn, self.output_nr,
                           self.version)
        if self.is_output and t._grad_fn is None:
            t._grad_fn, t._output_nr = node, self.output_nr
            t._requires_grad = True
        return t


def raise_modified(t, producer, output_nr, expected):
    """torch's error for a saved tensor modified in place before backward used it."""
    import re
    shape = ", ".join(map(str, t._data.shape))
    which = ""
    if producer is not None:  # torch names the node without its "Backward0" suffix
        which = f", which is output {output_nr} of {re.sub(r'Backward[0-9]*$', '', producer.name())}"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{_naming.public_name}.{t._dtype._scalar_name}Tensor [{shape}]]{which}, is "
        f"at version {t._version}; expected version {expected} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


class _Handle:
    """What ``register_hook`` returns: ``remove()`` takes the hook away."""
    _next_id = 0

    def __init__(self, hooks, fn):
        _Handle._next_id += 1
        self.id = _Handle._next_id
        self.hooks_dict_ref = hooks
        hooks[self.id] = fn

    def remove(self):
        self.hooks_dict_ref.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def meta(t):
    if t._meta is None:
        t._meta = _Meta()
    return t._meta


def grad_accumulator(t):
    """The one AccumulateGrad node of a leaf, shared while any graph holds it."""
    m = t._meta
    ref = m.accumulator if m is not None else None
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        meta(t).accumulator = weakref.ref(node)
    return node


def input_entries(inputs):
    """The flat ``Node._inputs`` of an op's inputs (arguments that are not tensors, Python
    scalars or ``None``, are no input of the node)."""
    entries = ()  # concatenated tuples: cheaper than a list for the usual one or two inputs
    for t in inputs:
        if not isinstance(t, Tensor):
            entries += _NO_INPUT
            continue
        fn = t._grad_fn
        if fn is not None:
            entries += (fn, t._output_nr, t._data.shape, t._dtype)
        else:
            entries += (grad_accumulator(t) if t._requires_grad else None, 0, t._data.shape,
                        t._dtype)
    return entries


def record(name, outputs, inputs, backward, saved=(), saved_outputs=()):
    """Attaches a new ``name`` node to ``outputs``.

    ``inputs`` are the operation's inputs (arguments that are not tensors are not the node's);
    ``backward(grad, *saved)`` returns one gradient per input (``None`` where there is none);
    ``saved`` are input tensors it needs, ``saved_outputs`` indices of outputs it needs (appended
    after ``saved``). Callers check ``needs_grad`` first, so this runs only when recording.
    """
    node = _new_node(_node_classes.get(name) or node_class(name))
    node._inputs = input_entries(inputs)
    node._seq = next_sequence_nr()
    node._backward = backward
    if len(outputs) == 1:
        out = outputs[0]
        if out._grad_fn is not None:  # an in-place op: the tensor's history moves on
            move_retained_grad(out, node, 0)
        out._grad_fn, out._output_nr, out._requires_grad = node, 0, True
    else:  # an output may get no gradient: the engine then feeds zeros like it
        node._n_outputs = len(outputs)
        for i, out in enumerate(outputs):
            if out._grad_fn is not None:
                move_retained_grad(out, node, i)
            out._grad_fn, out._output_nr, out._requires_grad = node, i, True
        node.metadata["outputs_like"] = [o._data for o in outputs]
    if _tensor.inference_made:
        check_savable(saved)
    entries = ()  # a loop, not a comprehension: no function object per op
    for t in saved:
        storage = t._storage
        entries += (t, 0 if storage is None else storage._version)
    if saved_outputs:
        node._outputs_saved_at = len(saved)
        for i in saved_outputs:  # an alias of the output, sharing (making) its storage
            out = outputs[i]
            alias = _tensor.make(out._data, out._dtype)
            alias._storage = storage = out._get_storage()
            alias._output_nr = i
            entries += (alias, storage._version)
    node._saved = entries
    if anomaly_mode.enabled:
        anomaly_mode.remember_forward(node)
    return node


def move_retained_grad(t, node, output_nr):
    """Before an in-place op makes ``node`` the history of ``t``: a ``retain_grad`` of ``t``
    moves along, so that ``t.grad`` is the gradient of its latest version, as in torch."""
    if t._meta is None or not t._meta.retains_grad:
        return
    old = t._grad_fn.metadata.get("retained")
    ref = old.pop(t._output_nr, None) if old else None
    if ref is not None:
        node.metadata.setdefault("retained", {})[output_nr] = ref


_new_node = object.__new__
_NO_INPUT = (None, 0, None, None)
next_sequence_nr = itertools.count(1).__next__


def _fit(grad, shape, dtype):
    """An input's gradient in the input's shape and dtype, as torch's engine makes it: summed
    over broadcast dims, cast, and reduced to its real part for a real input."""
    if grad._data.shape != shape:
        grad = _sum_to(grad, shape)
    if grad._dtype is not dtype:
        if grad._dtype.is_complex and not dtype.is_complex:
            grad = grad.real
        grad = grad.to(dtype)
    return grad


def _sum_to(grad, shape):
    """Sums a broadcast gradient back to an input's shape: with ops when the gradient is being
    differentiated, else on its array (a fresh one, which a leaf's ``.grad`` may keep)."""
    a = grad._data
    lead = a.ndim - len(shape)
    if not grad._requires_grad and lead > 0 and a.shape[lead:] == shape and \
            math.prod(a.shape[:lead]) == 1:  # only leading ones to drop (a bias's gradient)
        return _tensor.make(a.reshape(shape), grad._dtype)
    kept = tuple(i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    if not grad._requires_grad:
        half = a.dtype.itemsize == 2 and a.dtype.kind in "fV"
        if half:  # accumulated in float32 and rounded once, as torch's
            a = a.astype("float32")
        if lead:
            a = _sum_leading(a, lead)
        if kept:
            a = a.sum(kept, a.dtype, keepdims=True)
        return _tensor.make(a.astype(grad._data.dtype) if half else a, grad._dtype)
    dims = tuple(range(lead)) + tuple(lead + i for i in kept)
    if dims:
        grad = grad.sum(dims, keepdim=True)
        if lead:
            grad = grad.reshape(shape)
    return grad


def _sum_leading(a, lead):
    """Array ``a`` summed over its first ``lead`` dims: a view when they hold one row, one
    product with a vector of ones (BLAS, faster and more accurate than NumPy's sum down the
    columns) when ``a`` is contiguous."""
    rest = a.shape[lead:]
    rows = math.prod(a.shape[:lead])
    if rows == 1:
        return a.reshape(rest)
    if not (a.flags.c_contiguous and a.dtype.kind in "fc"):
        return a.sum(tuple(range(lead)), a.dtype)
    ones = _backend.array_module(a).ones(rows, a.dtype)
    return _backend.matmul(ones, a.reshape(rows, math.prod(rest))).reshape(rest)
