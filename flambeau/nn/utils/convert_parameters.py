"""All parameters of a model as one flat vector, and back."""
import flambeau
from ... import _naming
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """The ``parameters`` flattened and concatenated into one vector (differentiable)."""
    device = None
    flat = []
    for param in parameters:
        device = _check_param_device(param, device)
        flat.append(param.view(-1))
    return flambeau.cat(flat)


def vector_to_parameters(vec, parameters):
    """Makes each of ``parameters`` take, as its ``.data``, the next slice of ``vec`` (a view:
    the parameters then share ``vec``'s memory)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected {_naming.public_name}.Tensor, but got: {_typename(vec)}")
    device = None
    start = 0
    for param in parameters:
        device = _check_param_device(param, device)
        n = param.numel()
        param.data = vec[start:start + n].view_as(param).data
        start += n


def _typename(obj):
    """``module.QualName`` of ``obj`` (or its class), as torch.typename spells a non-tensor."""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name is None:
        obj = type(obj)
        name = obj.__qualname__
    module = getattr(obj, "__module__", "") or ""
    return name if module in ("", "builtins") else f"{module}.{name}"


def _check_param_device(param, device):
    """The device index of ``param`` (-1 for the CPU), checked against the first one's."""
    index = param.get_device() if param.device.type == "cuda" else -1
    if device is not None and index != device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return index
