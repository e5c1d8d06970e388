"""A name torch has but flambeau lacks is reported as such; a name torch lacks too (a typo)
gets torch's own error. torch's names are data (flambeau/_torch_names.py, made by
tools/torch_names.py)."""
import subprocess
import sys
import textwrap
import types

import torch

from flambeau import compat
from flambeau._torch_names import NAMES, VERSION


def test_names_come_from_the_torch_under_test():
    assert VERSION == torch.__version__
    for module in ("torch", "torch.nn", "torch.nn.functional", "torch.linalg"):
        listed = set("".join(NAMES[module]).split())
        namespace = sys.modules[module]
        # submodules join torch's namespace as they are imported (creating a torch optimizer
        # imports torch.onnx): only the other names must all be listed
        actual = {n for n in dir(namespace) if not n.startswith("_")
                  and not isinstance(getattr(namespace, n), types.ModuleType)}
        assert actual <= listed


def test_in_torch():
    assert compat.in_torch("torch.nn") and compat.in_torch("torch.nn.Conv2d")
    assert compat.in_torch("torch.signal.windows.hann")
    assert not compat.in_torch("torch.foo_bar") and not compat.in_torch("torch.nn.Conv2")


def test_from_imports_under_run(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""\
        for code in ["from torch import quantize_per_tensor", "from torch import foo_bar",
                     "from torch.nn import Conv2", "from torch import nn"]:
            try:
                exec(code)
                print("ok")
            except ImportError as error:
                print(type(error).__name__, str(error).split(" (/")[0])
    """))
    result = subprocess.run([sys.executable, "-m", "flambeau", "run", str(script)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ImportError cannot import name 'quantize_per_tensor' from 'torch' "
        "(torch.quantize_per_tensor is not implemented in flambeau)",
        "ImportError cannot import name 'foo_bar' from 'torch'",
        "ImportError cannot import name 'Conv2' from 'torch.nn'", "ok"]
