"""flambeau.vision.models' registry, weights API helpers and the classification preset vs torchvision."""
import copy
import pickle
import warnings
from functools import partial

import numpy as np
import pytest
import torch
import torchvision.models._api as tv_api
import torchvision.models._utils as tv_utils
from torchvision.transforms import _presets as tv_presets

import flambeau
from flambeau.vision.models import _api, _utils
from flambeau.vision.transforms import _presets
from conftest import raises_like


def _toy(api, presets):
    """A weights enum and a legacy-interface builder, built the same way from either library."""
    class Toy_Weights(api.WeightsEnum):
        V1 = api.Weights(url="https://example.org/toy.pth",
                         transforms=partial(presets.ImageClassification, crop_size=8), meta={"num_classes": 3})
        DEFAULT = V1
    return Toy_Weights


TOYS = {"ours": _toy(_api, _presets), "theirs": _toy(tv_api, tv_presets)}


def _builder(api, utils):
    enum = TOYS["ours" if api is _api else "theirs"]

    @utils.handle_legacy_interface(weights=("pretrained", enum.V1))
    def toy(*, weights: enum = None, progress: bool = True, **kwargs):
        return enum.verify(weights), progress, kwargs
    return toy


def _warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message) for w in caught]


@pytest.mark.parametrize("call", [
    lambda b: b(), lambda b: b(pretrained=True), lambda b: b(pretrained=False), lambda b: b(True),
    lambda b: b(False, False), lambda b: b(weights="V1"), lambda b: b(weights="Toy_Weights.V1", x=1),
    lambda b: b(weights=None, pretrained=True)])
def test_legacy_interface_warnings_and_weights(call):
    (ours, o_progress, o_kw), o_warn = _warnings(lambda: call(_builder(_api, _utils)))
    (theirs, t_progress, t_kw), t_warn = _warnings(lambda: call(_builder(tv_api, tv_utils)))
    assert repr(ours) == repr(theirs) and o_progress == t_progress and o_kw == t_kw
    assert o_warn == t_warn


def test_weights_errors_and_copies():
    ours, theirs = TOYS["ours"], TOYS["theirs"]
    raises_like(lambda: ours.verify(3), lambda: theirs.verify(3))
    raises_like(lambda: ours.verify("V9"), lambda: theirs.verify("V9"))
    assert copy.deepcopy(ours.V1) is ours.V1 and ours.DEFAULT is ours.V1
    assert ours.V1.meta == {"num_classes": 3} and ours.V1.url == theirs.V1.url
    assert pickle.loads(pickle.dumps(_presets.ImageClassification(crop_size=3))).crop_size == [3]
    raises_like(lambda: _api.get_weight("nodot"), lambda: tv_api.get_weight("nodot"))
    raises_like(lambda: _api.get_weight("Nope_Weights.X"), lambda: tv_api.get_weight("Nope_Weights.X"))
    raises_like(lambda: _api.get_model_builder("NoSuchNet"), lambda: tv_api.get_model_builder("NoSuchNet"))
    raises_like(lambda: _api.get_model_weights(lambda x: x), lambda: tv_api.get_model_weights(lambda x: x))
    raises_like(lambda: _api.get_model_weights(lambda weights: 0),
                lambda: tv_api.get_model_weights(lambda weights: 0))
    assert _api.get_model_weights(_builder(_api, _utils)) is ours


def test_utils_helpers():
    for v in [3, 8, 15.9, 16, 17, 30, 100.5, 7]:
        for divisor in (4, 8):
            assert _utils._make_divisible(v, divisor) == tv_utils._make_divisible(v, divisor)
    raises_like(lambda: _utils._ovewrite_named_param({"a": 1}, "a", 2),
                lambda: tv_utils._ovewrite_named_param({"a": 1}, "a", 2))
    raises_like(lambda: _utils._ovewrite_value_param("a", 1, 2), lambda: tv_utils._ovewrite_value_param("a", 1, 2))
    kw = {}
    _utils._ovewrite_named_param(kw, "a", 2)
    assert kw == {"a": 2} and _utils._ovewrite_value_param("a", None, 5) == 5
    for n in (1, 2, 3):
        def f(a, *, b=0, c=0, d=0):
            return a, b, c, d
        assert _warnings(lambda: _utils.kwonly_to_pos_or_kw(f)(*range(n + 1))) == \
            _warnings(lambda: tv_utils.kwonly_to_pos_or_kw(f)(*range(n + 1)))
    raises_like(lambda: _utils.kwonly_to_pos_or_kw(lambda a: a), lambda: tv_utils.kwonly_to_pos_or_kw(lambda a: a))


def test_intermediate_layer_getter():
    torch.manual_seed(0)
    t_net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    o_net = flambeau.nn.Sequential(flambeau.nn.Linear(4, 3), flambeau.nn.ReLU(), flambeau.nn.Linear(3, 2))
    o_net.load_state_dict({k: flambeau.tensor(v.numpy()) for k, v in t_net.state_dict().items()})
    ours, theirs = _utils.IntermediateLayerGetter(o_net, {"1": "mid"}), tv_utils.IntermediateLayerGetter(t_net, {"1": "mid"})
    assert repr(ours) == repr(theirs)
    x = np.random.RandomState(0).randn(2, 4).astype(np.float32)
    o, t = ours(flambeau.tensor(x)), theirs(torch.tensor(x))
    assert list(o) == list(t) == ["mid"]
    np.testing.assert_allclose(o["mid"].detach().numpy(), t["mid"].detach().numpy(), rtol=1e-6, atol=1e-6)
    raises_like(lambda: _utils.IntermediateLayerGetter(o_net, {"x": "y"}),
                lambda: tv_utils.IntermediateLayerGetter(t_net, {"x": "y"}))


def test_image_classification_preset():
    from PIL import Image
    kwargs = dict(crop_size=20, resize_size=24, mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3))
    ours, theirs = _presets.ImageClassification(**kwargs), tv_presets.ImageClassification(**kwargs)
    assert repr(ours) == repr(theirs) and ours.describe() == theirs.describe()
    pixels = np.random.RandomState(0).randint(0, 256, (30, 28, 3)).astype(np.uint8)
    image = Image.fromarray(pixels)
    o, t = ours(image), theirs(image)
    assert o.dtype == flambeau.float32 and tuple(o.shape) == tuple(t.shape) == (3, 20, 20)
    np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)
    floats = np.random.RandomState(1).rand(2, 3, 30, 28).astype(np.float32)
    np.testing.assert_allclose(ours(flambeau.tensor(floats)).numpy(), theirs(torch.tensor(floats)).numpy(),
                               rtol=1e-5, atol=1e-5)
