"""Argument checks and helpers the v2 transforms share."""
import numbers
from collections.abc import Sequence

from ... import tv_tensors


def check_padding(padding):
    message = f"Padding must be an int or a 1, 2, or 4 element of tuple or list, got {padding}."
    if isinstance(padding, (tuple, list)):
        if len(padding) not in (1, 2, 4) or not all(isinstance(p, int) for p in padding):
            raise ValueError(message)
    elif not isinstance(padding, int):
        raise ValueError(message)


def parse_padding(padding):
    """``[left, right, top, bottom]`` from an int or a 1-, 2- or 4-sequence."""
    if isinstance(padding, int):
        padding = [padding]
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def _fill_value(fill):
    if fill is None or isinstance(fill, (int, float)):
        return fill
    return [float(v) for v in fill]


def setup_fill(fill):
    """``{type or 'others': fill}`` from a fill or a dict of fills per input type."""
    if isinstance(fill, dict):
        return {key: _fill_value(value) for key, value in fill.items()}
    if fill is not None and not isinstance(fill, (numbers.Number, Sequence)):
        raise TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts are "
                        "allowed.")
    return {"others": _fill_value(fill)}


def get_fill(fills, inpt):
    return fills.get(type(inpt), fills.get("others"))


def labels_getter(getter):
    """The function finding the labels of a sample (``'default'``: torchvision's heuristic)."""
    if getter == "default":
        return _default_labels
    if callable(getter):
        return getter
    if getter is None:
        return lambda sample: None
    raise ValueError("labels_getter should either be 'default', a callable, or None, but got "
                     f"{getter}.")


def _default_labels(inputs):
    from ._transform import is_pure_tensor
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, dict):
        raise ValueError("When using the default labels_getter, the input passed to forward must "
                         "be a dictionary or a two-tuple whose second item is a dictionary or a "
                         f"tensor, but got {inputs} instead.")
    keys = [k for k in inputs if k.lower() == "labels"] or \
        [k for k in inputs if "label" in k.lower()]
    if not keys:
        raise ValueError("Could not infer where the labels are in the sample. Try passing a "
                         "callable as the labels_getter parameter?If there are no labels in the "
                         "sample by design, pass labels_getter=None.")
    return inputs[keys[0]]


def get_bounding_boxes(flat_inputs):
    for inpt in flat_inputs:
        if isinstance(inpt, tv_tensors.BoundingBoxes):
            return inpt
    raise ValueError("No bounding boxes were found in the sample")


def get_keypoints(flat_inputs):
    for inpt in flat_inputs:
        if isinstance(inpt, tv_tensors.KeyPoints):
            return inpt
    raise ValueError("No keypoints were found in the sample")
