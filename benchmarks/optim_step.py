"""One optimizer step, flambeau vs torch in one run, on the parameters of an MLP
64x1000x100x10 (nn.Linear layouts, float32, 166,110 values in 6 tensors), gradients fixed:
Adam, AdamW, SGD with momentum, SGD with Nesterov momentum and weight decay, RMSprop.

    python benchmarks/optim_step.py [--threads 1] [--repeat 9]
"""

from _timing import main

SHAPES = [(1000, 64), (1000,), (100, 1000), (100,), (10, 100), (10,)]


def cases(m):
    g = m.Generator().manual_seed(0)

    def params():
        ps = [(m.randn(*s, generator=g) * 0.05).requires_grad_() for s in SHAPES]
        for p in ps:
            p.grad = m.randn(*p.shape, generator=g) * 0.01
        return ps

    def stepper(cls, **kwargs):
        opt = cls(params(), **kwargs)
        return opt.step

    o = m.optim
    return [("Adam", stepper(o.Adam, lr=1e-3)),
            ("AdamW amsgrad", stepper(o.AdamW, lr=1e-3, amsgrad=True)),
            ("SGD momentum", stepper(o.SGD, lr=0.01, momentum=0.9)),
            ("SGD nesterov + wd", stepper(o.SGD, lr=0.01, momentum=0.9, nesterov=True,
                                          weight_decay=1e-4)),
            ("RMSprop", stepper(o.RMSprop, lr=1e-3))]


if __name__ == "__main__":
    main(__doc__, cases, repeat=9)
