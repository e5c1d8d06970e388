"""EfficientNet B0-B7 (arXiv:1905.11946) and EfficientNetV2 S/M/L (arXiv:2104.00298) with torchvision's
module names, initialisation and weights."""
import copy
import math
from dataclasses import dataclass
from functools import partial

from ... import flatten, nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ..transforms.functional import InterpolationMode
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _make_divisible, _ovewrite_named_param
from .mobilenetv2 import _init_weights, _MODIFIED_RECIPE

__all__ = ["EfficientNet"] + [f"EfficientNet_{v}_Weights" for v in
                              ("B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "V2_S", "V2_M", "V2_L")] + \
    [f"efficientnet_{v}" for v in ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "v2_s", "v2_m", "v2_l")]


@dataclass
class _MBConvConfig:
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: type

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """Settings of one stage of :class:`MBConv` blocks, channels scaled by ``width_mult`` (rounded
    to multiples of 8) and the block count by ``depth_mult`` (rounded up)."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0,
                 depth_mult=1.0, block=None):
        super().__init__(expand_ratio, kernel, stride, self.adjust_channels(input_channels, width_mult),
                         self.adjust_channels(out_channels, width_mult), self.adjust_depth(num_layers, depth_mult),
                         block or MBConv)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """Settings of one stage of :class:`FusedMBConv` blocks (EfficientNetV2)."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block or FusedMBConv)


class _Residual(nn.Module):
    """``block`` plus the input, the block's output dropped per sample by stochastic depth, when the
    shape is kept."""

    def _finish(self, cnf, layers, stochastic_depth_prob):
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


def _check(cnf):
    if not 1 <= cnf.stride <= 2:
        raise ValueError("illegal stride value")
    return cnf.stride == 1 and cnf.input_channels == cnf.out_channels


class MBConv(_Residual):
    """Mobile inverted bottleneck: 1x1 expansion, depthwise convolution, squeeze-and-excitation,
    linear 1x1 projection (SiLU activations)."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        self.use_res_connect = _check(cnf)
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers += [Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                        groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU),
                   se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True)),
                   Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                        activation_layer=None)]
        self._finish(cnf, layers, stochastic_depth_prob)


class FusedMBConv(_Residual):
    """Fused bottleneck: the expansion and depthwise convolutions as one full convolution."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        self.use_res_connect = _check(cnf)
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self._finish(cnf, layers, stochastic_depth_prob)


class EfficientNet(nn.Module):
    """EfficientNet V1 or V2 from a list of stage configurations; the stochastic depth probability
    grows linearly from 0 to ``stochastic_depth_prob`` over the blocks."""

    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000,
                 norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                stage.append(block_cnf.block(block_cnf, stochastic_depth_prob * float(block_id) / total, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        _init_weights(self, lambda weight: nn.init.uniform_(weight, -1.0 / math.sqrt(weight.shape[0]),
                                                            1.0 / math.sqrt(weight.shape[0])))

    def _forward_impl(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet_conf(arch, **kwargs):
    """The stage configurations and ``last_channel`` of ``arch`` (``efficientnet_b*`` take
    ``width_mult`` and ``depth_mult``)."""
    if arch.startswith("efficientnet_b"):
        conf = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"), depth_mult=kwargs.pop("depth_mult"))
        return [conf(1, 3, 1, 32, 16, 1), conf(6, 3, 2, 16, 24, 2), conf(6, 5, 2, 24, 40, 2),
                conf(6, 3, 2, 40, 80, 3), conf(6, 5, 1, 80, 112, 3), conf(6, 5, 2, 112, 192, 4),
                conf(6, 3, 1, 192, 320, 1)], None
    fused, mb = FusedMBConvConfig, MBConvConfig
    if arch.startswith("efficientnet_v2_s"):
        setting = [fused(1, 3, 1, 24, 24, 2), fused(4, 3, 2, 24, 48, 4), fused(4, 3, 2, 48, 64, 4),
                   mb(4, 3, 2, 64, 128, 6), mb(6, 3, 1, 128, 160, 9), mb(6, 3, 2, 160, 256, 15)]
    elif arch.startswith("efficientnet_v2_m"):
        setting = [fused(1, 3, 1, 24, 24, 3), fused(4, 3, 2, 24, 48, 5), fused(4, 3, 2, 48, 80, 5),
                   mb(4, 3, 2, 80, 160, 7), mb(6, 3, 1, 160, 176, 14), mb(6, 3, 2, 176, 304, 18),
                   mb(6, 3, 1, 304, 512, 5)]
    elif arch.startswith("efficientnet_v2_l"):
        setting = [fused(1, 3, 1, 32, 32, 4), fused(4, 3, 2, 32, 64, 7), fused(4, 3, 2, 64, 96, 7),
                   mb(4, 3, 2, 96, 192, 10), mb(6, 3, 1, 192, 224, 19), mb(6, 3, 2, 224, 384, 25),
                   mb(6, 3, 1, 384, 640, 7)]
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, 1280


def _efficientnet(arch, dropout, norm_layer, conf, weights, progress, **kwargs):
    setting, last_channel = _efficientnet_conf(arch, **conf)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    if norm_layer is not None:
        kwargs["norm_layer"] = norm_layer
    model = EfficientNet(setting, kwargs.pop("dropout", dropout), last_channel=last_channel, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_V1 = "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1"
_V2 = "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2"
_PORTED = "These weights are ported from the original paper."


def _weights(file, acc1, acc5, crop, resize, num_params, ops, file_size, interpolation=InterpolationMode.BICUBIC,
             recipe=_V1, docs=_PORTED, min_size=(1, 1), **preset):
    return _imagenet_weights(_URL + file, acc1, acc5, preset={"crop_size": crop, "resize_size": resize,
                                                               "interpolation": interpolation, **preset},
                             min_size=min_size, recipe=recipe, num_params=num_params, _ops=ops,
                             _file_size=file_size, _docs=docs)


class EfficientNet_B0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b0_rwightman-7f5810bc.pth", 77.692, 93.532, 224, 256, 5288548, 0.386,
                             20.451)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b1_rwightman-bac287d4.pth", 78.642, 94.186, 240, 256, 7794184, 0.687,
                             30.134)
    IMAGENET1K_V2 = _weights("efficientnet_b1-c27df63c.pth", 79.838, 94.934, 240, 255, 7794184, 0.687, 30.136,
                             InterpolationMode.BILINEAR,
                             "https://github.com/pytorch/vision/issues/3995#new-recipe-with-lr-wd-crop-tuning",
                             _MODIFIED_RECIPE)
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b2_rwightman-c35c1473.pth", 80.608, 95.310, 288, 288, 9109994, 1.088,
                             35.174)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b3_rwightman-b3899882.pth", 82.008, 96.054, 300, 320, 12233232, 1.827,
                             47.184)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b4_rwightman-23ab8bcd.pth", 83.384, 96.594, 380, 384, 19341616, 4.394,
                             74.489)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b5_lukemelas-1a07897c.pth", 83.444, 96.628, 456, 456, 30389784, 10.266,
                             116.864)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b6_lukemelas-24a108a5.pth", 84.008, 96.916, 528, 528, 43040704, 19.068,
                             165.362)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b7_lukemelas-c5b4e57e.pth", 84.122, 96.908, 600, 600, 66347960, 37.746,
                             254.675)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_s-dd5fe13b.pth", 84.228, 96.878, 384, 384, 21458488, 8.366, 82.704,
                             InterpolationMode.BILINEAR, _V2, _MODIFIED_RECIPE, (33, 33))
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_m-dc08266a.pth", 85.112, 97.156, 480, 480, 54139356, 24.582, 208.010,
                             InterpolationMode.BILINEAR, _V2, _MODIFIED_RECIPE, (33, 33))
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_l-59c71312.pth", 85.808, 97.788, 480, 480, 118515272, 56.080,
                             454.573, InterpolationMode.BICUBIC, _V2, _PORTED, (33, 33), mean=(0.5, 0.5, 0.5),
                             std=(0.5, 0.5, 0.5))
    DEFAULT = IMAGENET1K_V1


_V1_PAPER = ("from `EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks "
             "<https://arxiv.org/abs/1905.11946>`_")
_V2_PAPER = "from `EfficientNetV2: Smaller Models and Faster Training <https://arxiv.org/abs/2104.00298>`_"
_SLOW_BN = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
_V2_BN = partial(nn.BatchNorm2d, eps=1e-03)


def _b(name, enum, dropout, width, depth, norm_layer=None):
    return _builder(name, enum, _efficientnet, name, dropout, norm_layer,
                    {"width_mult": width, "depth_mult": depth}, doc=f"EfficientNet {name[-2:].upper()} {_V1_PAPER}.")


def _v2(name, enum, dropout):
    return _builder(name, enum, _efficientnet, name, dropout, _V2_BN, {},
                    doc=f"EfficientNetV2-{name[-1].upper()} {_V2_PAPER}.")


efficientnet_b0 = _b("efficientnet_b0", EfficientNet_B0_Weights, 0.2, 1.0, 1.0)
efficientnet_b1 = _b("efficientnet_b1", EfficientNet_B1_Weights, 0.2, 1.0, 1.1)
efficientnet_b2 = _b("efficientnet_b2", EfficientNet_B2_Weights, 0.3, 1.1, 1.2)
efficientnet_b3 = _b("efficientnet_b3", EfficientNet_B3_Weights, 0.3, 1.2, 1.4)
efficientnet_b4 = _b("efficientnet_b4", EfficientNet_B4_Weights, 0.4, 1.4, 1.8)
efficientnet_b5 = _b("efficientnet_b5", EfficientNet_B5_Weights, 0.4, 1.6, 2.2, _SLOW_BN)
efficientnet_b6 = _b("efficientnet_b6", EfficientNet_B6_Weights, 0.5, 1.8, 2.6, _SLOW_BN)
efficientnet_b7 = _b("efficientnet_b7", EfficientNet_B7_Weights, 0.5, 2.0, 3.1, _SLOW_BN)
efficientnet_v2_s = _v2("efficientnet_v2_s", EfficientNet_V2_S_Weights, 0.2)
efficientnet_v2_m = _v2("efficientnet_v2_m", EfficientNet_V2_M_Weights, 0.3)
efficientnet_v2_l = _v2("efficientnet_v2_l", EfficientNet_V2_L_Weights, 0.4)
