"""``torch.backends.openmp``: flambeau runs no OpenMP pool (OpenBLAS keeps its own threads,
see ``torch.set_num_threads``)."""


def is_available():
    """False (torch's CPU build says True)."""
    return False
