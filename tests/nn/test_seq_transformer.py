"""TransformerEncoder in eval mode without autograd where torch runs nested tensors: a padding
mask that is not left-aligned, with and without ``mask_check``, as a bool or a float mask."""
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same


def _encoders(mask_check):
    made = []
    for lib in (flambeau, torch):
        lib.manual_seed(5)
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc = lib.nn.TransformerEncoder(layer, 2, norm=lib.nn.LayerNorm(8),
                                            mask_check=mask_check)
        made.append(enc.eval())
    return made


@pytest.mark.parametrize("mask_check", [True, False])
@pytest.mark.parametrize("float_mask", [False, True])
def test_encoder_padding_not_left_aligned(mask_check, float_mask):
    pad = np.zeros((4, 6), bool)
    pad[0, 1] = pad[0, 4] = True  # holes inside the sequence
    pad[1, -2:] = True  # left-aligned
    pad[2, :] = not mask_check  # nothing kept (the nested path only: torch's padded one gives nan)
    x = np.random.default_rng(0).standard_normal((4, 6, 8)).astype(np.float32)
    mask = np.where(pad, -np.inf, 0.0).astype(np.float32) if float_mask else pad
    m, tm = _encoders(mask_check)
    with flambeau.no_grad(), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = m(flambeau.tensor(x), src_key_padding_mask=flambeau.tensor(mask))
        tout = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(mask))
    assert_same(out, tout, rtol=1e-4, atol=1e-5)
