"""``flambeau.signal``: signal-processing helpers (``signal.windows``), as ``torch.signal``."""
from . import windows  # noqa: F401
