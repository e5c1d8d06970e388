"""One training step of four sequence models, flambeau vs torch in one run (float32, each
library's seeded default initialisation, the same data):

- char-RNN classifier as in the PyTorch tutorial: a Linear-based RNN cell (i2h, i2o on
  cat(input, hidden), LogSoftmax), one name of 8 letters one-hot over 57, hidden 128, 18
  classes, NLLLoss, the tutorial's manual SGD update;
- word-level LSTM language model: Embedding(10000, 200), 2-layer LSTM(200, 200, dropout 0.2),
  tied decoder, batch 20, sequence 35, hidden state carried (detached), CrossEntropyLoss,
  clip_grad_norm_(0.25), SGD(lr=20);
- GRU sequence classifier: Embedding(5000, 64), GRU(64, 128, batch_first), Linear(128, 5) on the
  last hidden state, batch 32, sequence 40, CrossEntropyLoss, SGD(lr=0.1);
- TransformerEncoder: 2 layers of TransformerEncoderLayer(128, 4, 512, dropout 0.1,
  batch_first), mean over the sequence, Linear(128, 10), batch 16, sequence 64,
  CrossEntropyLoss, SGD(lr=0.01).

    python benchmarks/sequence_step.py [--threads 1] [--repeat 9]
"""
from _timing import main


def _data():
    """The inputs, as NumPy arrays (NumPy imported only after ``main`` has limited the BLAS
    threads)."""
    import numpy as np
    rng = np.random.default_rng(0)
    return {"name": rng.integers(0, 57, 8), "lm": rng.integers(0, 10000, (36, 20)),
            "gru": (rng.integers(0, 5000, (32, 40)), rng.integers(0, 5, 32)),
            "transformer": (rng.standard_normal((16, 64, 128)).astype(np.float32),
                            rng.integers(0, 10, 16))}


def char_rnn(m, data):
    class RNN(m.nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = m.nn.Linear(input_size + hidden_size, hidden_size)
            self.i2o = m.nn.Linear(input_size + hidden_size, output_size)
            self.softmax = m.nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            combined = m.cat((input, hidden), 1)
            return self.softmax(self.i2o(combined)), self.i2h(combined)

    m.manual_seed(0)
    rnn = RNN(57, 128, 18)
    line = m.zeros(len(data), 1, 57)
    for i, letter in enumerate(data):
        line[i][0][int(letter)] = 1
    category, criterion = m.tensor([3]), m.nn.NLLLoss()

    def step():
        hidden = m.zeros(1, rnn.hidden_size)
        rnn.zero_grad()
        for i in range(line.size(0)):
            output, hidden = rnn(line[i], hidden)
        loss = criterion(output, category)
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-0.005)
        return loss.item()
    return step


def lstm_lm(m, data):
    class LM(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = m.nn.Dropout(0.2)
            self.encoder = m.nn.Embedding(10000, 200)
            self.rnn = m.nn.LSTM(200, 200, 2, dropout=0.2)
            self.decoder = m.nn.Linear(200, 10000)
            self.decoder.weight = self.encoder.weight

        def forward(self, input, hidden):
            output, hidden = self.rnn(self.drop(self.encoder(input)), hidden)
            return self.decoder(self.drop(output)).view(-1, 10000), hidden

    m.manual_seed(0)
    model = LM()
    opt = m.optim.SGD(model.parameters(), lr=20)
    criterion = m.nn.CrossEntropyLoss()
    data = m.from_numpy(data)
    state = [(m.zeros(2, 20, 200), m.zeros(2, 20, 200))]

    def step():
        hidden = tuple(h.detach() for h in state[0])
        opt.zero_grad()
        output, state[0] = model(data[:35], hidden)
        loss = criterion(output, data[1:].reshape(-1))
        loss.backward()
        m.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        opt.step()
        return loss.item()
    return step


def gru_classifier(m, data):
    class Classifier(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = m.nn.Embedding(5000, 64)
            self.gru = m.nn.GRU(64, 128, batch_first=True)
            self.fc = m.nn.Linear(128, 5)

        def forward(self, x):
            _, h = self.gru(self.embedding(x))
            return self.fc(h[-1])

    m.manual_seed(0)
    model = Classifier()
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    criterion = m.nn.CrossEntropyLoss()
    x, y = (m.from_numpy(a) for a in data)

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def transformer_encoder(m, data):
    m.manual_seed(0)
    layer = m.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.1, batch_first=True)
    encoder = m.nn.TransformerEncoder(layer, 2)
    head = m.nn.Linear(128, 10)
    params = list(encoder.parameters()) + list(head.parameters())
    opt = m.optim.SGD(params, lr=0.01)
    criterion = m.nn.CrossEntropyLoss()
    x, y = (m.from_numpy(a) for a in data)

    def step():
        opt.zero_grad()
        loss = criterion(head(encoder(x).mean(1)), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def cases(m):
    data = _data()
    return [("char-RNN classifier", char_rnn(m, data["name"])),
            ("2-layer LSTM LM", lstm_lm(m, data["lm"])),
            ("GRU classifier", gru_classifier(m, data["gru"])),
            ("TransformerEncoder 2x128", transformer_encoder(m, data["transformer"]))]


if __name__ == "__main__":
    main(__doc__, cases)
