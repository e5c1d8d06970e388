"""``torch.backends.cuda``: the CUDA library switches. flambeau's GPU path is CuPy's; these
flags are kept (checked as torch checks them) and change nothing."""
from . import _context


def is_built():
    """False: flambeau is not a CUDA build of torch (a GPU, when present, goes through CuPy)."""
    return False


class cuBLASModule:
    """``torch.backends.cuda.matmul``. ``allow_tf32`` is the float32 matmul precision seen from
    cuBLAS (True for "high" and "medium"); ``allow_fp16_reduced_precision_reduction`` and
    ``allow_bf16_...`` take a bool or ``(allow_reduced_precision, allow_splitk)``."""

    _REDUCTIONS = ("allow_fp16_reduced_precision_reduction",
                   "allow_bf16_reduced_precision_reduction")

    def __init__(self):
        object.__setattr__(self, "_reduction", dict.fromkeys(self._REDUCTIONS, (True, True)))

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _context.get_float32_matmul_precision() != "highest"
        if name in self._REDUCTIONS:
            return self._reduction[name][0]
        if name.endswith("_split_k") and name[:-8] in self._REDUCTIONS:
            return self._reduction[name[:-8]][1]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            if not isinstance(value, bool):
                raise RuntimeError("set_allow_tf32_cublas expects a bool, but got "
                                   f"{type(value).__name__}")
            _context.set_float32_matmul_precision("high" if value else "highest")
        elif name in self._REDUCTIONS:
            self._reduction[name] = _reduction_setting(value, name)
        else:
            raise AttributeError("Unknown attribute " + name)


def _reduction_setting(value, name):
    """``(allow_reduced_precision, allow_splitk)`` from a bool or a list of one or two."""
    if isinstance(value, bool):
        return value, True
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} expects a bool or a tuple/list of bools, but got "
                        f"{type(value)!r}")
    if not value:
        raise TypeError(f"{name} expects at least one boolean argument")
    if len(value) > 2:
        raise TypeError(f"{name} expects at most two boolean arguments")
    for item, which in zip(value, ("allow_reduced_precision", "allow_splitk")):
        if not isinstance(item, bool):
            raise TypeError(f"{name} expects a bool for {which}, but got {type(item)!r}")
    return value[0], value[1] if len(value) == 2 else True


matmul = cuBLASModule()


def _sdp_switch(kind):
    """The reader and the setter of one scaled-dot-product-attention kernel's switch."""
    state = {"on": True}

    def enabled():
        return state["on"]

    def enable(value):
        state["on"] = value
    enabled.__name__, enable.__name__ = f"{kind}_sdp_enabled", f"enable_{kind}_sdp"
    return enabled, enable


flash_sdp_enabled, enable_flash_sdp = _sdp_switch("flash")
mem_efficient_sdp_enabled, enable_mem_efficient_sdp = _sdp_switch("mem_efficient")
math_sdp_enabled, enable_math_sdp = _sdp_switch("math")
cudnn_sdp_enabled, enable_cudnn_sdp = _sdp_switch("cudnn")
