"""``torch.utils.deterministic``: ``fill_uninitialized_memory``, whether deterministic algorithms
fill the memory that ``empty`` and its kind leave uninitialised (True by default; see
``flambeau.use_deterministic_algorithms``)."""
import sys
import types

from .._ops.determinism import state


class _Deterministic(types.ModuleType):
    @property
    def fill_uninitialized_memory(self):
        return state["fill_uninitialized_memory"]

    @fill_uninitialized_memory.setter
    def fill_uninitialized_memory(self, value):
        if not isinstance(value, bool):
            raise RuntimeError(f"expected a bool, but got {type(value).__name__}")
        state["fill_uninitialized_memory"] = value


sys.modules[__name__].__class__ = _Deterministic
