"""Indexing (getitem / setitem) and the gather / scatter / mask family, compared with torch."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, random_twins, twins

SHAPE = (3, 4, 5)
I = "IDX"  # index tensors are built for each library from these lists

# keys written with `T(...)` for index tensors, so that each library gets its own
GETITEM_KEYS = [
    "1", "-1", "slice(1, 3)", "slice(None, None, 2)", "slice(10, 20)", "None", "Ellipsis",
    "(1, 2)", "(1, slice(1, 3))", "(slice(1, 3), 1)", "(Ellipsis, 1)", "(1, Ellipsis, None)",
    "(slice(None), None, 2)", "(slice(1, 3), None, 2)", "(None, None, 1)", "(slice(None),)",
    "(slice(None), slice(None))", "(1, slice(None))",
    "True", "False", "[0, 2]", "[]", "[True, False, True]", "np.array([0, 2])",
    "T([0, 2, 2])", "T([[0, 1], [2, 0]])", "T(1)", "T([True, False, True])",
    "(slice(None), T([0, 3]), T([1, 4]))",             # adjacent advanced: stay in place
    "(T([0, 2]), slice(None), T([1, 4]))",             # separated by a slice: moved first
    "(0, slice(None), [1, 2])",                        # int applied first (torch, not NumPy)
    "(T([0, 1]), Ellipsis, None)", "(T([[True] * 4] * 3),)", "(1, [True, False, True, False])",
    "(T([0, 2]), 1)", "(None, T([0, 2]), slice(1, 3))",
]


def T(data, lib):
    return lib.tensor(data)


def make_key(expr, lib):
    return eval(expr, {"np": np, "T": lambda d: T(d, lib), "Ellipsis": Ellipsis})


@pytest.mark.parametrize("expr", GETITEM_KEYS)
def test_getitem(expr):
    f, t = random_twins(SHAPE, "float64", requires_grad=True)
    rt, rf = t[make_key(expr, torch)], f[make_key(expr, flambeau)]
    assert_same(rf, rt)
    assert rf.grad_fn.name() == rt.grad_fn.name()
    if rt._base is not None and rt.numel():  # a view: same strides and offset
        assert rf.stride() == rt.stride() and rf.storage_offset() == rt.storage_offset()
    else:
        assert rf.is_contiguous()
    g = np.random.default_rng(1).standard_normal(tuple(rt.shape))
    (gt,) = torch.autograd.grad(rt, t, torch.from_numpy(g))
    (gf,) = flambeau.autograd.grad(rf, f, flambeau.from_numpy(g))
    assert_same(gf, gt)


def test_getitem_double_backward():
    f, t = random_twins((4, 3), "float64", requires_grad=True)
    results = []
    for lib, x in ((torch, t), (flambeau, f)):
        y = (x[lib.tensor([0, 0, 2])] ** 2).sum() + (x[1:3, 1] ** 3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append(gg)
    assert_same(results[1], results[0])


SETITEM = [("1", "scalar"), ("slice(1, 3)", (4, 5)), ("(Ellipsis, 2)", (4,)), ("None", (5,)),
           ("(1, slice(None), [1, 3])", (4, 1)), ("[0, 2]", (1, 4, 5)), ("[True, False, True]",
                                                                         (5,)),
           ("(T([0, 2]), slice(None), T([1, 4]))", (2, 4)), ("(slice(None), 1, 2)", "scalar"),
           ("T(1)", (1, 1, 5)), ("Ellipsis", (5,)), ("T([0, 0])", (4, 5))]


@pytest.mark.parametrize("expr,value_shape", SETITEM)
def test_setitem(expr, value_shape):
    f0, t0 = random_twins(SHAPE, "float64", requires_grad=True)
    scalar = value_shape == "scalar"
    vf, vt = (2.5, 2.5) if scalar else random_twins(value_shape, "float64", 3, True)
    results = []
    for lib, x0, v in ((torch, t0, vt), (flambeau, f0, vf)):
        x = x0 * 1
        version = x._version
        x[make_key(expr, lib)] = v
        assert x._version > version
        g = lib.from_numpy(np.random.default_rng(1).standard_normal(SHAPE))
        inputs = (x0,) if scalar else (x0, v)
        results.append((x, x.grad_fn, lib.autograd.grad(x, inputs, g)))
    (xt, nt, gt), (xf, nf, gf) = results
    assert_same(xf, xt)
    assert type(nf).__name__ == type(nt).__name__
    for a, b in zip(gf, gt):
        assert_same(a, b)


def test_setitem_casts_and_broadcasts():
    f, t = twins(np.random.default_rng(0).integers(-20, 20, (2, 3)))
    for x, lib in ((t, torch), (f, flambeau)):
        x[0] = 2.7
        x[1, 1:] = lib.tensor([[7.9, -1.2]])
        x[x > 5] = -1
    assert_same(f, t)


def test_views_share_storage():
    f, t = random_twins((4, 3), "float64")
    for x in (t, f):
        v = x[1:3]
        v[0, 0] = 100.0
        v[:, 2] = -5.0
        x[None, 3][0, 1] = 7.0
    assert_same(f, t)
    assert f[1:3].untyped_storage().data_ptr() == f.untyped_storage().data_ptr()
    assert f[1:3]._version == f._version


# ---- the gather / scatter / index / mask family ----------------------------------------------

idx = np.array([[0, 1, 2, 0], [2, 0, 0, 1]])
vec = np.array([2, 0, 2])
mask = np.random.default_rng(5).standard_normal((3, 4)) > 0


def L(lib, a, dtype=None):
    return lib.tensor(a) if dtype is None else lib.tensor(a, dtype=getattr(lib, dtype))


# (name, call(lib, x, y) where x is (3, 4) and y a (2, 4) source, differentiable in x and y)
FAMILY = [
    ("gather", lambda lib, x, y: x.gather(0, L(lib, idx[:, :3])) * 1),
    ("gather1", lambda lib, x, y: lib.gather(x, 1, L(lib, idx[:, :3]))),
    ("scatter", lambda lib, x, y: x.scatter(0, L(lib, idx[:, :3] % 3), y[:, :3] * 1)),
    ("scatter_value", lambda lib, x, y: x.scatter(1, L(lib, idx[:, :3]), 1.5)),
    ("scatter_add", lambda lib, x, y: x.scatter_add(0, L(lib, idx), y)),
    ("index_select", lambda lib, x, y: x.index_select(0, L(lib, vec))),
    ("index_select1", lambda lib, x, y: lib.index_select(x, 1, L(lib, [3, 3, 0]))),
    ("index_add", lambda lib, x, y: x.index_add(0, L(lib, [2, 2]), y, alpha=2)),
    ("index_copy", lambda lib, x, y: x.index_copy(0, L(lib, [2, 0]), y)),
    ("index_fill", lambda lib, x, y: x.index_fill(1, L(lib, [1, 3]), -2.0)),
    ("index_fill_tensor", lambda lib, x, y: x.index_fill(1, L(lib, [1, 3]), y[0, 0])),
    ("index_put", lambda lib, x, y: x.index_put((L(lib, [0, 2]),), y)),
    ("index_put_acc", lambda lib, x, y: x.index_put((L(lib, [2, 2]), L(lib, [1, 1])), y[0, :2],
                                                    accumulate=True)),
    ("masked_fill", lambda lib, x, y: x.masked_fill(L(lib, mask), 3.0)),
    ("masked_fill_tensor", lambda lib, x, y: x.masked_fill(L(lib, mask), y[1, 1])),
    ("masked_fill_bcast", lambda lib, x, y: x.masked_fill(L(lib, mask[:1]), 3.0)),
    ("masked_scatter", lambda lib, x, y: x.masked_scatter(L(lib, mask), y)),
    ("masked_select", lambda lib, x, y: x.masked_select(L(lib, mask))),
    ("masked_select_bcast", lambda lib, x, y: lib.masked_select(y, L(lib, mask[:2, None, :])
                                                                .expand(2, 2, 4))),
    ("take", lambda lib, x, y: x.take(L(lib, [[0, -1], [5, 5]]))),
    ("take_along_dim", lambda lib, x, y: lib.take_along_dim(x, L(lib, [[0], [3], [1]]), 1)),
    ("take_along_dim_wrap", lambda lib, x, y: lib.take_along_dim(x, L(lib, [[-1], [4], [-9]]),
                                                                1)),
    ("take_along_dim_flat", lambda lib, x, y: lib.take_along_dim(x, L(lib, [3, 3, 11]))),
    ("put", lambda lib, x, y: x.put(L(lib, [0, 5, 11]), y[0, :3])),
    ("put_acc", lambda lib, x, y: x.put(L(lib, [5, 5, 1]), y[1, :3], accumulate=True)),
    ("where", lambda lib, x, y: lib.where(L(lib, mask), x, y[:1])),
    ("where_scalar", lambda lib, x, y: lib.where(L(lib, mask), x, 0.5)),
    ("where_method", lambda lib, x, y: x.where(L(lib, mask), y[1])),
    ("select_scatter", lambda lib, x, y: x.select_scatter(y[0], 0, -1)),
    ("slice_scatter", lambda lib, x, y: lib.slice_scatter(x, y * 1, 0, 0, None, 2)),
    ("diagonal_scatter", lambda lib, x, y: x.diagonal_scatter(y[0, :3], 1)),
] + [(f"scatter_reduce_{r}_{s}", lambda lib, x, y, r=r, s=s: x.scatter_reduce(
    0, L(lib, idx), y, r, include_self=s)) for r in ("sum", "prod", "mean", "amax", "amin")
    for s in (True, False)]


@pytest.mark.parametrize("name,call", FAMILY, ids=[n for n, _ in FAMILY])
def test_family(name, call):
    (xf, xt), (yf, yt) = (random_twins(shape, "float64", seed, True)
                          for shape, seed in (((3, 4), 0), ((2, 4), 2)))
    if "amax" in name or "amin" in name or "prod" in name:  # ties and zeros take special paths
        for x in (xt, xf, yt, yf):
            x.data[0, 0] = 0.0
        for y in (yt, yf):
            y.data[1, 1] = y.data[0, 1]
    rt, rf = call(torch, xt, yt), call(flambeau, xf, yf)
    assert_same(rf, rt)
    assert rf.grad_fn.name() == rt.grad_fn.name()
    g = np.random.default_rng(1).standard_normal(tuple(rt.shape))
    gt = torch.autograd.grad(rt, (xt, yt), torch.from_numpy(g), allow_unused=True)
    gf = flambeau.autograd.grad(rf, (xf, yf), flambeau.from_numpy(g), allow_unused=True)
    for a, b in zip(gf, gt):
        assert (a is None) == (b is None)
        if b is not None:
            assert_same(a, b)


INPLACE = [("scatter_", (0, "I", "Y")), ("scatter_add_", (0, "I", "Y")),
           ("index_add_", (0, "V2", "Y")), ("index_fill_", (1, "V2", 4.0)),
           ("masked_fill_", ("M", -1.0)), ("index_put_", (("V2",), "Y")),
           ("put_", ("V2", "Y0")), ("masked_scatter_", ("M", "Y"))]


@pytest.mark.parametrize("name,args", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace(name, args):
    def build(lib, y):
        table = {"I": L(lib, idx[:, :3] % 2), "Y": y[:, :3] if name.startswith("scatter") else y,
                 "V2": L(lib, [2, 0]), "M": L(lib, mask), "Y0": y[0, :2]}
        return [tuple(table[e] for e in a) if isinstance(a, tuple) else table.get(a, a)
                if isinstance(a, str) else a for a in args]
    (xf, xt), (yf, yt) = random_twins((3, 4), "float64"), random_twins((2, 4), "float64", 2)
    for lib, x, y in ((torch, xt, yt), (flambeau, xf, yf)):
        version = x._version
        assert getattr(x, name)(*build(lib, y)) is x
        assert x._version > version
    assert_same(xf, xt)


def test_where_promotion_and_nonzero():
    ct, cf = torch.tensor([[True, False], [False, True]]), flambeau.tensor([[True, False],
                                                                            [False, True]])
    it, i_f = torch.arange(4).reshape(2, 2), flambeau.arange(4).reshape(2, 2)
    for args in [(1, 2.0), (1, 2), (True, 0)]:
        assert_same(flambeau.where(cf, *args), torch.where(ct, *args))
    assert_same(flambeau.where(cf, i_f, 2.5), torch.where(ct, it, 2.5))
    assert_same(flambeau.where(cf, i_f.int(), 2), torch.where(ct, it.int(), 2))
    assert_same(flambeau.where(cf, i_f.float(), i_f), torch.where(ct, it.float(), it))
    for x, y in ((torch.tensor([[0, 3], [0, 0], [1, 0]]), None), (torch.tensor(5), None),
                 (torch.tensor(0.0), None)):
        z = flambeau.from_numpy(x.numpy())
        assert_same(flambeau.nonzero(z), torch.nonzero(x))
        assert_same(flambeau.argwhere(z), torch.argwhere(x))
        assert_same(flambeau.nonzero_static(z, size=2), torch.nonzero_static(x, size=2))
        for a, b in zip(flambeau.nonzero(z, as_tuple=True), torch.nonzero(x, as_tuple=True)):
            assert_same(a, b)
        for a, b in zip(flambeau.where(z != 0), torch.where(x != 0)):
            assert_same(a, b)


# ---- errors: type and message as torch's ---------------------------------------------------

ERRORS = [
    "x[5]", "x[-4]", "x[0, 0, 0, 0]", "x[::-1]", "x[::0]", "x[1.5]", "x[T([1.0])]",
    "x[T([5])]", "x[0, [7]]", "x[T([0, 1]), T([0, 1, 2])]", "x[T([True, False])]",
    "s[0]", "v[0, 0]",
    "x.gather(0, T([[0]]).float())", "x.gather(0, T([[5]]))", "x.gather(0, T([0]))",
    "x.gather(0, T([[0, 0, 0, 0, 0, 0]]))",
    "x.index_select(0, T([5]))", "x.index_select(0, T([1.0]))", "x.index_select(0, T([[1]]))",
    "x.index_select(1, T([0, 7, -1]))", "x.index_select(2, T([2, -7]).int())",
    "lib.zeros(3, 0).index_select(1, T([0]))", "lib.zeros(0, 2).index_select(0, T([-1]))",
    "lib.zeros(2, 0).index_select(0, T([5]))", "lib.zeros(0).index_select(0, T([0]))",
    "x[T([0, -4])]", "x[T([[1], [3]])]", "x.gather(2, T([[[0, -1]]]).expand(3, 4, 2))",
    "x.take_along_dim(T([-61]))",
    "x.take(T([60]))", "x.take(T([1]).int())",
    "x.scatter(0, T([[5]]), 1.0)", "x.scatter(0, T([[0]]), T([[1]]))",
    "x.scatter_reduce(0, T([[0]]), x, 'foo')",
    "x.index_add(0, T([1.0]), x[:1])", "x.index_add(0, T([4]), x[:1])",
    "x.index_add(0, T([0]), T([[[1]]]))",
    "x.index_copy(0, T([4]), x[:1])", "x.index_copy(0, T([1]).int(), x[:1])",
    "x.index_fill(0, T([4]), 1)", "x.index_fill(0, T([1]).int(), 1)",
    "x.index_put((T([4]),), T(1.0))", "x.index_put((T([0]),), T(1))",
    "x.masked_fill(T([1, 0, 1, 0, 1]), 0.0)", "x.masked_fill(x > 0, T([1.0]))",
    "x.masked_scatter(x > -10, x[:1, :1])", "x.take_along_dim(T([[[1]]]).int(), 0)",
    "lib.where(T([1]), x, x)", "lib.where(T([True, False]), v, 1.0)",
    "x.put_(T([100]), T([1.0]))", "i.__setitem__([0], T(2.5))",
    "i.__setitem__([0, 1], T([1, 1]))", "v.__setitem__(slice(1, None), T([1.0, 2.0, 3.0]))",
    "v.__setitem__(0, [1, 2])", "x.masked_select(x.long())", "x.masked_fill(x.int(), 1)",
    "x.masked_fill(x, 1)", "x.masked_fill(x > 0, 1j)", "x.masked_scatter(x.long(), x)",
    "leaf.__setitem__(0, 1.0)", "leaf.__setitem__(Ellipsis, 1.0)", "leaf.__setitem__([0], 1.0)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors(expr):
    found = []
    for lib in (torch, flambeau):
        env = {"lib": lib, "T": lambda d, lib=lib: lib.tensor(d),
               "x": lib.zeros(3, 4, 5), "s": lib.tensor(3.0), "v": lib.zeros(3),
               "i": lib.zeros(2, 3, dtype=lib.int64), "leaf": lib.zeros(3, requires_grad=True)}
        with pytest.raises(Exception) as info:
            eval(expr, env)
        found.append((type(info.value), str(info.value).replace("flambeau.", "torch.")))
    assert found[1] == found[0]


@pytest.mark.parametrize("shape,dim,index_shape", [
    ((40, 30), 1, (40, 12)), ((40, 30), 0, (35, 30)), ((6, 7, 8), 1, (5, 9, 8)),
    ((6, 7, 8), 2, (6, 7, 8)), ((600,), 0, (700,)), ((8, 8), 1, (8, 2)),
    ((3, 1, 4), 0, (2, 1, 3))])
@pytest.mark.parametrize("expanded", [None, "first", "dim"])
def test_gather_large(shape, dim, index_shape, expanded):
    """gather through flat offsets (of contiguous inputs) matches torch, with gradients; an
    index broadcast along ``dim`` is gathered once per distinct column."""
    g = torch.Generator().manual_seed(1)
    t = torch.randn(shape, dtype=torch.float64, generator=g)
    if expanded:  # a broadcast index: stride 0 along its first dim or along dim
        along = 0 if expanded == "first" else dim
        base = index_shape[:along] + (1,) + index_shape[along + 1:]
        idx = torch.randint(0, shape[dim], base, generator=g).expand(index_shape)
    else:
        idx = torch.randint(0, shape[dim], index_shape, generator=g)
    x = flambeau.tensor(t.numpy(), requires_grad=True)
    out = x.gather(dim, flambeau.tensor(idx.numpy()).expand(index_shape))
    t.requires_grad_()
    expected = t.gather(dim, idx)
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    w = torch.randn(index_shape, dtype=torch.float64, generator=g)
    out.backward(flambeau.tensor(w.numpy()))
    expected.backward(w)
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("name", ["gather", "scatter"])
@pytest.mark.parametrize("bad", [-1, 3])
def test_gather_scatter_index_out_of_range(name, bad):
    """Negative indices are out of range (no wrapping), with torch's message."""
    idx = [[0, bad], [1, 0]]
    for m in (torch, flambeau):
        a = m.zeros(2, 3)
        call = (lambda: a.gather(1, m.tensor(idx))) if name == "gather" else \
            (lambda: a.scatter(1, m.tensor(idx), 1.0))
        with pytest.raises(RuntimeError) as info:
            call()
        if m is torch:
            message = str(info.value)
        else:
            assert str(info.value) == message
