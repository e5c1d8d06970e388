"""torchvision.ops.boxes: box formats, areas, IoU and non-maximum suppression."""
import math

import numpy as np

import flambeau

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert",
           "box_area", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou", "masks_to_boxes"]


def _check_nms(boxes, scores):
    if boxes.dim() != 2 or boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(-1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError("boxes and scores should have same number of elements in dimension 0, "
                           f"got {boxes.size(0)} and {scores.size(0)}")


def nms(boxes, scores, iou_threshold):
    """Indices (int64) of the boxes kept by non-maximum suppression, by decreasing score.

    Boxes are ``(x1, y1, x2, y2)``; a box is dropped when its IoU with a kept, higher-scoring box
    exceeds ``iou_threshold``. Equal scores keep their input order, as torchvision's CPU kernel.
    """
    _check_nms(boxes, scores)
    b = boxes.detach().numpy()
    order = np.argsort(-scores.detach().numpy(), kind="stable")
    x1, y1, x2, y2 = b[order].T
    areas = (x2 - x1) * (y2 - y1)
    alive = np.ones(len(order), bool)
    keep = []
    for i in range(len(order)):
        if not alive[i]:
            continue
        keep.append(order[i])
        rest = slice(i + 1, None)
        w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0)
        h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        alive[rest] &= ~(inter / (areas[i] + areas[rest] - inter) > iou_threshold)
    return flambeau.tensor(np.array(keep, np.int64), dtype=flambeau.int64)


def batched_nms(boxes, scores, idxs, iou_threshold):
    """:func:`nms` run separately for each category in ``idxs``; indices by decreasing score."""
    if boxes.numel() == 0:
        return flambeau.empty((0,), dtype=flambeau.int64)
    offsets = idxs.to(boxes.dtype) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def remove_small_boxes(boxes, min_size):
    """Indices of the ``(x1, y1, x2, y2)`` boxes whose width and height are both ``>= min_size``."""
    keep = (boxes[..., 2] - boxes[..., 0] >= min_size) & (boxes[..., 3] - boxes[..., 1] >= min_size)
    return flambeau.where(keep)[0]


def clip_boxes_to_image(boxes, size):
    """``(x1, y1, x2, y2)`` boxes clamped inside an image of ``size`` ``(height, width)``."""
    height, width = size
    xs = boxes[..., 0::2].clamp(min=0, max=width)
    ys = boxes[..., 1::2].clamp(min=0, max=height)
    return flambeau.stack((xs, ys), dim=boxes.dim()).reshape(boxes.shape)


_AXIS_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("xywhr", "cxcywhr", "xyxyxyxy")


def _to_xyxy(boxes, fmt):
    a, b, c, d = boxes.unbind(-1)
    if fmt == "xywh":
        return flambeau.stack((a, b, a + c, b + d), dim=-1)
    return flambeau.stack((a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d), dim=-1)


def _from_xyxy(boxes, fmt):
    x1, y1, x2, y2 = boxes.unbind(-1)
    if fmt == "xywh":
        return flambeau.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)
    return flambeau.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _rotated(boxes, columns):
    """Stacks the computed columns; integer boxes are rounded back to their dtype."""
    out = flambeau.stack(columns, dim=-1)
    if not boxes.is_floating_point():
        out = out.round_().to(boxes.dtype)
    return out


def _cos_sin(r):
    rad = r * math.pi / 180.0
    return rad.cos(), rad.sin()


def _to_xywhr(boxes, fmt):
    if fmt == "cxcywhr":
        cx, cy, w, h, r = boxes.unbind(-1)
        cos, sin = _cos_sin(r)
        return _rotated(boxes, (cx - w / 2 * cos - h / 2 * sin, cy - h / 2 * cos + w / 2 * sin, w, h, r))
    x1, y1, x2, y2, x3, y3, _, _ = boxes.unbind(-1)
    return _rotated(boxes, (x1, y1, ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt(),
                            ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt(),
                            flambeau.atan2(y1 - y2, x2 - x1) * 180 / math.pi))


def _from_xywhr(boxes, fmt):
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    if fmt == "cxcywhr":
        return _rotated(boxes, (x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos, w, h, r))
    x2, y2 = x1 + w * cos, y1 - w * sin
    return _rotated(boxes, (x1, y1, x2, y2, x2 + h * sin, y2 + h * cos, x1 + h * sin, y1 + h * cos))


def box_convert(boxes, in_fmt, out_fmt):
    """Boxes ``(..., K)`` converted from ``in_fmt`` to ``out_fmt``: 'xyxy', 'xywh', 'cxcywh'
    (K = 4), 'xywhr', 'cxcywhr' (K = 5, angle in degrees counter-clockwise), 'xyxyxyxy' (K = 8).
    Axis-aligned and rotated formats do not convert into each other (as in torchvision)."""
    if in_fmt not in _AXIS_ALIGNED + _ROTATED or out_fmt not in _AXIS_ALIGNED + _ROTATED:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    for family, hub, to_hub, from_hub in ((_AXIS_ALIGNED, "xyxy", _to_xyxy, _from_xyxy),
                                          (_ROTATED, "xywhr", _to_xywhr, _from_xywhr)):
        if in_fmt in family and out_fmt in family:
            if in_fmt != hub:
                boxes = to_hub(boxes, in_fmt)
            return boxes if out_fmt == hub else from_hub(boxes, out_fmt)
    raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")


def _upcast(t):
    """float16/bfloat16 to float32 and small integers to int32, against overflow in products."""
    if t.is_floating_point():
        return t if t.dtype in (flambeau.float32, flambeau.float64) else t.float()
    return t if t.dtype in (flambeau.int32, flambeau.int64) else t.int()


def box_area(boxes, fmt="xyxy"):
    """Areas of boxes ``(..., 4)`` given as 'xyxy', 'xywh' or 'cxcywh'."""
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _pairwise_wh(boxes1, boxes2, enclosing):
    """Width and height ``(..., N, M, 2)`` of each pair's intersection, or of the smallest box
    enclosing both (``xyxy`` boxes)."""
    low, high = (flambeau.min, flambeau.max) if enclosing else (flambeau.max, flambeau.min)
    lt = low(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rb = high(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rb - lt).clamp(min=0)


def _inter_union(boxes1, boxes2, fmt="xyxy"):
    area1, area2 = box_area(boxes1, fmt), box_area(boxes2, fmt)
    if fmt != "xyxy":
        boxes1, boxes2 = _to_xyxy(boxes1, fmt), _to_xyxy(boxes2, fmt)
    wh = _pairwise_wh(boxes1, boxes2, enclosing=False)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection over union ``(..., N, M)`` of boxes ``(..., N, K)`` and
    ``(..., M, K)`` in an axis-aligned format ('xyxy', 'xywh', 'cxcywh') or, for ``(N, K)``
    boxes, a rotated one ('cxcywhr', 'xywhr', 'xyxyxyxy'; not differentiable, as torchvision's
    kernel)."""
    if fmt in _ROTATED:
        return _box_iou_rotated(boxes1, boxes2, fmt)
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {_AXIS_ALIGNED}. "
                         "Supported rotated formats: ('cxcywhr', 'xywhr', 'xyxyxyxy').")
    inter, union = _inter_union(boxes1, boxes2, fmt)
    return inter / union


def _box_iou_rotated(boxes1, boxes2, fmt):
    """IoU of rotated boxes: the intersection is the convex polygon of the corners of each box
    inside the other and of the crossings of their edges, its area by the shoelace formula
    over those points sorted by angle about their mean (float64, pairs in row chunks)."""
    corners = [box_convert(b.detach(), fmt, "xyxyxyxy").numpy().astype(np.float64).reshape(-1, 4, 2)
               for b in (boxes1, boxes2)]
    areas = [0.5 * np.abs(_shoelace(c)) for c in corners]
    b = corners[1][None]
    out = np.zeros((len(corners[0]), len(b[0])))
    step = max(1, 100_000 // max(len(b[0]), 1))
    for start in range(0, len(out), step):
        a = corners[0][start:start + step, None]  # (n, 1, 4, 2) against (1, M, 4, 2)
        a, bb = np.broadcast_arrays(a, b)
        points = np.concatenate([a, bb, _crossings(a, bb)], axis=2)  # (n, M, 24, 2)
        valid = np.concatenate([_inside(a, bb), _inside(bb, a),
                                np.isfinite(points[:, :, 8:, 0])], axis=2)
        centre = (np.where(valid[..., None], points, 0).sum(2)
                  / np.maximum(valid.sum(2), 1)[..., None])
        angle = np.arctan2(points[..., 1] - centre[..., 1:2], points[..., 0] - centre[..., 0:1])
        order = np.argsort(np.where(valid, angle, np.inf), axis=2)
        ring = np.take_along_axis(points, order[..., None], axis=2)
        first = ring[:, :, :1]
        ring = np.where(np.take_along_axis(valid, order, axis=2)[..., None], ring, first)
        inter = 0.5 * np.abs(_shoelace(ring))
        area1, area2 = areas[0][start:start + step, None], areas[1][None]
        union = area1 + area2 - inter
        ok = (area1 >= 1e-14) & (area2 >= 1e-14)
        out[start:start + step] = np.where(ok, inter / np.where(ok, union, 1), 0)
    return flambeau.from_numpy(out.astype(boxes1.detach().numpy().dtype))


def _shoelace(ring):
    """Twice the signed area of the closed polygons ``(..., P, 2)``."""
    following = np.roll(ring, -1, axis=-2)
    return (ring[..., 0] * following[..., 1] - ring[..., 1] * following[..., 0]).sum(-1)


def _inside(points, quads):
    """Whether each of the 4 corners ``points`` lies in the rectangle ``quads`` (same shapes)."""
    origin, ab, ad = quads[..., :1, :], quads[..., 1:2, :] - quads[..., :1, :], \
        quads[..., 3:4, :] - quads[..., :1, :]
    ap = points - origin
    along_ab, along_ad = (ap * ab).sum(-1), (ap * ad).sum(-1)
    return (along_ab >= -1e-6) & (along_ab <= (ab * ab).sum(-1) + 1e-6) & \
        (along_ad >= -1e-6) & (along_ad <= (ad * ad).sum(-1) + 1e-6)


def _crossings(a, b):
    """``(..., 16, 2)``: where each edge of quad ``a`` crosses each edge of ``b`` (NaN where
    they do not)."""
    p, r = a[..., :, None, :], (np.roll(a, -1, axis=-2) - a)[..., :, None, :]
    q, t = b[..., None, :, :], (np.roll(b, -1, axis=-2) - b)[..., None, :, :]
    cross = r[..., 0] * t[..., 1] - r[..., 1] * t[..., 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (qp[..., 0] * t[..., 1] - qp[..., 1] * t[..., 0]) / cross
        v = (qp[..., 0] * r[..., 1] - qp[..., 1] * r[..., 0]) / cross
        hit = (np.abs(cross) > 1e-14) & (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
        points = np.where(hit[..., None], p + u[..., None] * r, np.nan)
    return points.reshape(*points.shape[:-3], 16, 2)


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU of ``xyxy`` boxes: IoU less the part of the enclosing box that the
    union does not cover."""
    inter, union = _inter_union(boxes1, boxes2)
    wh = _pairwise_wh(boxes1, boxes2, enclosing=True)
    enclosing = wh[..., 0] * wh[..., 1]
    return inter / union - (enclosing - union) / enclosing


def _diou_iou(boxes1, boxes2, eps):
    iou = box_iou(boxes1, boxes2)
    wh = _pairwise_wh(boxes1, boxes2, enclosing=True)
    diagonal = wh[..., 0] ** 2 + wh[..., 1] ** 2 + eps
    cx1, cy1 = (boxes1[..., 0] + boxes1[..., 2]) / 2, (boxes1[..., 1] + boxes1[..., 3]) / 2
    cx2, cy2 = (boxes2[..., 0] + boxes2[..., 2]) / 2, (boxes2[..., 1] + boxes2[..., 3]) / 2
    centres = _upcast(cx1[..., None] - cx2[..., None, :]) ** 2 + _upcast(cy1[..., None] - cy2[..., None, :]) ** 2
    return iou - centres / diagonal, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU of ``xyxy`` boxes: IoU less the squared distance of the centres over
    the squared diagonal of the enclosing box."""
    return _diou_iou(_upcast(boxes1), _upcast(boxes2), eps)[0]


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise complete IoU of ``xyxy`` boxes: distance IoU less an aspect-ratio consistency term
    (its weight ``alpha`` is not differentiated, as in torchvision)."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _diou_iou(boxes1, boxes2, eps)
    ratio1 = (boxes1[..., None, 2] - boxes1[..., None, 0]) / (boxes1[..., None, 3] - boxes1[..., None, 1])
    ratio2 = (boxes2[..., None, :, 2] - boxes2[..., None, :, 0]) / (boxes2[..., None, :, 3] - boxes2[..., None, :, 1])
    v = (4 / math.pi ** 2) * (ratio1.atan() - ratio2.atan()) ** 2
    with flambeau.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """The ``xyxy`` float boxes ``(N, 4)`` around the nonzero pixels of masks ``(N, H, W)``; an
    empty mask gives ``[0, 0, 0, 0]``."""
    if masks.numel() == 0:
        return flambeau.zeros((0, 4), dtype=flambeau.float32)
    m = masks.detach().numpy().astype(bool)
    rows, cols = m.any(2), m.any(1)
    boxes = np.stack([cols.argmax(1), rows.argmax(1), m.shape[2] - 1 - cols[:, ::-1].argmax(1),
                      m.shape[1] - 1 - rows[:, ::-1].argmax(1)], axis=1).astype(np.float32)
    boxes[~rows.any(1)] = 0
    return flambeau.from_numpy(boxes)
