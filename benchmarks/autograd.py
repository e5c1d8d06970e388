"""Forward + backward, flambeau vs torch in one run:

(a) a chain of 1,000 small ops on a 16-element tensor (the engine's per-node overhead);
(b) an MLP 64x1000 -> 100 -> 10 with ReLU and a mean loss (the kernels and their backward).

    python benchmarks/autograd.py [--threads 1] [--repeat 5]
"""

from _timing import main


def cases(m):
    x = m.ones(16, requires_grad=True)

    def chain():
        y = x
        for i in range(250):  # 4 ops per step: 1,000 nodes
            y = (y * 1.0001 + 0.5).sin() - y
        y.sum().backward()
        x.grad = None

    g = m.Generator().manual_seed(0)
    data = m.randn(64, 1000, generator=g)
    w1 = (m.randn(1000, 100, generator=g) * 0.03).requires_grad_()
    b1 = m.zeros(100, requires_grad=True)
    w2 = (m.randn(100, 10, generator=g) * 0.1).requires_grad_()
    b2 = m.zeros(10, requires_grad=True)

    def mlp():
        hidden = (data @ w1 + b1).clamp(min=0)
        loss = ((hidden @ w2 + b2) ** 2).mean()
        loss.backward()
        for p in (w1, b1, w2, b2):
            p.grad = None

    return [("chain of 1,000 ops", chain), ("MLP 64x1000x100x10", mlp)]


if __name__ == "__main__":
    main(__doc__, cases, repeat=5)
