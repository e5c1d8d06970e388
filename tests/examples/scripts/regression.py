"""Polynomial fitting in the style of pytorch/examples' regression (written for this test
suite): one Linear layer over the features x, x^2, x^3, x^4 learns a random polynomial by
plain gradient steps on the smooth L1 loss until it is below 1e-3."""
from itertools import count

import torch
import torch.nn.functional as F

torch.manual_seed(1)
DEGREE = 4
W_target = torch.randn(DEGREE, 1) * 5
b_target = torch.randn(1) * 5


def features(x):
    x = x.unsqueeze(1)
    return torch.cat([x ** i for i in range(1, DEGREE + 1)], 1)


def describe(W, b):
    terms = " ".join("{:+.2f} x^{}".format(w, i + 1) for i, w in enumerate(W))
    return "y = {} {:+.2f}".format(terms, b[0])


def batch(size=32):
    x = features(torch.randn(size))
    return x, x.mm(W_target) + b_target.item()


fc = torch.nn.Linear(DEGREE, 1)
for step in count(1):
    x, y = batch()
    fc.zero_grad()
    output = F.smooth_l1_loss(fc(x), y)
    loss = output.item()
    output.backward()
    with torch.no_grad():
        for param in fc.parameters():
            param.add_(-0.1 * param.grad)
    if loss < 1e-3:
        break

print("Loss: {:.6f} after {} batches".format(loss, step))
print("==> Learned function:\t" + describe(fc.weight.view(-1), fc.bias))
print("==> Actual function:\t" + describe(W_target.view(-1), b_target))
