"""flambeau.vision.models draw torchvision's initial values: ``manual_seed(0); resnet18()`` gives
the same parameters and buffers as in torch (VGG-11's 133M values take flambeau ~30 s)."""
import numpy as np
import pytest
import torch
import torchvision.models as tvm

import flambeau
import flambeau.vision.models as fvm


@pytest.mark.parametrize("name, kwargs", [
    ("resnet18", {}), ("resnet18", {"zero_init_residual": True}), ("resnext50_32x4d", {"zero_init_residual": True}),
    ("squeezenet1_1", {}), ("densenet121", {}), ("vgg11", {}),
])
def test_seeded_initialisation_as_torchvision(name, kwargs):
    torch.manual_seed(0)
    theirs = getattr(tvm, name)(**kwargs)
    flambeau.manual_seed(0)
    ours = getattr(fvm, name)(**kwargs)
    expected = theirs.state_dict()
    for key, value in ours.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), expected[key].numpy(), err_msg=key)
    assert list(ours.state_dict()) == list(expected)
    # the streams are in step after the build too
    np.testing.assert_array_equal(flambeau.rand(5).numpy(), torch.rand(5).numpy())
