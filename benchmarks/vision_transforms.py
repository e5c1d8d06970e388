"""Image transforms on uint8 tensors, flambeau.vision vs torchvision in one run: a 3x240x320
image (what a data-loading pipeline feeds v1/v2 transforms) through resize (bilinear with
antialias, down and up; nearest), rotate and affine (nearest and bilinear), the color
adjustments ColorJitter draws from, grayscale, equalize and gaussian_blur.

    python benchmarks/vision_transforms.py [--threads 1] [--repeat 9]
"""
import importlib

from _timing import main


def cases(m):
    import numpy as np  # after _timing.setup has limited the BLAS threads
    F = importlib.import_module(("flambeau.vision" if m.__name__ == "flambeau" else "torchvision")
                                + ".transforms.functional")
    img = m.from_numpy(np.random.RandomState(0).randint(0, 256, (3, 240, 320), dtype=np.uint8))
    bilinear, nearest = F.InterpolationMode.BILINEAR, F.InterpolationMode.NEAREST
    return [
        ("resize down bilinear", lambda: F.resize(img, [160, 200], antialias=True)),
        ("resize up bilinear", lambda: F.resize(img, [300, 400], antialias=True)),
        ("resize nearest", lambda: F.resize(img, [160, 200], interpolation=nearest)),
        ("rotate nearest", lambda: F.rotate(img, 30.0)),
        ("rotate bilinear", lambda: F.rotate(img, 30.0, interpolation=bilinear)),
        ("affine bilinear", lambda: F.affine(img, 15.0, [10, -5], 1.2, [5.0, 3.0], interpolation=bilinear)),
        ("adjust_brightness", lambda: F.adjust_brightness(img, 1.3)),
        ("adjust_contrast", lambda: F.adjust_contrast(img, 0.7)),
        ("adjust_saturation", lambda: F.adjust_saturation(img, 1.4)),
        ("adjust_hue", lambda: F.adjust_hue(img, 0.1)),
        ("rgb_to_grayscale", lambda: F.rgb_to_grayscale(img)),
        ("equalize", lambda: F.equalize(img)),
        ("gaussian_blur", lambda: F.gaussian_blur(img, [5, 5], [1.5, 1.5])),
    ]


if __name__ == "__main__":
    main(__doc__, cases)
