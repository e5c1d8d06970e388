"""What the distributed tests run in spawned processes (importable, and importing flambeau
only, so a child starts fast), and :func:`launch`, which runs one of them on a few ranks with
a deadline: a test fails instead of hanging when a rank waits forever."""
import datetime
import os
import pickle
import signal
import socket
import time

import numpy as np
import pytest

import flambeau
import flambeau.distributed as dist
import flambeau.multiprocessing as mp

DEADLINE = 90  # seconds for a whole launch, on a busy two-core machine


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(fn, nprocs, *args):
    """Runs ``fn(rank, *args)`` on ``nprocs`` spawned processes; raises what they raise, or
    TimeoutError (after terminating them) when they are not done in time."""
    context = mp.spawn(fn, args=args, nprocs=nprocs, join=False)
    deadline = time.monotonic() + DEADLINE
    while not context.join(timeout=max(deadline - time.monotonic(), 0)):
        if time.monotonic() >= deadline:
            for process in context.processes:
                process.kill()
            raise TimeoutError(f"{fn.__name__} did not finish in {DEADLINE}s")


@pytest.fixture
def one_rank():
    """A one-rank default group in flambeau and in torch (imported here only: the spawned
    children import this module)."""
    import torch.distributed as tdist
    timeout = datetime.timedelta(seconds=30)
    dist.init_process_group("gloo", f"tcp://127.0.0.1:{free_port()}", timeout, 1, 0)
    tdist.init_process_group("gloo", f"tcp://127.0.0.1:{free_port()}", timeout, 1, 0)
    yield
    dist.destroy_process_group()
    tdist.destroy_process_group()


def init(rank, world_size, url):
    dist.init_process_group("gloo", init_method=url, world_size=world_size, rank=rank,
                            timeout=datetime.timedelta(seconds=DEADLINE))


def save(folder, rank, result):
    with open(os.path.join(folder, f"{rank}.pickle"), "wb") as f:
        pickle.dump(result, f)


def results(folder, world_size):
    """What :func:`save` wrote for each rank."""
    out = []
    for rank in range(world_size):
        with open(os.path.join(folder, f"{rank}.pickle"), "rb") as f:
            out.append(pickle.load(f))
    return out


# -------------------------------------------------------------- collectives

def collectives(rank, world_size, url, folder):
    """Each collective on rank-dependent tensors; what every rank ends with."""
    init(rank, world_size, url)
    out = {"rank": dist.get_rank(), "size": dist.get_world_size(),
           "backend": dist.get_backend()}

    def base():
        return flambeau.arange(4.0) + 10 * rank

    for op in ("SUM", "AVG", "MAX", "MIN", "PRODUCT"):
        t = base()
        work = dist.all_reduce(t, op=getattr(dist.ReduceOp, op), async_op=op == "AVG")
        if work is not None:
            out["avg_wait"] = work.wait()
        out[op] = t.numpy()
    big = flambeau.arange(100_003.0) * (rank + 1)  # reduced in pieces, one a rank
    dist.all_reduce(big, op=dist.ReduceOp.AVG)
    out["big"] = big.numpy()
    ints = flambeau.tensor([6, 5, 3]) + rank
    dist.all_reduce(ints, op=dist.ReduceOp.BAND)
    out["BAND"] = ints.numpy()
    t = base()
    dist.broadcast(t, src=world_size - 1)
    out["broadcast"] = t.numpy()
    t = flambeau.full((3,), rank + 0.5, dtype=flambeau.bfloat16)
    dist.broadcast(t, src=0)
    out["broadcast_bfloat16"] = t.float().numpy()
    t = base()
    dist.reduce(t, dst=0)
    out["reduce"] = t.numpy()
    gathered = [flambeau.zeros(4) for _ in range(world_size)]
    dist.all_gather(gathered, base())
    out["all_gather"] = [g.numpy() for g in gathered]
    flat = flambeau.zeros(world_size * 4)
    dist.all_gather_single(flat, base())
    out["all_gather_single"] = flat.numpy()
    into = [flambeau.zeros(4) for _ in range(world_size)] if rank == 0 else None
    dist.gather(base(), into, dst=0)
    out["gather"] = into and [g.numpy() for g in into]
    t = flambeau.zeros(4)
    dist.scatter(t, [flambeau.full((4,), float(r)) for r in range(world_size)]
                 if rank == 0 else None, src=0)
    out["scatter"] = t.numpy()
    t = flambeau.zeros(2)
    dist.reduce_scatter_single(t, flambeau.arange(2.0 * world_size) * (rank + 1))
    out["reduce_scatter_single"] = t.numpy()
    t = flambeau.zeros(2)
    dist.reduce_scatter(t, [flambeau.full((2,), float(r + rank)) for r in range(world_size)])
    out["reduce_scatter"] = t.numpy()
    if rank == 0:
        dist.send(flambeau.tensor([1.5, 2.5]), dst=1, tag=7)
    elif rank == 1:
        t = flambeau.zeros(2)
        out["recv_from"] = dist.recv(t, tag=7)
        out["recv"] = t.numpy()
    if rank == world_size - 1:
        dist.send_object_list([rank, "x"], dst=0)
    elif rank == 0:
        received = [None, None]
        out["object_list_from"] = dist.recv_object_list(received)
        out["received_list"] = received
    objects = [None] * world_size
    dist.all_gather_object(objects, {"rank": rank})
    out["objects"] = objects
    listed = ["a", rank] if rank == 0 else [None, None]
    dist.broadcast_object_list(listed, src=0)
    out["object_list"] = listed
    even = dist.new_group(range(0, world_size, 2))
    if even is not dist.GroupMember.NON_GROUP_MEMBER:
        t = base()
        dist.all_reduce(t, group=even)
        out["even_group"] = (dist.get_rank(even), dist.get_world_size(even), t.numpy())
    dist.barrier()
    dist.destroy_process_group()
    out["initialized_after"] = dist.is_initialized()
    save(folder, rank, out)


def rank_one_leaves(rank, world_size, url):
    """Rank 1 returns after joining; rank 0's next collective must fail, not wait."""
    init(rank, world_size, url)
    if rank == 0:
        dist.all_reduce(flambeau.ones(2))


def env_rendezvous(rank, world_size, port, folder):
    """init_process_group with init_method env:// (the default)."""
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                      WORLD_SIZE=str(world_size))
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=DEADLINE))
    t = flambeau.tensor([float(rank)])
    dist.all_reduce(t)
    save(folder, rank, t.item())
    dist.destroy_process_group()


# -------------------------------------------------------------- spawn's failures

def fails(rank, how):
    """Rank 1 fails ``how``; the others wait to be terminated."""
    if rank != 1:
        time.sleep(DEADLINE)
    elif how == "raise":
        raise ValueError("rank one fails")
    elif how == "exit":
        os._exit(3)
    else:
        os.kill(os.getpid(), signal.SIGKILL)


def sleeper(rank, pid_file):
    """Writes its pid, then sleeps (until its parent's death ends it)."""
    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(DEADLINE)


def echo(rank, queue):
    """Sends a tensor back through a queue."""
    queue.put((rank, flambeau.arange(3.0) * (rank + 1)))


# -------------------------------------------------------------- DistributedDataParallel

def make_model(state):
    model = flambeau.nn.Sequential(flambeau.nn.Linear(4, 8), flambeau.nn.ReLU(),
                                   flambeau.nn.Linear(8, 3))
    model.load_state_dict({k: flambeau.from_numpy(v) for k, v in state.items()})
    return model


def ddp_training(rank, world_size, url, folder, state, inputs, targets, steps):
    """SGD on this rank's half of each batch through DistributedDataParallel; the final
    parameters. Rank 0's model starts from ``state``, the others from zeros (DDP's first
    broadcast makes them equal)."""
    init(rank, world_size, url)
    if rank != 0:
        state = {k: np.zeros_like(v) for k, v in state.items()}
    model = flambeau.nn.parallel.DistributedDataParallel(make_model(state))
    optimizer = flambeau.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    share = len(inputs[0]) // world_size
    rows = slice(rank * share, (rank + 1) * share)
    for x, y in zip(inputs[:steps], targets[:steps]):
        optimizer.zero_grad()
        loss = flambeau.nn.functional.cross_entropy(model(flambeau.from_numpy(x[rows])),
                                                    flambeau.from_numpy(y[rows]))
        loss.backward()
        optimizer.step()
    # no_sync: two half-steps accumulate locally, the next backward averages the sum
    optimizer.zero_grad()
    x, y = flambeau.from_numpy(inputs[-1][rows]), flambeau.from_numpy(targets[-1][rows])
    with model.no_sync():
        flambeau.nn.functional.cross_entropy(model(x), y).backward()
        local = [p.grad.clone() for p in model.parameters()]
    flambeau.nn.functional.cross_entropy(model(x), y).backward()
    save(folder, rank, {"state": {k: v.numpy() for k, v in model.state_dict().items()},
                        "local": [g.numpy() for g in local],
                        "synced": [p.grad.numpy() for p in model.parameters()]})
    dist.destroy_process_group()


def ddp_unused(rank, world_size, url, folder):
    """A parameter only rank 0 uses, and one no rank uses, with find_unused_parameters."""
    init(rank, world_size, url)

    class Net(flambeau.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = flambeau.nn.Linear(2, 1, bias=False)
            self.b = flambeau.nn.Linear(2, 1, bias=False)
            self.never = flambeau.nn.Linear(2, 1, bias=False)

        def forward(self, x):
            return self.a(x) + self.b(x) if rank == 0 else self.a(x)

    model = flambeau.nn.parallel.DistributedDataParallel(Net(), find_unused_parameters=True)
    model(flambeau.ones(1, 2) * (rank + 1)).sum().backward()
    save(folder, rank, {name: None if p.grad is None else p.grad.numpy()
                        for name, p in model.named_parameters()})
    dist.destroy_process_group()


def ddp_buffers(rank, world_size, url, folder):
    """BatchNorm running statistics: each rank's after a training forward, then rank 0's on
    every rank after the next forward (DDP broadcasts the buffers first)."""
    init(rank, world_size, url)
    model = flambeau.nn.parallel.DistributedDataParallel(flambeau.nn.BatchNorm1d(2))
    model(flambeau.full((4, 2), float(rank + 1)) + flambeau.arange(4.0)[:, None])
    own = model.module.running_mean.clone()
    model.eval()
    with flambeau.no_grad():
        model(flambeau.zeros(1, 2))
    save(folder, rank, (own.numpy(), model.module.running_mean.numpy(),
                        list(model.state_dict())))
    dist.destroy_process_group()
