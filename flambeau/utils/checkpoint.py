"""torch.utils.checkpoint: activation checkpointing, memory traded for compute.

The checkpointed function runs without a graph in the forward pass, only its inputs are kept,
and the backward pass runs it again with a graph (with the forward's random state, so dropout
draws the same masks) to get the gradients.

Both of torch's variants are one custom ``autograd.Function`` here. ``use_reentrant=True``
(still torch's default, with its warning when not passed) behaves as torch's: gradients reach
the tensors passed as arguments and, accumulated directly, everything else the function uses
(under ``autograd.grad``, which torch refuses here, that accumulation still happens).
``use_reentrant=False`` also takes keyword arguments and makes the parameters of the modules
the function is, is bound to or closes over inputs of the graph node, so ``autograd.grad`` and
``backward(inputs=...)`` see their gradients; other leaves the function reaches have their
gradients accumulated directly, and outputs are a tensor or a tuple (torch's variant hooks saved
tensors and takes any output structure).
"""
import contextlib
import functools
import warnings

import flambeau
from .. import autograd
from ..autograd import engine
from ..autograd.graph import AccumulateGrad

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """An error from checkpointing (torch's class, for ``except`` clauses)."""


def noop_context_fn():
    """The default ``context_fn``: no context around the forward or the recomputation."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """``inputs`` (a tuple) with each tensor detached, keeping its ``requires_grad``."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    return tuple(x.detach().requires_grad_(x.requires_grad) if isinstance(x, flambeau.Tensor)
                 else x for x in inputs)


def check_backward_validity(inputs):
    if not any(x.requires_grad for x in inputs if isinstance(x, flambeau.Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)


def _leaves(outputs):
    """The leaf tensors the graphs of ``outputs`` reach (outputs that are leaves included)."""
    outputs = list(outputs)
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    seen, leaves = set(), [o for o in outputs if o.grad_fn is None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, AccumulateGrad):
            leaves.append(node.variable)
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return leaves


class CheckpointFunction(autograd.Function):
    """``apply(run_function, preserve_rng_state, *args)``: ``run_function(*args)`` without a
    graph; its backward runs it again with one. A ``run_function`` with an ``n_inputs``
    attribute takes only that many arguments; the tensors after them (parameters) only receive
    gradients."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.n_inputs = getattr(run_function, "n_inputs", len(args))
        if ctx.n_inputs == len(args):
            check_backward_validity(args)
        ctx.run_function = run_function
        ctx.rng_state = flambeau.get_rng_state() if preserve_rng_state else None
        ctx.inputs = [None if isinstance(a, flambeau.Tensor) else a for a in args]
        ctx.save_for_backward(*(a for a in args if isinstance(a, flambeau.Tensor)))
        with getattr(run_function, "forward_context", contextlib.nullcontext()):
            return run_function(*args[:ctx.n_inputs])

    @staticmethod
    def backward(ctx, *grads):
        saved = iter(ctx.saved_tensors)
        args = [next(saved) if a is None else a for a in ctx.inputs]
        inputs = detach_variable(tuple(args[:ctx.n_inputs]))
        with flambeau.random.fork_rng(enabled=ctx.rng_state is not None):
            if ctx.rng_state is not None:
                flambeau.set_rng_state(ctx.rng_state)
            with flambeau.enable_grad(), getattr(ctx.run_function, "recompute_context",
                                                 contextlib.nullcontext()):
                outputs = ctx.run_function(*inputs)
        if isinstance(outputs, flambeau.Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, flambeau.Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        targets = [x for x in (*inputs, *args[ctx.n_inputs:])
                   if isinstance(x, flambeau.Tensor) and x.requires_grad]
        known = {id(x) for x in targets}
        others = [leaf for leaf in _leaves(o for o, _ in pairs) if id(leaf) not in known]
        found = autograd.grad([o for o, _ in pairs], targets + others, [g for _, g in pairs],
                              allow_unused=True)
        for leaf, grad in zip(others, found[len(targets):]):
            if grad is not None:  # what torch's inner backward() accumulates
                engine._accumulate_into_leaf(leaf, grad, False)
        found = iter(found)
        return (None, None) + tuple(
            next(found) if isinstance(x, flambeau.Tensor) and x.requires_grad else None
            for x in (*inputs, *args[ctx.n_inputs:]))


def _parameters(function):
    """The parameters requiring grad of the modules ``function`` is, is bound to, closes over
    (alone or in a list or tuple) or is a partial of."""
    objects = [function, getattr(function, "__self__", None)]
    if isinstance(function, functools.partial):
        objects += [function.func, *function.args, *function.keywords.values()]
    for cell in getattr(function, "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # an empty cell
            objects.append(cell.cell_contents)
    found = {}
    for obj in [x for obj in objects for x in (obj if isinstance(obj, (list, tuple)) else [obj])]:
        if isinstance(obj, flambeau.nn.Module):
            found.update((id(p), p) for p in obj.parameters() if p.requires_grad)
        elif isinstance(obj, flambeau.Tensor) and obj.requires_grad and obj.is_leaf:
            found[id(obj)] = obj
    return list(found.values())


class _Call:
    """``function`` called with ``n_positional`` of the values as arguments and the next ones
    as the keyword arguments ``names``."""

    def __init__(self, function, n_positional, names, contexts):
        self.function, self.n_positional, self.names = function, n_positional, names
        self.n_inputs = n_positional + len(names)
        self.forward_context, self.recompute_context = contexts

    def __call__(self, *values):
        keywords = dict(zip(self.names, values[self.n_positional:]))
        return self.function(*values[:self.n_positional], **keywords)


def _reentrant(use_reentrant, warning):
    """``use_reentrant``, or torch's default (True) with its warning when it is None."""
    if use_reentrant is None:
        warnings.warn(warning + " use_reentrant=False is recommended, but if you need to "
                      "preserve the current default behavior, you can pass use_reentrant=True. "
                      "Refer to docs for more details on the differences between the two "
                      "variants.", stacklevel=3)
        return True
    return use_reentrant


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """``function(*args, **kwargs)``, its intermediate results recomputed in the backward pass
    instead of kept. ``preserve_rng_state=False`` (a keyword) skips restoring the random state
    for the recomputation. ``determinism_check``, ``debug`` and ``early_stop`` are accepted and
    have no effect (see the module docstring for the two variants)."""
    use_reentrant = _reentrant(use_reentrant, "torch.utils.checkpoint: the use_reentrant "
                               "parameter should be passed explicitly. Starting in PyTorch 2.9, "
                               "calling checkpoint without use_reentrant will raise an exception.")
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError("determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    call = _Call(function, len(args), tuple(kwargs), context_fn())
    return CheckpointFunction.apply(call, preserve, *args, *kwargs.values(),
                                    *_parameters(function))


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Runs ``functions`` (an ``nn.Sequential`` or a list of modules or functions) on ``input``
    in ``segments`` chunks, each but the last checkpointed."""
    use_reentrant = _reentrant(use_reentrant, "torch.utils.checkpoint.checkpoint_sequential: "
                               "the use_reentrant parameter should be passed explicitly. In "
                               "version 2.9 we will raise an exception if use_reentrant is not "
                               "passed.")
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if isinstance(functions, flambeau.nn.Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = 0
    for start in range(0, size * (segments - 1), size):
        end = start + size
        input = checkpoint(_chain(functions[start:end]), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return _chain(functions[end:])(input)


def _chain(functions):
    def forward(input):
        for function in functions:
            input = function(input)
        return input
    return forward
