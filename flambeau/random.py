"""``flambeau.random``: seeding and the state of the default generator (``torch.random``)."""
import contextlib

from ._ops.random import (default_generator, get_rng_state, initial_seed, manual_seed, seed,
                          set_rng_state)

__all__ = ["set_rng_state", "get_rng_state", "manual_seed", "seed", "initial_seed", "fork_rng",
           "default_generator"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type=None):
    """Restores the default generator's state on exit, so the block's draws leave no trace.
    Only the CPU generator is forked; ``devices`` is accepted for compatibility."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
