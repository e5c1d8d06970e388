"""The module classes of ``nn``, one file per family as in torch.nn.modules."""
from .module import Module
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .flatten import Flatten, Unflatten
from .lazy import LazyModuleMixin
from .linear import Bilinear, Identity, LazyLinear, Linear

__all__ = ["Bilinear", "Flatten", "Identity", "LazyLinear", "LazyModuleMixin", "Linear",
           "Module", "ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential",
           "Unflatten"]
