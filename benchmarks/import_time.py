"""Seconds to ``import flambeau`` (and ``import torch``) in a fresh interpreter, bytecode cached.

    python benchmarks/import_time.py [--repeat 7]

Each import runs in its own subprocess after one warm-up run that writes the bytecode cache (to
a temporary folder, so this works under PYTHONDONTWRITEBYTECODE too); the median is printed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

_PROBE = ("import time; t, c = time.perf_counter(), time.process_time(); import {0}; "
          "print(time.perf_counter() - t, time.process_time() - c)")


def import_seconds(module, repeat=5, summary=statistics.median, cpu=False):
    """The seconds ``import module`` takes in a fresh interpreter with cached bytecode: the
    ``summary`` (median) of ``repeat`` runs, in wall-clock time, or in the process's CPU time
    (``cpu=True``: less affected by other programs on a busy machine)."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        runs = [subprocess.run([sys.executable, "-c", _PROBE.format(module)], env=env,
                               check=True, capture_output=True, text=True).stdout.split()
                for _ in range(repeat + 1)][1:]  # the first run writes the cache
        times = [float(run[cpu]) for run in runs]
    return summary(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for module in ("numpy", "flambeau", "torch"):
        wall, cpu = (import_seconds(module, args.repeat, cpu=c) for c in (False, True))
        print(f"import {module:9s} {wall:.3f} s ({cpu:.3f} s of CPU)")


if __name__ == "__main__":
    main()
