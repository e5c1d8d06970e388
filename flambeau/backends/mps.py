"""``torch.backends.mps``: Apple's Metal backend, which flambeau does not have."""


def is_built():
    """False: flambeau is not built with MPS."""
    return False


def is_available():
    """False: no MPS device is usable."""
    return False


def is_macos_or_newer(major, minor):
    """False, as torch without MPS answers."""
    return False


def is_macos13_or_newer(minor=0):
    """False, as torch without MPS answers."""
    return False
