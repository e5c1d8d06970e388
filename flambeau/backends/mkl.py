"""``torch.backends.mkl``: flambeau's BLAS is NumPy's OpenBLAS, not Intel's MKL."""
import contextlib

VERBOSE_OFF = 0
VERBOSE_ON = 1


def is_available():
    """False: no MKL (torch's CPU build says True)."""
    return False


@contextlib.contextmanager
def verbose(enable):
    """MKL's verbose logging for a ``with`` block: nothing to log without MKL."""
    yield
