"""A tensor's array holds the NumPy type of the dtype it reports (issue 9, item 8: shifts of
int32 tensors once stored int64 while reporting int32). For every op of torch's OpInfo
database that flambeau has, the first samples of each dtype (bool, the signed and unsigned
integers, float16/32/64, complex64), and their in-place variants, must give
tensors whose ``_data.dtype`` is their ``dtype``'s; so must ops mixing tensors with Python
scalars and ``out=`` forms. Torch is used only to make the samples. ``KNOWN`` lists the ops
that still differ: the list only shrinks."""
import itertools
import warnings

import pytest
import torch

import flambeau
from test_error_inputs import _sharing
from test_op_values import _Unsupported, _check_convertible, _function, _leaves, _ops

DTYPES = (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.float32, torch.float64, torch.complex64, torch.uint16,
          torch.uint32, torch.uint64)
SAMPLES = 2  # per dtype
KNOWN = {}  # test id -> what differs (none left)


def _check_stored(value, where):
    for t in _leaves(value):
        if isinstance(t, flambeau.Tensor):
            assert t._data.dtype == t.dtype.numpy_dtype, (where, t.dtype, t._data.dtype)


def _samples(op, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return list(itertools.islice(op.sample_inputs("cpu", dtype), SAMPLES))
        except Exception:  # (torch has no samples of this dtype)
            return []


def _run(fn, sample, name):
    made = {}
    try:
        _check_convertible([sample.input, *sample.args, sample.kwargs])
    except _Unsupported:
        return
    args = _sharing([sample.input, *sample.args], made)
    kwargs = _sharing(sample.kwargs, made)
    try:
        result = fn(*args, **kwargs)
    except Exception:  # (refusals are other tests' business)
        return
    _check_stored(result, name)
    _check_stored(args, name + " (inputs, after)")


def _params():
    out = []
    for p in _ops():
        if p.marks:  # (ops whose values differ from torch's)
            continue
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[p.id])] if p.id in KNOWN else []
        out.append(pytest.param(*p.values, id=p.id, marks=marks))
    return out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _params())
def test_ops_store_their_reported_dtype(op):
    fn = _function(op)
    name = getattr(op.inplace_variant, "__name__", None)  # (a method such as add_)
    inplace = name and getattr(flambeau.Tensor, name, None)
    for dtype in DTYPES:
        for sample in _samples(op, dtype):
            _run(fn, sample, f"{op.name} {dtype}")
            if inplace is not None:
                _run(inplace, sample, f"{op.name}_ {dtype}")


NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64", "complex64", "complex128", "uint16", "uint32", "uint64")
SCALAR_OPS = ("x + 1", "x - 1", "x * 2", "x / 2", "x // 2", "x % 2", "x ** 2", "2 ** x",
              "x + 1.5", "x * 1.5", "x + True", "x + 1j", "x << 1", "x >> 1", "x & 1", "x | 1",
              "x ^ 1", "~x", "-x", "x == 1", "x < 1.5", "abs(x)", "x.clamp(0, 1)",
              "x.add_(1)", "x.mul_(2)", "x.sub_(1)", "x.div_(2)", "x.__ilshift__(1)",
              "x.__irshift__(1)", "x.bitwise_and_(1)", "x.pow_(2)", "x.fill_(1)",
              "x.masked_fill(x == x, 1)", "x.where(x == x, 1)", "x.sum()", "x.cumsum(0)",
              "x.prod()", "x.mean()", "x.max()", "x.t()", "x[0]", "x[:, ::2]", "x.view(-1)",
              "x.reshape(3, 2)", "x.expand(2, 2, 3)", "x.to(t.float16)", "x.to(t.int8)",
              "x.clone()", "t.cat([x, x])", "t.stack([x, x])", "x.flip(0)", "x.sort()[0]",
              "x.unique()", "x.add(x, out=t.empty_like(x))", "x.bitwise_left_shift(1)",
              "t.bitwise_right_shift(x, x)", "x.sign()", "x.square()", "x.lerp(x, 0.5)",
              "x.addcmul(x, x)", "x.maximum(x)", "x.float()", "x.half()", "x.bool()",
              "x.nonzero()", "x.argmax()", "x.sqrt()", "x.exp()", "x.floor()", "x.round()",
              "x.remainder(2)", "x.fmod(2)", "x.copysign(-1)", "x.neg()", "x.real")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", NAMES)
def test_ops_with_python_scalars_store_their_reported_dtype(name):
    for expression in SCALAR_OPS:
        x = flambeau.tensor([[1, 0, 3], [2, 1, 0]]).to(getattr(flambeau, name))
        try:
            result = eval(expression, {"t": flambeau, "x": x})
        except Exception:
            continue
        _check_stored([result, x], f"{expression} on {name}")
