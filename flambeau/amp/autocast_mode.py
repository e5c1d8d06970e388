"""``torch.autocast``: mixed precision with torch's CPU op lists.

Inside ``with torch.autocast("cpu"):`` the ops torch runs in lower precision (products and
convolutions: ``mm``, ``matmul``, ``addmm``, ``conv2d`` ... and so ``nn.Linear``) cast their
floating inputs to the autocast dtype (bfloat16 by default), the ops torch keeps in float32
(losses, reductions such as ``prod``, linear algebra, FFTs ...) cast them to float32, and
``cat``/``stack`` cast to the widest input type. float64 tensors and in-place ops are left
alone, as in torch (``out=`` forms are cast too, where torch leaves them). Casts of leaf
parameters are cached until the outermost autocast block exits, so a weight is converted
once per forward.

Ops flambeau computes in one kernel where torch's CPU build calls oneDNN keep float32:
``nn.LSTM`` gives float32 under autocast (torch's, through ``mkldnn_rnn``, bfloat16).

The op registry asks ``_ops/autocast.py`` (the lists, the state and the cast) how to treat
each op it defines and, for the listed ones, casts through it when autocast is on: one test
of a global flag when it is off. The state is per thread, as torch's. Without a GPU,
``autocast("cuda")`` warns and does nothing, as torch's CPU build does; with CuPy's GPU the
CPU lists apply.
"""
import functools
import warnings

from .. import _dtype
from .._ops.autocast import (  # noqa: F401  (torch.amp.autocast_mode's public functions)
    _cast, _state, autocast_decrement_nesting, autocast_increment_nesting, clear_autocast_cache,
    get_autocast_dtype, is_autocast_available, is_autocast_cache_enabled, is_autocast_enabled,
    set_autocast_cache_enabled, set_autocast_dtype, set_autocast_enabled)


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
