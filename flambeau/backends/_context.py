"""The process-wide switches torch keeps in its C++ context: the float32 matmul precision and
deterministic algorithms (published as ``torch.set_float32_matmul_precision`` ...).

flambeau's float32 products always run in float32, so the precision is recorded, checked as
torch checks it, and reported back; the deterministic switch lives with the ops it changes
(``flambeau._ops.determinism``)."""
import warnings

from .._ops.determinism import (are_deterministic_algorithms_enabled,  # noqa: F401
                                is_deterministic_algorithms_warn_only_enabled,
                                state as _deterministic, use_deterministic_algorithms)

_state = {"precision": "highest"}


def set_float32_matmul_precision(precision):
    """"highest", "high" or "medium"; another string warns and changes nothing, as in torch."""
    if not isinstance(precision, str):
        raise RuntimeError("set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _state["precision"] = precision


def get_float32_matmul_precision():
    return _state["precision"]


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode):
    """0 or "default", 1 or "warn", 2 or "error": ``use_deterministic_algorithms`` off, on with
    warn_only, on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _deterministic["enabled"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2
