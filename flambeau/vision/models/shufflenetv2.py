"""ShuffleNetV2 (arXiv:1807.11164) with torchvision's module names and weights."""
from ... import cat, nn
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _ovewrite_named_param

__all__ = ["ShuffleNetV2", "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights", "ShuffleNet_V2_X1_5_Weights",
           "ShuffleNet_V2_X2_0_Weights", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
           "shufflenet_v2_x2_0"]


def channel_shuffle(x, groups):
    """Channels of ``(N, C, H, W)`` reordered so that each of the ``groups`` contributes in turn."""
    n, c, h, w = x.size()
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


def _depthwise(channels, stride):
    return nn.Conv2d(channels, channels, 3, stride, 1, bias=False, groups=channels)


class InvertedResidual(nn.Module):
    """ShuffleNetV2 unit: at stride 1 half the channels go through ``branch2`` and half pass
    unchanged; at stride 2 both branches see the whole input; then the channels are shuffled."""

    def __init__(self, inp, oup, stride):
        super().__init__()
        if not 1 <= stride <= 3:
            raise ValueError("illegal stride value")
        self.stride = stride
        branch = oup // 2
        if stride == 1 and inp != branch << 1:
            raise ValueError(f"Invalid combination of stride {stride}, inp {inp} and oup {oup} values. "
                             "If stride == 1 then inp should be equal to oup // 2 << 1.")
        if stride > 1:
            self.branch1 = nn.Sequential(_depthwise(inp, stride), nn.BatchNorm2d(inp),
                                         nn.Conv2d(inp, branch, 1, 1, 0, bias=False), nn.BatchNorm2d(branch),
                                         nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else branch, branch, 1, 1, 0, bias=False), nn.BatchNorm2d(branch),
            nn.ReLU(inplace=True), _depthwise(branch, stride), nn.BatchNorm2d(branch),
            nn.Conv2d(branch, branch, 1, 1, 0, bias=False), nn.BatchNorm2d(branch), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = cat((x1, self.branch2(x2)), dim=1)
        else:
            out = cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """ShuffleNetV2 with ``stages_repeats`` units in stages 2-4 and ``stages_out_channels`` for
    conv1, the three stages and conv5."""

    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=InvertedResidual):
        super().__init__()
        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        self._stage_out_channels = stages_out_channels
        channels = stages_out_channels[0]
        self.conv1 = nn.Sequential(nn.Conv2d(3, channels, 3, 2, 1, bias=False), nn.BatchNorm2d(channels),
                                   nn.ReLU(inplace=True))
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, repeats, out in zip((2, 3, 4), stages_repeats, stages_out_channels[1:]):
            units = [inverted_residual(channels, out, 2)] + [inverted_residual(out, out, 1)
                                                             for _ in range(repeats - 1)]
            setattr(self, f"stage{i}", nn.Sequential(*units))
            channels = out
        out = stages_out_channels[-1]
        self.conv5 = nn.Sequential(nn.Conv2d(channels, out, 1, 1, 0, bias=False), nn.BatchNorm2d(out),
                                   nn.ReLU(inplace=True))
        self.fc = nn.Linear(out, num_classes)

    def _forward_impl(self, x):
        x = self.stage4(self.stage3(self.stage2(self.maxpool(self.conv1(x)))))
        return self.fc(self.conv5(x).mean([2, 3]))

    def forward(self, x):
        return self._forward_impl(x)


def _shufflenetv2(stages_out_channels, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ShuffleNetV2([4, 8, 4], stages_out_channels, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_PORTED = {"recipe": "https://github.com/ericsun99/Shufflenet-v2-Pytorch",
           "_docs": "These weights were trained from scratch to reproduce closely the results of the paper."}
_NEW = {"preset": {"resize_size": 232}, "recipe": "https://github.com/pytorch/vision/pull/5906",
        "_docs": "\n                These weights were trained from scratch by using TorchVision's `new training "
                 "recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-"
                 "latest-primitives/>`_.\n            "}


def _weights(file, acc1, acc5, num_params, ops, file_size, how):
    return _imagenet_weights(_URL + file, acc1, acc5, min_size=(1, 1), num_params=num_params, _ops=ops,
                             _file_size=file_size, **how)


class ShuffleNet_V2_X0_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("shufflenetv2_x0.5-f707e7126e.pth", 60.552, 81.746, 1366792, 0.04, 5.282, _PORTED)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("shufflenetv2_x1-5666bf0f80.pth", 69.362, 88.316, 2278604, 0.145, 8.791, _PORTED)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("shufflenetv2_x1_5-3c479a10.pth", 72.996, 91.086, 3503624, 0.296, 13.557, _NEW)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X2_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("shufflenetv2_x2_0-8be3c8ee.pth", 76.230, 93.006, 7393996, 0.583, 28.433, _NEW)
    DEFAULT = IMAGENET1K_V1


def _doc(multiplier):
    return (f"ShuffleNetV2 with {multiplier}x output channels, from `ShuffleNet V2: Practical Guidelines for "
            "Efficient CNN Architecture Design <https://arxiv.org/abs/1807.11164>`__.")


shufflenet_v2_x0_5 = _builder("shufflenet_v2_x0_5", ShuffleNet_V2_X0_5_Weights, _shufflenetv2,
                              [24, 48, 96, 192, 1024], doc=_doc(0.5))
shufflenet_v2_x1_0 = _builder("shufflenet_v2_x1_0", ShuffleNet_V2_X1_0_Weights, _shufflenetv2,
                              [24, 116, 232, 464, 1024], doc=_doc(1.0))
shufflenet_v2_x1_5 = _builder("shufflenet_v2_x1_5", ShuffleNet_V2_X1_5_Weights, _shufflenetv2,
                              [24, 176, 352, 704, 1024], doc=_doc(1.5))
shufflenet_v2_x2_0 = _builder("shufflenet_v2_x2_0", ShuffleNet_V2_X2_0_Weights, _shufflenetv2,
                              [24, 244, 488, 976, 2048], doc=_doc(2.0))
