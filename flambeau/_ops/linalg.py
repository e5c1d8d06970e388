"""``torch.linalg`` and the legacy ``torch.det``/``inverse``/``svd``... on NumPy's LAPACK.

Inputs are batches of matrices (NumPy's linalg broadcasts over leading dims too); results keep
single precision, integer inputs raise torch's dtype error, and failures (singular, not
positive-definite) raise :class:`LinAlgError` with torch's messages. Derivatives are written
with flambeau tensor ops (``@``, ``mH`` ...), so they can be differentiated again.

The ops live in one module per theme, as ATen groups them: ``linalg_solvers`` (det, inv, solve,
pinv, lstsq), ``linalg_decompositions`` (Cholesky, QR, eig/eigh, SVD, Householder, low-rank
SVD), ``linalg_lu`` (LU, LDL^T, the legacy solvers) and ``linalg_products`` (matrix functions,
norms); importing this module registers them all.
"""
from . import linalg_decompositions, linalg_lu, linalg_products, linalg_solvers  # noqa: F401
from .registry import register


# ---- functions torch removed: calling them raises torch's message ---------------------------

_REMOVED = {
    "symeig": "The default behavior has changed from using the upper triangular portion of the "
              "matrix by default to using the lower triangular portion.\n\nL, _ = "
              "torch.symeig(A, upper=upper) should be replaced with:\nL = "
              "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
              "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
              "torch.linalg.eigh(A, UPLO='U' if upper else 'L')",
    "eig": "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather "
           "than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
           "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
           "eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
           "torch.linalg.eig(A)",
    "lstsq": "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
             "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
             "decomposition in the returned tuple (although it returns other information about "
             "the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`.\n\n"
             "The returned solution in `torch.lstsq` stored the residuals of the solution in "
             "the last m - n columns of the returned value whenever m > n. In torch.linalg.lstsq,"
             " the residuals are in the field 'residuals' of the returned named tuple.\n\nThe "
             "unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
             "should be replaced with:\nX = torch.linalg.lstsq(A, B).solution",
    "solve": "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` "
             "has its arguments reversed and does not return the LU factorization.\n\nTo get "
             "the LU factorization see `torch.lu`, which can be used with `torch.lu_solve` or "
             "`torch.lu_unpack`.\nX = torch.solve(B, A).solution should be replaced with:\nX = "
             "torch.linalg.solve(A, B)",
    "matrix_rank": "Please use the `torch.linalg.matrix_rank` function instead. The parameter "
                   "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.",
}


# torch's Python parameters of each (function, method), so that Python's own argument errors
# come first, as in torch
_PARAMETERS = {
    "symeig": ("input, eigenvectors=False, upper=True, *, out=None", "self, eigenvectors=False"),
    "eig": ("self, eigenvectors=False, *, e=None, v=None", "self, eigenvectors=False"),
    "lstsq": ("input, A, *, out=None", "self, other"),
    "solve": ("input, A, *, out=None", "self, other"),
    "matrix_rank": ("input, tol=None, symmetric=False, *, out=None", None),
}


def _removed(name, text):
    separator = "\n" if name == "matrix_rank" else " "
    env = {"_message": f"This function was deprecated since version 1.9 and is now removed."
                       f"{separator}{text}"}
    for params, method in zip(_PARAMETERS[name], (False, True)):
        if params is not None:
            exec(f"def {name}({params}):\n    raise RuntimeError(_message)\n", env)
            fn = env.pop(name)
            fn.__qualname__ = f"Tensor.{name}" if method else name
            fn.__doc__ = "Removed from torch in 1.9; raises torch's message."
            register("", name, fn, method)


for _name, _text in _REMOVED.items():
    _removed(_name, _text)
