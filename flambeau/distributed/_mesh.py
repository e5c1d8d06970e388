"""The wire under flambeau's "gloo" backend: one TCP connection between every two ranks, found
through the store. A message is a key and either a list of NumPy arrays (a JSON header of
dtypes and shapes, then the raw bytes, received straight into new arrays: nothing is
unpickled) or, for the ``*_object`` collectives, a pickle (as torch, which unpickles what the
other ranks send). A thread per connection reads what arrives into an inbox, so two ranks
sending each other large messages never block each other."""
import collections
import json
import pickle
import socket
import struct
import threading

import numpy as np

from .._dtype import _bfloat16_numpy
from ._store import DistNetworkError, recv_exact


class _Inbox:
    """Messages by (sender, key), in arrival order; a closed sender fails its waiters."""

    def __init__(self):
        self.cond = threading.Condition()
        self.items = collections.defaultdict(collections.deque)
        self.closed = set()

    def put(self, peer, key, value):
        with self.cond:
            self.items[peer, key].append(value)
            self.cond.notify_all()

    def close(self, peer):
        with self.cond:
            self.closed.add(peer)
            self.cond.notify_all()

    def take(self, peers, key, timeout):
        """(sender, message) from the first of ``peers`` that has one for ``key``."""
        def ready():  # (a list: rank 0 is false)
            return [p for p in peers if self.items.get((p, key)) or p in self.closed]
        with self.cond:
            found = self.cond.wait_for(ready, timeout)
            if not found:
                raise RuntimeError(f"Timed out after {timeout:.0f}s waiting for a message from "
                                   f"rank {' or '.join(map(str, peers))}")
            peer = found[0]
            if not self.items.get((peer, key)):
                raise RuntimeError(f"Connection closed by peer: rank {peer} is gone")
            return peer, self.items[peer, key].popleft()


class Mesh:
    """Connections from rank ``rank`` to every other rank of ``world_size``."""

    def __init__(self, store, rank, world_size, timeout, prefix):
        self.rank, self.timeout = rank, timeout
        self.inbox = _Inbox()
        self.socks = {}
        host = _own_address(store)
        listener = socket.create_server((host, 0), backlog=world_size)
        store.set(f"{prefix}addr/{rank}", f"{host} {listener.getsockname()[1]}")
        try:
            for peer in range(rank):  # connect to the lower ranks, accept the higher ones
                peer_host, port = store.get(f"{prefix}addr/{peer}").decode().split()
                sock = socket.create_connection((peer_host, int(port)), timeout=timeout)
                sock.sendall(struct.pack("!I", rank))
                self._add(peer, sock)
            listener.settimeout(timeout)
            for _ in range(rank + 1, world_size):
                sock, _ = listener.accept()
                sock.settimeout(timeout)
                self._add(struct.unpack("!I", recv_exact(sock, 4))[0], sock)
        except (OSError, EOFError) as error:
            self.close()
            raise DistNetworkError(f"rank {rank} could not connect to the other ranks: "
                                   f"{error!r}") from None
        finally:
            listener.close()

    def _add(self, peer, sock):
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socks[peer] = sock
        threading.Thread(target=self._read, args=(peer, sock), daemon=True).start()

    def _read(self, peer, sock):
        try:
            while True:
                size, = struct.unpack("!Q", recv_exact(sock, 8))
                header = json.loads(bytes(recv_exact(sock, size)))
                key = tuple(header["k"])
                if "p" in header:
                    value = pickle.loads(recv_exact(sock, header["p"]))
                else:
                    value = []
                    for name, shape in header["a"]:
                        dtype = _bfloat16_numpy() if name == "bfloat16" else np.dtype(name)
                        value.append(recv_exact(sock, dtype.itemsize * int(np.prod(shape)))
                                     .view(dtype).reshape(shape))
                self.inbox.put(peer, key, value)
        except Exception:  # closed, or nothing this rank can read: its waiters fail
            self.inbox.close(peer)

    def send(self, peer, key, arrays):
        """Sends a list of arrays to ``peer`` under ``key``."""
        arrays = [np.ascontiguousarray(a) for a in arrays]
        header = {"k": key, "a": [[a.dtype.name, a.shape] for a in arrays]}
        self._send(peer, header, [a.reshape(-1).view(np.uint8) for a in arrays])

    def send_object(self, peer, key, obj):
        data = pickle.dumps(obj)
        self._send(peer, {"k": key, "p": len(data)}, [data])

    def _send(self, peer, header, payload):
        head = json.dumps(header).encode()
        sock = self.socks[peer]
        try:
            sock.sendall(struct.pack("!Q", len(head)) + head)
            for part in payload:
                sock.sendall(part)
        except OSError as error:
            raise RuntimeError(f"Connection closed by peer: sending to rank {peer} failed "
                               f"({error})") from None

    def recv(self, peers, key):
        """(sender, message) of the first of ``peers`` to send one under ``key``."""
        return self.inbox.take(peers, tuple(key), self.timeout)

    def close(self):
        for sock in self.socks.values():
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.socks = {}


def _own_address(store):
    """The address the other ranks reach this one at: the local end of the connection to a
    TCP store (the loopback address when the store is local), else this host's address."""
    sock = getattr(store, "_sock", None)
    if sock is not None:
        return sock.getsockname()[0]
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"

