"""Anomaly detection: nodes remember where they were made, and a backward that produces NaN
raises, naming the node and showing the forward traceback."""
import traceback
import warnings

from .. import _naming
from .grad_mode import _DecoratorContextManager

enabled = False
check_nan = True


def is_anomaly_enabled(*args, **kwargs):
    _naming.no_arguments("is_anomaly_enabled", args, kwargs)
    return enabled


def is_anomaly_check_nan_enabled(*args, **kwargs):
    _naming.no_arguments("is_anomaly_check_nan_enabled", args, kwargs)
    return check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """Turns anomaly detection on or off (``torch.set_anomaly_enabled``)."""
    _set(enabled, check_nan)


def _set(mode, nan):
    """Sets both flags, refusing what torch's C function refuses."""
    global enabled, check_nan
    for position, (name, value) in enumerate((("enabled", mode), ("check_nan", nan)), 1):
        if value.__class__ is not bool:
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) "
                            f"must be bool, not {type(value).__name__}")
    enabled, check_nan = mode, nan


class detect_anomaly(_DecoratorContextManager):
    """Context manager (and decorator) turning anomaly detection on."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self.prev = (enabled, check_nan)
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.prev)

    def clone(self):
        return self.__class__(self.check_nan)


class set_detect_anomaly(_DecoratorContextManager):
    """Turns anomaly detection on or off, as a call or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = (enabled, check_nan)
        self.mode, self.check_nan = mode, check_nan
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(*self.prev)

    def clone(self):
        return self.__class__(self.mode, self.check_nan)


def remember_forward(node):
    """Stores the forward traceback on a node (called by ``record`` when enabled)."""
    node.metadata["traceback_"] = traceback.format_stack()[:-2]


def check_gradients(node, grads):
    """Raises, with the node's forward traceback, when a gradient holds NaN."""
    if not check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind in "fc" and (g._data != g._data).any():
            stack = "".join(node.metadata.get("traceback_", []))
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{stack}", UserWarning)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               "output.")
