"""``nn.Parameter``, ``nn.Buffer`` and the uninitialized placeholders of lazy modules.

A Parameter is a Tensor subclass sharing its data's memory; flambeau's ops return plain
tensors for it, as torch's do. ``Buffer(t)`` marks a tensor for registration as a buffer; unlike
torch, where it stays a plain ``Tensor`` with a flag, it is an instance of ``Buffer`` (that
prints as a tensor), since flambeau's Tensor has no room for attributes.
"""
from .. import _tensor_str
from .._tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _empty(device=None, dtype=None):
    from .. import empty
    return empty(0, device=device, dtype=dtype)


def _subclass(cls, data, requires_grad):
    """A ``cls`` instance sharing ``data``'s memory (torch's ``_make_subclass`` check)."""
    if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    return Tensor._make_subclass(cls, data, requires_grad)


class Parameter(Tensor):
    """A tensor that a Module registers as a parameter when assigned as an attribute."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        return _subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ is the legacy constructor)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + _tensor_str.tensor_repr(self)


class Buffer(Tensor):
    """A tensor that a Module registers as a buffer (``persistent`` decides whether
    ``state_dict`` holds it) when assigned as an attribute."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty()
        t = _subclass(cls, data, data.requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass

    def __repr__(self):
        return _tensor_str.tensor_repr(self)


class UninitializedTensorMixin:
    """A parameter or buffer of unknown shape; ``materialize`` gives it one."""

    def materialize(self, shape, device=None, dtype=None):
        """Gives the tensor ``shape`` (uninitialized values) and its final class."""
        from .. import empty
        if device is None:
            device = self.data.device
        if dtype is None:
            dtype = self.data.dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto):
        return self.__class__, (self.requires_grad,)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        return memo[id(self)]


def is_lazy(param):
    """Whether ``param`` is an uninitialized parameter or buffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape a lazy module's first forward decides."""
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _subclass(cls, _empty(device, dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer whose shape a lazy module's first forward decides; materialized, it is a
    ``Buffer`` (torch's becomes a plain Tensor)."""
    cls_to_become = Buffer

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _subclass(cls, _empty(device, dtype), requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass
