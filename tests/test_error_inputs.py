"""The error inputs of torch's OpInfo database (``error_inputs``): for every op flambeau has,
each bad call raises torch's exception type with a message that matches torch's pattern.

``KNOWN`` lists the ops that still fail one of theirs, as strict expected failures: fixing one
makes its test fail until it leaves the list, so the list only shrinks."""
import re

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import flambeau
from test_gradcheck import _to_flambeau, lib_function

KNOWN = set()


def _resolve(name):
    obj = flambeau
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _fits(value):
    """Whether a value lives on the CPU (some error inputs are on the meta device) in at most
    NumPy's 64 dims (a tensor of more cannot exist in flambeau)."""
    if isinstance(value, (list, tuple)):
        return all(_fits(v) for v in value)
    device = getattr(value, "device", None)
    return device is None or device.type == "cpu" and value.ndim <= 64


def _errors(op):
    """The op's error inputs that flambeau can be given."""
    return [error for error in op.error_inputs("cpu") if _fits(
        [error.sample_input.input, *error.sample_input.args,
         *error.sample_input.kwargs.values()])]


def _sharing(value, made):
    """``value`` converted as ``_to_flambeau`` does, but with tensors sharing memory as torch's
    did (an ``out=`` that overlaps an input): each torch storage becomes one flambeau tensor,
    of which every tensor on it is a view with torch's sizes, strides and offset; ``made``
    maps what was converted already (the same torch tensor gives the same flambeau one)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_sharing(v, made) for v in value)
    if isinstance(value, dict):
        return {k: _sharing(v, made) for k, v in value.items()}
    if not isinstance(value, torch.Tensor):
        return _to_flambeau(value)
    if id(value) in made:
        return made[id(value)][1]
    storage = value.untyped_storage()
    key = (storage.data_ptr(), value.dtype) if storage.nbytes() else id(value)
    if key not in made:
        whole = torch.empty(0, dtype=value.dtype).set_(
            storage, 0, (storage.nbytes() // value.element_size(),))
        made[key] = _to_flambeau(whole)
    t = made[key].as_strided(value.shape, value.stride(), value.storage_offset())
    t = t.requires_grad_() if value.requires_grad else t
    made[id(value)] = value, t  # (value kept alive, so that its id stays its own)
    return t


def _ops():
    out = []
    for op in op_db:
        if op.error_inputs_func is None or op.name.startswith("_") or \
                _resolve(op.name) is None or not _errors(op):
            continue
        marks = [pytest.mark.xfail(strict=True, reason="a known gap")] \
            if op.name in KNOWN else []
        out.append(pytest.param(op, id=f"{op.name}.{op.variant_test_name}".rstrip("."),
                                marks=marks))
    return out


def _raises_in_torch(op, sample):
    """Whether torch itself refuses the sample (some error inputs are known not to raise)."""
    try:
        op(sample.input, *sample.args, **sample.kwargs)
    except Exception:
        return True
    return False


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _ops())
def test_error_inputs_raise_as_torch(op, as_torch):
    fn = lib_function(op)  # (the OpInfo's own code where it reorders arguments)
    errors = _errors(op)
    made = [{} for _ in errors]  # all converted before torch runs any (out= may resize them)
    converted = [(_sharing([e.sample_input.input, *e.sample_input.args], m),
                  _sharing(e.sample_input.kwargs, m)) for e, m in zip(errors, made)]
    for error, (args, kwargs) in zip(errors, converted):
        sample = error.sample_input
        if not _raises_in_torch(op, sample):
            continue
        with pytest.raises(Exception) as raised:
            fn(*args, **kwargs)
        assert type(raised.value).__name__ == error.error_type.__name__ or \
            isinstance(raised.value, error.error_type), (raised.value, error.error_type)
        assert re.search(error.error_regex, str(raised.value)), \
            (str(raised.value), error.error_regex)
