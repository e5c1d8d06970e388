"""Checking, downloading and unpacking data set files (standard library only)."""
import gzip
import hashlib
import lzma
import os
import shutil
import tarfile
import tempfile
import urllib.request

USER_AGENT = "flambeau"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5):
    return md5 == calculate_md5(fpath)


def check_integrity(fpath, md5=None):
    """Whether ``fpath`` exists (and has checksum ``md5`` when one is given)."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def download_url(urls, root, filename, md5=None, timeout=30, needed=None):
    """Fetches ``filename`` into ``root`` from the first of ``urls`` that answers with the
    right checksum; when none does, a RuntimeError names the files (``needed``, by default
    ``filename``) and the folder to put them in."""
    if isinstance(urls, str):
        urls = [urls]
    fpath = os.path.join(root, filename)
    if check_integrity(fpath, md5):
        return fpath
    os.makedirs(root, exist_ok=True)
    errors = []
    for url in urls:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response, \
                    tempfile.NamedTemporaryFile(dir=root, delete=False) as out:
                shutil.copyfileobj(response, out)
            if md5 is not None and not check_md5(out.name, md5):
                os.remove(out.name)
                errors.append(f"{url}: checksum mismatch")
                continue
            os.replace(out.name, fpath)
            return fpath
        except OSError as error:  # URLError, timeouts, refused connections
            errors.append(f"{url}: {getattr(error, 'reason', error)}")
    raise RuntimeError(f"Could not download {filename} ({'; '.join(errors)}). Put "
                       f"{needed or filename} in {os.path.abspath(root)} by hand")


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Unpacks a .tar(.gz) into ``to_path`` or a .gz or .xz beside it; returns ``to_path``."""
    to_path = os.path.dirname(from_path) if to_path is None else to_path
    if from_path.endswith((".gz", ".xz")) and not tarfile.is_tarfile(from_path):
        target = os.path.join(to_path, os.path.basename(from_path)[:-3])
        opener = gzip.open if from_path.endswith(".gz") else lzma.open
        with opener(from_path, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        with tarfile.open(from_path) as archive:
            archive.extractall(to_path, filter="data")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(urls, download_root, extract_root=None, filename=None,
                                 md5=None, remove_finished=False, needed=None):
    filename = filename or os.path.basename(urls if isinstance(urls, str) else urls[0])
    path = download_url(urls, download_root, filename, md5, needed=needed)
    extract_archive(path, extract_root or download_root, remove_finished)


def iterable_to_str(iterable):
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` when it is a string among ``valid_values``; else torchvision's ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"Expected type str{'' if arg is None else f' for argument {arg}'}, "
                         f"but got type {type(value)}.")
    if valid_values is not None and value not in valid_values:
        raise ValueError(custom_msg or f"Unknown value '{value}' for argument {arg}. Valid "
                         f"values are {{{iterable_to_str(valid_values)}}}.")
    return value
