"""Key-value stores the ranks meet through: :class:`TCPStore` (one rank serves it over TCP) and
:class:`FileStore` (a file on a file system every rank sees), with torch's ``set``/``get``/
``add``/``check``/``wait``/``delete_key`` and its timeout errors."""
import datetime
import errno
import fcntl
import json
import os
import socket
import struct
import threading
import time

import numpy as np

__all__ = ["DistError", "DistNetworkError", "DistStoreError", "Store", "TCPStore", "FileStore"]

_DEFAULT_TIMEOUT = datetime.timedelta(seconds=300)


class DistError(RuntimeError):
    """Raised when an error occurs in the distributed library."""


class DistNetworkError(DistError):
    """Raised when a network error occurs in the distributed library."""


class DistStoreError(DistError):
    """Raised when an error occurs in the distributed store."""


def _seconds(timeout):
    return timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else float(timeout)


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def _wait_timeout(keys, seconds):
    return DistStoreError(f"wait timeout after {round(seconds * 1000)}ms, keys: "
                          + ", ".join("/" + k for k in keys))


class Store:
    """What both stores share: ``get``/``wait`` poll ``check`` until a key is there."""

    def __init__(self, timeout=_DEFAULT_TIMEOUT):
        self.timeout = timeout if isinstance(timeout, datetime.timedelta) \
            else datetime.timedelta(seconds=timeout)

    def set_timeout(self, timeout):
        self.timeout = timeout

    def wait(self, keys, timeout=None):
        """Blocks until every key of ``keys`` is set, or raises DistStoreError."""
        self._wait(list(keys), _seconds(self.timeout if timeout is None else timeout))

    def get(self, key):
        """The value set for ``key`` (bytes), waiting up to the store's timeout for it."""
        self._wait([key], _seconds(self.timeout))
        return self._get(key)


def _send(sock, header, value=b""):
    data = json.dumps(header).encode()
    sock.sendall(struct.pack("!II", len(data), len(value)) + data + value)


def recv_exact(sock, n):
    """The next ``n`` bytes from ``sock``, in a new uint8 array (EOFError when the
    connection closes first)."""
    buf = np.empty(n, np.uint8)
    view, pos = memoryview(buf), 0
    while pos < n:
        got = sock.recv_into(view[pos:])
        if not got:
            raise EOFError("connection closed")
        pos += got
    return buf


def _recv(sock):
    n, m = struct.unpack("!II", recv_exact(sock, 8))
    return json.loads(bytes(recv_exact(sock, n))), bytes(recv_exact(sock, m))


class _Server:
    """The store's data on the serving rank: one thread per client answers its requests; a
    ``wait`` request is answered once its keys are all set."""

    def __init__(self, listener):
        self.data = {}
        self.changed = threading.Condition()
        self.listener = listener
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                try:
                    header, value = _recv(conn)
                except (OSError, EOFError):
                    return
                _send(conn, *self._answer(header, value))

    def _answer(self, header, value):
        command, keys = header["c"], header["k"]
        with self.changed:
            if command == "set":
                self.data[keys[0]] = value
                self.changed.notify_all()
            elif command == "add":
                total = int(self.data.get(keys[0], b"0")) + header["n"]
                self.data[keys[0]] = str(total).encode()
                self.changed.notify_all()
                return {"n": total}, b""
            elif command == "get":
                return {}, self.data[keys[0]]
            elif command == "check":
                return {"ok": all(k in self.data for k in keys)}, b""
            elif command == "wait":
                ok = self.changed.wait_for(lambda: all(k in self.data for k in keys),
                                           header["t"])
                return {"ok": ok}, b""
            elif command == "delete":
                return {"ok": self.data.pop(keys[0], None) is not None}, b""
            elif command == "num_keys":
                return {"n": len(self.data)}, b""
        return {}, b""


class TCPStore(Store):
    """A store served by the rank with ``is_master=True`` on ``host_name:port`` (``port=0``:
    a free port, see :attr:`port`); the others connect to it, retrying until ``timeout``."""

    def __init__(self, host_name, port, world_size=None, is_master=False,
                 timeout=_DEFAULT_TIMEOUT, wait_for_workers=True, multi_tenant=False,
                 master_listen_fd=None, use_libuv=True):
        super().__init__(timeout)
        self.host, self.world_size = host_name, world_size
        self._server = None
        if is_master:
            try:
                listener = socket.create_server((host_name, port), backlog=128)
            except OSError as error:
                raise DistNetworkError(
                    "The server socket has failed to listen on any local network address. "
                    f"port: {port}, useIpv6: false, code: {-error.errno}, name: "
                    f"{errno.errorcode.get(error.errno, '?')}, message: "
                    f"{os.strerror(error.errno).lower()}") from None
            port = listener.getsockname()[1]
            self._server = _Server(listener)
        self.port = port
        self._lock = threading.Lock()
        self._sock = self._connect(_seconds(self.timeout))

    def _connect(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            try:
                sock = socket.create_connection((self.host, self.port),
                                                timeout=max(deadline - time.monotonic(), 0.01))
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock
            except OSError:
                if time.monotonic() >= deadline:
                    raise DistNetworkError(
                        f"The client socket has timed out after {round(seconds * 1000)}ms while "
                        f"trying to connect to ({self.host}, {self.port}).") from None
                time.sleep(0.05)

    def _request(self, header, value=b""):
        with self._lock:
            try:
                _send(self._sock, header, value)
                return _recv(self._sock)
            except (OSError, EOFError) as error:
                raise DistNetworkError(f"Connection to the store at {self.host}:{self.port} "
                                       f"failed: {error}") from None

    def set(self, key, value):
        self._request({"c": "set", "k": [key]}, _bytes(value))

    def _get(self, key):
        return self._request({"c": "get", "k": [key]})[1]

    def add(self, key, amount):
        return self._request({"c": "add", "k": [key], "n": int(amount)})[0]["n"]

    def check(self, keys):
        return self._request({"c": "check", "k": list(keys)})[0]["ok"]

    def _wait(self, keys, seconds):
        if not self._request({"c": "wait", "k": keys, "t": seconds})[0]["ok"]:
            raise _wait_timeout(keys, seconds)

    def delete_key(self, key):
        return self._request({"c": "delete", "k": [key]})[0]["ok"]

    def num_keys(self):
        return self._request({"c": "num_keys", "k": []})[0]["n"]

    def close(self):
        self._sock.close()
        if self._server is not None:
            self._server.listener.close()


class FileStore(Store):
    """A store kept in the file ``file_name`` (appended records, under an exclusive lock to
    write): every rank opens the same path, which must not hold an earlier run's store
    (``init_process_group`` removes a file:// rendezvous file once every rank has joined)."""

    def __init__(self, file_name, world_size=-1):
        super().__init__()
        self.path, self.world_size = file_name, world_size
        open(file_name, "ab").close()

    def _read(self):
        with open(self.path, "rb") as f:
            data = f.read()
        entries, pos = {}, 0
        while pos + 8 <= len(data):
            n, m = struct.unpack_from("!II", data, pos)
            if pos + 8 + n + m > len(data):
                break  # a record being written
            key = data[pos + 8:pos + 8 + n].decode()
            entries[key] = data[pos + 8 + n:pos + 8 + n + m]
            pos += 8 + n + m
        return {k: v for k, v in entries.items() if v != b"\0deleted"}

    def _append(self, key, value):
        with open(self.path, "ab") as f:
            f.write(struct.pack("!II", len(key.encode()), len(value)) + key.encode() + value)

    def _locked(self, update):
        with open(self.path, "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return update(self._read())
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def set(self, key, value):
        self._locked(lambda entries: self._append(key, _bytes(value)))

    def _get(self, key):
        return self._read()[key]

    def add(self, key, amount):
        def update(entries):
            total = int(entries.get(key, b"0")) + int(amount)
            self._append(key, str(total).encode())
            return total
        return self._locked(update)

    def check(self, keys):
        entries = self._read()
        return all(k in entries for k in keys)

    def _wait(self, keys, seconds):
        deadline = time.monotonic() + seconds
        while not self.check(keys):
            if time.monotonic() >= deadline:
                raise _wait_timeout(keys, seconds)
            time.sleep(0.01)

    def delete_key(self, key):
        def update(entries):
            if key in entries:
                self._append(key, b"\0deleted")
            return key in entries
        return self._locked(update)

    def num_keys(self):
        return len(self._read())

    def close(self):
        pass
