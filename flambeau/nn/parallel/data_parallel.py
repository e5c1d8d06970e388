"""DataParallel: a module run on the batch as torch runs it on one device.

Without a GPU (the CPU build's case) it is torch's: a wrapper whose forward calls the wrapped
module, parameters named ``module.*``. With GPUs, flambeau runs the whole batch on
``device_ids[0]`` and moves the output to ``output_device`` (torch splits the batch across
replicas and gathers it: the same result, except for BatchNorm statistics, which torch computes
per replica).
"""
from ... import cuda
from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _device_index(device):
    """A GPU index from an int or a device (``torch.device('cuda:1')`` -> 1)."""
    return device if isinstance(device, int) else device.index or 0


def _to(value, device):
    """Tensors in ``value`` (nested in tuples, lists and dicts) moved to ``device``."""
    if isinstance(value, Tensor):
        return value.to(device)
    if isinstance(value, (tuple, list)):
        return type(value)(_to(v, device) for v in value)
    if isinstance(value, dict):
        return {k: _to(v, device) for k, v in value.items()}
    return value


def _devices(device_ids, output_device):
    """``(input device, output device)`` names from torch's arguments."""
    device_ids = list(range(cuda.device_count())) if device_ids is None else device_ids
    if not device_ids:
        raise RuntimeError("no available devices were found")
    first = _device_index(device_ids[0])
    output = first if output_device is None else _device_index(output_device)
    return f"cuda:{first}", "cpu" if output == -1 else f"cuda:{output}"


class DataParallel(Module):
    """Wraps ``module`` (``self.module``); see the module docstring for what differs."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        if not cuda.is_available():
            self.device_ids = []
            return
        self.dim = dim
        self.src_device, self.output_device = _devices(device_ids, output_device)
        self.device_ids = [_device_index(d) for d in device_ids or range(cuda.device_count())]
        module.to(self.src_device)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        output = self.module(*_to(inputs, self.src_device), **_to(kwargs, self.src_device))
        return _to(output, self.output_device)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """``module(*inputs, **module_kwargs)`` on the GPU; torch's RuntimeError without one."""
    if not cuda.is_available():
        raise RuntimeError("device type could not be determined")
    source, output = _devices(device_ids, output_device)
    inputs = (inputs,) if not isinstance(inputs, tuple) else inputs
    output_value = module(*_to(inputs, source), **_to(module_kwargs or {}, source))
    return _to(output_value, output)
