"""Sparse COO tensors compared with torch's: construction, printing, coalescing, conversion,
arithmetic, products with dense matrices and their gradients, embedding gradients and their
accumulation, serialization both ways, and torch's errors."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, in_both, raises_like

warnings.filterwarnings("ignore", "Sparse invariant checks", UserWarning)

INDICES = [[0, 1, 1, 0], [2, 0, 2, 2]]
VALUES = [3., 4., 5., -1.]


def assert_same_sparse(ours, theirs, atol=1e-6):
    assert ours.is_sparse and theirs.is_sparse
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.is_coalesced() == theirs.is_coalesced()
    assert ours.sparse_dim() == theirs.sparse_dim() and ours.dense_dim() == theirs.dense_dim()
    np.testing.assert_array_equal(ours._indices().numpy(), theirs._indices().numpy())
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    np.testing.assert_allclose(ours._values().detach().numpy(),
                               theirs._values().detach().numpy(), atol=atol, rtol=1e-6)


def example(lib, **kwargs):
    return lib.sparse_coo_tensor(INDICES, VALUES, (2, 3), **kwargs)


@pytest.mark.parametrize("make", [
    example,
    lambda lib: example(lib, requires_grad=True),
    lambda lib: example(lib, dtype=lib.float64),
    lambda lib: lib.sparse_coo_tensor(INDICES, VALUES),
    lambda lib: lib.sparse_coo_tensor([[0, 3]], [[1, 2], [3, 4]], (5, 2)),
    lambda lib: lib.sparse_coo_tensor(lib.zeros(2, 0, dtype=lib.int64), lib.zeros(0), (2, 3)),
    lambda lib: lib.sparse_coo_tensor([[1]], [7.]),
    lambda lib: lib.sparse_coo_tensor([[0]], 5.),
    lambda lib: lib.sparse_coo_tensor([[0, 2]], [1., 2.], (3,), check_invariants=True,
                                      is_coalesced=True),
    lambda lib: example(lib).coalesce(),
    lambda lib: lib.tensor([[0., 1.5], [2., 0.]]).to_sparse(),
    lambda lib: lib.tensor([[0., 1.5], [0., 0.]]).to_sparse(1),
    lambda lib: lib.tensor([[0, 1], [2, 0]]).to_sparse(),
    lambda lib: lib.sparse.FloatTensor(lib.tensor([[0, 2]]), lib.tensor([1., 2.]),
                                       lib.Size([4])),
])
def test_made_and_printed_as_torch(make, as_torch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = in_both(make)
    assert_same_sparse(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert repr(ours.layout) == repr(theirs.layout) == "torch.sparse_coo"
    assert ours._nnz() == theirs._nnz() and ours.requires_grad == theirs.requires_grad
    assert isinstance(ours, flambeau.Tensor) and ours.dtype == getattr(flambeau, str(
        theirs.dtype).split(".")[1])


def test_dense_conversions_and_queries():
    ours, theirs = in_both(example)
    assert_same(ours.to_dense(), theirs.to_dense())
    assert_same_sparse(ours.coalesce(), theirs.coalesce())
    assert_same(ours.coalesce().indices(), theirs.coalesce().indices())
    assert_same(ours.coalesce().values(), theirs.coalesce().values())
    assert not ours.is_contiguous() and ours.is_sparse and not flambeau.ones(1).is_sparse
    assert (ours.dim(), ours.numel(), tuple(ours.size())) == (2, 6, (2, 3))
    dense = in_both(lambda lib: lib.tensor([[0., 2.], [3., 0.]]))
    assert dense[0].to_dense() is dense[0]
    assert (dense[0].sparse_dim(), dense[0].dense_dim()) == (0, 2)


@pytest.mark.parametrize("call", [
    lambda lib: example(lib).indices(),
    lambda lib: example(lib).values(),
    lambda lib: lib.ones(2).is_coalesced(),
    lambda lib: lib.ones(2).coalesce(),
    lambda lib: lib.ones(2).indices(),
    lambda lib: lib.ones(2).values(),
    lambda lib: lib.ones(2).to_sparse(3),
    lambda lib: example(lib).to_sparse(1),
    lambda lib: example(lib).numpy(),
    lambda lib: example(lib) + 1,
    lambda lib: example(lib) + lib.ones(2, 3),
    lambda lib: lib.sparse_coo_tensor([[0, 3]], [1., 2.], (3,), check_invariants=True),
    lambda lib: lib.sparse_coo_tensor([[0, -1]], [1., 2.], (3,), check_invariants=True),
    lambda lib: lib.sparse_coo_tensor([[0, 1]], [1., 2., 3.], (3,)),
    lambda lib: lib.sparse_coo_tensor([0, 1], [1., 2.], (3,)),
    lambda lib: lib.sparse_coo_tensor([[0, 1]], [1., 2.], (3, 2)),
    lambda lib: lib.sparse_coo_tensor([[0, 1]], [[1.], [2.]], (3, 2)),
    lambda lib: lib.sparse_coo_tensor([[0, 1]], 5., (3,)),
    lambda lib: lib.sparse_coo_tensor(lib.zeros(1, 2, 2, dtype=lib.int64), [1., 2.], (1,)),
    lambda lib: lib.sparse_coo_tensor(lib.zeros(1, 0, dtype=lib.int64), lib.zeros(0), (-2,)),
    lambda lib: lib.sparse_coo_tensor([[0, 0]], [1., 2.], (1,), check_invariants=True,
                                      is_coalesced=True),
    lambda lib: lib.sparse_coo_tensor([[1, 0]], [1., 2.], (2,), check_invariants=True,
                                      is_coalesced=True),
    lambda lib: lib.sparse.mm(example(lib), lib.ones(2, 2)),
    lambda lib: lib.sparse.mm(example(lib), lib.ones(3, 2, dtype=lib.float64)),
    lambda lib: lib.mm(example(lib), lib.ones(2, 2)),
])
def test_errors_as_torch(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))


def test_dense_ops_on_sparse_raise_not_implemented():
    for call in (lambda s: s.exp(), lambda s: s.view(6), lambda s: flambeau.relu(s),
                 lambda s: s[0]):
        with pytest.raises(NotImplementedError, match="SparseCPU"):
            call(example(flambeau))


@pytest.mark.parametrize("op", [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a.add(b, alpha=2.5),
    lambda a, b: a.coalesce() + b.coalesce(),
    lambda a, b: a.coalesce() + b,
    lambda a, b: a + b.coalesce(),
    lambda a, b: a + a,
    lambda a, b: a * 2,
    lambda a, b: 3 * a,
    lambda a, b: a / 4,
    lambda a, b: -a,
    lambda a, b: a.double(),
    lambda a, b: a.clone(),
    lambda a, b: a.clone().zero_(),
    lambda a, b: a.clone().mul_(2),
    lambda a, b: a.clone().add_(b),
])
def test_arithmetic_as_torch(op):
    def run(lib):
        a = lib.sparse_coo_tensor([[0, 1, 0, 3]], [[1., 2.], [3., 4.], [5., 6.], [7., 8.]],
                                  (4, 2))
        b = lib.sparse_coo_tensor([[2, 1]], [[10., 20.], [30., 40.]], (4, 2))
        return op(a, b)
    assert_same_sparse(*in_both(run))


@pytest.mark.parametrize("dim", [None, 0, 1, 2, (0, 1), (0, 2), (1, 2), -1])
def test_sum_and_its_gradient_as_torch(dim):
    def run(lib):
        s = lib.sparse_coo_tensor([[0, 1, 1, 0], [2, 0, 2, 2]], lib.arange(8.).view(4, 2),
                                  (2, 3, 2), requires_grad=True)
        out = lib.sparse.sum(s) if dim is None else lib.sparse.sum(s, dim)
        dense = out.to_dense() if out.is_sparse else out
        (dense * lib.arange(float(dense.numel())).view(dense.shape)).sum().backward()
        return out, s.grad
    (out, grad), (out_t, grad_t) = in_both(run)
    if out_t.is_sparse:
        assert_same_sparse(out, out_t)
    else:
        assert_same(out, out_t)
    assert_same_sparse(grad, grad_t)


@pytest.mark.parametrize("product", [
    lambda lib, s, x: lib.sparse.mm(s, x),
    lambda lib, s, x: lib.spmm(s, x),
    lambda lib, s, x: lib.mm(s, x),
    lambda lib, s, x: s @ x,
    lambda lib, s, x: lib.matmul(s, x),
])
@pytest.mark.parametrize("coalesced", [False, True])
def test_sparse_dense_product_and_gradients_as_torch(product, coalesced):
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(5, 3))
    g0 = rng.normal(size=(4, 3))
    ind = np.stack([rng.integers(0, 4, 12), rng.integers(0, 5, 12)])
    val = rng.normal(size=12)

    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor(ind), lib.tensor(val), (4, 5))
        s = (s.coalesce() if coalesced else s).requires_grad_()
        x = lib.tensor(x0, requires_grad=True)
        out = product(lib, s, x)
        out.backward(lib.tensor(g0))
        return out, x.grad, s.grad
    (out, gx, gs), (out_t, gx_t, gs_t) = in_both(run)
    assert out.grad_fn.name() == out_t.grad_fn.name()
    assert_same(out, out_t, atol=1e-12)
    assert_same(gx, gx_t, atol=1e-12)
    if gs_t.is_sparse:
        assert_same_sparse(gs, gs_t, atol=1e-12)
    else:
        assert not gs.is_sparse
        assert_same(gs, gs_t, atol=1e-12)


def test_gradients_through_constructor_values_to_dense_and_coalesce():
    def run(lib):
        v = lib.tensor([1., 2., 3.], requires_grad=True)
        s = lib.sparse_coo_tensor([[0, 1, 0], [0, 1, 2]], v, (3, 3))
        (lib.sparse.mm(s, lib.arange(6.).view(3, 2)).sum() + (s.to_dense() * 2).sum() +
         (s.coalesce().to_dense() ** 2).sum()).backward()
        leaf = lib.sparse_coo_tensor([[0, 1, 0]], [1., 2., 3.], (3,), requires_grad=True)
        leaf.to_dense().backward(lib.tensor([1., 2., 3.]))
        dense = lib.tensor([[0., 1.], [2., 0.]], requires_grad=True)
        (dense.to_sparse() * 3).to_dense().sum().backward()
        return v.grad, leaf.grad, dense.grad
    (v, leaf, dense), (v_t, leaf_t, dense_t) = in_both(run)
    assert_same(v, v_t)
    assert_same_sparse(leaf, leaf_t)
    assert_same(dense, dense_t)


def embedding_grad(lib, calls, **kwargs):
    """The weight's gradient after ``calls``: [(indices, how the output is reduced)...],
    each a backward pass of its own, or one pass for a list inside a tuple."""
    weight = lib.tensor(np.arange(12.).reshape(6, 2) / 7, requires_grad=True)
    for group in calls:
        total = 0
        for idx, scale in group:
            out = lib.nn.functional.embedding(lib.tensor(idx), weight, sparse=True, **kwargs)
            total = total + (out * scale).pow(2).sum()
        total.backward()
    return weight.grad


@pytest.mark.parametrize("calls,kwargs", [
    ([[([[1, 2], [1, 4]], 1)]], {}),
    ([[([1, 2], 1)], [([0, 1, 5], 2)]], {}),  # accumulated over two backward passes
    ([[([3, 1], 1), ([0], 10)]], {}),  # two lookups in one pass
    ([[([3, 1, 1], 1)]], {"padding_idx": 1}),
    ([[([1, 1], 1)]], {"padding_idx": 1}),
])
def test_embedding_sparse_gradient_as_torch(calls, kwargs):
    assert_same_sparse(*in_both(lambda lib: embedding_grad(lib, calls, **kwargs)))


def test_embedding_sparse_gradient_of_a_broadcast_sum_as_torch():
    def run(lib):
        w = lib.tensor(np.arange(10.).reshape(5, 2), requires_grad=True)
        f = lib.nn.functional.embedding
        (f(lib.tensor([3, 1]), w, sparse=True) + f(lib.tensor([0]), w, sparse=True)).sum() \
            .backward()
        return w.grad
    assert_same_sparse(*in_both(run))


def test_sparse_then_dense_gradients_accumulate_as_torch():
    def run(lib, dense_first):
        w = lib.ones(4, 2, requires_grad=True)
        passes = [lambda: (w * 3).sum().backward(),
                  lambda: lib.nn.functional.embedding(lib.tensor([2]), w, sparse=True)
                  .sum().backward()]
        for p in (passes if dense_first else passes[::-1]):
            p()
        return w.grad
    for dense_first in (True, False):
        ours, theirs = run(flambeau, dense_first), run(torch, dense_first)
        assert not ours.is_sparse and not theirs.is_sparse
        assert_same(ours, theirs)


def test_second_sparse_gradient_merges_into_the_first_in_place():
    def run(lib):
        emb = lib.nn.Embedding(5, 2, sparse=True)
        emb(lib.tensor([4, 1])).sum().backward()
        first = emb.weight.grad
        emb(lib.tensor([1, 0])).sum().backward()
        return emb.weight.grad is first, emb.weight.grad
    (same, ours), (same_t, theirs) = in_both(run)
    assert same and same_t
    assert_same_sparse(ours, theirs)


@pytest.mark.parametrize("mode,kwargs", [("sum", {}), ("mean", {}),
                                         ("sum", {"per_sample_weights": True}),
                                         ("mean", {"padding_idx": 2})])
def test_embedding_bag_sparse_gradient_as_torch(mode, kwargs):
    def run(lib):
        bag = lib.nn.EmbeddingBag(6, 3, mode=mode, sparse=True,
                                  padding_idx=kwargs.get("padding_idx"))
        with lib.no_grad():
            bag.weight.copy_(lib.tensor(np.arange(18.).reshape(6, 3)))
        psw = lib.tensor([1., 2., 3., 4., 5.]) if kwargs.get("per_sample_weights") else None
        bag(lib.tensor([1, 2, 1, 4, 2]), lib.tensor([0, 2]), per_sample_weights=psw) \
            .pow(2).sum().backward()
        return bag.weight.grad
    assert_same_sparse(*in_both(run))


def test_scale_grad_by_freq_with_sparse_raises_as_torch():
    raises_like(lambda: embedding_grad(flambeau, [[([1, 1], 1)]], scale_grad_by_freq=True),
                lambda: embedding_grad(torch, [[([1, 1], 1)]], scale_grad_by_freq=True))


@pytest.mark.parametrize("clip", ["clip_grad_norm_", "clip_grad_value_"])
def test_clipping_sparse_gradients_raises_not_implemented_as_torch(clip):
    for lib in (flambeau, torch):
        emb = lib.nn.Embedding(5, 2, sparse=True)
        emb(lib.tensor([1, 2])).sum().backward()
        with pytest.raises(NotImplementedError):
            getattr(lib.nn.utils, clip)(emb.parameters(), 0.5)


@pytest.mark.parametrize("coalesce", [False, True])
def test_saved_and_loaded_both_ways_with_torch(tmp_path, coalesce):
    def make(lib):
        s = lib.sparse_coo_tensor([[0, 2, 0], [1, 1, 1]], [[1., 2.], [3., 4.], [5., 6.]],
                                  (3, 2, 2), dtype=lib.float64)
        return s.coalesce() if coalesce else s
    ours, theirs = in_both(make)
    flambeau.save({"s": ours, "w": flambeau.ones(2)}, tmp_path / "ours.pt")
    torch.save({"s": theirs, "w": torch.ones(2)}, tmp_path / "theirs.pt")
    assert_same_sparse(torch.load(tmp_path / "ours.pt")["s"], theirs)
    assert_same_sparse(flambeau.load(tmp_path / "theirs.pt")["s"], theirs)
    assert_same_sparse(flambeau.load(tmp_path / "ours.pt")["s"], theirs)


def test_pickle_and_deepcopy():
    s = example(flambeau, requires_grad=True)
    for copied in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert_same_sparse(copied, example(torch))
        assert copied.requires_grad


@pytest.mark.parametrize("call", [
    lambda lib: example(lib).t(),
    lambda lib: example(lib).coalesce().t(),
    lambda lib: example(lib).transpose(1, 0),
    lambda lib: lib.sparse_coo_tensor([[0, 2]], [1., 2.], (3,)).t(),
    lambda lib: example(lib).cpu(),
    lambda lib: example(lib).to("cpu", lib.float64),
    lambda lib: example(lib).copy_(lib.sparse_coo_tensor([[1], [1]], [9.], (2, 3))),
])
def test_transpose_and_copies_as_torch(call):
    assert_same_sparse(*in_both(call))


@pytest.mark.parametrize("call", [
    lambda lib: lib.sparse_coo_tensor([[0, 1]], [[1., 2.], [3., 4.]], (2, 2)).t(),
    lambda lib: lib.sparse_coo_tensor([[0, 1]], [[1., 2.], [3., 4.]], (2, 2)).transpose(0, 1),
    lambda lib: example(lib).copy_(lib.ones(2, 3)),
])
def test_transpose_and_copy_errors_as_torch(call, as_torch):
    raises_like(lambda: call(flambeau), lambda: call(torch))


def test_transpose_gradient_and_sparse_buffers_in_modules(tmp_path):
    def run(lib):
        s = example(lib, requires_grad=True)
        lib.sparse.mm(s.t(), lib.ones(2, 2, requires_grad=True)).sum().backward()
        m = lib.nn.Linear(2, 2)
        m.register_buffer("adj", example(lib))
        m.double()
        other = lib.nn.Linear(2, 2)
        other.register_buffer("adj", lib.sparse_coo_tensor([[0], [0]], [5.], (2, 3)))
        other.load_state_dict(copy.deepcopy(m).float().state_dict())
        return s.grad, m.adj, other.adj
    for ours, theirs in zip(*in_both(run)):
        assert_same_sparse(ours, theirs)


# (not dim=-1: torch 2.13's gradient for a negative dim is not that of its forward, whose
# values along the dim do not sum to zero; flambeau's is that of dim=2)
@pytest.mark.parametrize("dim", [0, 1, 2])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_sparse_softmax_and_its_gradient_as_torch(name, dim):
    def run(lib):
        s = lib.sparse_coo_tensor([[0, 1, 1, 0, 1], [2, 0, 2, 2, 1]],
                                  lib.arange(10.).view(5, 2) / 3, (2, 3, 2), requires_grad=True)
        out = getattr(lib.sparse, name)(s, dim)
        (out.to_dense() * lib.arange(12.).view(2, 3, 2)).pow(2).sum().backward()
        return out, s.grad, out.grad_fn.name()
    (out, grad, node), (out_t, grad_t, node_t) = in_both(run)
    assert node == node_t
    assert_same_sparse(out, out_t, atol=1e-5)
    assert_same_sparse(grad, grad_t, atol=1e-4)


def test_sparse_softmax_dtype():
    ours, theirs = in_both(lambda lib: lib.sparse.softmax(example(lib), 1, dtype=lib.float64))
    assert_same_sparse(ours, theirs)


@pytest.mark.parametrize("call", [
    lambda lib, d, s: d + s,
    lambda lib, d, s: d - s,
    lambda lib, d, s: lib.add(d, s, alpha=2),
    lambda lib, d, s: lib.sub(d, s),
    lambda lib, d, s: d.add_(s, alpha=-1.5),
    lambda lib, d, s: d.sub_(s),
    lambda lib, d, s: d.double() + s,
    lambda lib, d, s: d.long() + s,
])
def test_dense_plus_sparse_is_dense_as_torch(call):
    def run(lib):
        d = lib.arange(6.).view(2, 3)
        return call(lib, d, example(lib))
    assert_same(*in_both(run))


@pytest.mark.parametrize("call", [
    lambda lib: lib.ones(3, 3) + example(lib),
    lambda lib: lib.add(example(lib), lib.ones(2, 3)),
    lambda lib: 1 + example(lib),
])
def test_dense_plus_sparse_errors_as_torch(call):
    raises_like(lambda: call(flambeau), lambda: call(torch))


def test_dense_plus_sparse_gradients_as_torch():
    def run(lib):
        x = lib.ones(2, 3, requires_grad=True)
        v = lib.tensor(VALUES, requires_grad=True)
        leaf = example(lib, requires_grad=True)
        ((x + lib.sparse_coo_tensor(INDICES, v, (2, 3))).pow(2).sum() +
         (x - leaf).pow(3).sum()).backward()
        return x.grad, v.grad, leaf.grad
    for ours, theirs in zip(*in_both(run)):
        assert not ours.is_sparse and not theirs.is_sparse
        assert_same(ours, theirs)


# torch warns once per process (TORCH_WARN_ONCE), so its texts are written out here
SHAPE_FORM = ("torch.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
              "torch.sparse_coo_tensor(shape, dtype=, device=).")
INDICES_FORM = ("torch.sparse.SparseTensor(indices, values, shape, *, device=) is deprecated.  "
                "Please use torch.sparse_coo_tensor(indices, values, shape, dtype=, device=).")


@pytest.mark.parametrize("args,said", [((2, 3), SHAPE_FORM), (("size",), SHAPE_FORM),
                                       (("indices",), INDICES_FORM)])
def test_legacy_constructors_as_torch(args, said):
    def run(lib):
        if args == ("size",):
            call = (lib.Size([2, 3]),)
        elif args == ("indices",):
            call = (lib.tensor([[0, 2]]), lib.tensor([1., 2.]), lib.Size([4]))
        else:
            call = args
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            made = lib.sparse.FloatTensor(*call)
        assert isinstance(made, lib.sparse.FloatTensor)
        assert not isinstance(lib.ones(2), lib.sparse.FloatTensor)
        return made, [str(w.message) for w in caught]
    (ours, warned), (theirs, _) = in_both(run)
    assert_same_sparse(ours, theirs)
    assert warned == [said]


def test_sparse_adam_state_dict_round_trips_with_torch(tmp_path):
    def train(lib, steps, state=None):
        emb = lib.nn.Embedding(6, 2, sparse=True).double()
        with lib.no_grad():
            emb.weight.copy_(lib.tensor(np.arange(12.).reshape(6, 2) / 10))
        opt = lib.optim.SparseAdam(emb.parameters(), lr=0.1)
        if state is not None:
            opt.load_state_dict(state)
        for k in range(steps):
            opt.zero_grad()
            emb(lib.tensor([k % 6, 2])).pow(2).sum().backward()
            opt.step()
        return opt
    flambeau.save(train(flambeau, 3).state_dict(), tmp_path / "opt.pt")
    theirs = train(torch, 2, torch.load(tmp_path / "opt.pt"))
    torch.save(train(torch, 3).state_dict(), tmp_path / "opt_t.pt")
    ours = train(flambeau, 2, flambeau.load(tmp_path / "opt_t.pt"))
    for s_ours, s_theirs in zip(ours.state.values(), theirs.state.values()):
        assert s_ours["step"] == s_theirs["step"] == 5
        np.testing.assert_allclose(s_ours["exp_avg"].numpy(), s_theirs["exp_avg"].numpy())


def test_values_gradient_through_coalesce_as_torch():
    def run(lib):
        s = lib.sparse_coo_tensor([[0, 1, 0]], [1., 2., 3.], (3,), requires_grad=True)
        values = s.coalesce().values()
        (values * lib.tensor([1., 2.])).sum().backward()
        return s.grad, values.grad_fn.name()
    (grad, node), (grad_t, node_t) = in_both(run)
    assert node == node_t
    assert_same_sparse(grad, grad_t)
    raises_like(lambda: example(flambeau).tolist(), lambda: example(torch).tolist())


def test_in_place_ops_on_sparse_leaves_as_torch():
    def run(lib):
        s = example(lib, requires_grad=True)
        with lib.no_grad():
            s.mul_(2).add_(example(lib))
        return s
    assert_same_sparse(*in_both(run))
    raises_like(lambda: example(flambeau, requires_grad=True).mul_(2),
                lambda: example(torch, requires_grad=True).mul_(2))
    ours, theirs = in_both(lambda lib: example(lib).to(lib.ones(1, dtype=lib.float64)))
    assert_same_sparse(ours, theirs)
