"""torch.distributed's collectives on flambeau's TCP backend: three spawned ranks compared
with the mathematics, one rank in this process compared with torch's one-rank group, and
torch's errors before and after init_process_group."""
import contextlib
import datetime
import socket

import numpy as np
import pytest
import torch
import torch.distributed as tdist

import flambeau
import flambeau.distributed as dist
import flambeau.multiprocessing as mp
from conftest import raises_like
from dist_workers import (collectives, env_rendezvous, free_port, launch,  # noqa: F401
                          one_rank, rank_one_leaves, results)


def test_collectives_on_three_ranks(tmp_path):
    n = 3
    launch(collectives, n, n, f"tcp://127.0.0.1:{free_port()}", str(tmp_path))
    ranks = results(tmp_path, n)
    base = [np.arange(4.0) + 10 * r for r in range(n)]
    for r, out in enumerate(ranks):
        assert (out["rank"], out["size"], out["backend"]) == (r, n, "gloo")
        np.testing.assert_array_equal(out["SUM"], sum(base))
        np.testing.assert_allclose(out["AVG"], sum(base) / n)
        assert out["avg_wait"] is True
        np.testing.assert_array_equal(out["big"], ranks[0]["big"])  # the very same values
        np.testing.assert_allclose(out["big"], np.arange(100_003.0) * (n + 1) / 2, rtol=1e-6)
        np.testing.assert_array_equal(out["MAX"], base[-1])
        np.testing.assert_array_equal(out["MIN"], base[0])
        np.testing.assert_array_equal(out["PRODUCT"], np.prod(base, axis=0))
        np.testing.assert_array_equal(out["BAND"], np.bitwise_and.reduce(
            [np.array([6, 5, 3]) + k for k in range(n)]))
        np.testing.assert_array_equal(out["broadcast"], base[-1])
        np.testing.assert_array_equal(out["broadcast_bfloat16"], [0.5, 0.5, 0.5])
        np.testing.assert_array_equal(out["all_gather"], base)
        np.testing.assert_array_equal(out["all_gather_single"], np.concatenate(base))
        np.testing.assert_array_equal(out["scatter"], np.full(4, float(r)))
        np.testing.assert_array_equal(out["reduce_scatter_single"],
                                      (np.arange(2.0 * n) * sum(range(1, n + 1)))[2 * r:2 * r + 2])
        np.testing.assert_array_equal(out["reduce_scatter"], np.full(2, n * r + sum(range(n))))
        assert out["objects"] == [{"rank": k} for k in range(n)]
        assert out["object_list"] == ["a", 0]
        assert out["initialized_after"] is False
    np.testing.assert_array_equal(ranks[0]["reduce"], sum(base))
    np.testing.assert_array_equal(ranks[0]["gather"], base)
    assert ranks[1]["gather"] is None
    assert ranks[1]["recv_from"] == 0
    assert ranks[0]["object_list_from"] == n - 1 and ranks[0]["received_list"] == [n - 1, "x"]
    np.testing.assert_array_equal(ranks[1]["recv"], [1.5, 2.5])
    for r in (0, 2):  # new_group([0, 2])
        rank, size, total = ranks[r]["even_group"]
        assert (rank, size) == (r // 2, 2)
        np.testing.assert_array_equal(total, base[0] + base[2])
    assert "even_group" not in ranks[1]


def test_env_rendezvous(tmp_path):
    launch(env_rendezvous, 2, 2, free_port(), str(tmp_path))
    assert results(tmp_path, 2) == [1.0, 1.0]


def test_file_rendezvous(tmp_path):
    n = 2
    launch(collectives, n, n, f"file://{tmp_path / 'store'}", str(tmp_path))
    for out in results(tmp_path, n):
        np.testing.assert_array_equal(out["SUM"], np.arange(4.0) * 2 + 10)
    assert not (tmp_path / "store").exists()


def test_a_rank_gone_fails_the_collective():
    with pytest.raises(mp.ProcessRaisedException, match="Process 0 terminated") as info:
        launch(rank_one_leaves, 2, 2, f"tcp://127.0.0.1:{free_port()}")
    assert "RuntimeError: Connection closed by peer: rank 1 is gone" in str(info.value)


def _before_init(lib):
    d = lib.distributed
    return [d.get_rank, d.get_world_size, d.barrier, d.new_group, d.destroy_process_group,
            lambda: d.all_reduce(lib.ones(2)), lambda: d.broadcast(lib.ones(2), 0),
            lambda: lib.nn.parallel.DistributedDataParallel(lib.nn.Linear(2, 2))]


def test_errors_before_init():
    assert dist.is_available() and not dist.is_initialized()
    assert dist.group.WORLD is None and tdist.group.WORLD is None
    for ours, theirs in zip(_before_init(flambeau), _before_init(torch)):
        raises_like(ours, theirs)


@pytest.mark.parametrize("backend,url,kwargs", [
    ("nccl", "tcp://127.0.0.1:{port}", dict(world_size=1, rank=0)),
    ("mpi", "tcp://127.0.0.1:{port}", dict(world_size=1, rank=0)),
    ("foo", "tcp://127.0.0.1:{port}", dict(world_size=1, rank=0)),
    ("gloo", "tcp://127.0.0.1:{port}", dict(world_size=2)),
    ("gloo", "tcp://127.0.0.1:{port}", dict(rank=0)),
    ("gloo", "bogus://x", dict(world_size=1, rank=0)),
    ("gloo", "env://", {}),
    ("gloo", "env://", dict(rank=0)),
])
def test_init_errors(backend, url, kwargs, monkeypatch):
    for name in ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    with pytest.warns() if backend in ("nccl", "mpi", "foo") else contextlib.nullcontext():
        raises_like(lambda: dist.init_process_group(backend, url.format(port=port), **kwargs),
                    lambda: tdist.init_process_group(backend, url.format(port=port), **kwargs))
    assert not dist.is_initialized() and not tdist.is_initialized()


def _one_rank_calls(lib):
    d = lib.distributed
    calls = {}
    for op in ("SUM", "AVG", "MAX", "MIN", "PRODUCT"):
        t = lib.arange(1.0, 4.0)
        d.all_reduce(t, getattr(d.ReduceOp, op))
        calls[op] = t
    t = lib.arange(3.0)
    calls["broadcast_wait"] = d.broadcast(t, src=0, async_op=True).wait()
    out = [lib.zeros(3)]
    d.all_gather(out, lib.arange(3.0))
    calls["all_gather"] = out[0]
    flat = lib.zeros(2, 3)
    with pytest.warns(FutureWarning, match="all_gather_into_tensor` is deprecated"):
        d.all_gather_into_tensor(flat[:1], lib.ones(1, 3))
    d.all_gather_single(flat[1], lib.full((3,), 2.0))
    calls["into"] = flat
    t = lib.arange(4.0)
    with pytest.warns(FutureWarning, match="reduce_scatter_tensor` is deprecated"):
        d.reduce_scatter_tensor(t[:2], lib.ones(2), op=d.ReduceOp.MAX)
    d.reduce_scatter_single(t[2:], lib.full((2,), 7.0))
    calls["reduce_scatter_single"] = t
    group = d.new_group()
    calls["group"] = (d.get_rank(group), d.get_world_size(group), d.get_process_group_ranks(group),
                      group.rank(), group.size(), d.get_backend(group))
    objects = [None]
    d.all_gather_object(objects, {"x": 1})
    calls["objects"] = objects
    calls["barrier"] = d.barrier()
    calls["world"] = (d.group.WORLD.rank(), d.group.WORLD.size(), d.is_initialized())
    return calls


def test_one_rank_as_torch(one_rank):
    ours, theirs = _one_rank_calls(flambeau), _one_rank_calls(torch)
    for key, value in theirs.items():
        if isinstance(value, torch.Tensor):
            np.testing.assert_array_equal(ours[key].numpy(), value.numpy())
        else:
            assert ours[key] == value, key


def _one_rank_errors(lib):
    d = lib.distributed
    return [lambda: d.broadcast(lib.ones(2), src=3),
            lambda: d.broadcast(lib.ones(2)),
            lambda: d.send(lib.ones(2), dst=0),
            lambda: d.all_gather([lib.zeros(2), lib.zeros(2)], lib.ones(2)),
            lambda: d.all_gather([lib.zeros(3)], lib.ones(2)),
            lambda: d.all_reduce(lib.ones(2), op=d.ReduceOp.BAND),
            lambda: d.all_reduce(lib.ones(2), group=5),
            lambda: d.all_gather_single(lib.zeros(1, 3), lib.ones(3)),
            lambda: d.init_process_group("gloo", "tcp://127.0.0.1:1", world_size=1, rank=0),
            lambda: lib.nn.parallel.DistributedDataParallel(lib.nn.ReLU())]


def test_one_rank_errors_as_torch(one_rank):
    for ours, theirs in zip(_one_rank_errors(flambeau), _one_rank_errors(torch)):
        raises_like(ours, theirs)
    with pytest.raises(TypeError) as theirs:
        tdist.all_reduce([torch.zeros(3)])
    with pytest.raises(TypeError) as ours:
        dist.all_reduce([flambeau.zeros(3)])
    assert str(ours.value) == str(theirs.value).replace("torch.", "flambeau.")
    with pytest.raises(RuntimeError) as theirs:  # torch's message has a log line's prefix
        tdist.reduce_scatter_single(torch.zeros(3), torch.ones(2))
    with pytest.raises(RuntimeError) as ours:
        dist.reduce_scatter_single(flambeau.zeros(3), flambeau.ones(2))
    assert str(ours.value) in str(theirs.value)


def test_names_as_torch():
    assert repr(dist.ReduceOp.SUM) == repr(tdist.ReduceOp.SUM)
    assert str(dist.ReduceOp.AVG) == str(tdist.ReduceOp.AVG)
    assert [op.name for op in dist.ReduceOp.RedOpType] == \
        list(tdist.ReduceOp.RedOpType.__members__)
    for name in ("GLOO", "gloo", "NCCL", "mpi"):
        assert dist.Backend(name) == tdist.Backend(name)
    assert dist.GroupMember.NON_GROUP_MEMBER == tdist.GroupMember.NON_GROUP_MEMBER
    assert (dist.is_gloo_available(), dist.is_nccl_available(), dist.is_mpi_available()) == \
        (tdist.is_gloo_available(), tdist.is_nccl_available(), tdist.is_mpi_available())
    assert dist.default_pg_timeout == tdist.default_pg_timeout
    for name in ("gloo", "nccl", "mpi", "cpu:gloo", "cpu:gloo,cuda:nccl", "foo"):
        assert dist.is_backend_available(name) == tdist.is_backend_available(name), name
    for device in ("cpu", "cuda:1", "mps", flambeau.device("cpu")):
        assert dist.get_default_backend_for_device(device) == \
            tdist.get_default_backend_for_device(str(device))
    raises_like(lambda: dist.get_default_backend_for_device("meta"),
                lambda: tdist.get_default_backend_for_device("meta"))


def test_node_local_rank_as_torch(monkeypatch):
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    raises_like(dist.get_node_local_rank, tdist.get_node_local_rank)
    assert dist.get_node_local_rank(3) == tdist.get_node_local_rank(3) == 3
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert dist.get_node_local_rank(3) == tdist.get_node_local_rank(3) == 1


def test_stores():
    store = dist.TCPStore("127.0.0.1", 0, 1, True, timeout=datetime.timedelta(seconds=1))
    store.set("a", "x")
    assert store.get("a") == b"x"
    assert (store.add("n", 2), store.add("n", 3)) == (2, 5)
    assert store.check(["a"]) and not store.check(["b"])
    with pytest.raises(dist.DistStoreError, match=r"wait timeout after 200ms, keys: /b"):
        store.wait(["b"], datetime.timedelta(seconds=0.2))
    assert store.delete_key("a") and not store.delete_key("a")
    store.close()
    assert issubclass(dist.DistStoreError, RuntimeError)


def test_store_port_taken_as_torch():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        raises_like(lambda: dist.TCPStore("127.0.0.1", port, 1, True),
                    lambda: tdist.TCPStore("127.0.0.1", port, 1, True))
