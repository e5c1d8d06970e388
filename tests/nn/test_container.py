"""Containers against torch: the same operations on Sequential, ModuleList, ModuleDict,
ParameterList and ParameterDict give the same structure (printed) and the same errors."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import flambeau
from conftest import in_both, raises_like, to_numpy

LIBS = (torch, flambeau)


@pytest.fixture(autouse=True)
def _printed_as_torch(as_torch):
    """Reprs and messages print torch's names."""


def layers(lib, n=3):
    return [lib.nn.Linear(i + 1, i + 2) for i in range(n)]


SEQUENTIAL_OPS = [
    lambda lib, s: s,
    lambda lib, s: s[1],
    lambda lib, s: s[-1],
    lambda lib, s: s[1:],
    lambda lib, s: s[::2],
    lambda lib, s: s + lib.nn.Sequential(lib.nn.Identity()),
    lambda lib, s: s * 2,
    lambda lib, s: 2 * s,
    lambda lib, s: s.append(lib.nn.Identity()),
    lambda lib, s: s.insert(1, lib.nn.Flatten()),
    lambda lib, s: s.insert(-1, lib.nn.Flatten()),
    lambda lib, s: s.extend([lib.nn.Identity(), lib.nn.Identity()]),
    lambda lib, s: (s.pop(1), s),
    lambda lib, s: (s.pop(slice(0, 2)), s),
    lambda lib, s: (s.__delitem__(0), s),
    lambda lib, s: (s.__delitem__(slice(1, None)), s),
    lambda lib, s: (s.__setitem__(-2, lib.nn.Identity()), s),
    lambda lib, s: s.__iadd__(lib.nn.Sequential(lib.nn.Identity())),
    lambda lib, s: s.__imul__(3),
    lambda lib, s: (len(s), [type(m).__name__ for m in s]),
]


@pytest.mark.parametrize("op", SEQUENTIAL_OPS)
def test_sequential_operations(op):
    ours, theirs = map(repr, in_both(lambda lib: op(lib, lib.nn.Sequential(*layers(lib)))))
    assert ours == theirs


def test_sequential_from_ordered_dict_and_renumbering():
    def build(lib):
        s = lib.nn.Sequential(OrderedDict([("first", lib.nn.Linear(2, 3)),
                                           ("act", lib.nn.Identity()),
                                           ("last", lib.nn.Linear(3, 1))]))
        out = [repr(s), repr(s[1:]), repr(s.act)]
        del s[0]  # the remaining modules are renumbered, as in torch
        return out + [repr(s)]

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs


@pytest.mark.parametrize("op", [
    lambda lib, s: s[3],
    lambda lib, s: s[-4],
    lambda lib, s: s["a"],
    lambda lib, s: s + 1,
    lambda lib, s: s.__iadd__([1]),
    lambda lib, s: s * 0,
    lambda lib, s: s * 1.5,
    lambda lib, s: s.__imul__(-1),
    lambda lib, s: s.insert(5, lib.nn.Identity()),
    lambda lib, s: s.insert(0, 3),
    lambda lib, s: s.append(3),
    lambda lib, s: lib.nn.Sequential(3),
])
def test_sequential_errors(op):
    s_t, s_f = (lib.nn.Sequential(*layers(lib)) for lib in LIBS)
    raises_like(lambda: op(flambeau, s_f), lambda: op(torch, s_t))


def test_sequential_forward_matches_torch():
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Flatten(0), torch.nn.Identity(),
                            torch.nn.Unflatten(0, (2, 5)), torch.nn.Linear(5, 2))
    f = flambeau.nn.Sequential(flambeau.nn.Linear(4, 5), flambeau.nn.Flatten(0),
                               flambeau.nn.Identity(), flambeau.nn.Unflatten(0, (2, 5)),
                               flambeau.nn.Linear(5, 2))
    f.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    xt, xf = torch.tensor(x, requires_grad=True), flambeau.tensor(x, requires_grad=True)
    yt, yf = t(xt), f(xf)
    np.testing.assert_allclose(to_numpy(yf), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    yt.sum().backward()
    yf.sum().backward()
    np.testing.assert_allclose(to_numpy(xf.grad), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (name, p), (_, q) in zip(f.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(to_numpy(p.grad), q.grad.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


MODULELIST_OPS = [
    lambda lib, m: m,
    lambda lib, m: lib.nn.ModuleList(),
    lambda lib, m: m[1],
    lambda lib, m: m[-3:],
    lambda lib, m: m + [lib.nn.Identity()],
    lambda lib, m: m.append(lib.nn.Identity()),
    lambda lib, m: m.extend([lib.nn.Linear(1, 2)] * 2),
    lambda lib, m: (m.insert(1, lib.nn.Identity()), m),
    lambda lib, m: (m.pop(0), m),
    lambda lib, m: (m.__delitem__(slice(0, 4, 2)), m),
    lambda lib, m: (m.__setitem__(-1, lib.nn.Identity()), m),
    lambda lib, m: m.__iadd__([lib.nn.Identity()]),
    lambda lib, m: lib.nn.ModuleList([lib.nn.Sequential(lib.nn.Linear(2, 2))] * 3 +
                                     [lib.nn.Identity()] * 2 + [lib.nn.Linear(2, 2)]),
    lambda lib, m: lib.nn.Sequential(lib.nn.ModuleList([lib.nn.Identity()] * 4)),
]


@pytest.mark.parametrize("op", MODULELIST_OPS)
def test_module_list_operations_and_folded_repr(op):
    def build(lib):
        return op(lib, lib.nn.ModuleList([lib.nn.Linear(2, 2)] * 2 + layers(lib) +
                                         [lib.nn.Linear(2, 2)]))

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs


@pytest.mark.parametrize("op", [
    lambda lib, m: m[5],
    lambda lib, m: m[-6],
    lambda lib, m: m.extend(3),
    lambda lib, m: m.append(3),
    lambda lib, m: m(),
])
def test_module_list_errors(op):
    m_t, m_f = (lib.nn.ModuleList(layers(lib)) for lib in LIBS)
    raises_like(lambda: op(flambeau, m_f), lambda: op(torch, m_t))


def test_module_dict():
    def build(lib):
        d = lib.nn.ModuleDict({"b": lib.nn.Linear(1, 2), "a": lib.nn.Identity()})
        d["c"] = lib.nn.Flatten()
        d.update([("z", lib.nn.Identity())])
        d.update(lib.nn.ModuleDict({"y": lib.nn.Linear(2, 2)}))
        popped = d.pop("b")
        del d["a"]
        out = [repr(d), repr(popped), list(d), list(d.keys()), len(d), "c" in d,
               [type(v).__name__ for v in d.values()], [k for k, _ in d.items()]]
        d.clear()
        return out + [repr(d)]

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs
    for op in (lambda lib, d: d.update(3), lambda lib, d: d.update([3]),
               lambda lib, d: d.update([("a", 1, 2)]), lambda lib, d: d["missing"],
               lambda lib, d: d.update({"x": 3})):
        d_t, d_f = (lib.nn.ModuleDict() for lib in LIBS)
        raises_like(lambda: op(flambeau, d_f), lambda: op(torch, d_t))


def test_parameter_list():
    def build(lib):
        p = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        p.append(lib.ones(1, dtype=lib.float64))
        p.extend(["text", 3])
        p[0] = lib.zeros(5)
        sliced = p[1:3]
        return [repr(p), repr(sliced), len(p), [type(x).__name__ for x in p],
                [n for n, _ in p.named_parameters()], p[-1], dir(p) == sorted(dir(p)),
                any(k.isdigit() for k in dir(p)),
                repr(lib.nn.Sequential(lib.nn.ParameterList([lib.ones(2)])))]

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs
    for op in (lambda lib, p: p.extend(lib.ones(2)), lambda lib, p: p.extend(3),
               lambda lib, p: p[2], lambda lib, p: p()):
        p_t, p_f = (lib.nn.ParameterList([lib.ones(1)]) for lib in LIBS)
        raises_like(lambda: op(flambeau, p_f), lambda: op(torch, p_t))


def test_parameter_dict():
    def build(lib):
        p = lib.nn.ParameterDict({"b": lib.ones(2), "a": lib.nn.Parameter(lib.zeros(1, 2))})
        p["c"] = lib.ones(3, dtype=lib.float64)
        p["s"] = "text"
        p.update([("d", lib.ones(1))])
        p.setdefault("e", lib.ones(2))
        copy = p.copy()
        other = p | lib.nn.ParameterDict({"z": lib.ones(1)})
        key, _ = p.popitem()
        p.pop("c")
        out = [repr(p), repr(copy), repr(other), key, list(p), list(reversed(p)), len(p),
               "a" in p, p.get("missing", 7), list(p.keys()),
               [n for n, _ in p.named_parameters()], [k for k, _ in p.items()],
               repr(p.fromkeys(["x", "y"]))]
        p.clear()
        return out + [len(p)]

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs
    for op in (lambda lib, p: p[1], lambda lib, p: p.update(3), lambda lib, p: p.update([(1,)]),
               lambda lib, p: p["missing"], lambda lib, p: p(1)):
        p_t, p_f = (lib.nn.ParameterDict() for lib in LIBS)
        raises_like(lambda: op(flambeau, p_f), lambda: op(torch, p_t))


def test_container_state_dict_keys():
    def build(lib):
        m = lib.nn.Sequential(lib.nn.ModuleDict({"enc": lib.nn.Linear(2, 3)}),
                              lib.nn.ParameterList([lib.ones(2)]),
                              lib.nn.ParameterDict({"w": lib.ones(1)}))
        return [(k, tuple(v.shape)) for k, v in m.state_dict().items()]

    ours, theirs = map(repr, in_both(build))
    assert ours == theirs
