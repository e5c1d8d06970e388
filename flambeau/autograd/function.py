"""Custom differentiable operations: ``class MyReLU(autograd.Function)``.

``forward(ctx, *args)`` runs without recording a graph; ``backward(ctx, *grads)`` returns one
gradient per forward argument. The newer form — ``forward(*args)`` plus
``setup_context(ctx, inputs, output)`` — works too. Each Function subclass gets its own node
class, ``MyReLUBackward``, which is also the ``ctx`` object, as in PyTorch.
"""
import functools

from .. import _naming
from .._tensor import Tensor, make_view
from . import grad_mode
from .graph import (Node, SavedTensor, input_entries, next_sequence_nr, raise_freed,
                    zeros_like_array)


class FunctionCtx:
    """What ``forward`` can tell ``backward``: saved tensors and a few flags."""

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    def save_for_forward(self, *tensors):
        self._to_save_forward = tensors

    def mark_dirty(self, *tensors):
        """The tensors ``forward`` modified in place (they are returned as outputs)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """Whether undefined output gradients reach ``backward`` as zeros (default) or None."""
        self.materialize_grads = value

    @property
    def saved_tensors(self):
        saved = getattr(self, "_saved_slots", None)
        if saved is None:
            if getattr(self, "_released", False):
                raise_freed()
            return tuple(getattr(self, "_to_save", ()))
        return tuple(s.unpack(self) if s is not None else None for s in saved)


class BackwardCFunction(Node, FunctionCtx):
    """The node of one call of a custom Function; it is also that call's ``ctx``."""
    _forward_cls = None
    _plain = False  # the engine runs it through _run

    def __repr__(self):
        return f"<{_naming.public_name}.autograd.function.{type(self).__name__} object at " \
               f"{id(self):#x}>"

    def _run(self, grads):
        if getattr(self, "_released", False):
            raise_freed()
        if getattr(self, "materialize_grads", True):
            grads = tuple(g if g is not None or like is None else zeros_like_array(like)
                          for g, like in zip(grads, self._outputs_like))  # None: no tensor
        result = self._forward_cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self._arg_is_tensor)
        if len(result) < expected or any(g is not None for g in result[expected:]):
            raise RuntimeError(f"function {type(self).__name__} returned an incorrect number of "
                               f"gradients (expected {expected}, got {len(result)})")
        grads = tuple(g for g, is_tensor in zip(result, self._arg_is_tensor) if is_tensor)
        for i, (g, shape) in enumerate(zip(grads, self._inputs[2::4])):
            if g is not None and g._data.shape != shape and not _expandable(shape, g._data.shape):
                raise RuntimeError(f"Function {type(self).__name__} returned an invalid gradient "
                                   f"at index {i} - got {list(g._data.shape)} but expected shape "
                                   f"compatible with {list(shape)}")
        return grads

    def release(self):
        self._released = True
        self._saved_slots = None


def _expandable(shape, to):
    """Whether ``shape`` broadcasts to ``to`` (a gradient of that shape sums back to it)."""
    if len(shape) > len(to):
        return False
    return all(s == t or s == 1 for s, t in zip(shape[::-1], to[::-1]))


class FunctionMeta(type):
    """Gives each Function subclass its node class ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        backward_cls.__module__ = _naming.public_name + ".autograd.function"
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class of custom autograd operations (use ``MyFunction.apply(...)``)."""

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself. "
                      "Instantiating an autograd function will raise an error in a future "
                      "version of PyTorch.", DeprecationWarning, stacklevel=2)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = object.__new__(cls._backward_cls)
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        new_style = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if new_style:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        record = grad_mode.is_grad_enabled() and any(t._requires_grad for t in tensor_args)
        if not record:
            return outputs
        single = not isinstance(outputs, tuple)
        outs = _connect(ctx, args, tensor_args, (outputs,) if single else outputs)
        return outs[0] if single else outs


def _connect(ctx, args, tensor_args, outs):
    """Makes ``ctx`` the grad_fn of the Function's tensor outputs, which it returns: an input
    returned unchanged (not marked dirty) comes back as a new view of it, as in torch."""
    ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    dirty = {id(t) for t in getattr(ctx, "_dirty", ())}
    for t in tensor_args:
        if id(t) in dirty and t._requires_grad and t._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                               "operation.")
    ctx._inputs = input_entries(tensor_args)
    ctx._seq = next_sequence_nr()
    ctx._n_outputs = len(outs)
    ctx._outputs_like = [o._data if isinstance(o, Tensor) else None for o in outs]
    non_diff = {id(t) for t in getattr(ctx, "_non_differentiable", ())}
    inputs = {id(t) for t in tensor_args}
    outs = list(outs)
    for i, out in enumerate(outs):
        if not isinstance(out, Tensor) or id(out) in non_diff:
            continue
        if id(out) in inputs and id(out) not in dirty:
            view = outs[i] = make_view(out, out._data)
            view._base = out if out._base is None else out._base
            out = view
        out._grad_fn, out._output_nr, out._requires_grad = ctx, i, True
    ctx._saved_slots = [SavedTensor(t, is_output=t._grad_fn is ctx) if t is not None else None
                        for t in getattr(ctx, "_to_save", ())]
    return tuple(outs)


def once_differentiable(fn):
    """Marks a ``backward`` that cannot itself be differentiated: it runs without recording."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        self.inplace = inplace


class NestedIOFunction(Function):
    pass
