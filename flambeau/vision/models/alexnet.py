"""AlexNet (torchvision's ``models.alexnet``)."""
from ... import flatten, nn
from ._api import WeightsEnum
from ._utils import _builder, _imagenet_weights, _load_weights, _ovewrite_named_param

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet as in `One weird trick for parallelizing convolutional neural networks
    <https://arxiv.org/abs/1404.5997>`_ (torchvision's variant, not the original paper's)."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth", 56.522, 79.066, num_params=61100840,
        min_size=(63, 63), recipe="https://github.com/pytorch/vision/tree/main/references/classification"
                                  "#alexnet-and-vgg",
        _ops=0.714, _file_size=233.087,
        _docs="\n                These weights reproduce closely the results of the paper using a simplified "
              "training recipe.\n            ")
    DEFAULT = IMAGENET1K_V1


def _alexnet(weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = AlexNet(**kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


alexnet = _builder("alexnet", AlexNet_Weights, _alexnet, doc="AlexNet (torchvision's variant, see :class:`AlexNet`).")
