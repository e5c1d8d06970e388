"""Writes flambeau/vision/models/_meta.py: the 1000 ImageNet category names that the
classification weights' ``meta["categories"]`` lists, in torchvision's order.

    python tools/imagenet_categories.py        # with the torchvision of the test extra installed

The output is committed; flambeau never imports torchvision.
"""
import pathlib

from torchvision.models._meta import _IMAGENET_CATEGORIES

OUT = pathlib.Path(__file__).resolve().parent.parent / "flambeau" / "vision" / "models" / "_meta.py"

lines = ['"""ImageNet-1k category names, in class-index order (written by tools/imagenet_categories.py)."""',
         "", "_IMAGENET_CATEGORIES = ["]
lines += [f"    {name!r}," for name in _IMAGENET_CATEGORIES]
lines += ["]", ""]
OUT.write_text("\n".join(lines))
