"""DropBlock (arXiv:1810.12890): contiguous blocks of a feature map dropped at random while
training."""
from ... import nn
from ...nn import functional as F

__all__ = ["drop_block2d", "DropBlock2d", "drop_block3d", "DropBlock3d"]


def _drop_block(input, p, block_size, inplace, eps, training, nd):
    """Zeroes ``block_size``-wide cubes of each channel of an ``(N, C, *spatial)`` input around
    centres drawn with the rate that drops a fraction ``p`` of it, and rescales the rest so the
    mean is kept."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != nd + 2:
        raise ValueError(f"input should be {nd + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    spatial = input.shape[2:]
    block_size = min(block_size, *spatial)
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    centres, area = 1, 1
    for size in spatial:
        centres *= size - block_size + 1
        area *= size
    gamma = p * area / (block_size ** nd * centres)
    half = block_size // 2
    noise = input.new_empty(input.shape[:2] + tuple(s - block_size + 1 for s in spatial))
    noise = F.pad(noise.bernoulli_(gamma), [half] * (2 * nd), value=0)
    pool = F.max_pool2d if nd == 2 else F.max_pool3d
    noise = 1 - pool(noise, kernel_size=block_size, stride=1, padding=half)
    scale = noise.numel() / (eps + noise.sum())
    if inplace:
        return input.mul_(noise).mul_(scale)
    return input * noise * scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on an ``(N, C, H, W)`` input: see :class:`DropBlock2d`."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on an ``(N, C, D, H, W)`` input: see :class:`DropBlock3d`."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """Drops ``block_size x block_size`` squares so that a fraction ``p`` of each map is zeroed
    on average (``block_size`` odd; capped at the map's size), scaling the rest up."""

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return (f"{type(self).__name__}(p={self.p}, block_size={self.block_size}, "
                f"inplace={self.inplace})")


class DropBlock3d(DropBlock2d):
    """:class:`DropBlock2d` on ``(N, C, D, H, W)`` volumes (cubes dropped)."""

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
