"""torch.hub: models from a GitHub repository's (or a folder's) ``hubconf.py``, and checkpoints
downloaded once into torch's cache.

The cache is torch's, shared with it: ``$TORCH_HOME/hub`` (``$TORCH_HOME`` defaults to
``$XDG_CACHE_HOME/torch``, and that to ``~/.cache/torch``), repositories in
``owner_repo_branch`` folders, the ``trusted_list`` file, checkpoints in ``checkpoints/``.
A file already in the cache is used without touching the network.

Differences from torch: each network read gives up after :data:`TIMEOUT` seconds of silence
(torch may wait forever), and when the network cannot be reached the ``URLError`` names the
URL and the path the file was to be saved at. A hubconf's ``dependencies`` entry ``torch`` or
``torchvision`` is met by flambeau itself.
"""
import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load",
           "load_state_dict_from_url", "set_dir"]

TIMEOUT = 60  # seconds a network read may stay silent
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # the hash in resnet18-f37072fd.pth
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
_READ_CHUNK = 128 * 1024
_hub_dir = None


def _get_torch_home():
    xdg = os.getenv("XDG_CACHE_HOME", "~/.cache")
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(xdg, "torch")))


def get_dir():
    """The hub cache folder: the one :func:`set_dir` gave, else ``$TORCH_HOME/hub``."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Makes ``d`` (``~`` expanded) the hub cache folder."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def _urlopen(request, purpose):
    """``urlopen`` with :data:`TIMEOUT`; an unreachable network raises a ``URLError`` that
    says ``purpose`` (HTTP errors pass through: callers look at their code)."""
    try:
        return urlopen(request, timeout=TIMEOUT)
    except HTTPError:
        raise
    except (URLError, OSError) as error:
        raise URLError(f"{purpose}: {getattr(error, 'reason', error)}") from error


def _read_url(request):
    url = request.full_url if isinstance(request, Request) else request
    with _urlopen(request, f"cannot read {url}") as response:
        return response.read().decode(response.headers.get_content_charset("utf-8"))


class _Progress:
    """Percent (or bytes, when the size is unknown) done, on stderr, as torch without tqdm."""

    def __init__(self, total, enabled):
        self.total, self.enabled, self.done = total, enabled, 0

    def update(self, n):
        if self.enabled:
            self.done += n
            sys.stderr.write(f"\r{100 * self.done / self.total:.1f}%" if self.total
                             else f"\r{self.done:.1f} bytes")
            sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\n")


def _read_chunk(response, what):
    try:
        return response.read(_READ_CHUNK)
    except OSError as error:  # a timeout or a reset connection
        raise URLError(f"{what} broke off: {error}") from error


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Downloads ``url`` to the path ``dst``, through a ``<dst>.<uuid>.partial`` file renamed
    when complete (a broken download never replaces a good file). With ``hash_prefix`` the
    file's SHA-256 hex digest must start with it; ``progress`` shows the progress on stderr."""
    dst = os.path.expanduser(dst)
    partial = f"{dst}.{uuid.uuid4().hex}.partial"
    sha256 = hashlib.sha256() if hash_prefix is not None else None
    request = Request(url, headers={"User-Agent": "torch.hub"})
    try:
        with open(partial, "w+b") as file:
            with _urlopen(request, f"cannot download {url} to {dst}") as response:
                length = response.info().get_all("Content-Length")
                bar = _Progress(int(length[0]) if length else None, progress)
                try:
                    while buffer := _read_chunk(response, f"download of {url} to {dst}"):
                        file.write(buffer)
                        if sha256 is not None:
                            sha256.update(buffer)
                        bar.update(len(buffer))
                finally:
                    bar.close()
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(partial, dst)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _safe_extract_zip(archive, folder):
    """Extracts ``archive`` (a ZipFile) into ``folder``, refusing entries that would land
    outside it, as torch does."""
    root = os.path.realpath(folder)
    for member in archive.infolist():
        name = os.path.normpath(member.filename)
        if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":" and name[0].isalpha()):
            raise ValueError(f"Archive entry has absolute path: {member.filename}")
        if ".." in re.split(r"[/\\]", name):
            raise ValueError(f"Archive entry contains directory traversal: {member.filename}")
        target = os.path.realpath(os.path.join(root, name))
        if os.path.commonpath([root, target]) != root:
            raise ValueError(f"Archive entry escapes target directory: {member.filename}")
        archive.extract(member, root)


def _legacy_zip_member(filename):
    """The one file inside a zip that torch < 1.6 users zipped by hand, or None for any other
    file (torch's own zip checkpoints hold several entries)."""
    if not zipfile.is_zipfile(filename):
        return None
    with zipfile.ZipFile(filename) as archive:
        members = archive.infolist()
    return members[0].filename if len(members) == 1 and not members[0].is_dir() else None


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """Loads the checkpoint at ``url``, downloading it first into ``model_dir`` (default
    ``<hub dir>/checkpoints``) under ``file_name`` (default: the URL's last part) unless it is
    already there. ``check_hash`` checks the download against the hash in the file name
    (``name-<sha256 prefix>.ext``). A zip holding one legacy checkpoint is extracted first."""
    from .serialization import load as _load
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, match.group(1) if match else None,
                             progress=progress)
    member = _legacy_zip_member(cached_file)
    if member is not None:
        warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in "
                      "favor of default zipfile format introduced in 1.6. Please redo "
                      "torch.save() to save it in the new zipfile format.", FutureWarning,
                      stacklevel=2)
        with zipfile.ZipFile(cached_file) as archive:
            _safe_extract_zip(archive, model_dir)
        cached_file = os.path.join(model_dir, member)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


# --- repositories -------------------------------------------------------------------------

def _parse_repo_info(github):
    """``'owner/name[:ref]'`` -> (owner, name, ref); with no ref, ``main`` if GitHub has it,
    else ``master`` (offline: whichever of the two is cached)."""
    repo_info, ref = github.split(":") if ":" in github else (github, None)
    owner, name = repo_info.split("/")
    if ref:
        return owner, name, ref
    try:
        with urlopen(f"https://github.com/{owner}/{name}/tree/main/", timeout=TIMEOUT):
            return owner, name, "main"
    except HTTPError as error:
        if error.code == 404:
            return owner, name, "master"
        raise
    except (URLError, OSError) as error:
        for ref in ("main", "master"):
            if os.path.exists(f"{get_dir()}/{owner}_{name}_{ref}"):
                return owner, name, ref
        raise RuntimeError("It looks like there is no internet connection and the repo could "
                           f"not be found in the cache ({get_dir()})") from error


def _validate_not_a_forked_repo(owner, name, ref):
    """GitHub's branches and tags of the repository must include ``ref``."""
    headers = {"Accept": "application/vnd.github.v3+json"}
    if os.getenv("GITHUB_TOKEN") is not None:
        headers["Authorization"] = f"token {os.environ['GITHUB_TOKEN']}"
    for kind in ("branches", "tags"):
        page = 1
        while True:
            url = f"https://api.github.com/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
            try:
                response = json.loads(_read_url(Request(url, headers=headers)))
            except HTTPError:  # the token may lack permissions: once more without it
                headers.pop("Authorization", None)
                response = json.loads(_read_url(Request(url, headers=headers)))
            if not response:
                break
            if any(entry["name"] == ref or entry["commit"]["sha"].startswith(ref)
                   for entry in response):
                return
            page += 1
    raise ValueError(f"Cannot find {ref} in https://github.com/{owner}/{name}. If it's a commit "
                     "from a forked repo, please call hub.load() with forked repo directly.")


def _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo):
    """Asks the user (``input``) unless the repository is trusted or ``trust_repo`` is True;
    records a newly trusted one in ``<hub dir>/trusted_list``."""
    hub_dir = get_dir()
    trusted_list = os.path.join(hub_dir, "trusted_list")
    with open(trusted_list, "a+") as file:
        file.seek(0)
        trusted = {line.strip() for line in file}
    owner_name = f"{owner}_{name}"
    # a repository downloaded before trusted_list existed counts as trusted
    is_trusted = (owner_name in trusted or owner in _TRUSTED_REPO_OWNERS
                  or os.path.isdir(os.path.join(hub_dir, owner_name_branch)))
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(
            f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?")
        if response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")
        if response.lower() not in ("y", "yes"):
            raise ValueError(f"Unrecognized response {response}.")
        if is_trusted:
            print("The repository is already trusted.")
    if not is_trusted:
        with open(trusted_list, "a") as file:
            file.write(owner_name + "\n")


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    """The folder of ``github``'s code in the cache, downloaded (GitHub's zipball) if absent or
    ``force_reload``."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _parse_repo_info(github)
    branch = ref.replace("/", "_")  # branch names may hold slashes
    owner_name_branch = f"{owner}_{name}_{branch}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    cached_zip = os.path.join(hub_dir, branch + ".zip")
    try:
        _download_repo(owner, name, ref, cached_zip, skip_validation)
    except HTTPError:
        raise
    except URLError as error:
        raise URLError(f"{github} is not in the hub cache ({repo_dir}): {error.reason}") from error
    with zipfile.ZipFile(cached_zip) as archive:
        extracted = os.path.join(hub_dir, archive.infolist()[0].filename)
        _remove_if_exists(extracted)
        _safe_extract_zip(archive, hub_dir)
    _remove_if_exists(cached_zip)
    _remove_if_exists(repo_dir)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _download_repo(owner, name, ref, cached_zip, skip_validation):
    """GitHub's zipball of ``ref`` into ``cached_zip`` (after checking that ``ref`` belongs to
    the repository, unless ``skip_validation``)."""
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    _remove_if_exists(cached_zip)
    url = f"https://github.com/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_zip}\n')
    try:
        download_url_to_file(url, cached_zip, progress=False)
    except HTTPError as error:
        if error.code != 300:
            raise
        warnings.warn(f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the "
                      "repo? Torchhub will now assume that it's a branch. You can disambiguate "
                      "tags and branches by explicitly passing refs/heads/branch_name or "
                      "refs/tags/tag_name as the ref. That might require using "
                      "skip_validation=True.", stacklevel=4)
        url = f"https://github.com/{owner}/{name}/zipball/refs/heads/{ref}"
        download_url_to_file(url, cached_zip, progress=False)


def _remove_if_exists(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.exists(path):
        shutil.rmtree(path)


def _hubconf(folder):
    """Runs ``folder/hubconf.py`` (``folder`` first on ``sys.path`` meanwhile) and returns it
    (named ``hubconf.py``, as torch names it)."""
    spec = importlib.util.spec_from_file_location("hubconf.py", os.path.join(folder, "hubconf.py"))
    module = importlib.util.module_from_spec(spec)
    with _on_sys_path(folder):
        spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _on_sys_path(folder):
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)


def _is_installed(package):
    from .compat import to_flambeau  # (layer 9: imported when needed)
    flambeau_name = to_flambeau(package)  # torch and torchvision: flambeau
    return importlib.util.find_spec(flambeau_name or package) is not None


def _entry(module, model):
    """The callable ``model`` of a hubconf module, once its ``dependencies`` are found."""
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    missing = [package for package in getattr(module, "dependencies", None) or ()
               if not _is_installed(package)]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    entry = getattr(module, model, None)
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):
    """The names of the public callables in the hubconf of ``github`` (``'owner/repo[:ref]'``)."""
    module = _hubconf(_get_cache_or_reload(github, force_reload, trust_repo, verbose,
                                           skip_validation))
    return [name for name in dir(module)
            if callable(getattr(module, name)) and not name.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):
    """The docstring of the entry point ``model`` of ``github``'s hubconf."""
    module = _hubconf(_get_cache_or_reload(github, force_reload, trust_repo, True,
                                           skip_validation))
    return _entry(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    """Calls the entry point ``model`` of a hubconf with ``*args, **kwargs`` and returns its
    result. ``source='github'``: ``repo_or_dir`` is ``'owner/repo[:ref]'``, its code taken from
    the cache or downloaded; ``source='local'``: a folder holding ``hubconf.py``."""
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(repo_or_dir, force_reload, trust_repo, verbose,
                                           skip_validation)
    module = _hubconf(repo_or_dir)
    with _on_sys_path(repo_or_dir):  # entry points may import the repository's modules
        return _entry(module, model)(*args, **kwargs)
