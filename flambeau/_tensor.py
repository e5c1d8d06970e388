"""The Tensor: an n-d strided view of a :class:`~flambeau._storage.Storage`.

A tensor holds a backend array (``_data``, a NumPy view) and the storage that array views.
Views made by view ops share the storage object, so in-place writes show through every view
and bump one version counter. Operations live in ``_ops``; ``flambeau/__init__.py`` binds
them as methods here.
"""
import operator
from numbers import Number

import numpy as np

from . import _backend, _dtype, _naming, _shared_memory
from ._device import cpu as _cpu
from ._size import Size
from ._storage import Storage, TypedStorage, UntypedStorage, warn_typed_storage

_ndarray = np.ndarray
_new_size = tuple.__new__


@_naming.public_class
class Tensor:
    __slots__ = ("_data", "_storage", "_dtype", "_requires_grad", "_grad", "_grad_fn",
                 "_output_nr", "_base", "_meta", "__weakref__")

    def __init__(self, *args, **kwargs):
        """Legacy constructor: ``Tensor(2, 3)`` (uninitialised), ``Tensor([[1, 2]])`` (data),
        ``Tensor(size)`` or ``Tensor()``; always of the default dtype."""
        from ._ops import creation
        device = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
        t = creation.legacy_new(args, _dtype.get_default_dtype(), device)
        _init_from(self, t._data, t._dtype)

    # ---- what the tensor is ----------------------------------------------------------------

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return _new_size(Size, self._data.shape)

    def size(self, dim=None):
        shape = self._data.shape
        if dim is None:
            return _new_size(Size, shape)
        return shape[_queried_dim(dim, len(shape), "size")]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._dtype.itemsize

    @property
    def itemsize(self):
        return self._dtype.itemsize

    @property
    def nbytes(self):
        return self._data.size * self._dtype.itemsize

    @property
    def device(self):
        return _cpu if type(self._data) is _ndarray else _cuda_device(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    is_sparse = is_quantized = is_meta = is_nested = is_mkldnn = False

    @property
    def layout(self):
        from . import strided
        return strided

    def is_floating_point(self):
        return self._dtype.is_floating_point

    def is_complex(self):
        return self._dtype.is_complex

    def is_signed(self):
        return self._dtype.is_signed

    def get_device(self):
        return -1 if self.device.type == "cpu" else self.device.index

    # ---- memory layout ---------------------------------------------------------------------

    def stride(self, dim=None):
        a = self._data
        strides = tuple(s // a.itemsize for s in a.strides)
        if a.size == 0 and not any(strides):  # NumPy 2 zeroes new empty arrays' strides
            strides = _contiguous_strides(a.shape)
        return strides if dim is None else strides[_queried_dim(dim, len(strides), "stride")]

    def storage_offset(self):
        return self._get_storage().offset_of(self._data)

    def is_contiguous(self, memory_format=None):
        """True when the strides are those of a C-ordered tensor, ignoring size-1 dims (torch)."""
        if memory_format is not None and str(memory_format).endswith("channels_last"):
            return _is_channels_last(self)
        return self._data.flags.c_contiguous

    def data_ptr(self):
        return self._data.__array_interface__["data"][0] if type(self._data) is _ndarray \
            else self._data.data.ptr

    def _get_storage(self):
        storage = self._storage
        if storage is None:
            storage = self._storage = Storage(self._data)
        return storage

    def share_memory_(self):
        """Moves the storage into shared memory, which processes started afterwards (fork or
        spawn) and those this tensor is sent to map too: Hogwild training's in-place updates
        in one show in all. A no-op when it is there already. Unlike torch, other tensors
        that viewed this storage before keep the old memory (``module.share_memory()`` moves
        parameters, gradients and buffers, which views are later made from)."""
        storage = self._get_storage()
        if not storage.is_shared():
            offset = storage.offset_of(self._data)
            storage.share_memory_()
            if storage.is_shared():
                _shared_memory.install(Tensor, _rebuild)  # (sent to other processes by name)
                self._data = storage.strided(self._data.shape, self.stride(), offset,
                                             self._data.dtype)
        return self

    def is_shared(self):
        return self._get_storage().is_shared()

    def untyped_storage(self):
        return UntypedStorage._wrap(self._get_storage())

    def storage(self):
        warn_typed_storage()
        return TypedStorage._wrap(self._get_storage(), self._dtype)

    @property
    def _version(self):
        if self.is_inference():
            raise RuntimeError("Inference tensors do not track version counter.")
        storage = self._storage
        return 0 if storage is None else storage._version

    def _bump_version(self):
        storage = self._storage
        (self._get_storage() if storage is None else storage)._version += 1

    # ---- conversion to Python and NumPy ----------------------------------------------------

    def numpy(self, *, force=False):
        """The tensor as a NumPy array sharing its memory (a copy with ``force=True``)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if type(self._data) is not _ndarray:
            if not force:
                raise TypeError(f"can't convert {self.device.type}:{self.device.index} device "
                                "type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                                "host memory first.")
            return _backend.to_host(self._data)
        return self._data.copy() if force else self._data

    def __array__(self, dtype=None, copy=None):
        array = self.numpy(force=self._requires_grad)
        return array if dtype is None else array.astype(dtype, copy=False)

    def __dlpack__(self, *, stream=-1, max_version=None, dl_device=None, copy=None):
        """The DLPack capsule of this tensor's memory (NumPy's own exporter)."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(stream=None, max_version=max_version, dl_device=dl_device,
                                     copy=copy)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    # NumPy defers to Tensor: ``array + tensor`` asks Tensor first, and a ufunc on a tensor
    # (``np.sin(t)``) gives a tensor back
    __array_priority__ = 1000

    def __array_wrap__(self, array, context=None, return_scalar=False):
        if array.dtype == np.bool_:  # as torch's own wrapper does
            array = array.astype(np.uint8)
        return make(np.asarray(array))

    def tolist(self):
        return _backend.to_host(self._data).tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(-1)[0].item()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self, *args):
        if args:
            raise _no_arguments("__bool__", args)
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'no values' if self._data.size == 0 else 'more than one value'}"
                               " is ambiguous")
        return bool(self.item())

    def __contains__(self, element):
        """Whether some element equals ``element`` (a number or a tensor, broadcast)."""
        if not isinstance(element, (Tensor, Number)):
            raise RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you "
                               f"passed in a {type(element)}.")
        return bool((self == element).any())

    def __float__(self, *args):
        if args:
            raise _no_arguments("__float__", args)
        return float(self._scalar_for("float"))

    def __int__(self, *args):
        if args:
            raise _no_arguments("__int__", args)
        value = int(self._scalar_for("int"))
        if value >= 2 ** 63 and self._dtype is _dtype.uint64:  # torch goes through int64
            raise _dtype.overflow_error(_dtype.int64)
        return value

    def __complex__(self):
        return complex(self._scalar_for("complex"))

    def __index__(self):
        if self._dtype.is_floating_point or self._dtype.is_complex or self._data.ndim != 0 \
                and self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return self.__int__()

    def _scalar_for(self, kind):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from . import _tensor_str
        prefix = "tensor(" if type(self) is Tensor else type(self).__name__ + "("
        return _tensor_str.tensor_repr(self, prefix, tensor_contents=tensor_contents)

    def __format__(self, format_spec):
        if self._data.ndim == 0 and format_spec:
            return format(self.item(), format_spec)
        return object.__format__(self, format_spec) if format_spec else self.__repr__()

    def __reversed__(self):
        """``reversed(t)``: ``t`` flipped along dim 0 (a 0-d tensor is itself), as in torch."""
        return self if self._data.ndim == 0 else self.flip(0)

    def __reduce_ex__(self, proto):
        """Pickles the values (through a host NumPy array), dtype and ``requires_grad``."""
        if self._grad_fn is not None:
            raise RuntimeError("Can't pickle a tensor that requires grad and is not a leaf; "
                               "use tensor.detach()")
        return _rebuild, (type(self), _backend.to_host(self._data).copy(), self._dtype._name,
                          self._requires_grad, getattr(self, "__dict__", None))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = _make_subclass_like(self, self._data.copy())
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        if hasattr(self, "__dict__"):
            import copy
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    # ---- autograd state (the engine lives in flambeau.autograd) -----------------------------

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you "
                               "want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self.is_inference() and not _in_inference_mode():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self):
        if self._grad is None and self._grad_fn is not None and not (
                self._meta and self._meta.retains_grad):
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you "
                "access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
                "more informations. (Triggered internally at "
                "/pytorch/build/aten/src/ATen/core/TensorBody.h:497.)", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._dtype is not self._dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value._dtype._cpp_name}' to a "
                    f"tensor with grad_dtype '{self._dtype._scalar_name}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set "
                    "the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor "
                    "and its gradient may break downstream systems that assume they match.")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        """The same memory as a tensor outside autograd (like ``detach()``, but not tracked)."""
        return _alias(self)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._data, self._storage, self._dtype = value._data, value._get_storage(), value._dtype

    @property
    def retains_grad(self):
        return bool(self._meta and self._meta.retains_grad)

    def is_inference(self):
        """Whether the tensor was made in inference mode (or views one that was)."""
        return self._meta is not None and self._meta.inference

    @classmethod
    def _make_subclass(cls, subclass, data, require_grad=False):
        """A ``subclass`` instance sharing ``data``'s memory (how nn.Parameter is made)."""
        t = Tensor.__new__(subclass)
        _init_from(t, data._data, data._dtype, data._get_storage())
        if require_grad:
            t.requires_grad_(True)
        return t


def _no_arguments(name, args, kwargs=None):
    """torch's TypeError for arguments given to a C method that takes none."""
    return TypeError(f"TensorBase.{name}() takes no " +
                     ("keyword arguments" if kwargs else f"arguments ({len(args)} given)"))


def _rebuild(cls, array, dtype_name, requires_grad, state):
    t = _new_tensor(cls)
    _init_from(t, array, getattr(_dtype, dtype_name))
    t._requires_grad = requires_grad
    if state:
        t.__dict__.update(state)
    return t


def _init_from(t, array, dtype, storage=None):
    t._data = array
    t._storage = storage
    t._dtype = dtype
    t._requires_grad = False
    t._grad = None
    t._grad_fn = None
    t._output_nr = 0
    t._base = None
    t._meta = None
    if _inference_blocks:
        _mark_inference(t)


_new_tensor = Tensor.__new__


class _Meta:
    """Rarely-set autograd state of a tensor, kept out of the tensor's slots."""
    __slots__ = ("retains_grad", "hooks", "post_accumulate_hooks", "accumulator", "name",
                 "inference")

    def __init__(self):
        self.retains_grad = False
        self.hooks = None
        self.post_accumulate_hooks = None
        self.accumulator = None
        self.name = None
        self.inference = False


# inference_mode blocks open in any thread (autograd.grad_mode counts them): while there are
# none, making a tensor costs one test for them; and whether an inference tensor was ever made
# (until then, recording an op need not look for one among the tensors it saves)
_inference_blocks = 0
inference_made = False


def _in_inference_mode():
    from .autograd.grad_mode import is_inference_mode_enabled  # (autograd imports this module)
    return is_inference_mode_enabled()


def _mark_inference(t):
    """Makes ``t`` an inference tensor if this thread is in inference mode."""
    if _in_inference_mode():
        _set_inference(t)


def _set_inference(t):
    """Makes ``t`` an inference tensor."""
    global inference_made
    t._meta = _Meta()
    t._meta.inference = inference_made = True


def make(array, dtype=None):
    """A new tensor around a backend array (NumPy scalars become 0-d arrays)."""
    if type(array) is not _ndarray and not hasattr(array, "__cuda_array_interface__"):
        array = np.asarray(array)
    t = _new_tensor(Tensor)
    t._data = array
    t._storage = None
    t._dtype = _dtype._from_numpy[array.dtype] if dtype is None else dtype
    t._requires_grad = False
    t._grad = None
    t._grad_fn = None
    t._output_nr = 0
    t._base = None
    t._meta = None
    if _inference_blocks:
        _mark_inference(t)
    return t


def make_view(base, array):
    """A tensor viewing ``array``, which views ``base``'s memory: it shares base's storage (and
    is an inference tensor if base is one)."""
    t = make(array, base._dtype)
    storage = base._storage
    t._storage = base._get_storage() if storage is None else storage
    if base._meta is not None and base._meta.inference and t._meta is None:
        _set_inference(t)
    return t


def _alias(t):
    view = make(t._data, t._dtype)
    view._storage = t._get_storage()
    return view


def _make_subclass_like(t, array):
    new = _new_tensor(type(t))
    _init_from(new, array, t._dtype)
    return new


def _contiguous_strides(shape):
    """The strides (in elements) of a C-contiguous tensor of ``shape``, as torch counts them:
    a size-0 or size-1 dim counts as 1."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _wrap_dim(dim, ndim):
    """A dim in [-ndim, ndim) made non-negative; torch's IndexError outside it."""
    size = ndim or 1  # (a 0-d tensor takes -1 and 0, as torch's)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, "
                         f"{size - 1}], but got {dim})")
    return dim % size


def _queried_dim(dim, ndim, name):
    """The dim asked of ``size``/``stride`` (``name``), made non-negative: torch's TypeError for
    one that is not an int, its IndexError outside the range and for any dim of a 0-d tensor."""
    if dim.__class__ is not int:
        try:
            dim = operator.index(dim)
        except TypeError:
            raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not "
                            f"{type(dim).__name__}") from None
    if not -2 ** 63 <= dim < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if not ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _cuda_device(array):
    from ._device import device
    return device("cuda", array.device.id)


def _is_channels_last(t):
    if t.ndim != 4:
        return False
    n, c, h, w = t.shape
    return t._data.transpose(0, 2, 3, 1).flags.c_contiguous
