"""``torch.compiler``: the queries and decorators that training code calls around
``torch.compile``. flambeau compiles nothing (``compile`` runs eagerly, see ``_compile``), so
nothing is ever being compiled or exported and the decorators return their function
unchanged."""
from ._compile import compile

__all__ = ["compile", "is_compiling", "is_dynamo_compiling", "is_exporting", "disable",
           "reset", "allow_in_graph", "assume_constant_result", "cudagraph_mark_step_begin"]


def is_compiling():
    """False: no code runs under a compiler here."""
    return False


is_dynamo_compiling = is_exporting = is_compiling


def disable(fn=None, recursive=True, *, reason=None):
    """``fn`` itself (or, without it, a decorator that returns its function)."""
    return fn if fn is not None else (lambda f: f)


def _unchanged(fn):
    return fn


allow_in_graph = assume_constant_result = _unchanged


def reset():
    """Nothing to forget: there are no compiled caches."""


def cudagraph_mark_step_begin():
    """Nothing to mark: there are no CUDA graphs."""
