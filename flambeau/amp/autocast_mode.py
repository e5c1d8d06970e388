"""``torch.autocast``: mixed precision with torch's CPU op lists.

Inside ``with torch.autocast("cpu"):`` the ops torch runs in lower precision (products and
convolutions: ``mm``, ``matmul``, ``addmm``, ``conv2d`` ... and so ``nn.Linear``) cast their
floating inputs to the autocast dtype (bfloat16 by default), the ops torch keeps in float32
(losses, reductions such as ``prod``, linear algebra, FFTs ...) cast them to float32, and
``cat``/``stack`` cast to the widest input type. float64 tensors, in-place ops and ``out=``
forms are left alone, as in torch. Casts of leaf parameters are cached until the outermost
autocast block exits, so a weight is converted once per forward.

Ops flambeau computes in one kernel where torch's CPU build calls oneDNN keep float32:
``nn.LSTM`` gives float32 under autocast (torch's, through ``mkldnn_rnn``, bfloat16).

The op registry (``_ops/registry.py``) asks :func:`policy` for each op it defines and, for
the listed ones, calls through :func:`call` when autocast is on: one test of a global flag
when it is off. The state is per thread, as torch's. Without a GPU, ``autocast("cuda")``
warns and does nothing, as torch's CPU build does; with CuPy's GPU the CPU lists apply.
"""
import functools
import threading
import warnings

from .. import _dtype
from .._tensor import Tensor

# torch's CPU autocast lists, by aten name (``linalg_inv`` is ``linalg.inv``)
LOWER_PRECISION = frozenset((
    "conv1d", "conv2d", "conv3d", "bmm", "mm", "linalg_vecdot", "baddbmm", "addmm", "addbmm",
    "linear", "matmul", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "prelu", "scaled_dot_product_attention", "_native_multi_head_attention"))
FLOAT32 = frozenset((
    "avg_pool3d", "binary_cross_entropy", "grid_sampler", "polar", "prod", "quantile",
    "nanquantile", "stft", "cdist", "trace", "view_as_complex", "cholesky", "cholesky_inverse",
    "cholesky_solve", "inverse", "lu_solve", "orgqr", "ormqr", "pinverse", "max_pool3d",
    "max_unpool2d", "max_unpool3d", "adaptive_avg_pool3d", "reflection_pad1d",
    "reflection_pad2d", "replication_pad1d", "replication_pad2d", "replication_pad3d",
    "mse_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d", "hinge_embedding_loss",
    "poisson_nll_loss", "smooth_l1_loss", "cross_entropy_loss", "l1_loss", "huber_loss",
    "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss",
    "ctc_loss", "kl_div", "multilabel_margin_loss", "binary_cross_entropy_with_logits",
    "fft_fft", "fft_ifft", "fft_fft2", "fft_ifft2", "fft_fftn", "fft_ifftn", "fft_rfft",
    "fft_irfft", "fft_rfft2", "fft_irfft2", "fft_rfftn", "fft_irfftn", "fft_hfft", "fft_ihfft",
    "linalg_cond", "linalg_matrix_rank", "linalg_solve", "linalg_cholesky", "linalg_svdvals",
    "linalg_eigvals", "linalg_eigvalsh", "linalg_inv", "linalg_householder_product",
    "linalg_tensorinv", "linalg_tensorsolve", "fake_quantize_per_tensor_affine", "geqrf",
    "_lu_with_info", "qr", "svd", "triangular_solve", "fractional_max_pool2d",
    "fractional_max_pool3d", "adaptive_max_pool3d", "multilabel_margin_loss_forward",
    "linalg_qr", "linalg_cholesky_ex", "linalg_svd", "linalg_eig", "linalg_eigh",
    "linalg_lstsq", "linalg_inv_ex"))
PROMOTE = frozenset(("cat", "stack", "index_copy"))

_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                 "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")
_AUTOCAST_DEVICES = ("cpu", "cuda", "mps", "xpu", "ipu", "hpu", "xla", "mtia", "maia",
                     "privateuseone")


def policy(namespace, name):
    """How autocast treats the op ``name`` of ``namespace`` ("linalg", "fft" or ""):
    "lower", "float32", "promote", or None for an op it leaves alone."""
    key = f"{namespace}_{name}" if namespace else name
    if key in LOWER_PRECISION:
        return "lower"
    if key in FLOAT32:
        return "float32"
    return "promote" if key in PROMOTE else None


class _State(threading.local):
    def __init__(self):
        self.enabled = {}  # device type -> bool
        self.dtype = {}  # device type -> dtype
        self.cache_enabled = True
        self.nesting = 0
        self.inside = False  # in a cast op: its own inner ops are not cast again
        self.cache = {}  # id(leaf) -> (leaf, its cast)


_state = _State()
# the globals of the op forms the registry generates: ``_on`` says whether autocast is on in
# any thread, ``_call`` is :func:`call`
FORMS_ENV = {"_on": False}
_on_threads = set()


def _default_dtype(device_type):
    return _dtype.bfloat16 if device_type == "cpu" else _dtype.float16


def _check_device_type(device_type):
    if device_type not in _DEVICE_TYPES:
        from .._device import device
        device(device_type)  # raises torch's error for an unknown device string
    return device_type


def is_autocast_available(device_type):
    """Whether autocast accepts ``device_type``."""
    return _check_device_type(device_type) in _AUTOCAST_DEVICES


def is_autocast_enabled(device_type="cuda"):
    """Whether autocast is on for ``device_type`` (without one: CUDA, as in torch)."""
    return _state.enabled.get(_check_device_type(device_type), False)


def set_autocast_enabled(device_type, enabled):
    _state.enabled[_check_device_type(device_type)] = enabled
    if any(_state.enabled.values()):
        _on_threads.add(threading.get_ident())
    else:
        _on_threads.discard(threading.get_ident())
    FORMS_ENV["_on"] = bool(_on_threads)


def get_autocast_dtype(device_type):
    """The dtype of the lower-precision ops (bfloat16 on CPU, float16 on CUDA by default)."""
    return _state.dtype.get(_check_device_type(device_type)) or _default_dtype(device_type)


def set_autocast_dtype(device_type, dtype):
    _state.dtype[_check_device_type(device_type)] = dtype


def is_autocast_cache_enabled():
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled):
    _state.cache_enabled = enabled


def autocast_increment_nesting():
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting():
    _state.nesting -= 1
    return _state.nesting


def clear_autocast_cache():
    _state.cache.clear()


# ---- the cast ------------------------------------------------------------------------------

def call(op, how, *args, **kwargs):
    """``op(*args, **kwargs)`` with its floating tensor arguments cast as ``how`` says, when
    autocast is on in this thread for their device (the op's inner ops are not cast again)."""
    state = _state
    if state.inside:
        return op(*args, **kwargs)
    device_type = _device_type(args, kwargs)
    if device_type is None or not state.enabled.get(device_type):
        return op(*args, **kwargs)
    if how == "lower":
        target = get_autocast_dtype(device_type)
    elif how == "float32":
        target = _dtype.float32
    else:
        target = _widest(get_autocast_dtype(device_type), args, kwargs)
    cast = functools.partial(_cast, target=target, device_type=device_type, state=state,
                             cache=how == "lower" and state.cache_enabled)
    args = [cast(a) for a in args]
    kwargs = {k: cast(v) for k, v in kwargs.items()}
    state.inside = True
    try:
        return op(*args, **kwargs)
    finally:
        state.inside = False


def _tensors(args, kwargs):
    for value in (*args, *kwargs.values()):
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (v for v in value if isinstance(v, Tensor))


def _device_type(args, kwargs):
    for t in _tensors(args, kwargs):
        return t.device.type
    return None


def _eligible(t, device_type):
    return t._dtype.is_floating_point and t._dtype is not _dtype.float64 and \
        t.device.type == device_type


def _widest(lower, args, kwargs):
    """torch's choice for ``cat``: float32 if any floating input is, else the autocast dtype
    (another half type is an error, as in torch)."""
    widest = lower
    for t in _tensors(args, kwargs):
        if t._dtype is _dtype.float32:
            widest = _dtype.float32
        elif t._dtype.is_floating_point and t._dtype not in (lower, _dtype.float64):
            raise RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")
    return widest


def _cast(value, target, device_type, state, cache):
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, target, device_type, state, cache) for v in value)
    if not isinstance(value, Tensor) or value._dtype is target or \
            not _eligible(value, device_type):
        return value
    if not (cache and value._requires_grad and value._grad_fn is None and value._base is None
            and value._dtype is _dtype.float32):
        return value.to(target)
    from ..autograd import grad_mode
    if not grad_mode.is_grad_enabled():
        return value.to(target)
    hit = state.cache.get(id(value))
    if hit is None or hit[1]._dtype is not target:
        hit = state.cache[id(value)] = (value, value.to(target))
    return hit[1]


FORMS_ENV["_call"] = call


# ---- the context manager -------------------------------------------------------------------

class autocast:
    """``with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):``
    runs the listed ops in mixed precision (see the module docstring); also a decorator."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{device_type}'")
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else \
            cache_enabled
        if enabled:
            if device_type == "cuda":
                from .. import cuda
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in (_dtype.bfloat16, _dtype.float16):
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                              f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                              f"{_dtype.bfloat16}, {_dtype.float16} currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. Did you "
                "mean to use autocast as a context manager? For example:\n    with "
                "torch.autocast(device_type=...):\n        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorates a custom ``Function.forward``: with ``cast_inputs``, inside autocast its
    floating tensor arguments are cast to that dtype and it runs with autocast off."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        on = is_autocast_enabled(device_type)
        args[0]._fwd_used_autocast = on and cast_inputs is None
        if cast_inputs is None or not on:
            return fwd(*args, **kwargs)
        cast = functools.partial(_cast, target=cast_inputs, device_type=device_type,
                                 state=_state, cache=False)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*[cast(a) for a in args], **{k: cast(v) for k, v in kwargs.items()})
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorates a custom ``Function.backward``: it runs with the autocast state its forward
    had."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast,
                      dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
