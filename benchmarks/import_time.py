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

_PROBE = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def import_seconds(module, repeat=5):
    """The median seconds ``import module`` takes in a fresh interpreter with cached bytecode."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        times = [float(subprocess.run([sys.executable, "-c", _PROBE.format(module)], env=env,
                                      check=True, capture_output=True, text=True).stdout)
                 for _ in range(repeat + 1)][1:]  # the first run writes the cache
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for module in ("numpy", "flambeau", "torch"):
        print(f"import {module:9s} {import_seconds(module, args.repeat):.3f} s")


if __name__ == "__main__":
    main()
