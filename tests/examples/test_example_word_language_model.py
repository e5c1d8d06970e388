"""examples/word_language_model.py under `python -m flambeau run`: the LSTM language model's
perplexity falls, the numbers are torch's, and the whole model it saves loads in real torch."""
import os
import sys

import torch

from example_data import (EXAMPLES, assert_same_numbers, assert_same_state, floats_after,
                          make_corpus, run_flambeau, run_torch)

SCRIPT = os.path.join(EXAMPLES, "word_language_model.py")


def test_word_language_model_trains_as_on_torch(tmp_path, monkeypatch, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    args = ["--data", corpus, "--epochs", 3, "--emsize", 32, "--nhid", 32, "--tied",
            "--batch-size", 10, "--bptt", 20, "--log-interval", 5]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_flambeau(SCRIPT, *args, cwd=tmp_path / "ours")
    valid = floats_after("valid ppl", ours)
    assert len(valid) == 3 and valid[-1] < valid[0]
    test_ppl = floats_after("test ppl", ours)[0]
    assert test_ppl < 30  # the vocabulary has 19 words; a uniform guess scores 20
    theirs, names = run_torch(SCRIPT, *args, cwd=tmp_path / "theirs", monkeypatch=monkeypatch,
                              capsys=capsys)
    assert_same_numbers(ours, theirs)
    # the whole model, pickled with torch's class names, loads in torch (its own class from
    # the script's __main__)
    monkeypatch.setattr(sys.modules["__main__"], "RNNModel", names["RNNModel"], raising=False)
    model = torch.load(tmp_path / "ours" / "model.pt", weights_only=False)
    assert type(model.rnn) is torch.nn.LSTM and model.decoder.weight is model.encoder.weight
    expected = torch.load(tmp_path / "theirs" / "model.pt", weights_only=False)
    assert_same_state(model.state_dict(), expected.state_dict())
