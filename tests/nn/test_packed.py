"""nn.utils.rnn (packed sequences) and recurrent layers on packed inputs vs torch."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

U, TU = flambeau.nn.utils.rnn, torch.nn.utils.rnn
TOL = dict(rtol=1e-10, atol=1e-10)


def _data(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return flambeau.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _same_packed(p, tp, tol=TOL):
    assert_same(p.data, tp.data, **tol)
    assert_same(p.batch_sizes, tp.batch_sizes)
    for a, b in ((p.sorted_indices, tp.sorted_indices),
                 (p.unsorted_indices, tp.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert_same(a, b)


def _backward_both(y, ty, seed=5):
    g = np.random.default_rng(seed).standard_normal(tuple(ty.shape))
    y.backward(flambeau.tensor(g))
    ty.backward(torch.tensor(g))


@pytest.mark.parametrize("lengths", [[5, 3, 3, 1], [2, 5, 1, 4], [5, 5, 5, 5]])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("as_list", [True, False])
def test_pack_and_pad_round_trip(lengths, batch_first, enforce_sorted, as_list):
    if enforce_sorted and lengths != sorted(lengths, reverse=True):
        return
    x, tx = _data((4, 5, 3) if batch_first else (5, 4, 3))
    ls = lengths if as_list else flambeau.tensor(lengths)
    tls = lengths if as_list else torch.tensor(lengths)
    p = U.pack_padded_sequence(x, ls, batch_first, enforce_sorted)
    tp = TU.pack_padded_sequence(tx, tls, batch_first, enforce_sorted)
    _same_packed(p, tp)
    for kwargs in [{}, {"padding_value": -1.5, "total_length": 7}]:
        y, n = U.pad_packed_sequence(p, batch_first, **kwargs)
        ty, tn = TU.pad_packed_sequence(tp, batch_first, **kwargs)
        assert_same(y, ty, **TOL)
        assert_same(n, tn)
    _backward_both(y, ty)
    assert_same(x.grad, tx.grad, **TOL)
    for a, b in zip(U.unpack_sequence(p), TU.unpack_sequence(tp)):
        assert_same(a, b, **TOL)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_and_unpad(batch_first, padding_side):
    seqs = [_data((n, 2), i) for i, n in enumerate([3, 5, 1])]
    y = U.pad_sequence([s for s, _ in seqs], batch_first, 0.5, padding_side)
    ty = TU.pad_sequence([s for _, s in seqs], batch_first, 0.5, padding_side)
    assert_same(y, ty, check_stride=True)
    _backward_both(y, ty)
    for s, ts in seqs:
        assert_same(s.grad, ts.grad)
    if padding_side == "right":
        lengths = [3, 5, 1]
        ours = U.unpad_sequence(y, flambeau.tensor(lengths), batch_first)
        theirs = TU.unpad_sequence(ty.detach().clone(), torch.tensor(lengths), batch_first)
        for a, b in zip(ours, theirs):
            assert_same(a, b)


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence(enforce_sorted, as_torch):
    seqs = [[1, 2, 3], [4, 5], [6]] if enforce_sorted else [[4, 5], [1, 2, 3], [6]]
    p = U.pack_sequence([flambeau.tensor(s) for s in seqs], enforce_sorted)
    tp = TU.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted)
    assert repr(p) == repr(tp)
    assert [s.tolist() for s in U.unpack_sequence(p)] == seqs
    q, tq = p.double(), tp.double()
    assert repr(q) == repr(tq)
    assert p.to(flambeau.int64) is p
    assert_same(U.invert_permutation(flambeau.tensor([2, 0, 1])),
                TU.invert_permutation(torch.tensor([2, 0, 1])))


def test_errors():
    x, tx = _data((4, 3, 2))
    for lengths in ([4, 5, 1], [4, 1, 2], [4, 0, 0], [4, 2]):
        raises_like(lambda: U.pack_padded_sequence(x, lengths),
                    lambda: TU.pack_padded_sequence(tx, lengths))
    p, tp = U.pack_padded_sequence(x, [4, 2, 1]), TU.pack_padded_sequence(tx, [4, 2, 1])
    raises_like(lambda: U.pad_packed_sequence(p, total_length=2),
                lambda: TU.pad_packed_sequence(tp, total_length=2))
    raises_like(lambda: U.pad_sequence([]), lambda: TU.pad_sequence([]))
    raises_like(lambda: U.pad_sequence([x], padding_side="up"),
                lambda: TU.pad_sequence([tx], padding_side="up"))
    raises_like(lambda: U.PackedSequence(x), lambda: TU.PackedSequence(tx))


@pytest.mark.parametrize("cls,kwargs", [("LSTM", {}), ("GRU", {}), ("RNN", {}),
                                        ("LSTM", {"proj_size": 2}),
                                        ("RNN", {"nonlinearity": "relu"})])
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (2, True)])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("given", [False, True])
def test_layers_on_packed_input(cls, kwargs, num_layers, bidirectional, enforce_sorted, given):
    flambeau.manual_seed(3)
    torch.manual_seed(3)
    m = getattr(flambeau.nn, cls)(3, 4, num_layers, bidirectional=bidirectional,
                                  **kwargs).double()
    tm = getattr(torch.nn, cls)(3, 4, num_layers, bidirectional=bidirectional,
                                **kwargs).double()
    lengths = [6, 4, 4, 1] if enforce_sorted else [4, 6, 1, 4]
    x, tx = _data((6, 4, 3))
    p = U.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted)
    tp = TU.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted)
    args, targs = (p,), (tp,)
    states = []
    if given:
        dirs = num_layers * (2 if bidirectional else 1)
        h, th = _data((dirs, 4, kwargs.get("proj_size") or 4), 1)
        states = [(h, th)]
        if cls == "LSTM":
            c, tc = _data((dirs, 4, 4), 2)
            states.append((c, tc))
            h, th = (h, c), (th, tc)
        args, targs = (p, h), (tp, th)
    out, hidden = m(*args)
    tout, thidden = tm(*targs)
    assert isinstance(out, U.PackedSequence)
    _same_packed(out, tout)
    hs = list(hidden) if isinstance(hidden, tuple) else [hidden]
    ths = list(thidden) if isinstance(thidden, tuple) else [thidden]
    for a, b in zip(hs, ths):
        assert_same(a, b, **TOL)
    y, _ = U.pad_packed_sequence(out)
    ty, _ = TU.pad_packed_sequence(tout)
    loss = (y * y).sum() + sum((a * a).sum() for a in hs)
    tloss = (ty * ty).sum() + sum((a * a).sum() for a in ths)
    loss.backward()
    tloss.backward()
    assert_same(x.grad, tx.grad, **TOL)
    for a, b in states:
        assert_same(a.grad, b.grad, **TOL)
    for p_, tp_ in zip(m.parameters(), tm.parameters()):
        assert_same(p_.grad, tp_.grad, **TOL)
