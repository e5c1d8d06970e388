"""torchvision.utils: ``make_grid``, ``save_image``, ``draw_bounding_boxes``,
``draw_segmentation_masks``, ``draw_keypoints`` and ``flow_to_image``."""
import math
import warnings

import flambeau
from .. import _naming
from ._pil import image_module
from .transforms import functional as F


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


def _pil_modules():
    """``ImageColor``, ``ImageDraw`` and ``ImageFont`` (Pillow needed)."""
    image_module()
    from PIL import ImageColor, ImageDraw, ImageFont
    return ImageColor, ImageDraw, ImageFont


def _parse_colors(colors, *, num_objects, dtype=flambeau.uint8):
    """One RGB tuple per object from ``colors``: ``None`` (torchvision's palette), one colour (a
    Pillow colour string or an RGB tuple) for all, or a list of at least ``num_objects`` of them;
    in [0, 1] for floating ``dtype``."""
    if colors is None:
        colors = [tuple(i * p % 255 for p in (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1)) for i in range(num_objects)]
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    ImageColor = _pil_modules()[0]
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else c for c in colors]
    if dtype.is_floating_point:
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _check_image(image, channels, channels_message, type_message):
    if not isinstance(image, flambeau.Tensor):
        raise TypeError(type_message)
    if not (image.dtype == flambeau.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if image.size(0) not in channels:
        raise ValueError(channels_message)


def _dashed_line(draw, start, end, fill, width, dash_length=5):
    """Dashes of ``dash_length`` pixels with equal gaps from ``start`` to ``end``."""
    (x1, y1), (x2, y2) = start, end
    remaining = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    dash = True
    while remaining > 0:
        step = min(remaining, dash_length)
        angle = math.atan2(y2 - y1, x2 - x1)  # from the current point, as torchvision rounds
        end_x, end_y = x1 + math.cos(angle) * step, y1 + math.sin(angle) * step
        if dash:
            draw.line([(x1, y1), (end_x, end_y)], fill, width, None)
        remaining -= step
        x1, y1, dash = end_x, end_y, not dash


def _oriented_rectangle(draw, xy, fill, outline, width):
    """A rotated box ``(x1, y1, ..., x4, y4)``: its first side dashed, the others solid."""
    _dashed_line(draw, (xy[0], xy[1]), (xy[2], xy[3]), outline, width)
    for i in range(2, len(xy), 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % len(xy)], xy[(i + 3) % len(xy)])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None, font_size=None,
                        label_colors=None, label_background_colors=None, fill_labels=False):
    """Draws ``boxes`` (``(N, 4)`` as ``xmin, ymin, xmax, ymax``, or ``(N, 8)`` corners of rotated
    boxes, the first side dashed) on a ``(C, H, W)`` uint8 or float image with Pillow, with
    optional ``labels`` in ``font`` (Pillow's default font otherwise); returns a new image of the
    input's dtype, pixel for pixel as torchvision draws it."""
    _check_image(image, (1, 3), "Only grayscale and RGB images are supported",
                 f"Tensor expected, got {type(image)}")
    if boxes.shape[-1] == 4 and bool(((boxes[:, 0] > boxes[:, 2]) | (boxes[:, 1] > boxes[:, 3])).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert "
                         "to convert them")
    count = boxes.shape[0]
    if count == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * count
    elif len(labels) != count:
        raise ValueError(f"Number of boxes ({count}) and labels ({len(labels)}) mismatch. Please specify labels "
                         "for each box.")
    colors = _parse_colors(colors, num_objects=count)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=count)
    else:
        label_colors = colors
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=count)
    else:
        label_background_colors = colors
    _, ImageDraw, ImageFont = _pil_modules()
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        text_font = ImageFont.load_default()
    else:
        text_font = ImageFont.truetype(font=font, size=font_size or 10)
    if image.size(0) == 1:
        image = image.repeat(3, 1, 1)
    dtype = image.dtype
    canvas = F.to_pil_image(_to_uint8(image))
    draw = ImageDraw.Draw(canvas, "RGBA" if fill else None)
    for box, color, label, label_color, background in zip(boxes.to(flambeau.int64).tolist(), colors, labels,
                                                          label_colors, label_background_colors):
        fill_color = tuple(color) + (100,) if fill else None
        if len(box) > 4:
            _oriented_rectangle(draw, box, fill=fill_color, outline=color, width=width)
        else:
            draw.rectangle(box, width=width, outline=color, fill=fill_color)
        if label is not None:
            margin = width + 1
            if fill_labels:
                left, top, right, bottom = draw.textbbox((box[0] + margin, box[1] + margin), label, font=text_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=background)
            draw.text((box[0] + margin, box[1] + margin), label, fill=label_color, font=text_font)
    return _from_uint8(F.pil_to_tensor(canvas), dtype)


def _to_uint8(image):
    """A float image scaled to uint8 as transforms.v2's to_dtype scales it (unlike v1's
    convert_image_dtype)."""
    return image.mul(255 + 1.0 - 1e-3).to(flambeau.uint8) if image.is_floating_point() else image


def _from_uint8(image, dtype):
    return image.to(dtype).mul_(1.0 / 255) if dtype.is_floating_point else image


def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3,
                   visibility=None):
    """Draws the visible keypoints ``(num_instances, K, 2)`` of each instance on a ``(3, H, W)``
    uint8 or float image as discs of ``radius`` in ``colors``, joined by lines of ``width``
    between the pairs of ``connectivity`` whose two ends are visible."""
    _check_image(image, (3,), "Pass an RGB image. Other Image formats are not supported",
                 f"The image must be a tensor, got {type(image)}")
    if keypoints.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    if visibility is None:
        visibility = flambeau.ones(keypoints.shape[:-1], dtype=flambeau.bool)
    if visibility.ndim == 3:
        visibility = visibility.squeeze(-1)
    if visibility.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got ndim={visibility.ndim}")
    if visibility.shape != keypoints.shape[:-1]:
        raise ValueError("keypoints and visibility must have the same dimensionality for num_instances and "
                         f"K. Got {visibility.shape=} and {keypoints.shape=}")
    canvas = F.to_pil_image(_to_uint8(image))
    draw = _pil_modules()[1].Draw(canvas)
    for points, visible in zip(keypoints.to(flambeau.int64).tolist(), visibility.bool().tolist()):
        for (x, y), shown in zip(points, visible):
            if shown:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors,
                             outline=None, width=0)
        for start, end in connectivity or ():
            if visible[start] and visible[end]:
                draw.line((tuple(points[start]), tuple(points[end])), width=width)
    return _from_uint8(F.pil_to_tensor(canvas), image.dtype)


def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Blends boolean ``masks`` (``(N, H, W)`` or ``(H, W)``) in their colours over a ``(3, H, W)``
    uint8 or float image with opacity ``alpha``; pixels under several masks turn black."""
    _check_image(image, (3,), "Pass an RGB image. Other Image formats are not supported",
                  f"The image must be a tensor, got {type(image)}")
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != flambeau.bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    if masks.size(0) == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    dtype = image.dtype
    with flambeau.no_grad():
        painted = image.detach().clone()
        for mask, color in zip(masks, _parse_colors(colors, num_objects=masks.size(0), dtype=dtype)):
            painted[:, mask] = flambeau.tensor(color, dtype=dtype)[:, None]
        painted[:, masks.sum(dim=0) > 1] = 0
        return (image * (1 - alpha) + painted * alpha).to(dtype)


def flow_to_image(flow):
    """An optical flow ``(N, 2, H, W)`` or ``(2, H, W)`` (float32) as a uint8 RGB image: the
    direction picks a colour on Middlebury's colour wheel, the length (over the largest) its
    saturation."""
    if flow.dtype != flambeau.float:
        raise ValueError(f"Flow should be of dtype {_naming.public_name}.float, got {flow.dtype}.")
    shape = flow.shape
    if flow.ndim == 3:
        flow = flow[None]
    if flow.ndim != 4 or flow.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {shape}.")
    with flambeau.no_grad():
        largest = flambeau.sum(flow.pow(2), dim=1).sqrt().max()
        flow = flow / (largest + flambeau.finfo(flow.dtype).eps)
        norm = flambeau.sum(flow.pow(2), dim=1).sqrt()
        wheel = _colorwheel()
        angle = flambeau.atan2(-flow[:, 1], -flow[:, 0]) / math.pi
        position = (angle + 1) / 2 * (wheel.shape[0] - 1)
        k0 = flambeau.floor(position).to(flambeau.long)
        k1 = k0 + 1
        k1[k1 == wheel.shape[0]] = 0
        f = position - k0
        image = flambeau.zeros((flow.shape[0], 3) + tuple(flow.shape[2:]), dtype=flambeau.uint8)
        for c in range(3):
            col = (1 - f) * (wheel[k0, c] / 255.0) + f * (wheel[k1, c] / 255.0)
            image[:, c] = flambeau.floor(255 * (1 - norm * (1 - col)))
    return image[0] if len(shape) == 3 else image


def _colorwheel():
    """Middlebury's 55 colours (Baker et al., ICCV 2007): red-yellow, yellow-green, green-cyan,
    cyan-blue, blue-magenta and magenta-red ramps of 15, 6, 4, 11, 13 and 6 steps."""
    wheel = flambeau.zeros((55, 3))
    start = 0
    # (steps, channel held at 255, channel ramping, ramping up)
    for steps, held, ramp, up in ((15, 0, 1, True), (6, 1, 0, False), (4, 1, 2, True),
                                  (11, 2, 1, False), (13, 2, 0, True), (6, 0, 2, False)):
        values = flambeau.floor(255 * flambeau.arange(0, steps) / steps)
        wheel[start:start + steps, held] = 255
        wheel[start:start + steps, ramp] = values if up else 255 - values
        start += steps
    return wheel


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
