"""flambeau.vision.models part A (AlexNet, VGG, ResNet family, SqueezeNet, DenseNet) vs torchvision:
structure, parameter names, reprs, and outputs with torchvision's state dicts loaded strictly
(through a checkpoint file for the FORWARD models, in memory for the big ones)."""
import importlib
import math
import re

import numpy as np
import pytest
import torch
import torchvision.models as tvm

import flambeau
import flambeau.vision.models as fvm
from conftest import raises_like
from test_models_a_api import _warnings

FORWARD = ["alexnet", "vgg11_bn", "resnet18", "resnet50", "resnext50_32x4d", "squeezenet1_0", "squeezenet1_1",
           "densenet121"]
STRUCTURE = ["wide_resnet50_2", "vgg11", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "resnet34", "resnet101",
             "resnet152", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet101_2", "densenet161", "densenet169",
             "densenet201"]
MODULES = ["alexnet", "vgg", "resnet", "squeezenet", "densenet"]
WEIGHTS = [name for module in MODULES for name in importlib.import_module("flambeau.vision.models." + module).__all__
           if name.endswith("_Weights")]


@pytest.fixture
def no_random_init(monkeypatch):
    """Builds without drawing initial values (they are loaded or not looked at): VGG's 100M
    parameters would take flambeau's torch-identical samplers tens of seconds."""
    monkeypatch.setattr(flambeau.Tensor, "uniform_", lambda self, *args, **kwargs: self)
    monkeypatch.setattr(flambeau.Tensor, "normal_", lambda self, *args, **kwargs: self)


def _torch_model(name, **kwargs):
    torch.manual_seed(0)
    return getattr(tvm, name)(**kwargs).eval()


def _loaded(name, theirs, tmp_path, **kwargs):
    """flambeau's model holding ``theirs``' state dict, saved by torch and read by flambeau."""
    path = tmp_path / f"{name}.pt"
    torch.save(theirs.state_dict(), path)
    ours = getattr(fvm, name)(**kwargs)
    ours.load_state_dict(flambeau.load(path), strict=True)
    return ours.eval()


def _same_layout(ours, theirs):
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in theirs.state_dict().items()]


def _input(shape):
    return np.random.RandomState(0).randn(*shape).astype(np.float32)


def _same_outputs(ours, theirs, shape=(1, 3, 64, 64)):
    x = _input(shape)
    with torch.no_grad():
        expected = theirs(torch.tensor(x))
    with flambeau.no_grad():
        _close(ours(flambeau.tensor(x)), expected)


def _close(ours, theirs, tol=1e-4):
    ours, theirs = ours.detach().numpy(), theirs.detach().numpy()
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol * scale)


@pytest.mark.parametrize("name", FORWARD)
def test_forward_with_torchvision_state_dict(name, tmp_path, no_random_init):
    theirs = _torch_model(name)
    ours = _loaded(name, theirs, tmp_path)
    _same_layout(ours, theirs)
    _same_outputs(ours, theirs)


@pytest.mark.parametrize("name, kwargs", [
    ("resnet18", dict(num_classes=10, zero_init_residual=True)),
    ("resnet50", dict(replace_stride_with_dilation=[False, True, True])),
    ("resnet18", dict(norm_layer="group")),
    ("densenet121", dict(drop_rate=0.2, memory_efficient=True, num_classes=7)),
    ("squeezenet1_1", dict(dropout=0.1, num_classes=5)),
    ("alexnet", dict(dropout=0.3, num_classes=4)),
])
def test_constructor_options(name, kwargs, tmp_path, no_random_init):
    if kwargs.get("norm_layer") == "group":
        theirs = _torch_model(name, norm_layer=lambda c: torch.nn.GroupNorm(4, c))
        ours = _loaded(name, theirs, tmp_path, norm_layer=lambda c: flambeau.nn.GroupNorm(4, c))
    else:
        theirs = _torch_model(name, **kwargs)
        ours = _loaded(name, theirs, tmp_path, **kwargs)
    _same_layout(ours, theirs)
    _same_outputs(ours, theirs, (2, 3, 64, 64) if name == "alexnet" else (2, 3, 32, 32))


def test_resnet18_training_step_gradients(tmp_path, no_random_init):
    theirs = _torch_model("resnet18").train()
    ours = _loaded("resnet18", theirs, tmp_path).train()
    x, target = _input((4, 3, 32, 32)), np.array([1, 5, 999, 0])
    t_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(target))
    o_loss = flambeau.nn.functional.cross_entropy(ours(flambeau.tensor(x)), flambeau.tensor(target))
    t_loss.backward()
    o_loss.backward()
    _close(o_loss, t_loss)
    t_params = dict(theirs.named_parameters())
    for key, param in ours.named_parameters():
        _close(param.grad, t_params[key].grad, tol=1e-3)
    t_buffers = dict(theirs.named_buffers())
    for key, buffer in ours.named_buffers():
        _close(buffer, t_buffers[key])


@pytest.mark.parametrize("name", ["alexnet", "squeezenet1_1"])
def test_training_mode_dropout_as_torchvision(name, tmp_path, no_random_init):
    theirs = _torch_model(name).train()
    ours = _loaded(name, theirs, tmp_path).train()
    x = _input((2, 3, 64, 64))
    torch.manual_seed(3)
    expected = theirs(torch.tensor(x))
    flambeau.manual_seed(3)
    _close(ours(flambeau.tensor(x)), expected)


@pytest.mark.parametrize("memory_efficient", [False, True])
def test_densenet_training_with_dropout_and_checkpointing(memory_efficient, tmp_path):
    options = dict(growth_rate=8, block_config=(2, 3, 2, 2), num_init_features=16, bn_size=2, drop_rate=0.2,
                   memory_efficient=memory_efficient, num_classes=5)
    torch.manual_seed(0)
    theirs = tvm.DenseNet(**options).train()
    path = tmp_path / "densenet.pt"
    torch.save(theirs.state_dict(), path)
    ours = fvm.DenseNet(**options).train()
    ours.load_state_dict(flambeau.load(path))
    x = _input((2, 3, 32, 32))
    torch.manual_seed(1)
    t_out = theirs(torch.tensor(x))
    flambeau.manual_seed(1)
    o_out = ours(flambeau.tensor(x))
    _close(o_out, t_out)  # the same dropout masks
    t_out.square().sum().backward()
    o_out.square().sum().backward()
    t_state = dict(theirs.named_parameters(), **dict(theirs.named_buffers()))
    for key, value in [*ours.named_parameters(), *ours.named_buffers()]:
        _close(value, t_state[key])  # running statistics updated as often as in torch
        if value.requires_grad:
            _close(value.grad, t_state[key].grad, tol=1e-3)


def test_errors_as_torchvision(no_random_init):
    raises_like(lambda: fvm.SqueezeNet("2_0"), lambda: tvm.SqueezeNet("2_0"))
    raises_like(lambda: fvm.resnet18(groups=2), lambda: tvm.resnet18(groups=2))
    raises_like(lambda: fvm.resnet18(replace_stride_with_dilation=[True, True, False]),
                lambda: tvm.resnet18(replace_stride_with_dilation=[True, True, False]))
    raises_like(lambda: fvm.resnet50(replace_stride_with_dilation=[True]),
                lambda: tvm.resnet50(replace_stride_with_dilation=[True]))
    raises_like(lambda: fvm.resnext50_32x4d(groups=8), lambda: tvm.resnext50_32x4d(groups=8))
    raises_like(lambda: fvm.resnet18(weights="IMAGENET1K_V9"), lambda: tvm.resnet18(weights="IMAGENET1K_V9"))
    raises_like(lambda: fvm.resnet18(weights=fvm.ResNet34_Weights.DEFAULT),
                lambda: tvm.resnet18(weights=tvm.ResNet34_Weights.DEFAULT))
    raises_like(lambda: fvm.resnet18(weights=fvm.ResNet18_Weights.DEFAULT, num_classes=10),
                lambda: tvm.resnet18(weights=tvm.ResNet18_Weights.DEFAULT, num_classes=10))
    raises_like(lambda: fvm.get_model("resnet9"), lambda: tvm.get_model("resnet9"))


def _meta_equal(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_meta_equal(a[k], b[k]) for k in a)
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("enum", WEIGHTS)
def test_weights_enums_as_torchvision(enum):
    ours, theirs = getattr(fvm, enum), getattr(tvm, enum)
    assert list(ours.__members__) == list(theirs.__members__)
    for o, t in zip(ours.__members__.values(), theirs.__members__.values()):
        assert repr(o) == repr(t) and o.url == t.url and _meta_equal(o.meta, t.meta)
        assert o.transforms.keywords == t.transforms.keywords and repr(o.transforms()) == repr(t.transforms())
    assert fvm.get_weight(f"{enum}.DEFAULT") is ours.DEFAULT


def test_registry():
    names = FORWARD + STRUCTURE + ["vgg11"]
    assert set(names) <= set(fvm.list_models()) and set(names) <= set(fvm.list_models(module=fvm))
    for include, exclude in [("resnet*", None), (["vgg*", "squeeze*"], "*_bn"), ("*net*", ["*mobile*", "*shuffle*",
                             "*efficient*", "*google*", "*x*", "*_*", "*reg*", "*mnas*", "convnext*", "swin*"]),
                             ("wide*", None), ("densenet1*", "*6*")]:
        assert fvm.list_models(include=include, exclude=exclude) == tvm.list_models(include=include, exclude=exclude)
    for name in names:
        assert fvm.get_model_builder(name.upper()) is getattr(fvm, name)
        assert fvm.get_model_weights(name).__name__ == tvm.get_model_weights(name).__name__
        assert fvm.get_model_weights(getattr(fvm, name)) is fvm.get_model_weights(name)
        assert getattr(fvm, name).__name__ == name and getattr(fvm, name).__doc__


def _write_checkpoint(home, name, state_dict):
    """``state_dict`` saved by torch where torchvision's weights for ``name`` are cached."""
    url = getattr(tvm, name.capitalize().replace("net", "Net") + "_Weights").IMAGENET1K_V1.url
    folder = home / "hub" / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(state_dict, folder / url.rsplit("/", 1)[1])


@pytest.mark.parametrize("call", [
    lambda m, name: getattr(m, name)(weights=getattr(m, "ResNet18_Weights").DEFAULT),
    lambda m, name: getattr(m, name)(weights="IMAGENET1K_V1", progress=False),
    lambda m, name: getattr(m, name)(pretrained=True),
    lambda m, name: getattr(m, name)(True),
    lambda m, name: m.get_model(name, weights="ResNet18_Weights.IMAGENET1K_V1"),
])
def test_pretrained_resnet18_from_torch_cache(call, tmp_path, monkeypatch, no_random_init):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    _write_checkpoint(tmp_path, "resnet18", _torch_model("resnet18").state_dict())
    theirs, t_warnings = _warnings(lambda: call(tvm, "resnet18").eval())
    ours, o_warnings = _warnings(lambda: call(fvm, "resnet18").eval())
    assert o_warnings == t_warnings
    _same_outputs(ours, theirs)


def test_pretrained_densenet_renames_published_keys(tmp_path, monkeypatch, no_random_init):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    state = _torch_model("densenet121").state_dict()
    # the published file's old names ("denselayer1.norm.1.weight" for "denselayer1.norm1.weight"),
    # without the dense layers' num_batches_tracked
    old = {re.sub(r"(denselayer\d+\.(norm|conv))([12])\.", r"\1.\3.", k): v for k, v in state.items()
           if not ("denselayer" in k and k.endswith("num_batches_tracked"))}
    assert "features.denseblock1.denselayer1.conv.2.weight" in old
    _write_checkpoint(tmp_path, "densenet121", old)
    theirs, ours = tvm.densenet121(weights="DEFAULT").eval(), fvm.densenet121(weights="DEFAULT").eval()
    _same_outputs(ours, theirs)


def test_missing_weights_without_network_names_path_and_url(tmp_path, monkeypatch, no_random_init):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")  # nothing listens there: no network
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    weights = fvm.SqueezeNet1_1_Weights.IMAGENET1K_V1
    with pytest.raises(OSError) as error:
        fvm.squeezenet1_1(weights=weights, progress=False)
    path = tmp_path / "hub" / "checkpoints" / "squeezenet1_1-b8a52dc0.pth"
    assert str(path) in str(error.value) and weights.url in str(error.value)
    assert not path.exists()


def test_missing_model_attribute_as_torchvision(as_torch):
    raises_like(lambda: fvm.no_such_model, lambda: tvm.no_such_model)


@pytest.mark.parametrize("name", STRUCTURE)
def test_big_models_with_torchvision_weights(name, no_random_init):
    """The big variants' layout, and their outputs with torchvision's randomly initialised
    weights copied in memory (a checkpoint file of VGG's 500 MB would only time the disk)."""
    theirs = _torch_model(name)
    ours = getattr(fvm, name)()
    _same_layout(ours, theirs)
    ours.load_state_dict({k: flambeau.from_numpy(v.numpy()) for k, v in theirs.state_dict().items()},
                         strict=True)
    _same_outputs(ours.eval(), theirs)
