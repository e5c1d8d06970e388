"""Activations and dropout, forward + backward, flambeau vs torch in one run (float32, 256x1024):
F.relu (and its in-place form after a scaling), F.leaky_relu, F.gelu (exact and tanh), F.silu,
F.elu, F.softplus, F.hardswish, F.dropout(p=0.5) in training mode.

    python benchmarks/activation.py [--threads 1] [--repeat 9]
"""

from _timing import main


def cases(m, shape=(256, 1024)):
    g = m.Generator().manual_seed(0)
    F = m.nn.functional
    x = m.randn(*shape, generator=g).requires_grad_()
    grad = m.randn(*shape, generator=g)

    def case(fn):
        def run():
            x.grad = None
            fn(x).backward(grad)
        return run

    return [("relu", case(F.relu)),
            ("relu inplace (x * 2)", case(lambda t: F.relu(t * 2, inplace=True))),
            ("leaky_relu", case(F.leaky_relu)),
            ("gelu", case(F.gelu)),
            ("gelu tanh", case(lambda t: F.gelu(t, approximate="tanh"))),
            ("silu", case(F.silu)),
            ("elu", case(F.elu)),
            ("softplus", case(F.softplus)),
            ("hardswish", case(F.hardswish)),
            ("dropout 0.5", case(F.dropout))]


if __name__ == "__main__":
    main(__doc__, cases, repeat=9)
