"""VGG 11/13/16/19, with or without batch norm (torchvision's ``models.vgg``)."""
import math

from ... import flatten, nn
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _ovewrite_named_param

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
           "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """A VGG network: ``features`` (see :func:`make_layers`), 7x7 adaptive pooling and a
    three-layer classifier; ``init_weights`` draws torchvision's initialisation."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


def make_layers(cfg, batch_norm=False):
    """The convolutional part: a 3x3 convolution (then batch norm if asked) and ReLU per number
    in ``cfg``, a 2x2 max pooling per ``"M"``."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


def _weights(file, acc1, acc5, num_params, ops, file_size):
    return _imagenet_weights(
        "https://download.pytorch.org/models/" + file, acc1, acc5, min_size=(32, 32), num_params=num_params,
        recipe="https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
        _docs="These weights were trained from scratch by using a simplified training recipe.",
        _ops=ops, _file_size=file_size)


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg11-8a719046.pth", 69.020, 88.628, 132863336, 7.609, 506.84)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg11_bn-6002323d.pth", 70.370, 89.810, 132868840, 7.609, 506.881)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg13-19584684.pth", 69.928, 89.246, 133047848, 11.308, 507.545)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg13_bn-abd245e5.pth", 71.586, 90.374, 133053736, 11.308, 507.59)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg16-397923af.pth", 71.592, 90.382, 138357544, 15.47, 527.796)
    # The features of amdegroot's SSD backbone (pixels in [0, 255], mean-subtracted); the
    # classifier's values are missing, hence no categories.
    IMAGENET1K_FEATURES = _imagenet_weights(
        "https://download.pytorch.org/models/vgg16_features-amdegroot-88682ab5.pth", math.nan, math.nan,
        preset={"mean": (0.48235, 0.45882, 0.40784), "std": (1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0)},
        categories=None, min_size=(32, 32), num_params=138357544,
        recipe="https://github.com/amdegroot/ssd.pytorch#training-ssd", _ops=15.47, _file_size=527.802,
        _docs="\n                These weights can't be used for classification because they are missing values in "
              "the `classifier`\n                module. Only the `features` module has valid values and can be "
              "used for feature extraction. The weights\n                were trained using the original input "
              "standardization method as described in the paper.\n            ")
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg16_bn-6c64b313.pth", 73.360, 91.516, 138365992, 15.47, 527.866)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg19-dcbb9e9d.pth", 72.376, 90.876, 143667240, 19.632, 548.051)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vgg19_bn-c79401a0.pth", 74.218, 91.842, 143678248, 19.632, 548.143)
    DEFAULT = IMAGENET1K_V1


def _doc(depth, bn):
    with_bn = " with batch normalization" if bn else ""
    return f"""VGG-{depth}{with_bn} from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__."""


vgg11 = _builder("vgg11", VGG11_Weights, _vgg, "A", False, doc=_doc(11, False))
vgg11_bn = _builder("vgg11_bn", VGG11_BN_Weights, _vgg, "A", True, doc=_doc(11, True))
vgg13 = _builder("vgg13", VGG13_Weights, _vgg, "B", False, doc=_doc(13, False))
vgg13_bn = _builder("vgg13_bn", VGG13_BN_Weights, _vgg, "B", True, doc=_doc(13, True))
vgg16 = _builder("vgg16", VGG16_Weights, _vgg, "D", False, doc=_doc(16, False))
vgg16_bn = _builder("vgg16_bn", VGG16_BN_Weights, _vgg, "D", True, doc=_doc(16, True))
vgg19 = _builder("vgg19", VGG19_Weights, _vgg, "E", False, doc=_doc(19, False))
vgg19_bn = _builder("vgg19_bn", VGG19_BN_Weights, _vgg, "E", True, doc=_doc(19, True))
