"""``nn.functional``: the functions behind the modules.

Ops that torch records as nodes of their own are defined in ``flambeau/_ops`` and published
here by the registry; this file holds what torch composes from other ops.
"""
from .. import _ops  # noqa: F401  (the registry fills this namespace)
from .._ops.blas import addmm, matmul


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, recorded as torch records it (``AddmmBackward0`` for a
    batch of vectors, ``MmBackward0`` without bias ...)."""
    if bias is None or weight.ndim != 2:
        out = matmul(input, weight.t())
        return out if bias is None else out + bias
    if input.ndim == 2:
        return addmm(bias, input, weight.t())
    if input.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.ndim}D and {weight.ndim}D")
    shape = input.shape
    out = addmm(bias, input.reshape(-1, shape[-1]), weight.t())
    return out.view(*shape[:-1], out.shape[-1])


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]``."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    o, i, j = weight.size(0), weight.size(1), weight.size(2)
    for n, (x, size) in enumerate(((input1, i), (input2, j)), 1):
        if x.shape[-1] != size:
            raise RuntimeError(f"bilinear(): input{n} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {size}")
    if bias is not None and bias.size(0) != o:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.size(0)} but expected {o}")
    batch = input1.shape[:-1]
    a = input1.reshape(-1, i)
    u = matmul(input2.reshape(-1, j), weight.reshape(o * i, j).t()).view(-1, o, i)
    out = (u * a.unsqueeze(1)).sum(-1).view(*batch, o)
    return out if bias is None else out + bias
