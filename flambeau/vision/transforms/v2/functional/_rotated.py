"""Rotated bounding boxes (torchvision's XYWHR, CXCYWHR and XYXYXYXY formats): conversions
between them and the flips, on float arrays ``(..., 5)`` or ``(..., 8)``. Angles are degrees,
counter-clockwise; XYWHR's point is the box's first corner (the top left before rotating),
XYXYXYXY lists the four corners from it in the order the unrotated box has them (top left,
top right, bottom right, bottom left). Each quantity is computed in torchvision's order of
operations, in the boxes' dtype."""
import numpy as np

from .... import tv_tensors

_F = tv_tensors.BoundingBoxFormat
_SWAP = [2, 3, 0, 1, 6, 7, 4, 5]  # a flip turns the corners' order around


def _cos_sin(degrees):
    f = degrees.dtype.type
    radians = degrees * f(np.pi) / f(180)
    return np.cos(radians), np.sin(radians)


def _to_xywhr(boxes, format):
    """``boxes`` (a float array of ``format``) as XYWHR, a new array."""
    if format == _F.XYXYXYXY:
        f = boxes.dtype.type
        x, y = boxes[..., 0::2], boxes[..., 1::2]
        angle = np.arctan2(y[..., 0] - y[..., 1], x[..., 1] - x[..., 0])
        dx, dy = np.diff(x[..., :3]), np.diff(y[..., :3])
        sides = np.sqrt(dx ** 2 + dy ** 2)  # the first corner to the second, then the third
        return np.stack([x[..., 0], y[..., 0], sides[..., 0], sides[..., 1],
                         angle / f(np.pi) * f(180)], -1)
    out = boxes.copy()
    if format == _F.CXCYWHR:
        cos, sin = _cos_sin(boxes[..., 4])
        half_w, half_h = boxes[..., 2] / 2, boxes[..., 3] / 2
        out[..., 0] = boxes[..., 0] - half_w * cos - half_h * sin
        out[..., 1] = boxes[..., 1] + half_w * sin - half_h * cos
    return out


def _from_xywhr(boxes, format):
    """XYWHR ``boxes`` as ``format``, a new array."""
    x, y, w, h = (boxes[..., k] for k in range(4))
    cos, sin = _cos_sin(boxes[..., 4])
    if format == _F.XYXYXYXY:
        return np.stack([x, y, x + w * cos, y - w * sin, x + (w * cos + h * sin),
                         y - (w * sin - h * cos), x + h * sin, y + h * cos], -1)
    out = boxes.copy()
    if format == _F.CXCYWHR:
        half_w, half_h = w / 2, h / 2
        out[..., 0] = x + half_w * cos + half_h * sin
        out[..., 1] = y - half_w * sin + half_h * cos
    return out


def convert(boxes, old_format, new_format):
    """``boxes`` (float array) from one rotated format to another."""
    if old_format == new_format:
        return boxes.copy()
    return _from_xywhr(_to_xywhr(boxes, old_format), new_format)


def flip(boxes, format, canvas_size, axis):
    """The boxes mirrored left-right (``axis`` 0: x) or top-bottom (1) on ``canvas_size``
    (height, width); the angle becomes ``-r`` or ``180 - r``."""
    out = boxes.copy()
    extent = canvas_size[1 - axis]
    if format == _F.XYXYXYXY:
        out[..., axis::2] = extent - boxes[..., axis::2]
        return out[..., _SWAP]
    if format == _F.XYWHR:  # the first corner becomes the second one's mirror
        cos, sin = _cos_sin(boxes[..., 4])
        x, y = boxes[..., 0] + boxes[..., 2] * cos, boxes[..., 1] - boxes[..., 2] * sin
        out[..., 0], out[..., 1] = (extent - x, y) if axis == 0 else (x, extent - y)
    else:
        out[..., axis] = extent - boxes[..., axis]
    out[..., 4] = -boxes[..., 4] if axis == 0 else 180 - boxes[..., 4]
    return out
