"""Recurrent layers: ``rnn_tanh``, ``rnn_relu``, ``lstm`` and ``gru`` (torch's ``_VF``
functions, over a padded ``(T, B, I)`` input or a packed one given as data and batch sizes) and
their one-step cells.

Each layer and direction is ONE graph node over the whole sequence, named as the node torch's
CPU build leaves on that output (oneDNN's ``MkldnnRnnLayerBackward0``, or the last op of the
loop torch composes of small ops: a cat of the steps' rows packed, a stack of the steps padded;
an LSTM cell's ``c'`` shows ``h'``'s ``MulBackward0`` where torch's is ``AddBackward0``). The
forward computes the input projections of all time steps in one matrix product, then loops over the
steps doing only ``h @ W_hh^T`` and the gate arithmetic in place; the backward
(backpropagation through time) loops back over the steps the same way and gets the weights'
and the input's gradients in one matrix product each. Under ``create_graph=True`` the backward
recomputes the layer from differentiable ops instead, so higher derivatives work.

Sequences are handled in packed layout throughout: ``data`` holds the rows of every time step
one after the other, ``batch_sizes[t]`` rows at step ``t`` (not increasing), so a padded input
is the special case of equal batch sizes.
"""
import functools
import itertools

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make
from ..autograd import grad_mode
from ..autograd.graph import record
from . import autocast
from ._util import needs_grad
from ._saved import _Constant
from .registry import defop

_CELL_NODES = {"lstm": "MulBackward0", "gru": "AddBackward0", "rnn_tanh": "TanhBackward0",
               "rnn_relu": "ReluBackward0"}


def _onednn(mode, packed, dtype, h0, c0):
    """Whether torch 2.13's CPU build runs this sequence as oneDNN's LSTM layer (a float32 or
    bfloat16 LSTM over a padded batch, without projections) rather than its composed loop."""
    return (mode == "lstm" and not packed and h0.shape[-1] == c0.shape[-1]
            and dtype in (_dtype.float32, _dtype.bfloat16))


def _sigmoid_(a):
    """The logistic function in place, as ``(tanh(a / 2) + 1) / 2`` (no overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5


def _steps(sizes, reverse):
    """``(start, batch)`` of each time step of a packed sequence, in the order run."""
    steps = list(zip(itertools.accumulate(sizes[:-1], initial=0), sizes))
    return steps[::-1] if reverse else steps


# ---- the step loops, on NumPy arrays ---------------------------------------------------------
# forward(gx, h, c, whh_t, b_hh, whr_t, steps, tape) runs the recurrence over gx (the input
# projections of all steps, turned in place into the gate activations), updating the states h
# and c in place, and returns the output rows; with a tape (a dict) it keeps what the backward
# needs. backward(dout, dh, dc, tape, w_hh, w_hr, steps) returns the gradients of the gate
# pre-activations on the input side and on the hidden side (and of the projection's output),
# leaving the initial states' gradients in dh and dc. whh_t and whr_t are the transposed
# weights made contiguous (a product with a transposed view is 2-3x slower in OpenBLAS).
#
# The LSTM's gates are in torch's order (i, f, g, o), the rows of the sigmoid gates' weights
# halved, so that one tanh over all gates gives sigmoid(a) = (tanh(a / 2) + 1) / 2 for i, f
# and o after a scale and a shift of whole rows.

@functools.lru_cache(maxsize=None)
def _lstm_affine(n, dtype):
    """``(scale, shift)`` per gate row: 1/2 and 1/2 for the sigmoid gates, 1 and 0 for g."""
    scale, shift = np.full(4 * n, 0.5, dtype), np.full(4 * n, 0.5, dtype)
    scale[2 * n:3 * n], shift[2 * n:3 * n] = 1, 0
    return scale, shift


def _lstm_forward(gx, h, c, whh_t, b_hh, whr_t, steps, tape, rnd=None):
    # rnd: as the GRU's (then b_hh is apart from the input projection's bias, else None)
    n = c.shape[1]
    out = np.empty((gx.shape[0], h.shape[1]), gx.dtype)
    scale, shift = _lstm_affine(n, gx.dtype)
    recurrent = np.empty((h.shape[0], 4 * n), gx.dtype)
    for s, b in steps:
        e = s + b
        g = gx[s:e]
        if rnd is None:
            g += np.matmul(h[:b], whh_t, out=recurrent[:b])
        else:
            gh = np.matmul(rnd(h[:b].copy()), whh_t, out=recurrent[:b])
            if b_hh is not None:
                gh += b_hh
            g += rnd(gh)
            rnd(g)
        np.tanh(g, out=g)
        g *= scale
        g += shift
        if rnd is not None:
            rnd(g)
        cb = c[:b]
        if tape is not None:
            tape["hp"][s:e] = h[:b]
            tape["cp"][s:e] = cb
        cb *= g[:, n:2 * n]
        ig = g[:, :n] * g[:, 2 * n:3 * n]
        cb += ig if rnd is None else rnd(ig)
        tc = np.tanh(cb) if tape is None else np.tanh(cb, out=tape["tc"][s:e])
        if whr_t is None:
            h[:b] = np.multiply(g[:, 3 * n:], tc, out=out[s:e])
        else:
            raw = np.multiply(g[:, 3 * n:], tc,
                              out=None if tape is None else tape["hr"][s:e])
            y = np.matmul(raw if rnd is None else rnd(raw), whr_t, out=out[s:e])
            h[:b] = y if rnd is None else rnd(y)  # (torch's projected h: in bfloat16)
    return out


def _lstm_backward(dout, dh, dc, tape, w_hh, w_hr, steps):
    gates, tc = tape["g"], tape["tc"]
    n = dc.shape[1]
    # what does not depend on the incoming gradient, for all steps at once: each gate's
    # derivative (s (1 - s) for the sigmoids, 1 - g^2 for g) times the factor the cell's
    # gradient (for i, f, g: g, the previous c, i) or h's gradient (for o: tanh(c)) meets,
    # and o (1 - tanh(c)^2), which carries h's gradient into c's
    factor = np.multiply(gates, gates)
    for k in (slice(0, 2 * n), slice(3 * n, 4 * n)):
        np.subtract(gates[:, k], factor[:, k], out=factor[:, k])
    np.subtract(1, factor[:, 2 * n:3 * n], out=factor[:, 2 * n:3 * n])
    for k, other in enumerate((gates[:, 2 * n:3 * n], tape["cp"], gates[:, :n], tc)):
        factor[:, k * n:(k + 1) * n] *= other
    through = np.multiply(tc, tc)
    np.subtract(1, through, out=through)
    through *= gates[:, 3 * n:]
    dg = np.empty_like(gates)
    by_gate, dg_gate = factor.reshape(-1, 4, n)[:, :3], dg.reshape(-1, 4, n)[:, :3]
    dhr = None if w_hr is None else np.empty((gates.shape[0], w_hr.shape[0]), gates.dtype)
    for s, b in reversed(steps):
        e = s + b
        dhb = dh[:b]
        if dout is not None:
            dhb += dout[s:e]
        if w_hr is not None:
            dhr[s:e] = dhb
            dhb = dhb @ w_hr
        dcb = dc[:b]
        dcb += dhb * through[s:e]
        np.multiply(dcb[:, None], by_gate[s:e], out=dg_gate[s:e])  # i, f and g
        np.multiply(dhb, factor[s:e, 3 * n:], out=dg[s:e, 3 * n:])  # o
        dcb *= gates[s:e, n:2 * n]
        np.matmul(dg[s:e], w_hh, out=dh[:b])
    return dg, dg, dhr


def _gru_forward(gx, h, c, whh_t, b_hh, whr_t, steps, tape, rnd=None):
    # rnd: under autocast, rounds the gates in place where torch's ops do (see _autocast_lower)
    n = h.shape[1]
    out = np.empty((gx.shape[0], n), gx.dtype)
    for s, b in steps:
        e = s + b
        g, hb = gx[s:e], h[:b]
        gh = (hb if rnd is None else rnd(hb.copy())) @ whh_t
        if b_hh is not None:
            gh += b_hh
        rz = g[:, :2 * n]
        rz += gh[:, :2 * n] if rnd is None else rnd(gh)[:, :2 * n]
        if rnd is not None:
            rnd(rz)
        _sigmoid_(rz)
        r, z, new, ghn = g[:, :n], g[:, n:2 * n], g[:, 2 * n:], gh[:, 2 * n:]
        if tape is not None:
            tape["hp"][s:e] = hb
            tape["ghn"][s:e] = ghn
        ghn *= r if rnd is None else rnd(rz)[:, :n]
        new += ghn if rnd is None else rnd(ghn)
        np.tanh(new if rnd is None else rnd(new), out=new)
        if rnd is not None:
            rnd(new)
        y = np.subtract(hb, new, out=out[s:e])  # h' = n + z (h - n)
        y *= z
        y += new
        hb[...] = y
    return out


def _gru_backward(dout, dh, dc, tape, w_hh, w_hr, steps):
    gates = tape["g"]
    n = dh.shape[1]
    dgx, dgh = np.empty_like(gates), np.empty_like(gates)
    for s, b in reversed(steps):
        e = s + b
        dhb = dh[:b]
        if dout is not None:
            dhb += dout[s:e]
        g, dx, dhh = gates[s:e], dgx[s:e], dgh[s:e]
        r, z, new = g[:, :n], g[:, n:2 * n], g[:, 2 * n:]
        dn, dz, dr = dx[:, 2 * n:], dx[:, n:2 * n], dx[:, :n]
        np.multiply(dhb, 1 - z, out=dn)
        dn *= 1 - new * new
        np.subtract(tape["hp"][s:e], new, out=dz)
        dz *= dhb
        dz *= z * (1 - z)
        np.multiply(dn, tape["ghn"][s:e], out=dr)
        dr *= r * (1 - r)
        dhh[:, :2 * n] = dx[:, :2 * n]
        np.multiply(dn, r, out=dhh[:, 2 * n:])
        direct = dhb * z
        np.matmul(dhh, w_hh, out=dh[:b])
        dh[:b] += direct
    return dgx, dgh, None


def _simple_forward(relu):
    def forward(gx, h, c, whh_t, b_hh, whr_t, steps, tape):
        for s, b in steps:
            e = s + b
            g = gx[s:e]
            if tape is not None:
                tape["hp"][s:e] = h[:b]
            g += h[:b] @ whh_t
            if relu:
                np.maximum(g, 0, out=g)
            else:
                np.tanh(g, out=g)
            h[:b] = g
        return gx if tape is None else gx.copy()  # the tape keeps gx
    return forward


def _simple_backward(relu):
    def backward(dout, dh, dc, tape, w_hh, w_hr, steps):
        ys = tape["g"]
        dg = np.empty_like(ys)
        for s, b in reversed(steps):
            e = s + b
            dhb = dh[:b]
            if dout is not None:
                dhb += dout[s:e]
            y, d = ys[s:e], dg[s:e]
            if relu:
                np.multiply(dhb, y > 0, out=d)
            else:
                np.multiply(y, y, out=d)
                np.subtract(1, d, out=d)
                d *= dhb
            np.matmul(d, w_hh, out=dh[:b])
        return dg, dg, None
    return backward


_LOOPS = {"lstm": (_lstm_forward, _lstm_backward), "gru": (_gru_forward, _gru_backward),
          "rnn_tanh": (_simple_forward(False), _simple_backward(False)),
          "rnn_relu": (_simple_forward(True), _simple_backward(True))}


# ---- one layer, one direction: one node -------------------------------------------------------

def _autocast_lower(mode, x):
    """The dtype torch's GRU, packed or projected LSTM and cells round to under CPU autocast,
    or None: their composed loops' linear layers run in autocast's lower precision and the gate
    arithmetic stays there, while the hidden and cell states, float32 from the start, stay
    float32 (but a projected h, a lower-precision product). (A padded float32 LSTM without
    projections is oneDNN's layer, cast as a whole: see ``_sequence``.)"""
    if mode not in ("gru", "lstm") or not autocast.FORMS_ENV["_on"] or \
            x._dtype is not _dtype.float32:
        return None
    device = x.device.type
    return autocast.get_autocast_dtype(device) if autocast.is_autocast_enabled(device) else None


def _rounder(dtype):
    """``rnd(a)``: the float32 array ``a`` rounded in place to ``dtype``'s precision."""
    def rnd(a):
        a[...] = a.astype(dtype._np)
        return a
    return rnd


def _layer(mode, x, sizes, h0, c0, weights, reverse, node, lower=None):
    """``(output, h_n, c_n)`` of one direction of one layer over the packed rows of ``x``
    (``(T * B, I)``, or ``(T, B, I)`` with equal batch sizes, the output then shaped alike;
    ``c_n`` None but for the LSTM), recorded as a ``node`` node; ``lower``: see
    ``_autocast_lower``."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    inputs = (x, h0, c0) + tuple(weights)
    steps = _steps(sizes, reverse)
    grad = needs_grad(*inputs)
    wih, whh = w_ih._data, w_hh._data
    bias, b_hh_data = (None, None) if b_ih is None else (b_ih._data, b_hh._data)
    rows, whr = x._data.reshape(-1, x.shape[-1]), None if w_hr is None else w_hr._data
    forward = _LOOPS[mode][0]
    if lower is not None:
        rnd = _rounder(lower)
        rows, wih, whh = rnd(rows.astype(wih.dtype)), rnd(wih.copy()), rnd(whh.copy())
        whr = None if whr is None else rnd(whr.copy())
        if bias is not None:
            bias, b_hh_data = rnd(bias.copy()), rnd(b_hh_data.copy())
        forward = functools.partial(forward, rnd=rnd)
    elif bias is not None and mode != "gru":  # (the GRU's sits inside the reset gate's product)
        bias, b_hh_data = bias + b_hh_data, None  # both biases in the input projection
    whh_t = None  # the hidden weight transposed and contiguous (see the step loops)
    if mode == "lstm":  # (halving commutes with rounding)
        scale = _lstm_affine(whh.shape[0] // 4, whh.dtype)[0]
        wih, whh_t = wih * scale[:, None], np.multiply(whh.T, scale, order="C")
        bias = None if bias is None else bias * scale
        b_hh_data = None if b_hh_data is None else b_hh_data * scale
    gx = rows @ wih.T
    if lower is not None and bias is not None and not x.is_contiguous():
        rnd(gx)  # torch's linear adds the bias apart (once more rounded) to a strided input
    if bias is not None:
        gx += bias
    if lower is not None:
        rnd(gx)
    h = h0._data.copy()
    c = None if c0 is None else c0._data.copy()
    tape = None
    if grad:
        rows, dt = gx.shape[0], gx.dtype
        tape = {"g": gx, "hp": np.empty((rows, h.shape[1]), dt)}
        if mode == "lstm":
            tape.update(cp=np.empty((rows, c.shape[1]), dt), tc=np.empty((rows, c.shape[1]), dt),
                        hr=None if w_hr is None else np.empty((rows, c.shape[1]), dt))
        elif mode == "gru":
            tape["ghn"] = np.empty((rows, h.shape[1]), dt)
    out = forward(gx, h, c, np.ascontiguousarray(whh.T) if whh_t is None else whh_t, b_hh_data,
                  None if whr is None else np.ascontiguousarray(whr.T), steps, tape)
    # the states keep their dtype, but a projected h under autocast (and the output) is lower
    dtype = h0._dtype if lower is None or w_hr is None else lower
    out, h = out.astype(dtype._np, copy=False), h.astype(dtype._np, copy=False)
    outputs = (make(out.reshape(x.shape[:-1] + out.shape[-1:]), dtype), make(h, dtype))
    outputs += () if c is None else (make(c, c0._dtype),)
    if grad:
        record(node, outputs, inputs, _layer_derivative,
               (_Constant((mode, sizes, steps, tape, tuple(t is not None for t in inputs))),)
               + tuple(t for t in inputs if t is not None))
    return outputs if c is not None else outputs + (None,)


def _layer_derivative(grads, how, *tensors):
    mode, sizes, steps, tape, present = how
    it = iter(tensors)
    inputs = [next(it) if p else None for p in present]
    if grad_mode.is_grad_enabled():  # create_graph: the differentiable composition
        return _composed_derivative(mode, sizes, steps, inputs, grads)
    x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = inputs
    dout, dh, dc = (tuple(grads) + (None,))[:3]
    work = tape["g"].dtype  # (the weights' and the states': x, a projected h may be lower)
    rows = x._data.reshape(-1, x.shape[-1]).astype(work, copy=False)
    dh = dh._data.astype(work) if dh is not None else np.zeros(h0._data.shape, work)
    if c0 is not None:
        dc = dc._data.copy() if dc is not None else np.zeros(c0._data.shape, c0._data.dtype)
    wih, whh = w_ih._data, w_hh._data
    dgx, dgh, dhr = _LOOPS[mode][1](None if dout is None else
                                    dout._data.reshape(-1, dout.shape[-1]).astype(work, copy=False),
                                    dh, dc, tape, whh, None if w_hr is None else w_hr._data,
                                    steps)

    db = None if b_ih is None else dgx.sum(0)  # (the LSTM's two bias gradients are one)

    def wanted(t, fn):
        if t is None or not t._requires_grad:
            return None
        return make(fn().astype(t._dtype._np, copy=False), t._dtype)
    return (wanted(x, lambda: (dgx @ wih).reshape(x.shape)), wanted(h0, lambda: dh),
            wanted(c0, lambda: dc), wanted(w_ih, lambda: dgx.T @ rows),
            wanted(w_hh, lambda: dgh.T @ tape["hp"]),
            wanted(b_ih, lambda: db), wanted(b_hh, lambda: db.copy() if dgh is dgx else
                                               dgh.sum(0)),
            wanted(w_hr, lambda: dhr.T @ tape["hr"]))


def _composed_derivative(mode, sizes, steps, inputs, grads):
    """The layer's gradients from the layer rebuilt of differentiable ops (double backward)."""
    from ..autograd import grad as autograd_grad
    wanted = [t for t in inputs if t is not None and t._requires_grad]
    outputs = _composed_layer(mode, steps, *inputs)
    pairs = [(o, g) for o, g in zip(outputs, grads) if o is not None and g is not None]
    found = iter(autograd_grad([o for o, _ in pairs], wanted, [g for _, g in pairs],
                               create_graph=True, allow_unused=True))
    return tuple(next(found) if t is not None and t._requires_grad else None for t in inputs)


def _composed_layer(mode, steps, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr):
    """``_layer``'s outputs computed with differentiable tensor ops, one step at a time."""
    from .joining import cat
    shape, x = x.shape, x.reshape(-1, x.shape[-1])
    h, c, rows = h0, c0, {}
    for s, b in steps:
        gi, gh = x[s:s + b].matmul(w_ih.t()), h[:b].matmul(w_hh.t())
        if b_ih is not None:
            gi, gh = gi + b_ih, gh + b_hh
        if mode == "lstm":
            i, f, g, o = (gi + gh).chunk(4, 1)
            cb = f.sigmoid() * c[:b] + i.sigmoid() * g.tanh()
            y = o.sigmoid() * cb.tanh()
            if w_hr is not None:
                y = y.matmul(w_hr.t())
            c = cat([cb, c[b:]]) if b < c.shape[0] else cb
        elif mode == "gru":
            (ir, iz, i_n), (hr, hz, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
            r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
            new = (i_n + r * hn).tanh()
            y = new + z * (h[:b] - new)
        else:
            y = (gi + gh).relu() if mode == "rnn_relu" else (gi + gh).tanh()
        rows[s] = y
        h = cat([y, h[b:]]) if b < h.shape[0] else y
    out = cat([rows[s] for s in sorted(rows)])
    return out.view(shape[:-1] + out.shape[-1:]), h, c


# ---- layers stacked and bidirectional: torch's _VF functions ----------------------------------

def _weights(chunk, has_biases):
    """``(w_ih, w_hh, b_ih, b_hh, w_hr)`` of one layer and direction, None where absent."""
    biases = tuple(chunk[2:4]) if has_biases else (None, None)
    rest = chunk[4:] if has_biases else chunk[2:]
    return (chunk[0], chunk[1]) + biases + (rest[0] if rest else None,)


def _stack(mode, data, sizes, h0, c0, node, lower, params, has_biases, num_layers, dropout,
           train, bidirectional):
    """``(output, h_n, c_n)`` of ``num_layers`` layers over the packed rows of ``data``
    (``(T * B, I)``, or ``(T, B, I)`` padded)."""
    from .dropout import dropout as _dropout
    from .joining import cat, stack
    dirs = 2 if bidirectional else 1
    per = len(params) // (num_layers * dirs)
    x, hs, cs = data, [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, h, c = _layer(mode, x, sizes, h0[k], None if c0 is None else c0[k],
                               _weights(params[k * per:(k + 1) * per], has_biases), d == 1,
                               node, lower)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        x = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout and train and layer + 1 < num_layers:
            x = _dropout(x, dropout, True)
    return x, stack(hs), None if c0 is None else stack(cs)


def _sequence(mode, args):
    """Either overload of a _VF function: ``(input, hx, params, has_biases, num_layers,
    dropout, train, bidirectional, batch_first)`` or, packed, ``(data, batch_sizes, hx,
    params, has_biases, num_layers, dropout, train, bidirectional)``."""
    packed = not isinstance(args[3], bool)
    if mode == "lstm" and not packed and autocast.FORMS_ENV["_on"] and \
            _onednn(mode, packed, args[0].dtype, *args[1]):
        # torch's CPU autocast runs oneDNN's layer in lower precision as a whole (the others
        # round inside, see _autocast_lower; rnn_tanh/relu are on the autocast list, as torch
        # composes them of linear)
        return autocast.call(_layers, "lower", mode, packed, *args)
    return _layers(mode, packed, *args)


def _layers(mode, packed, *args):
    if packed:
        data, batch_sizes, hx, *options = args
        sizes = tuple(batch_sizes.tolist())
    else:
        input, hx, *options, batch_first = args
        data = input.transpose(0, 1) if batch_first else input
        sizes = (data.shape[1],) * data.shape[0]
    h0, c0 = (hx[0], hx[1]) if mode == "lstm" else (hx, None)
    onednn = _onednn(mode, packed, data.dtype, h0, c0)
    node = "MkldnnRnnLayerBackward0" if onednn else "CatBackward0" if packed else "StackBackward0"
    out, h, c = _stack(mode, data, sizes, h0, c0, node, _autocast_lower(mode, data), *options)
    if not packed and batch_first:  # torch's GRU and RNN transpose their result in place
        out = out.transpose(0, 1) if mode == "lstm" else out.transpose_(0, 1)
    return (out, h) if c is None else (out, h, c)


def _declare(mode, hx_type):
    def fn(*args):
        return _sequence(mode, args)
    fn.__name__ = fn.__qualname__ = mode
    fn.__doc__ = f"torch's ``_VF.{mode}``: the output, then the final states."
    options = "bool has_biases, int num_layers, float dropout, bool train, bool bidirectional"
    return defop(fn, method=False, signature=(
        f"{mode}(Tensor data, Tensor batch_sizes, {hx_type} hx, Tensor[] params, {options})",
        f"{mode}(Tensor input, {hx_type} hx, Tensor[] params, {options}, bool batch_first)"))


lstm = _declare("lstm", "Tensor[]")
gru = _declare("gru", "Tensor")
rnn_tanh = _declare("rnn_tanh", "Tensor")
rnn_relu = _declare("rnn_relu", "Tensor")


# ---- cells: one time step -----------------------------------------------------------------------

def _cell(mode, input, h, c, w_ih, w_hh, b_ih, b_hh):
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected "
                           f"{w_ih.shape[1]}")
    for i, state in enumerate((h,) if c is None else (h, c)):
        if state.shape[0] != input.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} "
                               f"batch size {state.shape[0]}")
        if state.shape[1] != w_hh.shape[1]:
            raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {state.shape[1]}, "
                               f"expected {w_hh.shape[1]}")
    _, h, c = _layer(mode, input, (input.shape[0],), h, c, (w_ih, w_hh, b_ih, b_hh, None),
                     False, _CELL_NODES[mode], _autocast_lower(mode, input))
    return h if c is None else (h, c)


_CELL_ARGS = "Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None"


@defop(method=False, signature=f"lstm_cell(Tensor input, Tensor[] hx, {_CELL_ARGS})")
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: ``(h', c')`` from ``hx = (h, c)``."""
    return _cell("lstm", input, hx[0], hx[1], w_ih, w_hh, b_ih, b_hh)


@defop(method=False, signature=f"gru_cell(Tensor input, Tensor hx, {_CELL_ARGS})")
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step: ``h'``."""
    return _cell("gru", input, hx, None, w_ih, w_hh, b_ih, b_hh)


@defop(method=False, signature=f"rnn_tanh_cell(Tensor input, Tensor hx, {_CELL_ARGS})")
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step: ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    return _cell("rnn_tanh", input, hx, None, w_ih, w_hh, b_ih, b_hh)


@defop(method=False, signature=f"rnn_relu_cell(Tensor input, Tensor hx, {_CELL_ARGS})")
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with ReLU: ``relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    return _cell("rnn_relu", input, hx, None, w_ih, w_hh, b_ih, b_hh)
