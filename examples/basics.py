"""The tensor and autograd basics of the PyTorch tutorials, unchanged.

    python -m flambeau run examples/basics.py
"""
import numpy as np
import torch
from torch.autograd import Variable

torch.manual_seed(0)

x = torch.Tensor(5, 3).zero_()
print(x)
print(x.size())

y = torch.rand(5, 3)
print(x + y)
result = torch.Tensor(5, 3)
torch.add(x, y, out=result)
print(result)
y.add_(x)
print(y[:, 1])

x = torch.randn(4, 4)
print(x)
y = x.view(16)
z = x.view(-1, 8)
print(x.size(), y.size(), z.size())

a = torch.ones(5)
b = a.numpy()
a.add_(1)
print(a, b)
a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a, b)

x = Variable(torch.ones(2, 2), requires_grad=True)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)

t = torch.arange(6.).view(2, 3)
print(t.t().is_contiguous(), t.t().stride(), t.storage_offset(), t[1].storage_offset())
