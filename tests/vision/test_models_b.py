"""Inception v3, GoogLeNet, MobileNet v2/v3, ShuffleNet v2 and EfficientNet vs torchvision: the same
structure (repr, state-dict keys and shapes) and seeded initialisation; a torchvision model's state dict,
saved by real torch, loads strictly and gives the same eval output; weights metadata and builders."""
import io
import warnings

import numpy as np
import pytest
import torch
import torchvision.models as tvm

import flambeau
from flambeau.vision import models

# (builder name, input height/width, keyword arguments)
CASES = [
    ("mobilenet_v2", 32, {}),
    ("mobilenet_v3_small", 32, {}),
    ("mobilenet_v3_large", 32, {"reduced_tail": True, "dilated": True, "width_mult": 0.75}),
    ("shufflenet_v2_x0_5", 32, {}),
    ("shufflenet_v2_x1_0", 32, {"num_classes": 10}),
    ("shufflenet_v2_x2_0", 32, {"num_classes": 10}),
    ("efficientnet_b0", 32, {}),
    ("efficientnet_v2_s", 32, {"num_classes": 10}),
    ("googlenet", 32, {"init_weights": True, "transform_input": True}),
    ("inception_v3", 75, {"init_weights": True, "aux_logits": False, "transform_input": True}),
]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """torch's thread pool on a shared, loaded machine makes these tests 10x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _build(lib, name, kwargs, seed=0):
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(tvm if lib is torch else models, name)(**kwargs)


def _randomise_statistics(model):
    """Non-trivial BatchNorm statistics and affine parameters, so eval mode is not the identity."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def _via_torch_file(state_dict):
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    buffer.seek(0)
    return flambeau.load(buffer)


def _outputs(ours, theirs, size, seed=0):
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad(), flambeau.no_grad():
        return ours(flambeau.tensor(x.numpy())), theirs(x)


@pytest.mark.parametrize("name,size,kwargs", CASES, ids=[f"{c[0]}{c[2] or ''}" for c in CASES])
def test_structure_init_and_torch_state_dict(name, size, kwargs):
    theirs, ours = _build(torch, name, kwargs), _build(flambeau, name, kwargs)
    assert repr(ours) == repr(theirs)
    state = theirs.state_dict()
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in state.items()]
    for key, value in ours.state_dict().items():  # seeded initialisation draws as torchvision's
        np.testing.assert_array_equal(value.numpy(), state[key].numpy(), err_msg=key)
    _randomise_statistics(theirs)
    ours.load_state_dict(_via_torch_file(theirs.state_dict()), strict=True)
    got, expected = _outputs(ours.eval(), theirs.eval(), size)
    scale = float(expected.abs().max())
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-3, atol=1e-4 * scale)


@pytest.mark.parametrize("name,outputs,fields", [
    ("googlenet", models.GoogLeNetOutputs, ("logits", "aux_logits2", "aux_logits1")),
    ("inception_v3", models.InceptionOutputs, ("logits", "aux_logits"))])
def test_training_mode_returns_the_auxiliary_logits(name, outputs, fields):
    model = _build(flambeau, name, {"init_weights": False, "num_classes": 7})
    if name == "inception_v3":  # its auxiliary head needs 299x299 images: a small stand-in
        model.AuxLogits = flambeau.nn.Sequential(flambeau.nn.AdaptiveAvgPool2d(1), flambeau.nn.Flatten(),
                                                 flambeau.nn.Linear(768, 7))
    out = model(flambeau.randn(2, 3, 75, 75))
    assert type(out) is outputs and out._fields == fields
    assert all(tuple(o.shape) == (2, 7) for o in out)
    assert tuple(model.eval()(flambeau.randn(1, 3, 75, 75)).shape) == (1, 7)


def test_inception_auxiliary_head_equals_torchvisions():
    theirs = tvm.inception.InceptionAux(768, 10)
    _randomise_statistics(theirs)
    ours = models.inception.InceptionAux(768, 10)
    ours.load_state_dict(_via_torch_file(theirs.state_dict()))
    assert repr(ours) == repr(theirs)
    x = torch.randn(2, 768, 17, 17)
    with torch.no_grad():
        expected = theirs.eval()(x)
    np.testing.assert_allclose(ours.eval()(flambeau.tensor(x.numpy())).detach().numpy(), expected.numpy(),
                               rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name,enum,aux_heads,keeps_aux,message", [
    ("googlenet", "GoogLeNet_Weights", ("aux1", "aux2"), False,
     "auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to train them"),
    ("inception_v3", "Inception_V3_Weights", ("AuxLogits",), True, None)])
def test_pretrained_weights_from_the_hub_cache(name, enum, aux_heads, keeps_aux, message, tmp_path, monkeypatch):
    """Published weights files are torchvision state dicts with the auxiliary heads; the loaded
    model drops them unless ``aux_logits`` (default: True for Inception v3 only) asks for them, and
    ``transform_input`` defaults to True."""
    weights = getattr(models, enum).DEFAULT
    source = _build(torch, name, {"init_weights": False, "aux_logits": True})
    folder = tmp_path / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    torch.save(source.state_dict(), folder / weights.url.rsplit("/", 1)[1])
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    plain = getattr(models, name)(weights=weights, progress=False)
    assert plain.transform_input and plain.aux_logits == keeps_aux
    heads = {k for k in source.state_dict() if k.startswith(aux_heads)}
    assert set(plain.state_dict()) == set(source.state_dict()) - (set() if keeps_aux else heads)
    if not keeps_aux:
        assert all(getattr(plain, head) is None for head in aux_heads)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with_aux = getattr(models, name)(weights=weights, aux_logits=True, transform_input=False)
        assert not with_aux.transform_input and with_aux.aux_logits
        assert [str(w.message) for w in caught] == [message]
    with pytest.raises(ValueError, match="'aux_logits' expected value True but got False"):
        getattr(models, name)(weights=weights, aux_logits=False)


WEIGHTS = ["MobileNet_V2_Weights", "MobileNet_V3_Small_Weights", "MobileNet_V3_Large_Weights", "GoogLeNet_Weights",
           "Inception_V3_Weights"] + [f"ShuffleNet_V2_X{m}_Weights" for m in ("0_5", "1_0", "1_5", "2_0")] + \
    [f"EfficientNet_{v}_Weights" for v in ("B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "V2_S", "V2_M", "V2_L")]


@pytest.mark.parametrize("enum", WEIGHTS)
def test_weights_metadata_equals_torchvisions(enum):
    ours, theirs = getattr(models, enum), getattr(tvm, enum)
    assert [w.name for w in ours] == [w.name for w in theirs]
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for o, t in zip(ours, theirs):
        assert o.url == t.url and o.meta == t.meta
        keywords = {k: getattr(v, "value", v) for k, v in o.transforms.keywords.items()}
        assert keywords == {k: getattr(v, "value", v) for k, v in t.transforms.keywords.items()}


BUILDERS = ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "googlenet", "inception_v3"] + \
    [f"shufflenet_v2_x{m}" for m in ("0_5", "1_0", "1_5", "2_0")] + \
    [f"efficientnet_{v}" for v in ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "v2_s", "v2_m", "v2_l")]


def test_registered_builders_and_their_weights():
    assert set(BUILDERS) <= set(models.list_models())
    for name in BUILDERS:
        assert models.get_model_weights(name).__name__ == tvm.get_model_weights(name).__name__


def test_builder_errors_as_torchvision():
    with pytest.raises(ValueError, match="stride should be 1 or 2 instead of 3"):
        models.mobilenetv2.InvertedResidual(8, 8, 3, 1)
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        models.MobileNetV3([], 10)
    with pytest.raises(ValueError, match="expected stages_repeats as list of 3 positive ints"):
        models.ShuffleNetV2([1, 2], [1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="length of inception_blocks should be 7 instead of 1"):
        models.Inception3(inception_blocks=[None], init_weights=False)
    with pytest.warns(FutureWarning, match="default weight initialization of GoogleNet"):
        models.GoogLeNet(aux_logits=False, num_classes=3)


@pytest.mark.parametrize("name,kwargs", [("shufflenet_v2_x0_5", {"num_classes": 5}),
                                         ("mobilenet_v3_small", {"num_classes": 5, "dropout": 0.0})])
def test_training_step_gradients_equal_torchvisions(name, kwargs):
    """In float64: in float32 the batch-norm layers amplify rounding differences through the depth.
    The biases of norms followed by a convolution and another norm have zero gradient, hence one
    tolerance from the largest gradient for every parameter."""
    theirs, ours = _build(torch, name, kwargs).double(), _build(flambeau, name, kwargs).double()
    x = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    theirs(x).square().mean().backward()
    ours(flambeau.tensor(x.numpy())).square().mean().backward()
    expected = dict(theirs.named_parameters())
    scale = max(float(p.grad.abs().max()) for p in expected.values())
    for key, param in ours.named_parameters():
        np.testing.assert_allclose(param.grad.numpy(), expected[key].grad.numpy(), rtol=1e-7, atol=1e-9 * scale,
                                   err_msg=key)
    for key, buffer in ours.named_buffers():  # batch statistics updated as torch's
        np.testing.assert_allclose(buffer.numpy(), dict(theirs.named_buffers())[key].numpy(), rtol=1e-9, atol=1e-12)
