"""load on mutated, truncated and hostile checkpoints: a clean exception or a correct load
every time, quickly, and no code from the file ever runs."""
import io
import os
import pickle
import time
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import flambeau

pytestmark = pytest.mark.filterwarnings("ignore:Detected pickle protocol")
CLEAN = (RuntimeError, pickle.UnpicklingError, ValueError, EOFError)
ALLOWED_TYPES = (dict, OrderedDict, list, tuple, set, str, bytes, bytearray, int, float, complex,
                 bool, type(None), flambeau.Tensor, flambeau.Size, flambeau.dtype,
                 flambeau.device)


def _checkpoints():
    """Real checkpoints: written by torch (zip and legacy) and by flambeau."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    net(torch.randn(5, 4))
    # an SGD state dict as torch.optim writes it (torch.optim itself takes seconds to import)
    optimizer = {"state": {i: {"momentum_buffer": torch.randn(p.shape)}
                           for i, p in enumerate(net.parameters())},
                 "param_groups": [{"lr": 0.1, "momentum": 0.9, "dampening": 0,
                                   "weight_decay": 0, "nesterov": False, "maximize": False,
                                   "foreach": None, "differentiable": False, "fused": None,
                                   "params": [0, 1, 2, 3]}]}
    base = torch.arange(24.).reshape(4, 6)
    files = {}
    for name, obj, zip_format in (
            ("state_dict", net.state_dict(), True),
            ("optimizer", optimizer, True),
            ("views", {"base": base, "t": base.t(), "cut": base[1:, 2:5],
                       "p": torch.nn.Parameter(torch.ones(3)), "i": torch.arange(5)}, True),
            ("legacy", {"w": base, "v": base[2]}, False)):
        buffer = io.BytesIO()
        torch.save(obj, buffer, _use_new_zipfile_serialization=zip_format)
        files[name] = buffer.getvalue()
    buffer = io.BytesIO()
    flambeau.save({"x": flambeau.arange(10.).view(2, 5).t(), "n": [1, 2.5, "s"],
                   "h": flambeau.ones(3, dtype=flambeau.float16)}, buffer)
    files["flambeau"] = buffer.getvalue()
    return files


@pytest.fixture(scope="module")
def checkpoints():
    return _checkpoints()


def _equal(a, b, values=True):
    """The same objects; with ``values=False`` tensors' values may differ (the legacy format
    has no checksums, so a damaged storage byte goes unnoticed, in torch too)."""
    if isinstance(a, flambeau.Tensor):
        return (type(a) is type(b) and a.dtype is b.dtype and a.shape == b.shape
                and a.stride() == b.stride() and a.storage_offset() == b.storage_offset()
                and a.requires_grad == b.requires_grad and (not values or np.array_equal(
                    a.detach().numpy(), b.detach().numpy(), equal_nan=True)))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and \
            all(_equal(x, y, values) for x, y in zip(a, b))
    if isinstance(a, dict):
        return (type(a) is type(b) and list(a) == list(b)
                and all(_equal(a[k], b[k], values) for k in a)
                and getattr(a, "_metadata", None) == getattr(b, "_metadata", None))
    return a == b


def _only_allowed_types(obj, seen=None):
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return True
    seen.add(id(obj))
    if not isinstance(obj, ALLOWED_TYPES):
        return False
    if isinstance(obj, dict):
        return all(_only_allowed_types(k, seen) and _only_allowed_types(v, seen)
                   for k, v in obj.items())
    if isinstance(obj, (list, tuple, set)):
        return all(_only_allowed_types(v, seen) for v in obj)
    return True


def _mutations(data, rng, count):
    """``count`` damaged copies of ``data``: bytes flipped, chunks overwritten, bytes cut off,
    bytes inserted."""
    for i in range(count):
        damaged = bytearray(data)
        kind = i % 4
        if kind == 0:
            for at in rng.integers(0, len(data), rng.integers(1, 5)):
                damaged[at] ^= 1 << int(rng.integers(0, 8))
        elif kind == 1:
            at = int(rng.integers(0, len(data)))
            chunk = rng.integers(0, 256, int(rng.integers(1, 16)), dtype=np.uint8).tobytes()
            damaged[at:at + len(chunk)] = chunk
        elif kind == 2:
            del damaged[int(rng.integers(0, len(data))):]
        else:
            at = int(rng.integers(0, len(data)))
            damaged[at:at] = rng.integers(0, 256, int(rng.integers(1, 9)), dtype=np.uint8).tobytes()
        yield bytes(damaged)


def _load(data):
    start = time.perf_counter()
    try:
        result = flambeau.load(io.BytesIO(data))
    except CLEAN as error:
        assert str(error), type(error)
        result = error
    assert time.perf_counter() - start < 1.0  # never hangs
    return result


def test_damaged_files_fail_cleanly_or_load_correctly(checkpoints):
    rng = np.random.default_rng(0)
    outcomes = {"raised": 0, "loaded": 0}
    for name, data in checkpoints.items():
        expected = flambeau.load(io.BytesIO(data))
        for damaged in _mutations(data, rng, 100):
            result = _load(damaged)
            if isinstance(result, Exception):
                outcomes["raised"] += 1
            else:  # a byte nobody reads (padding, a date): the same objects
                assert _equal(result, expected, values=name != "legacy"), name
                outcomes["loaded"] += 1
    assert sum(outcomes.values()) == 500 and outcomes["raised"] > 300


def _rezipped(original, pickle_bytes):
    """``original`` with its data.pkl replaced (and CRCs right, so the unpickler reads it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, pickle_bytes if info.filename.endswith("/data.pkl")
                         else src.read(info))
    return out.getvalue()


def test_damaged_pickles_build_only_allowed_objects(checkpoints):
    rng = np.random.default_rng(1)
    loaded = 0
    for name in ("state_dict", "views", "flambeau"):
        with zipfile.ZipFile(io.BytesIO(checkpoints[name])) as z:
            pkl = z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))
        for damaged in _mutations(pkl, rng, 100):
            result = _load(_rezipped(checkpoints[name], damaged))
            if not isinstance(result, Exception):
                assert _only_allowed_types(result)
                loaded += 1
    assert loaded < 300


class _Payload:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _hostile(marker):
    """Pickles that would create ``marker`` (or run a command) if anything ran them."""
    import builtins
    import subprocess
    command = f"touch {marker}"
    return [_Payload(os.system, command), _Payload(subprocess.call, ["touch", str(marker)]),
            _Payload(builtins.exec, f"open({str(marker)!r}, 'w').close()"),
            _Payload(builtins.eval, f"open({str(marker)!r}, 'w')"),
            _Payload(builtins.open, str(marker), "w"),
            _Payload(pickle.loads, pickle.dumps(_Payload(os.system, command)))]


@pytest.mark.parametrize("protocol", [2, 4])
def test_hostile_pickles_never_run(tmp_path, checkpoints, protocol):
    marker = tmp_path / "created"
    for payload in _hostile(marker):
        data = _rezipped(checkpoints["views"], pickle.dumps({"w": payload}, protocol=protocol))
        with pytest.raises(pickle.UnpicklingError) as ours:
            flambeau.load(io.BytesIO(data))
        with pytest.raises(pickle.UnpicklingError) as theirs:
            torch.load(io.BytesIO(data))
        assert str(ours.value) == str(theirs.value)  # torch's message, word for word
        assert flambeau.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) or \
            protocol > 2
        for damaged in _mutations(data, np.random.default_rng(2), 10):
            _load(damaged)
        assert not marker.exists()


def test_mmap_of_truncated_files(tmp_path, checkpoints):
    data = checkpoints["views"]
    for cut in range(len(data) - 1, 0, -max(1, len(data) // 20)):
        path = tmp_path / "cut.pt"
        path.write_bytes(data[:cut])
        with pytest.raises(CLEAN):
            flambeau.load(path, mmap=True)
