"""The *_copy ops, numpy-style splits, complex views, resize_, index_reduce, isin... vs torch."""
import re

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, twins

X = np.random.default_rng(0).standard_normal((3, 4))


def outs(r):
    return list(r) if isinstance(r, tuple) else [r]


COPIES = [("expand_copy", lambda x: x[:1], ((2, 4),)), ("diagonal_copy", None, (1,)),
          ("alias_copy", None, ()), ("as_strided_copy", None, ((2, 2), (1, 2), 1)),
          ("narrow_copy", None, (1, 1, 2)), ("view_copy", None, ((6, 2),)),
          ("permute_copy", None, ((1, 0),)), ("split_copy", None, (2, 1)),
          ("split_with_sizes_copy", None, ([1, 2],)), ("unbind_copy", None, (1,)),
          ("unfold_copy", None, (1, 2, 1)), ("squeeze_copy", lambda x: x[:1], (0,)),
          ("unsqueeze_copy", None, (1,)), ("transpose_copy", None, (0, 1)),
          ("t_copy", None, ()), ("select_copy", None, (1, 2))]


@pytest.mark.parametrize("name,prep,args", COPIES, ids=[c[0] for c in COPIES])
def test_copy_variants(name, prep, args):
    (fx, tx) = twins(X, requires_grad=True)
    ti, fi = (prep(tx), prep(fx)) if prep else (tx, fx)
    tr, fr = getattr(torch, name)(ti, *args), getattr(flambeau, name)(fi, *args)
    assert_same(fr, tr)
    for t, f in zip(outs(tr), outs(fr)):
        assert f.is_contiguous() and f._base is None
        assert f.untyped_storage().data_ptr() != fx.untyped_storage().data_ptr()
        assert t.grad_fn.name() == f.grad_fn.name()
    w = np.arange(1, 1 + sum(t.numel() for t in outs(tr)), dtype=float)
    sum((t.reshape(-1) * torch.tensor(w[:t.numel()])).sum() for t in outs(tr)).backward()
    sum((f.reshape(-1) * flambeau.tensor(w[:f.numel()])).sum() for f in outs(fr)).backward()
    assert_same(fx.grad, tx.grad)


def test_copy_out():
    t, f = torch.empty(4, 3, dtype=torch.float64), flambeau.empty(4, 3, dtype=flambeau.float64)
    assert_same(flambeau.t_copy(twins(X)[0], out=f), torch.t_copy(twins(X)[1], out=t))


@pytest.mark.parametrize("name,shape,arg", [("hsplit", (3, 4), 2), ("hsplit", (6,), [1, 4]),
                                            ("vsplit", (4, 2), 2), ("dsplit", (2, 2, 4), [1]),
                                            ("hsplit", (3, 4), 3), ("vsplit", (4,), 2),
                                            ("hsplit", (), 1)])
def test_numpy_splits(name, shape, arg):
    a = np.arange(int(np.prod(shape)), dtype=float).reshape(shape)
    fx, tx = twins(a)
    try:
        expected = getattr(torch, name)(tx, arg)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=str(e).replace("(", r"\(").replace(")", r"\)")):
            getattr(flambeau, name)(fx, arg)
        return
    got = getattr(flambeau, name)(fx, arg)
    assert_same(got, expected)
    assert [t.stride() for t in expected] == [f.stride() for f in got]


@pytest.mark.parametrize("name", ["unsafe_split", "unsafe_chunk"])
def test_unsafe_split(name):
    fx, tx = twins(X, requires_grad=True)
    tr, fr = getattr(torch, name)(tx, 2, 1), getattr(flambeau, name)(fx, 2, 1)
    assert_same(fr, tr)
    assert [t.grad_fn.name() for t in tr] == [f.grad_fn.name() for f in fr]
    (tr[0] * 2).sum().backward(), (fr[0] * 2).sum().backward()
    assert_same(fx.grad, tx.grad)


def test_ravel_and_sum_to_size():
    fx, tx = twins(X, requires_grad=True)
    assert_same(fx.t().ravel(), tx.t().ravel())
    for size in [(1, 4), (4,), (3, 1), (1, 1), ()]:
        assert_same(fx.sum_to_size(size), tx.sum_to_size(size))
    fb, tb = twins(X > 0, "bool")
    assert_same(fb.sum_to_size(1, 4), tb.sum_to_size(1, 4))
    with pytest.raises(RuntimeError, match=r"size \{\[2\]\} is not expandable to size"):
        fx.sum_to_size(2)
    tx.sum_to_size(4).pow(2).sum().backward(), fx.sum_to_size(4).pow(2).sum().backward()
    assert_same(fx.grad, tx.grad)


def test_view_as_real_and_complex():
    c = X[:, :2] + 1j * X[:, 2:]
    fc, tc = twins(c, "complex128", requires_grad=True)
    tr, fr = torch.view_as_real(tc), flambeau.view_as_real(fc)
    assert_same(fr, tr)
    assert tr.stride() == fr.stride()
    fx, tx = twins(X)
    tv, fv = torch.view_as_complex(tx.view(3, 2, 2)), flambeau.view_as_complex(fx.view(3, 2, 2))
    assert_same(fv, tv)
    fv[0, 0] = 5 + 7j
    assert fx[0, 0].item() == 5 and fx[0, 1].item() == 7
    w = torch.tensor(X[:, :2].reshape(3, 2, 1).repeat(2, 2))
    (tr * w).sum().backward(), (fr * flambeau.tensor(w.numpy())).sum().backward()
    assert_same(fc.grad, tc.grad)
    fx, tx = twins(X, requires_grad=True)
    tz, fz = torch.view_as_complex(tx.view(3, 2, 2)), flambeau.view_as_complex(fx.view(3, 2, 2))
    assert tz.grad_fn.name() == fz.grad_fn.name()
    (tz * (1 + 2j)).real.sum().backward(), (fz * (1 + 2j)).real.sum().backward()
    assert_same(fx.grad, tx.grad)


@pytest.mark.parametrize("make", [lambda m: m.ones(3, 3), lambda m: m.ones(3, 2, dtype=m.int64),
                                  lambda m: m.ones(2, 3).t(), lambda m: m.ones(3, 3)[:, :2],
                                  lambda m: m.ones(7)[1:].view(3, 2)])
def test_view_as_complex_errors(make):
    with pytest.raises(RuntimeError) as expected:
        torch.view_as_complex(make(torch))
    with pytest.raises(RuntimeError, match=str(expected.value)):
        flambeau.view_as_complex(make(flambeau))


@pytest.mark.parametrize("fn", ["complex", "polar"])
def test_complex_and_polar(fn):
    (fa, ta), (fb, tb) = twins(X, requires_grad=True), twins(X[:1] * 2, requires_grad=True)
    tr, fr = getattr(torch, fn)(ta, tb), getattr(flambeau, fn)(fa, fb)
    assert_same(fr, tr)
    assert tr.grad_fn.name() == fr.grad_fn.name()
    w = X + 0.5j
    (tr * torch.tensor(w)).real.sum().backward(), (fr * flambeau.tensor(w)).real.sum().backward()
    assert_same(fa.grad, ta.grad), assert_same(fb.grad, tb.grad)
    for a, b in [("float32", "float64"), ("int64", "int64")]:
        with pytest.raises(RuntimeError) as e:
            getattr(torch, fn)(twins(X, a)[1], twins(X, b)[1])
        with pytest.raises(RuntimeError, match=str(e.value)):
            getattr(flambeau, fn)(twins(X, a)[0], twins(X, b)[0])


def test_resize():
    t, f = torch.arange(6.).clone(), flambeau.arange(6.)
    for size in [(2, 2), (3,), (2, 3)]:
        assert t.resize_(size) is t and f.resize_(size) is f
        assert_same(f, t)
        assert t.stride() == f.stride() and t._version == f._version
    f.resize_(3, 3)  # grown storage keeps the first 6 values
    np.testing.assert_array_equal(f.numpy().reshape(-1)[:6], np.arange(6.))
    assert_same(f.resize_as_(flambeau.ones(2, 2)), t.resize_as_(torch.ones(2, 2)))
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        flambeau.ones(2, requires_grad=True).resize_(3)


@pytest.mark.parametrize("size,stride,offset", [((2, 2), (1, 3), 0), ((2, 2), (1, 1), 0),
                                                 ((3,), (2,), 1)])
def test_as_strided_scatter(size, stride, offset):
    source = X.reshape(-1)[:np.prod(size)].reshape(size) * 3
    (fx, tx), (fs, ts) = (twins(a, requires_grad=True) for a in (X, source))
    tr = torch.as_strided_scatter(tx, ts, size, stride, offset)
    fr = flambeau.as_strided_scatter(fx, fs, size, stride, offset)
    assert_same(fr, tr)
    assert tr.grad_fn.name() == fr.grad_fn.name()
    (tr * tr).sum().backward(), (fr * fr).sum().backward()
    assert_same(fs.grad, ts.grad)
    assert_same(fx.grad, tx.grad)


def test_as_strided_scatter_overlap():
    (fx, tx), (fs, ts) = twins(X), twins(X[:2, :2])
    with pytest.raises(RuntimeError) as e:
        torch.as_strided_scatter(tx, ts, (2, 2), (0, 2), 1)
    with pytest.raises(RuntimeError, match=re.escape(str(e.value))):
        flambeau.as_strided_scatter(fx, fs, (2, 2), (0, 2), 1)


def test_creation():
    t, f = torch.empty_permuted((2, 3, 4), (0, 2, 1)), flambeau.empty_permuted((2, 3, 4), (0, 2, 1))
    assert t.shape == f.shape and t.stride() == f.stride()
    t, f = twins(X)[1].new_empty_strided((2, 3), (1, 2)), twins(X)[0].new_empty_strided((2, 3), (1,
                                                                                                 2))
    assert t.stride() == f.stride() and str(f.dtype) == "flambeau.float64"
    for layout in [(0, 2), (0, 2, 2)]:
        with pytest.raises(RuntimeError) as e:
            torch.empty_permuted((2, 3, 4), layout)
        with pytest.raises(RuntimeError, match=str(e.value).replace("(", r"\(")
                           .replace(")", r"\)")):
            flambeau.empty_permuted((2, 3, 4), layout)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    (fx, tx), (fs, ts) = twins(X, requires_grad=True), twins(np.round(X[:, [0, 1, 2, 0]], 1),
                                                             requires_grad=True)
    ti, fi = torch.tensor([0, 3, 0, 1]), flambeau.tensor([0, 3, 0, 1])
    tr = torch.index_reduce(tx, 1, ti, ts, reduce, include_self=include_self)
    fr = flambeau.index_reduce(fx, 1, fi, fs, reduce, include_self=include_self)
    assert_same(fr, tr)
    assert tr.grad_fn.name() == fr.grad_fn.name()
    (tr * torch.tensor(X)).sum().backward(), (fr * flambeau.tensor(X)).sum().backward()
    assert_same(fx.grad, tx.grad), assert_same(fs.grad, ts.grad)
    t2, f2 = twins(X)[1], twins(X)[0]
    assert_same(f2.index_reduce_(1, fi, fs.detach(), reduce), t2.index_reduce_(1, ti, ts.detach(),
                                                                               reduce))


def test_index_reduce_errors():
    cases = [lambda m, x: m.index_reduce(x, 0, m.tensor([0]), x[:1], "sum"),
             lambda m, x: m.index_reduce(x, 0, m.tensor([0.]), x[:1], "prod"),
             lambda m, x: m.index_reduce(x, 0, m.tensor([0]), x[:1].float(), "prod")]
    for case in cases:
        with pytest.raises(RuntimeError) as e:
            case(torch, twins(X)[1])
        with pytest.raises(RuntimeError, match=str(e.value).replace("(", r"\(")
                           .replace(")", r"\)")):
            case(flambeau, twins(X)[0])


def test_unravel_index():
    for idx, shape in [([5, -1, 11, 13], (3, 4)), (7, (2, 2, 2)), ([[0, 3]], 4)]:
        t, f = torch.unravel_index(torch.tensor(idx), shape), \
            flambeau.unravel_index(flambeau.tensor(idx), shape)
        assert isinstance(f, tuple)
        assert_same(f, t)
    with pytest.raises(TypeError, match="expected 'indices' to be integer dtype"):
        flambeau.unravel_index(flambeau.tensor(1.), (3,))


def test_isin():
    a, b = np.array([[1, 2, 3], [4, 5, 2]]), np.array([2, 5, 7])
    for invert in [False, True]:
        assert_same(flambeau.isin(flambeau.tensor(a), flambeau.tensor(b), invert=invert),
                    torch.isin(torch.tensor(a), torch.tensor(b), invert=invert))
    assert_same(flambeau.isin(flambeau.tensor(a), 2), torch.isin(torch.tensor(a), 2))
    assert_same(flambeau.isin(2, flambeau.tensor(b)), torch.isin(2, torch.tensor(b)))
    assert_same(flambeau.isin(flambeau.tensor(a), flambeau.tensor([2., 3.5])),
                torch.isin(torch.tensor(a), torch.tensor([2., 3.5])))
    with pytest.raises(RuntimeError, match="Unsupported input type encountered for isin"):
        flambeau.isin(flambeau.tensor(a), flambeau.tensor([True]))


# torch's methods take a list of ints also spread out (x.flip(0, 1)); its functions do not
SPREAD_CALLS = [
    "x.flip(0, 1)", "x.flip(1)", "x.flip((0, 2))", "x.flip(torch.tensor(1))", "flip(x, [1])",
    "flip(x, 1)", "flip(x, 0, 1)", "x.flip(dims=(1,))",
    "x.permute(2, 0, 1)", "x.permute([2, 0, 1])", "permute(x, (1, 0, 2))", "permute(x, 1)",
    "x.tile(2, 1)", "x.tile(2)", "x.tile((2,))", "tile(x, (2, 1))", "tile(x, 2)",
    "x.reshape(6, -1)", "x.reshape(-1)", "x.reshape((4, 6))", "reshape(x, [24])",
    "reshape(x, 24)", "reshape(x, 4, 6)",
    "x.squeeze(0, 1)", "x[:1].squeeze(0)", "squeeze(x[:1], (0, 1))",
    "x.count_nonzero(0, 1)", "x.count_nonzero(0)",
    "x.hsplit(1, 2)", "x.hsplit(3)", "x.vsplit(1)", "x.dsplit(1, 3)", "x.dsplit(2)",
]


@pytest.mark.parametrize("call", SPREAD_CALLS)
def test_int_lists_spread_in_methods_only(call):
    def run(lib):
        x = lib.arange(24.0).reshape(2, 3, 4)
        return eval(call, {"x": x, "torch": lib, **{n: getattr(lib, n) for n in
                                                     ("flip", "permute", "tile", "reshape",
                                                      "squeeze")}})
    try:
        theirs = run(torch)
    except Exception:
        raises_like(lambda: run(flambeau), lambda: run(torch))
        return
    assert_same(run(flambeau), theirs)
