"""``nn.utils``: gradient clipping, parameter vectors, parametrizations, weight and spectral
normalisation, and calling a module with other parameters."""
from . import parametrizations, parametrize, rnn, stateless
from .clip_grad import (_clip_grads_with_norm_ as clip_grads_with_norm_,
                        _get_total_norm as get_total_norm, clip_grad_norm, clip_grad_norm_,
                        clip_grad_value_)
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_",
           "fuse_conv_bn_eval", "fuse_conv_bn_weights",
           "get_total_norm", "parameters_to_vector", "parametrizations", "parametrize",
           "remove_spectral_norm", "remove_weight_norm", "rnn", "spectral_norm", "stateless",
           "vector_to_parameters", "weight_norm"]
