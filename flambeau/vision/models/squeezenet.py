"""SqueezeNet 1.0 and 1.1 (torchvision's ``models.squeezenet``)."""
from ... import cat, flatten, nn
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _ovewrite_named_param

__all__ = ["SqueezeNet", "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights", "squeezenet1_0", "squeezenet1_1"]


class Fire(nn.Module):
    """A 1x1 squeeze convolution, then 1x1 and 3x3 expand convolutions whose outputs are concatenated."""

    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return cat([self.expand1x1_activation(self.expand1x1(x)),
                    self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    """SqueezeNet ``version`` ``"1_0"`` (the paper's) or ``"1_1"`` (2.4x less computation)."""

    def __init__(self, version="1_0", num_classes=1000, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)  # noqa: E731
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, kernel_size=7, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                pool(), Fire(512, 64, 256, 256))
        elif version == "1_1":
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, kernel_size=3, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256))
        else:
            raise ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return flatten(self.classifier(self.features(x)), 1)


def _squeezenet(version, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = SqueezeNet(version, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


def _weights(file, acc1, acc5, min_size, num_params, ops, file_size):
    return _imagenet_weights(
        "https://download.pytorch.org/models/" + file, acc1, acc5, min_size=min_size, num_params=num_params,
        recipe="https://github.com/pytorch/vision/pull/49#issuecomment-277560717",
        _docs="These weights reproduce closely the results of the paper using a simple training recipe.",
        _ops=ops, _file_size=file_size)


class SqueezeNet1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("squeezenet1_0-b66bff10.pth", 58.092, 80.420, (21, 21), 1248424, 0.819, 4.778)
    DEFAULT = IMAGENET1K_V1


class SqueezeNet1_1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("squeezenet1_1-b8a52dc0.pth", 58.178, 80.624, (17, 17), 1235496, 0.349, 4.729)
    DEFAULT = IMAGENET1K_V1


squeezenet1_0 = _builder("squeezenet1_0", SqueezeNet1_0_Weights, _squeezenet, "1_0", doc=(
    "SqueezeNet 1.0 from `SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size "
    "<https://arxiv.org/abs/1602.07360>`_."))
squeezenet1_1 = _builder("squeezenet1_1", SqueezeNet1_1_Weights, _squeezenet, "1_1", doc=(
    "SqueezeNet 1.1 from the `official SqueezeNet repo <https://github.com/forresti/SqueezeNet/tree/master/"
    "SqueezeNet_v1.1>`_: 2.4x less computation and slightly fewer parameters than 1.0, as accurate."))
