"""Wrong calls of every op declared with torch's signatures raise torch's TypeError, word for
word: a wrong type in each position and each keyword, an unknown keyword, too many and too few
arguments, for the function and the method forms. The calls are made from the declarations
themselves, so a new declared op is tested by declaring it."""
import inspect

import numpy as np
import pytest
import torch

import flambeau
from flambeau._ops.registry import OPS
from flambeau._ops.signature import signatures

from conftest import raises_like


class Bad:
    """A value of no type torch knows."""


def _sample(param):
    """A value of the parameter's type (the parser only looks at types)."""
    if param.optional and param.default is not None and not isinstance(param.default, str) \
            or param.type == "str" and param.optional:
        return param.default
    return {"Tensor": flambeau.ones(2, 3), "Scalar": 1, "int": 0, "SymInt": 0, "float": 1.0,
            "complex": 1.0, "bool": False, "str": "mean", "int[]": (0,), "SymInt[]": (0,),
            "float[]": (1.0,), "Scalar[]": (1,), "Tensor[]": (flambeau.ones(2, 3),),
            "Tensor?[]": (flambeau.ones(2, 3),), "bool[]": (True, True, True),
            "ScalarType": flambeau.float32, "object": 0}.get(param.type)


def _to_torch(value):
    if isinstance(value, flambeau.Tensor):
        return torch.from_numpy(np.array(value.numpy()))
    if isinstance(value, flambeau.dtype):
        return getattr(torch, str(value).split(".")[-1])
    if isinstance(value, (tuple, list)):
        return type(value)(_to_torch(v) for v in value)
    return value


def _calls(sig):
    """(args, kwargs) of wrong calls of one overload."""
    values = [_sample(p) for p in sig.params]
    if any(v is None and not p.optional for p, v in zip(sig.params, values)):
        return
    positional = [p for p in sig.params if not p.keyword_only]
    required = [v for p, v in zip(sig.params, values) if not p.optional and not p.keyword_only]
    for i in range(len(positional)):
        yield tuple(values[:i]) + (Bad(),), {}
    for p in sig.params:
        if p.keyword_only:
            yield tuple(required), {p.name: Bad()}
    yield tuple(required), {"no_such_argument": 1}
    yield tuple(values[:len(positional)]) + (0,), {}
    yield (), {}


def _declared():
    cases = []
    for namespace, name, fn, method in OPS:
        if not hasattr(fn, "_signature_texts") or name.startswith("__"):  # operators: the
            continue  # methods they stand for
        sigs = signatures(fn)
        theirs = torch if not namespace else getattr(torch, namespace)
        if method and not hasattr(torch.Tensor, name) or not method and \
                not hasattr(theirs, name):
            continue
        for sig in sigs.overloads:
            for args, kwargs in _calls(sig):
                cases.append((namespace, name, method, args, kwargs))
    return cases


_CASES = _declared()


def _id(case):
    namespace, name, method, args, kwargs = case
    kinds = [type(a).__name__ for a in args] + [f"{k}={type(v).__name__}"
                                                for k, v in kwargs.items()]
    return f"{'Tensor.' if method else namespace + '.'}{name}({', '.join(kinds)})"


@pytest.mark.parametrize("case", _CASES, ids=[_id(c) for c in _CASES])
def test_wrong_call_raises_as_torch(case, as_torch):
    namespace, name, method, args, kwargs = case
    if method:
        ours = lambda: getattr(flambeau.ones(2, 3), name)(*args, **kwargs)  # noqa: E731
        theirs = lambda: getattr(torch.ones(2, 3), name)(  # noqa: E731
            *_to_torch(args), **{k: _to_torch(v) for k, v in kwargs.items()})
    else:
        module = flambeau if not namespace else getattr(flambeau, namespace)
        their_module = torch if not namespace else getattr(torch, namespace)
        ours = lambda: getattr(module, name)(*args, **kwargs)  # noqa: E731
        theirs = lambda: getattr(their_module, name)(  # noqa: E731
            *_to_torch(args), **{k: _to_torch(v) for k, v in kwargs.items()})
    try:
        theirs()
    except TypeError as error:
        if "TensorBase." in str(error) or "Tensor." in str(error):  # torch names the class
            with pytest.raises(TypeError) as mine:  # of a method without arguments either way
                ours()
            assert str(mine.value).replace("TensorBase.", "Tensor.") == \
                str(error).replace("TensorBase.", "Tensor.")
            return
        raises_like(ours, theirs)
        return
    except Exception as error:  # a value torch refuses after the types passed
        with pytest.raises(type(error)):
            ours()
        return
    try:  # torch accepts the call: no TypeError from flambeau either
        ours()
    except TypeError as error:
        pytest.fail(f"torch accepts this call, flambeau raised {error}")
    except Exception:
        pass


def test_cases_exist():
    assert len(_CASES) > 100


def test_inspect_signature_shows_the_declaration():
    """inspect.signature reads a declared form's parameters (out= included) from its
    declaration, before any call."""
    assert str(inspect.signature(flambeau.cumsum)) == "(input, dim, *, dtype=None, out=None)"
    assert str(inspect.signature(flambeau.Tensor.add_)) == "(self, other, *, alpha=1)"
    assert str(inspect.signature(flambeau.arange)) == "(*args, **kwargs)"  # overloads differ
    for namespace, name, fn, method in OPS:
        if hasattr(fn, "_signature_texts"):
            params = inspect.signature(fn).parameters
            if any(p.name == "out" for sig in signatures(fn).overloads for p in sig.params):
                assert "out" in params or "kwargs" in params, name
            else:
                assert "out" not in params, name
