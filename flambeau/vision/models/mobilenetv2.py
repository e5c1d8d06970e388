"""MobileNetV2 (arXiv:1801.04381) with torchvision's module names, initialisation and weights."""
from ... import flatten, nn
from ..ops.misc import Conv2dNormActivation
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _make_divisible, _ovewrite_named_param

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]


class InvertedResidual(nn.Module):
    """1x1 expansion (when ``expand_ratio != 1``), 3x3 depthwise convolution, linear 1x1 projection;
    the input is added back when the shape is kept."""

    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        self.stride = stride
        if stride not in (1, 2):
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        norm_layer = norm_layer or nn.BatchNorm2d
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.ReLU6))
        layers += [Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim,
                                        norm_layer=norm_layer, activation_layer=nn.ReLU6),
                   nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False), norm_layer(oup)]
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


def _init_weights(model, linear_init):
    """The MobileNet/EfficientNet initialisation: convolutions Kaiming-normal (fan out), norms to
    identity, biases zero, linear weights by ``linear_init``."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            linear_init(m.weight)
            nn.init.zeros_(m.bias)


_SETTING = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
            [6, 320, 1, 1]]


class MobileNetV2(nn.Module):
    """MobileNetV2; ``inverted_residual_setting`` rows are ``[expansion t, channels c, repeats n,
    stride s]``, channels scaled by ``width_mult`` and rounded to multiples of ``round_nearest``."""

    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8,
                 block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        block = block or InvertedResidual
        norm_layer = norm_layer or nn.BatchNorm2d
        setting = _SETTING if inverted_residual_setting is None else inverted_residual_setting
        if len(setting) == 0 or len(setting[0]) != 4:
            raise ValueError(f"inverted_residual_setting should be non-empty or a 4-element list, got {setting}")
        input_channel = _make_divisible(32 * width_mult, round_nearest)
        self.last_channel = _make_divisible(1280 * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer,
                                         activation_layer=nn.ReLU6)]
        for t, c, n, s in setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t,
                                      norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1,
                                             norm_layer=norm_layer, activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))
        _init_weights(self, lambda weight: nn.init.normal_(weight, 0, 0.01))

    def _forward_impl(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v2(weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = MobileNetV2(**kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


_RECIPES = "https://github.com/pytorch/vision/"
_MODIFIED_RECIPE = ("\n                These weights improve upon the results of the original paper by using a "
                    "modified version of TorchVision's\n                `new training recipe\n                <https://"
                    "pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_."
                    "\n            ")
_COMMON = {"num_params": 3504872, "min_size": (1, 1), "_ops": 0.301}


class MobileNet_V2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth", 71.878, 90.286, **_COMMON,
        recipe=_RECIPES + "tree/main/references/classification#mobilenetv2", _file_size=13.555,
        _docs="These weights reproduce closely the results of the paper using a simple training recipe.")
    IMAGENET1K_V2 = _imagenet_weights(
        "https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth", 72.154, 90.822, **_COMMON,
        preset={"resize_size": 232}, recipe=_RECIPES + "issues/3995#new-recipe-with-reg-tuning", _file_size=13.598,
        _docs=_MODIFIED_RECIPE)
    DEFAULT = IMAGENET1K_V2


mobilenet_v2 = _builder("mobilenet_v2", MobileNet_V2_Weights, _mobilenet_v2, doc=(
    "MobileNetV2 from `MobileNetV2: Inverted Residuals and Linear Bottlenecks "
    "<https://arxiv.org/abs/1801.04381>`_."))
