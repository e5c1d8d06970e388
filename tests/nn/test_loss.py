"""Every loss of nn.functional against torch: values, input gradients, grad_fn names, errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import flambeau
import flambeau.nn.functional as F
from conftest import assert_same, raises_like, twins

rng = np.random.default_rng(0)


def randn(*shape):
    return rng.standard_normal(shape)


def classes(n, c, shape=()):
    return rng.integers(0, c, (n,) + shape)


# name, arrays (float arrays get gradients), keyword arguments
CASES = [
    ("mse_loss", lambda: [randn(4, 5), randn(4, 5)], {}),
    ("l1_loss", lambda: [randn(4, 5), randn(4, 5)], {}),
    ("smooth_l1_loss", lambda: [randn(4, 5), randn(4, 5)], {"beta": 0.5}),
    ("smooth_l1_loss", lambda: [randn(4, 5), randn(4, 5)], {"beta": 0.0}),
    ("huber_loss", lambda: [randn(4, 5), randn(4, 5)], {"delta": 0.7}),
    ("soft_margin_loss", lambda: [randn(4, 5), np.sign(randn(4, 5))], {}),
    ("binary_cross_entropy", lambda: [rng.uniform(0.05, 0.95, (4, 5)), rng.uniform(0, 1, (4, 5))],
     {}),
    ("binary_cross_entropy", lambda: [rng.uniform(0.05, 0.95, (4, 5)), rng.uniform(0, 1, (4, 5))],
     {"weight": rng.uniform(0, 1, (5,))}),
    ("binary_cross_entropy_with_logits", lambda: [randn(4, 5) * 3, rng.uniform(0, 1, (4, 5))],
     {}),
    ("binary_cross_entropy_with_logits", lambda: [randn(4, 5) * 3, rng.uniform(0, 1, (4, 5))],
     {"weight": rng.uniform(0, 1, (4, 5)), "pos_weight": rng.uniform(0.5, 2, (5,))}),
    ("kl_div", lambda: [np.log(rng.uniform(0.1, 1, (4, 5))), rng.uniform(0, 1, (4, 5))],
     {"reduction_extra": "batchmean"}),
    ("kl_div", lambda: [np.log(rng.uniform(0.1, 1, (4, 5))), np.log(rng.uniform(0.1, 1, (4, 5)))],
     {"log_target": True}),
    ("nll_loss", lambda: [randn(6, 5), classes(6, 5)], {}),
    ("nll_loss", lambda: [randn(6, 5), np.array([0, 1, -100, 3, 4, 4])],
     {"weight": rng.uniform(0.5, 2, 5)}),
    ("nll_loss", lambda: [randn(5), np.array(3)], {}),
    ("nll_loss", lambda: [randn(2, 3, 4, 5), classes(2, 3, (4, 5))], {"ignore_index": 1}),
    ("nll_loss", lambda: [randn(2, 3, 4), classes(2, 3, (4,))], {"weight": rng.uniform(0.5, 2, 3)}),
    ("nll_loss", lambda: [randn(2, 3, 2, 2, 2), classes(2, 3, (2, 2, 2))], {}),
    ("cross_entropy", lambda: [randn(6, 5), classes(6, 5)], {}),
    ("cross_entropy", lambda: [randn(6, 5), classes(6, 5)],
     {"label_smoothing": 0.2, "weight": rng.uniform(0.5, 2, 5)}),
    ("cross_entropy", lambda: [randn(6, 5), np.array([0, 1, -100, 3, 4, 4])],
     {"label_smoothing": 0.1}),
    ("cross_entropy", lambda: [randn(6, 5), rng.dirichlet(np.ones(5), 6)], {}),
    ("cross_entropy", lambda: [randn(2, 5, 3), rng.dirichlet(np.ones(5), (2, 3)).transpose(0, 2,
                                                                                           1)],
     {"label_smoothing": 0.3, "weight": rng.uniform(0.5, 2, 5)}),
    ("cross_entropy", lambda: [randn(2, 4, 3, 3), classes(2, 4, (3, 3))], {"label_smoothing": 0.1}),
    ("cross_entropy", lambda: [randn(4), np.array(2)], {}),
    ("multilabel_soft_margin_loss", lambda: [randn(4, 5), rng.integers(0, 2, (4, 5)) * 1.0],
     {"weight": rng.uniform(0, 1, 5)}),
    ("multilabel_margin_loss", lambda: [randn(3, 5), np.array([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0],
                                                               [-1, 1, 1, 1, 1]])], {}),
    ("multilabel_margin_loss", lambda: [randn(4), np.array([3, 0, -1, 1])], {}),
    ("multi_margin_loss", lambda: [randn(6, 5), classes(6, 5)], {}),
    ("multi_margin_loss", lambda: [randn(6, 5), classes(6, 5)],
     {"p": 2, "margin": 0.7, "weight": rng.uniform(0.5, 2, 5)}),
    ("multi_margin_loss", lambda: [randn(5), np.array(1)], {}),
    ("hinge_embedding_loss", lambda: [randn(4, 5), np.sign(randn(4, 5))], {"margin": 0.5}),
    ("cosine_embedding_loss", lambda: [randn(4, 5), randn(4, 5), np.sign(randn(4))],
     {"margin": 0.2}),
    ("margin_ranking_loss", lambda: [randn(6), randn(6), np.sign(randn(6))], {"margin": 0.3}),
    ("triplet_margin_loss", lambda: [randn(4, 5), randn(4, 5), randn(4, 5)], {"swap": True}),
    ("triplet_margin_loss", lambda: [randn(4, 5), randn(4, 5), randn(4, 5)], {"p": 1}),
    ("triplet_margin_with_distance_loss", lambda: [randn(4, 5), randn(4, 5), randn(4, 5)],
     {"swap": True}),
    ("poisson_nll_loss", lambda: [randn(4, 5), rng.poisson(2, (4, 5)) * 1.0], {}),
    ("poisson_nll_loss", lambda: [rng.uniform(0.1, 3, (4, 5)), rng.poisson(2, (4, 5)) * 1.0],
     {"log_input": False, "full": True}),
    ("gaussian_nll_loss", lambda: [randn(4, 5), randn(4, 5), rng.uniform(0.1, 2, (4, 5))],
     {"full": True}),
    ("gaussian_nll_loss", lambda: [randn(4, 5), randn(4, 5), rng.uniform(0.1, 2, (4,))], {}),
]

REDUCTIONS = ("mean", "sum", "none")
NO_TARGET_GRAD = ("soft_margin_loss",)


def _case_ids():
    return [f"{name}-{i}" for i, (name, _, _) in enumerate(CASES)]


def _run(lib_f, name, tensors, kwargs, reduction):
    kwargs = dict(kwargs)
    extra = kwargs.pop("reduction_extra", None)
    kwargs["reduction"] = extra if extra and reduction == "mean" else reduction
    weights = {k: v for k, v in kwargs.items() if isinstance(v, tuple)}
    for k, (ours, theirs) in weights.items():
        kwargs[k] = ours if lib_f is F else theirs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(lib_f, name)(*tensors, **kwargs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", range(len(CASES)), ids=_case_ids())
def test_loss_matches_torch(case, reduction, dtype):
    name, make_arrays, kwargs = CASES[case]
    arrays = make_arrays()
    kwargs = {k: twins(v, dtype) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    pairs = [twins(a, dtype,
                   requires_grad=a.dtype.kind == "f" and not (i and name in NO_TARGET_GRAD))
             for i, a in enumerate(arrays)]
    ours = _run(F, name, [p[0] for p in pairs], kwargs, reduction)
    theirs = _run(TF, name, [p[1] for p in pairs], kwargs, reduction)
    tol = 1e-10 if dtype == np.float64 else 2e-5
    assert_same(ours, theirs, rtol=tol, atol=tol)
    # torch's C++ divides by a number (DivBackward1); from Python that is DivBackward0
    if theirs.grad_fn is not None and theirs.grad_fn.name() != "DivBackward1":
        assert ours.grad_fn.name() == theirs.grad_fn.name()
    grad = rng.standard_normal(tuple(theirs.shape)).astype(dtype)
    theirs.backward(torch.tensor(grad))
    ours.backward(flambeau.tensor(grad))
    for (o, t) in pairs:
        if t.grad is not None:
            assert_same(o.grad, t.grad, rtol=tol * 10, atol=tol * 10)


def test_ctc_loss_matches_torch():
    T, N, C, S = 12, 3, 5, 4
    logits = randn(T, N, C)
    targets = rng.integers(1, C, (N, S))
    in_lens, tg_lens = [12, 10, 7], [4, 2, 3]
    for reduction in REDUCTIONS:
        for tgt in (targets, np.concatenate([targets[i, :tg_lens[i]] for i in range(N)])):
            x_o, x_t = twins(logits, requires_grad=True)
            lp_o, lp_t = x_o.log_softmax(2), x_t.log_softmax(2)
            ours = F.ctc_loss(lp_o, flambeau.tensor(tgt), in_lens, tg_lens, reduction=reduction)
            theirs = TF.ctc_loss(lp_t, torch.tensor(tgt), torch.tensor(in_lens),
                                 torch.tensor(tg_lens), reduction=reduction)
            assert_same(ours, theirs, rtol=1e-9, atol=1e-9)
            ours.sum().backward()
            theirs.sum().backward()
            assert_same(x_o.grad, x_t.grad, rtol=1e-9, atol=1e-9)


def test_grad_fn_names():
    x, t = twins(randn(4, 5), requires_grad=True)
    y = twins(np.array([0, 1, 2, 3]))
    ours, theirs = F.cross_entropy(x, y[0]), TF.cross_entropy(t, y[1])
    assert ours.grad_fn.name() == "NllLossBackward0"
    assert ours.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
    assert theirs.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"


def test_legacy_reduction_warns():
    x, t = twins(randn(4, 5))
    y = twins(np.array([0, 1, 2, 3]))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, "
                                         "please use reduction='sum' instead."):
        ours = F.nll_loss(x, y[0], size_average=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(ours, TF.nll_loss(t, y[1], size_average=False), rtol=1e-12)
        assert_same(F.mse_loss(x, x * 2, reduce=False), TF.mse_loss(t, t * 2, reduce=False))


def test_mse_broadcast_warns(as_torch):
    x, t = twins(randn(4, 5))
    y, u = twins(randn(5))
    with pytest.warns(UserWarning, match="Using a target size"):
        ours = F.mse_loss(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(ours, TF.mse_loss(t, u))


def _err(fn_name, *arrays, **kwargs):
    pairs = [twins(a) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: getattr(F, fn_name)(*[p[0] for p in pairs], **kwargs),
                    lambda: getattr(TF, fn_name)(*[p[1] for p in pairs], **kwargs))


@pytest.mark.parametrize("args", [
    ("nll_loss", randn(4, 5), np.array([0, 1, 2, 5])),
    ("nll_loss", randn(4, 5), np.array([0, 1, 2, -1])),
    ("nll_loss", randn(4, 5), np.array([0, 1, 2])),
    ("nll_loss", randn(4, 5), np.array([0, 1, 2, 3], np.int32)),
    ("nll_loss", randn(4, 5), np.zeros((4, 2), np.int64)),
    ("nll_loss", randn(2, 3, 4, 5), np.zeros((2, 4), np.int64)),
    ("nll_loss", randn(2, 3, 4, 5), np.zeros((2, 4, 6), np.int64)),
    ("nll_loss", randn(2, 3, 4), np.zeros((2, 5), np.int64)),
    ("nll_loss", np.array(1.0), np.array(0)),
    ("cross_entropy", randn(4, 5), np.array([0, 1, 2, 5])),
    ("cross_entropy", randn(4, 5), rng.uniform(0, 1, (4, 3))),
    ("mse_loss", randn(4, 5), randn(4, 3)),
    ("binary_cross_entropy", rng.uniform(0, 1, 4), rng.uniform(0, 1, 3)),
    ("binary_cross_entropy", rng.uniform(0, 1, 4) * 3, rng.uniform(0, 1, 4)),
    ("binary_cross_entropy_with_logits", randn(4, 5), rng.uniform(0, 1, (4, 3))),
    ("multi_margin_loss", randn(4, 5), np.array([0, 1, 2, 7])),
    ("multilabel_margin_loss", randn(4, 5), np.array([0, 1, 2, 3])),
])
def test_errors_match_torch(args, as_torch):
    _err(*args)


def test_not_differentiable_arguments():
    x, t = twins(randn(4, 5), requires_grad=True)
    y, u = twins(np.sign(randn(4, 5)), requires_grad=True)
    raises_like(lambda: F.soft_margin_loss(x, y), lambda: TF.soft_margin_loss(t, u))
    p, q = twins(rng.uniform(0.1, 0.9, (4, 5)), requires_grad=True)
    w, v = twins(rng.uniform(0.1, 0.9, 5), requires_grad=True)
    raises_like(lambda: F.binary_cross_entropy(p, p.detach(), w),
                lambda: TF.binary_cross_entropy(q, q.detach(), v))
    raises_like(lambda: F.binary_cross_entropy_with_logits(x, p.detach(), w),
                lambda: TF.binary_cross_entropy_with_logits(t, q.detach(), v))


def test_bad_reduction_and_weight_errors():
    _err("nll_loss", randn(4, 5), np.array([0, 1, 2, 3]), reduction="foo")
    x, t = twins(randn(4, 5))
    y = twins(np.array([0, 1, 2, 3]))
    w = twins(np.ones(3))
    raises_like(lambda: F.nll_loss(x, y[0], weight=w[0]), lambda: TF.nll_loss(t, y[1], weight=w[1]))
    raises_like(lambda: F.cross_entropy(x, y[0], label_smoothing=1.5),
                lambda: TF.cross_entropy(t, y[1], label_smoothing=1.5))
    raises_like(lambda: F.triplet_margin_loss(x, x, x, margin=0),
                lambda: TF.triplet_margin_loss(t, t, t, margin=0))


def test_ignored_everything_is_nan_and_none_zero():
    x, t = twins(randn(3, 4), requires_grad=True)
    y = twins(np.array([-100, -100, -100]))
    ours, theirs = F.cross_entropy(x, y[0]), TF.cross_entropy(t, y[1])
    assert np.isnan(ours.item()) and np.isnan(theirs.item())
    assert_same(F.nll_loss(x, y[0], reduction="none"), TF.nll_loss(t, y[1], reduction="none"))


def test_one_hot():
    t = twins(np.array([[0, 3], [2, 1]]))
    assert_same(F.one_hot(t[0]), TF.one_hot(t[1]))
    assert_same(F.one_hot(t[0], 6), TF.one_hot(t[1], 6))
    raises_like(lambda: F.one_hot(t[0], 2), lambda: TF.one_hot(t[1], 2))
    raises_like(lambda: F.one_hot(t[0] - 1), lambda: TF.one_hot(t[1] - 1))
    raises_like(lambda: F.one_hot(t[0].float()), lambda: TF.one_hot(t[1].float()))


def test_double_backward_of_mse():
    x, t = twins(randn(3, 4), requires_grad=True)
    y = twins(randn(3, 4))
    gx_o, = flambeau.autograd.grad(F.mse_loss(x, y[0]), x, create_graph=True)
    gx_t, = torch.autograd.grad(TF.mse_loss(t, y[1]), t, create_graph=True)
    (gx_o * gx_o).sum().backward()
    (gx_t * gx_t).sum().backward()
    assert_same(x.grad, t.grad, rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_double_backward_of_cross_entropy(reduction):
    """cross_entropy over class indices computes its input's gradient in the nll node and
    passes it through the log_softmax node: under create_graph both must be torch's formulas
    (an output gradient that requires grad too, and a graph of the gradient differentiated)."""
    local = np.random.default_rng(1)  # (the module's generator feeds later tests)
    x, t = twins(local.standard_normal((6, 5)), requires_grad=True)
    y = twins(np.array([0, 1, -100, 3, 4, 4]))
    w = twins(local.uniform(0.5, 2, 5))
    g = twins(local.standard_normal(6 if reduction == "none" else ()), requires_grad=True)
    results = []
    for lib_f, lib, i in ((F, flambeau, 0), (TF, torch, 1)):
        loss = lib_f.cross_entropy((x, t)[i], y[i], weight=w[i], reduction=reduction)
        gx, = lib.autograd.grad(loss, (x, t)[i], g[i], create_graph=True)
        (gx * gx.cos()).sum().backward()
        results.append((gx, (x, t)[i].grad, g[i].grad))
    assert_same(*results, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_linear_cross_entropy(reduction):
    x, w, b = twins(randn(4, 6), requires_grad=True), twins(randn(5, 3, 6), requires_grad=True), \
        twins(randn(5, 3), requires_grad=True)
    t = twins(classes(4, 5, (3,)))
    ours = F.linear_cross_entropy(x[0], w[0], t[0], linear_bias=b[0], reduction=reduction,
                                  label_smoothing=0.1)
    theirs = TF.linear_cross_entropy(x[1], w[1], t[1], linear_bias=b[1], reduction=reduction,
                                     label_smoothing=0.1)
    assert_same(ours, theirs, rtol=1e-10, atol=1e-10)
    ours.sum().backward(), theirs.sum().backward()
    for o, th in (x, w, b):
        assert_same(o.grad, th.grad, rtol=1e-9, atol=1e-9)
    module = flambeau.nn.LinearCrossEntropyLoss(6, 5, bias=True, dtype=flambeau.float64)
    reference = torch.nn.LinearCrossEntropyLoss(6, 5, bias=True, dtype=torch.float64)
    module.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in
                            reference.state_dict().items()})
    t = twins(classes(4, 5))
    assert_same(module(x[0], t[0]), reference(x[1], t[1]), rtol=1e-10, atol=1e-10)
    raises_like(lambda: F.linear_cross_entropy(x[0], w[0][0], t[0]),
                lambda: TF.linear_cross_entropy(x[1], w[1][0], t[1]))


def test_scalar_losses():
    x, t = twins(np.array(0.3), requires_grad=True)
    y = twins(np.array(-1.2))
    for reduction in REDUCTIONS:
        assert_same(F.mse_loss(x, y[0], reduction=reduction),
                    TF.mse_loss(t, y[1], reduction=reduction), rtol=1e-12)
