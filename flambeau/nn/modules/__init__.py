"""The module classes of ``nn``, one file per family as in torch.nn.modules."""
from .module import Module
from .activation import (CELU, ELU, GELU, GLU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,
                         LeakyReLU, LogSigmoid, LogSoftmax, Mish, MultiheadAttention, PReLU, ReLU,
                         ReLU6, RReLU, SELU, SiLU, Sigmoid, Softmax, Softmax2d, Softmin, Softplus,
                         Softshrink, Softsign, Tanh, Tanhshrink, Threshold)
from .dropout import (AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d,
                      FeatureAlphaDropout)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .flatten import Flatten, Unflatten
from .lazy import LazyModuleMixin
from .linear import Bilinear, Identity, LazyLinear, Linear
from . import conv, fold, padding, pixelshuffle, pooling, upsampling
from .conv import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from . import batchnorm, distance, instancenorm, linear_cross_entropy_options, loss, normalization
from .batchnorm import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .instancenorm import *  # noqa: F401,F403
from .linear_cross_entropy_options import LinearCrossEntropyOptions
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from . import rnn, sparse
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from . import transformer
from .transformer import *  # noqa: F401,F403

__all__ = ["AlphaDropout", "CELU", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "ELU",
           "FeatureAlphaDropout", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish",
           "Hardtanh", "LeakyReLU", "LogSigmoid", "LogSoftmax", "Mish", "MultiheadAttention",
           "PReLU", "ReLU", "ReLU6",
           "RReLU", "SELU", "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus",
           "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold",
           "Bilinear", "Flatten", "Identity", "LazyLinear", "LazyModuleMixin", "Linear",
           "Module", "ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential",
           "Unflatten"]
__all__ += [*batchnorm.__all__, *distance.__all__, *instancenorm.__all__, *loss.__all__,
            *normalization.__all__, "LinearCrossEntropyOptions", *conv.__all__,
            *fold.__all__, *padding.__all__, *pixelshuffle.__all__, *pooling.__all__,
            *upsampling.__all__, *rnn.__all__, *sparse.__all__,
            *transformer.__all__]
