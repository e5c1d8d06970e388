"""The base of the v2 transforms: a Module that takes any nesting of lists, tuples and dicts,
finds what it can transform (tv_tensors, PIL images, and the first plain tensor when there is
no image), draws its parameters once for the whole sample and applies them to each."""
import enum

import flambeau
from flambeau.nn import Module
from ..._pil import is_pil_image
from ... import tv_tensors
from ..transforms import _coin
from . import functional as F

_IMAGES = (tv_tensors.Image, tv_tensors.Video)


def tree_flatten(tree):
    """(leaves, rebuild): the leaves of nested lists, tuples and dicts, and the function that
    puts new leaves back in the same structure."""
    if isinstance(tree, (list, tuple)) and not hasattr(tree, "_fields") or isinstance(tree, dict):
        items = list(tree.values()) if isinstance(tree, dict) else list(tree)
        parts = [tree_flatten(item) for item in items]
        sizes = [len(leaves) for leaves, _ in parts]

        def rebuild(leaves):
            out, start = [], 0
            for (_, part), size in zip(parts, sizes):
                out.append(part(leaves[start:start + size]))
                start += size
            if isinstance(tree, dict):
                return type(tree)(zip(tree.keys(), out))
            return type(tree)(out)
        return [leaf for leaves, _ in parts for leaf in leaves], rebuild
    if isinstance(tree, tuple):  # a namedtuple
        leaves, rebuild = tree_flatten(list(tree))
        return leaves, lambda new: type(tree)(*rebuild(new))
    return [tree], lambda leaves: leaves[0]


def is_pure_tensor(inpt):
    return isinstance(inpt, flambeau.Tensor) and not isinstance(inpt, tv_tensors.TVTensor)


def _is_image_like(inpt):
    return isinstance(inpt, _IMAGES) or is_pil_image(inpt)


def has_any(flat_inputs, *types):
    """Whether one input is of one of ``types`` (classes or predicates)."""
    return any(check_type(inpt, types) for inpt in flat_inputs)


def has_all(flat_inputs, *types):
    """Whether each of ``types`` matches one input at least."""
    return all(any(check_type(inpt, (t,)) for inpt in flat_inputs) for t in types)


def query_size(flat_inputs):
    """The one ``(height, width)`` of the sample's images, videos, masks, boxes and points."""
    sizes = {tuple(F.get_size(inpt)) for inpt in flat_inputs
             if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video, tv_tensors.Mask,
                                  tv_tensors.BoundingBoxes, tv_tensors.KeyPoints))
             or is_pure_tensor(inpt) or is_pil_image(inpt)}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the "
                        "sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: "
                         f"{sorted(sizes)}")
    return sizes.pop()


def query_chw(flat_inputs):
    """The one ``(channels, height, width)`` of the sample's images and videos."""
    shapes = {tuple(F.get_dimensions(inpt)) for inpt in flat_inputs
              if _is_image_like(inpt) or is_pure_tensor(inpt)}
    if not shapes:
        raise TypeError("No image or video was found in the sample")
    if len(shapes) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: {sorted(shapes)}")
    return shapes.pop()


def check_type(inpt, types):
    """Whether ``inpt`` is one of ``types`` (classes, or predicates such as is_pil_image)."""
    return any(isinstance(inpt, t) if isinstance(t, type) else t(inpt) for t in types)


class Transform(Module):
    """Subclasses draw in ``make_params(flat_inputs)`` and apply in ``transform(inpt, params)``
    to the inputs of ``_transformed_types``."""
    _transformed_types = (flambeau.Tensor, is_pil_image)
    _v1_transform_cls = None  # the v1 class whose static get_params the subclass offers too

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._v1_transform_cls is not None and hasattr(cls._v1_transform_cls, "get_params"):
            cls.get_params = staticmethod(cls._v1_transform_cls.get_params)

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        return {}

    def transform(self, inpt, params):
        raise NotImplementedError

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        """``functional`` on ``inpt``, or ``inpt`` unchanged when it does not handle its type."""
        if not functional.handles(inpt):
            return inpt
        return functional(inpt, *args, **kwargs)

    def _needs_transform_list(self, flat_inputs):
        # a plain tensor is the image only when the sample has no other: the first one
        pure_is_image = not any(_is_image_like(inpt) for inpt in flat_inputs)
        needs = []
        for inpt in flat_inputs:
            wanted = check_type(inpt, self._transformed_types)
            if wanted and is_pure_tensor(inpt):
                wanted, pure_is_image = pure_is_image, False
            needs.append(wanted)
        return needs

    def _apply(self, flat_inputs, rebuild):
        needs = self._needs_transform_list(flat_inputs)
        params = self.make_params([x for x, n in zip(flat_inputs, needs) if n])
        return rebuild([self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)])

    def forward(self, *inputs):
        flat_inputs, rebuild = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat_inputs)
        return self._apply(flat_inputs, rebuild)

    def extra_repr(self):
        """The public attributes of simple types, in the order they were set."""
        return ", ".join(f"{name}={value}" for name, value in self.__dict__.items()
                         if not name.startswith("_") and name != "training"
                         and isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)))


class _RandomApplyTransform(Transform):
    """A transform applied to the whole sample with probability ``p`` (one draw)."""

    def __init__(self, p=0.5):
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, rebuild = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        if not _coin(self.p):
            return inputs
        return self._apply(flat_inputs, rebuild)
