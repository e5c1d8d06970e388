"""Shared timing for the benchmarks: interleaved repetitions, medians, a ratio table.

Times are wall clock; with ``BENCH_TIMER=cpu`` in the environment they are the calling thread's
CPU time instead, which a busy machine disturbs far less (meaningful at one thread only, where
both libraries compute in the calling thread)."""
import argparse
import os
import statistics
import sys
import time
import timeit

TIMER = time.thread_time if os.environ.get("BENCH_TIMER") == "cpu" else time.perf_counter


def setup(threads):
    """Limits BLAS and torch to ``threads`` (before numpy/torch are imported) and returns
    (flambeau, torch)."""
    if threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import torch
    import flambeau
    if threads:
        torch.set_num_threads(threads)
    return flambeau, torch


def compare(cases_f, cases_t, repeat):
    """Rows (name, flambeau seconds, torch seconds, ratio): each case's two callables are timed
    alternately ``repeat`` times, with the garbage collector on as in a real program (timeit
    turns it off); the times are medians, the ratio the median of the paired ratios (each pair
    timed back to back, so a slow spell of the machine weighs on both)."""
    rows = []
    for (name, f), (_, t) in zip(cases_f, cases_t):
        f(), t()  # warm up
        one = timeit.timeit(t, number=3, timer=TIMER) / 3
        number = max(1, int(0.02 / max(one, 1e-7)))
        times_f, times_t = [], []
        for _ in range(repeat):
            times_f.append(timeit.timeit(f, "gc.enable()", TIMER, number) / number)
            times_t.append(timeit.timeit(t, "gc.enable()", TIMER, number) / number)
        ratio = statistics.median(a / b for a, b in zip(times_f, times_t))
        rows.append((name, statistics.median(times_f), statistics.median(times_t), ratio))
    return rows


def print_table(rows, threads):
    import numpy
    from flambeau.__main__ import _blas
    clock = "thread CPU time" if TIMER is time.thread_time else "wall clock"
    print(f"threads={threads or 'default'}, {clock}; NumPy's BLAS: {_blas(numpy)}")
    print(f"{'case':<28}{'flambeau':>12}{'torch':>12}{'ratio':>8}")
    for name, tf, tt, ratio in rows:
        print(f"{name:<28}{_fmt(tf):>12}{_fmt(tt):>12}{ratio:>8.2f}")


def _fmt(seconds):
    return f"{seconds * 1e6:.2f}us" if seconds < 1e-3 else f"{seconds * 1e3:.2f}ms"


def main(doc, cases, repeat=5):
    """The command line of a benchmark whose ``cases(module)`` gives (name, callable) pairs for
    flambeau and for torch: ``--threads`` and ``--repeat``, then the ratio table."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=repeat)
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    print_table(compare(cases(flambeau), cases(torch), args.repeat), args.threads)
