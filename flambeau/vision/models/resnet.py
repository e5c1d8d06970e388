"""ResNet, ResNeXt and Wide ResNet (torchvision's ``models.resnet``)."""
from ... import flatten, nn
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _ovewrite_named_param

__all__ = ["ResNet", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights",
           "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights", "ResNeXt101_64X4D_Weights",
           "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
           "wide_resnet101_2"]


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution without bias, padded to keep the size at stride 1."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution without bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm and a residual connection (ResNet-18/34)."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1, 3x3 (strided, grouped) and 1x1 convolutions with batch norm and a residual
    connection (ResNet V1.5: the stride is on the 3x3 convolution)."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class ResNet(nn.Module):
    """A residual network of ``block``s, ``layers[i]`` of them in stage ``i``, from `Deep Residual
    Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`_."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None "
                             f"or a 3-element tuple, got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # each block then starts as the identity
            for m in self.modules():
                last_bn = m.bn3 if isinstance(m, Bottleneck) else m.bn2 if isinstance(m, BasicBlock) else None
                if last_bn is not None and last_bn.weight is not None:
                    nn.init.constant_(last_bn.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                         dilation=self.dilation, norm_layer=norm_layer) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(flatten(self.avgpool(x), 1))

    def forward(self, x):
        return self._forward_impl(x)


def _resnet(block, layers, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ResNet(block, layers, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_V1_DOCS = "These weights reproduce closely the results of the paper using a simple training recipe."
_NEW_RECIPE = ("TorchVision's `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-"
               "the-art-models-using-torchvision-latest-primitives/>`_.\n            ")
_V2_DOCS = "\n                These weights improve upon the results of the original paper by using " + _NEW_RECIPE


def _v1(file, acc1, acc5, num_params, ops, file_size, recipe="resnet"):
    if not recipe.startswith("https:"):
        recipe = "https://github.com/pytorch/vision/tree/main/references/classification#" + recipe
    return _imagenet_weights(_URL + file, acc1, acc5, min_size=(1, 1), num_params=num_params, recipe=recipe,
                             _ops=ops, _file_size=file_size, _docs=_V1_DOCS)


def _v2(file, acc1, acc5, num_params, ops, file_size, recipe="new-recipe", docs=_V2_DOCS):
    return _imagenet_weights(_URL + file, acc1, acc5, preset={"resize_size": 232}, min_size=(1, 1),
                             num_params=num_params, recipe="https://github.com/pytorch/vision/" + recipe,
                             _ops=ops, _file_size=file_size, _docs=docs)


class ResNet18_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnet18-f37072fd.pth", 69.758, 89.078, 11689512, 1.814, 44.661)
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnet34-b627a593.pth", 73.314, 91.420, 21797672, 3.664, 83.275)
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnet50-0676ba61.pth", 76.130, 92.862, 25557032, 4.089, 97.781)
    IMAGENET1K_V2 = _v2("resnet50-11ad3fa6.pth", 80.858, 95.434, 25557032, 4.089, 97.79,
                        "issues/3995#issuecomment-1013906621")
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnet101-63fe2227.pth", 77.374, 93.546, 44549160, 7.801, 170.511)
    IMAGENET1K_V2 = _v2("resnet101-cd907fc2.pth", 81.886, 95.780, 44549160, 7.801, 170.53, "issues/3995#new-recipe")
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnet152-394f9c45.pth", 78.312, 94.046, 60192808, 11.514, 230.434)
    IMAGENET1K_V2 = _v2("resnet152-f82ba261.pth", 82.284, 96.002, 60192808, 11.514, 230.474,
                        "issues/3995#new-recipe")
    DEFAULT = IMAGENET1K_V2


class ResNeXt50_32X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnext50_32x4d-7cdf4587.pth", 77.618, 93.698, 25028904, 4.23, 95.789, "resnext")
    IMAGENET1K_V2 = _v2("resnext50_32x4d-1a0047aa.pth", 81.198, 95.340, 25028904, 4.23, 95.833,
                        "issues/3995#new-recipe")
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_32X8D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("resnext101_32x8d-8ba56ff5.pth", 79.312, 94.526, 88791336, 16.414, 339.586, "resnext")
    IMAGENET1K_V2 = _v2("resnext101_32x8d-110c445d.pth", 82.834, 96.228, 88791336, 16.414, 339.673,
                        "issues/3995#new-recipe-with-fixres")
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_64X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v2("resnext101_64x4d-173b62eb.pth", 83.246, 96.454, 83455272, 15.46, 319.318, "pull/5935",
                        "\n                These weights were trained from scratch by using " + _NEW_RECIPE)
    DEFAULT = IMAGENET1K_V1


class Wide_ResNet50_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("wide_resnet50_2-95faca4d.pth", 78.468, 94.086, 68883240, 11.398, 131.82,
                        "https://github.com/pytorch/vision/pull/912#issue-445437439")
    IMAGENET1K_V2 = _v2("wide_resnet50_2-9ba9bcbe.pth", 81.602, 95.758, 68883240, 11.398, 263.124,
                        "issues/3995#new-recipe-with-fixres")
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet101_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("wide_resnet101_2-32ee1156.pth", 78.848, 94.284, 126886696, 22.753, 242.896,
                        "https://github.com/pytorch/vision/pull/912#issue-445437439")
    IMAGENET1K_V2 = _v2("wide_resnet101_2-d733dc28.pth", 82.510, 96.020, 126886696, 22.753, 484.747,
                        "issues/3995#new-recipe")
    DEFAULT = IMAGENET1K_V2


_PAPER = "from `Deep Residual Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`__"
_NEXT = "from `Aggregated Residual Transformation for Deep Neural Networks <https://arxiv.org/abs/1611.05431>`_"
_WIDE = ("from `Wide Residual Networks <https://arxiv.org/abs/1605.07146>`_: the bottleneck's inner 3x3 "
         "convolution has twice the channels")
resnet18 = _builder("resnet18", ResNet18_Weights, _resnet, BasicBlock, [2, 2, 2, 2], doc=f"ResNet-18 {_PAPER}.")
resnet34 = _builder("resnet34", ResNet34_Weights, _resnet, BasicBlock, [3, 4, 6, 3], doc=f"ResNet-34 {_PAPER}.")
resnet50 = _builder("resnet50", ResNet50_Weights, _resnet, Bottleneck, [3, 4, 6, 3], doc=f"ResNet-50 {_PAPER}.")
resnet101 = _builder("resnet101", ResNet101_Weights, _resnet, Bottleneck, [3, 4, 23, 3],
                     doc=f"ResNet-101 {_PAPER}.")
resnet152 = _builder("resnet152", ResNet152_Weights, _resnet, Bottleneck, [3, 8, 36, 3],
                     doc=f"ResNet-152 {_PAPER}.")
resnext50_32x4d = _builder("resnext50_32x4d", ResNeXt50_32X4D_Weights, _resnet, Bottleneck, [3, 4, 6, 3],
                           groups=32, width_per_group=4, doc=f"ResNeXt-50 32x4d {_NEXT}.")
resnext101_32x8d = _builder("resnext101_32x8d", ResNeXt101_32X8D_Weights, _resnet, Bottleneck, [3, 4, 23, 3],
                            groups=32, width_per_group=8, doc=f"ResNeXt-101 32x8d {_NEXT}.")
resnext101_64x4d = _builder("resnext101_64x4d", ResNeXt101_64X4D_Weights, _resnet, Bottleneck, [3, 4, 23, 3],
                            groups=64, width_per_group=4, doc=f"ResNeXt-101 64x4d {_NEXT}.")
wide_resnet50_2 = _builder("wide_resnet50_2", Wide_ResNet50_2_Weights, _resnet, Bottleneck, [3, 4, 6, 3],
                           width_per_group=128, doc=f"Wide ResNet-50-2 {_WIDE}.")
wide_resnet101_2 = _builder("wide_resnet101_2", Wide_ResNet101_2_Weights, _resnet, Bottleneck, [3, 4, 23, 3],
                            width_per_group=128, doc=f"Wide ResNet-101-2 {_WIDE}.")
