"""The model registry and the weights API of torchvision's ``models._api``."""
import fnmatch
import importlib
import inspect
import typing
from dataclasses import dataclass
from enum import Enum
from functools import partial

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]


@dataclass
class Weights:
    """A set of published weights: the file's ``url``, the ``transforms`` constructor of the
    evaluation preset, and ``meta`` (categories, ``num_params``, metrics, recipe ...)."""

    url: str
    transforms: typing.Callable
    meta: dict

    def __eq__(self, other):
        # A deep-copied ``partial`` is not equal to its original, so compare its parts (the enum
        # machinery compares values when a member is copied or unpickled).
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, partial) and isinstance(b, partial):
            return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
        return a == b


class WeightsEnum(Enum):
    """Base of every model's weights enum; its members' values are :class:`Weights`."""

    @classmethod
    def verify(cls, obj):
        """Return ``obj`` as a member of ``cls``: a member, its name (``"IMAGENET1K_V1"`` or
        ``"ResNet18_Weights.IMAGENET1K_V1"``) or ``None``."""
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} "
                            f"but received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """The state dict read by :func:`flambeau.hub.load_state_dict_from_url` from ``self.url``."""
        from ... import hub
        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def _model_packages():
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    return [base] + [m for _, m in inspect.getmembers(base, inspect.ismodule)
                     if m.__file__.endswith("__init__.py")]


def get_weight(name):
    """The weights enum member named ``"EnumName.MEMBER"``, e.g. ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for module in _model_packages():
        candidate = module.__dict__.get(enum_name)
        if candidate is not None and issubclass(candidate, WeightsEnum):
            return candidate[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def get_model_weights(name):
    """The weights enum class of a model builder, given as the builder or its registered name."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    parameters = inspect.signature(fn).parameters
    if "weights" not in parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    annotation = parameters["weights"].annotation
    for t in (annotation,) + typing.get_args(annotation):
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. "
                     "Make sure the typing info is correct.")


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator registering a model builder under ``name`` (default: the function's name)."""
    def wrapper(fn):
        key = fn.__name__ if name is None else name
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def _matching(names, filters):
    if isinstance(filters, str):
        filters = [filters]
    return {n for f in filters for n in fnmatch.filter(names, f)}


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally only those of the package ``module``,
    filtered by ``fnmatch`` patterns: the union of ``include``'s matches less ``exclude``'s."""
    names = {k for k, fn in BUILTIN_MODELS.items()
             if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__}
    models = _matching(names, include) if include else names
    if exclude:
        models -= _matching(names, exclude)
    return sorted(models)


def get_model_builder(name):
    """The builder registered under ``name`` (case-insensitive)."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """A model built by the builder registered under ``name`` with ``config`` as its arguments."""
    return get_model_builder(name)(**config)
