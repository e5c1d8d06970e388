"""F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention vs
torch: values, gradients (inputs, float masks, parameters), seeded dropout and init, reprs,
state_dict keys, errors, double backward."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, random_twins

F, TF = flambeau.nn.functional, torch.nn.functional
TOL = {"float64": dict(rtol=1e-10, atol=1e-10), "float32": dict(rtol=2e-5, atol=2e-6)}


def _mask(shape, kind, seed=5):
    rng = np.random.default_rng(seed)
    if kind == "bool":
        a = rng.random(shape) > 0.3
        return flambeau.tensor(a), torch.tensor(a)
    return random_twins(shape, kind, seed, requires_grad=True)


def _backward_both(out, tout, seed=9):
    w = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    (out * flambeau.tensor(w, dtype=out.dtype)).sum().backward()
    (tout * torch.tensor(w, dtype=tout.dtype)).sum().backward()


SDPA = [  # (q, k, v shapes, mask shape and kind, options)
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), None, {}),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 4), None, {"scale": 0.3}),
    ((4, 5, 8), (4, 6, 8), (4, 6, 8), None, {}),
    ((5, 8), (6, 8), (6, 3), None, {}),
    ((2, 1, 5, 8), (1, 3, 6, 8), (1, 3, 6, 8), None, {}),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), ((5, 6), "bool"), {}),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), ((2, 1, 5, 6), "float32"), {}),
    ((4, 5, 8), (4, 6, 8), (4, 6, 8), ((4, 5, 6), "float32"), {}),
    ((3, 5, 8), (3, 5, 8), (3, 5, 8), ((5, 5), "bool"), {}),
    ((2, 3, 5, 8), (2, 3, 5, 8), (2, 3, 5, 8), None, {"is_causal": True}),
    ((2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 8), None, {"is_causal": True}),
    ((2, 4, 5, 8), (2, 2, 6, 8), (2, 2, 6, 8), None, {"enable_gqa": True}),
    ((2, 4, 5, 8), (2, 1, 6, 8), (2, 1, 6, 8), ((5, 6), "bool"), {"enable_gqa": True}),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), ((5, 6), "float64"), {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("qs,ks,vs,mask,options", SDPA)
def test_sdpa_values_and_gradients(qs, ks, vs, mask, options, dtype):
    (q, tq), (k, tk), (v, tv) = (random_twins(s, dtype, i, requires_grad=True) for i,
                                 s in enumerate((qs, ks, vs)))
    m = tm = None
    if mask is not None:
        kind = mask[1] if mask[1] == "bool" else dtype
        m, tm = _mask(mask[0], kind)
    out = F.scaled_dot_product_attention(q, k, v, m, **options)
    tout = TF.scaled_dot_product_attention(tq, tk, tv, tm, **options)
    assert_same(out, tout, **TOL[dtype])
    _backward_both(out, tout)
    for a, ta in ((q, tq), (k, tk), (v, tv), (m, tm)):
        if ta is not None and ta.requires_grad:
            assert_same(a.grad, ta.grad, **TOL[dtype])


@pytest.mark.parametrize("dims", [3, 4])
def test_sdpa_fully_masked_rows_give_zeros(dims):
    lead = (2,) * (dims - 2)
    (q, tq), (k, tk), (v, tv) = (random_twins(lead + (3, 4), seed=i,
                                              requires_grad=True) for i in range(3))
    allowed = np.array([[True, False, False], [False, False, False], [True, True, True]])
    for mask in (allowed, np.where(allowed, 0.0, -np.inf).astype(np.float32)):
        out = F.scaled_dot_product_attention(q, k, v, flambeau.tensor(mask))
        tout = TF.scaled_dot_product_attention(tq, tk, tv, torch.tensor(mask))
        assert_same(out, tout, **TOL["float32"])
        _backward_both(out, tout)
        for a, ta in ((q, tq), (k, tk), (v, tv)):
            assert_same(a.grad, ta.grad, **TOL["float32"])
            a.grad, ta.grad = None, None


@pytest.mark.parametrize("p", [0.3, 1.0])
def test_sdpa_dropout_draws_torchs_stream(p):
    (q, tq), (k, tk), (v, tv) = (random_twins((2, 3, 5, 4), seed=i,
                                              requires_grad=True) for i in range(3))
    flambeau.manual_seed(3)
    torch.manual_seed(3)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
    tout = TF.scaled_dot_product_attention(tq, tk, tv, dropout_p=p)
    assert_same(out, tout, **TOL["float32"])
    _backward_both(out, tout)
    for a, ta in ((q, tq), (k, tk), (v, tv)):
        assert_same(a.grad, ta.grad, **TOL["float32"])
    assert flambeau.rand(3).tolist() == pytest.approx(torch.rand(3).tolist())


def test_sdpa_one_node_named_as_torch():
    q = flambeau.randn(1, 2, 3, 4, requires_grad=True)
    assert F.scaled_dot_product_attention(q, q, q).grad_fn.name() == \
        "ScaledDotProductFlashAttentionForCpuBackward0"
    out = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert [f for f, _ in out.grad_fn.next_functions][0].name() == "AccumulateGrad"


def test_sdpa_double_backward_matches_torchs_math_path():
    (q, tq), (k, tk), (v, tv) = (random_twins((2, 3, 4), "float64", i,
                                              requires_grad=True) for i in range(3))
    m, tm = _mask((3, 3), "float64")
    grads = flambeau.autograd.grad(F.scaled_dot_product_attention(q, k, v, m).pow(2).sum(),
                                   (q, k, v, m), create_graph=True)
    tgrads = torch.autograd.grad(TF.scaled_dot_product_attention(tq, tk, tv, tm).pow(2).sum(),
                                 (tq, tk, tv, tm), create_graph=True)
    sum(g.pow(2).sum() for g in grads).backward()
    sum(g.pow(2).sum() for g in tgrads).backward()
    for a, ta in ((q, tq), (k, tk), (v, tv), (m, tm)):
        assert_same(a.grad, ta.grad, **TOL["float64"])


def _sdpa_call(lib, shapes, dtypes=("float32",) * 3, mask=None, **options):
    tensors = [lib.ones(s, dtype=getattr(lib, d)) for s, d in zip(shapes, dtypes)]
    if mask is not None:
        mask = lib.ones(mask[0], dtype=getattr(lib, mask[1]))
    return lambda: lib.nn.functional.scaled_dot_product_attention(*tensors, mask, **options)


ERRORS = [
    dict(shapes=[(4,), (4,), (4,)]),
    dict(shapes=[(2, 3, 4), (2, 5, 3), (2, 5, 4)]),
    dict(shapes=[(1, 2, 3, 4), (1, 2, 5, 3), (1, 2, 5, 4)]),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 6, 4)]),
    dict(shapes=[(3, 4), (5, 3), (5, 4)]),
    dict(shapes=[(3, 4), (5, 4), (6, 4)]),
    dict(shapes=[(1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)]),
    dict(shapes=[(1, 3, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)], enable_gqa=True),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=((3, 5), "int64")),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=((3, 5), "float16")),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=((4, 5), "float32")),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)], dtypes=("float32", "float64", "float32")),
    dict(shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)], dropout_p=1.5),
    dict(shapes=[(2, 3, 3), (2, 3, 3), (2, 3, 3)], mask=((3, 3), "bool"), is_causal=True),
    dict(shapes=[(1, 1, 3, 3)] * 3, mask=((3, 3), "bool"), is_causal=True, dropout_p=0.1),
]


@pytest.mark.parametrize("case", ERRORS)
def test_sdpa_errors_as_torch(case):
    raises_like(_sdpa_call(flambeau, **case), _sdpa_call(torch, **case))


@pytest.mark.parametrize("call", [lambda F, q: F.scaled_dot_product_attention(q, q, "x"),
                                  lambda F, q: F.scaled_dot_product_attention(q, q, q,
                                                                              dropout_p="a"),
                                  lambda F, q: F.scaled_dot_product_attention(q, q, q, foo=1),
                                  lambda F, q: F.scaled_dot_product_attention(q, q)])
def test_sdpa_wrong_calls_as_torch(call):
    raises_like(lambda: call(F, flambeau.ones(2, 3, 4)), lambda: call(TF, torch.ones(2, 3, 4)))


def test_sdpa_causal_and_mask_together_on_torchs_fused_path():
    (q, tq), (k, tk), (v, tv) = (random_twins((1, 2, 3, 4), seed=i,
                                              requires_grad=True) for i in range(3))
    m, tm = _mask((3, 3), "bool")
    assert_same(F.scaled_dot_product_attention(q, k, v, m, is_causal=True),
                TF.scaled_dot_product_attention(tq, tk, tv, tm, is_causal=True),
                **TOL["float32"])


def _mha_pair(*args, **kwargs):
    flambeau.manual_seed(11)
    torch.manual_seed(11)
    return flambeau.nn.MultiheadAttention(*args, **kwargs), torch.nn.MultiheadAttention(*args,
                                                                                       **kwargs)


MHA = [  # (constructor options, (L, S, N) or (L, S) unbatched, forward options)
    ({}, (5, 6, 3), {}),
    ({"bias": False}, (5, 6, 3), {"need_weights": False}),
    ({"batch_first": True}, (5, 5, 3), {"self": True}),
    ({"batch_first": True}, (5, 5, 3), {"self": True, "need_weights": False}),
    ({}, (5, 6, 3), {"average_attn_weights": False}),
    ({"kdim": 3, "vdim": 5}, (5, 6, 3), {}),
    ({"kdim": 3, "vdim": 5, "batch_first": True}, (5, 6, 3), {"need_weights": False}),
    ({"add_bias_kv": True}, (5, 6, 3), {"kpm": "bool", "mask": (2, "bool")}),
    ({"add_zero_attn": True}, (5, 6, 3), {"kpm": "bool", "need_weights": False}),
    ({"add_bias_kv": True, "add_zero_attn": True}, (5, 6, 3), {"mask": (3, "float")}),
    ({}, (5, 6, 3), {"kpm": "float", "mask": (2, "float"), "need_weights": False}),
    ({}, (5, 6, 3), {"mask": (3, "bool"), "need_weights": False}),
    ({}, (5, 5, 3), {"causal": True, "need_weights": False}),
    ({}, (5, 5, 3), {"causal": True, "kpm": "bool"}),
    ({}, (5, 6), {}),
    ({}, (5, 6), {"kpm": "bool", "mask": (3, "bool"), "need_weights": False}),
    ({"kdim": 3, "vdim": 5}, (5, 6), {"average_attn_weights": False}),
]


def _mha_inputs(m, sizes, options):
    L, S, *N = sizes
    first = m.batch_first and N

    def shape(n, width):
        return tuple((N + [n] if first else [n] + N) + [width])
    (q, tq), (k, tk), (v, tv) = (random_twins(shape(n, w), seed=i, requires_grad=True) for i, (n,
                                                                                               w) in
                                 enumerate(((L, m.embed_dim), (S, m.kdim), (S, m.vdim))))
    if options.get("self"):
        k, v, tk, tv = q, q, tq, tq
    kwargs, tkwargs = {}, {}
    rng = np.random.default_rng(4)
    if "kpm" in options:
        pad = rng.random(tuple(N) + (S,)) > 0.7
        pad[..., 0] = False
        pad = pad if options["kpm"] == "bool" else np.where(pad, -np.inf, 0).astype(np.float32)
        kwargs["key_padding_mask"], tkwargs["key_padding_mask"] = (flambeau.tensor(pad),
                                                                   torch.tensor(pad))
    if "mask" in options or options.get("causal"):
        dims, kind = options.get("mask", (2, "bool"))
        allowed = rng.random(((N[0] if N else 1) * m.num_heads,) * (dims - 2) + (L, S)) > 0.3
        allowed[..., 0] = True
        if options.get("causal"):
            allowed = np.tril(np.ones((L, S), bool))
            kwargs["is_causal"] = tkwargs["is_causal"] = True
        mask = ~allowed if kind == "bool" else np.where(allowed, 0, -np.inf).astype(np.float32)
        kwargs["attn_mask"], tkwargs["attn_mask"] = flambeau.tensor(mask), torch.tensor(mask)
    for name in ("need_weights", "average_attn_weights"):
        if name in options:
            kwargs[name] = tkwargs[name] = options[name]
    return (q, k, v), (tq, tk, tv), kwargs, tkwargs


@pytest.mark.parametrize("ctor,sizes,options", MHA)
def test_multihead_attention_as_torch(ctor, sizes, options):
    m, tm = _mha_pair(8, 2, **ctor)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == list(tm.state_dict())
    for p, tp in zip(m.parameters(), tm.parameters()):
        assert_same(p, tp, rtol=0, atol=0)
    args, targs, kwargs, tkwargs = _mha_inputs(m, sizes, options)
    (out, w), (tout, tw) = m(*args, **kwargs), tm(*targs, **tkwargs)
    assert_same(out, tout, **TOL["float32"])
    assert (w is None) == (tw is None)
    if w is not None:
        assert_same(w, tw, **TOL["float32"])
    _backward_both(out, tout)
    for a, ta in zip(args + tuple(m.parameters()), targs + tuple(tm.parameters())):
        assert_same(a.grad, ta.grad, rtol=1e-4, atol=1e-5)
    m.eval(), tm.eval()
    with flambeau.no_grad(), torch.no_grad():  # torch's fast path where it applies
        (out, w), (tout, tw) = m(*args, **kwargs), tm(*targs, **tkwargs)
    assert_same(out, tout, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_dropout_draws_torchs_stream(need_weights):
    m, tm = _mha_pair(8, 2, dropout=0.4)
    (q, tq), = [random_twins((5, 3, 8), requires_grad=True)]
    flambeau.manual_seed(2)
    torch.manual_seed(2)
    out, tout = (m(q, q, q, need_weights=need_weights)[0],
                 tm(tq, tq, tq, need_weights=need_weights)[0])
    assert_same(out, tout, **TOL["float32"])


def _mha_error(lib, ctor=(), ctor_kwargs=None, shapes=None, **kwargs):
    def call():
        m = lib.nn.MultiheadAttention(*(ctor or (8, 2)), **(ctor_kwargs or {}))
        tensors = [lib.ones(s) for s in shapes]
        for name in ("key_padding_mask", "attn_mask"):
            if name in kwargs:
                kwargs[name] = lib.zeros(kwargs[name][0], dtype=getattr(lib, kwargs[name][1]))
        return m(*tensors, **kwargs)
    return call


MHA_ERRORS = [
    dict(ctor=(0, 2)), dict(ctor=(8, 3)),
    dict(shapes=[(5, 3, 8), (6, 8), (6, 8)]),
    dict(shapes=[(5, 8), (6, 8), (6, 8)], key_padding_mask=((1, 6), "bool")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], attn_mask=((1, 1, 5, 6), "bool")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], attn_mask=((5, 5), "bool")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], attn_mask=((4, 5, 6), "bool")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], attn_mask=((5, 6), "int64")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], key_padding_mask=((2, 6), "bool")),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (6, 3, 8)], is_causal=True),
    dict(shapes=[(5, 3, 6), (6, 3, 6), (6, 3, 6)]),
    dict(shapes=[(5, 3, 8), (6, 3, 8), (7, 3, 8)]),
    dict(shapes=[(5, 8), (6, 8), (6, 8)], attn_mask=((3, 5, 6), "bool")),
    dict(shapes=[(5, 2, 3, 8), (6, 8), (6, 8)]),
]


@pytest.mark.parametrize("case", MHA_ERRORS)
def test_multihead_attention_errors_as_torch(case, as_torch):
    raises_like(_mha_error(flambeau, **case), _mha_error(torch, **case))


def test_multihead_attention_mismatched_masks_warn_as_torch():
    m, tm = _mha_pair(8, 2)
    (q, tq), = [random_twins((5, 3, 8), requires_grad=True)]
    for lib, mod, x in ((flambeau, m, q), (torch, tm, tq)):
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and "
                                             "attn_mask is deprecated"):
            mod(x, x, x, key_padding_mask=lib.zeros(3, 5, dtype=lib.bool),
                attn_mask=lib.zeros(5, 5))
