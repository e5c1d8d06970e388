"""torch's deterministic-algorithms switch, and what it changes on the CPU.

flambeau's kernels are deterministic whatever the switch says. What it changes, as in torch:
while it is on and ``torch.utils.deterministic.fill_uninitialized_memory`` is True (the
default), the memory that ``empty``, ``empty_like``, ``new_empty``, ``empty_strided``,
``empty_permuted`` and a growing ``resize_`` would leave uninitialised is filled with NaN
(the largest value for integer dtypes, True for bool), so a program that reads it before
writing fails visibly.
"""
import numpy as np

state = {"enabled": False, "warn_only": False, "fill_uninitialized_memory": True}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Sets the switch (``warn_only`` is recorded: no flambeau kernel is nondeterministic)."""
    for name, value, where in (("mode", mode, " (position 1)"), ("warn_only", warn_only, "")):
        if not isinstance(value, bool):
            raise TypeError(f"_set_deterministic_algorithms(): argument '{name}'{where} must be "
                            f"bool, not {type(value).__name__}")
    state["enabled"], state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return state["enabled"]


def is_deterministic_algorithms_warn_only_enabled():
    return state["warn_only"]


def uninitialised_fill(dtype):
    """What fills memory left uninitialised for ``dtype`` (a flambeau dtype): None (leave it)
    unless the switch and ``fill_uninitialized_memory`` are both on."""
    if not (state["enabled"] and state["fill_uninitialized_memory"]):
        return None
    if dtype.is_floating_point or dtype.is_complex:
        return float("nan")  # a complex NaN keeps 0 in its imaginary part, as torch's
    if dtype._name == "bool":
        return True
    return int(np.iinfo(dtype.numpy_dtype).max)
