"""``python -m flambeau check`` and ``run`` know torchvision's names: a torchvision API that
flambeau.vision lacks is reported as missing, a name torchvision lacks too as a typo."""
import subprocess
import sys
import textwrap

from flambeau import compat


def test_in_torch_knows_torchvision():
    assert compat.in_torch("torchvision.ops.deform_conv2d")
    assert compat.in_torch("torchvision.transforms.v2.JPEG")
    assert compat.in_torch("torchvision.datasets.SVHN")
    assert not compat.in_torch("torchvision.models.not_a_model")


def test_check_and_run_report_torchvision_names(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""\
        import torchvision
        import torchvision.transforms as T
        from torchvision import datasets, models
        from torchvision.ops import nms
        t = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])
        m = models.resnet18()
        data = datasets.SVHN
        for name in ("giou_loss", "no_such_op"):
            try:
                getattr(torchvision.ops, name)
            except AttributeError as error:
                print(error)
        torchvision.models.not_a_model
    """))
    run = [sys.executable, "-m", "flambeau"]
    check = subprocess.run(run + ["check", "train.py"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert check.returncode == 1, check.stderr
    assert check.stdout.splitlines() == [
        "train.py:13: torchvision.models.not_a_model is not in torch either (a typo?)",
        "1 of the 13 torch APIs train.py uses are missing from flambeau"]
    ran = subprocess.run(run + ["run", "train.py"], capture_output=True, text=True,
                         cwd=tmp_path)
    assert ran.stdout.splitlines() == [
        "module 'torchvision.ops' has no attribute 'giou_loss' "
        "(torchvision.ops.giou_loss is not implemented in flambeau)",
        "module 'torchvision.ops' has no attribute 'no_such_op'"]
    assert "AttributeError: module 'torchvision.models' has no attribute 'not_a_model'" \
        in ran.stderr
