"""Autograd against torch: node names and graph structure, engine behaviour, errors, hooks,
custom Functions, grad modes and the checking tools."""
import threading
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, in_both, raises_like


def walk(fn):
    """The graph below ``fn`` as nested (name, children) tuples, leaves as 'AccumulateGrad'."""
    if fn is None:
        return None
    return (type(fn).__name__, tuple(walk(child) for child, _ in fn.next_functions))


GRAPHS = [
    lambda m, x, y: x + y,
    lambda m, x, y: (x * y).sum(),
    lambda m, x, y: (x - 2 * y).mean(),
    lambda m, x, y: (x / y) ** 2,
    lambda m, x, y: x.exp().log().sqrt(),
    lambda m, x, y: x.view(6).t() if False else x.view(6),
    lambda m, x, y: x.t().sum(0),
    lambda m, x, y: x.transpose(0, 1).reshape(6),
    lambda m, x, y: (x.unsqueeze(0) + y).squeeze(0),
    lambda m, x, y: x.expand(4, 2, 3).sum(),
    lambda m, x, y: x.clone().detach().requires_grad_() + y,
    lambda m, x, y: -x.sigmoid() * y.tanh(),
    lambda m, x, y: x.permute(1, 0).contiguous(),
    lambda m, x, y: x.to(m.float64).sum(dim=1, keepdim=True),
    lambda m, x, y: x.abs() + y.sin().cos(),
    lambda m, x, y: x.narrow(1, 0, 2).select(0, 1),
    lambda m, x, y: x.chunk(2, 1)[1] * 2,
]


def pair(seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.5, 2, (2, 3)), rng.uniform(0.5, 2, (2, 3))
    return ((flambeau.tensor(a, requires_grad=True), flambeau.tensor(b, requires_grad=True)),
            (torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)))


@pytest.mark.parametrize("fn", GRAPHS)
def test_graph_names_structure_and_gradients(fn):
    (fx, fy), (tx, ty) = pair()
    a, b = fn(flambeau, fx, fy), fn(torch, tx, ty)
    assert walk(a.grad_fn) == walk(b.grad_fn)
    g = np.random.default_rng(1).standard_normal(tuple(b.shape))
    a.backward(flambeau.tensor(g, dtype=a.dtype))
    b.backward(torch.tensor(g, dtype=b.dtype))
    for ours, theirs in [(fx, tx), (fy, ty)]:
        if theirs.grad is None:
            assert ours.grad is None
        else:
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)


def test_leaf_flags_and_accumulation():
    x = flambeau.ones(2, requires_grad=True)
    y = x * 3
    assert x.is_leaf and not y.is_leaf and y.requires_grad
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"
    assert y.grad_fn.next_functions[0][0].variable is x
    y.sum().backward()
    y2 = x * 3
    y2.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    assert (x * 2).detach().grad_fn is None
    with flambeau.no_grad():
        assert not (x * 2).requires_grad


def test_no_graph_without_requires_grad():
    a = flambeau.ones(3)
    assert (a * 2 + 1).grad_fn is None and not (a * 2).requires_grad


ERRORS = [
    lambda m: m.ones(2).sum().backward(),
    lambda m: (m.ones(2, requires_grad=True) * 2).backward(),
    lambda m: m.ones(2, requires_grad=True).add_(1),
    lambda m: m.ones(2, dtype=m.int64).requires_grad_(),
    lambda m: _twice(m),
    lambda m: _modified(m),
    lambda m: m.autograd.grad(m.ones(2, requires_grad=True).sum(), m.ones(2, requires_grad=True)),
    lambda m: (m.ones(2, requires_grad=True) * 1).requires_grad_(False),
    lambda m: m.ones(2).register_hook(lambda g: g),
    lambda m: m.ones(2, requires_grad=True)[:1].detach_(),
    lambda m: m.ones(3)[1:].detach_(),
    lambda m: _assign_grad(m, m.zeros(3)),
    lambda m: _assign_grad(m, m.zeros(1, 2)),
    *(lambda m, d=d: _assign_grad(m, m.zeros(2, dtype=getattr(m, d)))
      for d in ("float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
                "complex64", "complex128")),
    lambda m: _assign_grad(m, 3),
    lambda m: (lambda x: m.autograd.grad([(x * 2).sum(), x.sum()], x, grad_outputs=[None]))(
        m.ones(2, requires_grad=True)),
    lambda m: (m.ones(2, requires_grad=True) * 2).sum().backward(inputs=[]),
    lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(), []),
    lambda m: _hooked(m, lambda g: g.double(), leaf=False),
    lambda m: _hooked(m, lambda g: g[:1], leaf=False),
    lambda m: _hooked(m, lambda g: g.reshape(1, 2), leaf=True),
]


def _hooked(m, hook, leaf):
    x = m.ones(2, requires_grad=True)
    y = x if leaf else x * 2
    y.register_hook(hook)
    (y * 3).sum().backward()


def _assign_grad(m, value):
    x = m.ones(2, requires_grad=True)
    x.grad = value


def _twice(m):
    x = m.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _modified(m):
    x = m.ones(3, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn, as_torch):
    raises_like(lambda: fn(flambeau), lambda: fn(torch))


def _grad_sharing_scenarios(L):
    """Backward passes after which torch's .grad must not share memory with any tensor the
    user can still see; each returns the tensors to compare after mutating .grad in place."""
    def user_gradient():
        x, g = L.ones(3, requires_grad=True), L.full((3,), 2.)
        x.backward(g)
        (x * 1).backward(g)  # accumulates into the first .grad in place
        return x, [g]

    def passed_through():
        x, g = L.ones(3, requires_grad=True), L.full((3,), 2.)
        (x + 0).backward(g)
        return x, [g]

    def retained():
        x = L.ones(3, requires_grad=True)
        z = x * 1
        z.retain_grad()
        (z + 0).backward(L.full((3,), 2.))
        return x, [z.grad]

    def two_leaves():
        x, y = L.ones(3, requires_grad=True), L.ones(3, requires_grad=True)
        (x * 3 + y).sum().backward()
        return x, [y.grad]

    def hook_keeps_it():
        x, seen = L.ones(3, requires_grad=True), []
        x.register_hook(lambda grad: seen.append(grad))
        (x * 2).sum().backward()
        return x, seen

    def node_hook_keeps_it():
        x, seen = L.ones(3, requires_grad=True), []
        y = x * 2
        y.grad_fn.register_hook(
            lambda grad_inputs, grad_outputs: seen.extend(g for g in grad_inputs if g is not None))
        y.sum().backward()
        return x, seen

    return [user_gradient, passed_through, retained, two_leaves, hook_keeps_it,
            node_hook_keeps_it]


@pytest.mark.parametrize("i", range(6))
def test_leaf_grad_never_aliases_visible_tensors(i):
    results = []
    for L in (flambeau, torch):
        leaf, visible = _grad_sharing_scenarios(L)[i]()
        leaf.grad.mul_(10)
        results.append([t.tolist() for t in [leaf.grad] + visible])
    assert results[0] == results[1]


def test_fresh_gradient_buffer_becomes_leaf_grad():
    """Like torch's AccumulateGrad, the engine keeps a gradient nothing else holds (no copy)."""
    from flambeau.autograd import engine
    if engine._ENGINE_REFERENCES < 0:
        pytest.skip("gradient buffers are always copied on this Python")
    kept = []
    original = engine._store_grad
    engine._store_grad = lambda t, grad, create_graph, owned=False: (
        kept.append(owned), original(t, grad, create_graph, owned))
    try:
        x = flambeau.ones(3, 4, requires_grad=True)
        w = flambeau.ones(4, 5, requires_grad=True)
        (x @ w).sum().backward()
    finally:
        engine._store_grad = original
    assert kept == [True, True]


def test_retain_graph_allows_second_backward():
    x = flambeau.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_long_chain_has_no_recursion_limit():
    x = flambeau.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_autograd_grad_and_create_graph():
    for m in (flambeau, torch):
        x = m.tensor([1.5, -0.5], dtype=m.float64, requires_grad=True)
        y = (x ** 3).sum()
        g, = m.autograd.grad(y, x, create_graph=True)
        gg, = m.autograd.grad(g.sum(), x)
        if m is flambeau:
            ours = (g.detach().numpy(), gg.numpy())
        else:
            np.testing.assert_allclose(ours[0], g.detach().numpy())
            np.testing.assert_allclose(ours[1], gg.numpy())


def test_allow_unused_and_materialize():
    x, z = flambeau.ones(2, requires_grad=True), flambeau.ones(2, requires_grad=True)
    y = (x * 2).sum()
    gx, gz = flambeau.autograd.grad(y, (x, z), allow_unused=True, retain_graph=True)
    assert gz is None and gx.tolist() == [2.0, 2.0]
    gx, gz = flambeau.autograd.grad(y, (x, z), materialize_grads=True)
    assert gz.tolist() == [0.0, 0.0]


def test_hooks():
    for m in (flambeau, torch):
        x = m.ones(2, requires_grad=True)
        y = x * 2
        seen = []
        handle = y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: seen.append(g.tolist()))
        y.retain_grad()
        x.register_post_accumulate_grad_hook(lambda t: seen.append("post"))
        y.sum().backward()
        result = (x.grad.tolist(), y.grad.tolist(), seen)
        handle.remove()
        x.grad = None
        (x * 2).sum().backward()
        result += (x.grad.tolist(),)
        if m is flambeau:
            ours = result
    assert ours == result


@pytest.mark.parametrize("modify", [
    lambda y: y.relu_(),
    lambda y: y.add_(1).mul_(3),
    lambda y: y.view(3)[1:].mul_(2),  # through a view: the base's history moves
    lambda y: y.copy_(y.detach() * 4),
    lambda y: y.clamp_(0, 5),
    lambda y: y.sin_().pow_(2),
], ids=["relu_", "add_mul_", "view_mul_", "copy_", "clamp_", "sin_pow_"])
def test_retain_grad_follows_in_place_ops(modify):
    """``.grad`` of a retained tensor is the gradient of its latest version, as in torch."""
    def run(m):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        modify(y)
        (y * m.tensor([1.0, 2.0, 3.0])).sum().backward()
        return y.grad, x.grad
    ours, theirs = in_both(run)
    assert_same(ours, theirs)


def test_node_hooks():
    for m in (flambeau, torch):
        x = m.ones(2, requires_grad=True)
        y = x * 3
        calls = []
        y.grad_fn.register_prehook(lambda go: calls.append("pre"))
        y.grad_fn.register_hook(lambda gi, go: calls.append(len(gi)))
        y.sum().backward()
        if m is flambeau:
            ours = calls
    assert ours == calls


class Custom:
    """The same custom Function written against either library."""

    @staticmethod
    def make(m):
        class MyExp(m.autograd.Function):
            @staticmethod
            def forward(ctx, i, scale):
                out = i.exp() * scale
                ctx.save_for_backward(out)
                ctx.scale = scale
                return out

            @staticmethod
            def backward(ctx, g):
                out, = ctx.saved_tensors
                return g * out, None

        class Square(m.autograd.Function):
            @staticmethod
            def forward(x):
                return x * x

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * g * x
        return MyExp, Square


def test_custom_function(as_torch):
    results = []
    for m in (flambeau, torch):
        MyExp, Square = Custom.make(m)
        x = m.tensor([0.5, 1.0], dtype=m.float64, requires_grad=True)
        y = MyExp.apply(x, 2.0)
        z = Square.apply(y).sum()
        z.backward()
        name = type(y.grad_fn).__name__
        assert repr(y.grad_fn).startswith("<torch.autograd.function.MyExpBackward object at")
        results.append((name, y.tolist(), x.grad.tolist(), y.grad_fn.needs_input_grad))
    assert results[0] == results[1]


def test_grad_modes_as_decorators_and_threads():
    @flambeau.no_grad()
    def f(x):
        return x * 2

    x = flambeau.ones(1, requires_grad=True)
    assert not f(x).requires_grad
    with flambeau.no_grad():
        with flambeau.enable_grad():
            assert (x * 2).requires_grad
        assert not flambeau.is_grad_enabled()
    flambeau.set_grad_enabled(False)
    assert not flambeau.is_grad_enabled()
    flambeau.set_grad_enabled(True)
    with flambeau.inference_mode():
        assert not (x * 2).requires_grad
    seen = []
    with flambeau.no_grad():
        t = threading.Thread(target=lambda: seen.append(flambeau.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def _inference_observations(m):
    """What a program sees of inference mode and inference tensors (flags, then errors)."""
    seen = []
    with m.no_grad(), m.inference_mode(False):
        seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
    with m.inference_mode():
        seen += [m.is_grad_enabled(), m.is_inference_mode_enabled()]
        with m.inference_mode(False):
            seen += [m.is_grad_enabled(), m.is_inference_mode_enabled(), m.ones(1).is_inference()]
        with m.enable_grad():
            seen += [m.is_grad_enabled(), m.ones(1).is_inference()]
        inner = m.ones(2)
        seen += [inner[0].is_inference(), inner.requires_grad_().requires_grad]
        inner.requires_grad_(False).add_(1)  # in-place is allowed inside
    x = m.ones(2, requires_grad=True)
    seen += [inner.is_inference(), inner[0].is_inference(), inner.detach().is_inference(),
             inner.clone().is_inference(), (inner * 2).is_inference(), m.is_inference(inner),
             inner.tolist()]
    (inner.detach() + x).sum().backward()  # nothing saved: allowed
    seen.append(m.inference_mode(lambda: m.is_inference_mode_enabled())())

    def setitem(t):
        t[0] = 1

    for attempt in (lambda: inner._version, lambda: (inner * x).sum(),
                    lambda: inner.requires_grad_(), lambda: inner.add_(1),
                    lambda: setitem(inner), lambda: inner.fill_(2)):
        try:
            attempt()
            seen.append("no error")
        except RuntimeError as e:
            seen.append(str(e).replace(m.__name__, "torch"))
    return seen


def test_inference_mode_and_inference_tensors():
    assert _inference_observations(flambeau) == _inference_observations(torch)


def _engine_observations(m):
    """Gradients and graph structure of less common engine paths, as plain values."""
    seen = []
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    (y * 3).sum().backward(inputs=[y])  # a non-leaf input gets its .grad, x does not
    seen += [y.grad.tolist(), x.grad]
    rows = m.autograd.grad([x * 2, x.sum()], [x], [m.ones(3, 2), m.arange(3.0)],
                           is_grads_batched=True)
    seen.append(rows[0].tolist())
    calls = []
    z = x * 3
    z.grad_fn.next_functions[0][0].register_hook(lambda gi, go: calls.append((gi, go[0].tolist())))
    z.sum().backward()
    seen.append(calls)
    x.grad = None
    (x ** 2).sum().backward(create_graph=True)  # the leaf keeps a recorded copy
    seen.append([type(x.grad.grad_fn).__name__, len(x.grad.grad_fn.next_functions)])
    x.grad = None
    a = x * 1
    a.copy_(m.ones(2))  # a's old history gets zeros through CopyBackwards
    seen.append([type(a.grad_fn).__name__, [f is None for f, _ in a.grad_fn.next_functions]])
    a.sum().backward()
    seen.append(x.grad.tolist())
    return seen


def test_engine_paths_match_torch():
    assert _engine_observations(flambeau) == _engine_observations(torch)


def _functions(m):
    """Custom Functions that misbehave or take the less common paths, in library ``m``."""
    class Many(m.autograd.Function):  # one gradient too many
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    class WrongShape(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return m.ones(3)

    class Broadcast(m.autograd.Function):  # a gradient that sums back to the input's shape
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g.expand(4, 2)

    class Two(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, materialize):
            ctx.set_materialize_grads(materialize)
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            return (g1 if g1 is not None else 0) + (g2 if g2 is not None else 0), None

    class Dirty(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            a.mul_(2)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Identity(m.autograd.Function):  # returns its input unchanged
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 5

    return Many, WrongShape, Broadcast, Two, Dirty, Identity


FUNCTION_ERRORS = [
    lambda m: _functions(m)[0].apply(m.ones(2, requires_grad=True)).sum().backward(),
    lambda m: _functions(m)[1].apply(m.ones(2, requires_grad=True)).sum().backward(),
    lambda m: _functions(m)[4].apply(m.ones(2, requires_grad=True)),
]


@pytest.mark.parametrize("fn", FUNCTION_ERRORS)
def test_custom_function_errors_match_torch(fn):
    raises_like(lambda: fn(flambeau), lambda: fn(torch))


def _function_observations(m):
    _, _, broadcast, two, dirty, identity = _functions(m)
    x = m.tensor([1.0, 2.0], requires_grad=True)
    seen = [m.autograd.grad(broadcast.apply(x).sum(), x)[0].tolist()]
    for materialize in (True, False):
        a, _ = two.apply(x, materialize)
        seen.append(m.autograd.grad(a.sum(), x)[0].tolist())
        seen.append(a.grad_fn.seen)
    y = dirty.apply(x * 1)
    seen.append([type(y.grad_fn).__name__, m.autograd.grad(y.sum(), x)[0].tolist()])
    z = identity.apply(x)
    seen.append([z is x, z._base is x, type(z.grad_fn).__name__,
                 m.autograd.grad(z.sum(), x)[0].tolist()])
    return seen


def test_custom_function_paths_match_torch():
    assert _function_observations(flambeau) == _function_observations(torch)


def _functional(m, name):
    return getattr(m.autograd.functional, name)


FUNCTIONAL_ERRORS = [
    lambda m: _functional(m, "jacobian")(lambda a: m.ones(2), m.ones(2), strict=True),
    lambda m: _functional(m, "jacobian")(lambda a: a[:1] * 2, (m.ones(2), m.ones(2)),
                                         strict=True),
    lambda m: _functional(m, "jacobian")(lambda a: 3, m.ones(2)),
    lambda m: _functional(m, "jacobian")(lambda a: a, [m.ones(2)]),
    lambda m: _functional(m, "vjp")(lambda a: a * 2, m.ones(2)),
    lambda m: _functional(m, "vjp")(lambda a: a * 2, m.ones(2), v=(1.0,)),
    lambda m: _functional(m, "jvp")(lambda a: a * 2, m.ones(2)),
    lambda m: _functional(m, "hvp")(lambda a: a * 2, m.ones(2), m.ones(2)),
    lambda m: _functional(m, "vhp")(lambda a: (a.sum(), a.sum()), m.ones(2), m.ones(2)),
    lambda m: _functional(m, "hessian")(lambda a: a * 2, m.ones(2)),
    lambda m: m.autograd.gradcheck(lambda a: a * 2, m.ones(2, dtype=m.float64)),
    lambda m: m.autograd.gradcheck(lambda a: a.detach() * 2 + a, m.ones(2, requires_grad=True)),
]


@pytest.mark.parametrize("fn", FUNCTIONAL_ERRORS)
def test_functional_errors_match_torch(fn, as_torch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: fn(flambeau), lambda: fn(torch))


def test_variable_is_a_tensor():
    v = flambeau.autograd.Variable(flambeau.ones(2), requires_grad=True)
    assert isinstance(v, flambeau.Tensor) and v.requires_grad
    with pytest.warns(UserWarning, match="volatile was removed"):
        flambeau.autograd.Variable(flambeau.ones(2), volatile=True)


def test_anomaly_mode_names_the_node():
    x = flambeau.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning):
        with flambeau.autograd.detect_anomaly():
            y = (x * float("nan")).sum()
            with pytest.raises(RuntimeError, match="Function 'MulBackward0' returned nan values"):
                y.backward()


def test_gradcheck_catches_a_wrong_derivative():
    class Wrong(flambeau.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g  # should be 2 * x * g

    x = flambeau.tensor([0.3, 0.7], dtype=flambeau.float64, requires_grad=True)
    assert flambeau.autograd.gradcheck(lambda t: (t * t).exp(), (x,))
    assert flambeau.autograd.gradgradcheck(lambda t: (t * t).exp(), (x,))
    assert not flambeau.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


def test_functional_against_torch():
    data = np.array([0.3, -1.2])
    fns = [lambda m, t: (t ** 3).sum(), lambda m, t: (t.exp() * t).sum()]
    for fn in fns:
        ours = flambeau.autograd.functional.hessian(lambda t: fn(flambeau, t),
                                                    flambeau.tensor(data))
        theirs = torch.autograd.functional.hessian(lambda t: fn(torch, t), torch.tensor(data))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)
    vec = lambda m, t: t.exp() * t  # noqa: E731
    ours = flambeau.autograd.functional.jacobian(lambda t: vec(flambeau, t), flambeau.tensor(data))
    theirs = torch.autograd.functional.jacobian(lambda t: vec(torch, t), torch.tensor(data))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)
    v = np.array([1.0, 2.0])
    ours = flambeau.autograd.functional.jvp(lambda t: vec(flambeau, t), flambeau.tensor(data),
                                            flambeau.tensor(v))[1]
    theirs = torch.autograd.functional.jvp(lambda t: vec(torch, t), torch.tensor(data),
                                           torch.tensor(v))[1]
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)


INPLACE_ON_VIEWS = [
    lambda m, x: _mul_view(m, x),
    lambda m, x: _setitem(m, x),
    lambda m, x: _copy_into_row(m, x),
    lambda m, x: _add_on_transposed(m, x),
    lambda m, x: _setitem_through_view(m, x),
]


def _setitem_through_view(m, x):
    y = x.view(3, 1) * m.ones(3, 2, dtype=m.float64)
    v = y[1]
    v[0] = x[0] * x[2]
    return y


def _mul_view(m, x):
    y = x * 2
    y[1:].mul_(m.tensor([3.0, 4.0], dtype=m.float64))
    return y


def _setitem(m, x):
    y = x.clone()
    y[0] = 10.0 * x[2]
    return y


def _copy_into_row(m, x):
    a = m.zeros(2, 3, dtype=m.float64)
    a[1].copy_(x)
    return a


def _add_on_transposed(m, x):
    y = x.view(3, 1).expand(3, 2).clone()
    y.t()[1].add_(x * x)
    return y


@pytest.mark.parametrize("fn", INPLACE_ON_VIEWS)
def test_inplace_on_views_rebases_the_graph(fn):
    data = np.array([1.0, 2.0, 3.0])
    x, tx = flambeau.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = fn(flambeau, x), fn(torch, tx)
    assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy())
    w = np.random.default_rng(0).standard_normal(tuple(ty.shape))
    (y * flambeau.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_gradients_that_overflow_when_summed_give_inf_silently():
    """Two gradients reaching one node, or a second backward into ``.grad``, that overflow
    when added: inf, without NumPy's RuntimeWarning (torch warns of nothing)."""
    def run(m):
        x = m.tensor([1e-30, -1e-30], requires_grad=True)
        (x * 3e38 + x * 3e38).sum().backward()
        first = x.grad.clone()
        x.grad = None
        for _ in range(2):
            (x * 3e38).sum().backward()
        return first, x.grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours, theirs = in_both(run)
    assert_same(ours, theirs)
