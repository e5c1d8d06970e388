"""``flambeau.Size``: the shape of a tensor, a tuple that prints as ``torch.Size([2, 3])``."""
from . import _naming


@_naming.public_class
class Size(tuple):
    __slots__ = ()

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for s in sizes:
            if not isinstance(s, int) and not hasattr(s, "__index__"):
                raise TypeError(f"{_naming.public_name}.Size() takes an iterable of 'int' "
                                f"(item {sizes.index(s)} is '{type(s).__name__}')")
        return tuple.__new__(cls, (s.__index__() for s in sizes))

    def __repr__(self):
        return f"{_naming.public_name}.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Size(item) if isinstance(key, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def numel(self):
        """The number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __reduce__(self):
        return Size, (tuple(self),)
