"""Layer 4: every tensor operation, one file per family. Importing a family registers its ops
(see ``registry``); ``flambeau/__init__.py`` publishes them."""
import importlib

FAMILIES = ("creation", "conversion", "shape", "pointwise", "special", "reduction", "softmax",
            "statistics", "calculus", "sorting", "joining", "blas", "indexing", "random", "linalg", "fft",
            "activation", "dropout", "loss", "normalization", "distance", "conv", "padding", "pooling",
            "resample", "embedding", "rnn", "sampling", "attention", "window", "hashing")

for _family in FAMILIES:
    importlib.import_module(f"{__name__}.{_family}")
