"""Dense layers and nn.functional.linear/bilinear against torch: outputs, input and parameter
gradients (float64 tight, float32 loose), graph node names, reprs, initial distributions,
lazy initialisation and errors."""
import copy
import math
import pickle

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

RNG = np.random.default_rng(0)
TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs and messages print torch's names."""


def arrays(*shapes, dtype="float64"):
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


def run_both(fn, inputs, dtype):
    """``fn(lib, *tensors)`` in both libraries on the same values; the outputs and the
    gradients of every input (all require grad) are compared."""
    results = []
    for lib in (torch, flambeau):
        ts = [lib.tensor(a, requires_grad=True) for a in inputs]
        out = fn(lib, *ts)
        out.backward(lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape)
                                .astype(dtype)))
        results.append((out, [t.grad for t in ts]))
    (ot, gt), (of, gf) = results
    np.testing.assert_allclose(to_numpy(of), to_numpy(ot), **TOL[dtype])
    for a, b in zip(gf, gt):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), **TOL[dtype])
    assert type(of.grad_fn).__name__ == type(ot.grad_fn).__name__
    return of, ot


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("x_shape", [(5,), (4, 5), (2, 3, 5), (0, 5), (2, 1, 3, 5)])
@pytest.mark.parametrize("bias", [True, False])
def test_functional_linear(x_shape, bias, dtype):
    inputs = arrays(x_shape, (3, 5), *([(3,)] if bias else []), dtype=dtype)
    run_both(lambda lib, *t: lib.nn.functional.linear(*t), inputs, dtype)


def _graph(fn):
    """The names of the nodes below ``fn`` and their ``next_functions``, depth first."""
    if fn is None:
        return None
    return (type(fn).__name__, [_graph(f) for f, _ in fn.next_functions])


@pytest.mark.parametrize("grads", [(True, True, True), (False, True, True), (True, False, False),
                                   (False, False, True), (False, False, False)])
@pytest.mark.parametrize("mode", ["grad", "no_grad", "inference_mode"])
def test_functional_linear_of_a_matrix_records_torchs_graph(grads, mode):
    """A batch of vectors with a bias: TBackward0 on the weight, AddmmBackward0 on the result,
    the version counter of the saved weight view, and nothing recorded without grad mode."""
    x, w, b = arrays((4, 5), (3, 5), (3,), dtype="float32")
    results = []
    for lib in (torch, flambeau):
        ts = [lib.tensor(a, requires_grad=r) for a, r in zip((x, w, b), grads)]
        with getattr(lib, mode)() if mode != "grad" else lib.enable_grad():
            out = lib.nn.functional.linear(*ts)
        results.append((out, _graph(out.grad_fn), out.requires_grad, out.is_inference()))
    (of, gf, rf, inf), (ot, gt, rt, int_) = results[1], results[0]
    np.testing.assert_allclose(to_numpy(of), ot.detach().numpy(), **TOL["float32"])
    assert (gf, rf, inf) == (gt, rt, int_)


@pytest.mark.parametrize("bias_shape, dtype", [((1, 3), "float32"), ((4, 3), "float64"),
                                               ((3,), "float16"), ((3,), "int64")])
def test_functional_linear_of_a_matrix_in_other_cases(bias_shape, dtype):
    """Biases of other shapes and the other dtypes (the ones that addmm takes as they are)."""
    x, w, b = arrays((4, 5), (3, 5), bias_shape)
    results = []
    for lib in (torch, flambeau):
        ts = [lib.tensor(a).to(getattr(lib, dtype)) for a in (x, w, b)]
        floating = dtype != "int64"
        for t in ts:
            t.requires_grad_(floating)
        out = lib.nn.functional.linear(*ts)
        if floating:
            out.sum().backward()
        results.append([out] + [t.grad for t in ts if floating] + [_graph(out.grad_fn)])
    *ours, graph_ours = results[1]
    *theirs, graph_theirs = results[0]
    assert graph_ours == graph_theirs
    for a, c in zip(ours, theirs):
        assert a.dtype.__repr__().split(".")[-1] == repr(c.dtype).split(".")[-1]
        np.testing.assert_allclose(to_numpy(a).astype(float), c.detach().numpy().astype(float),
                                   rtol=2e-3, atol=2e-3)


def test_functional_linear_of_a_matrix_keeps_signed_zeros_and_checks_versions():
    """-0.0 products and gradients keep their sign as torch's; the saved input modified in
    place before backward raises torch's error."""
    cases = [([[0.0, -1.0, 0.0]], [[-1.0, 0.0, 2.0], [0.0, 0.0, -0.0]], [-0.0, -0.0],
              [[-1.0, 0.0]]),  # one input feature: an outer product
             ([[-1.0], [0.0]], [[0.0], [1.0], [-2.0]], [-0.0, -0.0, 0.0],
              [[-1.0, 0.0, 1.0], [0.0, -0.0, 2.0]])]
    for case in cases:
        results = []
        for lib in (torch, flambeau):
            x, w, b, g = (lib.tensor(v) for v in case)
            for t in (x, w, b):
                t.requires_grad_()
            out = lib.nn.functional.linear(x, w, b)
            out.backward(g)
            results.append([t.detach().numpy() for t in (out, x.grad, w.grad, b.grad)])
        for a, c in zip(*results):
            np.testing.assert_array_equal(a, c)
            np.testing.assert_array_equal(np.signbit(a), np.signbit(c))
    results = []
    for lib in (torch, flambeau):
        x = lib.ones(2, 3, requires_grad=True) * 1
        out = lib.nn.functional.linear(x, lib.ones(4, 3, requires_grad=True), lib.ones(4))
        x.add_(1)
        results.append(pytest.raises(RuntimeError, out.sum().backward).value)
    assert str(results[-1]).replace("flambeau", "torch") == str(results[-2])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((3,), (2,)), ((2, 5, 3), (2, 5, 2)),
                                    ((0, 3), (0, 2))])
@pytest.mark.parametrize("bias", [True, False])
def test_functional_bilinear(shapes, bias, dtype):
    inputs = arrays(*shapes, (6, 3, 2), *([(6,)] if bias else []), dtype=dtype)
    run_both(lambda lib, *t: lib.nn.functional.bilinear(*t), inputs, dtype)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 5)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 5), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(7, 2, 3), lib.ones(4, 5), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(7, 2, 3), lib.ones(4, 5)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3), lib.ones(5)),
    lambda lib: lib.nn.functional.linear(lib.ones(()), lib.ones(4, 3), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3), lib.ones(3)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3), lib.ones(4).double()),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3).double(), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3).half(), lib.ones(4, 3), lib.ones(4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(3, 4), lib.ones(5, 3, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4), lib.ones(5, 2, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4), lib.ones(5, 3, 5)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4), lib.ones(5, 3, 4),
                                           lib.ones(4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 1, 4),
                                           lib.ones(5, 3, 4)),
    lambda lib: lib.nn.Linear(3, 2)(lib.ones(2, 4)),
    lambda lib: lib.nn.Unflatten(1, 4),
    lambda lib: lib.nn.Unflatten(1, (2, 2.0)),
    lambda lib: lib.nn.Flatten(2)(lib.ones(2)),
])
def test_errors(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))


def _copy(t_module, f_module):
    f_module.load_state_dict({k: flambeau.tensor(v.detach().numpy())
                              for k, v in t_module.state_dict().items()})


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("build, in_shapes", [
    (lambda lib: lib.nn.Linear(5, 3), [(4, 5)]),
    (lambda lib: lib.nn.Linear(5, 3, bias=False), [(2, 4, 5)]),
    (lambda lib: lib.nn.Bilinear(3, 2, 4), [(5, 3), (5, 2)]),
    (lambda lib: lib.nn.Bilinear(3, 2, 4, bias=False), [(3,), (2,)]),
    (lambda lib: lib.nn.Identity(54, unused="x"), [(2, 3)]),
    (lambda lib: lib.nn.Flatten(), [(2, 3, 4)]),
    (lambda lib: lib.nn.Flatten(0, 1), [(2, 3, 4)]),
    (lambda lib: lib.nn.Unflatten(1, (2, 3)), [(4, 6)]),
    (lambda lib: lib.nn.Unflatten(-1, [3, -1]), [(4, 6)]),
])
def test_modules_match_torch(build, in_shapes, dtype):
    torch.manual_seed(0)
    t, f = build(torch), build(flambeau)
    assert repr(f) == repr(t)
    if dtype == "float64":
        t, f = t.double(), f.double()
    _copy(t, f)
    assert [(n, tuple(p.shape)) for n, p in f.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    of, ot = run_both(lambda lib, *x: (f if lib is flambeau else t)(*x),
                      arrays(*in_shapes, dtype=dtype), dtype)
    for (name, p), (_, q) in zip(f.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(to_numpy(p.grad), q.grad.numpy(), **TOL[dtype],
                                   err_msg=name)


def test_identity_returns_its_input():
    x = flambeau.ones(2)
    assert flambeau.nn.Identity()(x) is x


@pytest.mark.parametrize("build, fan_in", [
    (lambda lib: lib.nn.Linear(400, 300), 400),
    (lambda lib: lib.nn.Bilinear(200, 3, 300), 200),
])
def test_default_initialisation_is_uniform_with_torchs_bound(build, fan_in):
    """Linear: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform_ with
    a=sqrt(5) gives that bound); Bilinear: the same with in1_features."""
    flambeau.manual_seed(0)
    m = build(flambeau)
    bound = 1 / math.sqrt(fan_in)
    for name, p in m.named_parameters():
        values = to_numpy(p).ravel()
        assert values.min() >= -bound and values.max() <= bound, name
        if values.size > 10000:  # moments of U(-b, b): mean 0, variance b^2 / 3
            assert abs(values.mean()) < 0.02 * bound, name
            assert abs(values.var() / (bound ** 2 / 3) - 1) < 0.02, name
        assert p.requires_grad and isinstance(p, flambeau.nn.Parameter)


def test_factory_arguments():
    for lib in (torch, flambeau):
        m = lib.nn.Linear(2, 3, dtype=lib.float64, device="cpu")
        assert m.weight.dtype == lib.float64 and m.bias.dtype == lib.float64
        b = lib.nn.Bilinear(2, 3, 1, bias=False, dtype=lib.float64)
        assert b.weight.dtype == lib.float64 and b.bias is None


def test_lazy_linear():
    for lib in (torch, flambeau):
        lib.manual_seed(0)
        m = lib.nn.LazyLinear(3)
        assert repr(m.weight) == "<UninitializedParameter>"
        assert lib.nn.parameter.is_lazy(m.weight) and m.has_uninitialized_params()
        assert repr(m) == "LazyLinear(in_features=0, out_features=3, bias=True)"
        assert list(m.state_dict()) == ["weight", "bias"]
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            m.weight.shape
        y = m(lib.ones(2, 5))
        assert type(m) is lib.nn.Linear and tuple(y.shape) == (2, 3)
        assert repr(m) == "Linear(in_features=5, out_features=3, bias=True)"
        assert type(m.weight) is lib.nn.Parameter and tuple(m.weight.shape) == (3, 5)
        assert not m._forward_pre_hooks and not m._load_state_dict_pre_hooks
        assert float(m.weight.detach().abs().max()) <= 1 / math.sqrt(5)


def test_lazy_linear_loads_state_dict():
    for lib in (torch, flambeau):
        m = lib.nn.LazyLinear(2, bias=False)
        m.load_state_dict({"weight": lib.ones(2, 4)})
        assert tuple(m.weight.shape) == (2, 4) and type(m) is lib.nn.LazyLinear
        assert m(lib.ones(1, 4)).tolist() == [[4.0, 4.0]]
        assert type(m) is lib.nn.Linear


def test_lazy_linear_in_sequential_then_trains():
    torch.manual_seed(0)
    f = flambeau.nn.Sequential(flambeau.nn.LazyLinear(4), flambeau.nn.LazyLinear(1))
    f(flambeau.ones(3, 6)).sum().backward()
    assert [tuple(p.grad.shape) for p in f.parameters()] == [(4, 6), (4,), (1, 4), (1,)]
    assert repr(f) == ("Sequential(\n  (0): Linear(in_features=6, out_features=4, bias=True)\n"
                       "  (1): Linear(in_features=4, out_features=1, bias=True)\n)")


def test_non_dynamically_quantizable_linear():
    from flambeau.nn.modules.linear import NonDynamicallyQuantizableLinear as Ours
    from torch.nn.modules.linear import NonDynamicallyQuantizableLinear as Theirs
    assert repr(Ours(2, 3, bias=False)) == repr(Theirs(2, 3, bias=False))
    assert repr(Ours) == repr(Theirs) and issubclass(Ours, flambeau.nn.Linear)


def test_lazy_linear_copies_before_initialisation():
    flambeau._naming.set_public_name("flambeau")  # pickles name classes by their module
    for lib in (torch, flambeau):
        m = lib.nn.LazyLinear(3)
        for c in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
            c(lib.ones(2, 4))
            assert type(c) is lib.nn.Linear and tuple(c.weight.shape) == (3, 4)
        assert type(m) is lib.nn.LazyLinear and lib.nn.parameter.is_lazy(m.weight)
