"""torchrun on flambeau (``python -m flambeau.distributed.run``, or torch's module name under
``flambeau run``): two workers started with torch's launcher environment join by env:// and
all-reduce, printing what the same script prints under real torchrun; a failing worker makes
the launcher stop and exit non-zero."""
import os
import re
import subprocess
import sys

import pytest

from dist_workers import DEADLINE

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "dist_run_allreduce.py")


def launch(*command, **env):
    environment = dict(os.environ, PYTHONPATH=REPO, **env)
    environment.pop("OMP_NUM_THREADS", None)
    return subprocess.run([sys.executable, *command], capture_output=True, text=True,
                          timeout=DEADLINE, env=environment)


EXPECTED = [f"rank {r}/2 local {r}/2 sum [3.0, 3.0, 3.0] threads 1" for r in range(2)]


def summaries(printed):
    """The workers' lines, sorted (the two processes' writes to one pipe may interleave)."""
    return sorted(re.findall(r"rank \d/\d local \d/\d sum \[[^\]]*\] threads \d+", printed))


@pytest.mark.parametrize("command", [
    ["-m", "flambeau.distributed.run", "--nproc_per_node", "2", "--standalone"],
    ["-m", "flambeau", "run", "-m", "torch.distributed.run", "--nproc-per-node=2",
     "--standalone"]], ids=["flambeau", "as-torch"])
def test_two_workers_all_reduce(command):
    done = launch(*command, SCRIPT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert summaries(done.stdout) == EXPECTED
    assert "Setting OMP_NUM_THREADS environment variable" in done.stderr


def test_real_torchrun_prints_the_same():
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc-per-node",
                           "2", "--standalone", SCRIPT], capture_output=True, text=True,
                          timeout=DEADLINE, env={k: v for k, v in os.environ.items()
                                                 if k != "OMP_NUM_THREADS"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert summaries(done.stdout) == EXPECTED


def test_a_failing_worker_stops_the_job():
    done = launch("-m", "flambeau.distributed.run", "--nproc-per-node", "2", "--master-port",
                  "0", "--standalone", SCRIPT, FAIL="1")
    assert done.returncode == 3
    assert "local rank 1" in done.stderr and "exit code 3" in done.stderr


def test_more_than_one_node_is_refused():
    done = launch("-m", "flambeau.distributed.run", "--nnodes", "2", SCRIPT)
    assert done.returncode != 0 and "one node" in done.stderr
