"""torch.compile and torch.jit run eagerly with the same results, wrapped and checked as torch
wraps and checks them."""
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like


def model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU(), lib.nn.Linear(3, 2))


def test_compiled_module_as_torch():
    ours = flambeau.compile(model(flambeau))
    theirs = torch.compile(model(torch))
    assert repr(ours).replace("flambeau.", "") == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours, flambeau.nn.Module) and ours.training
    assert flambeau.compile(flambeau.nn.Linear(2, 3)).out_features == 3  # from _orig_mod
    x = flambeau.ones(5, 4)
    assert_same(ours(x), ours._orig_mod(x))
    ours(x).sum().backward()
    assert ours._orig_mod[0].weight.grad is not None


def test_compiled_function_and_decorator():
    def f(x):
        return x.sin() + 1

    x = flambeau.linspace(0, 1, 5)
    assert_same(flambeau.compile(f)(x), torch.compile(f)(torch.linspace(0, 1, 5)))
    assert flambeau.compile(f).__name__ == "f"

    @flambeau.compile(mode="max-autotune", fullgraph=True)
    def g(x):
        return x * 2
    assert_same(g(x), x * 2)


@pytest.mark.parametrize("call", [
    lambda L: L.compile(L.nn.Linear(2, 2), mode="x"),
    lambda L: L.compile(L.nn.Linear(2, 2), mode="default", options={}),
    lambda L: L.compile(3),
])
def test_compile_checks(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_jit_script_and_trace_run_eagerly(tmp_path):
    m = model(flambeau)
    x = flambeau.ones(2, 4)
    with pytest.warns(DeprecationWarning, match=r"`torch.jit.script` is deprecated. Please "
                      r"switch to `torch.compile` or `torch.export`."):
        assert flambeau.jit.script(m) is m
    assert flambeau.jit.trace(m, x) is m
    assert flambeau.jit.trace(m, example_kwarg_inputs={"input": x}) is m
    path = tmp_path / "m.pt"
    flambeau.jit.save(m, path)
    with pytest.warns(DeprecationWarning, match="`torch.jit.load` is deprecated. Please "
                      "switch to `torch.export`."):
        loaded = flambeau.jit.load(path)
    assert_same(loaded(x), m(x))
    assert not flambeau.jit.is_scripting() and not flambeau.jit.is_tracing()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_jit_decorators_pass_through():
    class M(flambeau.jit.ScriptModule):
        @flambeau.jit.script_method
        def forward(self, x):
            return self.helper(x)

        @flambeau.jit.ignore
        def helper(self, x):
            return x + 1

        @flambeau.jit.ignore(drop=True)
        def dropped(self):
            return 2

        @flambeau.jit.unused
        def unused(self):
            return 3

        @flambeau.jit.export
        def exported(self):
            return 4

    m = M()
    assert isinstance(m, flambeau.nn.Module)
    assert m(flambeau.ones(1)).item() == 2.0
    assert (m.dropped(), m.unused(), m.exported()) == (2, 3, 4)
    assert flambeau.jit.annotate(list, [1]) == [1]
    assert flambeau.jit.Final is torch.jit.Final


def test_compiler_namespace_as_torch():
    """torch.compiler's queries say what torch's say outside a compiled region, and its
    decorators leave a function that gives torch's results."""
    for lib in (flambeau, torch):
        c = lib.compiler
        assert (c.is_compiling(), c.is_dynamo_compiling(), c.is_exporting()) == (False,) * 3
        assert c.reset() is None and c.cudagraph_mark_step_begin() is None

        @c.disable
        def plain(x):
            return x * 2

        @c.disable(recursive=False)
        def shallow(x):
            return x + 1
        helper = c.allow_in_graph(lambda x: x - 1)
        const = c.assume_constant_result(lambda: 5)
        model = c.compile(lib.nn.Linear(2, 2))
        assert (plain(3), shallow(3), helper(3), const()) == (6, 4, 2, 5)
        assert type(model).__name__ == "OptimizedModule"
