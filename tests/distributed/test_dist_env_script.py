"""A torchrun-style DistributedDataParallel script (ddp_env_train.py: env:// rendezvous,
DistributedSampler) on two processes prints on flambeau, unchanged, what it prints on torch."""
import os
import subprocess
import sys

from conftest import _NUMBER as NUMBER, assert_same_numbers
from dist_workers import DEADLINE, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "ddp_env_train.py")


def start_ranks(command, world_size=2):
    """``command`` started once a rank with a launcher's environment variables."""
    port = str(free_port())
    return [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS="1",
                                      MASTER_ADDR="127.0.0.1", MASTER_PORT=port, RANK=str(rank),
                                      LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size)))
            for rank in range(world_size)]


def outputs(processes):
    """What each process printed, once all have ended well (killed when late)."""
    printed = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=DEADLINE)
            assert process.returncode == 0, err[-3000:]
            printed.append(out)
    finally:
        for process in processes:
            process.kill()
    return printed


def test_prints_as_torch():
    theirs = start_ranks([sys.executable, SCRIPT])  # the two jobs run side by side
    ours = outputs(start_ranks([sys.executable, "-m", "flambeau", "run", SCRIPT]))
    try:
        theirs = outputs(theirs)
    except AssertionError:  # torch's gloo now and then aborts a rank as it ends: once more
        theirs = outputs(start_ranks([sys.executable, SCRIPT]))
    for rank_ours, rank_theirs in zip(ours, theirs):  # the last digit as each BLAS rounds it
        assert_same_numbers(rank_ours, rank_theirs)
        assert NUMBER.sub("#", rank_ours) == NUMBER.sub("#", rank_theirs)
    assert "epoch 2 loss" in ours[0] and "replicas equal True" in ours[1]
