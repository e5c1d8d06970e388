"""Per-call time of small and large tensor ops, flambeau vs torch, in one run.

    python benchmarks/op_overhead.py [--threads 1] [--repeat 7]

Repetitions of flambeau and torch are interleaved and the median is taken, so a noisy machine
affects both alike. The ratio is flambeau / torch: below 1.0 flambeau is faster.
"""
import argparse
import os
import statistics
import sys
import timeit


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


def measure(fn, number):
    return timeit.timeit(fn, number=number) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import torch
    import flambeau
    if args.threads:
        torch.set_num_threads(args.threads)
    rows = []
    for (name, make_f), (_, make_t) in zip(cases(flambeau), cases(torch)):
        f, t = make_f(), make_t()
        number = max(1, int(0.02 / max(measure(t, 3), 1e-7)))
        times_f, times_t = [], []
        for _ in range(args.repeat):
            times_f.append(measure(f, number))
            times_t.append(measure(t, number))
        tf, tt = statistics.median(times_f), statistics.median(times_t)
        rows.append((name, tf, tt, tf / tt))
    print(f"threads={args.threads or 'default'}")
    print(f"{'op':<24}{'flambeau':>12}{'torch':>12}{'ratio':>8}")
    for name, tf, tt, ratio in rows:
        print(f"{name:<24}{tf * 1e6:>10.2f}us{tt * 1e6:>10.2f}us{ratio:>8.2f}")
    small = [r[3] for r in rows if "1000" not in r[0]]
    large = [r[3] for r in rows if "1000" in r[0]]
    print(f"median ratio: small {statistics.median(small):.2f}, large {statistics.median(large):.2f}")


if __name__ == "__main__":
    main()
