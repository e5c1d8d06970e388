"""Grad modes: whether operations record the graph. Thread-local, as in PyTorch."""
import functools
import threading

class _State(threading.local):
    enabled = True  # every thread starts with grad enabled
    inference = False


_state = _State()


def is_grad_enabled():
    return _state.enabled


def _set_enabled(mode):
    _state.enabled = bool(mode)


class _DecoratorContextManager:
    """A context manager that also decorates functions (and generator functions)."""

    def __call__(self, func):
        if isinstance(func, type) or not callable(func):
            raise TypeError(f"{type(self).__name__} can only decorate functions")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Operations inside do not record the graph: results never require grad."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set_enabled(False)

    def __exit__(self, *exc):
        _set_enabled(self.prev)


class enable_grad(_DecoratorContextManager):
    """Turns recording back on inside ``no_grad``."""

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set_enabled(True)

    def __exit__(self, *exc):
        _set_enabled(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Sets grad mode on or off: as a function call, a context manager or a decorator."""

    def __init__(self, mode):
        self.prev = is_grad_enabled()
        self.mode = bool(mode)
        _set_enabled(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, and the tensors made inside are inference tensors: outside the mode
    they cannot be saved for backward, require grad or be modified in place.
    ``inference_mode(False)`` turns it off (and grad mode on) inside an inference block."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # @inference_mode, without parentheses

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        from .. import _tensor
        self.prev = _state.enabled, _state.inference
        _state.enabled, _state.inference = not self.mode, self.mode
        _tensor._inference_blocks += 1

    def __exit__(self, *exc):
        from .. import _tensor
        _state.enabled, _state.inference = self.prev
        _tensor._inference_blocks -= 1

    def clone(self):
        return self.__class__(self.mode)


def is_inference_mode_enabled():
    return _state.inference
