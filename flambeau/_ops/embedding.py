"""Embedding ops: ``embedding`` (one ``EmbeddingBackward0`` node: rows of a table picked by
integer indices), its dense backward (itself differentiable in the incoming gradient) and
``embedding_renorm_`` (rescales, in place, the picked rows whose norm exceeds ``max_norm``).

With ``sparse=True`` the table's gradient is a sparse COO tensor (``flambeau._sparse``) as
torch's: one uncoalesced entry per looked-up row, in lookup order, none for ``padding_idx``
(dense under ``create_graph=True``, so that it can be differentiated again).
"""
import numpy as np

from .. import _dtype
from .._tensor import make
from ..autograd.graph import record
from ._util import needs_grad, needs_grad1
from ._saved import _Constant
from .registry import defop

_INDEX_TYPES = (_dtype.int64, _dtype.int32)


def _indices(indices, fn):
    if indices._dtype not in _INDEX_TYPES:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got "
                           f"{indices.type()} instead (while checking arguments for {fn})")
    return indices._data


def _in_range(idx, rows):
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError("index out of range in self")


@defop(method=False, signature="embedding(Tensor weight, Tensor indices, int padding_idx=-1, "
                               "bool scale_grad_by_freq=False, bool sparse=False)")
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``weight[indices]``: the rows of a 2-D table; ``padding_idx``'s row gets no gradient."""
    idx = _indices(indices, "embedding")
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _in_range(idx, weight._data.shape[0])
    out = make(weight._data.take(idx, 0), weight._dtype)
    if needs_grad1(weight):
        record("EmbeddingBackward0", (out,), (weight,),
               _embedding_sparse_derivative if sparse else _embedding_derivative,
               (_Constant((idx, weight._data.shape[0], padding_idx, scale_grad_by_freq)),))
    return out


def _embedding_derivative(g, how):
    return embedding_dense_backward(g, *how)


def _embedding_sparse_derivative(g, how):
    if needs_grad1(g):  # create_graph: the dense gradient, which is differentiable
        return embedding_dense_backward(g, *how)
    idx, num_weights, padding_idx, scale_grad_by_freq = how
    dim = g._data.shape[-1]
    return _sparse_rows(idx.reshape(-1), g._data.reshape(-1, dim), num_weights, padding_idx,
                        scale_grad_by_freq, g._dtype)


def _sparse_rows(rows, values, num_weights, padding_idx, scale_grad_by_freq, dtype):
    """The sparse table gradient torch's embedding_sparse_backward makes: ``values[k]`` for row
    ``rows[k]``, the entries of ``padding_idx`` left out."""
    from .._sparse import _make
    if scale_grad_by_freq:
        raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse "
                           "gradients")
    if padding_idx >= 0:
        keep = rows != padding_idx
        rows, values = rows[keep], values[keep]
    return _make(rows.astype(np.int64).reshape(1, -1), values,
                 (num_weights, values.shape[1]), rows.shape[0] < 2, dtype)


def embedding_dense_backward(grad_output, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The table's gradient: ``grad_output``'s rows summed into the rows they were read from
    (divided by each index's count with ``scale_grad_by_freq``), none into ``padding_idx``.
    ``indices`` is a NumPy array; differentiable in ``grad_output``."""
    dim = grad_output._data.shape[-1]
    idx = indices.reshape(-1)
    g = grad_output._data.reshape(-1, dim)
    scale = _row_scale(idx, num_weights, padding_idx, scale_grad_by_freq, g.dtype)
    if scale is not None:
        g = g * scale[:, None]
    result = make(_sum_rows(idx, g, num_weights), grad_output._dtype)
    if needs_grad1(grad_output):
        record("EmbeddingDenseBackwardBackward0", (result,), (grad_output,),
               _dense_backward_derivative, (_Constant((indices, padding_idx)),))
    return result


def _sum_rows(idx, rows, n):
    """An (n, dim) array of zeros with each of ``rows`` added into row ``idx[k]``: the indices
    sorted (stably), each run of equal ones summed in lookup order by one ``np.add.reduceat``
    (several times faster than ``np.add.at`` on rows)."""
    out = np.zeros((n, rows.shape[1]), rows.dtype)
    if idx.shape[0] < 16:  # too few for the sort to pay
        np.add.at(out, idx, rows)
        return out
    order = np.argsort(idx, kind="stable")
    ordered = idx[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    out[ordered[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


def _dense_backward_derivative(gg, how):
    indices, padding_idx = how
    out = embedding(gg, make(indices, _dtype.int64))
    # torch's double backward leaves out scale_grad_by_freq's factor; so does flambeau
    scale = _row_scale(indices.reshape(-1), gg._data.shape[0], padding_idx, False,
                       gg._data.dtype)
    if scale is not None:
        out = out * make(scale.reshape(indices.shape + (1,)), gg._dtype)
    return out


def _row_scale(idx, num_weights, padding_idx, scale_grad_by_freq, np_dtype):
    """Each looked-up row's gradient factor (None when all are 1)."""
    if not scale_grad_by_freq and padding_idx < 0:
        return None
    scale = np.ones(idx.shape, np_dtype)
    if scale_grad_by_freq:
        scale /= np.bincount(idx, minlength=num_weights)[idx]
    if padding_idx >= 0:
        scale[idx == padding_idx] = 0
    return scale


@defop(method=False, signature="embedding_renorm_(Tensor input, Tensor indices, float max_norm, "
                               "float norm_type)")
def embedding_renorm_(input, indices, max_norm, norm_type):
    """Scales in place each row of ``input`` named in ``indices`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm`` (times ``1 / (1 + 1e-7)``, as torch)."""
    idx = _indices(indices, "embedding_renorm_")
    _in_range(idx, input._data.shape[0])
    rows = np.unique(idx)
    table = input._data
    picked = table[rows]
    norms = np.linalg.norm(picked, ord=norm_type, axis=1) if norm_type != 2 else \
        np.sqrt(np.einsum("ij,ij->i", picked, picked))
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(table.dtype)
        table[rows[big]] = picked[big] * scale[:, None]
        input._bump_version()
    return input


def embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, per_sample_weights,
                  include_last_offset, padding_idx, sparse=False):
    """Sums (``mode`` 0), means (1) or maxima (2) of the rows of ``weight`` named in each bag
    of the 1-D ``indices`` (bag ``k`` starting at ``offsets[k]``), one ``EmbeddingBagBackward0``
    node; ``padding_idx``'s entries are left out, an empty bag gives zeros. Called by
    ``F.embedding_bag`` (flambeau has no ``torch.embedding_bag`` with its auxiliary outputs).
    With ``sparse`` the table's gradient is sparse (one entry per kept index)."""
    idx, offs = _indices(indices, "embedding_bag"), offsets._data.astype(np.int64)
    table = weight._data
    n = idx.shape[0]
    if offs.size and offs[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {offs[0]}")
    if offs.size and offs[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {offs[-1]}")
    _in_range(idx, table.shape[0])
    bags = max(offs.shape[0] - 1, 0) if include_last_offset else offs.shape[0]
    # the last bag runs to the end of the input, whatever the last offset says (as torch's)
    bag = np.searchsorted(offs[:bags], np.arange(n), side="right") - 1
    keep = idx != (-1 if padding_idx is None else padding_idx)
    rows, bag = idx[keep], bag[keep]
    vals = table[rows]
    if per_sample_weights is not None:
        vals = vals * per_sample_weights._data.reshape(-1)[keep][:, None]
    out = np.zeros((bags, table.shape[1]), table.dtype)
    first = None
    if mode == 2:
        out.fill(-np.inf)
        np.maximum.at(out, bag, vals)
        out[np.bincount(bag, minlength=bags) == 0] = 0
        # each maximum's first entry in its bag gets the gradient, as torch's scan
        candidate = np.where(vals == out[bag], np.arange(rows.shape[0])[:, None], rows.shape[0])
        first = np.full(out.shape, rows.shape[0])
        np.minimum.at(first, bag, candidate)
    else:
        np.add.at(out, bag, vals)
        if mode == 1:
            out /= np.maximum(np.bincount(bag, minlength=bags), 1)[:, None]
    result = make(out, weight._dtype)
    if needs_grad(weight, per_sample_weights):
        scale = np.ones(rows.shape, table.dtype)
        if scale_grad_by_freq and not sparse:  # (sparse: torch's error at backward)
            scale /= np.bincount(idx, minlength=table.shape[0])[rows]
        if mode == 1:
            scale /= np.bincount(bag, minlength=bags)[bag]
        record("EmbeddingBagBackward0", (result,), (weight, per_sample_weights),
               _embedding_bag_sparse_derivative if sparse else _embedding_bag_derivative,
               (_Constant((rows, bag, keep, scale, first, mode)), weight)
               + (() if per_sample_weights is None else (per_sample_weights,)))
    return result


def _embedding_bag_derivative(g, how, weight, per_sample_weights=None):
    """The table's gradient (and the per-sample weights'), from differentiable ops."""
    rows, bag, keep, scale, first, mode = how
    dtype, shape = weight._dtype, weight._data.shape
    if mode == 2:
        hit = first < rows.shape[0]  # bags with entries
        targets = rows[first[hit]] * shape[1] + np.nonzero(hit)[1]
        flat = weight.new_zeros(shape[0] * shape[1]).index_add(
            0, make(targets, _dtype.int64), g[make(hit, _dtype.bool)])
        return flat.view(shape), None
    picked = g.index_select(0, make(bag, _dtype.int64))
    factor = make(scale, dtype)
    if per_sample_weights is not None:
        psw = per_sample_weights.reshape(-1)[make(np.nonzero(keep)[0], _dtype.int64)]
        factor = factor * psw
    grad_weight = weight.new_zeros(shape).index_add(
        0, make(rows, _dtype.int64), picked * factor[:, None])
    grad_psw = None
    if per_sample_weights is not None and per_sample_weights._requires_grad:
        dots = (picked * weight.index_select(0, make(rows, _dtype.int64))).sum(1)
        grad_psw = per_sample_weights.new_zeros(keep.shape).index_put(
            (make(np.nonzero(keep)[0], _dtype.int64),), dots).view(per_sample_weights.shape)
    return grad_weight, grad_psw


def _embedding_bag_sparse_derivative(g, how, weight, per_sample_weights=None):
    """The sparse table gradient (its per-sample weights' gradient as in the dense case)."""
    rows, bag, keep, scale, first, mode = how
    values = g._data[bag] * scale[:, None]
    if per_sample_weights is not None:
        values *= per_sample_weights._data.reshape(-1)[keep][:, None]
    grad_weight = _sparse_rows(rows, values, weight._data.shape[0], -1, False, weight._dtype)
    return grad_weight, _embedding_bag_derivative(g, how, weight, per_sample_weights)[1]
