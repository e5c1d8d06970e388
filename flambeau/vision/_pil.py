"""Pillow, imported on first use: flambeau.vision works without it until an image is needed."""
import sys


def image_module():
    """``PIL.Image``, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("this feature of flambeau.vision needs Pillow: "
                          "pip install flambeau[vision]") from None
    return Image


def is_pil_image(obj):
    """Whether ``obj`` is a PIL image (without importing Pillow when nobody has)."""
    module = sys.modules.get("PIL.Image")
    return module is not None and isinstance(obj, module.Image)
