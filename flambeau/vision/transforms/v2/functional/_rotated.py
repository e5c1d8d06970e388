"""Rotated bounding boxes (torchvision's XYWHR, CXCYWHR and XYXYXYXY formats): conversions
between them, flips, shifts, moved corners squared back into rectangles and clamping to the
canvas, on float arrays ``(..., 5)`` or ``(..., 8)``. Angles are degrees,
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


# ---- clamping to the canvas ------------------------------------------------------------------
# Each pass works on the box's left side: its corners are listed from the leftmost one, each
# edge is the line y = a x + b, and the edges' intercepts b are kept inside the canvas (soft:
# the smallest box of the same angle holding the box's part on the canvas; hard: the largest
# one inside both). Four passes, the canvas turned a quarter between them, clamp every side.

def _first_leftmost(corners):
    """Indices (into ``(N, 8)`` corners) listing each box's corners from its leftmost one
    (the topmost of those nearly as far left)."""
    x, y = corners[:, 0::2], corners[:, 1::2]
    key = y / np.abs(y).max(1, keepdims=True) + x / np.abs(x).max(1, keepdims=True) * 100
    return (2 * key.argmin(1)[:, None] + np.arange(8)) % 8


def _lines(corners):
    """Slopes and intercepts of the four edges from each corner to the next."""
    x, y = corners[:, 0::2], corners[:, 1::2]
    a = (np.roll(y, -1, 1) - y) / (np.roll(x, -1, 1) - x)
    return a, y - a * x


def _clip(x, low, high):
    return np.minimum(np.maximum(x, low), high)


def _intercepts(corners, original, canvas_size, mode):
    """The edges' intercepts kept on the canvas, and within the original box's."""
    a, b = _lines(corners)
    (a1, a2, a3, a4), (b1, b2, b3, b4) = a.T, b.T.copy()
    bm = _lines(original)[1].T
    height, width = canvas_size
    top, bottom = _clip(_clip(b2, b1, b3), 0, height), _clip(_clip(b3, b2, b4), 0, height)
    if mode == "hard":  # the sides through the first and last corner meet; the others are
        top = bottom = (top + bottom) / 2  # pulled in as far as the canvas needs
        b2 = np.minimum(np.max([top * a2 / a1, b3 * a2 / a3, (a1 - a2) * width + top,
                                (a3 - a2) * width + b3], 0), b2)
        b3 = np.maximum(np.min([height * (1 - a3 / a4) + bottom * a3 / a4,
                                height * (1 - a3 / a2) + b2 * a3 / a2,
                                (a2 - a3) * width + b2, (a4 - a3) * width + bottom], 0), b3)
    top, bottom = _clip(top, bm[0], bm[2]), _clip(bottom, bm[1], bm[3])
    if mode == "hard":  # torchvision's first and last intercepts are one tensor, clamped twice
        top = bottom = _clip(top, bm[1], bm[3])
    return np.stack([top, _clip(b2, bm[1], bm[3]), _clip(b3, bm[0], bm[2]), bottom], -1)


def _clamp_left(corners, original, canvas_size, mode):
    """One pass: the boxes kept right of x = 0 (corners listed from the leftmost)."""
    a = _lines(corners)[0]
    b = _intercepts(corners, original, canvas_size, mode)
    x = -(b - np.roll(b, 1, 1)) / (a - np.roll(a, 1, 1))  # where each edge meets the last
    met = np.stack([x, a * x + b], -1).reshape(-1, 8)
    x1, y1, x2, y2, x3, y3, x4, y4 = corners.T
    moved = corners.copy()
    moved[:, [0, 6]] = np.maximum(moved[:, [0, 6]], 0)
    level = np.isclose(y1, y2) | np.isclose(y3, y4)
    gone = ((x1 <= 0) & (x2 <= 0) & (x3 <= 0) & (x4 <= 0)) | np.isclose(y1, y4) | \
        np.isclose(y2, y3) | (level & np.isclose(x1, x2))
    out = np.where(((x1 < 0) & ~np.isnan(met).any(-1))[:, None], met, corners)
    out = np.where(level[:, None], moved, out)
    return np.where(gone[:, None], 0, out)


def clamp(boxes, format, canvas_size, mode):
    """Rotated ``boxes`` (float array) kept on the canvas by ``mode`` ("soft" or "hard")."""
    shape = boxes.shape
    corners = convert(boxes, format, _F.XYXYXYXY).reshape(-1, 8)
    original = corners.copy()
    rows = np.arange(len(corners))[:, None]
    for _ in range(4):
        with np.errstate(divide="ignore", invalid="ignore"):  # vertical edges: inf slopes
            order = _first_leftmost(corners)
            corners, original = corners[rows, order], original[rows, order]
            corners = _clamp_left(corners, original, canvas_size, mode)
        corners = corners[rows, order]  # torchvision's second gather by the same order
        original = original[rows, order]
        height, width = canvas_size  # a quarter turn counter-clockwise
        corners = np.stack([corners[:, 1::2], width - corners[:, 0::2]], -1).reshape(-1, 8)
        original = np.stack([original[:, 1::2], width - original[:, 0::2]], -1).reshape(-1, 8)
        canvas_size = (width, height)
    return convert(corners, _F.XYXYXYXY, format).reshape(shape)


def rectangles(corners):
    """``(N, 8)`` parallelograms (moved corners) as the rectangles keeping the ends of the
    diagonal from the first corner, as torchvision squares them."""
    f = corners.dtype.type
    x1, y1, x2, y2, x3, y3, x4, y4 = corners.T
    cx, cy = (x1 + x3) / 2, (y1 + y3) / 2
    wp = np.sqrt((x2 - x1) ** 2 + (y2 - y1) ** 2)
    hp = np.sqrt((x4 - x1) ** 2 + (y4 - y1) ** 2)
    r12, r14 = np.arctan2(y1 - y2, x2 - x1), np.arctan2(y1 - y4, x4 - x1)
    between = r12 - r14
    sign = np.where(between > f(np.pi / 2), f(-1), f(1))
    cos, sin = np.cos(between), np.sin(between)
    w = np.where(wp < hp, wp * sin, wp + hp * cos * sign)
    h = np.where(wp > hp, hp * sin, hp + wp * cos * sign)
    angle = np.where(hp > wp, r14 + f(np.pi / 2), r12)
    cos, sin = np.cos(angle), np.sin(angle)
    half_w, half_h = w / 2, h / 2
    return np.stack([cx - half_w * cos - half_h * sin, cy - half_h * cos + half_w * sin,
                     cx + half_w * cos - half_h * sin, cy - half_h * cos - half_w * sin,
                     cx + half_w * cos + half_h * sin, cy + half_h * cos - half_w * sin,
                     cx - half_w * cos + half_h * sin, cy + half_h * cos + half_w * sin], -1)


def shift(boxes, format, dx, dy):
    """The boxes moved by ``(dx, dy)`` pixels."""
    out = boxes.copy()
    step = 2 if format == _F.XYXYXYXY else 5  # every corner, or the one point
    out[..., 0::step] += dx
    out[..., 1::step] += dy
    return out
