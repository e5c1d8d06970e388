"""Per-call time of small and large tensor ops, flambeau vs torch, in one run.

    python benchmarks/op_overhead.py [--threads 1] [--repeat 7]

Repetitions of flambeau and torch are interleaved and the median is taken, so a noisy machine
affects both alike. The ratio is flambeau / torch: below 1.0 flambeau is faster.
"""
import argparse
import statistics

from _timing import compare, print_table, setup


def cases(m):
    """(name, setup returning the callable) for a module ``m`` (flambeau or torch)."""
    def small():
        return m.ones(8, 8)

    def large():
        return m.ones(1000, 1000)

    return [
        ("tensor([1., 2., 3.])", lambda: (lambda: m.tensor([1.0, 2.0, 3.0]))),
        ("zeros(8, 8)", lambda: (lambda: m.zeros(8, 8))),
        ("add 8x8", lambda: (lambda a=small(): a + a)),
        ("mul 8x8", lambda: (lambda a=small(): a * a)),
        ("add 1000x1000", lambda: (lambda a=large(): a + a)),
        ("mul 1000x1000", lambda: (lambda a=large(): a * a)),
        ("index a row x[3]", lambda: (lambda a=small(): a[3])),
        ("view(64)", lambda: (lambda a=small(): a.view(64))),
        ("transpose t()", lambda: (lambda a=small(): a.t())),
        ("sum 8x8", lambda: (lambda a=small(): a.sum())),
        ("sum 1000x1000", lambda: (lambda a=large(): a.sum())),
        ("matmul 64x64", lambda: (lambda a=m.ones(64, 64): a @ a)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    rows = compare([(n, make()) for n, make in cases(flambeau)],
                   [(n, make()) for n, make in cases(torch)], args.repeat)
    print_table(rows, args.threads)
    small = [r[3] for r in rows if "1000" not in r[0]]
    large = [r[3] for r in rows if "1000" in r[0]]
    print(f"median ratio: small {statistics.median(small):.2f}, "
          f"large {statistics.median(large):.2f}")


if __name__ == "__main__":
    main()
