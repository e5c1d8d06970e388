"""The name printed for the package: ``flambeau``, or ``torch`` when a program runs as PyTorch.

``python -m flambeau run script.py`` calls :func:`set_public_name` with ``"torch"`` so that
``torch.float32``, ``torch.Size([2])`` and ``<class 'torch.Tensor'>`` print as in PyTorch.
"""
import functools
import sys

public_name = "flambeau"


def no_arguments(name, args, kwargs):
    """torch's TypeError for arguments given to ``torch.name``, a C function that takes none."""
    if args or kwargs:
        raise TypeError(f"{public_name}.{name}() takes no " +
                        ("keyword arguments" if kwargs else f"arguments ({len(args)} given)"))


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


# ---- torch's names and flambeau's -----------------------------------------------------------

def aliases(public_name="torch"):
    """The top-level names flambeau answers to: ``torch`` and ``torchvision``."""
    return {public_name: "flambeau", public_name + "vision": "flambeau.vision"}


def to_flambeau(name, public_name="torch"):
    """``'torch.nn.functional'`` -> ``'flambeau.nn.functional'``, ``'torchvision.io'`` ->
    ``'flambeau.vision.io'``; None for a name that is not torch's."""
    top, dot, rest = name.partition(".")
    target = aliases(public_name).get(top)
    return None if target is None else target + dot + rest


def to_public(name):
    """The printed name of a flambeau module: ``'flambeau.nn'``, or ``'torch.nn'`` once
    installed."""
    return name if public_name == "flambeau" else to_torch(name, public_name)


def to_torch(name, public_name="torch"):
    """``'flambeau.nn'`` -> ``'torch.nn'``, ``'flambeau.vision.io'`` -> ``'torchvision.io'``."""
    # the longer target first: flambeau.vision is torchvision
    for alias, target in sorted(aliases(public_name).items(), key=lambda item: -len(item[1])):
        if name == target or name.startswith(target + "."):
            return alias + name[len(target):]
    return name


def in_torch(name):
    """Whether ``name`` (``'torch.nn.Conv2d'``) is a public name of torch (of the version
    tools/torch_names.py read): a torch API flambeau may lack, rather than a typo."""
    module, _, attribute = name.rpartition(".")
    return attribute in _torch_names().get(module, ()) or name in _torch_names()


@functools.cache
def _torch_names():
    from ._torch_names import NAMES  # (100 KB of data: read when a name is missing)
    return {module: frozenset("".join(chunks).split()) for module, chunks in NAMES.items()}


def missing_attribute(module_name, name):
    """The AttributeError a flambeau module's ``__getattr__`` raises for a name it lacks: for a
    torch API, one that says flambeau lacks it; for a name torch lacks too, torch's own::

        def __getattr__(name):
            raise _naming.missing_attribute(__name__, name)
    """
    public = to_public(module_name)
    message = f"module {public!r} has no attribute {name!r}"
    if name.startswith("__"):  # protocol probes (__path__, __wrapped__ ...): plain and quick
        return AttributeError(message)
    if in_torch(f"{to_torch(module_name)}.{name}"):
        message += f" ({public}.{name} is not implemented in flambeau)"
    return AttributeError(message, name=name, obj=sys.modules.get(module_name))
