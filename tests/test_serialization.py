"""save/load in PyTorch's checkpoint format, both ways, against real torch."""
import copy
import io
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64", "complex128"]


def _values(lib, name):
    base = lib.arange(-6, 6).reshape(3, 4)
    return base.to(getattr(lib, name))


def _same(ours, theirs, check_stride=True):
    if check_stride:
        assert (ours.stride(), ours.storage_offset()) == (theirs.stride(), theirs.storage_offset())
    if str(theirs.dtype) == "torch.bfloat16":
        assert ours.dtype is flambeau.bfloat16
        ours, theirs = ours.float(), theirs.float()
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", DTYPES)
def test_every_dtype_both_ways(name, tmp_path):
    theirs = _values(torch, name)
    torch.save({"x": theirs, "t": theirs.t()}, tmp_path / "torch.pt")
    loaded = flambeau.load(tmp_path / "torch.pt")
    _same(loaded["x"], theirs)
    _same(loaded["t"], theirs.t())
    assert loaded["t"]._storage is loaded["x"]._storage

    ours = _values(flambeau, name)
    flambeau.save({"x": ours, "t": ours.t()}, tmp_path / "ours.pt")
    back = torch.load(tmp_path / "ours.pt")
    _same(ours, back["x"])
    _same(ours.t(), back["t"])
    assert back["t"].untyped_storage().data_ptr() == back["x"].untyped_storage().data_ptr()


def test_views_offsets_and_strides(tmp_path):
    base = torch.arange(60.).reshape(3, 4, 5)
    views = {"base": base, "slice": base[1:, ::2, 1:4], "perm": base.permute(2, 0, 1),
             "row": base[2, 1], "expanded": base[0, 0, :1].expand(4, 3), "scalar": base[1, 2, 3],
             "empty": base[:0], "alone": torch.ones(2, 2)[:, 1]}
    torch.save(views, tmp_path / "v.pt")
    ours = flambeau.load(tmp_path / "v.pt")
    for key, view in views.items():
        _same(ours[key], view)
    assert ours["slice"]._storage is ours["base"]._storage is ours["perm"]._storage
    ours["base"][1, 0, 1] = -1.0  # still one memory
    assert ours["slice"][0, 0, 0].item() == -1.0

    flambeau.save(ours, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt")
    for key in views:
        _same(ours[key], back[key])
    assert back["slice"][0, 0, 0].item() == -1.0
    back["base"][2, 0, 2] = 7.0  # shared in torch too
    assert back["slice"][1, 0, 1].item() == 7.0


def test_parameters_and_requires_grad(tmp_path):
    p = torch.nn.Parameter(torch.randn(3))
    frozen = torch.nn.Parameter(torch.randn(2), requires_grad=False)
    leaf = torch.randn(2, requires_grad=True)
    torch.save([p, frozen, leaf, p], tmp_path / "p.pt")
    ours = flambeau.load(tmp_path / "p.pt")
    assert isinstance(ours[0], flambeau.nn.Parameter) and ours[0].requires_grad
    assert isinstance(ours[1], flambeau.nn.Parameter) and not ours[1].requires_grad
    assert type(ours[2]) is flambeau.Tensor and ours[2].requires_grad
    assert ours[3] is ours[0]
    _same(ours[0].detach(), p.detach())

    flambeau.save(ours, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt")
    assert [type(t).__name__ for t in back] == ["Parameter", "Parameter", "Tensor", "Parameter"]
    assert [t.requires_grad for t in back] == [True, False, True, True]
    assert back[3] is back[0]


def _nets():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                 torch.nn.Flatten(), torch.nn.Linear(8, 3))
    ours = flambeau.nn.Sequential(flambeau.nn.Conv2d(1, 2, 3), flambeau.nn.BatchNorm2d(2),
                                  flambeau.nn.Flatten(), flambeau.nn.Linear(8, 3))
    return ours, theirs


def test_state_dicts_with_metadata(tmp_path):
    ours, theirs = _nets()
    theirs(torch.randn(2, 1, 4, 4))  # running stats move
    torch.save(theirs.state_dict(), tmp_path / "sd.pt")
    state = flambeau.load(tmp_path / "sd.pt")
    assert list(state) == list(theirs.state_dict())
    assert state._metadata == theirs.state_dict()._metadata
    ours.load_state_dict(state)
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    ours.eval(), theirs.eval()
    assert_same(ours(flambeau.tensor(x)), theirs(torch.tensor(x)).detach(), atol=1e-5)

    flambeau.save(ours.state_dict(), tmp_path / "ours.pt")
    fresh = _nets()[1]
    fresh.load_state_dict(torch.load(tmp_path / "ours.pt"))
    fresh.eval()
    assert torch.equal(fresh(torch.tensor(x)), theirs(torch.tensor(x)))
    assert torch.load(tmp_path / "ours.pt")._metadata == ours.state_dict()._metadata


def test_adam_state_dict_both_ways(tmp_path):
    ours, theirs = _nets()
    ours.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 1, 4, 4)).astype(np.float32)
    opt_t = torch.optim.Adam(theirs.parameters(), lr=0.01, amsgrad=True)
    opt_o = flambeau.optim.Adam(ours.parameters(), lr=0.01, amsgrad=True)
    for _ in range(2):
        opt_t.zero_grad(), opt_o.zero_grad()
        theirs(torch.tensor(x)).square().sum().backward()
        ours(flambeau.tensor(x)).square().sum().backward()
        opt_t.step(), opt_o.step()
    torch.save(opt_t.state_dict(), tmp_path / "adam_torch.pt")
    flambeau.save(opt_o.state_dict(), tmp_path / "adam_ours.pt")
    from_torch = flambeau.load(tmp_path / "adam_torch.pt")
    from_ours = torch.load(tmp_path / "adam_ours.pt")
    assert from_torch["param_groups"] == opt_t.state_dict()["param_groups"]
    assert from_ours["param_groups"] == opt_o.state_dict()["param_groups"]
    for i, state in opt_t.state_dict()["state"].items():
        for key, value in state.items():
            _same(from_torch["state"][i][key], value, check_stride=False)
            assert torch.allclose(from_ours["state"][i][key], value, atol=1e-5)
    opt_o2 = flambeau.optim.Adam(ours.parameters(), lr=0.01, amsgrad=True)
    opt_o2.load_state_dict(from_torch)  # usable to go on training
    opt_o2.step()


def test_nested_containers_and_python_values(tmp_path):
    t = torch.arange(4)
    obj = {"list": [t, (t[1:], {"deep": [t[::2]]})], "n": 3, "f": 2.5, "c": 1 + 2j,
           "s": "text", "b": b"\x00\xff", "none": None, "set": {1, 2}, "big": 2 ** 70,
           "size": torch.Size([2, 3]), "dtype": torch.float16, "device": torch.device("cpu"),
           "bytearray": bytearray(b"ab")}
    torch.save(obj, tmp_path / "n.pt")
    ours = flambeau.load(tmp_path / "n.pt")
    _same(ours["list"][1][1]["deep"][0], t[::2])
    assert ours["list"][1][0]._storage is ours["list"][0]._storage
    for key in ("n", "f", "c", "s", "b", "none", "set", "big", "bytearray"):
        assert ours[key] == obj[key]
    assert ours["size"] == flambeau.Size([2, 3]) and ours["dtype"] is flambeau.float16
    assert ours["device"] == flambeau.device("cpu")
    flambeau.save(ours, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt")
    for key in ("n", "f", "c", "s", "b", "none", "set", "big", "size", "dtype", "device",
                "bytearray"):
        assert back[key] == obj[key], key
    assert torch.equal(back["list"][1][1]["deep"][0], t[::2])


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x).relu()


def test_whole_modules(tmp_path):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    torch.save(net, tmp_path / "net.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        flambeau.load(tmp_path / "net.pt")
    ours = flambeau.load(tmp_path / "net.pt", weights_only=False)
    assert isinstance(ours, flambeau.nn.Sequential) and isinstance(ours[0], flambeau.nn.Linear)
    x = np.ones((1, 3), np.float32)
    assert_same(ours(flambeau.tensor(x)), net(torch.tensor(x)).detach())

    flambeau.save(ours, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt", weights_only=False)
    assert type(back) is torch.nn.Sequential and type(back[2]) is torch.nn.Linear
    assert torch.equal(back(torch.tensor(x)), net(torch.tensor(x)))


def test_whole_module_of_a_user_class_round_trips(tmp_path):
    net = Net()
    flambeau.save(net, tmp_path / "net.pt")
    assert flambeau.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "net.pt") == [
        f"{__name__}.Net", "torch.nn.modules.linear.Linear"]
    with flambeau.serialization.safe_globals([Net, flambeau.nn.Linear]):
        again = flambeau.load(tmp_path / "net.pt")
    assert flambeau.serialization.get_safe_globals() == []
    x = flambeau.ones(1, 3)
    assert flambeau.equal(again(x), net(x))


class Net(flambeau.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = flambeau.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x).relu()


def test_unsafe_global_message_matches_torch(tmp_path):
    torch.save({"net": TorchNet()}, tmp_path / "n.pt")
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(tmp_path / "n.pt")
    with pytest.raises(pickle.UnpicklingError) as ours:
        flambeau.load(tmp_path / "n.pt")
    assert str(ours.value) == str(theirs.value)
    assert "GLOBAL test_serialization.TorchNet was not an allowed global" in str(ours.value)


def _os_system_pickle(marker):
    class Evil:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)
    return pickle.dumps({"x": Evil()}, protocol=2)


def _replace_pickle(source, target, data):
    """A copy of the checkpoint ``source`` at ``target`` whose data.pkl is ``data``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename.endswith("/data.pkl")
                         else src.read(info))


def _zip_with_pickle(path, data):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data)
        z.writestr("archive/version", "3\n")


def test_os_system_is_refused_with_torchs_message(tmp_path):
    marker = tmp_path / "pwned"
    _zip_with_pickle(tmp_path / "evil.pt", _os_system_pickle(marker))
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError) as ours:
        flambeau.load(tmp_path / "evil.pt")
    assert str(ours.value) == str(theirs.value)
    assert "whose module posix is blocked" in str(ours.value) or "nt is blocked" in str(ours.value)
    assert not marker.exists()


def test_safe_globals_and_add_safe_globals(tmp_path):
    flambeau.save({"n": Point(1, 2)}, tmp_path / "p.pt")
    with pytest.raises(pickle.UnpicklingError, match="add_safe_globals"):
        flambeau.load(tmp_path / "p.pt")
    flambeau.serialization.add_safe_globals([Point])
    try:
        assert flambeau.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "p.pt") == []
        assert flambeau.load(tmp_path / "p.pt")["n"] == Point(1, 2)
    finally:
        flambeau.serialization.clear_safe_globals()
    with flambeau.serialization.safe_globals([(Point, f"{__name__}.Point")]):
        assert flambeau.load(tmp_path / "p.pt")["n"] == Point(1, 2)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return vars(self) == vars(other)


def test_file_objects_and_archive_layout(tmp_path):
    buffer = io.BytesIO()
    flambeau.save({"w": flambeau.ones(3)}, buffer)
    buffer.seek(0)
    assert torch.equal(torch.load(buffer)["w"], torch.ones(3))
    buffer.seek(0)
    assert flambeau.equal(flambeau.load(buffer)["w"], flambeau.ones(3))
    names = zipfile.ZipFile(buffer).namelist()
    assert names == ["archive/data.pkl", "archive/.format_version", "archive/.storage_alignment",
                     "archive/byteorder", "archive/data/0", "archive/version",
                     "archive/.data/serialization_id"]
    flambeau.save(flambeau.zeros(5), tmp_path / "model.pth")
    z = zipfile.ZipFile(tmp_path / "model.pth")
    assert z.namelist()[0] == "model/data.pkl"
    with open(tmp_path / "model.pth", "rb") as f:
        for info in z.infolist():  # every record starts on a 64-byte boundary, as torch's
            f.seek(info.header_offset + 26)
            n, m = np.frombuffer(f.read(4), np.uint16)
            assert (info.header_offset + 30 + n + m) % 64 == 0
    assert z.read("model/byteorder") == b"little" and z.read("model/version") == b"3\n"
    assert len(z.read("model/.data/serialization_id")) == 40
    assert os.listdir(tmp_path) == ["model.pth"]  # no temporary file left behind


def test_mmap_maps_storages(tmp_path):
    big = torch.arange(1 << 16, dtype=torch.float32)
    torch.save({"big": big, "part": big[10:20]}, tmp_path / "m.pt")
    ours = flambeau.load(tmp_path / "m.pt", mmap=True)
    memory = ours["big"]._storage.bytes()
    while not isinstance(memory, np.memmap):  # the storage's memory is the mapped file
        memory = memory.base
    assert memory.filename == str(tmp_path / "m.pt")
    _same(ours["part"], big[10:20])
    ours["big"][0] = 5.0  # copy-on-write: the file is unchanged
    assert flambeau.load(tmp_path / "m.pt")["big"][0].item() == 0.0
    with pytest.raises(ValueError, match="f must be a file path"):
        flambeau.load(io.BytesIO((tmp_path / "m.pt").read_bytes()), mmap=True)


def test_legacy_format_both_ways(tmp_path):
    t = torch.arange(12.).reshape(3, 4)
    torch.save({"t": t, "v": t[1:, 2:], "p": torch.nn.Parameter(torch.ones(2))},
               tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    ours = flambeau.load(tmp_path / "legacy.pt")
    _same(ours["t"], t)
    _same(ours["v"], t[1:, 2:])
    assert ours["v"]._storage is ours["t"]._storage
    assert isinstance(ours["p"], flambeau.nn.Parameter)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        flambeau.load(tmp_path / "legacy.pt", mmap=True)

    ours["h"] = flambeau.arange(4, dtype=flambeau.float16)
    flambeau.save(ours, tmp_path / "ours.pt", _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(tmp_path / "ours.pt")
    back = torch.load(tmp_path / "ours.pt")
    assert torch.equal(back["v"], t[1:, 2:]) and back["v"].stride() == (4, 1)
    assert back["v"].untyped_storage().data_ptr() == back["t"].untyped_storage().data_ptr()
    assert type(back["p"]) is torch.nn.Parameter
    assert torch.equal(back["h"], torch.arange(4, dtype=torch.float16))
    _same(flambeau.load(tmp_path / "ours.pt")["v"], t[1:, 2:])


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("zipped", [True, False])
def test_pickle_protocols_and_modules_both_ways(protocol, zipped, tmp_path):
    """Files written with another ``pickle_protocol`` (or ``pickle_module``) load in the other
    library, or fail there as they do in torch (the weights_only unpickler reads no protocol-4
    frames in a legacy file)."""
    def save(lib, path):
        lib.save({"w": lib.arange(6.).view(2, 3)[:, 1:], "n": 3}, path, pickle_module=pickle,
                 pickle_protocol=protocol, _use_new_zipfile_serialization=zipped)
    save(torch, tmp_path / "torch.pt")
    save(flambeau, tmp_path / "ours.pt")
    for path in ("torch.pt", "ours.pt"):
        for weights_only in (True, False):
            got = {}
            for lib in (flambeau, torch):
                try:
                    got[lib] = lib.load(tmp_path / path, weights_only=weights_only,
                                        pickle_module=pickle if not weights_only else None)
                except pickle.UnpicklingError as error:
                    got[lib] = "Unsupported operand 149" in str(error)
            if got[torch] is True:
                assert got[flambeau] is True
                continue
            _same(got[flambeau]["w"], got[torch]["w"])
            assert got[flambeau]["n"] == got[torch]["n"] == 3


def test_map_location_and_cuda_files(tmp_path):
    flambeau.save({"w": flambeau.ones(2)}, tmp_path / "w.pt")
    for where in ("cpu", flambeau.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        assert flambeau.load(tmp_path / "w.pt", map_location=where)["w"].sum().item() == 2.0
    data = zipfile.ZipFile(tmp_path / "w.pt").read("w/data.pkl").replace(b"X\x03\x00\x00\x00cpu",
                                                                 b"X\x04\x00\x00\x00cuda")
    body = tmp_path / "cuda.pt"
    _replace_pickle(tmp_path / "w.pt", body, data)
    if not flambeau.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA device but torch.cuda.is_available"):
            flambeau.load(body)
    assert flambeau.load(body, map_location="cpu")["w"].sum().item() == 2.0
    assert flambeau.load(body, map_location={"cuda": "cpu"})["w"].sum().item() == 2.0


def test_bad_files_raise_clear_errors(tmp_path):
    flambeau.save({"w": flambeau.ones(64)}, tmp_path / "w.pt")
    good = (tmp_path / "w.pt").read_bytes()
    (tmp_path / "short.pt").write_bytes(good[:len(good) // 2])
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive"):
        flambeau.load(tmp_path / "short.pt")
    start = good.index(b"\x00\x00\x80\x3f")  # the storage's first float 1.0
    bad = bytearray(good)
    bad[start + 3] = 0x40
    (tmp_path / "bad.pt").write_bytes(bytes(bad))
    with pytest.raises(RuntimeError, match="CRC"):
        flambeau.load(tmp_path / "bad.pt")
    (tmp_path / "text.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(pickle.UnpicklingError):
        flambeau.load(tmp_path / "text.pt")
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        flambeau.load(tmp_path / "w.pt", pickle_module=pickle, weights_only=True)


def test_oversized_view_in_hostile_file_is_refused(tmp_path):
    flambeau.save(flambeau.ones(4), tmp_path / "w.pt")
    with zipfile.ZipFile(tmp_path / "w.pt") as z:
        data = z.read("w/data.pkl")
    # the size tuple (4,) becomes (40,): a view past the storage's end
    hacked = data.replace(b"K\x04\x85", b"K\x28\x85", 1)
    assert hacked != data
    _replace_pickle(tmp_path / "w.pt", tmp_path / "h.pt", hacked)
    with pytest.raises(RuntimeError, match="out of bounds for storage"):
        flambeau.load(tmp_path / "h.pt")


def test_pickle_deepcopy_and_queues():
    net = flambeau.nn.Linear(3, 2)
    for clone in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert flambeau.equal(clone.weight, net.weight)
        assert isinstance(clone.weight, flambeau.nn.Parameter) and clone.weight.requires_grad
        assert clone.weight.data_ptr() != net.weight.data_ptr()
    t = flambeau.arange(6.).view(2, 3).t()
    assert flambeau.equal(pickle.loads(pickle.dumps(t)), t)
    import multiprocessing
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    queue.put(t)
    assert flambeau.equal(queue.get(timeout=30), t)


def test_run_resolves_torch_save(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""
        import torch, torch.serialization
        net = torch.nn.Linear(2, 2)
        torch.save(net.state_dict(), {str(tmp_path / 'sd.pt')!r})
        print(torch.save.__module__, torch.serialization.__name__, sorted(torch.load(
            {str(tmp_path / 'sd.pt')!r})))
    """))
    out = subprocess.run([sys.executable, "-m", "flambeau", "run", str(script)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["flambeau.serialization", "flambeau.serialization",
                                  "['bias',", "'weight']"]
    assert sorted(torch.load(tmp_path / "sd.pt")) == ["bias", "weight"]


CRASH = """
import sys, time, flambeau
from flambeau._serialization import zip
path, size, stall_at = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def stalling(method):
    def stalled(self, *args):
        if (args[0] if args else "close") == stall_at:  # the test kills the process here
            print("writing", flush=True)
            time.sleep(60)
        return method(self, *args)
    return stalled
zip.Writer.write_record = stalling(zip.Writer.write_record)
zip.Writer.close = stalling(zip.Writer.close)
flambeau.save({"w": flambeau.full((size,), 2.0), "v": flambeau.ones(3)}, path)
"""


@pytest.mark.parametrize("stall_at", ["data/1", "close"])  # mid-storages, before the directory
def test_a_killed_save_leaves_the_old_file(tmp_path, stall_at):
    path = tmp_path / "ck.pt"
    flambeau.save({"w": flambeau.ones(1000)}, path)
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", CRASH, str(path), "100000", stall_at],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait()
    assert path.read_bytes() == before
    assert flambeau.load(path)["w"].sum().item() == 1000.0
    leftovers = [p for p in os.listdir(tmp_path) if p != "ck.pt"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".ck.pt.")  # the half-written one


class Tagged(flambeau.Tensor):
    pass


def test_tensor_subclass_with_state_round_trips(tmp_path):
    t = flambeau.Tensor._make_subclass(Tagged, flambeau.arange(4.).view(2, 2).t())
    t.tag = "kept"
    flambeau.save(t, tmp_path / "t.pt")
    assert flambeau.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "t.pt") == [
        f"{__name__}.Tagged"]
    with flambeau.serialization.safe_globals([Tagged]):
        back = flambeau.load(tmp_path / "t.pt")
    assert type(back) is Tagged and back.tag == "kept" and back.stride() == (1, 2)
    assert flambeau.equal(back, t)


def test_unseekable_file_objects_get_torchs_error():
    class Stream:
        def read(self, n=-1):
            return b""

    raises_like(lambda: flambeau.load(Stream()), lambda: torch.load(Stream()))


def test_save_errors_match_torch(tmp_path):
    x, y = torch.ones(4), flambeau.ones(4)
    raises_like(lambda: flambeau.save([y, y.view(flambeau.int32)], io.BytesIO()),
                lambda: torch.save([x, x.view(torch.int32)], io.BytesIO()))
    missing = str(tmp_path / "no" / "such.pt")
    raises_like(lambda: flambeau.save(y, missing), lambda: torch.save(x, missing))


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_bare_storages_both_ways(tmp_path):
    torch.save([torch.arange(4.).untyped_storage(), torch.ones(2).storage()], tmp_path / "t.pt")
    ours = flambeau.load(tmp_path / "t.pt")
    assert [type(s).__name__ for s in ours] == ["TypedStorage", "TypedStorage"]  # as torch's
    assert ours[0].dtype is flambeau.uint8 and ours[0].tolist()[4:8] == [0, 0, 128, 63]
    assert ours[1].dtype is flambeau.float32 and ours[1].tolist() == [1.0, 1.0]
    flambeau.save([flambeau.arange(4.).untyped_storage(), flambeau.ones(2).storage()],
                  tmp_path / "f.pt")
    back = torch.load(tmp_path / "f.pt")
    assert back[0].dtype == torch.uint8 and back[0].tolist() == ours[0].tolist()
    assert back[1].dtype == torch.float32 and back[1].tolist() == [1.0, 1.0]


def test_attributes_of_a_torch_tensor_are_dropped_with_a_warning(tmp_path):
    x = torch.ones(2)
    x.note = "torch keeps it"
    torch.save({"x": x}, tmp_path / "x.pt")
    with pytest.warns(UserWarning, match="hold no Python attributes"):
        ours = flambeau.load(tmp_path / "x.pt")
    assert flambeau.equal(ours["x"], flambeau.ones(2))


def test_a_torch_class_flambeau_lacks_is_named(tmp_path):
    torch.save(torch.nn.Module(), tmp_path / "m.pt")
    with zipfile.ZipFile(tmp_path / "m.pt") as z:
        data = z.read("m/data.pkl")
    hacked = data.replace(b"module\nModule\n", b"module\nNoSuch\n")
    _replace_pickle(tmp_path / "m.pt", tmp_path / "h.pt", hacked)
    with pytest.raises(AttributeError, match="needs torch.nn.modules.module.NoSuch, which "
                                             "flambeau does not implement"):
        flambeau.load(tmp_path / "h.pt", weights_only=False)
