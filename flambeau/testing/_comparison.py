"""``assert_close``: nested sequences and mappings are walked, then each pair of leaves
(None, booleans, numbers, tensor-likes) is compared, and the first mismatch is raised with
torch's message."""
import cmath
import collections.abc
import warnings

import numpy as np

import flambeau

_PRECISIONS = {  # dtype: (rtol, atol)
    flambeau.float16: (1e-3, 1e-5),
    flambeau.bfloat16: (1.6e-2, 1e-5),
    flambeau.float32: (1.3e-6, 1e-5),
    flambeau.float64: (1e-7, 1e-7),
    flambeau.complex64: (1.3e-6, 1e-5),
    flambeau.complex128: (1e-7, 1e-7),
}
_NUMBER_DTYPES = {int: flambeau.int64, float: flambeau.float64, complex: flambeau.complex128}


class _Failure(Exception):
    """A mismatch: the exception type to raise, torch's message and the item it concerns."""

    def __init__(self, type, msg, id=()):
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return self.type(msg)
        text = self.msg
        if self.id:
            text += f"\n\nThe failure occurred for item {''.join(str([i]) for i in self.id)}"
        return self.type(msg(text) if callable(msg) else text)


def _tolerances(dtypes, rtol, atol, id, precisions=_PRECISIONS):
    if (rtol is None) != (atol is None):
        raise _Failure(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                       f"but got no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*(precisions.get(dtype, (0.0, 0.0)) for dtype in dtypes))
    return max(rtols), max(atols)


def _diff_line(kind, diff, index, tol, equality):
    line = (f"{kind.title()} difference: {diff}" if index is None
            else f"Greatest {kind} difference: {diff} at index {index}")
    return line + ("" if equality else f" (up to {tol} allowed)") + "\n"


def _mismatch_message(name, extra, abs_diff, rel_diff, rtol, atol, indices=(None, None)):
    equality = rtol == 0 and atol == 0
    abs_index, rel_index = indices
    return (f"{name} are not {'equal' if equality else 'close'}!\n\n{extra}\n"
            + _diff_line("absolute", abs_diff, abs_index, atol, equality)
            + _diff_line("relative", rel_diff, rel_index, rtol, equality)).strip()


def _scalar_message(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_message("Scalars", f"Expected {expected} but got {actual}.", abs_diff,
                             rel_diff, rtol, atol)


def _none_pair(actual, expected, id, **options):
    if actual is not None and expected is not None:
        return None

    def compare():
        if not (actual is None and expected is None):
            raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}", id)
    return compare


def _bool_pair(actual, expected, id, **options):
    if not all(isinstance(value, (bool, np.bool_)) for value in (actual, expected)):
        return None
    actual, expected = bool(actual), bool(expected)

    def compare():
        if actual is not expected:
            raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}", id)
    return compare


def _number_pair(actual, expected, id, rtol, atol, equal_nan, check_dtype, **options):
    number_types = (int, float, complex, np.number)
    if not all(isinstance(value, number_types) for value in (actual, expected)):
        return None
    actual, expected = (value.item() if isinstance(value, np.number) else value
                        for value in (actual, expected))
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(value)] for value in (actual, expected)],
                             rtol, atol, id)

    def compare():
        if check_dtype and type(actual) is not type(expected):
            raise _Failure(AssertionError, f"The (d)types do not match: {type(actual)} != "
                           f"{type(expected)}.", id)
        if actual == expected or (equal_nan and cmath.isnan(actual) and cmath.isnan(expected)):
            return
        abs_diff = abs(actual - expected)
        if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
            return
        raise _Failure(AssertionError, _scalar_message(actual, expected, rtol, atol), id)
    return compare


def _as_tensor(value):
    return value if isinstance(value, flambeau.Tensor) else flambeau.as_tensor(value)


def _tensor_pair(actual, expected, id, allow_subclasses, rtol, atol, equal_nan, check_device,
                 check_dtype, check_stride, **options):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        return None
    if not allow_subclasses and type(actual) is not type(expected):
        return None
    try:
        actual, expected = _as_tensor(actual), _as_tensor(expected)
    except Exception:
        return None
    rtol, atol = _tolerances([actual.dtype, expected.dtype], rtol, atol, id)

    def compare():
        for name, ours, theirs, check in (
                ("shape", actual.shape, expected.shape, True),
                ("stride()", actual.stride(), expected.stride(), check_stride),
                ("device", actual.device, expected.device, check_device),
                ("dtype", actual.dtype, expected.dtype, check_dtype)):
            if check and ours != theirs:
                raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: "
                               f"{ours} != {theirs}.", id)
        with flambeau.no_grad():
            message = _values_mismatch(actual.detach(), expected.detach(), rtol, atol, equal_nan)
        if message:
            raise _Failure(AssertionError, message, id)
    return compare


def _values_mismatch(actual, expected, rtol, atol, equal_nan):
    """torch's message for the elements of two tensors that are not close, or None."""
    if actual.device != expected.device:
        actual, expected = actual.cpu(), expected.cpu()
    if actual.dtype != expected.dtype:
        dtype = flambeau.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(dtype), expected.to(dtype)
    matches = flambeau.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return None
    if actual.dim() == 0:
        return _scalar_message(actual.item(), expected.item(), rtol, atol)
    shape, count, mismatched = tuple(matches.shape), matches.numel(), int((~matches).sum())
    extra = f"Mismatched elements: {mismatched} / {count} ({mismatched / count:.1%})"
    matches = matches.flatten()
    actual, expected = actual.flatten(), expected.flatten()
    if not (actual.dtype.is_floating_point or actual.dtype.is_complex):
        actual, expected = actual.to(flambeau.int64), expected.to(flambeau.int64)
    abs_diff = (actual - expected).abs()
    abs_diff[matches] = 0
    rel_diff = abs_diff / expected.abs()
    rel_diff[matches] = 0
    (max_abs, abs_index), (max_rel, rel_index) = abs_diff.max(0), rel_diff.max(0)
    indices = (tuple(int(i) for i in np.unravel_index(int(index), shape))
               for index in (abs_index, rel_index))
    return _mismatch_message("Tensor-likes", extra, max_abs.item(), max_rel.item(), rtol, atol,
                             tuple(indices))


def _originate(actual, expected, id, options):
    """The comparisons of the leaves of two nested structures, in torch's order; structural
    differences raise at once."""
    sequence, mapping = collections.abc.Sequence, collections.abc.Mapping
    if (isinstance(actual, sequence) and isinstance(expected, sequence)
            and not isinstance(actual, str) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, "The length of the sequences mismatch: "
                           f"{len(actual)} != {len(expected)}", id)
        return [compare for index in range(len(actual))
                for compare in _originate(actual[index], expected[index], (*id, index), options)]
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        actual_keys, expected_keys = set(actual.keys()), set(expected.keys())
        if actual_keys != expected_keys:
            raise _Failure(AssertionError, "The keys of the mappings do not match:\n"
                           f"Missing keys in the actual mapping: "
                           f"{sorted(expected_keys - actual_keys)}\n"
                           f"Additional keys in the actual mapping: "
                           f"{sorted(actual_keys - expected_keys)}", id)
        try:
            keys = sorted(actual_keys)
        except TypeError:
            keys = actual_keys
        return [compare for key in keys
                for compare in _originate(actual[key], expected[key], (*id, key), options)]
    for make in (_none_pair, _bool_pair, _number_pair, _tensor_pair):
        compare = make(actual, expected, id, **options)
        if compare is not None:
            return [compare]
    raise _Failure(TypeError, "No comparison pair was able to handle inputs of type "
                   f"{type(actual)} and {type(expected)}.", id)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Asserts that ``actual`` and ``expected`` are close: ``|actual - expected| <= atol + rtol *
    |expected|`` elementwise, with the same shape, device and dtype (each check can be turned
    off), as torch.testing.assert_close with its default tolerances per dtype. Sequences and
    mappings are compared item by item; ``msg`` (a string, or a callable given the generated
    message) replaces the message. ``check_layout`` has no effect: flambeau's tensors are all
    strided."""
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                   check_device=check_device, check_dtype=check_dtype,
                   check_stride=check_stride)
    try:
        comparisons = _originate(actual, expected, (), options)
    except _Failure as failure:
        raise failure.to_error() from None
    for compare in comparisons:
        try:
            compare()
        except _Failure as failure:
            raise failure.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated since torch 1.12: :func:`assert_close` with looser default tolerances,
    ``equal_nan=True`` and no dtype check."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning,
                  stacklevel=2)
    if not isinstance(actual, flambeau.Tensor):
        actual = flambeau.tensor(actual)
    if not isinstance(expected, flambeau.Tensor):
        expected = flambeau.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        loose = {flambeau.float16: (1e-3, 1e-3), flambeau.float32: (1e-4, 1e-5),
                 flambeau.float64: (1e-5, 1e-8)}
        rtol, atol = _tolerances([actual.dtype, expected.dtype], None, None, (), loose)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
