"""Legacy tensor types: ``FloatTensor([1, 2])``, ``LongTensor(3)``, ``isinstance(t, FloatTensor)``."""
from . import _dtype, _naming
from ._tensor import Tensor


class _LegacyType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None):
        from ._ops import creation
        return creation.legacy_new(args, cls.dtype, device)

    def __repr__(cls):
        return f"<class '{_naming.public_name}.{cls.__name__}'>"


def _legacy(name, dtype):
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": f"A tensor of {dtype._name}."})


TYPES = {d._scalar_name + "Tensor": _legacy(d._scalar_name + "Tensor", d)
         for d in _dtype.all_dtypes if not (d.is_complex or d._barebones)}  # FloatTensor ...
