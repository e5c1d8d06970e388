"""Random sampling, flambeau vs torch in one run: small and large draws, the in-place samplers
on a 4M-element tensor, and the initialisation of a 4096x4096 Linear; with ``--memory``, the
peak memory (RSS) and CPU time of building ``nn.Linear(25088, 4096)`` (VGG's first classifier
layer), each library in a fresh process.

    python benchmarks/random_draws.py [--threads 1] [--repeat 5] [--memory]
"""
import argparse
import json
import os
import subprocess
import sys

from _timing import compare, print_table, setup


def cases(m):
    big, small = m.empty(4 * 1024 * 1024), m.empty(8, 8)
    linear = m.nn.Linear(4096, 4096)
    return [
        ("rand(4)", lambda: m.rand(4)),
        ("rand(8, 8)", lambda: m.rand(8, 8)),
        ("uniform_ 8x8", lambda: small.uniform_()),
        ("randn(8, 8)", lambda: m.randn(8, 8)),
        ("randn(4)", lambda: m.randn(4)),
        ("randint(0, 1000, (8, 8))", lambda: m.randint(0, 1000, (8, 8))),
        ("rand(1000, 1000)", lambda: m.rand(1000, 1000)),
        ("randn(1000, 1000)", lambda: m.randn(1000, 1000)),
        ("randint 1000x1000", lambda: m.randint(0, 1000, (1000, 1000))),
        ("randperm(64)", lambda: m.randperm(64)),
        ("randperm(60000)", lambda: m.randperm(60000)),
        ("uniform_ 4M", lambda: big.uniform_(-0.1, 0.1)),
        ("normal_ 4M", lambda: big.normal_(0.0, 0.01)),
        ("Linear(4096, 4096) init", linear.reset_parameters),
    ]


_BUILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import {module} as m


def peak():  # this process's own high-water mark (ru_maxrss would include the parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 2 ** 20


m.set_num_threads({threads})
before = peak()
start = time.process_time()  # CPU time: a busy machine's other work is not counted
layer = m.nn.Linear(25088, 4096)
seconds = time.process_time() - start
print(json.dumps([seconds, before, peak()]))
"""


def memory(threads):
    """CPU time, RSS before and peak RSS (GiB) of building nn.Linear(25088, 4096) in each
    library."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    print(f"{'nn.Linear(25088, 4096)':<28}{'CPU s':>10}{'RSS before':>12}{'peak RSS':>10}")
    for module in ("flambeau", "torch"):
        code = _BUILD.format(root=root, module=module, threads=threads or 1)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
        seconds, before, peak = json.loads(out.splitlines()[-1])
        print(f"{module:<28}{seconds:>10.2f}{before:>11.2f}G{peak:>9.2f}G")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    print_table(compare(cases(flambeau), cases(torch), args.repeat), args.threads)
    if args.memory:
        memory(args.threads)


if __name__ == "__main__":
    main()
