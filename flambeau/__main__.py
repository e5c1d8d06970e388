"""The command line, ``python -m flambeau`` (or ``flambeau``); see :data:`USAGE`."""
import os
import sys

USAGE = """\
usage: python -m flambeau <command> [arguments]

commands:
  run SCRIPT [ARGS...]      run a PyTorch script unchanged, on flambeau: `import torch`
                            and `import torchvision` give flambeau and flambeau.vision
  run -m MODULE [ARGS...]   the same for a module, as `python -m MODULE` runs it
  check [-v] SCRIPT         read SCRIPT (without running it) and list the torch and
                            torchvision APIs it uses that flambeau lacks; -v lists all
  info                      flambeau, python and numpy versions, BLAS, devices

In a notebook or any program: import flambeau.compat; flambeau.compat.install()
"""


def main(argv=None):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command, args = (argv[0], argv[1:]) if argv else (None, [])
    if command == "run" and args and args[0] not in ("-h", "--help"):
        return run(args)
    if command == "check" and args and args[0] not in ("-h", "--help"):
        return check(args)
    if command == "info" and not args:
        return info()
    if command == "--version":
        from . import __version__
        print(f"flambeau {__version__}")
        return 0
    if command in ("-h", "--help", "help") or args in (["-h"], ["--help"]):
        print(USAGE, end="")
        return 0
    print(USAGE, end="", file=sys.stderr)
    print("flambeau: " + (f"unknown command or missing argument: {' '.join(argv)}" if argv
                          else "a command is required"), file=sys.stderr)
    return 2


# ---------------------------------------------------------------------------------- run

def run(args):
    """``run SCRIPT [ARGS]`` / ``run -m MODULE [ARGS]``, with torch resolving to flambeau."""
    import runpy
    from . import compat
    if args[0] == "-m":
        if len(args) < 2:
            print("flambeau run: argument expected for the -m option", file=sys.stderr)
            return 2
        compat.install()
        sys.argv = args[1:]  # runpy puts the module's file in argv[0], as python -m does
        _set_path0(os.getcwd())
        return _guarded(runpy.run_module, args[1], run_name="__main__", alter_sys=True)
    path = args[0]
    sys.argv = list(args)
    if os.path.isdir(path) or path.endswith((".zip", ".pyz", ".pyzw", ".pyc")):
        compat.install()
        if not getattr(sys.flags, "safe_path", False):
            del sys.path[0]  # runpy puts the directory or archive there
        return _guarded(runpy.run_path, path, run_name="__main__")
    filename = os.path.abspath(path)
    try:
        with open(filename, "rb") as file:
            source = file.read()
    except OSError as error:
        print(f"flambeau run: can't open file {filename!r}: [Errno {error.errno}] "
              f"{error.strerror}", file=sys.stderr)
        return 2
    compat.install()
    _set_path0(os.path.dirname(os.path.realpath(path)))
    return _guarded(_run_source, source, filename)


def _run_source(source, filename):
    """Run a script's source as ``__main__``, with the globals ``python SCRIPT`` gives it."""
    import builtins
    import importlib.machinery
    import types
    code = compile(source, filename, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=filename, __cached__=None, __builtins__=builtins,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", filename))
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _set_path0(entry):
    """What python puts first in sys.path for a script or a module (nothing under -P)."""
    if not getattr(sys.flags, "safe_path", False):
        sys.path[0] = entry


def _guarded(function, *args, **kwargs):
    """Call ``function`` as python runs ``__main__``: an uncaught exception goes to
    ``sys.excepthook`` without flambeau's and runpy's frames, and the status is 1."""
    import runpy
    try:
        function(*args, **kwargs)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:
        own = _guarded.__code__.co_filename
        tb = error.__traceback__
        while tb and (tb.tb_frame.f_code.co_filename == own
                      or tb.tb_frame.f_globals.get("__name__") in ("runpy", "importlib._bootstrap")
                      or tb.tb_frame.f_code.co_filename.startswith("<frozen ")):
            tb = tb.tb_next  # the frames of this launcher, which python's own launch has not
        error.__traceback__ = tb  # the default excepthook prints the exception's own traceback
        if tb is None and isinstance(error, ImportError) and function is runpy.run_module:
            print(f"{sys.executable}: {error}", file=sys.stderr)  # as python -m: "No module named"
        else:
            sys.excepthook(type(error), error, tb)
        return 1
    return 0


# -------------------------------------------------------------------------------- check

def check(args):
    """``check [-v] SCRIPT``: the torch APIs SCRIPT names that flambeau lacks; 1 if any."""
    import ast
    verbose = args[0] == "-v"
    if verbose:
        args = args[1:]
    if len(args) != 1:
        print(USAGE, end="", file=sys.stderr)
        return 2
    path = args[0]
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError) as error:
        print(f"flambeau check: {path}: {error}", file=sys.stderr)
        return 2
    from .compat import in_torch
    uses = torch_uses(tree)
    missing = 0
    for name, line in sorted(uses.items(), key=lambda item: (item[1], item[0])):
        lacking = not available(name)
        missing += lacking
        if lacking:
            print(f"{path}:{line}: {name} is not implemented in flambeau" if in_torch(name) else
                  f"{path}:{line}: {name} is not in torch either (a typo?)")
        elif verbose:
            print(f"{path}:{line}: {name} ok")
    if missing:
        print(f"{missing} of the {len(uses)} torch APIs {path} uses are missing from flambeau")
    else:
        print(f"flambeau has all {len(uses)} torch APIs {path} uses")
    return 1 if missing else 0


def torch_uses(tree):
    """``{dotted torch name: first line}`` for every torch or torchvision API an ``ast`` tree
    names: imports, and attribute chains on imported names (``nn.Conv2d``, ``F.relu``)."""
    import ast
    from .compat import to_flambeau
    bound, uses = {}, {}  # bound: local name -> the dotted torch name it stands for

    def use(name, node):
        uses[name] = min(uses.get(name, node.lineno), node.lineno)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if to_flambeau(alias.name):
                    use(alias.name, node)
                    top = alias.name.partition(".")[0]
                    bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and not node.level and to_flambeau(node.module):
            for alias in node.names:
                name = node.module if alias.name == "*" else f"{node.module}.{alias.name}"
                use(name, node)
                if alias.name != "*":
                    bound[alias.asname or alias.name] = name
    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts, base = [], node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                use(".".join([bound[base.id], *reversed(parts)]), node)
    return uses


def available(name):
    """Whether flambeau has the torch API ``name`` (``'torch.nn.functional.relu'``), found
    with imports and getattr only."""
    import importlib
    import types
    from .compat import to_flambeau
    top, *rest = name.split(".")
    try:
        obj = importlib.import_module(to_flambeau(top))
        for part in rest:
            try:
                obj = getattr(obj, part)
            except AttributeError:
                if not isinstance(obj, types.ModuleType):
                    return False
                obj = importlib.import_module(f"{obj.__name__}.{part}")
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------- info

def info():
    """``info``: versions, the BLAS numpy uses, and the devices."""
    import platform
    import numpy
    from . import __version__, _backend
    rows = [("flambeau", f"{__version__} ({os.path.dirname(os.path.abspath(__file__))})"),
            ("python", f"{platform.python_version()} ({platform.python_implementation()}, "
                       f"{sys.executable})"),
            ("numpy", numpy.__version__),
            ("blas", _blas(numpy)),
            ("devices", _devices(_backend))]
    for key, value in rows:
        print(f"{key + ':':10}{value}")
    return 0


def _blas(numpy):
    """Name and version of the BLAS numpy was built with, as numpy reports it, and the kernels
    OpenBLAS runs (with the ``OPENBLAS_CORETYPE`` that chose them, if set)."""
    from ._threads import blas_core
    core = blas_core()
    if core is not None:
        chosen = os.environ.get("OPENBLAS_CORETYPE")
        core = f", {core} kernels" + (f" (OPENBLAS_CORETYPE={chosen})" if chosen else "")
    return _blas_build(numpy) + (core or "")


def _blas_build(numpy):
    try:  # NumPy >= 1.26
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return " ".join(str(blas[key]) for key in ("name", "version") if blas.get(key))
    except Exception:
        pass
    try:  # older NumPy
        return ", ".join(numpy.__config__.blas_opt_info["libraries"])
    except Exception:
        return "unknown"


def _devices(backend):
    """``cpu``, and the CUDA devices CuPy sees (or why there are none)."""
    try:
        count = backend.cuda_device_count()
    except Exception as error:
        return f"cpu; cuda not available ({error})"
    if not count:
        return "cpu; cuda not available" + ("" if backend.cupy else " (CuPy not installed "
                                            "or no GPU found)")
    cupy = backend.cupy
    names = []
    for index in range(count):
        try:
            names.append(cupy.cuda.runtime.getDeviceProperties(index)["name"].decode())
        except Exception:
            names.append("?")
    return (f"cpu; cuda: {count} device{'s' * (count > 1)} ({', '.join(names)}), "
            f"CuPy {cupy.__version__}")


if __name__ == "__main__":
    sys.exit(main())
