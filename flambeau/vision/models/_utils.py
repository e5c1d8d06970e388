"""Helpers shared by the model builders (torchvision's ``models._utils``)."""
import functools
import inspect
import typing
import warnings
from collections import OrderedDict

from ... import nn
from ..transforms._presets import ImageClassification
from ._api import register_model, Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES


class IntermediateLayerGetter(nn.ModuleDict):
    """The direct children of ``model`` up to the last one named in ``return_layers``, run in
    order; ``forward`` returns an ``OrderedDict`` of the outputs of the named ones under their new
    names (``return_layers`` maps child name to output name)."""

    _version = 2
    __annotations__ = {"return_layers": dict}

    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        remaining = {str(k) for k in return_layers}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            remaining.discard(name)
            if not remaining:
                break
        super().__init__(layers)
        self.return_layers = return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``, default
    ``divisor``), going up a step when rounding lost more than 10%."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _quoted_list(names):
    """``'a', 'b' and 'c'`` (torchvision's ``sequence_to_str(names, separate_last="and ")``)."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + ("" if len(quoted) == 2 else ",") + " and " + quoted[-1]


def kwonly_to_pos_or_kw(fn):
    """Let ``fn``'s keyword-only parameters be passed positionally too, with torchvision's
    deprecation warning."""
    params = tuple(inspect.signature(fn).parameters.values())
    try:
        start = next(i for i, p in enumerate(params) if p.kind == p.KEYWORD_ONLY)
    except StopIteration:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'") from None
    keyword_only = [p.name for p in params[start:]]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, extra = args[:start], args[start:]
        if extra:
            moved = dict(zip(keyword_only, extra))
            warnings.warn(f"Using {_quoted_list(tuple(moved))} as positional parameter(s) is deprecated since "
                          "0.13 and may be removed in the future. Please use keyword parameter(s) instead.")
            kwargs.update(moved)
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights):
    """Builder decorator accepting the pre-0.13 interface: positional arguments and
    ``pretrained=True/False`` (given as ``weights_param=(legacy_name, default_weights)``, the
    default possibly a function of the keyword arguments), with torchvision's warnings."""

    def outer_wrapper(builder):
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner_wrapper(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if ((weights_param not in kwargs and pretrained_param not in kwargs)
                        or isinstance(weights_arg, WeightsEnum)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None):
                    continue
                # A positional ``pretrained`` arrives under the new name (kwonly_to_pos_or_kw).
                positional = weights_arg is not sentinel
                if positional:
                    kwargs[pretrained_param] = kwargs.pop(weights_param)
                pretrained = kwargs[pretrained_param]
                if pretrained:
                    chosen = default(kwargs) if callable(default) else default
                    if not isinstance(chosen, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    chosen = None
                if not positional:
                    warnings.warn(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be "
                                  f"removed in the future, please use '{weights_param}' instead.")
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since "
                       f"0.13 and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={chosen}`.")
                if pretrained:
                    msg += (f" You can also use `{weights_param}={type(chosen).__name__}.DEFAULT` to get the "
                            "most up-to-date weights.")
                warnings.warn(msg)
                del kwargs[pretrained_param]
                kwargs[weights_param] = chosen
            return builder(*args, **kwargs)

        return inner_wrapper

    return outer_wrapper


def _ovewrite_named_param(kwargs, param, new_value):
    """Set ``kwargs[param]`` to ``new_value``; a different value already there is an error."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    """``expected``; an ``actual`` value given and different from it is an error."""
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected


def _imagenet_weights(url, acc1, acc5, *, preset=None, categories=_IMAGENET_CATEGORIES, **meta):
    """Weights of an ImageNet-1K classifier: its ``ImageClassification`` preset (``crop_size=224``
    unless ``preset`` says otherwise), top-1/top-5 accuracies and the rest of ``meta``."""
    return Weights(url=url, transforms=functools.partial(ImageClassification, **{"crop_size": 224, **(preset or {})}),
                   meta={"categories": categories, **meta,
                         "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}}})


def _builder(name, weights_enum, build, *args, doc, **fixed):
    """The registered model builder ``name(*, weights=None, progress=True, **kwargs)``, with
    torchvision's legacy ``pretrained=`` interface (``pretrained=True`` means
    ``weights_enum.IMAGENET1K_V1``): it checks ``weights`` against ``weights_enum``, refuses values
    other than ``fixed``'s for those keyword arguments, and returns
    ``build(*args, weights, progress, **fixed, **kwargs)``. Its docstring is ``doc`` and the
    arguments."""
    def builder(*, weights=None, progress=True, **kwargs):
        weights = weights_enum.verify(weights)
        for key, value in fixed.items():
            _ovewrite_named_param(kwargs, key, value)
        return build(*args, weights, progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = weights_enum.__module__
    builder.__doc__ = f"""{doc}

    Args:
        weights: the pretrained weights to load (a member of :class:`{weights_enum.__name__}` or its name), or
            ``None`` (random initialisation).
        progress: show a progress bar while downloading the weights.
        **kwargs: passed to the model's class.
"""
    builder.__annotations__ = {"weights": typing.Optional[weights_enum], "progress": bool}
    legacy = handle_legacy_interface(weights=("pretrained", weights_enum.IMAGENET1K_V1))
    return register_model()(legacy(builder))


def _load_weights(model, weights, progress):
    """``model`` with the state dict of ``weights`` (read with its hash checked) loaded strictly."""
    model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
