"""Errors, warnings and NotImplemented of torch's Python-level surface, compared with torch live:
the deprecated overloads' warning, the deprecated ``Tensor.resize``/``resize_as``, and the
operators' dunders called directly or given operands without tensor meaning."""
import operator
import subprocess
import sys
import warnings

import pytest
import torch

import flambeau
from flambeau._ops import signature
from conftest import assert_same, raises_like, same_outcome


class Bad:
    """An object without tensor meaning."""


# ---- deprecated overloads: torch warns once per process, naming the current forms -----------

_DEPRECATED = {
    "add": "lib.add(x, 2, y)",
    "add_out": "lib.add(x, 2, y, out=lib.empty(3))",
    "add_method": "x.add(2, y)",
    "add_inplace": "x.clone().add_(2, y)",
    "sub_method": "x.sub(2, y)",
    "addcmul": "lib.addcmul(x, 2, x, y)",
    "addcdiv_inplace": "x.clone().addcdiv_(2, x, y)",
    "addmm": "lib.addmm(2, m, 3, m, m)",
    "addmm_no_alpha": "lib.addmm(2, m, m, m)",
    "addmm_method": "m.addmm(2, m, m)",
    "addmv": "lib.addmv(2, x, 3, m, y)",
    "baddbmm": "lib.baddbmm(2, b, 3, b, b)",
}

_SETUP = ("x = lib.arange(3.); y = lib.arange(3.) + 1; m = lib.arange(9.).view(3, 3); "
          "b = m.view(1, 3, 3)")


def _torch_warnings(call):
    """What torch warns (and how often) for ``call`` made twice in a fresh process."""
    script = (f"import warnings, torch as lib\n{_SETUP}\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              "    warnings.simplefilter('always')\n"
              f"    {call}\n    {call}\n"
              "print(repr([(x.category.__name__, str(x.message).split(' (Triggered')[0]) "
              "for x in w]))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    return eval(out)


@pytest.mark.parametrize("case", sorted(_DEPRECATED))
def test_deprecated_overload_warns_as_torch(case, monkeypatch):
    call = _DEPRECATED[case]
    expected = _torch_warnings(call)
    monkeypatch.setattr(signature, "_warned_deprecated", [])
    scope = {"lib": flambeau}
    exec(_SETUP, scope)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ours = eval(call, scope)
        eval(call, scope)
    assert [(x.category.__name__, str(x.message)) for x in w] == expected
    assert w[0].filename == "<string>"  # the caller's line, not flambeau's
    scope = {"lib": torch}
    exec(_SETUP, scope)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(ours, eval(call, scope))


# ---- Tensor.resize / resize_as: deprecated, not in place --------------------------------------

@pytest.mark.parametrize("sizes", [(2, 3), (6,), ((3, 2),), (), ("a",), (None,), (2.0, 3),
                                   (-1, -6)])
def test_resize_as_torch(sizes):
    def call(lib):
        x = lib.arange(6.)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                result = x.resize(*sizes)
            except Exception as error:
                result = (type(error).__name__, str(error))
        return result, [str(m.message) for m in w]
    ours, theirs = call(flambeau), call(torch)
    assert ours[1] == theirs[1]
    if isinstance(theirs[0], tuple):
        assert ours[0][0] == theirs[0][0]
        assert ours[0][1].replace("flambeau", "torch") == theirs[0][1]
    else:
        assert_same(ours[0], theirs[0])


def test_resize_records_resize_backward():
    def run(lib):
        x = lib.arange(6.).requires_grad_()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = x.resize(2, 3)
            s = x.resize_as(lib.ones(3, 2))
        (r * lib.arange(6.).view(2, 3)).sum().backward()
        return r, s, type(r.grad_fn).__name__, x.grad, [str(m.message) for m in w]
    ours, theirs = run(flambeau), run(torch)
    assert ours[2:3] == theirs[2:3] and ours[4] == theirs[4]
    for a, b in zip(ours[:2] + ours[3:4], theirs[:2] + theirs[3:4]):
        assert_same(a, b)


@pytest.mark.parametrize("call", ["x.resize_as()", "x.resize_as('a')", "x.resize_as(None)"])
def test_resize_as_errors(call):
    def run(lib):
        x = lib.arange(6.)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(call)
    raises_like(lambda: run(flambeau), lambda: run(torch))


# ---- dunders --------------------------------------------------------------------------------

_BINARY = ["add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
           "rfloordiv", "mod", "rmod", "pow", "rpow", "matmul", "rmatmul", "and", "rand", "or",
           "ror", "xor", "rxor", "lshift", "rlshift", "rshift", "rrshift", "eq", "ne", "lt",
           "le", "gt", "ge", "iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow",
           "iand", "ior", "ixor", "ilshift", "irshift"]


@pytest.mark.parametrize("name", _BINARY)
@pytest.mark.parametrize("args", [(), (Bad(),), ("a",), (None,)], ids=["none", "Bad", "str",
                                                                       "None"])
def test_binary_dunder_refuses_as_torch(name, args):
    def call(lib):
        x = lib.arange(4) if name.lstrip("ri") in ("and", "or", "xor", "lshift", "rshift") \
            else lib.arange(4.)
        return getattr(x, f"__{name}__")(*args)
    assert call(flambeau) is call(torch) is NotImplemented


_OPERATORS = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and_", "or_", "xor",
              "lshift", "rshift", "lt", "eq", "iadd", "isub", "imul", "itruediv", "ifloordiv",
              "imod", "ipow", "iand", "ior", "ixor", "ilshift", "irshift", "matmul", "imatmul"]


@pytest.mark.parametrize("name", _OPERATORS)
@pytest.mark.parametrize("other", [Bad(), "a", None, [1, 2, 3, 4], 2 ** 70, 2 ** 64,
                                   -2 ** 63 - 1],
                         ids=["Bad", "str", "None", "list", "2**70", "2**64", "-2**63-1"])
@pytest.mark.parametrize("reflected", [False, True], ids=["", "reflected"])
def test_operator_errors_as_torch(name, other, reflected):
    if reflected and name.startswith("i"):
        pytest.skip("no reflected in-place operator")
    fn = getattr(operator, name)

    def call(lib):
        x = lib.arange(4) if name.rstrip("_").lstrip("i") in (
            "and", "or", "xor", "lshift", "rshift") else lib.arange(4.)
        return fn(other, x) if reflected else fn(x, other)
    try:
        theirs = call(torch)
    except Exception:
        raises_like(lambda: call(flambeau), lambda: call(torch))
    else:
        assert_same(call(flambeau), theirs)


@pytest.mark.parametrize("call", ["x.__getitem__()", "x.__setitem__()", "x.__setitem__(1)",
                                  "x.__setitem__(1, 2, 3)", "x.__neg__(1)", "x.__abs__(1, 2)",
                                  "x.__pos__(a=1)", "x.__invert__(1)", "x.__neg__(a=1)",
                                  "x.long().__invert__(1)"])
def test_dunder_argument_counts_as_torch(call):
    raises_like(lambda: eval(call, {"x": flambeau.arange(4.)}),
                lambda: eval(call, {"x": torch.arange(4.)}))


_SECOND_ARGUMENTS = [
    "x.__add__(1, 2)", "x.__add__(1, alpha=2)", "x.__add__(y, alpha=2)", "x.__radd__(1, 2)",
    "x.__sub__(1, 2)", "x.__sub__(y, alpha=2)", "x.__add__(1, y)", "x.__mul__(1, 2)",
    "x.__mul__(y, alpha=2)", "x.__rmul__(1, 2)", "x.__rsub__(1, 2)", "x.__truediv__(y, 1)",
    "x.__lt__(1, 2)", "x.__eq__(1, 2)", "x.__pow__(2, 3)", "x.__rpow__(2, 3)",
    "i.__and__(1, 2)", "x.__ne__(y, 2)", "x.__add__(other=1)", "x.__mul__(other=y)",
    "x.__bool__(1)", "x[:1].__float__(1)", "x[:1].__int__(1, 2)", "x.__format__()",
    "x.__reduce_ex__()", "x.__getitem__()", "x.__reversed__()", "x.__reversed__(1)",
    "reversed(x)", "reversed(x.view(2, 2))", "reversed(x[0])", "(lambda t: reversed(t) is t)(x[0])"]


@pytest.mark.parametrize("call", _SECOND_ARGUMENTS)
def test_dunder_second_arguments_as_torch(call):
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = lib.arange(4.)
            return eval(call, {"x": x, "y": x + 1, "i": lib.arange(4)})
    same_outcome(run)


@pytest.mark.parametrize("call", ["x.__getitem__(key=1)", "x.__getitem__(1, 2)"])
def test_getitem_takes_one_positional_key(call):
    """Both refuse (flambeau in Python's words: torch's would cost every x[i] a test)."""
    for lib in (torch, flambeau):
        with pytest.raises(TypeError):
            eval(call, {"x": lib.arange(4.)})


# ---- Python-level functions and function forms given wrong arguments --------------------------

_CALLS = [
    # torch.X_ function forms of in-place methods
    "lib.sigmoid_(x.clone())", "lib.sigmoid_('a')", "lib.sigmoid_()", "lib.tanh_(1)",
    "lib.tanh_(x.clone(), 1)", "lib.exp_(1)", "lib.abs_(1.5)", "lib.sqrt_(x.clone(), out=x)",
    "lib.neg_(None)", "lib.clamp_(x.clone(), 0.5)", "lib.clamp_('a')", "lib.xlogy_('a')",
    "lib.cos_(x.clone())",
    # dtype functions
    "lib.can_cast('a', lib.int64)", "lib.can_cast(lib.int64)", "lib.can_cast(int, lib.int32)",
    "lib.can_cast(lib.int64, foo=1)", "lib.can_cast(None, lib.int32)",
    "lib.can_cast(from_=lib.int64, to=lib.int32)",
    "lib.promote_types('a', lib.int64)", "lib.promote_types(lib.int64)",
    "lib.promote_types(float, lib.int64)", "lib.promote_types(lib.int64, lib.int32, 3)",
    "lib.result_type('a', x)", "lib.result_type(x)", "lib.result_type(x, None)",
    "lib.result_type(1, x)", "lib.result_type(tensor=x, other=1)", "lib.result_type(x, 1, 2)",
    "lib.result_type(x, [1])", "lib.result_type(1.5, 2)", "lib.result_type(x, lib.int64)",
    "lib.result_type(x, foo=1)",
    # anomaly mode
    "lib.set_anomaly_enabled(None)", "lib.set_anomaly_enabled(True, 1)",
    "lib.autograd.set_detect_anomaly('a')", "lib.autograd.set_detect_anomaly(True, 'a')",
    "lib.is_anomaly_enabled(1)", "lib.is_anomaly_check_nan_enabled(a=1)",
    "lib.is_grad_enabled(1)", "lib.is_inference_mode_enabled(a=1)", "lib.get_default_dtype('a')",
    "lib.is_grad_enabled()", "lib.get_default_dtype()",
    # einsum
    "lib.einsum()", "lib.einsum(1, x)", "lib.einsum('ij', 'a')", "lib.einsum('ij', None)",
    "lib.einsum('ij->', [x])", "lib.einsum(None)", "lib.einsum('ij', [1])",
    "lib.einsum('ij', 1.5)", "lib.einsum(x, ['a'])", "lib.einsum(x, [0, 1], [1])",
    "lib.einsum(x, [0, 60])", "lib.einsum(x, [1.0])", "lib.einsum(x, [0, 27])",
    # tensordot
    "lib.tensordot(x, 'a')", "lib.tensordot(x, x, 'a')", "lib.tensordot(x, x, None)",
    "lib.tensordot(x, x, 1.5)", "lib.tensordot(x, x, dims=(['a'], [0]))",
    "lib.tensordot(x, x, dims=(0, 0))", "lib.tensordot(x, x, dims=([5], [0]))",
    "lib.tensordot('a', x, dims=([0], [0]))", "lib.tensordot(x, x, 3)",
    "lib.tensordot(x, x, dims=lib.tensor(1))", "lib.tensordot(x, x, lib.tensor([[0], [0]]))",
    "lib.tensordot(x, x, True)", "lib.tensordot(x, x, (0.5, [0]))",
    # broadcast_shapes
    "lib.broadcast_shapes((2,), (3,))", "lib.broadcast_shapes('a')", "lib.broadcast_shapes(1.5)",
    "lib.broadcast_shapes(None)", "lib.broadcast_shapes((-1,))", "lib.broadcast_shapes(x)",
    "lib.broadcast_shapes((2,), (-1,))", "lib.broadcast_shapes((2, 3), [1, 3], 3)",
    "lib.broadcast_shapes(lib.Size([2, 1]), (1, 5))", "lib.broadcast_shapes((2,), (1.5,))",
    # norm (composed as torch composes it: linalg_vector_norm's and matrix_norm's checks)
    "lib.norm(x, 'a')", "lib.norm('a')", "lib.norm(x, 2, 'a')", "lib.norm(x, dim=[1.5])",
    "lib.norm(x, keepdim='a')", "lib.norm(x, dtype='a')", "lib.norm(x, p=[1])",
    "x.norm('a')", "x.norm(dim='a')", "lib.norm(x, 'fro', (0, 1, 2))", "lib.norm(i, 2)",
    "lib.norm(x, 2, 1, dtype=lib.int64)", "lib.norm(x, 'nuc', dim=1)", "lib.norm(x, None, 5)",
    "lib.norm(x, 'nuc')", "lib.norm(x, 'fro', dtype=lib.float64)", "x.norm(1, 1, True)",
    "lib.linalg.vector_norm(x, dtype=lib.int64)", "lib.linalg.matrix_norm(x, 'fro', (0, 1, 2))",
    # cdist, unravel_index, norm_except_dim, stft
    "lib.cdist(x, 'a')", "lib.cdist('a', x)", "lib.cdist(x, x, 'a')", "lib.cdist(x, x, None)",
    "lib.cdist(x, x, compute_mode=1)", "lib.cdist(x, x, foo=1)",
    "lib.unravel_index(i, 'ab')", "lib.unravel_index(i, None)", "lib.unravel_index(i, 2.5)",
    "lib.unravel_index(i, [2, 1.5])", "lib.unravel_index(i, (2, 2))",
    "lib.norm_except_dim('a')", "lib.norm_except_dim(x, 'a')", "lib.norm_except_dim(x, 2, 5)",
    "lib.norm_except_dim(x, pow=2.5)", "lib.norm_except_dim(x, 2, -2)",
    "lib.norm_except_dim(x, 3, -1)",
    "lib.stft(v, 'a')", "lib.stft('a', 2)", "lib.stft(v, 2, return_complex=True, window='a')",
    "lib.stft(v, 2.5, return_complex=True)", "lib.stft(v, 2, 'a', return_complex=True)",
    "lib.stft(v, 2, return_complex=True, pad_mode=1)", "lib.stft(i, 2, return_complex=True)",
    "lib.stft(i.double(), 2, return_complex=True, align_to_window=True)",
    # Tensor methods torch writes in Python: Python's own errors name them Tensor.X
    "x.split(foo=1)", "x.unique(foo=1)", "x.unique_consecutive(foo=1)", "x.unflatten('a')",
    "x.norm(foo=1)", "x.stft(foo=1)", "x.backward(foo=1)", "x.register_hook()", "x.lu(foo=1)",
    "lib.split(x, foo=1)",
    # functions torch removed: Python's argument errors first, then torch's message
    "lib.eig()", "x.eig(1, 2)", "lib.matrix_rank(x, foo=1)", "x.solve()", "lib.solve(x, x)",
    "lib.symeig(x)", "lib.matrix_rank(x)", "x.lstsq(x)", "x.symeig(foo=1)",
    # pca_lowrank's checks, in torch's order and words
    "lib.pca_lowrank(x, 'a')", "lib.pca_lowrank(x, [1])", "lib.pca_lowrank(x, 2, niter='a')",
    "lib.pca_lowrank(x, 9)", "lib.pca_lowrank(x, 2, niter=-1)",
    # int lists with a wrong first element (the signature layer)
    "x.permute(['a', 1])", "x.view(['a'])", "x.flip([1.5])", "x.amax(dim=['a'])",
]


@pytest.mark.parametrize("call", _CALLS)
def test_call_as_torch(call, as_torch):
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(call, {"lib": lib, "x": lib.arange(6.).view(2, 3) / 7,
                               "v": lib.arange(3.), "i": lib.arange(3)})
    same_outcome(run)
    flambeau.set_anomaly_enabled(False)
