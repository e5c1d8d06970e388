"""set_num_threads controls the threads of the BLAS NumPy calls (OpenBLAS), as torch's controls
its own; the checks and defaults are torch's."""
import os
import subprocess
import sys

import pytest
import torch

import flambeau
from conftest import raises_like


def test_default_is_torchs():
    assert flambeau.get_num_threads() == torch.get_num_threads()
    assert flambeau.get_num_interop_threads() == torch.get_num_interop_threads()


@pytest.mark.parametrize("env", ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"])
def test_default_follows_the_environment(env):
    code = "import flambeau; print(flambeau.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, env: "1"})
    assert out.stdout.strip() == "1", out.stderr


@pytest.mark.parametrize("value", [0, -1, "a", 2.0, True])
@pytest.mark.parametrize("name", ["set_num_threads", "set_num_interop_threads"])
def test_bad_counts(name, value):
    raises_like(lambda: getattr(flambeau, name)(value), lambda: getattr(torch, name)(value))


def test_set_reaches_the_blas():
    from flambeau import _threads
    get_blas = _threads._blas()[0]
    before = flambeau.get_num_threads()
    try:
        flambeau.set_num_threads(1)
        assert flambeau.get_num_threads() == get_blas() == 1
    finally:
        flambeau.set_num_threads(before)
    assert get_blas() == before


# a matmul after set_num_threads(1) keeps every other thread of the process idle
ONE_THREAD = """
import os, threading, numpy as np, flambeau
def cpu_times():
    times = {}
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        times[int(tid)] = int(fields[11]) + int(fields[12])  # utime + stime, in ticks
    return times
flambeau.set_num_threads({n})
a = flambeau.randn(800, 800)
a @ a  # starts the BLAS threads it is allowed
before = cpu_times()
for _ in range(20):
    a @ a
after = cpu_times()
me = threading.get_native_id()
print(after[me] - before[me], sum(after[t] - before.get(t, 0) for t in after if t != me))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads Linux's /proc")
def test_one_thread_computes():
    out = subprocess.run([sys.executable, "-c", ONE_THREAD.replace("{n}", "1")],
                         capture_output=True, text=True)
    mine, others = map(int, out.stdout.split())
    assert mine > 0 and others <= 1, (mine, others)


def test_interop_threads_once():
    code = ("import flambeau\nflambeau.set_num_interop_threads(3)\n"
            "print(flambeau.get_num_interop_threads())\nflambeau.set_num_interop_threads(4)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "3"
    assert out.stderr.strip().endswith(
        "RuntimeError: Error: cannot set number of interop threads after parallel work has "
        "started or set_num_interop_threads called")
