"""examples/word_language_model.py under `python -m flambeau run`: the LSTM (tied weights) and
Transformer language models' perplexity falls, the numbers are torch's, and the whole model it
saves loads in real torch."""
import os
import sys

import pytest
import torch

from example_data import (EXAMPLES, assert_same_numbers, assert_same_state, floats_after,
                          make_corpus, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "word_language_model.py")
MODELS = {"LSTM": ["--tied", "--nhid", 32, "--lr", 20],
          "Transformer": ["--nhid", 64, "--nhead", 2, "--lr", 5]}


@pytest.mark.parametrize("model", MODELS)
def test_word_language_model_trains_as_on_torch(model, tmp_path, monkeypatch, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    args = ["--data", corpus, "--model", model, "--epochs", 3, "--emsize", 32,
            "--batch-size", 10, "--bptt", 20, "--log-interval", 5, *MODELS[model]]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_flambeau(SCRIPT, *args, cwd=tmp_path / "ours")
    valid = floats_after("valid ppl", ours)
    assert len(valid) == 3 and min(valid[1:]) < valid[0]
    assert floats_after("test ppl", ours)[0] < 16  # 19 words: a uniform guess scores 20
    theirs, names = run_torch(SCRIPT, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                              capsys=capsys)
    assert_same_numbers(ours, theirs)
    # the whole model, pickled under torch's class names, loads in torch (the script's own
    # classes from its __main__)
    for name in ("RNNModel", "TransformerModel", "PositionalEncoding"):
        monkeypatch.setattr(sys.modules["__main__"], name, names[name], raising=False)
    saved = torch.load(tmp_path / "ours" / "model.pt", weights_only=False)
    if model == "LSTM":
        assert type(saved.rnn) is torch.nn.LSTM and saved.decoder.weight is saved.encoder.weight
    else:
        assert type(saved.transformer_encoder) is torch.nn.TransformerEncoder
    expected = torch.load(tmp_path / "theirs" / "model.pt", weights_only=False)
    # the Transformer's positional table is sin(position * exp(...)) up to position 5000, where
    # one float32 rounding of exp moves the sine by 1e-4
    assert_same_state(saved.state_dict(), expected.state_dict(), stray_atol=1e-3)
