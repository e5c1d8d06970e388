"""Development tool: torch's Python signatures of an op, as flambeau declares them.

    python tools/torch_signatures.py sum mean special.erf

Reads the type stubs of the installed torch (``torch/_C/_VariableFunctions.pyi`` and the
``_special``/``_linalg``/``_fft``/``_nn`` stubs) and prints each overload in the argument
parser's words, ready for ``defop(signature=[...])``. Overloads taking dimension names are left
out (flambeau has no named tensors). The result is a starting point: ``tests/test_signatures.py``
checks every declaration against torch's real errors.
"""
import ast
import pathlib
import sys

import torch

_STUBS = {"": "_VariableFunctions.pyi", "special": "_special.pyi", "linalg": "_linalg.pyi",
          "fft": "_fft.pyi", "nn.functional": "_nn.pyi"}

_TYPES = [  # (annotation text, without "| None", schema word), most specific first
    ("Tensor", "Tensor"), ("Number | _complex", "Scalar"), ("Number", "Scalar"),
    ("_complex", "complex"), ("_int | _size", "int[1]"), ("_int | SymInt", "int"),
    ("_int", "int"), ("SymInt", "int"), ("_float", "float"), ("_bool", "bool"),
    ("_size", "int[]"), ("Sequence[_int | SymInt]", "int[]"), ("Sequence[_int]", "int[]"),
    ("_dtype", "ScalarType"), ("str", "str"), ("Generator", "Generator"),
    ("DeviceLikeType", "Device"), ("_device", "Device"), ("_layout", "Layout"),
    ("memory_format", "MemoryFormat"), ("Sequence[_float]", "float[]"),
    ("tuple[Tensor, ...] | list[Tensor]", "Tensor[]"), ("Sequence[Tensor]", "Tensor[]"),
    ("Sequence[Number | _complex]", "Scalar[]"),
]


def _word(annotation):
    text = ast.unparse(annotation)
    nullable = text.endswith(" | None") or text.startswith("None | ")
    text = text.replace(" | None", "").replace("None | ", "")
    for pattern, word in _TYPES:
        if text == pattern:
            return word + ("?" if nullable else "")
    return None


def signatures(qualified):
    namespace, _, name = qualified.rpartition(".")
    stub = pathlib.Path(torch.__file__).parent / "_C" / _STUBS[namespace]
    tree = ast.parse(stub.read_text())
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name != name:
            continue
        params, ok = [], True
        args = node.args
        defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
        for arg, default in zip(args.args, defaults):
            params.append(_param(arg, default))
        if args.kwonlyargs:
            params.append("*")
            params += [_param(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
        if any(p is None for p in params):
            ok = False
        if ok:
            out.append(f"{name}({', '.join(params)})")
    return out


def _param(arg, default):
    word = _word(arg.annotation) if arg.annotation is not None else "object"
    if word is None:
        return None
    text = f"{word} {arg.arg}"
    if default is not None:
        text += f"={ast.unparse(default)}"
    return text


if __name__ == "__main__":
    for qualified in sys.argv[1:]:
        for line in signatures(qualified):
            print(line)
