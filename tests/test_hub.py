"""flambeau.hub against torch.hub: cache paths, downloads from a local HTTP server, the cache
used without the network, hubconf entry points (local folders and cached GitHub repositories)."""
import functools
import hashlib
import http.server
import os
import socket
import threading
import urllib.request
import zipfile
from urllib.error import URLError

import pytest
import torch
import torch.hub

import flambeau
import flambeau.hub as hub
from conftest import assert_same, raises_like

HUBCONF = '''
"""A test hub."""
dependencies = {dependencies!r}
import helper


def double(x, scale=1):
    """Twice x (times scale)."""
    return helper.twice(x) * scale


_private = double
not_callable = 3
'''


@pytest.fixture
def hub_dirs(tmp_path, monkeypatch):
    """TORCH_HOME in tmp_path for both libraries; set_dir undone afterwards."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setattr(hub, "_hub_dir", None)
    return tmp_path / "home" / "hub"


@pytest.fixture
def offline(monkeypatch):
    """Any network access fails as on a machine with no route out."""
    def refuse(*args, **kwargs):
        raise URLError(OSError(101, "Network is unreachable"))
    for module in (urllib.request, hub, torch.hub):
        monkeypatch.setattr(module, "urlopen", refuse)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An HTTP server on localhost serving a folder: (folder, base URL)."""
    folder = tmp_path_factory.mktemp("served")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("env", [{}, {"XDG_CACHE_HOME": "/x/cache"}, {"TORCH_HOME": "~/th"},
                                 {"TORCH_HOME": "/t", "XDG_CACHE_HOME": "/x"}])
def test_get_dir_follows_torch_environment(env, monkeypatch):
    for name in ("TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setattr(hub, "_hub_dir", None)
    assert hub.get_dir() == torch.hub.get_dir()
    torch.hub.set_dir("~/elsewhere")
    hub.set_dir("~/elsewhere")
    assert hub.get_dir() == torch.hub.get_dir() == os.path.expanduser("~/elsewhere")


def test_lazy_attribute():
    assert flambeau.hub is hub


def _state_dict():
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2).state_dict()


def test_cached_checkpoint_loads_without_network(hub_dirs, offline):
    checkpoints = hub_dirs / "checkpoints"
    checkpoints.mkdir(parents=True)
    torch.save(_state_dict(), checkpoints / "linear-0123abcd.pth")
    url = "https://download.example.org/models/linear-0123abcd.pth"
    ours = hub.load_state_dict_from_url(url, check_hash=True)
    theirs = torch.hub.load_state_dict_from_url(url, check_hash=True)
    assert list(ours) == list(theirs)
    for key in theirs:
        assert_same(ours[key], theirs[key])
    ours = hub.load_state_dict_from_url("https://x.org/other.pth", file_name="linear-0123abcd.pth")
    assert_same(ours["weight"], theirs["weight"])


def test_absent_checkpoint_offline_names_url_and_path(hub_dirs, offline):
    url = "https://download.example.org/models/absent-12345678.pth"
    with pytest.raises(URLError) as error:
        hub.load_state_dict_from_url(url, progress=False)
    expected = os.path.join(str(hub_dirs), "checkpoints", "absent-12345678.pth")
    assert url in str(error.value) and expected in str(error.value)
    assert os.listdir(hub_dirs / "checkpoints") == []  # no partial file left


def test_closed_port_fails_at_once(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/w.pth"
    with pytest.raises(URLError, match="Connection refused") as error:
        hub.download_url_to_file(url, str(tmp_path / "w.pth"), progress=False)
    assert url in str(error.value) and str(tmp_path / "w.pth") in str(error.value)
    assert os.listdir(tmp_path) == []


def test_download_then_cache(hub_dirs, server, capfd):
    folder, base = server
    state = _state_dict()
    torch.save(state, folder / "lin.pth")
    digest = hashlib.sha256((folder / "lin.pth").read_bytes()).hexdigest()
    os.rename(folder / "lin.pth", folder / f"lin-{digest[:10]}.pth")
    url = f"{base}/lin-{digest[:10]}.pth"
    ours = hub.load_state_dict_from_url(url, check_hash=True)
    assert_same(ours["bias"], state["bias"])
    target = hub_dirs / "checkpoints" / f"lin-{digest[:10]}.pth"
    out, err = capfd.readouterr()
    assert out == f'Downloading: "{url}" to {target}\n'
    assert err.endswith("100.0%\n")
    (folder / f"lin-{digest[:10]}.pth").unlink()  # now only the cache has it
    assert_same(hub.load_state_dict_from_url(url)["weight"], state["weight"])
    assert capfd.readouterr() == ("", "")


def test_download_progress_and_hash_as_torch(server, tmp_path, capfd):
    folder, base = server
    (folder / "blob.bin").write_bytes(os.urandom(300_000))
    digest = hashlib.sha256((folder / "blob.bin").read_bytes()).hexdigest()
    url = f"{base}/blob.bin"
    torch.hub.download_url_to_file(url, str(tmp_path / "theirs"), digest[:8])
    theirs = capfd.readouterr()
    hub.download_url_to_file(url, str(tmp_path / "ours"), digest[:8])
    assert capfd.readouterr() == theirs
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()
    raises_like(lambda: hub.download_url_to_file(url, str(tmp_path / "o2"), "ffff", False),
                lambda: torch.hub.download_url_to_file(url, str(tmp_path / "t2"), "ffff", False))
    assert sorted(os.listdir(tmp_path)) == ["ours", "theirs"]


def test_legacy_zip_checkpoint(hub_dirs, offline):
    checkpoints = hub_dirs / "checkpoints"
    checkpoints.mkdir(parents=True)
    torch.save(_state_dict(), checkpoints / "inner.pth")
    with zipfile.ZipFile(checkpoints / "old.zip", "w") as archive:
        archive.write(checkpoints / "inner.pth", "inner.pth")
    (checkpoints / "inner.pth").unlink()
    with pytest.warns(FutureWarning, match="Falling back to the old format < 1.6"):
        ours = hub.load_state_dict_from_url("https://x.org/old.zip")
    assert_same(ours["weight"], _state_dict()["weight"])


def _write_repo(folder, dependencies=("os",)):
    folder.mkdir(parents=True)
    (folder / "hubconf.py").write_text(HUBCONF.format(dependencies=list(dependencies)))
    (folder / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    return str(folder)


def test_local_source(tmp_path):
    repo = _write_repo(tmp_path / "repo")
    assert hub.load(repo, "double", 4, source="local", scale=3) == 24
    raises_like(lambda: hub.load(repo, "nothing", source="local"),
                lambda: torch.hub.load(repo, "nothing", source="local"))
    raises_like(lambda: hub.load(repo, "not_callable", source="local"),
                lambda: torch.hub.load(repo, "not_callable", source="local"))
    raises_like(lambda: hub.load(repo, 3, source="local"),
                lambda: torch.hub.load(repo, 3, source="local"))
    raises_like(lambda: hub.load(repo, "double", source="ftp"),
                lambda: torch.hub.load(repo, "double", source="ftp"))


def test_missing_dependencies(tmp_path):
    repo = _write_repo(tmp_path / "repo", ["torch", "torchvision", "no_such_pkg", "nor_this"])
    raises_like(lambda: hub.load(repo, "double", 1, source="local"),
                lambda: torch.hub.load(repo, "double", 1, source="local"))
    with pytest.raises(RuntimeError, match="^Missing dependencies: no_such_pkg, nor_this$"):
        hub.load(repo, "double", 1, source="local")


@pytest.mark.parametrize("github", ["someone/tool:main", "someone/tool"])
def test_github_source_from_cache(hub_dirs, offline, github, capfd):
    repo_dir = _write_repo(hub_dirs / "someone_tool_main")
    assert hub.load(github, "double", 5, trust_repo=True) == 10
    assert capfd.readouterr().err == f"Using cache found in {repo_dir}\n"
    assert (hub_dirs / "trusted_list").read_text() == ""  # downloaded before: trusted
    assert hub.list(github, trust_repo=True, verbose=False) == \
        torch.hub.list(github, trust_repo=True, verbose=False) == ["double"]
    assert hub.help(github, "double", trust_repo=True) == "Twice x (times scale)."


def test_github_absent_offline(hub_dirs, offline):
    raises_like(lambda: hub.load("someone/absent", "m", trust_repo=True),
                lambda: torch.hub.load("someone/absent", "m", trust_repo=True))


@pytest.mark.parametrize("skip_validation, url", [
    (False, "https://api.github.com/repos/someone/absent/branches?per_page=100&page=1"),
    (True, "https://github.com/someone/absent/zipball/v2")])
def test_github_ref_absent_offline(hub_dirs, offline, skip_validation, url):
    with pytest.raises(URLError) as error:
        hub.load("someone/absent:v2", "m", trust_repo=True, skip_validation=skip_validation)
    assert str(hub_dirs / "someone_absent_v2") in str(error.value) and url in str(error.value)
    assert sorted(os.listdir(hub_dirs)) == ["trusted_list"]


def test_trust_prompt(hub_dirs, offline, monkeypatch, capsys):
    _write_repo(hub_dirs / "someone_tool_main")
    answers, prompts = iter(["n", "n", "Maybe", "Maybe", "YES"]), []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or next(answers))
    raises_like(lambda: hub.load("someone/tool:main", "double", 1, trust_repo=False),
                lambda: torch.hub.load("someone/tool:main", "double", 1, trust_repo=False))
    raises_like(lambda: hub.list("someone/tool:main", trust_repo=False),
                lambda: torch.hub.list("someone/tool:main", trust_repo=False))
    assert prompts[0] == prompts[1] == prompts[2] == prompts[3]
    assert hub.load("someone/tool:main", "double", 1, trust_repo=False, verbose=False) == 2
    assert capsys.readouterr().out == "The repository is already trusted.\n"


def _github_on(server, monkeypatch, module):
    """module's urlopen sends github.com and api.github.com requests to the local server."""
    folder, base = server
    real = urllib.request.urlopen

    def urlopen(request, timeout=None):
        def local(url):
            return url.replace("https://api.github.com", base + "/api").replace(
                "https://github.com", base + "/github")
        if isinstance(request, urllib.request.Request):
            request = urllib.request.Request(local(request.full_url), headers=request.headers)
        else:
            request = local(request)
        return real(request, timeout=timeout)
    monkeypatch.setattr(module, "urlopen", urlopen)


@pytest.mark.parametrize("lib", [hub, torch.hub])
def test_github_download(lib, server, tmp_path, monkeypatch, capfd):
    """The zipball is fetched, checked against the branch list, unpacked to owner_repo_branch
    and the repository recorded as trusted: the same files for torch and flambeau."""
    folder, base = server
    source = _write_repo(tmp_path / "someone-tool-1a2b3c")
    (folder / "github/someone/tool/tree/main").mkdir(parents=True, exist_ok=True)
    (folder / "github/someone/tool/zipball").mkdir(parents=True, exist_ok=True)
    (folder / "api/repos/someone/tool").mkdir(parents=True, exist_ok=True)
    (folder / "api/repos/someone/tool/branches").write_text(
        '[{"name": "main", "commit": {"sha": "1a2b3c"}}]')
    with zipfile.ZipFile(folder / "github/someone/tool/zipball/main", "w") as archive:
        archive.writestr("someone-tool-1a2b3c/", "")
        for name in ("hubconf.py", "helper.py"):
            archive.write(os.path.join(source, name), "someone-tool-1a2b3c/" + name)
    _github_on(server, monkeypatch, lib)
    monkeypatch.setattr(lib, "_hub_dir", str(tmp_path / "hub"))
    assert lib.load("someone/tool", "double", 2, trust_repo=True) == 4
    url = "https://github.com/someone/tool/zipball/main"
    assert capfd.readouterr().out == f'Downloading: "{url}" to {tmp_path}/hub/main.zip\n'
    assert sorted(os.listdir(tmp_path / "hub")) == ["someone_tool_main", "trusted_list"]
    assert (tmp_path / "hub/trusted_list").read_text() == "someone_tool\n"
    assert sorted(os.listdir(tmp_path / "hub/someone_tool_main")) == ["helper.py", "hubconf.py"]


def test_download_broken_off(tmp_path, monkeypatch):
    """A connection that stalls mid-file: a URLError naming the URL and the path, and no file."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
        threading.Event().wait(5)  # then silence
        connection.close()
    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setattr(hub, "TIMEOUT", 0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/big.pth"
    with pytest.raises(URLError, match="broke off") as error:
        hub.download_url_to_file(url, str(tmp_path / "big.pth"), progress=False)
    assert url in str(error.value) and str(tmp_path / "big.pth") in str(error.value)
    assert os.listdir(tmp_path) == []
    listener.close()


def test_vision_weights_from_torch_cache(hub_dirs, offline):
    """Weights written by torch into torch's cache under the URL's file name load into
    flambeau.vision's model offline."""
    import flambeau.vision.models as models
    url = models.SqueezeNet1_1_Weights.DEFAULT.url
    torch.manual_seed(0)
    state = {name: torch.randn(tuple(value.shape))
             for name, value in models.squeezenet1_1().state_dict().items()}
    (hub_dirs / "checkpoints").mkdir(parents=True)
    torch.save(state, hub_dirs / "checkpoints" / os.path.basename(url))
    ours = models.squeezenet1_1(weights="DEFAULT").state_dict()
    for name, value in state.items():
        assert_same(ours[name], value, rtol=0, atol=0)
