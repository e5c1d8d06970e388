"""MobileNetV3 small and large (arXiv:1905.02244) with torchvision's module names, initialisation and
weights."""
from functools import partial

from ... import flatten, nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _make_divisible, _ovewrite_named_param
from .mobilenetv2 import _init_weights

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One bottleneck's settings; channel counts scaled by ``width_mult`` and rounded to multiples
    of 8; ``activation`` is ``"HS"`` (hard swish) or ``"RE"`` (ReLU)."""

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride,
                 dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        return _make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """Expansion, depthwise convolution, optional squeeze-and-excitation, linear projection; the
    input is added back when the shape is kept."""

    def __init__(self, cnf, norm_layer, se_layer=partial(SqueezeExcitation, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        activation = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=activation))
        layers.append(Conv2dNormActivation(
            cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
            stride=1 if cnf.dilation > 1 else cnf.stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
            norm_layer=norm_layer, activation_layer=activation))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


class MobileNetV3(nn.Module):
    """MobileNetV3 from a list of :class:`InvertedResidualConfig`; ``last_channel`` is the width of
    the classifier's hidden layer. Extra keyword arguments are ignored, as in torchvision."""

    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None,
                 dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        block = block or InvertedResidual
        norm_layer = norm_layer or partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.Hardswish)]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        last_in = inverted_residual_setting[-1].out_channels
        layers.append(Conv2dNormActivation(last_in, 6 * last_in, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(6 * last_in, last_channel), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        _init_weights(self, lambda weight: nn.init.normal_(weight, 0, 0.01))

    def _forward_impl(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


# (input, kernel, expanded, output, squeeze-excitation, activation, stride); the rows marked
# True in the last place are the tail that ``reduced_tail`` halves and ``dilated`` dilates.
_LARGE = [(16, 3, 16, 16, False, "RE", 1, False), (16, 3, 64, 24, False, "RE", 2, False),
          (24, 3, 72, 24, False, "RE", 1, False), (24, 5, 72, 40, True, "RE", 2, False),
          (40, 5, 120, 40, True, "RE", 1, False), (40, 5, 120, 40, True, "RE", 1, False),
          (40, 3, 240, 80, False, "HS", 2, False), (80, 3, 200, 80, False, "HS", 1, False),
          (80, 3, 184, 80, False, "HS", 1, False), (80, 3, 184, 80, False, "HS", 1, False),
          (80, 3, 480, 112, True, "HS", 1, False), (112, 3, 672, 112, True, "HS", 1, False),
          (112, 5, 672, 160, True, "HS", 2, True), (160, 5, 960, 160, True, "HS", 1, True),
          (160, 5, 960, 160, True, "HS", 1, True)]
_SMALL = [(16, 3, 16, 16, True, "RE", 2, False), (16, 3, 72, 24, False, "RE", 2, False),
          (24, 3, 88, 24, False, "RE", 1, False), (24, 5, 96, 40, True, "HS", 2, False),
          (40, 5, 240, 40, True, "HS", 1, False), (40, 5, 240, 40, True, "HS", 1, False),
          (40, 5, 120, 48, True, "HS", 1, False), (48, 5, 144, 48, True, "HS", 1, False),
          (48, 5, 288, 96, True, "HS", 2, True), (96, 5, 576, 96, True, "HS", 1, True),
          (96, 5, 576, 96, True, "HS", 1, True)]


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
    """The bottleneck configurations and ``last_channel`` of ``arch``."""
    if arch not in ("mobilenet_v3_large", "mobilenet_v3_small"):
        raise ValueError(f"Unsupported model type {arch}")
    rows, last = (_LARGE, 1280) if arch == "mobilenet_v3_large" else (_SMALL, 1024)
    divider = 2 if reduced_tail else 1
    setting = []
    for i, (inp, kernel, exp, out, se, act, stride, tail) in enumerate(rows):
        # the tail's input is halved only when the previous row is in the tail too
        if i and rows[i - 1][-1]:
            inp //= divider
        if tail:
            exp, out = (exp if not rows[i - 1][-1] else exp // divider), out // divider
        setting.append(InvertedResidualConfig(inp, kernel, exp, out, se, act, stride,
                                              2 if dilated and tail else 1, width_mult))
    return setting, InvertedResidualConfig.adjust_channels(last // divider, width_mult)


def _mobilenet_v3(arch, weights, progress, **kwargs):
    setting, last_channel = _mobilenet_v3_conf(arch, **kwargs)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = MobileNetV3(setting, last_channel, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small"


class MobileNet_V3_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mobilenet_v3_large-8738ca79.pth", 74.042, 91.34, min_size=(1, 1), num_params=5483032,
        recipe=_RECIPE, _ops=0.217, _file_size=21.114,
        _docs="These weights were trained from scratch by using a simple training recipe.")
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "mobilenet_v3_large-5c1a4163.pth", 75.274, 92.566, preset={"resize_size": 232}, min_size=(1, 1),
        num_params=5483032, recipe="https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning",
        _ops=0.217, _file_size=21.107,
        _docs="\n                These weights improve marginally upon the results of the original paper by using a "
              "modified version of\n                TorchVision's `new training recipe\n                <https://"
              "pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
              "            ")
    DEFAULT = IMAGENET1K_V2


class MobileNet_V3_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mobilenet_v3_small-047dcff4.pth", 67.668, 87.402, min_size=(1, 1), num_params=2542856,
        recipe=_RECIPE, _ops=0.057, _file_size=9.829,
        _docs="\n                These weights improve upon the results of the original paper by using a simple "
              "training recipe.\n            ")
    DEFAULT = IMAGENET1K_V1


_PAPER = "from `Searching for MobileNetV3 <https://arxiv.org/abs/1905.02244>`__"
mobilenet_v3_large = _builder("mobilenet_v3_large", MobileNet_V3_Large_Weights, _mobilenet_v3,
                              "mobilenet_v3_large", doc=f"Large MobileNetV3 {_PAPER}.")
mobilenet_v3_small = _builder("mobilenet_v3_small", MobileNet_V3_Small_Weights, _mobilenet_v3,
                              "mobilenet_v3_small", doc=f"Small MobileNetV3 {_PAPER}.")
