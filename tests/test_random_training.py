"""A seeded training script (an MLP with nn.init's default initialisation, dropout, a shuffled
DataLoader) gives torch's loss at every step: the same weights, masks and batches."""
import numpy as np
import torch

import flambeau
from test_random_streams import MKL_BERNOULLI


def train(lib):
    lib.manual_seed(0)
    x, y = lib.randn(96, 10), lib.randint(0, 3, (96,))
    model = lib.nn.Sequential(lib.nn.Linear(10, 32), lib.nn.ReLU(), lib.nn.Dropout(0.3),
                              lib.nn.Linear(32, 3))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=16,
                                       shuffle=True)
    losses = []
    for _ in range(2):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


@MKL_BERNOULLI
def test_seeded_training_matches_torch_step_by_step():
    np.testing.assert_allclose(train(flambeau), train(torch), rtol=1e-5, atol=1e-6)
