"""``python -m flambeau`` (run, check, info) and the torch aliases of ``flambeau.compat``.

Everything that installs the aliases runs in a subprocess: this test process imports the real
torch as the oracle.
"""
import ast
import importlib.util
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy
import pytest

import flambeau
from flambeau import _threads, compat
from flambeau.__main__ import torch_uses

ROOT = Path(__file__).resolve().parents[1]


def python(*args, cwd, **env_vars):
    """Run ``python ARGS`` with flambeau importable (and ``env_vars`` set); the
    CompletedProcess, text mode."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_vars}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def exists(module_name):
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def flambeau_cli(*args, cwd, **env_vars):
    return python("-m", "flambeau", *args, cwd=cwd, **env_vars)


def write(path, source):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


# -------------------------------------------------------------------------------- run

def test_run_prints_as_torch(tmp_path):
    write(tmp_path / "script.py", """\
        import torch
        print(torch.Size([2, 3]))
        print(torch.float32)
        print(type(torch.tensor(1.)))
        print(torch.__name__)
    """)
    result = flambeau_cli("run", "script.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "torch.Size([2, 3])", "torch.float32", "<class 'torch.Tensor'>", "flambeau"]


def test_run_aliases_are_the_flambeau_modules(tmp_path):
    names = [name for name in ("autograd", "nn", "nn.functional", "optim", "utils.data", "linalg")
             if exists(f"flambeau.{name}")]
    vision = [name for name in ("", ".transforms", ".datasets", ".models")
              if exists(f"flambeau.vision{name}")]
    pairs = [("torch", "flambeau")] + [(f"torch.{n}", f"flambeau.{n}") for n in names]
    if vision and vision[0] == "":
        pairs += [(f"torchvision{n}", f"flambeau.vision{n}") for n in vision]
    write(tmp_path / "script.py", f"""\
        import importlib, sys
        import torch
        import torch.autograd as ag
        from torch import autograd
        import flambeau, flambeau.autograd
        assert ag is autograd is torch.autograd is flambeau.autograd
        assert ag.__spec__.name == "flambeau.autograd"
        for alias, name in {pairs!r}:
            module = importlib.import_module(alias)
            assert module is importlib.import_module(name), alias
            assert sys.modules[alias] is sys.modules[name], alias
        print("ok", len({pairs!r}))
    """)
    result = flambeau_cli("run", "script.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok {len(pairs)}\n"


SHOW = """\
    import sys
    print(repr(sys.argv))
    print(repr(__file__))
    print(repr(__name__))
    print(repr(sys.path[0]))
    print(repr(__package__), repr(__spec__ and __spec__.name))
"""


def test_run_sets_argv_file_and_path_like_python(tmp_path):
    write(tmp_path / "sub" / "show.py", SHOW)
    args = ["sub/show.py", "a", "--flag", "-m"]
    expected = python(*args, cwd=tmp_path)
    result = flambeau_cli("run", *args, cwd=tmp_path)
    assert expected.returncode == result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout
    assert f"{str(tmp_path / 'sub')!r}" in result.stdout  # sys.path[0]: the script's directory


def test_run_module_like_python_m(tmp_path):
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "show.py", SHOW)
    expected = python("-m", "pkg.show", "x", "y", cwd=tmp_path)
    result = flambeau_cli("run", "-m", "pkg.show", "x", "y", cwd=tmp_path)
    assert expected.returncode == result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout

    write(tmp_path / "pkg" / "uses_torch.py", "import torch\nprint(torch.__name__, torch.int64)\n")
    result = flambeau_cli("run", "-m", "pkg.uses_torch", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "flambeau torch.int64\n"), result.stderr


def test_run_module_that_does_not_exist(tmp_path):
    result = flambeau_cli("run", "-m", "no_such_module_here", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("No module named no_such_module_here")


def test_uncaught_exception_prints_python_traceback_and_exits_1(tmp_path):
    write(tmp_path / "fail.py", """\
        def f():
            raise ValueError("boom")
        f()
    """)
    expected = python("fail.py", cwd=tmp_path)
    result = flambeau_cli("run", "fail.py", cwd=tmp_path)
    assert expected.returncode == result.returncode == 1
    assert result.stderr == expected.stderr  # no flambeau or runpy frames
    assert result.stderr.endswith("ValueError: boom\n")


def test_syntax_error_and_missing_script(tmp_path):
    write(tmp_path / "bad.py", "x = (\n")
    expected, result = python("bad.py", cwd=tmp_path), flambeau_cli("run", "bad.py", cwd=tmp_path)
    assert expected.returncode == result.returncode == 1
    assert result.stderr == expected.stderr
    result = flambeau_cli("run", "missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "can't open file" in result.stderr and "missing.py" in result.stderr


@pytest.mark.parametrize("code, status, stderr", [
    ("sys.exit(3)", 3, ""), ("sys.exit('bye')", 1, "bye\n"), ("sys.exit()", 0, ""),
    ("raise SystemExit(7)", 7, "")])
def test_exit_status_propagates(tmp_path, code, status, stderr):
    write(tmp_path / "leave.py", f"import sys\nimport torch\n{code}\n")
    result = flambeau_cli("run", "leave.py", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (status, stderr)


def test_missing_submodule_raises_module_not_found(tmp_path):
    write(tmp_path / "script.py", """\
        try:
            import torch._no_such_submodule
        except ModuleNotFoundError as error:
            print(isinstance(error, ImportError), error.name)
            print(error)
        try:
            from torchvision import _no_such_submodule
        except ImportError as error:
            print(type(error).__name__)
    """)
    result = flambeau_cli("run", "script.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "True torch._no_such_submodule",
        "No module named 'torch._no_such_submodule': flambeau does not implement "
        "torch._no_such_submodule yet"]


def test_missing_attribute_names_torch(tmp_path):
    write(tmp_path / "script.py", """\
        import torch
        try:
            torch.foo_bar
        except AttributeError as error:
            print(error)
        print(hasattr(torch, "foo_bar"), hasattr(torch, "__wrapped__"))
        torch.quantize_per_tensor
    """)
    result = flambeau_cli("run", "script.py", cwd=tmp_path)
    message = ("module 'torch' has no attribute 'quantize_per_tensor' "
               "(torch.quantize_per_tensor is not implemented in flambeau)")
    # a name torch lacks too (a typo) gets torch's own message
    assert result.stdout.splitlines() == ["module 'torch' has no attribute 'foo_bar'",
                                          "False False"]
    assert result.returncode == 1
    assert result.stderr.endswith(f"AttributeError: {message}\n")


def test_missing_attribute_without_aliases():
    with pytest.raises(AttributeError, match=r"^module 'flambeau' has no attribute "
                                             r"'quantize_per_tensor' \(flambeau."
                                             r"quantize_per_tensor is not implemented"):
        flambeau.quantize_per_tensor
    with pytest.raises(AttributeError, match=r"^module 'flambeau' has no attribute 'foo_bar'$"):
        flambeau.foo_bar
    error = compat.missing_attribute("flambeau", "__path__")
    assert str(error) == "module 'flambeau' has no attribute '__path__'"
    assert not hasattr(flambeau, "__wrapped__")
    assert compat.to_public("flambeau.vision.models") == "flambeau.vision.models"


def test_names_map_both_ways():
    assert compat.to_flambeau("torch") == "flambeau"
    assert compat.to_flambeau("torch.nn.functional") == "flambeau.nn.functional"
    assert compat.to_flambeau("torchvision.transforms") == "flambeau.vision.transforms"
    assert compat.to_flambeau("torchaudio") is None and compat.to_flambeau("numpy") is None


def test_notebook_one_liner_and_uninstall(tmp_path):
    code = textwrap.dedent("""\
        import flambeau.compat; flambeau.compat.install()
        import sys, torch, torch.autograd, flambeau, flambeau.compat
        print(torch is flambeau, torch.autograd is flambeau.autograd, torch.float32)
        print(flambeau.compat.to_public("flambeau.vision.models"))
        flambeau.compat.uninstall()
        print("torch" in sys.modules, "torch.autograd" in sys.modules, flambeau.float32)
        try:
            torch.quantize_per_tensor
        except AttributeError as error:
            print(error)
    """)
    result = python("-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "True True torch.float32", "torchvision.models", "False False flambeau.float32",
        "module 'flambeau' has no attribute 'quantize_per_tensor' "
        "(flambeau.quantize_per_tensor is not implemented in flambeau)"]


def test_install_refuses_after_the_real_torch(tmp_path):
    code = ("import sys, types; sys.modules['torch'] = types.ModuleType('torch')\n"
            "import flambeau.compat; flambeau.compat.install()")
    result = python("-c", code, cwd=tmp_path)
    assert result.returncode == 1
    assert "RuntimeError: the real torch is already imported" in result.stderr


def test_spawned_children_see_the_aliases(tmp_path):
    write(tmp_path / "workers.py", """\
        import multiprocessing
        import torch

        def work(x):
            import torch
            return f"{torch.__name__} {torch.float32} {x}"

        if __name__ == "__main__":
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                print(pool.map(work, [1, 2]))
    """)
    result = flambeau_cli("run", "workers.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['flambeau torch.float32 1', 'flambeau torch.float32 2']\n"


# ------------------------------------------------------------------------------ check

def test_torch_uses_follows_imports_and_aliases():
    tree = ast.parse(textwrap.dedent("""\
        import os
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch import optim
        from torch.utils.data import DataLoader as DL
        from torchvision import transforms as T
        x = torch.zeros(3).view(3)
        y = F.relu(nn.Conv2d(1, 1, 3)(x))
        opt = optim.SGD([], lr=0.1)
        t = T.ToTensor()
        os.path.join("a")
        torch.nn.functional.relu(x)
    """))
    assert torch_uses(tree) == {
        "torch": 2, "torch.nn": 3, "torch.nn.functional": 4, "torch.optim": 5,
        "torch.utils.data.DataLoader": 6, "torchvision.transforms": 7, "torch.zeros": 8,
        "torch.nn.functional.relu": 9, "torch.nn.Conv2d": 9, "torch.optim.SGD": 10,
        "torchvision.transforms.ToTensor": 11}


def test_check_reports_missing_apis_without_running(tmp_path):
    write(tmp_path / "train.py", """\
        import torch
        from torch import _no_such_module_x
        open("ran", "w").close()
        x = torch.tensor([1.0], dtype=torch.float32)
        torch.no_such_api_y(x)
        torch.quantize_per_tensor(x)
    """)
    result = flambeau_cli("check", "train.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert not (tmp_path / "ran").exists()
    assert result.stdout.splitlines() == [
        "train.py:2: torch._no_such_module_x is not in torch either (a typo?)",
        "train.py:5: torch.no_such_api_y is not in torch either (a typo?)",
        "train.py:6: torch.quantize_per_tensor is not implemented in flambeau",
        "3 of the 6 torch APIs train.py uses are missing from flambeau"]
    verbose = flambeau_cli("check", "-v", "train.py", cwd=tmp_path)
    assert "train.py:4: torch.tensor ok" in verbose.stdout.splitlines()


def test_check_passes_a_script_flambeau_covers(tmp_path):
    write(tmp_path / "ok.py", "import torch\nprint(torch.tensor([1]).dtype == torch.int64)\n")
    result = flambeau_cli("check", "ok.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (
        0, "flambeau has all 3 torch APIs ok.py uses\n"), result.stderr


def test_check_bad_input(tmp_path):
    write(tmp_path / "bad.py", "x = (\n")
    assert flambeau_cli("check", "bad.py", cwd=tmp_path).returncode == 2
    assert flambeau_cli("check", "absent.py", cwd=tmp_path).returncode == 2


# ---------------------------------------------------------------------- info and help

def test_info(tmp_path):
    result = flambeau_cli("info", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"numpy:    {numpy.__version__}" in result.stdout
    assert flambeau.__version__ in result.stdout
    assert "blas:" in result.stdout and "devices:  cpu" in result.stdout


@pytest.mark.skipif(_threads.blas_core() is None or platform.machine() not in ("x86_64", "AMD64"),
                    reason="NumPy's BLAS is not an x86 OpenBLAS")
def test_info_names_the_blas_kernels(tmp_path):
    """OpenBLAS runs the kernels OPENBLAS_CORETYPE names; info reports them and the variable."""
    result = flambeau_cli("info", cwd=tmp_path, OPENBLAS_CORETYPE="Haswell")
    assert "Haswell kernels (OPENBLAS_CORETYPE=Haswell)" in result.stdout, result.stdout


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"], ["run", "-h"]])
def test_help(tmp_path, args):
    result = flambeau_cli(*args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: python -m flambeau")


def test_no_command_prints_usage_and_fails(tmp_path):
    result = flambeau_cli(cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: python -m flambeau")
    assert result.stderr.endswith("flambeau: a command is required\n")


def test_unknown_command(tmp_path):
    result = flambeau_cli("frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "frobnicate" in result.stderr
