"""Gradient clipping (run every training step): nn.utils.clip_grad_norm_ (2-norm and inf-norm)
and clip_grad_value_ on the parameters of the two MLPs of benchmarks/train_step.py, flambeau vs
torch.

    python benchmarks/clip_grad.py --threads 1
"""
import argparse

from _timing import compare, print_table, setup


def cases(m):
    g = m.Generator().manual_seed(0)
    rows = []
    for sizes in ((64, 1000, 100, 10), (784, 1024, 10)):
        params = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            for shape in ((fan_out, fan_in), (fan_out,)):
                p = m.randn(*shape, generator=g).requires_grad_()
                p.grad = m.randn(*shape, generator=g) * 1e-3
                params.append(p)
        name = "x".join(map(str, sizes))
        utils = m.nn.utils
        rows += [(f"norm_ 2 {name}", lambda p=params: utils.clip_grad_norm_(p, 1e-4)),
                 (f"norm_ inf {name}", lambda p=params: utils.clip_grad_norm_(p, 1e-4, "inf")),
                 (f"value_ {name}", lambda p=params: utils.clip_grad_value_(p, 1e-3))]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    print_table(compare(cases(flambeau), cases(torch), args.repeat), args.threads)


if __name__ == "__main__":
    main()
