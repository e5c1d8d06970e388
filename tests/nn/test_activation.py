"""Activations: nn.functional forms, in-place forms, top-level functions and modules vs torch."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, twins

# (name, nn.functional callable of a library and an input, int inputs allowed)
FUNCTIONAL = [
    ("relu", lambda F, x: F.relu(x), True),
    ("relu6", lambda F, x: F.relu6(x), True),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.2), False),
    ("leaky_relu_negative", lambda F, x: F.leaky_relu(x, -1.5), False),
    ("leaky_relu_zero", lambda F, x: F.leaky_relu(x, 0.0), False),
    ("rrelu", lambda F, x: F.rrelu(x, 0.1, 0.4), False),
    ("elu", lambda F, x: F.elu(x, 0.7), False),
    ("selu", lambda F, x: F.selu(x), False),
    ("celu", lambda F, x: F.celu(x, 0.6), False),
    ("gelu", lambda F, x: F.gelu(x), False),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh"), False),
    ("silu", lambda F, x: F.silu(x), False),
    ("mish", lambda F, x: F.mish(x), False),
    ("sigmoid", lambda F, x: F.sigmoid(x), False),
    ("tanh", lambda F, x: F.tanh(x), False),
    ("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 2.0), True),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x), False),
    ("hardswish", lambda F, x: F.hardswish(x), False),
    ("softplus", lambda F, x: F.softplus(x, 2, 3), False),
    ("softplus_default", lambda F, x: F.softplus(x), False),
    ("softsign", lambda F, x: F.softsign(x), False),
    ("softshrink", lambda F, x: F.softshrink(x, 0.3), False),
    ("hardshrink", lambda F, x: F.hardshrink(x, 0.3), False),
    ("tanhshrink", lambda F, x: F.tanhshrink(x), False),
    ("threshold", lambda F, x: F.threshold(x, 0.1, -2.0), True),
    ("glu", lambda F, x: F.glu(x, 0), False),
    ("glu_last", lambda F, x: F.glu(x[..., :4]), False),
    ("logsigmoid", lambda F, x: F.logsigmoid(x), False),
    ("softmax", lambda F, x: F.softmax(x, 1), False),
    ("softmin", lambda F, x: F.softmin(x, -1), False),
    ("log_softmax", lambda F, x: F.log_softmax(x, 0), False),
    ("softmax_dtype", lambda F, x: F.softmax(x, 1, dtype=x.double().dtype), False),
    ("prelu", lambda F, x: F.prelu(x, x.new_tensor([0.1, -0.2, 0.3])), False),
    ("prelu_single", lambda F, x: F.prelu(x, x.new_tensor([0.25])), False),
]

# the in-place forms: (name, callable doing the op in place on x)
INPLACE = [
    ("relu", lambda F, x: F.relu(x, inplace=True)),
    ("relu_", lambda F, x: F.relu_(x)),
    ("relu6", lambda F, x: F.relu6(x, inplace=True)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.1, inplace=True)),
    ("leaky_relu_", lambda F, x: F.leaky_relu_(x, 0.1)),
    ("rrelu", lambda F, x: F.rrelu(x, inplace=True)),
    ("rrelu_", lambda F, x: F.rrelu_(x, 0.2, 0.3)),
    ("elu", lambda F, x: F.elu(x, 0.5, inplace=True)),
    ("elu_", lambda F, x: F.elu_(x)),
    ("selu", lambda F, x: F.selu(x, inplace=True)),
    ("selu_", lambda F, x: F.selu_(x)),
    ("celu", lambda F, x: F.celu(x, 0.5, inplace=True)),
    ("celu_", lambda F, x: F.celu_(x)),
    ("silu", lambda F, x: F.silu(x, inplace=True)),
    ("mish", lambda F, x: F.mish(x, inplace=True)),
    ("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 0.5, inplace=True)),
    ("hardtanh_", lambda F, x: F.hardtanh_(x)),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x, inplace=True)),
    ("hardswish", lambda F, x: F.hardswish(x, inplace=True)),
    ("threshold", lambda F, x: F.threshold(x, 0.1, 5.0, inplace=True)),
    ("threshold_", lambda F, x: F.threshold_(x, 0.1, 5.0)),
]


def _input(dtype, shape=(4, 3, 6), seed=0):
    a = np.random.default_rng(seed).standard_normal(shape) * 3
    a.reshape(-1)[:8] = [0.0, -0.0, 50.0, -50.0, 3.0, -3.0, 0.1, 20.0]  # edges
    return a.astype(dtype)


def _tol(dtype):
    return dict(rtol=1e-12, atol=1e-12) if dtype == "float64" else dict(rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,fn,ints", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_functional_values_and_gradients(name, fn, ints, dtype):
    a = _input(dtype)
    xf, xt = twins(a, requires_grad=True)
    yt, yf = fn(torch.nn.functional, xt), fn(flambeau.nn.functional, xf)
    assert_same(yf, yt, **_tol(dtype))
    assert yf.grad_fn.name() == yt.grad_fn.name()
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(str(yt.dtype)[6:])
    yt.backward(torch.tensor(g))
    yf.backward(flambeau.tensor(g))
    assert_same(xf.grad, xt.grad, **_tol(dtype))


@pytest.mark.parametrize("name,fn,ints", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_half_precision_computes_in_float32(name, fn, ints):
    a = _input("float16", (4, 3, 6)) / 4
    xf, xt = twins(a, requires_grad=True)
    yt, yf = fn(torch.nn.functional, xt), fn(flambeau.nn.functional, xf)
    assert_same(yf, yt, rtol=5e-3, atol=5e-4)  # a half-precision ulp or so
    g = torch.ones(yt.shape, dtype=yt.dtype)
    yt.backward(g)
    yf.backward(flambeau.tensor(g.numpy()))
    assert_same(xf.grad, xt.grad, rtol=5e-3, atol=5e-4)


@pytest.mark.parametrize("name,fn,ints", [c for c in FUNCTIONAL if c[2]],
                         ids=[c[0] for c in FUNCTIONAL if c[2]])
def test_integer_inputs(name, fn, ints):
    a = np.arange(-6, 6).reshape(2, 6)
    assert_same(fn(flambeau.nn.functional, flambeau.tensor(a)),
                fn(torch.nn.functional, torch.tensor(a)))


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "elu", "gelu", "silu", "mish",
                                  "hardtanh", "hardsigmoid", "hardswish", "softplus",
                                  "softshrink", "hardshrink", "threshold", "glu", "logsigmoid",
                                  "rrelu", "selu", "celu", "prelu"])
@pytest.mark.parametrize("dtype", ["int64", "bool", "complex64"])
def test_dtype_errors(name, dtype):
    fn = dict((c[0], c[1]) for c in FUNCTIONAL)[name]
    at = torch.ones(2, 4, dtype=getattr(torch, dtype))
    af = flambeau.ones(2, 4, dtype=getattr(flambeau, dtype))
    try:
        expected = fn(torch.nn.functional, at)
    except Exception:
        raises_like(lambda: fn(flambeau.nn.functional, af),
                    lambda: fn(torch.nn.functional, at))
    else:
        assert_same(fn(flambeau.nn.functional, af), expected)


@pytest.mark.parametrize("name,fn", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_forms(name, fn):
    a = _input("float64", (3, 4))
    g = np.random.default_rng(2).standard_normal((3, 4))
    torch.manual_seed(0)
    lf, lt = twins(a, requires_grad=True)
    xt, xf = lt * 1, lf * 1
    version = xf._version
    yt, yf = fn(torch.nn.functional, xt), fn(flambeau.nn.functional, xf)
    assert yt is xt and yf is xf
    assert xf._version == version + 1
    assert yf.grad_fn.name() == yt.grad_fn.name()
    if not name.startswith("rrelu"):  # rrelu_ defaults to evaluation: no draw
        assert_same(yf, yt, rtol=1e-12, atol=1e-12)
    yt.backward(torch.tensor(g))
    yf.backward(flambeau.tensor(g))
    if not name.startswith("rrelu"):
        assert_same(lf.grad, lt.grad, rtol=1e-12, atol=1e-12)
    # without grad: the values are written into the very buffer
    xf, xt = twins(a)
    buffer = xf.numpy()
    fn(torch.nn.functional, xt)
    fn(flambeau.nn.functional, xf)
    assert xf.numpy() is buffer or np.shares_memory(xf.numpy(), buffer)
    assert_same(xf, xt, rtol=1e-12, atol=1e-12)
    # a leaf that requires grad refuses
    raises_like(lambda: fn(flambeau.nn.functional, flambeau.tensor(a, requires_grad=True)),
                lambda: fn(torch.nn.functional, torch.tensor(a, requires_grad=True)))


@pytest.mark.parametrize("name,fn", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_on_a_view(name, fn):
    a = _input("float64", (3, 4))
    g = np.random.default_rng(3).standard_normal((3, 4))
    lf, lt = twins(a, requires_grad=True)
    bt, bf = lt * 2, lf * 2
    fn(torch.nn.functional, bt[1:])
    fn(flambeau.nn.functional, bf[1:])
    if not name.startswith("rrelu"):
        assert_same(bf, bt, rtol=1e-12, atol=1e-12)
    bt.backward(torch.tensor(g))
    bf.backward(flambeau.tensor(g))
    if not name.startswith("rrelu"):
        assert_same(lf.grad, lt.grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("slope_fn", [lambda F, x: F.leaky_relu_(x, -0.5),
                                      lambda F, x: F.elu_(x, -0.5),
                                      lambda F, x: F.celu_(x, -0.5)])
def test_inplace_negative_slope_backward_refused(slope_fn):
    def run(lib):
        leaf = lib.tensor([-1.0, 1.0], requires_grad=True)
        x = leaf.clone()
        slope_fn(lib.nn.functional, x)
        x.sum().backward()
    raises_like(lambda: run(flambeau), lambda: run(torch))


def test_threshold_inplace_gradient_uses_the_input():
    def grad(lib):
        leaf = lib.tensor([-1.0, 1.0], requires_grad=True)
        lib.threshold_(leaf.clone(), 0.0, 5.0).sum().backward()
        return leaf.grad
    assert_same(grad(flambeau), grad(torch))


TOP_LEVEL = [
    ("relu", lambda m, x: m.relu(x)),
    ("selu", lambda m, x: m.selu(x)),
    ("celu", lambda m, x: m.celu(x, 2.0)),
    ("rrelu", lambda m, x: m.rrelu(x)),
    ("threshold", lambda m, x: m.threshold(x, 0.5, 1.0)),
    ("hardshrink", lambda m, x: m.hardshrink(x, 1.0)),
    ("prelu", lambda m, x: m.prelu(x, m.tensor([0.5]))),
    ("_prelu_kernel", lambda m, x: m._prelu_kernel(x, m.tensor([[0.5], [0.1], [0.2]]))),
    ("method_relu", lambda m, x: x.relu()),
    ("method_hardshrink", lambda m, x: x.hardshrink()),
    ("method_prelu", lambda m, x: x.prelu(m.tensor([0.5, 0.2, 0.1, 0.0, -1.0]))),
]


@pytest.mark.parametrize("name,fn", TOP_LEVEL, ids=[c[0] for c in TOP_LEVEL])
def test_top_level_functions(name, fn):
    a = _input("float32", (3, 5))
    xf, xt = twins(a, requires_grad=True)
    yt, yf = fn(torch, xt), fn(flambeau, xf)
    assert_same(yf, yt)
    assert yf.grad_fn.name() == yt.grad_fn.name()
    yt.sum().backward()
    yf.sum().backward()
    assert_same(xf.grad, xt.grad)


@pytest.mark.parametrize("name,fn", [
    ("relu_", lambda m, x: m.relu_(x)), ("method_relu_", lambda m, x: x.relu_()),
    ("selu_", lambda m, x: m.selu_(x)), ("celu_", lambda m, x: m.celu_(x, 0.3)),
    ("rrelu_", lambda m, x: m.rrelu_(x)), ("threshold_", lambda m, x: m.threshold_(x, 0., 2.)),
    ("sigmoid_", lambda m, x: m.sigmoid_(x)), ("tanh_", lambda m, x: m.tanh_(x)),
    ("F._threshold", lambda m, x: m.nn.functional._threshold(x, 0., 2., True))])
def test_top_level_inplace(name, fn):
    xf, xt = twins(_input("float32", (3, 5)))
    assert fn(torch, xt) is xt and fn(flambeau, xf) is xf
    assert_same(xf, xt)
    assert xf._version == xt._version


def test_out_forms():
    xf, xt = twins(_input("float32", (3, 5)))
    ot, of = torch.empty(3, 5), flambeau.empty(3, 5)
    torch.hardshrink(xt, 0.4, out=ot)
    flambeau.hardshrink(xf, 0.4, out=of)
    assert_same(of, ot)
    torch.threshold(xt, 0.1, 7, out=ot)
    flambeau.threshold(xf, 0.1, 7, out=of)
    assert_same(of, ot)


@pytest.mark.parametrize("name,fn", [
    ("relu", lambda F, x: F.relu(x)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.3)),
    ("hardtanh", lambda F, x: F.hardtanh(x)),
    ("elu", lambda F, x: F.elu(x)),
    ("celu", lambda F, x: F.celu(x, 0.7)),
    ("gelu", lambda F, x: F.gelu(x)),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh")),
    ("silu", lambda F, x: F.silu(x)),
    ("mish", lambda F, x: F.mish(x)),
    ("hardswish", lambda F, x: F.hardswish(x)),
    ("softplus", lambda F, x: F.softplus(x, 1.5)),
    ("logsigmoid", lambda F, x: F.logsigmoid(x)),
    ("glu", lambda F, x: F.glu(x, 1)),
    ("prelu", lambda F, x: F.prelu(x, x.new_tensor([0.3, 0.6]).requires_grad_())),
])
def test_second_derivatives(name, fn):
    a = np.random.default_rng(4).standard_normal((3, 2)) * 2

    def hessian_vector(lib):
        x = lib.tensor(a, requires_grad=True)
        y = fn(lib.nn.functional, x)
        (g,) = lib.autograd.grad(y, x, y, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x)
        return g, h
    (gf, hf), (gt, ht) = hessian_vector(flambeau), hessian_vector(torch)
    if gt.grad_fn.name().endswith("BackwardBackward0"):
        assert gf.grad_fn.name() == gt.grad_fn.name()
    assert_same(gf, gt, rtol=1e-10, atol=1e-10)
    assert_same(hf, ht, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("weight_size", [4, 1])
def test_prelu_second_derivatives_of_every_input(weight_size):
    a = np.random.default_rng(5).standard_normal((3, 4, 2))
    rng = np.random.default_rng(6)
    upstream, r1, r2 = rng.standard_normal(a.shape), rng.standard_normal(a.shape), \
        rng.standard_normal(weight_size)

    def run(lib):
        x = lib.tensor(a, requires_grad=True)
        w = lib.tensor(np.linspace(-0.5, 0.7, weight_size), requires_grad=True)
        g_out = lib.tensor(upstream, requires_grad=True)
        gx, gw = lib.autograd.grad(lib.nn.functional.prelu(x, w), (x, w), g_out,
                                   create_graph=True)
        total = (gx * lib.tensor(r1)).sum() + (gw * lib.tensor(r2)).sum()
        return (gx.grad_fn.name(), gx, gw) + lib.autograd.grad(total, (x, w, g_out))
    ours, theirs = run(flambeau), run(torch)
    assert ours[0] == theirs[0] == "PreluKernelBackwardBackward0"
    for f, t in zip(ours[1:], theirs[1:]):
        assert_same(f, t, rtol=1e-12, atol=1e-12)


def test_zero_dim_and_empty_inputs():
    for shape in [(), (0, 3)]:
        a = np.full(shape, -0.7)
        for name, fn, _ in FUNCTIONAL:
            if name.startswith(("glu", "prelu", "softm", "log_softmax")):
                continue
            assert_same(fn(flambeau.nn.functional, flambeau.tensor(a)),
                        fn(torch.nn.functional, torch.tensor(a)))


ERRORS = [
    lambda m, F, x: F.softshrink(x, -1.0),
    lambda m, F, x: F.softshrink(x.double(), -1.0),
    lambda m, F, x: F.rrelu(x, 0.5, 0.1),
    lambda m, F, x: F.rrelu(m.ones(3, dtype=m.int64), training=True),
    lambda m, F, x: F.gelu(x, approximate="foo"),
    lambda m, F, x: F.glu(x[0, 0, 0]),
    lambda m, F, x: F.glu(x, 1),
    lambda m, F, x: F.glu(x, 5),
    lambda m, F, x: F.prelu(x, m.ones(4)),
    lambda m, F, x: F.prelu(x, m.ones(3, 1)),
    lambda m, F, x: F.prelu(x[0, 0, 0], m.ones(3)),
    lambda m, F, x: F.prelu(x, m.ones(3, dtype=m.float64)),
    lambda m, F, x: F.prelu(x, 0.25),
    lambda m, F, x: F.prelu(m.ones(5), m.ones(5)),
    lambda m, F, x: F.celu(x, 0.0),
    lambda m, F, x: F.hardtanh(x, 2.0, 1.0),
    lambda m, F, x: F.leaky_relu(x, "a"),
    lambda m, F, x: m.relu(3),
    lambda m, F, x: m.threshold(x, "a", 1),
    lambda m, F, x: m.relu(m.ones(2, dtype=m.bool)),
    lambda m, F, x: F.relu6(m.ones(2, dtype=m.bool)),
    lambda m, F, x: F.relu(m.ones(2, dtype=m.complex64)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    a = _input("float32", (2, 3, 4))
    raises_like(lambda: ERRORS[i](flambeau, flambeau.nn.functional, flambeau.tensor(a)),
                lambda: ERRORS[i](torch, torch.nn.functional, torch.tensor(a)))


def test_rrelu_training_draws_in_range_and_backward_uses_them():
    x = flambeau.tensor(-np.linspace(0.5, 3.0, 1000), requires_grad=True)
    y = flambeau.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    slopes = (y / x).detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes, rtol=1e-12)
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"


def _seeded_streams_match():
    torch.manual_seed(0)
    flambeau.manual_seed(0)
    return np.array_equal(torch.rand(3).numpy(), flambeau.rand(3).numpy())


@pytest.mark.skipif(not _seeded_streams_match(), reason="flambeau's generator is not torch's")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_equals_torch_under_the_same_seed(dtype):
    xf, xt = twins(_input(dtype, (5, 7)))
    torch.manual_seed(7)
    flambeau.manual_seed(7)
    assert_same(flambeau.rrelu(xf, 0.1, 0.3, True), torch.rrelu(xt, 0.1, 0.3, True),
                rtol=0, atol=0)


def test_softmax_without_dim_warns():
    for ndim in (1, 2, 3, 4):
        a = np.random.default_rng(ndim).standard_normal((2,) * ndim)
        for name in ("softmax", "softmin", "log_softmax"):
            with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
                yf = getattr(flambeau.nn.functional, name)(flambeau.tensor(a))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yt = getattr(torch.nn.functional, name)(torch.tensor(a))
            assert_same(yf, yt, rtol=1e-12, atol=1e-12)


def test_gumbel_softmax():
    logits = flambeau.randn(5, 4, requires_grad=True)
    soft = flambeau.nn.functional.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1, rtol=1e-6)
    hard = flambeau.nn.functional.gumbel_softmax(logits, hard=True)
    assert set(np.unique(hard.detach().numpy())) <= {0.0, 1.0}
    np.testing.assert_array_equal(hard.sum(-1).detach().numpy(), 1)
    hard.sum().backward()
    assert logits.grad is not None


# ---- modules ---------------------------------------------------------------------------------

MODULES = [
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("ReLU6", (), {}), ("ReLU6", (), {"inplace": True}),
    ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (), {"inplace": True}), ("PReLU", (), {}),
    ("PReLU", (4, 0.1), {}), ("RReLU", (0.1, 0.3), {}), ("RReLU", (), {"inplace": True}),
    ("ELU", (), {}), ("ELU", (0.5, True), {}), ("SELU", (), {}), ("SELU", (True,), {}),
    ("CELU", (0.5,), {}), ("CELU", (), {"inplace": True}), ("GELU", (), {}),
    ("GELU", ("tanh",), {}),
    ("SiLU", (), {}), ("SiLU", (True,), {}), ("Mish", (), {}), ("Mish", (True,), {}),
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("Hardtanh", (), {}), ("Hardtanh", (-2, 3, True), {}),
    ("Hardsigmoid", (), {}), ("Hardsigmoid", (True,), {}), ("Hardswish", (), {}),
    ("Softplus", (), {}), ("Softplus", (2, 5), {}), ("Softsign", (), {}), ("Softshrink", (), {}),
    ("Softshrink", (1,), {}), ("Hardshrink", (), {}), ("Hardshrink", (0.3,), {}),
    ("Tanhshrink", (), {}), ("Threshold", (0.1, 20), {}), ("Threshold", (0.1, 20, True), {}),
    ("GLU", (), {}), ("GLU", (1,), {}), ("LogSigmoid", (), {}), ("Softmax", (1,), {}),
    ("Softmin", (), {"dim": 0}), ("LogSoftmax", (-1,), {}), ("Softmax2d", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES,
                         ids=[f"{m[0]}{m[1]}{m[2]}" for m in MODULES])
def test_modules(name, args, kwargs, as_torch):
    mt = getattr(torch.nn, name)(*args, **kwargs).double()
    mf = getattr(flambeau.nn, name)(*args, **kwargs).double()
    assert repr(mf) == repr(mt)
    assert getattr(type(mf), "__constants__", None) == getattr(type(mt), "__constants__", None)
    for training in (True, False):
        mt.train(training)
        mf.train(training)
        a = _input("float64", (2, 4, 3, 4))
        lf, lt = twins(a, requires_grad=True)
        yt, yf = mt(lt * 1), mf(lf * 1)
        if name == "RReLU" and training:
            assert tuple(yf.shape) == tuple(yt.shape)
            continue
        assert_same(yf, yt, rtol=1e-12, atol=1e-12)
        yt.pow(2).sum().backward()
        yf.pow(2).sum().backward()
        assert_same(lf.grad, lt.grad, rtol=1e-12, atol=1e-12)
        for (nt, pt), (nf, pf) in zip(mt.named_parameters(), mf.named_parameters()):
            assert nt == nf
            assert_same(pf.grad, pt.grad, rtol=1e-12, atol=1e-12)


def test_module_argument_checks():
    raises_like(lambda: flambeau.nn.Hardtanh(1, 1), lambda: torch.nn.Hardtanh(1, 1))
    with pytest.warns(FutureWarning, match="min_value"):
        m = flambeau.nn.Hardtanh(min_value=-3)
    assert m.min_val == -3
    raises_like(lambda: flambeau.nn.Softmax2d()(flambeau.ones(2, 2)),
                lambda: torch.nn.Softmax2d()(torch.ones(2, 2)))


def test_prelu_parameters_and_state_dict():
    mt, mf = torch.nn.PReLU(3, init=0.1), flambeau.nn.PReLU(3, init=0.1)
    assert list(mf.state_dict()) == list(mt.state_dict()) == ["weight"]
    assert_same(mf.weight, mt.weight)
    assert isinstance(mf.weight, flambeau.nn.Parameter)
    m64 = flambeau.nn.PReLU(dtype=flambeau.float64)
    assert m64.weight.dtype == flambeau.float64


def test_sequential_repr(as_torch):
    def build(nn):
        return nn.Sequential(nn.Linear(3, 4), nn.ReLU(inplace=True), nn.GELU(approximate="tanh"),
                             nn.LeakyReLU(0.1), nn.Softmax(dim=-1))
    assert repr(build(flambeau.nn)) == repr(build(torch.nn))
