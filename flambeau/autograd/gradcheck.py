"""Gradient checks: autograd's Jacobian against central finite differences (use float64)."""
import numpy as np

from .. import _tensor
from .._tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when the analytical and numerical Jacobians differ."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable_outputs(func, inputs):
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and
                 o._requires_grad)


def _numerical_jacobian(func, inputs, wrt, out_index, eps):
    """d output / d input by central differences, one input element at a time."""
    data = inputs[wrt]._data  # the input's own memory (any layout): perturbed, then restored
    columns = []
    for k in range(data.size):
        index = np.unravel_index(k, data.shape)
        orig = data[index].copy()
        data[index] = orig + eps
        plus = _differentiable_outputs(func, inputs)[out_index]._data.astype(
            np.complex128).ravel()
        data[index] = orig - eps
        minus = _differentiable_outputs(func, inputs)[out_index]._data.astype(
            np.complex128).ravel()
        data[index] = orig
        columns.append((plus - minus) / (2 * eps))
    if not columns:
        out = _differentiable_outputs(func, inputs)[out_index]
        return np.zeros((out._data.size, 0))
    return np.stack(columns, axis=1)


def _analytical_jacobian(output, inputs, wrt, create_graph=False):
    """Rows of d output / d input from one vjp per output element; for a complex output the
    cotangents 1 and 1j give the real and imaginary parts of each row."""
    from . import grad
    n = output._data.size
    units = (1, 1j) if output._dtype.is_complex else (1,)
    jacobian = np.zeros((n, inputs[wrt]._data.size), dtype=np.complex128)
    for unit in units:
        for k in range(n):
            cotangent = np.zeros(n, dtype=output._data.dtype)
            cotangent[k] = unit
            g, = grad(output, inputs[wrt], _tensor.make(cotangent.reshape(output._data.shape)),
                      retain_graph=True, allow_unused=True, create_graph=create_graph)
            if g is not None:  # the vjp of a real input is real: it is one part of the row
                jacobian[k] += unit * g._data.real.ravel()
    return jacobian


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True when the gradients autograd computes for ``func`` at ``inputs`` match finite
    differences; otherwise raises (or returns False with ``raise_exception=False``)."""
    inputs = _as_tuple(inputs)
    wanted = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._requires_grad]
    if not wanted:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True.")
    for i in wanted:
        if inputs[i]._dtype._name not in ("float64", "complex128"):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point or complex. This check will likely fail if all the inputs are "
                          "not of double precision floating point or complex. ")
    outputs = _differentiable_outputs(func, inputs)
    for o_index, output in enumerate(outputs):
        for i in wanted:
            numerical = _numerical_jacobian(func, inputs, i, o_index, eps)
            analytical = _analytical_jacobian(output, inputs, i)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                shown = inputs[i]._dtype.to_real()._np  # printed in the input's precision
                raise GradcheckError(
                    f"Jacobian mismatch for output {o_index} with respect to input {i},\n"
                    f"numerical:{_tensor.make(numerical.real.astype(shown))}\n"
                    f"analytical:{_tensor.make(analytical.real.astype(shown))}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """Checks second derivatives: the gradients of ``func``'s vector-Jacobian product."""
    from . import grad
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(func, inputs)
    if grad_outputs is None:  # complex cotangents are held fixed: gradcheck perturbs real
        rng = np.random.default_rng(0)  # parts only
        grad_outputs = tuple(_tensor.make(rng.standard_normal(o._data.shape).astype(
            o._data.dtype)).requires_grad_(not o._dtype.is_complex) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def vjp(*args):
        outs = _differentiable_outputs(func, args[:n])
        wrt = [t for t in args[:n] if isinstance(t, Tensor) and t._requires_grad]
        grads = grad(outs, wrt, args[n:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
