"""``torch.cpu.amp``: the deprecated spellings of ``torch.amp`` for the CPU (they warn as
torch's do, then behave as ``torch.amp.autocast("cpu")``/``GradScaler("cpu")``)."""
from .. import _dtype
from ..amp import deprecated_spellings

autocast, GradScaler = deprecated_spellings("cpu", _dtype.bfloat16, __name__)
