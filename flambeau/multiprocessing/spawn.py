"""``spawn``/``start_processes``: run ``fn(i, *args)`` in ``nprocs`` new processes; when one
raises, the parent raises :class:`ProcessRaisedException` with the child's traceback, and when
one dies, :class:`ProcessExitedException` with its exit code or signal (the others are
terminated)."""
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import time
import warnings

__all__ = ["ProcessContext", "ProcessException", "ProcessExitedException",
           "ProcessRaisedException", "spawn", "start_processes"]


class ProcessException(Exception):
    """A child of :func:`spawn` failed: ``error_index`` is its index, ``error_pid`` its pid."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg, self.error_index, self.error_pid = msg, error_index, error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A child raised an exception; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A child exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code,
                            self.signal_name)


def _wrap(fn, i, args, error_file):
    """The child's entry point: runs ``fn(i, *args)``, writing its traceback to
    ``error_file`` when it raises. On Linux, as torch, the child gets SIGINT when its parent
    dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGINT)  # PR_SET_PDEATHSIG
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent terminated this process
    except Exception:
        import traceback
        with open(error_file, "wb") as f:
            pickle.dump(traceback.format_exc(), f)
        sys.exit(1)


class ProcessContext:
    """The processes of one :func:`start_processes` call; :meth:`join` waits for them."""

    def __init__(self, processes, error_files):
        self.processes, self.error_files = processes, error_files
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        return [int(p.pid) for p in self.processes]

    def join(self, timeout=None, grace_period=None):
        """Waits up to ``timeout`` seconds for the processes to end. True once all ended
        well, False while some run; when one failed, terminates the others (after
        ``grace_period`` seconds) and raises the failure."""
        if not self.sentinels:
            return True
        failed = None
        for sentinel in multiprocessing.connection.wait(list(self.sentinels), timeout=timeout):
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_others(grace_period)
        raise self._failure(failed)

    def _stop_others(self, grace_period):
        """Terminates the processes still running (after ``grace_period`` seconds), then
        kills those that ignore it."""
        if grace_period is not None:
            self._join_all(grace_period)
        for p in self.processes:
            if p.is_alive():
                p.terminate()
        self._join_all(30 if grace_period is None else grace_period)
        for p in self.processes:
            if p.is_alive():
                p.kill()
            p.join()

    def _join_all(self, seconds):
        deadline = time.monotonic() + seconds
        for p in self.processes:
            p.join(max(0, deadline - time.monotonic()))

    def _failure(self, index):
        process = self.processes[index]
        path = self.error_files[index]
        if not os.access(path, os.R_OK):
            code = process.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                return ProcessExitedException(f"process {index:d} terminated with signal {name}",
                                              index, process.pid, code, name)
            return ProcessExitedException(f"process {index:d} terminated with exit code {code:d}",
                                          index, process.pid, code)
        with open(path, "rb") as f:
            trace = pickle.load(f)
        os.unlink(path)
        return ProcessRaisedException(
            f"\n\n-- Process {index:d} terminated with the following error:\n{trace}",
            index, process.pid)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Starts ``nprocs`` processes running ``fn(i, *args)`` with ``start_method``; waits for
    them (``join=True``, returns None) or returns their :class:`ProcessContext`."""
    context = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        with tempfile.NamedTemporaryFile(prefix="flambeau-errorfile-", suffix=".pickle",
                                         delete=True) as f:
            path = f.name  # a fresh name; the child creates the file only when it fails
        process = context.Process(target=_wrap, args=(fn, i, args, path), daemon=daemon)
        process.start()
        processes.append(process)
        error_files.append(path)
    result = ProcessContext(processes, error_files)
    if not join:
        return result
    while not result.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """:func:`start_processes` with the ``spawn`` start method (another ``start_method``
    warns, as torch, and is not used): ``fn`` must be importable, defined at the top level
    of a module."""
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\n"
                      "To use a different start_method use:\n\t\t "
                      "torch.multiprocessing.start_processes(...)", FutureWarning, stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
