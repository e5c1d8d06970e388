"""The name printed for the package: ``flambeau``, or ``torch`` when a program runs as PyTorch.

``python -m flambeau run script.py`` calls :func:`set_public_name` with ``"torch"`` so that
``torch.float32``, ``torch.Size([2])`` and ``<class 'torch.Tensor'>`` print as in PyTorch.
"""

public_name = "flambeau"


def set_public_name(name):
    global public_name
    public_name = name
    # class reprs read __module__, so the public classes follow the switch
    for cls in _renamed_classes:
        cls.__module__ = name
    for cls, submodule in _submodule_classes:
        cls.__module__ = name + submodule


_renamed_classes = []
_submodule_classes = []  # (class, its module's path below the package: ".nn.modules.linear")


def public_class(cls):
    """Class decorator: ``repr(cls)`` shows ``<class 'flambeau.X'>`` (or ``'torch.X'``)."""
    cls.__module__ = public_name
    _renamed_classes.append(cls)
    return cls


def public_classes(classes):
    """Classes printed under their own module path, package name switched:
    ``<class 'torch.nn.modules.linear.Linear'>`` once the public name is torch."""
    for cls in classes:
        submodule = cls.__module__.partition(".")[2]
        _submodule_classes.append((cls, "." + submodule))
        cls.__module__ = public_name + "." + submodule
