"""DenseNet 121/161/169/201 (torchvision's ``models.densenet``)."""
import re
from collections import OrderedDict

from ... import cat, flatten, nn, Tensor
from ...nn import functional as F
from ...utils.checkpoint import checkpoint
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _ovewrite_named_param

__all__ = ["DenseNet", "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights",
           "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv then BN-ReLU-3x3 conv on the concatenation of all earlier features,
    giving ``growth_rate`` new channels. ``memory_efficient`` checkpoints the first half: its
    concatenation is recomputed in the backward pass instead of kept."""

    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def bn_function(self, inputs):
        return self.conv1(self.relu1(self.norm1(cat(inputs, 1))))

    def any_requires_grad(self, input):
        return any(tensor.requires_grad for tensor in input)

    def call_checkpoint_bottleneck(self, input):
        return checkpoint(lambda *inputs: self.bn_function(inputs), *input, use_reentrant=False)

    def forward(self, input):
        prev_features = [input] if isinstance(input, Tensor) else input
        if self.memory_efficient and self.any_requires_grad(prev_features):
            bottleneck_output = self.call_checkpoint_bottleneck(prev_features)
        else:
            bottleneck_output = self.bn_function(prev_features)
        new_features = self.conv2(self.relu2(self.norm2(bottleneck_output)))
        if self.drop_rate > 0:
            new_features = F.dropout(new_features, p=self.drop_rate, training=self.training)
        return new_features


class _DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers, each fed every earlier output; returns them all concatenated."""

    _version = 2

    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(num_input_features + i * growth_rate, growth_rate=growth_rate, bn_size=bn_size,
                                drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.add_module("denselayer%d" % (i + 1), layer)

    def forward(self, init_features):
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv halving the channels, then 2x2 average pooling."""

    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """Densely connected network from `Densely Connected Convolutional Networks
    <https://arxiv.org/abs/1608.06993>`_: ``block_config`` dense layers per block, each adding
    ``growth_rate`` channels, with ``bn_size * growth_rate`` bottleneck channels."""

    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4,
                 drop_rate=0, num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers=num_layers, num_input_features=num_features, bn_size=bn_size,
                                growth_rate=growth_rate, drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.features.add_module("denseblock%d" % (i + 1), block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = _Transition(num_input_features=num_features, num_output_features=num_features // 2)
                self.features.add_module("transition%d" % (i + 1), trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = F.relu(self.features(x), inplace=True)
        return self.classifier(flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1))


# The published files name the dense layers' modules "norm.1", "conv.2" ... (an old layout):
# their keys are renamed to "norm1", "conv2" ... before loading.
_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _load_state_dict(model, weights, progress):
    state_dict = weights.get_state_dict(progress=progress, check_hash=True)
    for key in list(state_dict):
        old = _OLD_KEY.match(key)
        if old:
            state_dict[old.group(1) + old.group(2)] = state_dict.pop(key)
    model.load_state_dict(state_dict)
    return model


def _densenet(growth_rate, block_config, num_init_features, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = DenseNet(growth_rate, block_config, num_init_features, **kwargs)
    return model if weights is None else _load_state_dict(model, weights, progress)


def _weights(file, acc1, acc5, num_params, ops, file_size):
    return _imagenet_weights(
        "https://download.pytorch.org/models/" + file, acc1, acc5, min_size=(29, 29), num_params=num_params,
        recipe="https://github.com/pytorch/vision/pull/116", _docs="These weights are ported from LuaTorch.",
        _ops=ops, _file_size=file_size)


class DenseNet121_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("densenet121-a639ec97.pth", 74.434, 91.972, 7978856, 2.834, 30.845)
    DEFAULT = IMAGENET1K_V1


class DenseNet161_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("densenet161-8d451a50.pth", 77.138, 93.560, 28681000, 7.728, 110.369)
    DEFAULT = IMAGENET1K_V1


class DenseNet169_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("densenet169-b2777c0a.pth", 75.600, 92.806, 14149480, 3.36, 54.708)
    DEFAULT = IMAGENET1K_V1


class DenseNet201_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("densenet201-c1103571.pth", 76.896, 93.370, 20013928, 4.291, 77.373)
    DEFAULT = IMAGENET1K_V1


_PAPER = "from `Densely Connected Convolutional Networks <https://arxiv.org/abs/1608.06993>`_"


densenet121 = _builder("densenet121", DenseNet121_Weights, _densenet, 32, (6, 12, 24, 16), 64, doc=f"DenseNet-121 {_PAPER}.")
densenet161 = _builder("densenet161", DenseNet161_Weights, _densenet, 48, (6, 12, 36, 24), 96, doc=f"DenseNet-161 {_PAPER}.")
densenet169 = _builder("densenet169", DenseNet169_Weights, _densenet, 32, (6, 12, 32, 32), 64, doc=f"DenseNet-169 {_PAPER}.")
densenet201 = _builder("densenet201", DenseNet201_Weights, _densenet, 32, (6, 12, 48, 32), 64, doc=f"DenseNet-201 {_PAPER}.")
