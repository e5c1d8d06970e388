"""Finite-difference checks of every differentiable op: gradcheck and gradgradcheck.

The ops come from flambeau's own registry (``_ops.registry.OPS``); torch's OpInfo database
only supplies sample inputs. For each registered op that an OpInfo describes, the smallest
float64 sample is converted to flambeau tensors and flambeau's ``gradcheck`` and
``gradgradcheck`` are run on flambeau's op.
"""
import types

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import flambeau
from flambeau._ops.registry import OPS

MAX_ELEMENTS = 130  # numerical Jacobians cost one call per input element

# ops whose OpInfo samples carry something gradcheck cannot vary here
SKIP = {
    "norm": "p='nuc' samples go through SVD sign freedom",
    "normal": "torch defines the gradient of sampling as zero, not the reparameterised one",
}


# finite differences that are not smooth here, though the derivative is right (each has a test
# comparing it with torch's instead)
NUMERICALLY_UNSTABLE = {
    # LAPACK may reorder a complex-conjugate eigenvalue pair between perturbed evaluations;
    # second derivatives are compared with torch's in test_linalg.test_eig_second_order
    "linalg.eig": {"test_fn_gradgrad"},
}


def registered():
    """Public function names per namespace, from the registry."""
    names = set()
    for namespace, name, fn, method in OPS:
        if not method and callable(fn):
            names.add(f"{namespace}.{name}" if namespace else name)
    return names


def _to_flambeau(x):
    if isinstance(x, torch.Tensor):
        t = flambeau.tensor(x.detach().numpy())
        return t.requires_grad_() if x.requires_grad else t
    if isinstance(x, (list, tuple)):
        return type(x)(_to_flambeau(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_flambeau(v) for k, v in x.items()}
    if isinstance(x, torch.dtype):
        return getattr(flambeau, str(x).split(".")[1])
    return x


def _size(sample):
    tensors = [sample.input] + [a for a in sample.args if isinstance(a, torch.Tensor)]
    return sum(t.numel() for t in tensors if isinstance(t, torch.Tensor))


def cases():
    names = registered()
    chosen = []
    for info in op_db:
        if not (info.supports_autograd and info.name in names) or info.name in SKIP \
                or info.name.endswith("_"):  # in-place ops cannot modify graph leaves
            continue
        if torch.float64 not in info.supported_backward_dtypes("cpu"):
            continue
        chosen.append(pytest.param(info, id=f"{info.name}.{info.variant_test_name}".rstrip(".")))
    return chosen


def smallest_sample(info):
    samples = [s for s in info.sample_inputs("cpu", torch.float64, requires_grad=True)
               if isinstance(s.input, torch.Tensor) and 0 < _size(s) <= MAX_ELEMENTS]
    return min(samples, key=_size) if samples else None


def expected_to_fail(info):
    """The gradient tests torch itself marks as failing or skipped for this OpInfo."""
    marked = set()
    for d in list(info.skips) + list(info.decorators):
        name = getattr(d, "test_name", None)
        if name in ("test_fn_grad", "test_fn_gradgrad"):
            marked.add(name)
    return marked


def _is_test_code(fn):
    return isinstance(fn, types.FunctionType) and fn.__module__.startswith("torch.testing")


def rebound(fn):
    """Test-suite code (a lambda, a gradcheck wrapper) run with ``torch`` bound to flambeau."""
    scope = dict(fn.__globals__, torch=flambeau)
    new = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def lib_function(info):
    """flambeau's op for an OpInfo: the same name, or the OpInfo's own Python code (which
    reorders arguments, like ``polygamma``) run with ``torch`` bound to flambeau."""
    if _is_test_code(info.op):
        return rebound(info.op)
    obj = flambeau
    for part in info.name.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("info", cases())
def test_gradcheck_and_gradgradcheck(info):
    sample = smallest_sample(info)
    if sample is None:
        pytest.skip("no small float64 sample")
    fn = lib_function(info)
    wrapper = rebound(info.gradcheck_wrapper) if _is_test_code(info.gradcheck_wrapper) \
        else info.gradcheck_wrapper
    x = _to_flambeau(sample.input)
    args, kwargs = _to_flambeau(sample.args), _to_flambeau(sample.kwargs)
    inputs = [x] + [a for a in args if isinstance(a, flambeau.Tensor) and a.requires_grad]
    positions = [None] + [i for i, a in enumerate(args)
                          if isinstance(a, flambeau.Tensor) and a.requires_grad]

    def call(*tensors):
        call_args = list(args)
        for pos, t in zip(positions[1:], tensors[1:]):
            call_args[pos] = t
        flambeau.manual_seed(0)  # random ops draw the same values at every evaluation
        out = wrapper(fn, tensors[0], *call_args, **kwargs)
        out = sample.output_process_fn_grad(out)  # e.g. |eigenvectors|: free of gauge
        if isinstance(out, (tuple, list)):
            return tuple(o for o in out if isinstance(o, flambeau.Tensor) and
                         (o.is_floating_point() or o.is_complex()))
        return out

    marked = expected_to_fail(info) | NUMERICALLY_UNSTABLE.get(info.name, set())
    if "test_fn_grad" not in marked:
        assert flambeau.autograd.gradcheck(call, tuple(inputs), atol=1e-5, rtol=1e-3)
    if info.supports_gradgrad and "test_fn_gradgrad" not in marked:
        assert flambeau.autograd.gradgradcheck(call, tuple(inputs), atol=1e-5, rtol=1e-3)
