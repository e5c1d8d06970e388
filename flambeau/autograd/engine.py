"""The backward engine: runs graph nodes in dependency order, without recursion.

Gradients arriving at a node are summed per output before the node runs; a node runs once all
the nodes that feed it have run, so each gradient is complete when used. Derivatives run with
grad mode off unless ``create_graph=True``, in which case they record a graph of their own.
"""
from .. import _backend, _tensor
from . import anomaly_mode, grad_mode
from .graph import AccumulateGrad


def _dependencies(roots):
    """How many edges lead into each node reachable from ``roots``."""
    deps = {}
    seen = {n for n in roots if n is not None}  # several roots may share one node
    stack = list(seen)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps


def _accumulate(buffers, node, nr, grad, create_graph):
    """Adds ``grad`` to the gradient waiting for output ``nr`` of ``node``."""
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node._n_outputs
    have = slot[nr]
    if have is None:
        slot[nr] = grad
    elif create_graph:
        slot[nr] = have + grad  # recorded, so that the sum is differentiable
    else:
        slot[nr] = _tensor.make(have._data + grad._data, have._dtype)


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True):
    """Backpropagates from ``tensors`` with cotangents ``grad_tensors``.

    With ``accumulate`` the gradients are added to the leaves' ``.grad``; otherwise the
    gradients reaching ``inputs`` are returned (``autograd.grad``).
    """
    roots = [t._grad_fn if t._grad_fn is not None else _leaf_node(t) for t in tensors]
    deps = _dependencies(roots)
    buffers = {}
    for t, root, g in zip(tensors, roots, grad_tensors):
        _accumulate(buffers, root, t._output_nr, g, create_graph)

    # where the wanted gradients arrive: (node, output_nr) for each input
    wanted = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            node = t._grad_fn if t._grad_fn is not None else _leaf_node(t)
            wanted.setdefault((node, t._output_nr if t._grad_fn is not None else 0), []).append(i)
    results = [None] * (len(inputs) if inputs is not None else 0)

    ready = [n for n in set(roots) if deps.get(n, 0) == 0]
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None) or [None] * node._n_outputs
            if wanted:
                for (target, nr), places in wanted.items():
                    if target is node:
                        for i in places:
                            results[i] = grads[nr]
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
            if isinstance(node, AccumulateGrad):
                if accumulate and (inputs is None or (node, 0) in wanted):
                    _accumulate_into_leaf(node.variable, grads[0], create_graph)
                continue
            grad_inputs = _call_node(node, grads, retain_graph)
            for (child, nr), g in zip(node.next_functions, grad_inputs):
                if child is None:
                    continue
                if g is not None:
                    _accumulate(buffers, child, nr, g, create_graph)
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    ready.append(child)
    return results


def _call_node(node, grads, retain_graph):
    for i, g in enumerate(grads):
        if g is None:
            grads[i] = _zeros_for(node, i)
    grad_inputs = node.apply(*grads)
    if anomaly_mode.enabled:
        anomaly_mode.check_gradients(node, grad_inputs)
    if node._hooks:
        for hook in list(node._hooks.values()):
            new = hook(grad_inputs, tuple(grads))
            if new is not None:
                grad_inputs = tuple(new)
    if not retain_graph:
        node.release()
    return grad_inputs


def _zeros_for(node, i):
    """A zero gradient for an output of a multi-output node that received none."""
    like = node.metadata["outputs_like"][i]
    return _tensor.make(_backend.array_module(like).zeros(like.shape, like.dtype))


def _leaf_node(t):
    from .graph import grad_accumulator
    return grad_accumulator(t)


def _store_grad(t, grad, create_graph):
    """Adds ``grad`` to ``t.grad`` (a leaf's, or a tensor's that retains its gradient)."""
    if t._grad is None:  # a copy of its own: the incoming gradient may be shared elsewhere
        t._grad = grad if create_graph else _tensor.make(grad._data.copy(), grad._dtype)
    elif create_graph:
        t._grad = t._grad + grad
    else:
        t._grad._data += grad._data


def _accumulate_into_leaf(t, grad, create_graph):
    m = t._meta
    if m is not None and m.hooks:
        for hook in list(m.hooks.values()):
            new = hook(grad)
            if new is not None:
                grad = new
    _store_grad(t, grad, create_graph)
    if m is not None and m.post_accumulate_hooks:
        for hook in list(m.post_accumulate_hooks.values()):
            hook(t)
