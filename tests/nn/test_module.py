"""nn.Module against torch: registration, traversal order, state dicts, conversions, hooks,
printing, copying and pickling. Each test builds the same module tree in both libraries."""
import copy
import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

LIBS = (torch, flambeau)


def _build(self, lib):
    """A tree with a ModuleList, buffers (one non-persistent), a None parameter and a
    submodule reachable under two names."""
    nn = lib.nn
    self.a = nn.Linear(3, 4)
    self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)] + [nn.Identity()])
    self.register_buffer("running", lib.zeros(4))
    self.register_buffer("scratch", lib.ones(2), persistent=False)
    self.register_parameter("unused", None)
    self.scale = nn.Parameter(lib.tensor(2.0))
    self.tied = self.a
    self.out = nn.Sequential(nn.Flatten(), nn.Linear(4, 2, bias=False))


def _forward(self, x):
    x = self.a(x)
    for block in self.blocks:
        x = block(x)
    return self.out(x * self.scale) + self.running[:2]


def _net_class(lib):
    """The class ``Net`` built on ``lib`` (the same name in both libraries' messages)."""
    def __init__(self):
        lib.nn.Module.__init__(self)
        _build(self, lib)

    return type("Net", (lib.nn.Module,), {"__init__": __init__, "forward": _forward})


TorchNet, FlambeauNet = _net_class(torch), _net_class(flambeau)


def nets():
    torch.manual_seed(0)
    t = TorchNet()
    f = FlambeauNet()
    copy_params(t, f)
    return t, f


def copy_params(t, f):
    """torch -> flambeau through NumPy, with load_state_dict."""
    f.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in t.state_dict().items()})


def names(pairs):
    return [name for name, _ in pairs]


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Messages and reprs print torch's names (torch.Size, torch.nn.Parameter)."""


# ---- registration ------------------------------------------------------------------------

def test_attributes_register_parameters_buffers_and_modules():
    t, f = nets()
    for m in (t, f):
        assert list(m._parameters) == ["unused", "scale"]
        assert list(m._buffers) == ["running", "scratch"]
        assert list(m._modules) == ["a", "blocks", "tied", "out"]
        assert m.a is m.tied and m.unused is None
        assert "a" not in m.__dict__
    f.scale = None  # a registered parameter may become None
    assert f._parameters["scale"] is None
    f.running = flambeau.ones(4)  # a tensor assigned to a buffer name replaces the buffer
    assert f._buffers["running"].tolist() == [1.0] * 4
    f.a = flambeau.nn.Parameter(flambeau.ones(1))  # a parameter replaces the module
    assert "a" not in f._modules and "a" in f._parameters
    del f.a, f.running, f.blocks
    assert "a" not in f._parameters and "running" not in f._buffers
    assert "blocks" not in f._modules


def test_buffer_marker_registers_buffers():
    m = flambeau.nn.Module()
    m.b = flambeau.nn.Buffer(flambeau.ones(2), persistent=False)
    m.c = flambeau.nn.Buffer(flambeau.ones(2))
    assert list(m._buffers) == ["b", "c"] and list(m.state_dict()) == ["c"]
    assert repr(m.c) == "tensor([1., 1.])"


@pytest.mark.parametrize("action", [
    lambda lib, m: m.register_buffer(3, None),
    lambda lib, m: m.register_buffer("a.b", None),
    lambda lib, m: m.register_buffer("", None),
    lambda lib, m: m.register_buffer("training", None),
    lambda lib, m: m.register_buffer("x", 3),
    lambda lib, m: m.register_parameter("a.b", None),
    lambda lib, m: m.register_parameter("", None),
    lambda lib, m: m.register_parameter(1.5, None),
    lambda lib, m: m.register_parameter("x", lib.ones(2)),
    lambda lib, m: m.register_parameter("x", lib.nn.Parameter(lib.ones(2)) * 2),
    lambda lib, m: m.register_parameter("x", lib.nn.Parameter(lib.ones(2)) + 0),
    lambda lib, m: m.register_parameter("training", None),
    lambda lib, m: m.add_module("x", 3),
    lambda lib, m: m.add_module(3, lib.nn.Identity()),
    lambda lib, m: m.add_module("a.b", lib.nn.Identity()),
    lambda lib, m: m.add_module("", lib.nn.Identity()),
    lambda lib, m: m.add_module("training", lib.nn.Identity()),
    lambda lib, m: setattr(m, "scale", lib.ones(1)),
    lambda lib, m: setattr(m, "a", lib.ones(1)),
    lambda lib, m: setattr(m, "running", 3),
    lambda lib, m: m.nothing,
    lambda lib, m: m.to(lib.int64),
    lambda lib, m: m.train("yes"),
    lambda lib, m: m.load_state_dict([1]),
    lambda lib, m: lib.nn.Module(3),
    lambda lib, m: lib.nn.Module(x=3),
    lambda lib, m: lib.nn.Module()(1),
])
def test_registration_errors(action):
    t, f = nets()
    raises_like(lambda: action(flambeau, f), lambda: action(torch, t))


def test_assigning_before_init_raises():
    for lib in LIBS:
        class Early(lib.nn.Module):
            def __init__(self, what):
                setattr(self, "x", what)
                super().__init__()

        for what in (lib.nn.Parameter(lib.ones(1)), lib.nn.Identity()):
            with pytest.raises(AttributeError, match="before Module.__init__"):
                Early(what)


def test_get_submodule_parameter_buffer():
    t, f = nets()
    for target in ("", "a", "blocks.2", "out.1"):
        assert repr(t.get_submodule(target)) == repr(f.get_submodule(target))
    assert f.get_parameter("out.1.weight") is f.out[1].weight
    assert f.get_buffer("running") is f.running
    for call in (lambda m: m.get_submodule("a.nothing"), lambda m: m.get_submodule("scale"),
                 lambda m: m.get_parameter("running"), lambda m: m.get_parameter("a.x"),
                 lambda m: m.get_buffer("scale"), lambda m: m.get_buffer("blocks.0.y"),
                 lambda m: m.set_submodule("", m.a), lambda m: m.set_submodule("scale", m.a),
                 lambda m: m.set_submodule("a.q", m.a, strict=True)):
        raises_like(lambda: call(f), lambda: call(t))
    f.set_submodule("out.0", flambeau.nn.Identity())
    assert type(f.out[0]).__name__ == "Identity"


# ---- traversal ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"prefix": "net"}, {"recurse": False},
                                    {"remove_duplicate": False}])
def test_named_members_order_and_deduplication(kwargs):
    t, f = nets()
    for method in ("named_parameters", "named_buffers"):
        ours, theirs = getattr(f, method)(**kwargs), getattr(t, method)(**kwargs)
        assert names(ours) == names(theirs)
    if "recurse" not in kwargs:
        assert names(f.named_modules(**kwargs)) == names(t.named_modules(**kwargs))
    assert names(f.named_children()) == names(t.named_children())
    assert len(list(f.parameters())) == len(list(t.parameters()))
    assert len(list(f.modules())) == len(list(t.modules()))
    assert len(list(f.children())) == len(list(t.children()))
    assert len(list(f.buffers(recurse=False))) == len(list(t.buffers(recurse=False)))


def test_shared_parameter_counted_once():
    for lib in LIBS:
        a, b = lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)
        b.weight = a.weight
        seq = lib.nn.Sequential(a, b)
        assert names(seq.named_parameters()) == ["0.weight", "0.bias", "1.bias"]
        assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_apply_train_eval_requires_grad_zero_grad():
    t, f = nets()
    orders = []
    for m in (t, f):
        seen = []
        assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
        orders.append(seen)
        assert m.eval() is m and not any(mod.training for mod in m.modules())
        m.train()
        assert all(mod.training for mod in m.modules())
        m.requires_grad_(False)
        assert not any(p.requires_grad for p in m.parameters())
        m.requires_grad_()
        m(m.a.weight.new_ones(5, 3)).sum().backward()
        m.zero_grad(set_to_none=False)
        assert all(p.grad is not None and not p.grad.any() for p in m.parameters())
        m.zero_grad()
        assert all(p.grad is None for p in m.parameters())
    assert orders[0] == orders[1]


# ---- conversions -------------------------------------------------------------------------

def test_to_keeps_parameter_objects_and_converts_grads():
    t, f = nets()
    x = np.random.default_rng(0).standard_normal((5, 3))
    for m, lib in ((t, torch), (f, flambeau)):
        weight = m.a.weight
        m(lib.tensor(x, dtype=lib.float32)).sum().backward()
        assert m.double() is m and m.a.weight is weight
        assert weight.dtype == lib.float64 and weight.grad.dtype == lib.float64
        assert isinstance(weight, lib.nn.Parameter) and weight.requires_grad
        assert m.running.dtype == lib.float64
        m.to(lib.float32)
        assert weight.dtype == lib.float32 and m.scale.dtype == lib.float32
        m.to("cpu", dtype=lib.float64)
        assert weight.dtype == lib.float64
        m.half().float()
        m.type(lib.float64)
        assert weight.dtype == lib.float64
        m.to(lib.ones(1, dtype=lib.float32)).cpu()
        assert weight.dtype == lib.float32
    np.testing.assert_allclose(to_numpy(f(flambeau.tensor(x, dtype=flambeau.float32))),
                               to_numpy(t(torch.tensor(x, dtype=torch.float32))), rtol=1e-3,
                               atol=1e-3)


def test_to_leaves_integer_buffers():
    for lib in LIBS:
        m = lib.nn.Module()
        m.register_buffer("count", lib.tensor(3))
        m.to(lib.float64)
        assert m.count.dtype == lib.int64
        with pytest.warns(UserWarning, match="Complex modules"):
            m.to(lib.complex128)


# ---- state dicts -------------------------------------------------------------------------

def test_state_dict_keys_order_metadata_and_values():
    t, f = nets()
    ts, fs = t.state_dict(), f.state_dict()
    assert list(ts) == list(fs) and type(fs).__name__ == "OrderedDict"
    assert ts._metadata == fs._metadata
    for k in ts:
        np.testing.assert_array_equal(to_numpy(fs[k]), ts[k].numpy())
        assert not fs[k].requires_grad and not isinstance(fs[k], flambeau.nn.Parameter)
    kept = f.state_dict(keep_vars=True)
    assert kept["a.weight"] is f.a.weight
    assert list(f.state_dict(prefix="model.")) == list(t.state_dict(prefix="model."))
    with pytest.warns(FutureWarning):
        assert list(f.state_dict(None, "p.")) == ["p." + k for k in fs]


def test_state_dict_shares_memory():
    _, f = nets()
    f.state_dict()["a.bias"].zero_()
    assert not f.a.bias.any()


def _load_both(t, f, edit):
    sd = {k: v.numpy() for k, v in t.state_dict().items()}
    edit(sd)
    ts = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in sd.items()}
    fs = {k: flambeau.tensor(v) if isinstance(v, np.ndarray) else v for k, v in sd.items()}
    return ts, fs


@pytest.mark.parametrize("edit", [
    lambda sd: sd.pop("a.weight"),
    lambda sd: sd.update(extra=np.zeros(1), **{"blocks.9.weight": np.zeros(1)}),
    lambda sd: sd.update(**{"a.weight": np.zeros((2, 2), np.float32)}),
    lambda sd: sd.update(**{"a.bias": 3}),
    lambda sd: (sd.pop("running"), sd.update(**{"out.1.weight": np.zeros((1, 2), np.float32),
                                                "scratch": np.zeros(2)})),
])
@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_errors_and_incompatible_keys(edit, strict):
    t, f = nets()
    ts, fs = _load_both(t, f, edit)
    try:
        expected = t.load_state_dict(ts, strict=strict)
    except RuntimeError:
        raises_like(lambda: f.load_state_dict(fs, strict=strict),
                    lambda: t.load_state_dict(ts, strict=strict))
    else:
        got = f.load_state_dict(fs, strict=strict)
        assert repr(got) == repr(expected) and got == expected


def test_load_state_dict_copies_or_assigns():
    t, f = nets()
    assert str(f.load_state_dict(f.state_dict())) == "<All keys matched successfully>"
    weight = f.a.weight
    new = flambeau.ones(4, 3)
    f.load_state_dict({"a.weight": new}, strict=False)
    assert f.a.weight is weight and weight.tolist() == new.tolist()
    f.load_state_dict({"a.weight": new * 2, "scale": flambeau.tensor([5.0])}, strict=False,
                      assign=True)
    assert f.a.weight is not weight and isinstance(f.a.weight, flambeau.nn.Parameter)
    assert f.a.weight.requires_grad and f.scale.item() == 5.0  # a [1] tensor fills a scalar
    assert f.tied is f.a


def test_load_state_dict_round_trip_from_torch_output():
    t, f = nets()
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(to_numpy(f(flambeau.tensor(x))), t(torch.tensor(x)).detach(),
                               rtol=1e-5, atol=1e-6)


def test_state_dict_hooks():
    for lib in LIBS:
        m = lib.nn.Linear(2, 2)
        log = []
        m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append(prefix))

        def post(mod, sd, prefix, meta):
            sd[prefix + "note"] = meta["version"]

        m.register_state_dict_post_hook(post)
        sd = m.state_dict(prefix="p.")
        assert log == ["p."] and sd["p.note"] == 1
        with pytest.raises(RuntimeError, match="Cannot register the same function"):
            m._register_state_dict_hook(post)
        m.register_state_dict_post_hook(lambda *a: {})
        with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
            m.state_dict()


def test_load_state_dict_hooks():
    for lib in LIBS:
        m = lib.nn.Sequential(lib.nn.Linear(2, 2))
        log = []
        m[0].register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, *rest: log.append((type(mod).__name__, prefix)))

        def post(mod, keys):
            log.append(list(keys.missing_keys))
            keys.missing_keys.clear()

        m.register_load_state_dict_post_hook(post)
        assert m.load_state_dict({"0.weight": lib.zeros(2, 2)}).missing_keys == []
        assert log == [("Linear", "0."), ["0.bias"]]
        m.register_load_state_dict_post_hook(lambda mod, keys: 1)
        with pytest.raises(AssertionError, match="not expected to return new values"):
            m.load_state_dict(m.state_dict())


def test_extra_state():
    for lib in LIBS:
        class WithExtra(lib.nn.Module):
            def get_extra_state(self):
                return {"n": 3}

            def set_extra_state(self, state):
                self.n = state["n"]

        m = lib.nn.Sequential(WithExtra())
        sd = m.state_dict()
        assert list(sd) == ["0._extra_state"]
        m.load_state_dict({"0._extra_state": {"n": 4}})
        assert m[0].n == 4
        with pytest.raises(RuntimeError, match='Missing key.*"0._extra_state"'):
            m.load_state_dict({})
        with pytest.raises(RuntimeError, match='Unexpected key.*"_extra_state"'):
            lib.nn.Linear(1, 1).load_state_dict({**lib.nn.Linear(1, 1).state_dict(),
                                                  "_extra_state": 1})


# ---- hooks -------------------------------------------------------------------------------

def _hooked_run(lib):
    nn = lib.nn
    m = nn.Linear(3, 2).double()
    with lib.no_grad():
        m.weight.copy_(lib.tensor([[1.0, 2, 3], [4, 5, 6]]))
        m.bias.fill_(0.5)
    log = []
    m.register_forward_pre_hook(lambda mod, args: log.append(("pre", len(args))))
    m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 2,), kwargs),
                                with_kwargs=True)
    m.register_forward_pre_hook(lambda mod, args: log.append("pre first"), prepend=True)
    h = m.register_forward_hook(lambda mod, args, out: log.append("removed"))
    h.remove()
    m.register_forward_hook(lambda mod, args, kwargs, out: out + 1, with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: log.append(("post", out.tolist())))
    m.register_full_backward_pre_hook(
        lambda mod, go: log.append(("bw pre", [g.tolist() for g in go])))
    m.register_full_backward_hook(lambda mod, gi, go: (log.append(
        ("bw", [g.tolist() for g in gi], [g.tolist() for g in go])), (gi[0] * 10,))[1])
    x = lib.tensor([[1.0, 0, -1]], dtype=lib.float64, requires_grad=True)
    y = m(x)
    (y * lib.tensor([[1.0, 2]], dtype=lib.float64)).sum().backward()
    log.append(("x.grad", x.grad.tolist(), type(y.grad_fn).__name__))
    with m.register_forward_hook(lambda *a: log.append("with")):
        m(x)
    m(x)
    return log


def test_forward_and_full_backward_hooks():
    assert _hooked_run(flambeau) == _hooked_run(torch)


def _multi_io_run(lib):
    """Backward hooks of modules with several inputs (one without grad) and outputs (one not
    a tensor)."""
    m = lib.nn.Bilinear(2, 3, 2).double()
    with lib.no_grad():
        m.weight.copy_(lib.arange(12.0).reshape(2, 2, 3))
        m.bias.fill_(1)
    log = []

    def listed(grads):
        return [None if g is None else g.tolist() for g in grads]

    m.register_full_backward_hook(lambda mod, gi, go: log.append((listed(gi), listed(go))))
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
    a = lib.tensor([[1.0, 2.0]], dtype=lib.float64, requires_grad=True)
    m(a, lib.tensor([[1.0, 0.0, -1.0]], dtype=lib.float64)).sum().backward()
    log.append(a.grad.tolist())

    class Two(lib.nn.Module):
        def forward(self, x, k):
            return x * 2, k, x * 3

    two = Two()
    two.register_full_backward_hook(lambda mod, gi, go: log.append((listed(gi), listed(go))))
    x = lib.ones(2, requires_grad=True, dtype=lib.float64)
    o1, _, o3 = two(x, 5)
    (o1.sum() + o3.sum() * 2).backward()
    return log + [x.grad.tolist()]


def test_backward_hooks_with_several_inputs_and_outputs():
    assert _multi_io_run(flambeau) == _multi_io_run(torch)


def test_backward_hooks_without_input_grad_warn():
    logs = []
    for lib in LIBS:
        log = []
        m = lib.nn.Linear(2, 1).double()
        m.register_full_backward_hook(lambda mod, gi, go: log.append((gi, len(go))))
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(lib.ones(1, 2, dtype=lib.float64)).sum().backward()
        logs.append(log)
    assert logs[0] == logs[1] == [((None,), 1)]


def test_backward_hook_errors():
    for lib in LIBS:
        m = lib.nn.Linear(2, 1)
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but "
                                               "expected 1"):
            m(lib.ones(1, 2, requires_grad=True)).sum().backward()
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
            m.register_backward_hook(lambda *a: None)


def _non_full_hook_warnings(lib):
    out = []
    for build, x in ((lambda: lib.nn.Linear(2, 2), lib.ones(3, 2, requires_grad=True)),
                     (lambda: lib.nn.Identity(), lib.ones(3, 2, requires_grad=True) * 2),
                     (lambda: lib.nn.Linear(2, 2), lib.ones(3, 2))):
        m = build()
        seen = []
        m.register_backward_hook(lambda mod, gi, go: seen.append(len(gi)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m(x)
        y.sum().backward()
        out.append(([(w.category.__name__, str(w.message)) for w in caught], seen))
    return out


def test_non_full_backward_hooks_run_and_warn_as_torch():
    assert _non_full_hook_warnings(flambeau) == _non_full_hook_warnings(torch)


def test_forward_hook_always_call_and_pre_hook_result_check():
    for lib in LIBS:
        m = lib.nn.Linear(2, 1)
        log = []
        m.register_forward_hook(lambda mod, args, out: log.append(out), always_call=True)
        m.register_forward_hook(lambda mod, args, out: log.append("never"))
        with pytest.raises(RuntimeError):
            m(lib.ones(3))
        assert log == [None]
        m.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
        with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
            m(lib.ones(2))


def test_global_hooks():
    logs = []
    for lib in LIBS:
        mm = lib.nn.modules.module
        log = []
        handles = [
            mm.register_module_forward_pre_hook(lambda mod, args: log.append("pre")),
            mm.register_module_forward_hook(lambda mod, args, out: log.append("post")),
            mm.register_module_forward_hook(
                lambda mod, args, kwargs, out: log.append(("kw", kwargs)), with_kwargs=True),
            mm.register_module_full_backward_hook(lambda mod, gi, go: log.append("bw")),
            mm.register_module_full_backward_pre_hook(lambda mod, go: log.append("bw pre")),
            mm.register_module_module_registration_hook(
                lambda mod, name, sub: log.append(("module", name))),
            mm.register_module_parameter_registration_hook(
                lambda mod, name, p: log.append(("param", name))),
            mm.register_module_buffer_registration_hook(
                lambda mod, name, b: log.append(("buffer", name))),
        ]
        try:
            seq = lib.nn.Sequential(lib.nn.Linear(2, 2))
            seq.register_buffer("b", None)
            seq(lib.ones(1, 2, requires_grad=True)).sum().backward()
        finally:
            for h in handles:
                h.remove()
        seq(lib.ones(1, 2))
        logs.append(log)
    assert logs[0] == logs[1]


# ---- printing ----------------------------------------------------------------------------

def test_repr_matches_torch():
    t, f = nets()
    assert repr(f) == repr(t)

    def extra(lib):
        return type("Extra", (lib.nn.Module,), {"extra_repr": lambda self: "a=1\nb=2"})()

    for build in (lambda lib: lib.nn.Sequential(extra(lib), lib.nn.ModuleList()),
                  extra,
                  lambda lib: lib.nn.ModuleDict({"x": lib.nn.Sequential(extra(lib))})):
        assert repr(build(flambeau)) == repr(build(torch))


def test_dir_lists_members():
    _, f = nets()
    keys = dir(f)
    assert keys == sorted(keys)
    assert {"a", "blocks", "running", "scale", "unused", "forward", "training"} <= set(keys)
    assert not any(k[0].isdigit() for k in dir(f.blocks))


def test_incompatible_keys():
    from flambeau.nn.modules.module import _IncompatibleKeys
    from torch.nn.modules.module import _IncompatibleKeys as T
    for keys in (([], []), (["a"], []), ([], ["b"])):
        assert repr(_IncompatibleKeys(*keys)) == repr(T(*keys))


# ---- copying -----------------------------------------------------------------------------

def test_deepcopy_keeps_sharing_and_copies_values():
    _, f = nets()
    g = copy.deepcopy(f)
    assert g.a is g.tied and g.a.weight is not f.a.weight
    assert isinstance(g.a.weight, flambeau.nn.Parameter) and g.a.weight.requires_grad
    for (k, v), (k2, v2) in zip(f.state_dict().items(), g.state_dict().items()):
        assert k == k2 and v.tolist() == v2.tolist()
    g.a.weight.data.zero_()
    assert f.a.weight.any()


def test_pickle_round_trip():
    flambeau._naming.set_public_name("flambeau")  # pickles name classes by their module
    _, f = nets()
    model = flambeau.nn.Sequential(f.a, f.a, flambeau.nn.ModuleList([flambeau.nn.Identity()]))
    model.register_buffer("b", flambeau.arange(3.0), persistent=False)
    g = pickle.loads(pickle.dumps(model))
    assert repr(g) == repr(model) and g[0] is g[1]
    assert g[0].weight.tolist() == model[0].weight.tolist()
    assert isinstance(g[0].weight, flambeau.nn.Parameter) and g[0].weight.requires_grad
    assert list(g.state_dict()) == list(model.state_dict())
    assert g._non_persistent_buffers_set == {"b"}


def test_forward_missing():
    raises_like(lambda: flambeau.nn.Module()(flambeau.ones(1)),
                lambda: torch.nn.Module()(torch.ones(1)))


def test_subclass_without_hooks_calls_forward_directly():
    calls = []

    class Echo(flambeau.nn.Module):
        def forward(self, *args, **kwargs):
            calls.append((args, kwargs))
            return args

    assert Echo()(1, 2, k=3) == (1, 2)
    assert calls == [((1, 2), {"k": 3})]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Echo().compile()


# ---- as torch.nn -------------------------------------------------------------------------

NN_SCRIPT = """
import pickle
import torch
import torch.nn as nn
from torch import nn as nn2
from torch.nn import functional as F
from torch.nn.parameter import Parameter

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn2.Identity(), nn.Flatten(),
                                  nn.Linear(8, 2))
        self.scale = Parameter(torch.ones(1))

    def forward(self, x):
        return F.linear(self.body(x), torch.eye(2)) * self.scale

model = MLP()
print(model)
print(type(model.body[0]), type(model.scale), nn.Linear, nn is nn2)
print(list(model.state_dict()), tuple(model(torch.ones(3, 4)).shape))
print(repr(pickle.loads(pickle.dumps(model.body))) == repr(model.body))
"""


def test_runs_as_torch_nn(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(NN_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    runs = {}
    for interpreter_args in (["-m", "flambeau", "run"], []):
        out = subprocess.run([sys.executable, *interpreter_args, str(script)], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        runs[bool(interpreter_args)] = out.stdout
    assert runs[True] == runs[False]  # flambeau prints what torch prints
    check = subprocess.run([sys.executable, "-m", "flambeau", "check", str(script)],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "flambeau has all" in check.stdout, check.stdout
