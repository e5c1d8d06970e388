"""Run PyTorch programs on flambeau: the names ``torch`` and ``torchvision`` resolve to flambeau.

In a notebook, or at the top of any program, one line does it::

    import flambeau.compat; flambeau.compat.install()

    import torch                     # flambeau
    import torch.nn as nn            # flambeau.nn: the same module object, not a copy
    from torchvision import models   # flambeau.vision.models

``python -m flambeau run train.py`` calls :func:`install` before it runs the script. Once
installed, flambeau prints itself as torch (``torch.float32``, ``torch.Size([2, 3])``,
``<class 'torch.Tensor'>``), a torch submodule flambeau lacks fails to import with a
``ModuleNotFoundError`` that says so, and child processes started with ``spawn`` or
``forkserver`` (``DataLoader`` workers) install the aliases too. Call :func:`install` before
anything imports the real torch; :func:`uninstall` undoes it.
"""
import functools
import importlib
import importlib.machinery
import sys

from . import _naming
from ._naming import (aliases, in_torch, missing_attribute, to_flambeau,  # noqa: F401
                      to_public, to_torch)

_finder = None  # the installed _AliasFinder, or None


def _missing_import(fullname):
    """The ImportError for ``from torch.X import name`` where flambeau.X lacks ``name``
    (the import system asks for the submodule ``flambeau.X.name`` then): flambeau's message
    for a torch API it lacks, torch's for a name torch lacks too."""
    parent, _, name = fullname.rpartition(".")
    public = to_public(parent)
    message = f"cannot import name {name!r} from {public!r}"
    if in_torch(f"{to_torch(parent)}.{name}"):
        return ImportError(f"{message} ({public}.{name} is not implemented in flambeau)",
                           name=public)
    module = sys.modules.get(parent)
    return ImportError(f"{message} ({getattr(module, '__file__', 'unknown location')})",
                       name=public)


class _AliasLoader:
    """Loads an alias by handing back the flambeau module itself."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec  # the import system set the alias's spec; restore flambeau's

    def get_code(self, fullname):
        """The flambeau module's code, for ``run -m torch.X`` (runpy runs it as __main__)."""
        return self.spec.loader.get_code(self.spec.name)


class _AliasFinder:
    """Answers imports of ``torch``, ``torch.*``, ``torchvision`` and ``torchvision.*``."""

    def __init__(self, public_name):
        self.public_name = public_name
        self.importing = set()  # the flambeau modules being imported under a torch name

    def find_spec(self, fullname, path=None, target=None):
        name = to_flambeau(fullname, self.public_name)
        if name is None:
            if fullname.startswith("flambeau.") and fullname not in self.importing and \
                    fullname.rpartition(".")[0] in sys.modules:
                # ``from torch import X`` where flambeau has no X: the import system tries the
                # submodule flambeau.X; answer for it unless it exists
                spec = importlib.machinery.PathFinder.find_spec(fullname, path)
                if spec is None:
                    raise _missing_import(fullname)
                return spec
            return None
        self.importing.add(name)  # (the branch above is for from-imports only)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is None or not (name + ".").startswith(error.name + "."):
                raise  # a module missing inside flambeau's own code: report it as it is
            raise ModuleNotFoundError(f"No module named {fullname!r}: flambeau does not "
                                      f"implement {fullname} yet", name=fullname) from None
        finally:
            self.importing.discard(name)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module),
                                              origin=getattr(module, "__file__", None),
                                              is_package=hasattr(module, "__path__"))


def install(public_name="torch"):
    """Make ``import torch`` (and ``torchvision``) give flambeau, and print flambeau as torch."""
    global _finder
    for alias, target in aliases(public_name).items():
        module = sys.modules.get(alias)
        if module is not None and module.__name__ != target:
            raise RuntimeError(f"the real {alias} is already imported; call "
                               f"flambeau.compat.install() before the first 'import {alias}'")
    if _finder is not None and _finder.public_name != public_name:
        uninstall()
    if _finder is None:
        _finder = _AliasFinder(public_name)
        sys.meta_path.insert(0, _finder)  # ahead of the path finder that would find real torch
    _naming.set_public_name(public_name)
    _reach_spawned_children()


def uninstall():
    """Undo :func:`install`: the torch names are forgotten and flambeau prints as flambeau."""
    global _finder
    if _finder is None:
        return
    public_name, _finder = _finder.public_name, None
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AliasFinder)]
    for name in [n for n in sys.modules if to_flambeau(n, public_name)]:
        if getattr(sys.modules[name], "__name__", "").startswith("flambeau"):
            del sys.modules[name]
    _naming.set_public_name("flambeau")


class _InstallWhenUnpickled:
    """Unpickling this calls ``install(public_name)``."""

    def __init__(self, public_name):
        self.public_name = public_name

    def __reduce__(self):
        return install, (self.public_name,)


def _reach_spawned_children():
    """A child started by ``spawn`` or ``forkserver`` re-imports ``__main__`` from scratch, after
    unpickling the preparation data its parent sends. Adding an entry whose unpickling calls
    :func:`install` gives the child the aliases before its ``import torch`` runs."""
    from multiprocessing import spawn
    if getattr(spawn.get_preparation_data, "_flambeau", False):
        return
    original = spawn.get_preparation_data

    def get_preparation_data(name):
        data = original(name)
        if _finder is not None:
            data["flambeau_compat"] = _InstallWhenUnpickled(_finder.public_name)
        return data

    get_preparation_data._flambeau = True
    spawn.get_preparation_data = get_preparation_data
