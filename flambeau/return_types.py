"""Named tuples returned by ops with several results: ``torch.return_types.max(values=...,
indices=...)``. They print as in PyTorch."""
import collections

from . import _naming

_types = {}


def return_type(name, fields):
    """The named-tuple class ``return_types.<name>`` with ``fields`` (made once per name)."""
    cls = _types.get(name)
    if cls is None:
        base = collections.namedtuple(name, fields)

        def __repr__(self):
            body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
            return f"{_naming.public_name}.return_types.{name}(\n{body})"

        cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__})
        cls.__module__ = f"{_naming.public_name}.return_types"
        _types[name] = cls
        globals()[name] = cls
    return cls
