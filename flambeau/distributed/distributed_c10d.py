"""Process groups and collectives (``torch.distributed``'s c10d API) on flambeau's own TCP
backend, registered as "gloo": every two ranks hold a connection (``_mesh``); reductions
gather at the group's first rank, which reduces in a fixed order and sends the result back,
so every rank ends with the same bytes. Operations run to completion when called: with
``async_op=True`` the returned :class:`Work` is already complete. One process group with one
rank needs no connection at all. There is no "mpi" or "nccl" backend (torch's errors)."""
import datetime
import enum
import os
import urllib.parse
import warnings

import numpy as np

from .. import _naming
from .._tensor import Tensor
from . import _mesh
from ._store import FileStore, TCPStore

__all__ = ["Backend", "GroupMember", "P2POp", "ProcessGroup", "ReduceOp", "Work", "all_gather",
           "all_gather_into_tensor", "all_gather_object", "all_gather_single", "all_reduce",
           "all_to_all", "barrier", "batch_isend_irecv", "broadcast", "broadcast_object_list",
           "default_pg_timeout", "destroy_process_group", "gather", "gather_object", "get_backend",
           "get_default_backend_for_device", "get_global_rank", "get_group_rank",
           "get_node_local_rank", "get_process_group_ranks", "get_rank", "get_world_size", "group",
           "init_process_group", "irecv", "is_backend_available", "is_gloo_available",
           "is_initialized", "is_mpi_available", "is_nccl_available", "is_torchelastic_launched",
           "isend", "new_group", "recv", "recv_object_list", "reduce", "reduce_scatter",
           "reduce_scatter_single", "reduce_scatter_tensor", "scatter", "scatter_object_list",
           "send", "send_object_list"]

default_pg_timeout = datetime.timedelta(minutes=30)


class ReduceOp:
    """The reductions of :func:`all_reduce` and friends: ``ReduceOp.SUM``, ``AVG``,
    ``PRODUCT``, ``MIN``, ``MAX`` and the bitwise ``BAND``, ``BOR``, ``BXOR`` (integers)."""

    class RedOpType(enum.Enum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

        def __repr__(self):
            return f"<RedOpType.{self.name}: {self.value}>"


for _op in ReduceOp.RedOpType:
    setattr(ReduceOp, _op.name, _op)
_REDUCE = {ReduceOp.SUM: np.add, ReduceOp.AVG: np.add, ReduceOp.PRODUCT: np.multiply,
           ReduceOp.MIN: np.minimum, ReduceOp.MAX: np.maximum, ReduceOp.BAND: np.bitwise_and,
           ReduceOp.BOR: np.bitwise_or, ReduceOp.BXOR: np.bitwise_xor}


class Backend(str):
    """A backend's name, lower-cased (``Backend("GLOO") == "gloo"``)."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    XCCL = "xccl"
    default_device_backend_map = {"cpu": "gloo", "cuda": "nccl", "xpu": "xccl", "mps": "gloo"}

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, "
                             f"but got: {type(name)}")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return value


def is_gloo_available():
    return True


def is_nccl_available():
    return False


def is_mpi_available():
    return False


def is_backend_available(backend):
    """True for "gloo" (flambeau's TCP backend), or "cpu:gloo" and the like."""
    return all(name.rpartition(":")[2].strip().lower() == Backend.GLOO
               for name in backend.split(","))


def get_default_backend_for_device(device):
    device_type = getattr(device, "type", None) or str(device).partition(":")[0]
    backend = Backend.default_device_backend_map.get(device_type)
    if backend is None:
        raise ValueError(f"Default backend not registered for device : {device}")
    return backend


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def get_node_local_rank(fallback_rank=None):
    """This process's rank on its node: ``LOCAL_RANK`` (set by launchers), else
    ``fallback_rank``."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to "
                       "allow `get_node_local_rank` to work, assuming you are not running in a "
                       "multi-device context and want the code to run locally instead.")


class Work:
    """The handle an ``async_op=True`` call returns; the operation is already done."""

    def __init__(self, result=()):
        self._result = list(result)

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True

    def is_success(self):
        return True

    def exception(self):
        return None

    def result(self):
        return self._result

    def synchronize(self):
        pass


class ProcessGroup:
    """A set of ranks that communicate: ``rank()`` is this process's place in it, ``size()``
    its number of ranks."""

    def __init__(self, ranks, tag):
        self._ranks = ranks  # global ranks, in group order
        self._tag = tag  # keeps the messages of different groups apart
        self._rank = ranks.index(_state.rank) if _state.rank in ranks else -1

    def rank(self):
        return self._rank

    def size(self):
        return len(self._ranks)

    def name(self):
        return _state.backend

    # the transport under the group, in group ranks

    def _send(self, to, arrays, kind="c"):
        _state.mesh.send(self._ranks[to], [kind, self._tag], arrays)

    def _recv(self, frm, kind="c"):
        """(sender's group rank, message) from group rank ``frm`` (any rank when None)."""
        peers = [r for r in self._ranks if r != _state.rank] if frm is None \
            else [self._ranks[frm]]
        sender, message = _state.mesh.recv(peers, [kind, self._tag])
        return self._ranks.index(sender), message

    def _gather(self, root, arrays):
        """Every rank's ``arrays`` at ``root`` (a list by group rank), None elsewhere."""
        if self._rank != root:
            self._send(root, arrays)
            return None
        return [arrays if r == root else self._recv(r)[1] for r in range(self.size())]

    def _bcast(self, root, arrays):
        """``root``'s arrays on every rank."""
        if self._rank == root:
            for r in range(self.size()):
                if r != root:
                    self._send(r, arrays)
            return arrays
        return self._recv(root)[1]

    def _send_object(self, to, obj, kind="o"):
        _state.mesh.send_object(self._ranks[to], [kind, self._tag], obj)


class _State:
    """The default group and what it runs on."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.world = None
        self.rank = -1
        self.backend = None
        self.mesh = None
        self.store = None
        self.groups = []
        self.tags = 0


_state = _State()


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _state.world


class GroupMember(metaclass=_WorldMeta):
    """``GroupMember.WORLD``: the default group (None before :func:`init_process_group`)."""
    NON_GROUP_MEMBER = -100


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default group (None before :func:`init_process_group`)."""


def is_initialized():
    return _state.world is not None


def _world():
    if _state.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
    return _state.world


def _group(pg):
    world = _world()
    if pg is None:
        return world
    if not any(pg is g for g in _state.groups):
        raise ValueError(f"Process group {pg} is not initialized in the world group map. "
                         "Please initialize the group first.")
    return pg


# -------------------------------------------------------------- initialization

def _env(name, scheme):
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using {scheme}:// rendezvous: "
                         f"environment variable {name} expected, but not set")
    return value


def _rendezvous(init_method, rank, world_size, timeout):
    """(store, rank, world size) from an ``init_method`` URL."""
    url = urllib.parse.urlparse(init_method)
    query = dict(urllib.parse.parse_qsl(url.query))
    rank = int(query.get("rank", rank))
    world_size = int(query.get("world_size", world_size))
    scheme = url.scheme
    if scheme == "env":
        if rank == -1:
            rank = int(_env("RANK", scheme))
        if world_size == -1:
            world_size = int(_env("WORLD_SIZE", scheme))
        host, port = _env("MASTER_ADDR", scheme), int(_env("MASTER_PORT", scheme))
    elif scheme in ("tcp", "file"):
        for value, name in ((rank, "rank"), (world_size, "world size")):
            if value == -1:
                raise ValueError(f"Error initializing torch.distributed using {scheme}:// "
                                 f"rendezvous: {name} parameter missing")
        host, port = url.hostname, url.port
    else:
        raise RuntimeError(f"No rendezvous handler for {scheme}://")
    if world_size == 1:
        return None, rank, world_size
    if scheme == "file":
        store = FileStore(url.path, world_size)
    else:
        store = TCPStore(host, port, world_size, rank == 0, timeout)
    return store, rank, world_size


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Joins this process to the default group. ``backend`` "gloo" (or None, or "cpu:gloo")
    is flambeau's TCP backend; ``init_method`` "env://" (the default; MASTER_ADDR,
    MASTER_PORT, RANK, WORLD_SIZE), "tcp://host:port" or "file:///path"; or pass ``store``
    with ``rank`` and ``world_size``. Rank 0 serves the store."""
    if _state.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend or "gloo")
    if ":" in name:
        name = Backend(name.split(",")[0].split(":")[-1])
    if name == Backend.NCCL:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name == Backend.MPI:
        raise RuntimeError("Distributed package doesn't have MPI built in. MPI is only included "
                           "if you build PyTorch from source on a host that has MPI installed.")
    if name != Backend.GLOO:
        raise AssertionError(f"Unknown backend type {backend}")
    timeout = default_pg_timeout if timeout is None else timeout
    created = store is None
    if store is not None:
        if world_size == -1 or rank == -1:
            raise ValueError("world_size and rank must be specified when store is given")
        if init_method is not None:
            raise ValueError("Cannot specify both init_method and store.")
    else:
        store, rank, world_size = _rendezvous(init_method or "env://", rank, world_size, timeout)
    mesh = _mesh.Mesh(store, rank, world_size, timeout.total_seconds(), "pg/") \
        if world_size > 1 else None
    _state.rank, _state.backend, _state.mesh, _state.store = rank, name, mesh, store
    _state.world = ProcessGroup(list(range(world_size)), 0)
    _state.groups = [_state.world]
    if mesh is not None:
        barrier()  # every rank is connected: the store has done its work
        if created and rank == 0 and isinstance(store, FileStore):
            os.remove(store.path)  # as torch: a file:// rendezvous leaves no file behind


def destroy_process_group(group=None):
    """Leaves the default group (all groups) or forgets ``group``."""
    if group is not None and group is not _state.world:
        if not any(group is g for g in _state.groups):
            raise ValueError("Invalid process group specified")
        _state.groups = [g for g in _state.groups if g is not group]
        return
    if _state.world is None:
        raise AssertionError("Process group cannot be None")
    if _state.mesh is not None:
        _state.mesh.close()
    if _state.store is not None:
        _state.store.close()
    _state.clear()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None,
              sort_ranks=True):
    """A group of ``ranks`` (all by default). Every rank of the world must call it, in the
    same order; a rank outside ``ranks`` gets ``GroupMember.NON_GROUP_MEMBER``."""
    world = _world()
    ranks = list(range(world.size())) if ranks is None else list(ranks)
    if sort_ranks:
        ranks.sort()
    for r in ranks:
        if r < 0 or r >= world.size():
            raise ValueError("The new group's rank should be within the world_size set by "
                             "init_process_group")
    _state.tags += 1
    pg = ProcessGroup(ranks, _state.tags)
    if pg.rank() == -1:
        return GroupMember.NON_GROUP_MEMBER
    _state.groups.append(pg)
    return pg


def get_backend(group=None):
    _group(group)
    return _state.backend


def get_rank(group=None):
    """This process's rank in ``group`` (-1 when it is not a member)."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _group(group).rank()


def get_world_size(group=None):
    """The number of ranks of ``group`` (-1 when this process is not a member)."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _group(group).size()


def get_process_group_ranks(group):
    return list(_group(group)._ranks)


def get_global_rank(group, group_rank):
    return _group(group)._ranks[group_rank]


def get_group_rank(group, global_rank):
    pg = _group(group)
    if global_rank not in pg._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return pg._ranks.index(global_rank)


# -------------------------------------------------------------- argument checks

def _check_tensor(param, name):
    if not isinstance(param, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"{_naming.public_name}.Tensor\n             but got "
                        f"{type(param)} instead.")


def _check_tensor_list(param, name):
    if not isinstance(param, list) or not all(isinstance(p, Tensor) for p in param):
        got = type(param) if not isinstance(param, list) else \
            f"{type(param)} with elements of type {[type(p) for p in param]}"
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"List[{_naming.public_name}.Tensor]\n             but got "
                        f"{got} instead.")


def _member(pg, op_name):
    """False (with torch's warning) when this process is not in ``pg``."""
    if pg is GroupMember.NON_GROUP_MEMBER or pg.rank() == -1:
        warnings.warn(f"Running {op_name} on global rank {_state.rank} which does not belong "
                      "to the given group.", stacklevel=3)
        return False
    return True


def _resolve(group, op_name):
    """The group to run on, or None when this process is not in it."""
    if group is GroupMember.NON_GROUP_MEMBER:
        _member(group, op_name)
        return None
    pg = _group(group)
    return pg if _member(pg, op_name) else None


def _root(pg, rank, group_rank, op_name):
    """A group rank from the global ``rank`` or ``group_rank`` argument, checked."""
    if group_rank is not None:
        if rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
    elif rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    else:
        if rank not in pg._ranks:
            raise ValueError(f"Global rank {rank} is not part of group {pg}") \
                if pg is not _state.world else \
                RuntimeError(f"ProcessGroupGloo::{op_name}: invalid root rank: {rank}")
        group_rank = pg._ranks.index(rank)
    if not 0 <= group_rank < pg.size():
        raise RuntimeError(f"ProcessGroupGloo::{op_name}: invalid root rank: {group_rank}")
    return group_rank


def _write(tensor, array):
    """Puts ``array``'s values into ``tensor`` (unless it is its array), as an in-place op
    does."""
    if array is not tensor._data:
        tensor._data[...] = array
    tensor._bump_version()


def _done(async_op, tensors=()):
    return Work(tensors) if async_op else None


def _reduced(arrays_by_rank, op, size, inplace=False):
    """The arrays of every rank reduced by ``op`` in rank order, into the first rank's arrays
    (``inplace``) or copies of them."""
    fn = _REDUCE.get(op)
    if fn is None:
        raise ValueError(f"Unsupported reduction {op} with flambeau's gloo backend")
    result = list(arrays_by_rank[0]) if inplace else [a.copy() for a in arrays_by_rank[0]]
    for arrays in arrays_by_rank[1:]:
        for out, a in zip(result, arrays):
            fn(out, a, out=out)
    if op is ReduceOp.AVG:
        for out in result:
            np.copyto(out, out / size, casting="unsafe")
    return result


def _check_op(op, tensors):
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR):
        for t in tensors:
            if t.dtype.is_floating_point or t.dtype.is_complex:
                raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")


# -------------------------------------------------------------- collectives

_SMALL = 1 << 16  # bytes: below, one rank reduces everything; above, each rank a piece


def _all_reduce_arrays(pg, arrays, op, inplace=False):
    """``arrays`` reduced over ``pg`` in rank order: the same values on every rank (written
    into ``arrays`` themselves when ``inplace`` and they are contiguous). Large arrays are cut
    in ``pg.size()`` pieces: rank r reduces piece r of everyone's and sends it to the others,
    so every connection carries data both ways at once."""
    n, me = pg.size(), pg.rank()
    if sum(a.nbytes for a in arrays) < _SMALL:
        gathered = pg._gather(0, arrays)
        return pg._bcast(0, None if gathered is None else _reduced(gathered, op, n, inplace))
    out = [a if inplace and a.flags.c_contiguous else np.array(a, order="C") for a in arrays]
    bounds = [np.linspace(0, a.size, n + 1).astype(int) for a in out]

    def piece(r):
        return [a.reshape(-1)[b[r]:b[r + 1]] for a, b in zip(out, bounds)]
    for r in range(n):
        if r != me:
            pg._send(r, piece(r))
    mine = piece(me)
    contributions = [mine if r == me else pg._recv(r)[1] for r in range(n)]
    for target, value in zip(mine, _reduced(contributions, op, n, inplace=True)):
        if value is not target:
            np.copyto(target, value)
    for r in range(n):
        if r != me:
            pg._send(r, mine)
    for r in range(n):
        if r != me:
            for target, value in zip(piece(r), pg._recv(r)[1]):
                np.copyto(target, value)
    return out


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces ``tensor`` over the group in place: every rank ends with the same values."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "all_reduce")
    if pg is None:
        return None
    _check_op(op, [tensor])
    if pg.size() > 1:
        _write(tensor, _all_reduce_arrays(pg, [tensor._data], op, inplace=True)[0])
    return _done(async_op, [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copies rank ``src``'s ``tensor`` into every rank's."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "broadcast")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "broadcast")
    if pg.size() > 1:
        arrays = pg._bcast(root, [tensor._data])
        if pg.rank() != root:
            _write(tensor, arrays[0])
    return _done(async_op, [tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduces ``tensor`` over the group into rank ``dst``'s tensor."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "reduce")
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "reduce")
    _check_op(op, [tensor])
    gathered = pg._gather(root, [tensor._data])
    if gathered is not None:
        _write(tensor, _reduced(gathered, op, pg.size())[0])
    return _done(async_op, [tensor])


def _check_sizes(tensors, tensor, op_name):
    expected = tuple(tensor.shape)
    for i, t in enumerate(tensors):
        if tuple(t.shape) != expected:
            raise RuntimeError(f"ProcessGroupGloo::{op_name}: invalid tensor size at index {i} "
                               f"(expected {_dims(expected)}, got {_dims(t.shape)})")


def _dims(shape):
    return "(" + ", ".join(map(str, shape)) + ")"


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fills ``tensor_list`` with every rank's ``tensor``, in rank order."""
    _check_tensor_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "all_gather")
    if pg is None:
        return None
    if len(tensor_list) != pg.size():
        raise RuntimeError(f"ProcessGroupGloo::allgather: invalid output tensor list at index 0 "
                           f"(expected length {pg.size()}, got {len(tensor_list)})")
    _check_sizes(tensor_list, tensor, "allgather")
    for out, array in zip(tensor_list, _all_gather_arrays(pg, tensor._data)):
        _write(out, array)
    return _done(async_op, tensor_list)


def _all_gather_arrays(pg, array):
    gathered = pg._gather(0, [array])
    return pg._bcast(0, [a[0] for a in gathered] if gathered is not None else None)


def _deprecated(old, new):
    """``old``, which warns (as torch 2.13) that ``new`` replaces it."""
    def function(*args, **kwargs):
        warnings.warn(f"`torch.distributed.{old}` is deprecated. Please use "
                      f"`torch.distributed.{new.__name__}` instead.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)
    function.__name__ = old
    function.__doc__ = f"Deprecated spelling of :func:`{new.__name__}`."
    return function


def all_gather_single(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor`` concatenated along dim 0 into ``output_tensor``."""
    _check_tensor(input_tensor, "input_tensor")
    _check_tensor(output_tensor, "output_tensor")
    pg = _resolve(group, "all_gather_single")
    if pg is None:
        return None
    shape = tuple(input_tensor.shape)
    expected = (pg.size() * shape[0], *shape[1:]) if shape else (pg.size(),)
    if tuple(output_tensor.shape) != expected:
        raise RuntimeError(f"ProcessGroupGloo::allgather: invalid tensor size at index 0 "
                           f"(expected {_dims(expected)}, got {_dims(output_tensor.shape)})")
    arrays = _all_gather_arrays(pg, input_tensor._data)
    _write(output_tensor, np.stack(arrays).reshape(expected))
    return _done(async_op, [output_tensor])


def _check_root_list(pg, root, tensor, tensors, name, role, op_name):
    """The list argument that only the root rank passes: one tensor like ``tensor`` a rank
    there, nothing elsewhere."""
    if pg.rank() != root:
        if tensors:
            raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")
        return
    _check_tensor_list(tensors or [], name)
    if len(tensors or []) != pg.size():
        raise ValueError(f"Argument ``{name}`` must be specified on {role} rank.")
    _check_sizes(tensors, tensor, op_name)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Every rank's ``tensor`` into ``gather_list`` on rank ``dst`` (only there)."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "gather")
    if pg is None:
        return None
    root = _root(pg, 0 if dst is None and group_dst is None else dst, group_dst, "gather")
    _check_root_list(pg, root, tensor, gather_list, "gather_list", "destination", "gather")
    gathered = pg._gather(root, [tensor._data])
    if gathered is not None:
        for out, arrays in zip(gather_list, gathered):
            _write(out, arrays[0])
    return _done(async_op, [tensor])


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank ``src``'s ``scatter_list[i]`` into rank i's ``tensor``."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "scatter")
    if pg is None:
        return None
    root = _root(pg, 0 if src is None and group_src is None else src, group_src, "scatter")
    _check_root_list(pg, root, tensor, scatter_list, "scatter_list", "source", "scatter")
    if pg.rank() == root:
        for r in range(pg.size()):
            if r != root:
                pg._send(r, [scatter_list[r]._data])
        _write(tensor, scatter_list[root]._data)
    else:
        _write(tensor, pg._recv(root)[1][0])
    return _done(async_op, [tensor])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """``input_list[i]`` reduced over the ranks into rank i's ``output``."""
    _check_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    pg = _resolve(group, "reduce_scatter")
    if pg is None:
        return None
    _check_op(op, input_list)
    if len(input_list) != pg.size():
        raise ValueError(f"reduce_scatter: expected {pg.size()} input tensors, got "
                         f"{len(input_list)}")
    _check_sizes(input_list, output, "reduce_scatter")
    _write(output, _all_reduce_arrays(pg, [t._data for t in input_list], op)[pg.rank()])
    return _done(async_op, [output])


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """``input`` reduced over the ranks and split in world-size chunks along dim 0: rank i
    keeps chunk i in ``output``."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _resolve(group, "reduce_scatter_single")
    if pg is None:
        return None
    _check_op(op, [input])
    if output.dim() == 0 or input.dim() == 0 or output.shape[0] * pg.size() != input.shape[0]:
        raise RuntimeError("Check failed: outputShape[0] * worldSize == inputShape[0] "
                           f"({output.shape[0] if output.dim() else 1} vs. "
                           f"{input.shape[0] if input.dim() else 1}).")
    reduced = _all_reduce_arrays(pg, [input._data], op)[0]
    _write(output, reduced.reshape(pg.size(), *output.shape)[pg.rank()])
    return _done(async_op, [output])


all_gather_into_tensor = _deprecated("all_gather_into_tensor", all_gather_single)
reduce_scatter_tensor = _deprecated("reduce_scatter_tensor", reduce_scatter_single)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Rank i's ``input_tensor_list[j]`` into rank j's ``output_tensor_list[i]``."""
    _check_tensor_list(output_tensor_list, "output_tensor_list")
    _check_tensor_list(input_tensor_list, "input_tensor_list")
    pg = _resolve(group, "all_to_all")
    if pg is None:
        return None
    me = pg.rank()
    for r in range(pg.size()):
        if r != me:
            pg._send(r, [input_tensor_list[r]._data])
    _write(output_tensor_list[me], input_tensor_list[me]._data)
    for r in range(pg.size()):
        if r != me:
            _write(output_tensor_list[r], pg._recv(r)[1][0])
    return _done(async_op, output_tensor_list)


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Returns once every rank of the group has called it."""
    pg = _resolve(group, "barrier")
    if pg is not None and pg.size() > 1:
        _all_reduce_arrays(pg, [np.zeros(1, np.uint8)], ReduceOp.SUM)
    return _done(async_op)


# -------------------------------------------------------------- point to point

def _peer(pg, rank, group_rank, what):
    if group_rank is None and rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    peer = group_rank if group_rank is not None else get_group_rank(pg, rank)
    if peer == pg.rank():
        raise ValueError(f"Invalid {what} rank: {what} rank should not be the same as the rank "
                         "of the current process.")
    return peer


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Sends ``tensor`` to rank ``dst`` (which calls :func:`recv`)."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "send")
    if pg is None:
        return None
    pg._send(_peer(pg, dst, group_dst, "destination"), [tensor._data], f"p{tag}")


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into ``tensor`` what rank ``src`` (any rank when None) sends; the sender's
    rank."""
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "recv")
    if pg is None:
        return -1
    frm = None if src is None and group_src is None else _peer(pg, src, group_src, "source")
    sender, arrays = pg._recv(frm, f"p{tag}")
    _write(tensor, arrays[0])
    return pg._ranks[sender] if group_src is None else sender


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    send(tensor, dst, group, tag, group_dst)
    return Work([tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    recv(tensor, src, group, tag, group_src)
    return Work([tensor])


class P2POp:
    """One send or receive of :func:`batch_isend_irecv`: ``P2POp(dist.isend, tensor, peer)``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type "
                             "``torch.distributed.isend`` or ``torch.distributed.irecv``.")
        _check_tensor(tensor, "tensor")
        self.op, self.tensor, self.peer, self.group, self.tag = op, tensor, peer, group, tag
        self.group_peer = group_peer


def batch_isend_irecv(p2p_op_list):
    """Runs the sends first, then the receives (sends never wait for their receiver)."""
    ordered = sorted(p2p_op_list, key=lambda p: p.op is irecv)
    return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in ordered]


# -------------------------------------------------------------- Python objects (pickled)

def all_gather_object(object_list, obj, group=None):
    """Fills ``object_list`` with every rank's ``obj`` (pickled, as torch)."""
    pg = _resolve(group, "all_gather_object")
    if pg is None:
        return
    me = pg.rank()
    for r in range(pg.size()):
        if r != me:
            pg._send_object(r, obj)
    for r in range(pg.size()):
        object_list[r] = obj if r == me else pg._recv(r, "o")[1]


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Rank ``src``'s ``object_list`` items into every rank's list, in place."""
    pg = _resolve(group, "broadcast_object_list")
    if pg is None:
        return
    root = _root(pg, 0 if src is None and group_src is None else src, group_src, "broadcast")
    if pg.rank() == root:
        for r in range(pg.size()):
            if r != root:
                pg._send_object(r, list(object_list))
    else:
        object_list[:] = pg._recv(root, "o")[1]


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None,
                     use_batch=False):
    """Sends the objects of ``object_list`` (pickled) to rank ``dst``, which calls
    :func:`recv_object_list` with a list as long."""
    pg = _resolve(group, "send_object_list")
    if pg is None:
        return
    pg._send_object(_peer(pg, dst, group_dst, "destination"), list(object_list), "l")


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None,
                     use_batch=False):
    """Fills ``object_list`` with what rank ``src`` (any rank when None) sends by
    :func:`send_object_list`; the sender's rank."""
    pg = _resolve(group, "recv_object_list")
    if pg is None:
        return -1
    frm = None if src is None and group_src is None else _peer(pg, src, group_src, "source")
    sender, objects = pg._recv(frm, "l")
    object_list[:] = objects
    return pg._ranks[sender] if group_src is None else sender


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Every rank's ``obj`` into ``object_gather_list`` on rank ``dst``."""
    pg = _resolve(group, "gather_object")
    if pg is None:
        return
    root = _root(pg, 0 if dst is None and group_dst is None else dst, group_dst, "gather")
    if pg.rank() != root:
        pg._send_object(root, obj)
        return
    for r in range(pg.size()):
        object_gather_list[r] = obj if r == root else pg._recv(r, "o")[1]


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    """Rank ``src``'s ``scatter_object_input_list[i]`` into rank i's
    ``scatter_object_output_list[0]``."""
    pg = _resolve(group, "scatter_object_list")
    if pg is None:
        return
    root = _root(pg, 0 if src is None and group_src is None else src, group_src, "scatter")
    if pg.rank() == root:
        for r in range(pg.size()):
            if r != root:
                pg._send_object(r, scatter_object_input_list[r])
        scatter_object_output_list[0] = scatter_object_input_list[root]
    else:
        scatter_object_output_list[0] = pg._recv(root, "o")[1]
