"""Sine-wave prediction in the style of pytorch/examples' time_sequence_prediction (written for
this test suite): two stacked LSTMCells in double precision learn to continue sine waves,
trained with L-BFGS (a closure re-evaluating the loss), then predict `future` steps beyond
each test sequence."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


def sine_waves(count, length, period=20):
    shifts = np.random.randint(-4 * period, 4 * period, count)
    x = np.arange(length)[None, :] + shifts[:, None]
    return np.sin(x / period).astype("float64")


class Sequence(nn.Module):
    def __init__(self, hidden=51):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        zeros = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        h_t, c_t, h_t2, c_t2 = zeros, zeros, zeros, zeros
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            outputs.append(self.linear(h_t2))
        for _ in range(future):  # feed the predictions back in
            h_t, c_t = self.lstm1(outputs[-1], (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            outputs.append(self.linear(h_t2))
        return torch.cat(outputs, dim=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=15, help="steps to run")
    parser.add_argument("--waves", type=int, default=100)
    parser.add_argument("--length", type=int, default=1000)
    parser.add_argument("--future", type=int, default=1000)
    opt = parser.parse_args()
    np.random.seed(0)
    torch.manual_seed(0)
    data = torch.from_numpy(sine_waves(opt.waves, opt.length))
    input, target = data[3:, :-1], data[3:, 1:]
    test_input, test_target = data[:3, :-1], data[:3, 1:]
    seq = Sequence().double()
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    for i in range(opt.steps):
        print("STEP: ", i)

        def closure():
            optimizer.zero_grad()
            loss = criterion(seq(input), target)
            print("loss:", loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            pred = seq(test_input, future=opt.future)
            loss = criterion(pred[:, :-opt.future], test_target)
            print("test loss:", loss.item())
            y = pred.detach().numpy()
        np.save("predict%d.npy" % i, y[:, -opt.future:])
    torch.save(seq.state_dict(), "sequence.pt")
