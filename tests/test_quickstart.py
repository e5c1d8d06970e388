"""examples/quickstart.py run as the README's first command runs it: it trains to >= 95% test
accuracy, and real torch loads its checkpoint into the same Net with the same outputs."""
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from flambeau.vision.datasets import Digits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "examples", "quickstart.py")
PROBE = """\
import sys
import numpy as np
import torch
sys.path.insert(0, {examples!r})
import quickstart
from torchvision.datasets import Digits
model = quickstart.Net()
model.load_state_dict(torch.load("quickstart.pt"))
model.eval()
images = torch.stack([image for image, _ in Digits(train=False)])
np.save("logits.npy", model(images).detach().numpy())
"""


def run(*args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The quickstart's run, in a fresh folder: (stdout, folder)."""
    folder = tmp_path_factory.mktemp("quickstart")
    result = run("-m", "flambeau", "run", SCRIPT, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the progress bar is drawn on a terminal only
    return result.stdout, folder


def test_trains_to_95_percent(trained):
    stdout, folder = trained
    lines = stdout.splitlines()
    assert lines[0] == "1442 training and 355 test images, 10 classes"
    epochs = [re.fullmatch(r"epoch (\d): loss (\S+), test accuracy (\S+)% \(\S+ s\)", line)
              for line in lines[1:-1]]
    assert [int(m[1]) for m in epochs] == [1, 2, 3, 4, 5]
    losses = [float(m[2]) for m in epochs]
    assert losses[-1] < losses[0] / 5
    assert float(epochs[-1][3]) >= 95
    assert lines[-1] == "saved quickstart.pt" and (folder / "quickstart.pt").is_file()


def test_readme_runs_this_and_shows_its_output(trained):
    with open(os.path.join(ROOT, "README.md")) as file:
        readme = file.read().splitlines()
    commands = [line.strip() for line in readme if line.startswith("    pip install")]
    assert commands[0] == "pip install -e . && python -m flambeau run examples/quickstart.py"
    stdout = trained[0].splitlines()
    start = readme.index("    " + stdout[0])
    shown = [line[4:] for line in readme[start:start + len(stdout)]]
    assert [shown[0], shown[-1]] == [stdout[0], stdout[-1]]
    assert [line.split(":")[0] for line in shown] == [line.split(":")[0] for line in stdout]


def test_real_torch_loads_the_checkpoint(trained):
    torch = pytest.importorskip("torch")
    _, folder = trained
    (folder / "probe.py").write_text(PROBE.format(examples=os.path.dirname(SCRIPT)))
    result = run("-m", "flambeau", "run", "probe.py", cwd=folder)
    assert result.returncode == 0, result.stderr
    ours = np.load(folder / "logits.npy")

    spec = importlib.util.spec_from_file_location("quickstart_real_torch", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # with real torch: its Net, and no Digits
    assert module.Digits is None and module.torch is torch
    model = module.Net()
    model.load_state_dict(torch.load(folder / "quickstart.pt", weights_only=True))
    model.eval()
    test = Digits(train=False)
    images = torch.from_numpy(test.data.numpy()[:, None] / np.float32(16))
    with torch.no_grad():
        theirs = model(images).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    accuracy = (theirs.argmax(1) == test.targets.numpy()).mean()
    assert accuracy >= 0.95


def test_with_real_pytorch_it_says_how_to_run_it(tmp_path):
    pytest.importorskip("torch")
    result = run(SCRIPT, cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("the digits data set ships with flambeau: "
                             "python -m flambeau run examples/quickstart.py\n")
