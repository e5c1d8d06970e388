"""The backward engine: runs graph nodes in dependency order, without recursion.

Gradients arriving at a node are summed per output before the node runs. The nodes a gradient
has reached wait in a heap, newest first: every node is numbered when recorded, after the nodes
of its inputs, so by the time a node is taken all the nodes that feed it have run and each
gradient is complete (the order PyTorch's sequence numbers give, without a pass counting
dependencies). Derivatives run with grad mode off unless ``create_graph=True``, in which case
they record a graph of their own.
"""
import heapq
import sys

from .. import _backend, _naming, _tensor
from . import anomaly_mode, grad_mode
from .graph import AccumulateGrad, _fit, raise_freed

heapify, heappop, heappush = heapq.heapify, heapq.heappop, heapq.heappush
_quietly, _add = _backend.quietly, _backend.numpy.add


def _accumulate(buffers, node, nr, grad, create_graph):
    """Adds ``grad`` to the gradient waiting for output ``nr`` of ``node``."""
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node._n_outputs
    have = slot[nr]
    if have is None:
        slot[nr] = grad
    elif have.is_sparse or grad.is_sparse:
        from .._sparse import sum_grads
        slot[nr] = sum_grads(have, grad)
    elif create_graph:
        slot[nr] = have + grad  # recorded, so that the sum is differentiable
    else:  # (an overflow gives inf silently, as torch's)
        slot[nr] = _tensor.make(_quietly(_add, have._data, grad._data), have._dtype)


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True):
    """Backpropagates from ``tensors`` with cotangents ``grad_tensors``.

    With ``accumulate`` the gradients are added to the leaves' ``.grad``; otherwise the
    gradients reaching ``inputs`` are returned (``autograd.grad``).
    """
    roots = [t._grad_fn if t._grad_fn is not None else _leaf_node(t) for t in tensors]
    buffers = {}
    for t, root, g in zip(tensors, roots, grad_tensors):
        _accumulate(buffers, root, t._output_nr, g, create_graph)
    # the nodes that a gradient reached, newest first: a node's consumers are all newer than
    # it, so each gradient is complete when its node runs (no pass counting dependencies)
    queue = [(-node._seq, node) for node in buffers]
    heapify(queue)

    # where the wanted gradients arrive: (node, output_nr) for each input
    wanted = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            node = t._grad_fn if t._grad_fn is not None else _leaf_node(t)
            wanted.setdefault((node, t._output_nr if t._grad_fn is not None else 0), []).append(i)
    results = [None] * (len(inputs) if inputs is not None else 0)

    check_anomalies = anomaly_mode.enabled
    with grad_mode.set_grad_enabled(create_graph):
        while queue:
            node = heappop(queue)[1]
            grads = buffers.pop(node)
            if wanted:
                for (target, nr), places in wanted.items():
                    if target is node:
                        for i in places:
                            results[i] = grads[nr]
            if node._plain:  # the common case: Node._run inlined, for one output
                backward = node._backward
                if backward is None:
                    raise_freed()
                grad_inputs = backward(grads[0], *node._unpack_saved()) if node._saved \
                    else backward(grads[0])
                if grad_inputs.__class__ is not tuple:
                    grad_inputs = (grad_inputs,)
                if check_anomalies:
                    anomaly_mode.check_gradients(node, grad_inputs)
                if not retain_graph:
                    node._backward = None
                    node._saved = ()
            else:
                into_leaf = accumulate and (inputs is None or (node, 0) in wanted)
                grad_inputs = _run_node(node, grads, create_graph, retain_graph, into_leaf,
                                        check_anomalies)
                if grad_inputs is None:
                    continue
            entries = iter(node._inputs)
            for child, nr, shape, dtype, g in zip(entries, entries, entries, entries,
                                                  grad_inputs):
                if child is None or g is None:
                    continue
                if g._data.shape != shape or g._dtype is not dtype:
                    g = _fit(g, shape, dtype)
                if child not in buffers:  # first reached: queued once
                    heappush(queue, (-child._seq, child))
                    if child._n_outputs == 1:  # the common case, inline
                        buffers[child] = [g]
                        continue
                _accumulate(buffers, child, nr, g, create_graph)
            g = grad_inputs = None  # the buffers alone hold the gradients now (see _owned)
    return results


def _run_node(node, grads, create_graph, retain_graph, into_leaf, check_anomalies):
    """Runs a node the engine's inline path does not take: a leaf's AccumulateGrad (adds to
    ``.grad`` if ``into_leaf``, returns None), a node with hooks, metadata or several outputs,
    or a custom Function's."""
    if node._pre_hooks or node._metadata:
        grads = _before_node(node, grads, create_graph)
    if node.__class__ is AccumulateGrad:
        if into_leaf:
            _accumulate_into_leaf(node.variable, grads[0], create_graph)
        if node._hooks:
            _after_node(node, (), grads)
        return None
    grad_inputs = node._run(grads)
    if check_anomalies:
        anomaly_mode.check_gradients(node, grad_inputs)
    if node._hooks:
        grad_inputs = _after_node(node, grad_inputs, grads)
    if not retain_graph:
        node.release()
    return grad_inputs


def _before_node(node, grads, create_graph):
    """Runs the node's pre-hooks and stores the gradients of outputs that retain them."""
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    retained = node._metadata.get("retained") if node._metadata else None
    if retained:
        for nr, ref in retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _store_grad(t, grads[nr], create_graph)
    return grads


def _after_node(node, grad_inputs, grads):
    """Runs the node's hooks, which may replace its input gradients."""
    for hook in list(node._hooks.values()):
        new = hook(grad_inputs, tuple(grads))
        if new is not None:
            grad_inputs = tuple(new)
    return grad_inputs


def checked_hook_result(hook, grad, new):
    """The gradient a tensor hook returned, after torch's checks that it kept type and size."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if new._dtype is not grad._dtype:
        public = _naming.public_name
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"{public}.{grad._dtype._scalar_name}Tensor got "
                           f"{public}.{new._dtype._scalar_name}Tensor)")
    if new._data.shape != grad._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return new


def _leaf_node(t):
    from .graph import grad_accumulator
    return grad_accumulator(t)


def _store_grad(t, grad, create_graph, owned=False):
    """Adds ``grad`` to ``t.grad`` (a leaf's, or a tensor's that retains its gradient).

    A new ``.grad`` is a copy, as the incoming gradient may be seen elsewhere, unless ``owned``
    says nothing else holds it: then its buffer is kept, as torch's AccumulateGrad steals it.
    """
    if grad.is_sparse or t.is_sparse or t._grad is not None and t._grad.is_sparse:
        from .._sparse import accumulate_grad
        return accumulate_grad(t, grad)
    if t._grad is None:
        if create_graph:  # a recorded copy (CopyBackwards), as torch keeps
            empty = _backend.array_module(grad._data).empty_like(grad._data)
            t._grad = _tensor.make(empty, grad._dtype).copy_(grad)
        else:
            t._grad = _tensor.make(grad._data if owned else _copy_like(grad._data, t._data),
                                   grad._dtype)
    elif create_graph:
        t._grad = t._grad + grad
    else:
        data = t._grad._data
        _quietly(_add, data, grad._data, data)


def _copy_like(a, like):
    """A copy of gradient array ``a`` with the strides of ``like`` where ``like`` is dense (in
    any dim order), else C-contiguous: torch's layout for a new ``.grad``."""
    xp = _backend.array_module(a)
    out = xp.empty_like(like) if _dense(like) else xp.empty(a.shape, a.dtype)
    out[...] = a
    return out


def _dense(a):
    """Whether ``a``'s elements fill its memory without gaps or overlaps."""
    expected = a.itemsize
    for stride, size in sorted(zip(a.strides, a.shape)):
        if size != 1:
            if stride != expected:
                return False
            expected *= size
    return True


def _accumulate_into_leaf(t, grad, create_graph):
    m = t._meta
    if m is not None and m.hooks:
        for hook in list(m.hooks.values()):
            new = hook(grad)
            if new is not None:
                grad = checked_hook_result(hook, grad, new)
        _store_grad(t, grad, create_graph)
    else:
        owned = not (grad.is_sparse or t.is_sparse) and _owned(grad, t)
        _store_grad(t, grad, create_graph, owned)
    if m is not None and m.post_accumulate_hooks:
        for hook in list(m.post_accumulate_hooks.values()):
            hook(t)


# References to an incoming gradient while the engine alone holds it: the buffer list of its
# node, the argument of _accumulate_into_leaf, that of _owned and that of sys.getrefcount.
# Counted for CPython up to 3.13 (3.14 may borrow references): elsewhere gradients are copied.
_ENGINE_REFERENCES = 4 if sys.implementation.name == "cpython" and sys.version_info < (3, 14) \
    else -1


def _owned(grad, leaf):
    """Whether the engine alone holds ``grad``, laid out like ``leaf``, and its buffer (an
    array of its own, or a whole view, such as a transpose, of an array nothing else holds): the
    buffer can then become ``leaf.grad`` without a copy."""
    a = grad._data
    base = a.base
    return (sys.getrefcount(grad) == _ENGINE_REFERENCES and grad._storage is None and
            sys.getrefcount(a) == 3 and a.strides == leaf._data.strides and
            (base is None or base.base is None and base.size == a.size and
             sys.getrefcount(base) == 3))
