"""torchvision.utils: ``make_grid`` and ``save_image``."""
import math

import flambeau
from ._pil import image_module


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Lays a batch ``(B, C, H, W)`` (or a list of images) out in rows of ``nrow``, with
    ``padding`` pixels of ``pad_value`` around each; one-channel images become three."""
    if not isinstance(tensor, flambeau.Tensor):
        if not isinstance(tensor, list):
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
        for t in tensor:
            if not isinstance(t, flambeau.Tensor):
                raise TypeError("tensor or list of tensors expected, got a list containing "
                                f"{type(t)}")
        tensor = flambeau.stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = flambeau.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = flambeau.cat((tensor, tensor, tensor), 1)
    if normalize is True:
        tensor = tensor.clone()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and "
                            "max are numbers")
        for t in tensor if scale_each is True else (tensor,):
            low, high = value_range if value_range is not None else (float(t.min()),
                                                                     float(t.max()))
            t.clamp_(min=low, max=high)
            t.sub_(low).div_(max(high - low, 1e-5))
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    count = tensor.size(0)
    columns = min(nrow, count)
    rows = int(math.ceil(float(count) / columns))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    grid = tensor.new_full((tensor.size(1), height * rows + padding, width * columns + padding),
                           pad_value)
    for k in range(count):
        y, x = divmod(k, columns)
        top, left = y * height + padding, x * width + padding
        grid[:, top:top + height - padding, left:left + width - padding] = tensor[k]
    return grid


def save_image(tensor, fp, format=None, **kwargs):
    """Writes :func:`make_grid` of ``tensor`` (values in [0, 1]) as an 8-bit image file."""
    Image = image_module()
    with flambeau.no_grad():
        grid = make_grid(tensor, **kwargs)
        array = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(
            "cpu", flambeau.uint8).numpy()
    Image.fromarray(array).save(fp, format=format)
