"""Calling a module with other parameters and buffers than its own (``functional_call``).

The given tensors take the named places in the module for the duration of the call and the
module's own come back afterwards, even when the call raises.
"""
import contextlib
import warnings

from ... import _naming
from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["functional_call"]

_MISSING = object()


def _untie_named_tensors_map(module, parameters_and_buffers):
    """``parameters_and_buffers`` with each given tensor also placed under the other names of
    a tied (shared) parameter or buffer; torch's ValueError when tied names get different
    tensors."""
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    names_of = {}
    for name, tensor in named.items():
        names_of.setdefault(id(tensor), set()).add(name)
    tied = {name: names for names in names_of.values() if len(names) > 1 for name in names}
    given_tied = [name for name in parameters_and_buffers if name in tied]
    for name in given_tied:
        names = tied[name]
        if len(names.intersection(given_tied)) > 1 and \
                len({id(parameters_and_buffers[n]) for n in names
                     if n in parameters_and_buffers}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
    untied = dict(parameters_and_buffers)
    for name in given_tied:
        for other in tied[name]:
            untied[other] = parameters_and_buffers[name]
    return untied


def _submodule(module, path, memo):
    if not path:
        return module
    if path not in memo:
        prefix, _, attr = path.rpartition(".")
        parent = _submodule(module, prefix, memo)
        try:
            child = getattr(parent, attr)
        except AttributeError as ex:
            raise AttributeError(f"{parent._get_name()} has no attribute `{attr}`") from ex
        if not isinstance(child, Module):
            raise TypeError(f"submodule `{path}`: {child} is not an instance of "
                            f"{_naming.public_name}.nn.Module")
        memo[path] = child
    return memo[path]


def _swap_tensor(module, name, tensor):
    """Puts ``tensor`` (or nothing, for ``_MISSING``) in place of ``module.<name>`` and returns
    what was there (``_MISSING`` for nothing)."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of {_naming.public_name}.Tensor")
    if "." in name:
        raise KeyError('tensor name can\'t contain "."')
    if name == "":
        raise KeyError('tensor name can\'t be empty string ""')
    for store in (module._parameters, module._buffers):
        if name in store:
            original = store[name]
            if tensor is _MISSING:
                del store[name]
            else:
                store[name] = tensor
            return original
    original = getattr(module, name, _MISSING)
    if original is not _MISSING and original is not None and not isinstance(original, Tensor):
        raise TypeError(f"attribute `{name}`: {original} is not an instance of "
                        f"{_naming.public_name}.Tensor")
    if tensor is not _MISSING:
        setattr(module, name, tensor)
    elif hasattr(module, name):
        delattr(module, name)
    return original


def _swap_all(module, named_tensors, memo):
    """Swaps every ``name: tensor`` in; returns the displaced ones (undoing the swaps made if
    one fails)."""
    displaced = {}
    try:
        for name, tensor in named_tensors.items():
            prefix, _, attr = name.rpartition(".")
            displaced[name] = _swap_tensor(_submodule(module, prefix, memo), attr, tensor)
    except Exception:
        _swap_all(module, displaced, memo)
        raise
    return displaced


def _check_keys(module, keys):
    expected = {name for name, _ in module.named_parameters(remove_duplicate=False)}
    expected.update(name for name, _ in module.named_buffers(remove_duplicate=False))
    unexpected = sorted(set(keys) - expected)
    missing = sorted(expected - set(keys))
    errors = []
    if unexpected:
        errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if errors:
        raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                           + "\n\t".join(errors))


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    """The tensors swapped in for the block; afterwards the module's own come back (in reverse
    order, so a module reachable under two names gets its own back: torch's does not), and
    ``parameters_and_buffers`` takes what the block left in their places."""
    if tie_weights:
        untied = _untie_named_tensors_map(module, parameters_and_buffers)
    else:
        untied = parameters_and_buffers
    if strict:
        _check_keys(module, untied)
    memo = {}
    displaced = {}
    try:
        displaced = _swap_all(module, untied, memo)
        yield
    finally:
        current = _swap_all(module, dict(reversed(displaced.items())), memo)
        parameters_and_buffers.update({k: current[k] for k in parameters_and_buffers
                                       if k in current})


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                     tie_weights=True, strict=False):
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """``module(*args, **kwargs)`` with the tensors of ``parameters_and_buffers`` (by dotted
    name) in place of the module's own. Deprecated in torch in favour of
    ``func.functional_call``."""
    name = _naming.public_name
    warnings.warn(f"`{name}.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  f"and will be removed in a future version of PyTorch. Please use "
                  f"`{name}.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
