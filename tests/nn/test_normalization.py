"""Normalization and distances against torch: functions, modules (running statistics over
several steps, eval mode, state dicts, reprs), gradients, grad_fn names and errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import flambeau
import flambeau.nn as nn
import flambeau.nn.functional as F
from conftest import assert_same, raises_like, twins

rng = np.random.default_rng(0)


def tol(dtype):
    return 1e-10 if dtype == np.float64 else 5e-5


def check_backward(out_pair, inputs, dtype):
    """Backward of a random gradient through both; every gradient compared."""
    ours, theirs = out_pair
    g = rng.standard_normal(tuple(theirs.shape)).astype(dtype)
    ours.backward(flambeau.tensor(g))
    theirs.backward(torch.tensor(g))
    for o, t in inputs:
        if t.grad is not None:
            assert_same(o.grad, t.grad, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (4, 3, 2, 5), (2, 3, 2, 2, 2)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_function(shape, training, affine, dtype):
    x = twins(rng.standard_normal(shape) * 2 + 1, dtype, requires_grad=True)
    w = twins(rng.standard_normal(3), dtype, requires_grad=True) if affine else (None, None)
    b = twins(rng.standard_normal(3), dtype, requires_grad=True) if affine else (None, None)
    rm, rv = twins(rng.standard_normal(3), dtype), twins(rng.uniform(0.5, 2, 3), dtype)
    ours = F.batch_norm(x[0], rm[0], rv[0], w[0], b[0], training, 0.3, 1e-5)
    theirs = TF.batch_norm(x[1], rm[1], rv[1], w[1], b[1], training, 0.3, 1e-5)
    assert_same(ours, theirs, rtol=tol(dtype), atol=tol(dtype))
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "NativeBatchNormBackward0"
    assert_same(rm[0], rm[1], rtol=tol(dtype), atol=tol(dtype))
    assert_same(rv[0], rv[1], rtol=tol(dtype), atol=tol(dtype))
    check_backward((ours, theirs), [x, w, b] if affine else [x], dtype)


def test_native_batch_norm_outputs():
    x = twins(rng.standard_normal((6, 4)))
    for training in (True, False):
        rm, rv = twins(np.zeros(4)), twins(np.ones(4))
        ours = flambeau.native_batch_norm(x[0], None, None, rm[0], rv[0], training, 0.1, 1e-5)
        theirs = torch.native_batch_norm(x[1], None, None, rm[1], rv[1], training, 0.1, 1e-5)
        for o, t in zip(ours, theirs):
            assert_same(o, t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)),
                                       ("BatchNorm2d", (4, 3, 2, 5)),
                                       ("BatchNorm3d", (2, 3, 2, 2, 2)),
                                       ("SyncBatchNorm", (4, 3, 2, 5))])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_module_steps(cls, shape, momentum, dtype):
    torch_dtype = getattr(torch, np.dtype(dtype).name)
    ours = getattr(nn, cls)(3, momentum=momentum, dtype=getattr(flambeau, np.dtype(dtype).name))
    theirs = getattr(torch.nn, cls)(3, momentum=momentum, dtype=torch_dtype)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-1, 1)
    ours.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    for _ in range(3):
        x = twins(rng.standard_normal(shape) * 3 + 2, dtype, requires_grad=True)
        out = ours(x[0]), theirs(x[1])
        assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
        check_backward(out, [x], dtype)
    assert_same(ours.weight.grad, theirs.weight.grad, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)
    assert_same(ours.bias.grad, theirs.bias.grad, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert_same(getattr(ours, name), getattr(theirs, name), rtol=tol(dtype),
                    atol=tol(dtype))
    ours.eval(), theirs.eval()
    x = twins(rng.standard_normal(shape), dtype, requires_grad=True)
    out = ours(x[0]), theirs(x[1])
    assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
    check_backward(out, [x], dtype)
    assert int(ours.num_batches_tracked) == 3


def test_batch_norm_without_running_stats():
    ours, theirs = nn.BatchNorm1d(4, track_running_stats=False), \
        torch.nn.BatchNorm1d(4, track_running_stats=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = twins(rng.standard_normal((5, 4)), np.float32)
    assert_same(ours(x[0]), theirs(x[1]), rtol=1e-5, atol=1e-5)
    raises_like(lambda: ours(x[0].double()), lambda: theirs(x[1].double()))
    ours.eval(), theirs.eval()
    assert_same(ours(x[0]), theirs(x[1]), rtol=1e-5, atol=1e-5)


def test_batch_norm_state_dict_and_buffers():
    ours, theirs = nn.BatchNorm2d(5), torch.nn.BatchNorm2d(5)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert ours.num_batches_tracked.dtype == flambeau.int64
    assert list(nn.BatchNorm1d(3, affine=False).state_dict()) == \
        list(torch.nn.BatchNorm1d(3, affine=False).state_dict())


def test_reprs(as_torch):
    pairs = [
        ("BatchNorm1d", (100,), {}), ("BatchNorm2d", (16,), {"momentum": None, "affine": False}),
        ("BatchNorm3d", (4,), {"eps": 1e-3, "track_running_stats": False}),
        ("SyncBatchNorm", (8,), {}), ("InstanceNorm1d", (3,), {}),
        ("InstanceNorm2d", (3,), {"affine": True}), ("InstanceNorm3d", (3,), {}),
        ("LayerNorm", ((4, 5),), {}), ("LayerNorm", (5,), {"bias": False}),
        ("GroupNorm", (2, 4), {}), ("RMSNorm", ([3, 4],), {}), ("RMSNorm", (3,), {"eps": 1e-6}),
        ("LocalResponseNorm", (2,), {}), ("CrossMapLRN2d", (3,), {}),
        ("PairwiseDistance", (), {}), ("CosineSimilarity", (), {"dim": 0}),
        ("CrossEntropyLoss", (), {}), ("TripletMarginWithDistanceLoss", (), {}),
        ("MSELoss", (), {"reduction": "sum"}), ("NLLLoss", (), {}),
        ("LazyBatchNorm1d", (), {}), ("LazyInstanceNorm2d", (), {}),
    ]
    for name, args, kwargs in pairs:
        assert repr(getattr(nn, name)(*args, **kwargs)) == \
            repr(getattr(torch.nn, name)(*args, **kwargs)), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layer_norm(dtype):
    x = twins(rng.standard_normal((2, 3, 4, 5)), dtype, requires_grad=True)
    w, b = twins(rng.standard_normal((4, 5)), dtype, requires_grad=True), \
        twins(rng.standard_normal((4, 5)), dtype, requires_grad=True)
    out = F.layer_norm(x[0], (4, 5), w[0], b[0]), TF.layer_norm(x[1], (4, 5), w[1], b[1])
    assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
    assert out[0].grad_fn.name() == out[1].grad_fn.name() == "NativeLayerNormBackward0"
    check_backward(out, [x, w, b], dtype)
    x = twins(rng.standard_normal((6, 5)), dtype, requires_grad=True)
    out = F.layer_norm(x[0], [5]), TF.layer_norm(x[1], [5])
    assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
    check_backward(out, [x], dtype)
    ours = flambeau.native_layer_norm(x[0].detach(), [5], None, None, 1e-5)
    theirs = torch.native_layer_norm(x[1].detach(), [5], None, None, 1e-5)
    for o, t in zip(ours, theirs):
        assert_same(o, t, rtol=tol(dtype), atol=tol(dtype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape,groups", [((2, 6, 4, 5), 3), ((3, 4), 2), ((2, 4, 7), 1),
                                          ((2, 4, 3), 4)])
def test_group_norm(shape, groups, dtype):
    c = shape[1]
    x = twins(rng.standard_normal(shape), dtype, requires_grad=True)
    w, b = twins(rng.standard_normal(c), dtype, requires_grad=True), twins(rng.standard_normal(c),
                                                                           dtype,
                                                                 requires_grad=True)
    out = F.group_norm(x[0], groups, w[0], b[0]), TF.group_norm(x[1], groups, w[1], b[1])
    assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
    assert out[0].grad_fn.name() == out[1].grad_fn.name()
    check_backward(out, [x, w, b], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_module_layer_group_rms(dtype):
    fl_dtype, t_dtype = getattr(flambeau, np.dtype(dtype).name), getattr(torch,
                                                                         np.dtype(dtype).name)
    for name, args in (("LayerNorm", ((3, 4),)), ("GroupNorm", (2, 6)), ("RMSNorm", ([4],))):
        ours, theirs = getattr(nn, name)(*args, dtype=fl_dtype), \
            getattr(torch.nn, name)(*args, dtype=t_dtype)
        with torch.no_grad():
            for p in theirs.parameters():
                p.uniform_(-1, 1)
        ours.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in
                              theirs.state_dict().items()})
        x = twins(rng.standard_normal((2, 6, 3, 4)), dtype, requires_grad=True)
        out = ours(x[0]), theirs(x[1])
        assert_same(*out, rtol=tol(dtype), atol=tol(dtype))
        check_backward(out, [x], dtype)
        for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert_same(p.grad, q.grad, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (2, 3, 5)),
                                       ("InstanceNorm1d", (3, 5)),
                                       ("InstanceNorm2d", (2, 3, 4, 5)),
                                       ("InstanceNorm3d", (2, 3, 2, 3, 2))])
@pytest.mark.parametrize("track", [False, True])
def test_instance_norm_module(cls, shape, track):
    ours = getattr(nn, cls)(3, affine=True, track_running_stats=track, dtype=flambeau.float64)
    theirs = getattr(torch.nn, cls)(3, affine=True, track_running_stats=track,
                                    dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
    ours.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    for _ in range(2):
        x = twins(rng.standard_normal(shape) * 2 + 1, requires_grad=True)
        out = ours(x[0]), theirs(x[1])
        assert_same(*out, rtol=1e-10, atol=1e-10)
        check_backward(out, [x], np.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        assert_same(ours.state_dict()[k], v, rtol=1e-10, atol=1e-10)
    ours.eval(), theirs.eval()
    x = twins(rng.standard_normal(shape))
    assert_same(ours(x[0]), theirs(x[1]), rtol=1e-10, atol=1e-10)


def test_local_response_norm_rms_normalize():
    x = twins(rng.standard_normal((2, 6, 4, 5)), requires_grad=True)
    cases = [("local_response_norm", (3,), {}), ("local_response_norm", (4,), {"k": 2.0}),
             ("rms_norm", ((4, 5),), {}), ("normalize", (), {}), ("normalize", (1.0, 2), {})]
    for name, args, kwargs in cases:
        out = getattr(F, name)(x[0], *args, **kwargs), getattr(TF, name)(x[1], *args, **kwargs)
        assert_same(*out, rtol=1e-10, atol=1e-10)
        assert out[0].grad_fn.name() == out[1].grad_fn.name(), name
        x[0].grad = x[1].grad = None
        check_backward(out, [x], np.float64)
    x3 = twins(rng.standard_normal((2, 6, 5)))
    assert_same(F.local_response_norm(x3[0], 2), TF.local_response_norm(x3[1], 2), rtol=1e-10)
    for size in (3, 4, 5):  # (torch's hand-written backward does not match its forward)
        ours, theirs = nn.CrossMapLRN2d(size, 1e-1), torch.nn.CrossMapLRN2d(size, 1e-1)
        assert_same(ours(x[0]), theirs(x[1]), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("p", [2.0, 1.0, 0.0, 3.0, float("inf")])
def test_distances(p):
    x1, x2 = twins(rng.standard_normal((5, 4)), requires_grad=True), twins(rng.standard_normal((5,
                                                                                                4)),
                                                                 requires_grad=True)
    out = F.pdist(x1[0], p), TF.pdist(x1[1], p)
    assert_same(*out, rtol=1e-10, atol=1e-10)
    assert out[0].grad_fn.name() == "PdistBackward0"
    check_backward(out, [x1], np.float64)
    out = F.pairwise_distance(x1[0], x2[0], p), TF.pairwise_distance(x1[1], x2[1], p)
    assert_same(*out, rtol=1e-10, atol=1e-10)
    out = nn.PairwiseDistance(p, keepdim=True)(x1[0], x2[0]), \
        torch.nn.PairwiseDistance(p, keepdim=True)(x1[1], x2[1])
    assert_same(*out, rtol=1e-10, atol=1e-10)
    out = F.cosine_similarity(x1[0], x2[0]), TF.cosine_similarity(x1[1], x2[1])
    assert_same(*out, rtol=1e-10, atol=1e-10)
    x1[0].grad = x1[1].grad = None
    check_backward(out, [x1, x2], np.float64)
    out = nn.CosineSimilarity(0)(x1[0], x2[0]), torch.nn.CosineSimilarity(0)(x1[1], x2[1])
    assert_same(*out, rtol=1e-10, atol=1e-10)


def test_errors(as_torch):
    x = twins(rng.standard_normal((4, 5)))
    raises_like(lambda: F.batch_norm(twins(np.ones((1, 5)))[0], None, None, training=True),
                lambda: TF.batch_norm(torch.ones(1, 5, dtype=torch.float64), None, None,
                                      training=True))
    raises_like(lambda: F.batch_norm(x[0], flambeau.zeros(3), flambeau.ones(3)),
                lambda: TF.batch_norm(x[1], torch.zeros(3), torch.ones(3)))
    raises_like(lambda: F.layer_norm(x[0], (4,)), lambda: TF.layer_norm(x[1], (4,)))
    raises_like(lambda: F.group_norm(twins(np.ones((2, 6, 3)))[0], 4),
                lambda: TF.group_norm(torch.ones(2, 6, 3), 4))
    raises_like(lambda: nn.BatchNorm2d(5)(x[0]), lambda: torch.nn.BatchNorm2d(5)(x[1]))
    raises_like(lambda: nn.GroupNorm(4, 6), lambda: torch.nn.GroupNorm(4, 6))
    raises_like(lambda: F.local_response_norm(x[0], 2), lambda: TF.local_response_norm(x[1], 2))
    raises_like(lambda: F.pdist(twins(np.ones(3))[0]), lambda: TF.pdist(torch.ones(3)))
    raises_like(lambda: nn.InstanceNorm1d(3, affine=True)(twins(np.ones((2, 4, 5)))[0]),
                lambda: torch.nn.InstanceNorm1d(3, affine=True)(torch.ones(2, 4, 5)))


def test_lazy_batch_norm():
    ours = nn.LazyBatchNorm2d()
    x = twins(rng.standard_normal((2, 3, 4, 4)), np.float32)
    ours(x[0])
    assert type(ours) is nn.BatchNorm2d and ours.num_features == 3
    assert tuple(ours.running_mean.shape) == (3,)


def test_sync_batch_norm_convert():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert type(converted[1]) is nn.SyncBatchNorm
    assert converted[1].weight is model[1].weight


def test_loss_modules_match_functions():
    x = twins(rng.standard_normal((6, 5)), requires_grad=True)
    y = twins(rng.integers(0, 5, 6))
    w = twins(rng.uniform(0.5, 2, 5))
    ours = nn.CrossEntropyLoss(weight=w[0], label_smoothing=0.1)
    theirs = torch.nn.CrossEntropyLoss(weight=w[1], label_smoothing=0.1)
    out = ours(x[0], y[0]), theirs(x[1], y[1])
    assert_same(*out, rtol=1e-10, atol=1e-10)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nn.NLLLoss(size_average=False).reduction == "sum"
    with pytest.warns(FutureWarning):
        nn.NLLLoss2d()
    modules = [("MSELoss", 2), ("L1Loss", 2), ("SmoothL1Loss", 2), ("HuberLoss", 2),
               ("SoftMarginLoss", 2), ("KLDivLoss", 2), ("PoissonNLLLoss", 2),
               ("HingeEmbeddingLoss", 2), ("MarginRankingLoss", 3), ("CosineEmbeddingLoss", 3),
               ("TripletMarginLoss", 3), ("TripletMarginWithDistanceLoss", 3),
               ("BCEWithLogitsLoss", 2), ("MultiLabelSoftMarginLoss", 2)]
    for name, n in modules:
        args = [twins(rng.standard_normal((4, 5))) for _ in range(n)]
        if name == "MarginRankingLoss":
            args = [twins(rng.standard_normal(4)), twins(rng.standard_normal(4)),
                    twins(np.sign(rng.standard_normal(4)))]
        if name == "CosineEmbeddingLoss":
            args[2] = twins(np.sign(rng.standard_normal(4)))
        if name in ("BCEWithLogitsLoss", "MultiLabelSoftMarginLoss"):
            args[1] = twins(rng.uniform(0, 1, (4, 5)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert_same(getattr(nn, name)()(*[a[0] for a in args]),
                        getattr(torch.nn, name)()(*[a[1] for a in args]), rtol=1e-10,
                        atol=1e-10)


def test_group_norm_statistics_are_differentiable():
    x = twins(rng.standard_normal((2, 4, 3)), requires_grad=True)
    ours = flambeau.native_group_norm(x[0], None, None, 2, 4, 3, 2, 1e-5)
    theirs = torch.native_group_norm(x[1], None, None, 2, 4, 3, 2, 1e-5)
    assert [o.requires_grad for o in ours] == [t.requires_grad for t in theirs]
    grads = [rng.standard_normal(tuple(t.shape)) for t in theirs]
    sum((o * flambeau.tensor(g)).sum() for o, g in zip(ours, grads)).backward()
    sum((t * torch.tensor(g)).sum() for t, g in zip(theirs, grads)).backward()
    assert_same(x[0].grad, x[1].grad, rtol=1e-10, atol=1e-10)


def test_broadcast_and_integer_edge_cases():
    a, b = twins(rng.standard_normal((1, 2, 3))), twins(rng.standard_normal((2, 1, 3)))
    assert_same(F.cosine_similarity(a[0], b[0], dim=-2), TF.cosine_similarity(a[1], b[1], dim=-2),
                rtol=1e-10)
    s, t = twins(np.array(-2.0)), twins(np.array(3.0))
    assert_same(F.cosine_similarity(s[0], t[0], 0), TF.cosine_similarity(s[1], t[1], 0))
    n = twins(rng.integers(-9, 9, (1, 6, 3)))
    assert_same(F.local_response_norm(n[0], 2, 3e-5, 0.5, 1.25),
                TF.local_response_norm(n[1], 2, 3e-5, 0.5, 1.25), rtol=1e-6)
    e = twins(np.zeros(0, np.float32))
    assert_same(F.batch_norm(e[0], e[0], e[0], training=True),
                TF.batch_norm(e[1], e[1], e[1], training=True))


@pytest.mark.parametrize("name", ["batch_norm", "batch_norm_eval", "layer_norm", "group_norm"])
def test_double_backward(name):
    x = twins(rng.standard_normal((4, 6, 3)), requires_grad=True)
    w, b = twins(rng.uniform(0.5, 1.5, 6), requires_grad=True), twins(rng.standard_normal(6),
                                                                      requires_grad=True)
    if name == "layer_norm":
        w, b = twins(rng.uniform(0.5, 1.5, 3), requires_grad=True), twins(rng.standard_normal(3),
                                                                          requires_grad=True)

    def run(lib_f, i):
        if name.startswith("batch_norm"):
            stats = (flambeau if i == 0 else torch).tensor(np.linspace(-1, 1, 6)), \
                (flambeau if i == 0 else torch).tensor(np.linspace(0.5, 2, 6))
            return lib_f.batch_norm(x[i], *stats, w[i], b[i], name == "batch_norm")
        if name == "layer_norm":
            return lib_f.layer_norm(x[i], (3,), w[i], b[i])
        return lib_f.group_norm(x[i], 3, w[i], b[i])

    g = rng.standard_normal((4, 6, 3))
    results = []
    for i, (lib, lib_f) in enumerate(((flambeau, F), (torch, TF))):
        out = run(lib_f, i)
        grads = lib.autograd.grad((out * lib.tensor(g) * out).sum(), (x[i], w[i]),
                                  create_graph=True)
        (grads[0].pow(2).sum() + grads[1].pow(2).sum()).backward()
        results.append((x[i].grad, w[i].grad, b[i].grad))
    for o, t in zip(*results):
        assert_same(o, t, rtol=1e-9, atol=1e-9)
