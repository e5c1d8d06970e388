"""``python -m flambeau run examples/basics.py`` prints what the script prints under torch,
random tensors included (only object addresses differ from run to run)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "examples", "basics.py")


def output(*args):
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                            timeout=300, check=True)
    return re.sub(r"0x[0-9a-f]+", "0x...", result.stdout)


def test_basics_prints_what_torch_prints():
    assert output("-m", "flambeau", "run", SCRIPT) == output(SCRIPT)
