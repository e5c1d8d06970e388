"""Autocast's dispatch: which ops it casts (torch's CPU lists), its per-thread state, and the
cast itself. ``registry.defop`` asks :func:`policy` for each op it defines and wraps the
listed ones (``registry.autocast_form``) so that, while autocast is on, they go through
:func:`call`; ``torch.autocast`` (``amp/autocast_mode.py``) switches the state.
"""
import functools
import threading

from .. import _dtype
from .._tensor import Tensor
from ..autograd import grad_mode

# torch's CPU autocast lists, by aten name (``linalg_inv`` is ``linalg.inv``)
LOWER_PRECISION = frozenset((
    "conv1d", "conv2d", "conv3d", "bmm", "mm", "linalg_vecdot", "baddbmm", "addmm", "addbmm",
    "linear", "matmul", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "prelu", "scaled_dot_product_attention", "_native_multi_head_attention",
    # composed of linear in torch (their outputs in lower precision, as torch's); the
    # padded LSTM: rnn.py
    "rnn_tanh", "rnn_relu", "rnn_tanh_cell", "rnn_relu_cell"))
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
    if not grad_mode.is_grad_enabled():
        return value.to(target)
    hit = state.cache.get(id(value))
    if hit is None or hit[1]._dtype is not target:
        hit = state.cache[id(value)] = (value, value.to(target))
    return hit[1]


FORMS_ENV["_call"] = call
