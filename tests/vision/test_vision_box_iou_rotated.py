"""box_iou of rotated boxes (torchvision's compiled box_iou_rotated does not load here)
against polygon clipping of the corners torchvision's own box_convert gives, and against the
axis-aligned IoU and closed forms."""
import math

import numpy as np
import pytest

import flambeau
from flambeau.vision import ops as FO

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


def clip_area(subject, clip):
    """Area of convex polygon ``subject`` clipped by convex ``clip`` (Sutherland-Hodgman)."""
    def side(p, a, b):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    orientation = np.sign(sum(side(clip[(i + 2) % 4], clip[i], clip[(i + 1) % 4])
                              for i in range(4)))
    polygon = [tuple(p) for p in subject]
    for i in range(4):
        a, b = clip[i], clip[(i + 1) % 4]
        points, polygon = polygon, []
        for j, p in enumerate(points):
            q = points[(j + 1) % len(points)]
            sp, sq = side(p, a, b) * orientation, side(q, a, b) * orientation
            if sp >= 0:
                polygon.append(p)
            if sp * sq < 0:
                t = sp / (sp - sq)
                polygon.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
        if not polygon:
            return 0.0
    return 0.5 * abs(sum(p[0] * q[1] - p[1] * q[0]
                         for p, q in zip(polygon, polygon[1:] + polygon[:1])))


def reference(boxes1, boxes2):
    c1, c2 = (torchvision.ops.box_convert(torch.from_numpy(b), "cxcywhr", "xyxyxyxy").numpy()
              .reshape(-1, 4, 2) for b in (boxes1, boxes2))
    out = np.zeros((len(c1), len(c2)))
    for i, a in enumerate(c1):
        for j, b in enumerate(c2):
            inter = clip_area(a, b)
            area1, area2 = boxes1[i, 2] * boxes1[i, 3], boxes2[j, 2] * boxes2[j, 3]
            out[i, j] = inter / (area1 + area2 - inter)
    return out


def random_boxes(n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.uniform(0, 20, (n, 2)), rng.uniform(1, 12, (n, 2)),
                           rng.uniform(-180, 180, (n, 1))], axis=1)


def test_rotated_iou_against_polygon_clipping():
    boxes1, boxes2 = random_boxes(30, 0), random_boxes(25, 1)
    ours = FO.box_iou(flambeau.from_numpy(boxes1), flambeau.from_numpy(boxes2), fmt="cxcywhr")
    assert ours.shape == (30, 25) and str(ours.dtype) == "flambeau.float64"
    np.testing.assert_allclose(ours.numpy(), reference(boxes1, boxes2), atol=1e-9)
    assert (ours.numpy() > 0).mean() > 0.2  # the sample has overlaps to test


@pytest.mark.parametrize("fmt", ["xywhr", "xyxyxyxy"])
def test_rotated_formats_agree(fmt):
    boxes1, boxes2 = (torch.from_numpy(random_boxes(n, seed)) for n, seed in ((7, 2), (5, 3)))
    given = [flambeau.from_numpy(torchvision.ops.box_convert(b, "cxcywhr", fmt).numpy())
             for b in (boxes1, boxes2)]
    np.testing.assert_allclose(FO.box_iou(*given, fmt=fmt).numpy(),
                               FO.box_iou(flambeau.from_numpy(boxes1.numpy()),
                                          flambeau.from_numpy(boxes2.numpy()),
                                          fmt="cxcywhr").numpy(), atol=1e-9)


def test_closed_forms_and_axis_aligned():
    square = flambeau.tensor([[0.0, 0, 2, 2, 0], [0, 0, 2, 2, 45], [1, 1, 2, 2, 90],
                              [30, 30, 2, 2, 10], [0, 0, 0, 2, 0]])
    iou = FO.box_iou(square, square, fmt="cxcywhr").numpy()
    octagon = 8 * math.tan(math.pi / 8)
    np.testing.assert_allclose(iou[0, 1], octagon / (8 - octagon), atol=1e-6)
    np.testing.assert_allclose(iou[0, 2], 1 / 7, atol=1e-6)
    np.testing.assert_allclose(np.diag(iou)[:4], 1, atol=1e-6)
    assert iou[0, 3] == 0 and (iou[4] == 0).all() and (iou[:, 4] == 0).all()
    rng = np.random.default_rng(4)
    flat = np.concatenate([rng.uniform(0, 10, (6, 2)), rng.uniform(1, 5, (6, 2))], 1)
    rotated = flambeau.from_numpy(np.concatenate([flat, np.zeros((6, 1))], 1).astype(np.float32))
    expected = torchvision.ops.box_iou(torch.from_numpy(flat), torch.from_numpy(flat),
                                       fmt="cxcywh").numpy()
    np.testing.assert_allclose(FO.box_iou(rotated, rotated, fmt="cxcywhr").numpy(), expected,
                               atol=1e-6)
    with pytest.raises(ValueError) as ours:
        FO.box_iou(square, square, fmt="polygon")
    with pytest.raises(ValueError) as theirs:
        torchvision.ops.box_iou(torch.zeros(1, 5), torch.zeros(1, 5), fmt="polygon")
    assert str(ours.value) == str(theirs.value)
