"""torchvision.ops.misc: the building blocks torchvision's models share."""
import warnings

from ... import nn, ones, zeros

__all__ = ["FrozenBatchNorm2d", "Conv2dNormActivation", "Conv3dNormActivation", "SqueezeExcitation",
           "MLP", "Permute"]


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d with fixed statistics and affine parameters, all four held as buffers.

    Args:
        num_features (int): number of channels ``C`` of an ``(N, C, H, W)`` input
        eps (float): added to the variance for numerical stability. Default: 1e-5
    """

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", ones(num_features))
        self.register_buffer("bias", zeros(num_features))
        self.register_buffer("running_mean", zeros(num_features))
        self.register_buffer("running_var", ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, x):
        scale = self.weight * (self.running_var + self.eps).rsqrt()
        shift = self.bias - self.running_mean * scale
        return x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)

    def __repr__(self):
        return f"{type(self).__name__}({self.weight.shape[0]}, eps={self.eps})"


class ConvNormActivation(nn.Sequential):
    """Convolution, then an optional normalisation, then an optional activation.

    ``padding=None`` keeps the spatial size at stride 1 (``(kernel_size - 1) // 2 * dilation``);
    the convolution has a bias only when there is no normalisation layer, unless ``bias`` says.
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True,
                 bias=None, conv_layer=nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                ndim = len(kernel_size) if not isinstance(kernel_size, int) else len(dilation)
                kernel_size = _ntuple(kernel_size, ndim)
                dilation = _ntuple(dilation, ndim)
                padding = tuple((k - 1) // 2 * d for k, d in zip(kernel_size, dilation))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding,
                             dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels
        if type(self) is ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")


def _ntuple(value, n):
    return tuple(value) if not isinstance(value, int) else (value,) * n


class Conv2dNormActivation(ConvNormActivation):
    """Conv2d, then ``norm_layer`` (default BatchNorm2d), then ``activation_layer`` (default ReLU).

    Args:
        in_channels (int), out_channels (int), kernel_size (default 3), stride (default 1),
        padding (default: ``(kernel_size - 1) // 2 * dilation``), groups (default 1),
        norm_layer, activation_layer (``None`` leaves the layer out), dilation (default 1),
        inplace (for the activation, default True), bias (default: only without a norm layer).
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True,
                 bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups,
                         norm_layer, activation_layer, dilation, inplace, bias, nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    """Conv3d, then ``norm_layer`` (default BatchNorm3d), then ``activation_layer`` (default ReLU);
    arguments as :class:`Conv2dNormActivation`."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True,
                 bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups,
                         norm_layer, activation_layer, dilation, inplace, bias, nn.Conv3d)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation (arXiv:1709.01507): channels rescaled by
    ``scale_activation(fc2(activation(fc1(avgpool(x)))))``, fc1/fc2 being 1x1 convolutions."""

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU,
                 scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))

    def forward(self, input):
        return self._scale(input) * input


class MLP(nn.Sequential):
    """Linear layers of widths ``hidden_channels``, each but the last followed by ``norm_layer``
    (optional) and ``activation_layer``, every one followed by ``Dropout(dropout)``."""

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU,
                 inplace=None, bias=True, dropout=0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        for hidden in hidden_channels[:-1]:
            layers.append(nn.Linear(in_channels, hidden, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden))
            layers += [activation_layer(**params), nn.Dropout(dropout, **params)]
            in_channels = hidden
        layers += [nn.Linear(in_channels, hidden_channels[-1], bias=bias), nn.Dropout(dropout, **params)]
        super().__init__(*layers)


class Permute(nn.Module):
    """Returns the input's dimensions permuted to ``dims`` (a view)."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute(self.dims)
