"""flambeau.linalg against torch.linalg: values (up to gauge freedom), dtypes, gradients, errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import twins

rng = np.random.default_rng(0)
M = rng.standard_normal((2, 4, 4))
SPD = M @ np.swapaxes(M, -1, -2) + 4 * np.eye(4)
TALL = rng.standard_normal((2, 5, 3))
RHS = rng.standard_normal((2, 4, 2))


def close(f, t, tol=1e-6):
    f, t = np.asarray(f.detach().numpy()), t.detach().numpy()
    assert f.shape == t.shape
    np.testing.assert_allclose(f, t, rtol=tol, atol=tol)


# (name, function of the library module, inputs): gauge-free results only
CASES = [
    ("det", lambda L, a: L.linalg.det(a), [M]),
    ("slogdet", lambda L, a: L.linalg.slogdet(a).logabsdet, [M]),
    ("inv", lambda L, a: L.linalg.inv(a), [M]),
    ("inverse", lambda L, a: L.inverse(a), [M]),
    ("solve", lambda L, a, b: L.linalg.solve(a, b), [M, RHS]),
    ("solve_right", lambda L, a, b: L.linalg.solve(a, b.mT, left=False), [M, RHS]),
    ("solve_vec", lambda L, a, b: L.linalg.solve(a, b), [M, RHS[..., 0]]),
    ("cholesky", lambda L, a: L.linalg.cholesky(a), [SPD]),
    ("cholesky_upper", lambda L, a: L.linalg.cholesky(a, upper=True), [SPD]),
    ("qr_R_abs", lambda L, a: L.linalg.qr(a).R.abs(), [TALL]),
    ("qr_recon", lambda L, a: (lambda q: q.Q @ q.R)(L.linalg.qr(a)), [TALL]),
    ("eigvalsh", lambda L, a: L.linalg.eigvalsh(a), [SPD]),
    ("eigh_recon", lambda L, a: (lambda e: (e[1] * e[0].unsqueeze(-2)) @ e[1].mT)(
        L.linalg.eigh(a)), [SPD]),
    ("svdvals", lambda L, a: L.linalg.svdvals(a), [TALL]),
    ("svd_recon", lambda L, a: (lambda u: (u.U * u.S.unsqueeze(-2)) @ u.Vh)(
        L.linalg.svd(a, full_matrices=False)), [TALL]),
    ("svd_absU", lambda L, a: L.linalg.svd(a, full_matrices=False).U.abs(), [TALL]),
    ("pinv", lambda L, a: L.linalg.pinv(a), [TALL]),
    ("pinv_h", lambda L, a: L.linalg.pinv(a, hermitian=True), [SPD]),
    ("lstsq", lambda L, a, b: L.linalg.lstsq(a, b).solution, [TALL, RHS[:, :1, :].repeat(5, 1)]),
    ("vector_norm", lambda L, a: L.linalg.vector_norm(a), [M]),
    ("vector_norm3", lambda L, a: L.linalg.vector_norm(a, 3, dim=-1), [M]),
    ("vector_norm_inf", lambda L, a: L.linalg.vector_norm(a, float("inf"), dim=(0, 2)), [M]),
    ("matrix_norm_fro", lambda L, a: L.linalg.matrix_norm(a), [M]),
    ("matrix_norm_nuc", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [M]),
    ("matrix_norm_2", lambda L, a: L.linalg.matrix_norm(a, 2), [M]),
    ("matrix_norm_1", lambda L, a: L.linalg.matrix_norm(a, 1, keepdim=True), [M]),
    ("matrix_norm_ninf", lambda L, a: L.linalg.matrix_norm(a, -float("inf")), [M]),
    ("norm", lambda L, a: L.linalg.norm(a), [M]),
    ("matrix_power3", lambda L, a: L.linalg.matrix_power(a, 3), [M]),
    ("matrix_power-2", lambda L, a: L.linalg.matrix_power(a, -2), [M]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [M]),
    ("matrix_exp_big", lambda L, a: L.matrix_exp(a * 10), [M]),
    ("cross", lambda L, a, b: L.linalg.cross(a, b), [M[..., :3], M[..., 1:]]),
    ("lu_recon", lambda L, a: (lambda r: r.P @ r.L @ r.U)(L.linalg.lu(a)), [TALL]),
    ("lu_factor", lambda L, a: L.linalg.lu_factor(a).LU, [M]),
    ("lu_wide", lambda L, a: L.linalg.lu(a).U, [TALL.swapaxes(-1, -2)]),
    ("lu_solve", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b), [M, RHS]),
    ("solve_triangular", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True), [SPD, RHS]),
    ("eigvals", lambda L, a: (lambda w: (w * w).sum(-1))(L.linalg.eigvals(a)), [M]),
    ("tensorinv", lambda L, a: L.linalg.tensorinv(a.reshape(8, 2, 4), 1),
     [rng.standard_normal((8, 8)) + 8 * np.eye(8)]),
    ("multi_dot", lambda L, a, b: L.linalg.multi_dot([a, b, a]), [M[0], M[1]]),
]


@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_forward_and_grad(name, fn, inputs):
    for lib in (flambeau, torch):  # the randomized ones (svd_lowrank, pca_lowrank) draw alike
        lib.manual_seed(0)
    pairs = [twins(x, requires_grad=True) for x in inputs]
    f_out = fn(flambeau, *[p[0] for p in pairs])
    t_out = fn(torch, *[p[1] for p in pairs])
    close(f_out, t_out)
    assert str(f_out.dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1]
    cot = rng.standard_normal(tuple(t_out.shape))
    if t_out.is_complex():
        cot = cot + 1j * rng.standard_normal(tuple(t_out.shape))
    f_grads = flambeau.autograd.grad([f_out], [p[0] for p in pairs], [flambeau.tensor(cot)])
    t_grads = torch.autograd.grad([t_out], [p[1] for p in pairs], [torch.tensor(cot)])
    for fg, tg in zip(f_grads, t_grads):
        close(fg, tg, 1e-5)


def test_float32_stays_float32_and_node_names():
    a, t = twins(M, np.float32, requires_grad=True)
    for fn, node in ((lambda L, x: L.linalg.det(x), "LinalgDetBackward0"),
                     (lambda L, x: L.linalg.inv(x), "LinalgInvExBackward0"),
                     (lambda L, x: L.linalg.svd(x)[1], "LinalgSvdBackward0")):
        r, rt = fn(flambeau, a), fn(torch, t)
        assert r.dtype == flambeau.float32 and r.grad_fn.name() == rt.grad_fn.name() == node


def test_complex_results_and_rank():
    a, t = twins(M)
    np.testing.assert_allclose(np.sort_complex(flambeau.linalg.eigvals(a).numpy().ravel()),
                               np.sort_complex(torch.linalg.eigvals(t).numpy().ravel()), 1e-8)
    assert flambeau.linalg.eig(a).eigenvalues.dtype == flambeau.complex128
    low = twins(np.ones((2, 3, 5)))  # rank 1
    assert flambeau.linalg.matrix_rank(low[0]).tolist() == torch.linalg.matrix_rank(low[1]).tolist()


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type.__name__, str(info.value)


ERRORS = [
    lambda L: L.linalg.det(L.ones(2, 3)),
    lambda L: L.linalg.det(L.ones(3, 3, dtype=L.long)),
    lambda L: L.linalg.inv(L.tensor([[1., 2., 3.], [1., 2., 3.], [0., 0., 1.]])),
    lambda L: L.linalg.inv(L.ones(3)),
    lambda L: L.linalg.cholesky(L.tensor([[1., 2.], [2., 1.]])),
    lambda L: L.linalg.solve(L.zeros(3, 3), L.ones(3)),
    lambda L: L.symeig(L.eye(2)),
    lambda L: L.eig(L.eye(2)),
    lambda L: L.lstsq(L.eye(2), L.eye(2)),
    lambda L: L.solve(L.eye(2), L.eye(2)),
    lambda L: L.matrix_rank(L.eye(2)),
    lambda L: L.cholesky_inverse(L.ones(2, 3)),
    lambda L: L.cholesky_inverse(L.ones(2, 2, dtype=L.long)),
    lambda L: L.cholesky_solve(L.ones(2, 1), L.ones(2, 3)),
    lambda L: L.cholesky_solve(L.ones(1), L.ones(2, 2)),
    lambda L: L.cholesky_solve(L.ones(2, 1), L.ones(2, 2, dtype=L.double)),
    lambda L: L.cholesky_solve(L.ones(2, 1, dtype=L.long), L.ones(2, 2, dtype=L.long)),
    lambda L: L.triangular_solve(L.ones(2, 1, dtype=L.long), L.ones(2, 2, dtype=L.long)),
    lambda L: L.geqrf(L.ones(3)),
    lambda L: L.geqrf(L.ones(2, 2, dtype=L.long)),
    lambda L: L.ormqr(L.ones(3, 2), L.ones(3), L.ones(3, 3)),
    lambda L: L.lu_unpack(L.ones(3, 3), L.ones(3)),
    lambda L: L.lu(L.ones(3, 3), pivot=False),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    f, t = _error(lambda: ERRORS[i](flambeau)), _error(lambda: ERRORS[i](torch))
    assert f == (t[0].lstrip("_"), t[1])


def test_ex_variants_and_return_types():
    a, t = twins(np.stack([np.eye(3), np.zeros((3, 3))]))
    assert flambeau.linalg.inv_ex(a).info.tolist() == torch.linalg.inv_ex(t).info.tolist()
    s, ts = twins(-np.eye(3))
    assert flambeau.linalg.cholesky_ex(s).info.item() == torch.linalg.cholesky_ex(ts).info.item()
    r = flambeau.linalg.slogdet(twins(M)[0])
    assert type(r).__name__ == "linalg_slogdet" and r._fields == ("sign", "logabsdet")
    u = flambeau.svd(twins(TALL)[0])
    assert u._fields == ("U", "S", "V") and tuple(u.V.shape) == (2, 3, 3)



@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("driver", [None, "gelsd", "gels"])
def test_lstsq_out(driver):
    (a, ta), (b, tb) = twins(TALL), twins(RHS[:, :1, :].repeat(5, 1))
    outs, touts = ([L.zeros(1, dtype=d) for d in (L.double, L.double, L.long, L.double)]
                   for L in (flambeau, torch))
    r = flambeau.linalg.lstsq(a, b, driver=driver, out=tuple(outs))
    torch.linalg.lstsq(ta, tb, driver=driver, out=tuple(touts))
    assert all(x is y for x, y in zip(r, outs)) and r.solution is outs[0]
    for f, t in zip(outs, touts):
        close(f, t)

SECOND_ORDER = CASES + [
    ("lstsq_wide", lambda L, a, b: L.linalg.lstsq(a, b).solution,
     [TALL.swapaxes(-1, -2), RHS[:, :3, :]]),
    ("lu_L_tall", lambda L, a: L.linalg.lu(a).L, [TALL]),
    ("lu_wide_both", lambda L, a: (lambda r: r.L.sum(-1, keepdim=True) * r.U)(
        L.linalg.lu(a)), [TALL.swapaxes(-1, -2)]),
]


@pytest.mark.parametrize("name,fn,inputs", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_second_order_grad(name, fn, inputs):
    """The gradient of a gradient (create_graph=True) matches torch's."""
    pairs = [twins(x, requires_grad=True) for x in inputs]
    outs = fn(flambeau, *[p[0] for p in pairs]), fn(torch, *[p[1] for p in pairs])
    cot = rng.standard_normal(tuple(outs[1].shape))
    if outs[1].is_complex():
        cot = cot + 1j * rng.standard_normal(tuple(outs[1].shape))
    weights = [rng.standard_normal(x.shape) for x in inputs]
    results = []
    for lib, out, k in ((flambeau, outs[0], 0), (torch, outs[1], 1)):
        xs = [p[k] for p in pairs]
        grads = lib.autograd.grad([out], xs, [lib.tensor(cot)], create_graph=True)
        total = sum((g * lib.tensor(w)).sum() for g, w in zip(grads, weights))
        results.append(lib.autograd.grad([total], xs, allow_unused=True))
    for fg, tg in zip(*results):
        if tg is None or tg._is_zerotensor():  # torch's zero second derivatives
            assert fg is None or not fg.detach().numpy().any()
        else:
            close(fg, tg, 1e-5)


def test_eig_second_order():
    """eig's gradient is differentiable again: second derivatives match torch's."""
    a = np.random.default_rng(0).standard_normal((3, 3))
    w = np.random.default_rng(1).standard_normal((3, 3))
    results = []
    for m in (flambeau, torch):
        x = m.tensor(a, requires_grad=True)
        vals, vecs = m.linalg.eig(x)
        out = (vals * vals).real.sum() + vecs.abs().sum()
        g, = m.autograd.grad(out, x, create_graph=True)
        gg, = m.autograd.grad((g * m.tensor(w)).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


# ---- legacy solvers, geqrf/ormqr, low-rank SVD ---------------------------------------------

TRI = np.tril(M) + 4 * np.eye(4)
CHOL = np.linalg.cholesky(SPD)
LEGACY = [
    ("lu", lambda L, a: L.lu(a)[0], [M]),
    ("lu_unpack", lambda L, a: (lambda r: r.P @ r.L @ r.U)(L.lu_unpack(*L.linalg.lu_factor(a))),
     [TALL]),
    ("lu_unpack_wide", lambda L, a: L.lu_unpack(*L.linalg.lu_factor(a)).U,
     [TALL.swapaxes(-1, -2)]),
    ("lu_solve_legacy", lambda L, b, a: L.lu_solve(b, *L.linalg.lu_factor(a)), [RHS, M]),
    ("cholesky_inverse", lambda L, c: L.cholesky_inverse(c), [CHOL]),
    ("cholesky_inverse_up", lambda L, c: L.cholesky_inverse(c.mT, upper=True), [CHOL]),
    ("cholesky_solve", lambda L, b, c: L.cholesky_solve(b, c), [RHS, CHOL]),
    ("cholesky_solve_up", lambda L, b, c: L.cholesky_solve(b, c.mT, True), [RHS, CHOL]),
    ("triangular_solve", lambda L, b, a: L.triangular_solve(b, a, upper=False).solution,
     [RHS, TRI]),
    ("triangular_solve_t", lambda L, b, a: L.triangular_solve(b, a, False, True, True)[0],
     [RHS, TRI]),
    ("triangular_solve_clone", lambda L, b, a: (lambda r: r[0].sum() * r[1])(
        L.triangular_solve(b, a.mT)), [RHS, TRI]),
    ("ormqr", lambda L, b: (lambda g: L.ormqr(g.a, g.tau, b))(L.geqrf(L.tensor(TALL))),
     [rng.standard_normal((2, 5, 2))]),
    ("ormqr_right_t", lambda L, a, c: L.ormqr(a, a[..., 0, :], c, left=False, transpose=True),
     [TALL, RHS.swapaxes(-1, -2)[..., :1].repeat(5, -1)]),
    ("householder_product", lambda L, a: L.linalg.householder_product(a, a[..., 0, :2]), [TALL]),
    ("svd_lowrank_recon", lambda L, a: (lambda r: (r[0] * r[1].unsqueeze(-2)) @ r[2].mT)(
        L.svd_lowrank(a, q=3)), [TALL]),
    # q = the rank: with fewer, the approximation amplifies rounding (1e-9 to 1e-5 by seed)
    ("pca_lowrank_S", lambda L, a: L.pca_lowrank(a @ a.mT, q=3)[1], [TALL]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name,fn,inputs", LEGACY, ids=[c[0] for c in LEGACY])
def test_legacy_forward_and_grad(name, fn, inputs):
    test_forward_and_grad(name, fn, inputs)


# second derivatives of the legacy ops that tests/test_gradcheck.py checks numerically; the
# column-major inputs are laid out like the LAPACK results its OpInfo samples come from
LEGACY_SECOND_ORDER = [c for c in LEGACY
                       if c[0].startswith(("lu_unpack", "cholesky_inverse", "ormqr_"))] + [
    ("ormqr_tau", lambda L, a, tau, c: L.ormqr(a, tau, c, transpose=True),
     [TALL, rng.standard_normal((2, 3)), rng.standard_normal((2, 5, 2))]),
    ("ormqr_fortran", lambda L, a, tau, c: L.ormqr(a, tau, c),
     [np.asfortranarray(M[0]), rng.standard_normal(4), np.asfortranarray(M[1])]),
    ("cholesky_inverse_fortran", lambda L, c: L.cholesky_inverse(c), [np.asfortranarray(CHOL[0])]),
    ("lu_unpack_both", lambda L, a: (lambda r: r.L.sum(-1, keepdim=True) * r.U)(
        L.lu_unpack(*L.linalg.lu_factor(a))), [TALL.swapaxes(-1, -2)]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name,fn,inputs", LEGACY_SECOND_ORDER,
                         ids=[c[0] for c in LEGACY_SECOND_ORDER])
def test_legacy_second_order_grad(name, fn, inputs):
    test_second_order_grad(name, fn, inputs)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_legacy_types_names_and_geqrf():
    a, t = twins(M, requires_grad=True)
    r, rt = flambeau.lu(a, get_infos=True), torch.lu(t, get_infos=True)
    assert type(r).__name__ == type(rt).__name__ and r._fields == ("LU", "pivots", "info")
    assert r.pivots.tolist() == rt.pivots.tolist()
    assert r.info.dtype == flambeau.int32 and r.LU.grad_fn.name() == rt.LU.grad_fn.name()
    f, g = flambeau.geqrf(a), torch.geqrf(t)
    assert type(f).__name__ == "geqrf" and f._fields == ("a", "tau")
    close(f.a, g.a)
    close(f.tau, g.tau)
    b, tb = twins(RHS, requires_grad=True)
    for fn in (lambda L, x, y: L.lu_unpack(*L.linalg.lu_factor(x)).L,
               lambda L, x, y: L.lu_solve(y, *L.linalg.lu_factor(x)),
               lambda L, x, y: L.cholesky_inverse(x), lambda L, x, y: L.cholesky_solve(y, x),
               lambda L, x, y: L.triangular_solve(y, x)[1],
               lambda L, x, y: L.ormqr(x, x[..., 0, :], y),
               lambda L, x, y: L.linalg.householder_product(x, x[..., 0, :])):
        assert fn(flambeau, a, b).grad_fn.name() == fn(torch, t, tb).grad_fn.name()
    with pytest.raises(NotImplementedError, match="the derivative for 'geqrf' is not implemented"):
        f.a.sum().backward()
    e = flambeau.lu_unpack(*flambeau.linalg.lu_factor(a), unpack_data=False)
    assert e.L.numel() == 0 and e.P.shape == (2, 4, 4)
    with pytest.warns(UserWarning, match="torch.triangular_solve is deprecated"):
        flambeau.triangular_solve(b, a)


@pytest.mark.parametrize("dtype,hermitian", [(np.float64, False), (np.float32, False),
                                             (np.complex128, False), (np.complex128, True)])
def test_ldl_factor_matches_lapack_and_solves(dtype, hermitian):
    """Bunch-Kaufman pivots and LD equal LAPACK sytrf/hetrf's (via torch); ldl_solve solves."""
    g = np.random.default_rng(3)
    a = g.standard_normal((3, 2, 7, 7)).astype(dtype)
    if np.iscomplexobj(a):
        a = a + 1j * g.standard_normal(a.shape)
    a = a + (np.conj(a.swapaxes(-1, -2)) if hermitian else a.swapaxes(-1, -2))
    a[0, 0] = np.diag(np.arange(1.0, 8.0))  # no pivoting
    a[0, 1, :2, :2] = 0  # a zero first pivot: a 2x2 block
    (f, t), b = twins(a, dtype), twins(g.standard_normal((7, 2)), dtype)
    rf = flambeau.linalg.ldl_factor_ex(f, hermitian=hermitian)
    rt = torch.linalg.ldl_factor_ex(t, hermitian=hermitian)
    assert np.array_equal(rf.pivots.numpy(), rt.pivots.numpy())
    assert rf.info.tolist() == rt.info.tolist() and rf.LD.dtype == f.dtype
    close(rf.LD, rt.LD, 1e-4)
    tol = 1e-3 if dtype == np.float32 else 1e-8
    close(flambeau.linalg.ldl_solve(rf.LD, rf.pivots, b[0], hermitian=hermitian),
          torch.linalg.ldl_solve(rt.LD, rt.pivots, b[1], hermitian=hermitian), tol)
    assert type(flambeau.linalg.ldl_factor(f)).__name__ == "linalg_ldl_factor"
