"""Graph nodes: what an operation records so that its inputs' gradients can be computed.

Each recorded operation makes one :class:`Node`, of a class named as PyTorch names it
(``AddBackward0``...). ``next_functions`` holds, for each input, the node its gradient flows
to: the input's own ``grad_fn``, an :class:`AccumulateGrad` for a leaf that requires grad, or
``None``. The derivative is a Python function of the output gradient(s) and the saved tensors,
written with flambeau operations so that it can itself be differentiated.
"""
import weakref

from .. import _naming
from . import anomaly_mode
from .._tensor import _alias

_node_classes = {}


class Node:
    """A node of the backward graph. Subclassed once per PyTorch node name."""
    __slots__ = ("next_functions", "_backward", "_saved", "_input_meta", "__dict__",
                 "__weakref__")
    # set per node only when used (hooks, notes, several outputs): one store less per op
    _hooks = _pre_hooks = _metadata = None
    _n_outputs = 1

    @property
    def metadata(self):
        """A dict for the user's (and anomaly mode's) notes about this node."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def __call__(self, *grads):
        return self.apply(*grads)

    def apply(self, *grads):
        """The gradients of the inputs (one per ``next_functions`` entry) given the outputs'."""
        if self._backward is None:
            raise_freed()
        if self._saved:
            saved = [s.unpack(self) for s in self._saved]
            result = self._backward(grads[0] if self._n_outputs == 1 else grads, *saved)
        else:
            result = self._backward(grads[0] if self._n_outputs == 1 else grads)
        if type(result) is not tuple:
            result = (result,)
        for i, meta in enumerate(self._input_meta):
            g = result[i]
            if g is None or meta is None:
                continue
            shape, dtype = meta
            if g._data.shape != shape or g._dtype is not dtype:
                result = result[:i] + (_fit(g, shape, dtype),) + result[i + 1:]
        return result

    def release(self):
        """Frees the saved tensors (after a backward without ``retain_graph``)."""
        self._backward = None
        self._saved = ()

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after the node; it may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = {}
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before the node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _Handle(self._pre_hooks, fn)

    @property
    def _saved_tensors(self):
        return tuple(s.unpack(self) for s in self._saved)


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

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._backward = self._saved = None
        self._input_meta = ()

    def apply(self, *grads):
        return ()


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved.

    Unpacking checks the version, so a tensor modified in place after being saved raises
    PyTorch's error. An operation's own output is kept without its ``grad_fn`` (no reference
    cycle) and gets it back when unpacked.
    """
    __slots__ = ("tensor", "version", "is_output", "output_nr")

    def __init__(self, tensor, is_output=False):
        self.tensor = _alias(tensor) if is_output else tensor
        self.version = tensor._version
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
    type_name = {"float32": "Float", "float64": "Double", "float16": "Half",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble",
                 "bfloat16": "BFloat16"}.get(t._dtype._name, t._dtype._name)
    shape = ", ".join(map(str, t._data.shape))
    which = ""
    if producer is not None:  # torch names the node without its "Backward0" suffix
        which = f", which is output {output_nr} of {re.sub(r'Backward[0-9]*$', '', producer.name())}"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{_naming.public_name}.{type_name}Tensor [{shape}]]{which}, is at version "
        f"{t._version}; expected version {expected} instead. Hint: enable anomaly detection to "
        "find the operation that failed to compute its gradient, with "
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


class _Meta:
    """Rarely-set autograd state of a tensor, kept out of the tensor's slots."""
    __slots__ = ("retains_grad", "hooks", "post_accumulate_hooks", "accumulator", "name")

    def __init__(self):
        self.retains_grad = False
        self.hooks = None
        self.post_accumulate_hooks = None
        self.accumulator = None
        self.name = None


def meta(t):
    if t._meta is None:
        t._meta = _Meta()
    return t._meta


def grad_accumulator(t):
    """The one AccumulateGrad node of a leaf, shared while any graph holds it."""
    m = meta(t)
    node = m.accumulator() if m.accumulator is not None else None
    if node is None:
        node = AccumulateGrad(t)
        m.accumulator = weakref.ref(node)
    return node


def edge(t):
    """Where the gradient of an input goes: (node, output_nr), or (None, 0)."""
    if t._grad_fn is not None:
        return (t._grad_fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return (None, 0)


def record(name, outputs, inputs, backward, saved=(), saved_outputs=()):
    """Attaches a new ``name`` node to ``outputs``.

    ``inputs`` are the operation's tensor inputs (``None`` for arguments that are not tensors);
    ``backward(grad, *saved)`` returns one gradient per input (``None`` where there is none);
    ``saved`` are input tensors it needs, ``saved_outputs`` indices of outputs it needs (appended
    after ``saved``). Callers check ``needs_grad`` first, so this runs only when recording.
    """
    node = _new_node(_node_classes.get(name) or node_class(name))
    edges, meta = [], []
    for t in inputs:
        if t is None:
            edges.append(_NO_EDGE)
            meta.append(None)
            continue
        fn = t._grad_fn
        if fn is not None:
            edges.append((fn, t._output_nr))
        elif t._requires_grad:
            edges.append((grad_accumulator(t), 0))
        else:
            edges.append(_NO_EDGE)
        meta.append((t._data.shape, t._dtype))
    node.next_functions = tuple(edges)
    node._input_meta = meta
    node._backward = backward
    if len(outputs) == 1:
        out = outputs[0]
        out._grad_fn, out._output_nr, out._requires_grad = node, 0, True
    else:  # an output may get no gradient: the engine then feeds zeros like it
        node._n_outputs = len(outputs)
        for i, out in enumerate(outputs):
            out._grad_fn, out._output_nr, out._requires_grad = node, i, True
        node.metadata["outputs_like"] = [o._data for o in outputs]
    if saved_outputs:
        node._saved = tuple([SavedTensor(t) for t in saved] +
                            [SavedTensor(outputs[i], True) for i in saved_outputs])
    elif saved:
        node._saved = tuple([SavedTensor(t) for t in saved])
    else:
        node._saved = ()
    if anomaly_mode.enabled:
        anomaly_mode.remember_forward(node)
    return node


_new_node = object.__new__
_NO_EDGE = (None, 0)


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
    """Sums a broadcast gradient back to an input's shape."""
    lead = grad.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and grad.shape[lead + i] != 1)
    if dims:
        grad = grad.sum(dims, keepdim=True)
        if lead:
            grad = grad.reshape(shape)
    return grad
