"""The detection losses of torchvision.ops (its focal_loss, giou_loss, diou_loss and ciou_loss
modules): elementwise over matching boxes or predictions, then reduced."""
import math

import flambeau
from ...nn import functional as F

__all__ = ["sigmoid_focal_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]


def _reduce(loss, reduction, empty_mean_is_zero=True):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 or not empty_mean_is_zero else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', "
                     "'mean', 'sum'")


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """RetinaNet's focal loss (arXiv:1708.02002) of logits ``inputs`` against binary ``targets``:
    binary cross-entropy scaled by ``(1 - p_t) ** gamma`` and, unless ``alpha == -1``, by ``alpha``
    for positives and ``1 - alpha`` for negatives."""
    if not 0 <= alpha <= 1 and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = inputs.sigmoid()
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none") * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction, empty_mean_is_zero=False)


def _upcast_non_float(t):
    return t if t.dtype in (flambeau.float32, flambeau.float64) else t.float()


def _corners(boxes1, boxes2):
    """Both boxes' corners and their enclosing box's, each a tuple of ``x1, y1, x2, y2``."""
    a, b = boxes1.unbind(dim=-1), boxes2.unbind(dim=-1)
    enclosing = (flambeau.min(a[0], b[0]), flambeau.min(a[1], b[1]), flambeau.max(a[2], b[2]),
                 flambeau.max(a[3], b[3]))
    return a, b, enclosing


def _inter_union(a, b):
    """Intersection and union areas of matching boxes (corner tuples)."""
    w = flambeau.min(a[2], b[2]) - flambeau.max(a[0], b[0])
    h = flambeau.min(a[3], b[3]) - flambeau.max(a[1], b[1])
    inter = flambeau.where((w > 0) & (h > 0), w * h, flambeau.zeros_like(w))
    return inter, (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU`` of matching ``xyxy`` boxes (arXiv:1902.09630)."""
    a, b, c = _corners(_upcast_non_float(boxes1), _upcast_non_float(boxes2))
    inter, union = _inter_union(a, b)
    enclosing = (c[2] - c[0]) * (c[3] - c[1])
    return _reduce(1 - (inter / (union + eps) - (enclosing - union) / (enclosing + eps)), reduction)


def _diou_iou_loss(a, b, c, eps=1e-7):
    inter, union = _inter_union(a, b)
    iou = inter / (union + eps)
    diagonal = (c[2] - c[0]) ** 2 + (c[3] - c[1]) ** 2 + eps
    centres = ((a[2] + a[0]) / 2 - (b[0] + b[2]) / 2) ** 2 + ((a[3] + a[1]) / 2 - (b[1] + b[3]) / 2) ** 2
    return 1 - iou + centres / diagonal, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - DIoU`` of matching ``xyxy`` boxes (arXiv:1911.08287)."""
    loss, _ = _diou_iou_loss(*_corners(_upcast_non_float(boxes1), _upcast_non_float(boxes2)), eps)
    return _reduce(loss, reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - CIoU`` of matching ``xyxy`` boxes (arXiv:1911.08287); as in torchvision, its
    distance term uses the default ``eps`` and the weight ``alpha`` is not differentiated."""
    a, b, c = _corners(_upcast_non_float(boxes1), _upcast_non_float(boxes2))
    diou_loss, iou = _diou_iou_loss(a, b, c)
    v = (4 / math.pi ** 2) * (((b[2] - b[0]) / (b[3] - b[1])).atan() - ((a[2] - a[0]) / (a[3] - a[1])).atan()) ** 2
    with flambeau.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)
