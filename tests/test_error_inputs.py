"""The error inputs of torch's OpInfo database (``error_inputs``): for every op flambeau has,
each bad call raises torch's exception type with a message that matches torch's pattern.

``KNOWN`` lists the ops that still fail one of theirs, as strict expected failures: fixing one
makes its test fail until it leaves the list, so the list only shrinks."""
import re

import pytest
from torch.testing._internal.common_methods_invocations import op_db

import flambeau
from test_gradcheck import _to_flambeau

KNOWN = set("""
arange normal clamp_max clamp_min complex kthvalue masked_fill masked_select aminmax
nn.functional.conv1d nn.functional.conv2d nn.functional.conv3d narrow_copy gather index_select
take empty_permuted bernoulli cat nn.functional.embedding amax amin
""".split())


def _resolve(name):
    obj = flambeau
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _on_cpu(value):
    if isinstance(value, (list, tuple)):
        return all(_on_cpu(v) for v in value)
    return getattr(value, "device", None) is None or value.device.type == "cpu"


def _errors(op):
    """The op's error inputs whose tensors live on the CPU (some are on the meta device)."""
    return [error for error in op.error_inputs("cpu") if _on_cpu(
        [error.sample_input.input, *error.sample_input.args,
         *error.sample_input.kwargs.values()])]


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


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _ops())
def test_error_inputs_raise_as_torch(op, as_torch):
    fn = _resolve(op.name)
    for error in _errors(op):
        sample = error.sample_input
        args = _to_flambeau([sample.input, *sample.args])
        with pytest.raises(Exception) as raised:
            fn(*args, **_to_flambeau(sample.kwargs))
        assert type(raised.value).__name__ == error.error_type.__name__ or \
            isinstance(raised.value, error.error_type), (raised.value, error.error_type)
        assert re.search(error.error_regex, str(raised.value)), \
            (str(raised.value), error.error_regex)
