"""torch.multiprocessing: spawn reports a child's exception or death in the parent as torch
does, queues carry tensors, and the module is the stdlib's with torch's additions."""
import multiprocessing
import os
import re
import subprocess
import sys
import time

import pytest
import torch
import torch.multiprocessing as tmp

import flambeau
import flambeau.multiprocessing as mp
from dist_workers import DEADLINE, echo, fails

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_child_exception_reported_with_traceback():
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.spawn(fails, args=("raise",), nprocs=2)
    message = str(info.value)
    assert message.startswith("\n\n-- Process 1 terminated with the following error:\n"
                              "Traceback (most recent call last):\n")
    assert 'in fails\n    raise ValueError("rank one fails")' in message
    assert message.endswith("ValueError: rank one fails\n")
    assert info.value.error_index == 1 and info.value.error_pid > 0


@pytest.mark.parametrize("how,text,code", [("exit", "exit code 3", 3),
                                           ("kill", "signal SIGKILL", -9)])
def test_child_death_reported(how, text, code):
    context = mp.spawn(fails, args=(how,), nprocs=2, join=False)
    assert isinstance(context, mp.ProcessContext) and len(context.pids()) == 2
    with pytest.raises(mp.ProcessExitedException, match=f"^process 1 terminated with {text}$") \
            as info:
        while not context.join(timeout=DEADLINE):
            pass
    assert info.value.exit_code == code and info.value.error_index == 1
    assert not any(p.is_alive() for p in context.processes)  # the other was terminated


def test_children_die_with_their_parent(tmp_path):
    pid_file = tmp_path / "pid"
    parent = ("import os, sys, time; sys.path[:0] = sys.argv[1:3]\n"
              "import flambeau.multiprocessing as mp, dist_workers\n"
              "if __name__ == '__main__':\n"
              "    mp.spawn(dist_workers.sleeper, args=(sys.argv[3],), join=False)\n"
              "    while not os.path.exists(sys.argv[3]): time.sleep(0.05)\n"
              "    os._exit(0)\n")
    (tmp_path / "parent.py").write_text(parent)
    subprocess.run([sys.executable, tmp_path / "parent.py", os.path.dirname(__file__), REPO,
                    pid_file], timeout=DEADLINE, check=True)
    deadline = time.monotonic() + 10
    while _running(int(pid_file.read_text())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(int(pid_file.read_text()))


def _running(pid):
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_exceptions_pickle_as_torch():
    import pickle
    for ours, theirs in [(mp.ProcessRaisedException("m", 1, 2),
                          tmp.ProcessRaisedException("m", 1, 2)),
                         (mp.ProcessExitedException("m", 1, 2, 3, "SIGTERM"),
                          tmp.ProcessExitedException("m", 1, 2, 3, "SIGTERM"))]:
        again = pickle.loads(pickle.dumps(ours))
        for name in ("msg", "error_index", "error_pid", "exit_code", "signal_name"):
            assert getattr(again, name, None) == getattr(theirs, name, None)
        assert str(again) == str(theirs)


def test_spawn_other_start_method_warns_as_torch():
    with pytest.warns(FutureWarning) as ours:
        mp.spawn(echo, args=(mp.get_context("spawn").SimpleQueue(),), nprocs=1,
                 start_method="fork")
    with pytest.warns(FutureWarning) as theirs:
        tmp.spawn(str, nprocs=0, start_method="fork")
    assert str(ours[0].message) == str(theirs[0].message)


def test_queue_carries_tensors():
    queue = mp.get_context("spawn").SimpleQueue()
    mp.start_processes(echo, args=(queue,), nprocs=2, start_method="spawn")
    received = dict(queue.get() for _ in range(2))
    for rank, tensor in received.items():
        assert isinstance(tensor, flambeau.Tensor)
        assert tensor.tolist() == [0.0, rank + 1.0, 2 * rank + 2.0]


def test_namespace_as_torch():
    assert mp.get_all_sharing_strategies() == tmp.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == tmp.get_sharing_strategy()
    for name in multiprocessing.__all__:
        assert getattr(mp, name) is getattr(multiprocessing, name)
    assert set(tmp.__all__) <= set(mp.__all__)
    raised = {}
    for lib in (mp, tmp):
        with pytest.raises(AssertionError) as raised[lib]:
            lib.set_sharing_strategy("shared")
    assert str(raised[mp].value) == str(raised[tmp].value)
    assert re.match(r"invalid sharing strategy 'shared'", str(raised[mp].value))
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_descriptor")
    assert flambeau.multiprocessing is mp and torch.multiprocessing is tmp
