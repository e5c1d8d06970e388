"""Joining, tiling and rearranging ops against torch: values, dtypes, shapes, node names,
float64 gradients and error messages. ``compare`` and ``compare_error`` are shared with
test_blas.py."""
import warnings

import numpy as np
import pytest
import torch

import flambeau

RNG = np.random.default_rng(0)


def sample(shape, dtype="float64"):
    if dtype == "bool":
        return RNG.random(shape) > 0.5
    if dtype.startswith("int"):
        return RNG.integers(-5, 6, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def _build(lib, arrays, grad):
    return [lib.from_numpy(a.copy()).requires_grad_(grad and a.dtype == np.float64)
            for a in arrays]


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _arrays(specs, dtype):
    """Sample arrays for specs: shapes, or (shape, dtype) pairs."""
    specs = [s if len(s) == 2 and isinstance(s[1], str) else (s, dtype) for s in specs]
    return [sample(shape, d) for shape, d in specs]


def compare(fn, specs, grad=True, node=True):
    """Runs ``fn(lib, *tensors)`` on torch and flambeau with the same inputs (``specs``: shapes,
    or (shape, dtype) pairs) and checks outputs, node names and gradients."""
    arrays = _arrays(specs, "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_in, f_in = _build(torch, arrays, grad), _build(flambeau, arrays, grad)
        t_out, f_out = _flat(fn(torch, *t_in)), _flat(fn(flambeau, *f_in))
    assert len(t_out) == len(f_out)
    for t, f in zip(t_out, f_out):
        assert tuple(f.shape) == tuple(t.shape)
        assert str(f.dtype) == str(t.dtype).replace("torch", "flambeau")
        np.testing.assert_allclose(f.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6)
        if node and t.grad_fn is not None:
            assert f.grad_fn is not None and f.grad_fn.name() == t.grad_fn.name()
    wanted = [i for i, t in enumerate(t_in) if t.requires_grad]
    outs = [i for i, t in enumerate(t_out) if t.requires_grad]
    if not (grad and wanted and outs):
        return
    cots = [sample(tuple(t_out[i].shape)) for i in outs]
    t_g = torch.autograd.grad([t_out[i] for i in outs], [t_in[i] for i in wanted],
                              [torch.from_numpy(c) for c in cots], allow_unused=True)
    f_g = flambeau.autograd.grad([f_out[i] for i in outs], [f_in[i] for i in wanted],
                                 [flambeau.from_numpy(c) for c in cots], allow_unused=True)
    for t, f in zip(t_g, f_g):
        if t is None:
            assert f is None or not f.detach().numpy().any()
            continue
        np.testing.assert_allclose(f.detach().numpy(), t.numpy(), rtol=1e-6, atol=1e-8)


def compare_error(fn, specs):
    """``fn`` raises the same exception type and message on torch and flambeau."""
    arrays = _arrays(specs, "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as expected:
            fn(torch, *_build(torch, arrays, False))
        with pytest.raises(expected.type) as got:
            fn(flambeau, *_build(flambeau, arrays, False))
    assert str(got.value) == str(expected.value)


# name: (fn(lib, *tensors), input specs[, options of compare])
CASES = {
    "cat0": (lambda L, a, b: L.cat([a, b]), [(2, 3), (4, 3)]),
    "cat1": (lambda L, a, b: L.cat((a, b), dim=-1), [(2, 3), (2, 1)]),
    "cat_skip_empty": (lambda L, a, b: L.cat([a, b], 1), [(0,), (2, 3)]),
    "cat_skip_empty_neg": (lambda L, a, b, c: L.cat([a, b, c], -1), [(0,), (2, 3), (2, 1)]),
    "cat_empty_1d": (lambda L, a, b: L.cat([a, b], -1), [(0,), (3,)]),
    "cat_promote": (lambda L, a, b: L.cat([a, b]), [((2,), "int32"), (3,)]),
    "cat_bool_int": (lambda L, a, b: L.cat([a, b]), [((2,), "bool"), ((3,), "int32")]),
    "cat_mixed_float": (lambda L, a, b: L.cat([a, b.float()]), [(2,), (3,)]),
    "concat": (lambda L, a, b: L.concat([a, b], 1), [(2, 3), (2, 2)]),
    "concatenate": (lambda L, a, b: L.concatenate([a, b], axis=1), [(2, 3), (2, 2)]),
    "stack": (lambda L, a, b: L.stack([a, b], 1), [(2, 3), (2, 3)]),
    "stack_last": (lambda L, a, b: L.stack([a, b], -1), [(2, 3), ((2, 3), "int64")]),
    "stack0_promote": (lambda L, a, b: L.stack((a, b)), [((2, 3), "int32"), (2, 3)]),
    "stack_tuple_t": (lambda L, a, b: L.stack((a.t(), b), 0), [(3, 2), (2, 3)]),
    "hstack": (lambda L, a, b: L.hstack([a, b]), [(2, 3), (2, 1)]),
    "hstack1": (lambda L, a, b: L.hstack([a, b]), [(3,), ()]),
    "vstack": (lambda L, a, b: L.vstack([a, b]), [(3,), (2, 3)]),
    "row_stack": (lambda L, a, b: L.row_stack([a, b]), [(3,), (3,)]),
    "dstack": (lambda L, a, b: L.dstack([a, b]), [(2, 3), (2, 3, 2)]),
    "column_stack": (lambda L, a, b, c: L.column_stack([a, b, c]), [(2,), (2, 3), (2,)]),
    "atleast_1d": (lambda L, a, b: L.atleast_1d(a, b), [(), (2,)]),
    "atleast_2d": (lambda L, a, b, c: L.atleast_2d([a, b, c]), [(), (2,), (2, 3)]),
    "atleast_3d": (lambda L, a, b, c: L.atleast_3d(a, b, c), [(), (2,), (2, 3)]),
    "atleast_3d_one": (lambda L, a: L.atleast_3d(a), [(3, 2)]),
    "flip": (lambda L, a: L.flip(a, [0, 2]), [(2, 3, 4)]),
    "flip_method": (lambda L, a: a.flip(-1), [(2, 3)]),
    "flip_method_list": (lambda L, a: a.flip([0, 1]), [(2, 3)]),
    "fliplr": (lambda L, a: L.fliplr(a), [(2, 3)]),
    "flipud": (lambda L, a: L.flipud(a), [(4,)]),
    "roll": (lambda L, a: L.roll(a, 2), [(2, 3)]),
    "roll_dims": (lambda L, a: L.roll(a, (1, -1), (0, 1)), [(2, 3)]),
    "rot90": (lambda L, a: L.rot90(a), [(2, 3)]),
    "rot90_k": (lambda L, a: L.rot90(a, -3, [2, 0]), [(2, 3, 4)]),
    "rot90_2": (lambda L, a: a.rot90(2, [0, 1]), [(2, 3)]),
    "repeat": (lambda L, a: a.repeat(2, 1, 3), [(2, 3)]),
    "repeat_zero": (lambda L, a: a.repeat((0, 2)), [(2, 3)]),
    "tile": (lambda L, a: L.tile(a, (2,)), [(2, 3)]),
    "tile_more": (lambda L, a: a.tile((2, 1, 1)), [(2, 3)]),
    "repeat_interleave": (lambda L, a: L.repeat_interleave(a, 2), [(2, 3)]),
    "repeat_interleave_dim": (lambda L, a: a.repeat_interleave(3, dim=1), [(2, 3)]),
    "repeat_interleave_tensor": (lambda L, a: a.repeat_interleave(L.tensor([1, 0, 2]), 1),
                                 [(2, 3)]),
    "repeat_interleave_one": (lambda L, a: L.repeat_interleave(a, L.tensor(2), 0), [(2, 3)]),
    "repeat_interleave_1arg": (lambda L: L.repeat_interleave(L.tensor([2, 0, 3])), []),
    "tril": (lambda L, a: L.tril(a), [(3, 4)]),
    "triu": (lambda L, a: L.triu(a, diagonal=1), [(2, 3, 4)]),
    "tril_neg": (lambda L, a: a.tril(-1), [(4, 3)]),
    "tril_int": (lambda L, a: a.triu(), [((3, 3), "int32")]),
    "tril_": (lambda L, a: a.clone().tril_(1), [(3, 3)]),
    "triu_": (lambda L, a: a.clone().triu_(), [(3, 3)]),
    "tril_indices": (lambda L: L.tril_indices(3, 4, 1), []),
    "triu_indices": (lambda L: L.triu_indices(4, 3, -1, dtype=L.int32), []),
    "diag1": (lambda L, a: L.diag(a), [(3,)]),
    "diag1_off": (lambda L, a: L.diag(a, -2), [(3,)]),
    "diag2": (lambda L, a: L.diag(a), [(3, 4)]),
    "diag2_off": (lambda L, a: a.diag(2), [(3, 4)]),
    "diag_embed": (lambda L, a: L.diag_embed(a), [(2, 3)]),
    "diag_embed_dims": (lambda L, a: L.diag_embed(a, 1, 0, 2), [(2, 3)]),
    "diagflat": (lambda L, a: L.diagflat(a, -1), [(2, 2)]),
    "trace": (lambda L, a: L.trace(a), [(3, 4)]),
    "trace_int": (lambda L, a: a.trace(), [((3, 3), "int32")]),
    "kron": (lambda L, a, b: L.kron(a, b), [(2, 3), (3, 2)]),
    "kron_ranks": (lambda L, a, b: L.kron(a, b), [(2,), (2, 1, 3)]),
    "kron_int_float": (lambda L, a, b: L.kron(a, b), [((2,), "int32"), (2, 2)]),
    "meshgrid_ij": (lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [(3,), (2,)]),
    "meshgrid_xy": (lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy"), [(3,), (2,), ()]),
    "broadcast_tensors": (lambda L, a, b: L.broadcast_tensors(a, b), [(2, 1), (3,)]),
    "broadcast_to": (lambda L, a: L.broadcast_to(a, (2, 3)), [(3,)]),
    "cartesian_prod": (lambda L, a, b: L.cartesian_prod(a, b), [(3,), (2,)]),
    "cartesian_prod1": (lambda L, a: L.cartesian_prod(a), [(3,)]),
    "combinations": (lambda L, a: L.combinations(a), [(4,)]),
    "combinations_r3": (lambda L, a: L.combinations(a, 3, with_replacement=True), [(3,)]),
    "combinations_r0": (lambda L, a: L.combinations(a, 0), [(3,)]),
    "block_diag": (lambda L, a, b, c: L.block_diag(a, b, c), [(2, 3), (), (2,)]),
    "block_diag_int": (lambda L, a, b: L.block_diag(a, b), [((2, 2), "int32"), (1, 2)]),
    "block_diag_none": (lambda L: L.block_diag(), []),
    "cross": (lambda L, a, b: L.cross(a, b, dim=1), [(2, 3), (2, 3)]),
    "cross_default": (lambda L, a, b: L.cross(a, b), [(3, 4), (3, 4)]),
    "cross_broadcast": (lambda L, a, b: a.cross(b, -1), [(2, 3), (1, 3)]),
    # torch's own vander backward fails (an in-place cumprod): values only
    "vander": (lambda L, a: L.vander(a), [(3,)], {"grad": False}),
    "vander_inc": (lambda L, a: L.vander(a, 4, increasing=True), [(3,)], {"grad": False}),
    "vander_int": (lambda L, a: L.vander(a, 2), [((3,), "int32")]),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name):
    fn, specs, *options = CASES[name]
    compare(fn, specs, **(options[0] if options else {}))


def test_broadcast_shapes():
    assert tuple(flambeau.broadcast_shapes((2, 1), (3,), 1)) == \
        tuple(torch.broadcast_shapes((2, 1), (3,), 1))
    assert isinstance(flambeau.broadcast_shapes((2, 1)), flambeau.Size)


def test_meshgrid_warns_without_indexing():
    x = flambeau.ones(2)
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        flambeau.meshgrid(x, x)


def test_cat_out_and_views():
    a, b = flambeau.ones(2, 2), flambeau.zeros(1, 2)
    out = flambeau.empty(3, 2)
    assert flambeau.cat([a, b], out=out) is out and out.sum().item() == 4
    f = flambeau.arange(6.).view(2, 3).flip(1)
    assert f.is_contiguous() and f.stride() == (3, 1)
    g = flambeau.broadcast_to(flambeau.arange(3.), (2, 3))
    assert g.stride() == (0, 1)


def test_unbind_split_gradients_use_stack_and_cat():
    from flambeau._ops import joining, shape
    zero, g = flambeau.zeros(3), flambeau.ones(3)
    assert shape.stack_grads([None, g], 0).tolist() == [[0, 0, 0], [1, 1, 1]]
    x = flambeau.arange(6.).view(2, 3).requires_grad_()
    a, b = x.unbind(0)
    a.sum().backward()
    assert x.grad.tolist() == [[1, 1, 1], [0, 0, 0]]
    assert joining.cat([zero, g]).shape == (6,)


ERRORS = {
    "cat_empty": (lambda L: L.cat([]), []),
    "cat_sizes": (lambda L, a, b: L.cat([a, b], 1), [(2, 3), (3, 3)]),
    "cat_ndim": (lambda L, a, b: L.cat([a, b]), [(2, 3), (2,)]),
    "cat_zero_dim": (lambda L, a, b: L.cat([a, b]), [(), (2,)]),
    "cat_dim": (lambda L, a, b: L.cat([a, b], 2), [(2, 3), (2, 3)]),
    "cat_not_tensor": (lambda L, a: L.cat([a, 1]), [(2,)]),
    "cat_tensor": (lambda L, a: L.cat(a), [(2,)]),
    "stack_empty": (lambda L: L.stack([]), []),
    "stack_sizes": (lambda L, a, b: L.stack([a, b]), [(2, 3), (3,)]),
    "stack_tensor": (lambda L, a: L.stack(a), [(2, 3)]),
    "stack_sizes_and_dim": (lambda L, a, b: L.stack([a, b], 5), [(2, 3), (3,)]),
    "cat_empty_then_dim": (lambda L, a, b: L.cat([a, b], 1), [(0,), (3,)]),
    "cat_sizes_neg": (lambda L, a, b, c: L.cat([a, b, c], -1), [(2, 3), (0,), (3, 3)]),
    "fliplr": (lambda L, a: L.fliplr(a), [(3,)]),
    "flip_dup": (lambda L, a: L.flip(a, [0, -2]), [(3, 3)]),
    "roll_align": (lambda L, a: L.roll(a, [1, 2], [0]), [(3, 3)]),
    "rot90_dims": (lambda L, a: L.rot90(a, 1, [0]), [(3, 3)]),
    "rot90_same": (lambda L, a: L.rot90(a, 1, [1, -1]), [(3, 3)]),
    "rot90_1d": (lambda L, a: L.rot90(a), [(3,)]),
    "repeat_few": (lambda L, a: a.repeat(2), [(3, 3)]),
    "ri_size": (lambda L, a: L.repeat_interleave(a, L.tensor([1, 2])), [(3,)]),
    "ri_negative": (lambda L, a: L.repeat_interleave(a, L.tensor([1, -2, 1])), [(3,)]),
    "ri_2d": (lambda L: L.repeat_interleave(L.tensor([[1, 2]])), []),
    "tril_1d": (lambda L, a: L.tril(a), [(3,)]),
    "diag_3d": (lambda L, a: L.diag(a), [(2, 2, 2)]),
    "trace_1d": (lambda L, a: L.trace(a), [(3,)]),
    "trace_bool": (lambda L, a: L.trace(a), [((2, 2), "bool")]),
    "vander_2d": (lambda L, a: L.vander(a), [(2, 2)]),
    "vander_n": (lambda L, a: L.vander(a, N=-1), [(2,)]),
    "meshgrid_2d": (lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [(3,), ((2,), "int64")]),
    "meshgrid_indexing": (lambda L, a: L.meshgrid(a, a, indexing="foo"), [(3,)]),
    "broadcast_tensors": (lambda L, a, b: L.broadcast_tensors(a, b), [(2, 3), (4, 3)]),
    "broadcast_shapes": (lambda L: L.broadcast_shapes((2, 3), (4, 3)), []),
    "combinations_1d": (lambda L, a: L.combinations(a), [(2, 3)]),
    "combinations_r": (lambda L, a: L.combinations(a, -1), [(3,)]),
    "block_diag_3d": (lambda L, a: L.block_diag(a), [(2, 2, 2)]),
    "cross_len": (lambda L, a, b: L.cross(a, b, dim=1), [(2, 2), (2, 2)]),
    "cross_ndim": (lambda L, a, b: L.cross(a, b, dim=1), [(2, 3), (3,)]),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_torch(name):
    fn, specs = ERRORS[name]
    compare_error(fn, specs)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "float16", "float32", "float64",
                                   "complex64", "complex128"])
@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangles_keep_every_value(name, dtype):
    """The masked triangles keep inf, nan and -0.0 and zero the rest, for every element size,
    batched and transposed (non-contiguous) inputs included."""
    t = torch.randn(2, 4, 5, dtype=torch.float64).to(getattr(torch, dtype))
    if t.is_floating_point() or t.is_complex():
        t[0, 1, :3] = torch.tensor([float("inf"), float("nan"), -0.0]).to(t.dtype)
    x = flambeau.from_numpy(t.numpy().copy())
    for diagonal in (-5, -1, 0, 2, 7):
        for a, b in ((x, t), (x.transpose(1, 2), t.transpose(1, 2))):
            got, want = getattr(a, name)(diagonal).numpy(), getattr(b, name)(diagonal).numpy()
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(np.signbit(got.real), np.signbit(want.real))


@pytest.mark.parametrize("pad", [(1, 2), (1, 1, 2, 0), (-1, 1), (0, 1, -1, 2), (2, -3, 1, 1)])
def test_constant_pad_nd(pad):
    compare(lambda lib, x: lib.constant_pad_nd(x, pad, 0.5), [(3, 4)])
    strides = [lib.constant_pad_nd(lib.ones(3, 4).t(), pad).stride() for lib in (flambeau, torch)]
    assert strides[0] == strides[1]


@pytest.mark.parametrize("pad", [(1, 2, 3), (0,) * 6, (-2, -3)])
def test_constant_pad_nd_errors(pad):
    compare_error(lambda lib, x: lib.constant_pad_nd(x, pad), [(2, 4)])


@pytest.mark.parametrize("n,r", [(1, 2), (3, 5), (0, 2)])
def test_combinations_of_too_few_elements_keep_the_graph(n, r):
    """No combination: an empty (0, r) stack that still requires grad, as torch's."""
    ours, theirs = (L.combinations(L.arange(float(n), requires_grad=True), r=r)
                    for L in (flambeau, torch))
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.requires_grad
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
