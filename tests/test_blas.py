"""Matrix products against torch: every matmul rank case, the add* forms, tensordot and
einsum (values, dtypes, node names, float64 gradients, error messages)."""
import pytest
import torch

import flambeau
from conftest import raises_like, same_outcome
from test_joining import compare, compare_error

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)),
                 ((5, 2, 3), (1, 3, 4)), ((2, 5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)),
                 ((5, 2, 3), (3,)), ((3,), (2, 5, 3, 4)), ((2, 1, 2, 3), (1, 4, 3, 2))]


@pytest.mark.parametrize("a,b", MATMUL_SHAPES)
def test_matmul_ranks(a, b):
    compare(lambda L, x, y: L.matmul(x, y), [a, b])
    compare(lambda L, x, y: x @ y, [a, b])


@pytest.mark.parametrize("dtype", ["int64", "int32", "float32"])
def test_matmul_keeps_dtype(dtype):
    compare(lambda L, x, y: x @ y, [((2, 3), dtype), ((3, 2), dtype)])


CASES = {
    "dot": (lambda L, a, b: L.dot(a, b), [(3,), (3,)]),
    "dot_int": (lambda L, a, b: a.dot(b), [((3,), "int64"), ((3,), "int64")]),
    "vdot": (lambda L, a, b: L.vdot(a, b), [(3,), (3,)]),
    "inner": (lambda L, a, b: L.inner(a, b), [(2, 3), (4, 3)]),
    "inner_scalar": (lambda L, a, b: L.inner(a, b), [(), (4, 3)]),
    "inner_1d": (lambda L, a, b: L.inner(a, b), [(3,), (3,)]),
    "outer": (lambda L, a, b: L.outer(a, b), [(3,), (2,)]),
    "ger": (lambda L, a, b: a.ger(b), [(3,), ((2,), "int64")]),
    "mm": (lambda L, a, b: L.mm(a, b), [(2, 3), (3, 4)]),
    "mm_transposed": (lambda L, a, b: L.mm(a.t(), b.t()), [(3, 2), (4, 3)]),
    "bmm": (lambda L, a, b: L.bmm(a, b), [(2, 2, 3), (2, 3, 4)]),
    "mv": (lambda L, a, b: a.mv(b), [(2, 3), (3,)]),
    "rmatmul": (lambda L, a, b: a.__rmatmul__(b), [(3, 4), (2, 3)]),
    "addmm": (lambda L, c, a, b: L.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    "addmm_broadcast": (lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2), [(4,), (2, 3),
                                                                                 (3, 4)]),
    "addmm_beta0": (lambda L, c, a, b: L.addmm(c, a, b, beta=0), [(1, 4), (2, 3), (3, 4)]),
    "addmm_int": (lambda L, c, a, b: L.addmm(c, a, b, beta=2.7, alpha=1.5),
                  [((2, 2), "int64"), ((2, 2), "int64"), ((2, 2), "int64")]),
    "addmm_": (lambda L, c, a, b: c.clone().addmm_(a, b, alpha=3), [(2, 4), (2, 3), (3, 4)]),
    "baddbmm": (lambda L, c, a, b: L.baddbmm(c, a, b, beta=2), [(2, 2, 4), (2, 2, 3),
                                                                (2, 3, 4)]),
    "addbmm": (lambda L, c, a, b: L.addbmm(c, a, b, alpha=0.5), [(2, 4), (3, 2, 3),
                                                                 (3, 3, 4)]),
    "addmv": (lambda L, c, a, b: L.addmv(c, a, b, beta=3), [(2,), (2, 3), (3,)]),
    "addr": (lambda L, c, a, b: L.addr(c, a, b, alpha=2), [(2, 3), (2,), (3,)]),
    "chain_matmul": (lambda L, a, b, c: L.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)],
                     {"node": False}),
    "tensordot_int": (lambda L, a, b: L.tensordot(a, b, 1), [(2, 3), (3, 4)]),
    "tensordot_0": (lambda L, a, b: L.tensordot(a, b, 0), [(2,), (3,)]),
    "tensordot_lists": (lambda L, a, b: L.tensordot(a, b, ([0, 2], [2, 1])), [(2, 3, 4),
                                                                              (3, 4, 2)]),
    "tensordot_pair": (lambda L, a, b: L.tensordot(a, b, dims=([1, 0], [0, 1])), [(2, 3),
                                                                                  (3, 2)]),
    "tensordot_broadcast": (lambda L, a, b: L.tensordot(a, b, ([0, 1], [2, 0])),
                            [(1, 1, 2), (2, 1, 2)]),
}

EINSUM = {
    "ij,jk->ik": [(2, 3), (3, 4)],
    "ij,jk": [(2, 3), (3, 4)],
    "i,i->": [(3,), (3,)],
    "i,j->ij": [(3,), (2,)],
    "bij,bjk->bik": [(2, 2, 3), (2, 3, 4)],
    "ij->ji": [(2, 3)],
    "ii->i": [(3, 3)],
    "ii": [(3, 3)],
    "ij->": [(2, 3)],
    "ij,ij->ij": [(2, 3), (2, 3)],
    "...ij,...jk": [(2, 2, 3), (3, 4)],
    "i...,i...->...": [(2, 3, 4), (2, 4)],
    "ij,jk,kl->il": [(2, 3), (3, 4), (4, 5)],
    "ij,jk->ijk": [(2, 3), (3, 4)],
    "iij,k->jk": [(3, 3, 2), (4,)],
    "ij,kj->ik": [(2, 1), (4, 3)],
    "b i j , b j k -> b i k": [(2, 2, 3), (2, 3, 4)],
}


@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name):
    fn, specs, *options = CASES[name]
    compare(fn, specs, **(options[0] if options else {}))


@pytest.mark.parametrize("equation", EINSUM)
def test_einsum(equation):
    # torch's node on an einsum result depends on its internal plan: values and gradients only
    compare(lambda L, *xs: L.einsum(equation, *xs), EINSUM[equation], node=False)


def test_einsum_forms():
    compare(lambda L, a, b: L.einsum("ij,jk", [a, b]), [(2, 3), (3, 4)])
    compare(lambda L, a, b: L.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)], node=False)
    compare(lambda L, a, b: L.einsum(a, [..., 0], b, [0]), [(2, 3), (3,)], node=False)


def test_double_backward_through_matmul():
    import torch
    results = []
    for L in (torch, flambeau):
        L.manual_seed(0) if hasattr(L, "manual_seed") else None
        a = L.tensor([[1., 2.], [3., 4.]], dtype=L.float64, requires_grad=True)
        b = L.tensor([[0.5, -1.], [2., 1.]], dtype=L.float64, requires_grad=True)
        (ga,) = L.autograd.grad((a @ b).pow(2).sum(), a, create_graph=True)
        (gb,) = L.autograd.grad(ga.sum(), b)
        results.append(gb.tolist())
    assert results[0] == results[1]


def test_matmul_out_and_no_copy_forward():
    a, b = flambeau.ones(2, 3), flambeau.ones(3, 2)
    out = flambeau.empty(2, 2)
    assert flambeau.matmul(a, b, out=out) is out and out.sum().item() == 12
    assert flambeau.mm(a, b).is_contiguous()


ERRORS = {
    "mm_shapes": (lambda L, a, b: L.mm(a, b), [(2, 3), (4, 5)]),
    "mm_dtype": (lambda L, a, b: L.mm(a, b), [(2, 3), ((3, 5), "float64")]),
    "mm_bool": (lambda L, a, b: L.mm(a, b), [((2, 2), "bool"), ((2, 2), "bool")]),
    "mm_vector": (lambda L, a, b: L.mm(a, b), [(3,), (3, 3)]),
    "matmul_dtype": (lambda L, a, b: L.matmul(a, b), [(2, 3), ((3, 5), "float64")]),
    "matmul_0d": (lambda L, a, b: L.matmul(a, b), [(), (3,)]),
    "matmul_mv": (lambda L, a, b: a @ b, [(2, 3), (4,)]),
    "matmul_dot": (lambda L, a, b: a @ b, [(3,), (4,)]),
    "matmul_vm": (lambda L, a, b: a @ b, [(3,), (4, 2)]),
    "matmul_batch": (lambda L, a, b: a @ b, [(2, 2, 3), (3, 4, 2)]),
    "matmul_inner": (lambda L, a, b: a @ b, [(2, 2, 3), (2, 4, 2)]),
    "matmul_2d_3d": (lambda L, a, b: a @ b, [(2, 3), (2, 4, 5)]),
    "matmul_fold_mv": (lambda L, a, b: a @ b, [(5, 2, 3), (4,)]),
    "matmul_fold_mm": (lambda L, a, b: a @ b, [(5, 2, 3), (4, 5)]),
    "matmul_vec_batch": (lambda L, a, b: a @ b, [(4,), (5, 2, 3)]),
    "bmm_rank": (lambda L, a, b: L.bmm(a, b), [(2, 3), (2, 4, 2)]),
    "bmm_sizes": (lambda L, a, b: L.bmm(a, b), [(2, 2, 3), (3, 3, 2)]),
    "bmm_bool": (lambda L, a, b: L.bmm(a, b), [((2, 2, 3), "bool"), ((2, 3, 2), "bool")]),
    "mv_rank": (lambda L, a, b: L.mv(a, b), [(2, 3), (3, 1)]),
    "mv_size": (lambda L, a, b: L.mv(a, b), [(2, 3), (4,)]),
    "dot_rank": (lambda L, a, b: L.dot(a, b), [(3, 1), (3,)]),
    "dot_dtype": (lambda L, a, b: L.dot(a, b), [(3,), ((3,), "float64")]),
    "dot_bool": (lambda L, a, b: L.dot(a, b), [((3,), "bool"), ((3,), "bool")]),
    "addmm_dtype": (lambda L, c, a, b: L.addmm(c, a, b), [(2, 3), (2, 3), ((3, 3), "float64")]),
    "addmm_mat1_dtype": (lambda L, c, a, b: L.addmm(c, a, b),
                         [(2, 3), ((2, 3), "float64"), (3, 3)]),
    "addmm_self_dtype": (lambda L, c, a, b: L.addmm(c, a, b),
                         [((2, 3), "float64"), (2, 3), (3, 3)]),
    "addbmm_mat1_dtype": (lambda L, c, a, b: L.addbmm(c, a, b),
                          [(4,), ((2, 2, 3), "float64"), (2, 3, 4)]),
    "baddbmm_batch1_dtype": (lambda L, c, a, b: L.baddbmm(c, a, b),
                             [(4,), ((2, 2, 3), "float64"), (2, 3, 4)]),
    "baddbmm_batch2_dtype": (lambda L, c, a, b: L.baddbmm(c, a, b),
                             [(4,), (2, 2, 3), ((2, 3, 4), "float64")]),
    "addmv_dtype": (lambda L, c, a, b: L.addmv(c, a, b), [(2,), ((2, 3), "float64"), (3,)]),
    "mv_dtype": (lambda L, a, b: L.mv(a, b), [(2, 3), ((3,), "float64")]),
    "matmul_fold_mv_dtype": (lambda L, a, b: a @ b, [(5, 2, 3), ((3,), "float64")]),
    "outer_rank": (lambda L, a, b: L.outer(a, b), [(2, 3), (4,)]),
    "inner_last": (lambda L, a, b: L.inner(a, b), [(2, 3), (4,)]),
    "tensordot_sizes": (lambda L, a, b: L.tensordot(a, b, ([1], [0])), [(2, 3), (4, 3)]),
    "tensordot_dtype": (lambda L, a, b: L.tensordot(a, b, 1), [(2, 3), ((3, 3), "float64")]),
    "chain_matmul_none": (lambda L: L.chain_matmul(), []),
    "einsum_sizes": (lambda L, a, b: L.einsum("ij,jk", a, b), [(2, 3), (4, 4)]),
    "einsum_few": (lambda L, a: L.einsum("ij,jk", a), [(2, 3)]),
    "einsum_repeat_out": (lambda L, a: L.einsum("i->ii", a), [(2,)]),
    "einsum_dtype": (lambda L, a, b: L.einsum("ij,jk", a, b), [(2, 3), ((3, 4), "float64")]),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_torch(name):
    fn, specs = ERRORS[name]
    compare_error(fn, specs)


@pytest.mark.parametrize("other", [3, 2.5, None, "x"])
def test_matmul_operator_with_a_non_tensor(other):
    raises_like(lambda: flambeau.ones(2, 2) @ other, lambda: torch.ones(2, 2) @ other)
    raises_like(lambda: other @ flambeau.ones(2, 2), lambda: other @ torch.ones(2, 2))


ADDR_DTYPES = ["float32", "float64", "int32", "uint8", "bool", "complex64", "float16"]


@pytest.mark.parametrize("dtypes", [(a, b, c) for a in ADDR_DTYPES for b in ADDR_DTYPES
                                    for c in ("float32", "int64", "bool")])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (2, 3), (0.5, 1), (True, 1), (1, False)])
def test_addr_promotes_its_three_tensors(dtypes, beta, alpha):
    """addr promotes input, vec1 and vec2 to one dtype (a TensorIterator op in torch, unlike
    addmm), then checks beta and alpha against that dtype."""
    def run(lib):
        x, v, w = (lib.arange(n).reshape(shape).to(getattr(lib, d))
                   for n, shape, d in zip((6, 2, 3), ((2, 3), (2,), (3,)), dtypes))
        return lib.addr(x, v + 1, w - 1 if dtypes[2] != "bool" else w, beta=beta, alpha=alpha)
    same_outcome(run)


@pytest.mark.parametrize("name,shapes", [("baddbmm", [(2, 2, 3), (2, 2, 4), (2, 4, 3)]),
                                         ("addbmm", [(2, 3), (5, 2, 4), (5, 4, 3)])])
def test_batched_add_products_name_their_bool_kernel(name, shapes):
    raises_like(lambda: getattr(flambeau, name)(*(flambeau.ones(*s, dtype=flambeau.bool)
                                                  for s in shapes)),
                lambda: getattr(torch, name)(*(torch.ones(*s, dtype=torch.bool) for s in shapes)))
