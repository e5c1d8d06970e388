"""What the dtype sweeps (test_unsigned_ops, test_complex_refusals) share: each runs torch's
OpInfo samples of one dtype recast to another, in torch and in flambeau, and compares refusals
(exception type and message) or results."""
import pytest
import torch

import flambeau
from test_error_inputs import _sharing
from test_op_values import _Unsupported, _check_convertible, _ops


def recast(value, old, new, convert):
    """``value`` (a sample's nested input, args and kwargs) with its ``old``-dtype tensors made
    ``convert(tensor)`` and its ``old`` dtype options made ``new``."""
    if isinstance(value, (list, tuple)):
        return type(value)(recast(v, old, new, convert) for v in value)
    if isinstance(value, dict):
        return {k: recast(v, old, new, convert) for k, v in value.items()}
    if isinstance(value, torch.Tensor) and value.dtype is old:
        return convert(value)
    return new if value is old else value


def run_both(op, fn, every):
    """Torch's ``op`` and flambeau's ``fn`` on ``every`` (``[input, args, kwargs]`` of torch
    values), both seeded alike: None when the sample has no flambeau form or torch refuses it
    (then flambeau must raise the same exception type and message), else (ours, theirs)."""
    try:
        _check_convertible(every)
    except _Unsupported:
        return None
    made = {}
    args = _sharing([every[0], *every[1]], made)
    kwargs = _sharing(every[2], made)
    torch.manual_seed(42)
    try:
        theirs = op(every[0], *every[1], **every[2])
    except Exception as error:
        with pytest.raises(Exception) as ours:
            fn(*args, **kwargs)
        assert type(ours.value).__name__ == type(error).__name__ and \
            str(ours.value) == str(error), (ours.value, error)
        return None
    flambeau.manual_seed(42)
    return fn(*args, **kwargs), theirs


def params(dtype, known):
    """The OpInfo ops with samples of ``dtype``, those whose ids are ``known`` marked as strict
    expected failures."""
    out = []
    for p in _ops():
        op = p.values[0]
        if dtype not in op.supported_dtypes("cpu") or p.marks:
            continue
        marks = [pytest.mark.xfail(strict=True, reason="differs from torch")] \
            if p.id in known else []
        out.append(pytest.param(op, id=p.id, marks=marks))
    return out
