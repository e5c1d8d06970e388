"""``torchrun`` (``python -m torch.distributed.run``), for one machine: starts
``--nproc-per-node`` copies of a script (or ``-m`` module) under ``python -m flambeau run``,
each with the environment torch's launcher gives its workers (``RANK``, ``LOCAL_RANK``,
``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``ROLE_RANK``, ``ROLE_WORLD_SIZE``,
``MASTER_ADDR``, ``MASTER_PORT``, ``TORCHELASTIC_RUN_ID`` ...), so that
``init_process_group()``'s env:// rendezvous joins them. It waits for all of them; when one
fails it stops the others and exits with that worker's status.

Differs from torch's: one node only (``--nnodes 1``; torch's elastic agent, restarts and
multi-node rendezvous backends are not there, ``--max-restarts`` must be 0), and the report of
a failed worker is a short summary instead of torch's ``ChildFailedError`` table.
"""
import argparse
import os
import signal
import socket
import queue
import subprocess
import sys
import threading
import time
import uuid

__all__ = ["get_args_parser", "parse_args", "run", "main"]


def get_args_parser():
    """The command line of torchrun (the options a single machine uses; both spellings of
    the ``--nproc-per-node`` style names, as torch accepts)."""
    parser = argparse.ArgumentParser(description="Torch Distributed Elastic Training Launcher")

    def option(name, **kwargs):
        underscored = "--" + name[2:].replace("-", "_")
        names = [name] if underscored == name else [name, underscored]
        parser.add_argument(*names, **kwargs)

    option("--nnodes", type=str, default="1:1", help="Number of nodes (only 1 here).")
    option("--nproc-per-node", type=str, default="1",
           help="Number of workers per node: an integer, or 'cpu' for one per core.")
    option("--node-rank", type=int, default=0, help="Rank of the node (only 0 here).")
    option("--master-addr", type=str, default="127.0.0.1", help="Address of rank 0.")
    option("--master-port", type=int, default=29500, help="Port of rank 0's store.")
    option("--standalone", action="store_true",
           help="A single-node job on a free local port (MASTER_PORT chosen here).")
    option("--rdzv-backend", type=str, default="static", help="Accepted: static or c10d.")
    option("--rdzv-endpoint", type=str, default="", help="host:port of the rendezvous.")
    option("--rdzv-id", type=str, default="none", help="The job's id (TORCHELASTIC_RUN_ID).")
    option("--max-restarts", type=int, default=0, help="Only 0 here.")
    option("--monitor-interval", type=float, default=0.1,
           help="Seconds between checks of the workers.")
    option("--role", type=str, default="default", help="The workers' role name.")
    parser.add_argument("-m", "--module", action="store_true",
                        help="Run the training script as a module (python -m).")
    option("--no-python", action="store_true",
           help="Run the training script as an executable, not under python.")
    parser.add_argument("training_script", type=str, help="The script each worker runs.")
    parser.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return parser


def parse_args(args):
    return get_args_parser().parse_args(args)


def _workers_per_node(value):
    if value == "cpu" or value == "auto":
        return os.cpu_count()
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"Unsupported nproc_per_node value: {value}") from None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _endpoint(args):
    """(MASTER_ADDR, MASTER_PORT) for this job."""
    if args.standalone:
        return "127.0.0.1", _free_port()
    if args.rdzv_endpoint:
        host, _, port = args.rdzv_endpoint.rpartition(":")
        return (host, int(port)) if host else (port, args.master_port)
    return args.master_addr, args.master_port


def _command(args):
    if args.no_python:
        if args.module:
            raise ValueError("Don't use both the '--no-python' flag and the '--module' flag at "
                             "the same time.")
        return [args.training_script, *args.training_script_args]
    target = ["-m", args.training_script] if args.module else [args.training_script]
    return [sys.executable, "-m", "flambeau", "run", *target, *args.training_script_args]


def _environments(args, nproc):
    host, port = _endpoint(args)
    run_id = args.rdzv_id if args.rdzv_id != "none" else uuid.uuid4().hex
    base = dict(os.environ)
    if nproc > 1 and "OMP_NUM_THREADS" not in base:
        print("*****************************************\n"
              "Setting OMP_NUM_THREADS environment variable for each process to be 1 in "
              "default, to avoid your system being overloaded, please further tune the "
              "variable for optimal performance in your application as needed. \n"
              "*****************************************", file=sys.stderr)
        base["OMP_NUM_THREADS"] = "1"
    for local_rank in range(nproc):
        yield dict(base, LOCAL_RANK=str(local_rank), RANK=str(local_rank),
                   GROUP_RANK="0", ROLE_RANK=str(local_rank), ROLE_NAME=args.role,
                   LOCAL_WORLD_SIZE=str(nproc), WORLD_SIZE=str(nproc),
                   GROUP_WORLD_SIZE="1", ROLE_WORLD_SIZE=str(nproc), MASTER_ADDR=host,
                   MASTER_PORT=str(port), TORCHELASTIC_RESTART_COUNT="0",
                   TORCHELASTIC_MAX_RESTARTS=str(args.max_restarts),
                   TORCHELASTIC_RUN_ID=run_id, TORCHELASTIC_USE_AGENT_STORE="False",
                   TORCH_NCCL_ASYNC_ERROR_HANDLING="1")


def run(args):
    """Starts the workers of ``args`` (parsed by :func:`parse_args`) and waits for them;
    returns 0, or the exit status of the first worker that failed."""
    if args.nnodes not in ("1", "1:1") or args.node_rank != 0:
        raise ValueError(f"flambeau's launcher runs one node: --nnodes {args.nnodes} "
                         f"--node-rank {args.node_rank} is not supported")
    if args.max_restarts:
        raise ValueError("flambeau's launcher does not restart workers: --max-restarts must "
                         "be 0")
    nproc = _workers_per_node(args.nproc_per_node)
    command = _command(args)
    workers = [subprocess.Popen(command, env=env) for env in _environments(args, nproc)]
    exits = queue.Queue()  # (local rank, status) in the order the workers end
    for rank, worker in enumerate(workers):
        threading.Thread(target=lambda r=rank, w=worker: exits.put((r, w.wait())),
                         daemon=True).start()
    try:
        for _ in workers:
            while True:
                try:
                    rank, code = exits.get(timeout=args.monitor_interval)
                    break
                except queue.Empty:
                    continue
            if code != 0:  # the first to fail, not those that failed because it did
                _stop(workers)
                print(f"[flambeau.distributed.run] worker with local rank {rank} (pid "
                      f"{workers[rank].pid}) failed with exit code {code}: {' '.join(command)}",
                      file=sys.stderr)
                return code if code > 0 else 128 - code
        return 0
    except KeyboardInterrupt:
        _stop(workers)
        raise


def _stop(workers):
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for w in workers:
        try:
            w.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()


def main(args=None):
    sys.exit(run(parse_args(args)))


if __name__ == "__main__":
    main()
