"""A worker that dies (killed by a signal, crashed, or exited) raises an error in the main
process instead of leaving it waiting for data that will never come.

The main process records its iterators' worker pids; its SIGCHLD handler (and the iterator,
whenever a wait for data times out) looks at them without reaping them, and raises torch's
error for one that died abnormally.
"""
import os
import signal
import threading

_worker_pids = {}  # id(iterator) -> its workers' pids
_SIGCHLD_handler_set = False


def _set_worker_pids(key, pids):
    _worker_pids[key] = tuple(pids)


def _remove_worker_pids(key):
    _worker_pids.pop(key, None)


def _error_if_any_worker_fails():
    """Raises RuntimeError if a registered worker has died abnormally."""
    if not hasattr(os, "waitid"):
        return
    for pids in list(_worker_pids.values()):
        for pid in pids:
            try:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:  # already reaped
                continue
            if info is None:  # still running
                continue
            if info.si_code == os.CLD_EXITED and info.si_status != 0:
                raise RuntimeError(
                    f"DataLoader worker (pid {pid}) exited unexpectedly with exit code "
                    f"{info.si_status}. Details are lost due to multiprocessing. Rerunning with "
                    "num_workers=0 may give better error trace.")
            if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED):
                message = (f"DataLoader worker (pid {pid}) is killed by signal: "
                           f"{signal.strsignal(info.si_status)}. ")
                if info.si_status == signal.SIGBUS:
                    message += ("It is possible that dataloader's workers are out of shared "
                                "memory. Please try to raise your shared memory limit.")
                raise RuntimeError(message)


def _set_SIGCHLD_handler():
    """Installs (once, from the main thread) a SIGCHLD handler that checks the workers and
    then calls the handler it replaced."""
    global _SIGCHLD_handler_set
    if _SIGCHLD_handler_set or not hasattr(signal, "SIGCHLD") or \
            threading.current_thread() is not threading.main_thread():
        return
    previous_handler = signal.getsignal(signal.SIGCHLD)
    if not callable(previous_handler):
        previous_handler = None

    def handler(signum, frame):
        _error_if_any_worker_fails()
        if previous_handler is not None:
            previous_handler(signum, frame)

    signal.signal(signal.SIGCHLD, handler)
    _SIGCHLD_handler_set = True
