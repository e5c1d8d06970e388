"""nn.Transformer and its encoder/decoder layers and stacks vs torch: seeded init, reprs,
state_dict keys, outputs in training (gradients too) and in eval mode (torch's fast paths,
nested tensors included), seeded dropout, masks, errors and warnings."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

TOL = dict(rtol=1e-4, atol=1e-5)


def _both(name, *args, **kwargs):
    """The same module in both libraries from the same seed; string options name functions or
    modules of each library ("F.gelu", "nn.GELU")."""
    made = []
    for lib in (flambeau, torch):
        lib.manual_seed(5)
        resolved = {k: _resolve(lib, v) for k, v in kwargs.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            made.append(getattr(lib.nn, name)(*[_resolve(lib, a) for a in args], **resolved))
    return made


def _resolve(lib, value):
    if value == "F.gelu":
        return lib.nn.functional.gelu
    if value == "nn.GELU":
        return lib.nn.GELU()
    if value == "tanh":
        return lib.tanh
    if isinstance(value, tuple) and value and value[0] == "layer":
        return _both(*value[1:])[0 if lib is flambeau else 1]
    return value


def _data(shape, seed):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return flambeau.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _check_module(m, tm, args, targs, kwargs=None, tkwargs=None):
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == list(tm.state_dict())
    for p, tp in zip(m.parameters(), tm.parameters()):
        assert_same(p, tp, rtol=0, atol=0)
    out, tout = m(*args, **(kwargs or {})), tm(*targs, **(tkwargs or {}))
    assert_same(out, tout, **TOL)
    w = np.random.default_rng(3).standard_normal(tuple(tout.shape))
    (out * flambeau.tensor(w, dtype=out.dtype)).sum().backward()
    (tout * torch.tensor(w, dtype=tout.dtype)).sum().backward()
    for a, ta in zip(args, targs):
        assert_same(a.grad, ta.grad, rtol=1e-3, atol=1e-4)
    for (n, p), (tn, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert n == tn
        assert_same(p.grad, tp.grad, rtol=1e-3, atol=1e-4)
    m.eval(), tm.eval()
    with flambeau.no_grad(), torch.no_grad():  # torch's fast paths where they apply
        assert_same(m(*args, **(kwargs or {})), tm(*targs, **(tkwargs or {})), **TOL)


LAYER_OPTIONS = [{}, {"norm_first": True}, {"activation": "gelu"}, {"activation": "F.gelu"},
                 {"activation": "nn.GELU"}, {"activation": "tanh"}, {"batch_first": True},
                 {"bias": False}, {"layer_norm_eps": 1e-3, "batch_first": True}]


@pytest.mark.parametrize("options", LAYER_OPTIONS)
def test_encoder_layer_as_torch(options):
    m, tm = _both("TransformerEncoderLayer", 8, 2, 16, dropout=0.0, **options)
    (x, tx), = [_data((5, 3, 8), 0)]
    _check_module(m, tm, (x,), (tx,))


@pytest.mark.parametrize("options", LAYER_OPTIONS)
def test_decoder_layer_as_torch(options):
    m, tm = _both("TransformerDecoderLayer", 8, 2, 16, dropout=0.0, **options)
    first = options.get("batch_first")
    (x, tx), (mem, tmem) = (_data((3, n, 8) if first else (n, 3, 8), i)
                            for i, n in enumerate((5, 6)))
    causal = flambeau.nn.Transformer.generate_square_subsequent_mask(5)
    tcausal = torch.nn.Transformer.generate_square_subsequent_mask(5)
    _check_module(m, tm, (x, mem), (tx, tmem), {"tgt_mask": causal, "tgt_is_causal": True},
                  {"tgt_mask": tcausal, "tgt_is_causal": True})


def _padding(batch, length, left_aligned=True):
    pad = np.zeros((batch, length), bool)
    pad[0, -2:] = True
    pad[-1, -1] = True
    if not left_aligned:
        pad[1, 0] = True
    return flambeau.tensor(pad), torch.tensor(pad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["none", "padding", "padding-not-left-aligned", "causal",
                                   "both"])
def test_encoder_stack_as_torch(batch_first, masks):
    layer = ("layer", "TransformerEncoderLayer", 8, 2, 16, 0.0, "relu", 1e-5, batch_first)
    m, tm = _both("TransformerEncoder", layer, 2)
    m.norm, tm.norm = flambeau.nn.LayerNorm(8), torch.nn.LayerNorm(8)
    (x, tx), = [_data((3, 5, 8) if batch_first else (5, 3, 8), 0)]
    kwargs, tkwargs = {}, {}
    if masks.startswith("padding") or masks == "both":
        kwargs["src_key_padding_mask"], tkwargs["src_key_padding_mask"] = _padding(
            3, 5, masks != "padding-not-left-aligned")
    if masks in ("causal", "both"):
        kwargs["mask"] = flambeau.nn.Transformer.generate_square_subsequent_mask(5)
        tkwargs["mask"] = torch.nn.Transformer.generate_square_subsequent_mask(5)
    _check_module(m, tm, (x,), (tx,), kwargs, tkwargs)


@pytest.mark.parametrize("options", [{}, {"norm_first": True, "batch_first": True},
                                     {"activation": "gelu", "bias": False}])
def test_transformer_as_torch(options):
    m, tm = _both("Transformer", 8, 2, 2, 2, 16, dropout=0.0, **options)
    first = options.get("batch_first")
    (src, tsrc), (tgt, ttgt) = (_data((3, n, 8) if first else (n, 3, 8), i)
                                for i, n in enumerate((6, 5)))
    pad, tpad = _padding(3, 6)
    kwargs = {"tgt_mask": flambeau.nn.Transformer.generate_square_subsequent_mask(5),
              "src_key_padding_mask": pad, "memory_key_padding_mask": pad}
    tkwargs = {"tgt_mask": torch.nn.Transformer.generate_square_subsequent_mask(5),
               "src_key_padding_mask": tpad, "memory_key_padding_mask": tpad}
    _check_module(m, tm, (src, tgt), (tsrc, ttgt), kwargs, tkwargs)


def test_transformer_unbatched_as_torch():
    m, tm = _both("Transformer", 8, 2, 1, 1, 16, dropout=0.0)
    (src, tsrc), (tgt, ttgt) = _data((6, 8), 0), _data((5, 8), 1)
    _check_module(m, tm, (src, tgt), (tsrc, ttgt))


def test_training_dropout_draws_torchs_stream():
    m, tm = _both("Transformer", 8, 2, 1, 1, 16, dropout=0.3)
    (src, tsrc), (tgt, ttgt) = _data((6, 2, 8), 0), _data((5, 2, 8), 1)
    flambeau.manual_seed(1)
    torch.manual_seed(1)
    assert_same(m(src, tgt), tm(tsrc, ttgt), **TOL)


def test_generate_square_subsequent_mask_as_torch():
    for n in (0, 1, 4):
        assert_same(flambeau.nn.Transformer.generate_square_subsequent_mask(n),
                    torch.nn.Transformer.generate_square_subsequent_mask(n), rtol=0, atol=0)
    assert_same(flambeau.nn.Transformer.generate_square_subsequent_mask(3,
                                                                        dtype=flambeau.float64),
                torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))


@pytest.mark.parametrize("layer_options", [{}, {"batch_first": True, "norm_first": True},
                                           {"batch_first": True, "nhead": 1},
                                           {"batch_first": True, "activation": "tanh"}])
def test_encoder_nested_tensor_flags_and_warning_as_torch(layer_options):
    nhead = layer_options.pop("nhead", 2)
    m, tm = _both("TransformerEncoderLayer", 8, nhead, 16, **layer_options)
    caught = []
    for lib, layer in ((flambeau, m), (torch, tm)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            enc = lib.nn.TransformerEncoder(layer, 2, mask_check=False)
        caught.append(([str(x.message) for x in w], enc.use_nested_tensor,
                       enc.enable_nested_tensor, enc.mask_check))
    assert caught[0] == caught[1]


ERRORS = [
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.ones(4, 2, 8), lib.ones(4, 3, 8)),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.ones(4, 2, 8), lib.ones(4, 2, 6)),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 3),
]


@pytest.mark.parametrize("case", ERRORS)
def test_errors_as_torch(case):
    raises_like(lambda: case(flambeau), lambda: case(torch))
