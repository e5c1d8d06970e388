"""Losses and normalization, forward + backward, flambeau vs torch in one run (float32):
F.cross_entropy on (64, 10) and (256, 1000) logits, F.mse_loss, BatchNorm1d(100) on (64, 100),
BatchNorm2d(16) on (64, 16, 16, 16) in training mode, LayerNorm(512) on (64, 512).

    python benchmarks/loss_norm.py [--threads 1] [--repeat 9]
"""

from _timing import main


def cases(m):
    g = m.Generator().manual_seed(0)
    F = m.nn.functional

    def loss_case(make_loss, *shape):
        x = m.randn(*shape, generator=g).requires_grad_()
        target = m.randint(0, shape[1], (shape[0],), generator=g)

        def run():
            x.grad = None
            make_loss(x, target).backward()
        return run

    def module_case(module, *shape):
        x = m.randn(*shape, generator=g).requires_grad_()

        def run():
            x.grad = None
            module.zero_grad()
            module(x).sum().backward()
        return run

    y = m.randn(64, 10, generator=g)
    return [("cross_entropy 64x10", loss_case(F.cross_entropy, 64, 10)),
            ("cross_entropy 256x1000", loss_case(F.cross_entropy, 256, 1000)),
            ("mse_loss 64x10", loss_case(lambda x, t: F.mse_loss(x, y), 64, 10)),
            ("BatchNorm1d(100) 64x100", module_case(m.nn.BatchNorm1d(100), 64, 100)),
            ("BatchNorm2d(16) 64x16x16x16", module_case(m.nn.BatchNorm2d(16), 64, 16, 16, 16)),
            ("LayerNorm(512) 64x512", module_case(m.nn.LayerNorm(512), 64, 512))]


if __name__ == "__main__":
    main(__doc__, cases, repeat=9)
