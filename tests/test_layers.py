"""The package's module-level imports follow docs/DESIGN.md's layers: no import cycles, and no
module importing one of a higher layer. Read from the source (ast), so the test sees every
module, imported or not. Imports inside functions are deferred and not counted; the known
exceptions are listed below, to be removed one by one, and a new one fails the test."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).parents[1] / "flambeau"

# (module prefix, layer), most specific first
LAYERS = [("flambeau._backend", 0), ("flambeau._dtype", 1), ("flambeau._device", 1),
          ("flambeau._size", 1), ("flambeau._naming", 1), ("flambeau.return_types", 1),
          ("flambeau._shared_memory", 1),
          ("flambeau._storage", 2), ("flambeau._tensor", 2), ("flambeau._tensor_str", 2),
          ("flambeau._legacy", 2),
          ("flambeau.autograd", 3), ("flambeau._ops", 4),
          ("flambeau.nn", 6), ("flambeau.optim", 6), ("flambeau.utils", 6), ("flambeau.func", 6),
          ("flambeau.jit", 6), ("flambeau._compile", 6), ("flambeau.compiler", 6),  # they take
          # modules as they are
          ("flambeau.masked", 6), ("flambeau.signal", 6),  # composed of public ops
          ("flambeau.serialization", 6), ("flambeau._serialization", 6), ("flambeau.hub", 6),
          ("flambeau.distributed", 6),  # tensors and sockets; nn.parallel's DDP builds on it
          ("flambeau.vision", 7),
          ("flambeau.__main__", 9), ("flambeau.compat", 9),
          ("flambeau", 5)]  # the public namespaces: flambeau, linalg, fft, special, random ...


def layer(module):
    for prefix, number in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return number
    raise AssertionError(module)


def modules():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, parts[-1] == "__init__"


def imports(name, path, is_package, known):
    """The flambeau modules ``name`` imports at module level (``known``: all module names)."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("flambeau"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if not target.startswith("flambeau"):
                continue
            names = {target + "." + a.name for a in node.names}
            found.update(names & known)  # `from . import nn` imports a module
            if not names & known or node.module:
                found.add(target)
    found.discard(name)
    return found


def graph():
    """Module -> the modules it imports, less a package's imports of its own submodules (a
    package publishes them: ``flambeau`` imports ``flambeau.nn``, as torch does)."""
    found = list(modules())
    known = {name for name, _, _ in found}
    return {name: {t for t in imports(name, path, pkg, known) if not t.startswith(name + ".")}
            for name, path, pkg in found}


KNOWN_CYCLES = [["flambeau.utils.data._utils.collate", "flambeau.utils.data._utils.fetch",
                 "flambeau.utils.data._utils.worker"]]


def test_no_import_runs_up_the_layers():
    upward = {(a, b) for a, targets in graph().items() for b in targets
              if layer(b) > layer(a)}
    assert not upward, sorted(upward)


def test_no_import_cycles():
    edges = graph()
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components, iteratively deep enough here
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    assert [c for c in cycles if c not in KNOWN_CYCLES] == [], cycles


# ``import flambeau`` inside functions of _ops (an upward import, deferred): to go, one by one;
# an op calls another as a Tensor method or imports it from its family (docs/DESIGN.md)
KNOWN_PACKAGE_IMPORTS = {"flambeau._ops.fft": 5, "flambeau._ops.indexing": 2,
                         "flambeau._ops.linalg_decompositions": 3, "flambeau._ops.linalg_lu": 1,
                         "flambeau._ops.linalg_products": 1, "flambeau._ops.random": 1,
                         "flambeau._ops.reduction": 1, "flambeau._ops.shape": 4}


def test_ops_import_the_package_only_where_known():
    submodules = {p.stem for p in ROOT.iterdir()}
    found = {}
    for name, path, _ in modules():
        if not name.startswith("flambeau._ops"):
            continue
        tree = ast.parse(path.read_text())
        top = set(map(id, tree.body))
        count = 0
        for node in ast.walk(tree):
            if id(node) in top:
                continue
            if isinstance(node, ast.Import):
                count += any(a.name == "flambeau" for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                package = node.module == "flambeau" if node.level == 0 else \
                    node.level == 2 and node.module is None
                count += package and any(a.name not in submodules for a in node.names)
        if count:
            found[name] = count
    assert all(n <= KNOWN_PACKAGE_IMPORTS.get(m, 0) for m, n in found.items()), found
