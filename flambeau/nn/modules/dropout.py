"""Dropout layers: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout.

Each draws a new mask on every call in training mode and is the identity in evaluation mode.
"""
from .. import functional as F
from .module import Module

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zeroes each element with probability ``p`` (a fresh Bernoulli draw per
    call) and scales the others by ``1 / (1 - p)``; in evaluation, the identity.

    Args: ``p`` (default 0.5), ``inplace`` (default False).
    Shape: input ``(*)``, output the same.
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels (1-D feature maps ``input[i, j]``) with probability ``p``,
    scaling the rest by ``1 / (1 - p)``.

    Args: ``p`` (default 0.5), ``inplace`` (default False).
    Shape: input ``(N, C, L)`` or ``(C, L)``, output the same.
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels (2-D feature maps ``input[i, j]``) with probability ``p``,
    scaling the rest by ``1 / (1 - p)``. As in torch, a 3-D input is taken as ``(N, C, L)``
    (1-D channel dropout, with a warning).

    Args: ``p`` (default 0.5), ``inplace`` (default False).
    Shape: input ``(N, C, H, W)`` or ``(N, C, L)``, output the same.
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels (3-D feature maps ``input[i, j]``) with probability ``p``,
    scaling the rest by ``1 / (1 - p)``.

    Args: ``p`` (default 0.5), ``inplace`` (default False).
    Shape: input ``(N, C, D, H, W)`` or ``(C, D, H, W)``, output the same.
    """

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value and
    an affine map keeps the input's mean and variance; the identity in evaluation.

    Args: ``p`` (default 0.5), ``inplace`` (accepted, unused as in torch).
    Shape: input ``(*)``, output the same.
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """``AlphaDropout`` of whole channels (``input[i, j]``).

    Args: ``p`` (default 0.5), ``inplace`` (accepted, unused as in torch).
    Shape: input ``(N, C, *)`` or ``(C, *)``, output the same.
    """

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
