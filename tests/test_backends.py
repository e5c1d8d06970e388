"""torch.backends, torch.accelerator, torch.mps, torch.cuda's queries and the process-wide
switches (deterministic algorithms, float32 matmul precision) against torch's CPU build."""
import warnings

import pytest
import torch

import flambeau
from conftest import raises_like

BOTH = (torch, flambeau)


@pytest.fixture(autouse=True)
def torch_flags_mutable():
    """torch's test utilities (imported by other tests) freeze its backend flags."""
    with getattr(torch.backends, "__allow_nonbracketed_mutation")():
        yield


@pytest.fixture(autouse=True)
def restore_switches(torch_flags_mutable):
    saved = [(lib.backends.cudnn.benchmark, lib.backends.cudnn.enabled,
              lib.get_float32_matmul_precision(), lib.get_deterministic_debug_mode())
             for lib in BOTH]
    yield
    for lib, (benchmark, enabled, precision, debug) in zip(BOTH, saved):
        lib.backends.cudnn.benchmark, lib.backends.cudnn.enabled = benchmark, enabled
        lib.set_float32_matmul_precision(precision)
        lib.set_deterministic_debug_mode(debug)


def same(path, *args):
    """``path`` read (or called with ``args``) in both libraries gives the same value."""
    values = []
    for lib in BOTH:
        obj = lib
        for part in path.split("."):
            obj = getattr(obj, part)
        values.append(obj(*args) if callable(obj) else obj)
    assert values[0] == values[1], (path, values)


@pytest.mark.parametrize("path", [
    "backends.cudnn.benchmark", "backends.cudnn.deterministic", "backends.cudnn.enabled",
    "backends.cudnn.allow_tf32", "backends.cudnn.benchmark_limit",
    "backends.cudnn.is_available", "backends.cudnn.version", "backends.mps.is_available",
    "backends.mps.is_built", "backends.mkldnn.enabled", "backends.mkldnn.deterministic",
    "backends.opt_einsum.is_available", "backends.opt_einsum.enabled",
    "backends.opt_einsum.strategy", "backends.cuda.is_built",
    "backends.cuda.matmul.allow_tf32",
    "backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
    "backends.cuda.matmul.allow_bf16_reduced_precision_reduction_split_k",
    "backends.cuda.flash_sdp_enabled", "backends.cpu.get_cpu_capability",
    "accelerator.is_available", "accelerator.current_accelerator",
    "accelerator.device_count", "mps.is_available", "mps.device_count",
    "cuda.is_available", "cuda.device_count", "cuda.is_bf16_supported", "cuda.is_initialized",
    "cuda.memory_allocated", "cuda.max_memory_allocated", "cuda.memory_reserved",
    "cuda.max_memory_reserved", "cuda.memory_stats", "cuda.empty_cache",
    "cuda.get_arch_list", "cpu.is_available", "cpu.device_count", "cpu.current_device",
    "get_float32_matmul_precision", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "get_deterministic_debug_mode",
    "get_num_interop_threads"])
def test_values_as_torch(path):
    same(path)


def test_libraries_flambeau_does_not_use():
    # NumPy and its OpenBLAS: no oneDNN, MKL or OpenMP (torch's CPU build has them)
    for name in ("mkldnn", "mkl", "openmp"):
        assert getattr(flambeau.backends, name).is_available() is False
    with flambeau.backends.mkl.verbose(flambeau.backends.mkl.VERBOSE_ON):
        pass


@pytest.mark.parametrize("path", ["cudnn.benchmark", "cudnn.deterministic", "cudnn.enabled",
                                  "cudnn.allow_tf32", "mkldnn.enabled", "mkldnn.deterministic",
                                  "cuda.matmul.allow_tf32"])
@pytest.mark.parametrize("value", [True, False, 1, "yes", None])
def test_bool_flags(path, value):
    *where, name = path.split(".")

    def module(lib):
        found = lib.backends
        for part in where:
            found = getattr(found, part)
        return found
    old = [getattr(module(lib), name) for lib in BOTH]
    if not isinstance(value, bool):
        raises_like(lambda: setattr(module(flambeau), name, value),
                    lambda: setattr(module(torch), name, value))
        return
    for lib, before in zip(BOTH, old):
        setattr(module(lib), name, value)
        assert getattr(module(lib), name) is value
        setattr(module(lib), name, before)
    assert old[0] == old[1]


def test_flags_context_restores():
    for lib in BOTH:
        with lib.backends.cudnn.flags(enabled=False, benchmark=True):
            assert lib.backends.cudnn.benchmark and not lib.backends.cudnn.enabled
        assert not lib.backends.cudnn.benchmark and lib.backends.cudnn.enabled


def test_opt_einsum_without_the_package():
    if torch.backends.opt_einsum.is_available():
        pytest.skip("opt_einsum is installed")
    for value in ("greedy", "bogus"):
        def set_strategy(lib):
            lib.backends.opt_einsum.strategy = value
        set_strategy(flambeau)  # a plain attribute without the package, as in torch
        set_strategy(torch)
        same("backends.opt_einsum.strategy")
    flambeau.backends.opt_einsum.strategy = torch.backends.opt_einsum.strategy = None

    def enable(lib):
        with lib.backends.opt_einsum.flags(enabled=True):
            pass
    raises_like(lambda: enable(flambeau), lambda: enable(torch))


def test_unknown_matmul_attribute():
    raises_like(lambda: flambeau.backends.cuda.matmul.bogus,
                lambda: torch.backends.cuda.matmul.bogus)

    def assign(lib, name, value):
        setattr(lib.backends.cuda.matmul, name, value)
    for name, value in (("bogus", 1), ("allow_fp16_reduced_precision_reduction", 1),
                        ("allow_fp16_reduced_precision_reduction", ()),
                        ("allow_bf16_reduced_precision_reduction", (True, 2)),
                        ("allow_bf16_reduced_precision_reduction", (True, False, True))):
        raises_like(lambda: assign(flambeau, name, value), lambda: assign(torch, name, value))
    for lib in BOTH:
        assign(lib, "allow_bf16_reduced_precision_reduction", (False, False))
    same("backends.cuda.matmul.allow_bf16_reduced_precision_reduction")
    same("backends.cuda.matmul.allow_bf16_reduced_precision_reduction_split_k")
    for lib in BOTH:
        assign(lib, "allow_bf16_reduced_precision_reduction", True)


def test_float32_matmul_precision_and_tf32():
    for value in ("high", "medium", "highest"):
        for lib in BOTH:
            lib.set_float32_matmul_precision(value)
        same("get_float32_matmul_precision")
        same("backends.cuda.matmul.allow_tf32")
    raises_like(lambda: flambeau.set_float32_matmul_precision(3),
                lambda: torch.set_float32_matmul_precision(3))
    for lib in BOTH:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.set_float32_matmul_precision("bogus")
        assert "bogus is not one of 'highest', 'high', or 'medium'; the current" \
            "setFloat32MatmulPrecision call has no effect." in str(caught[0].message)
    same("get_float32_matmul_precision")


@pytest.mark.parametrize("args, kwargs", [((True,), {}), ((False,), {}),
                                          ((True,), {"warn_only": True}), ((1,), {}),
                                          (("x",), {}), ((True,), {"warn_only": 1})])
def test_deterministic_algorithms(args, kwargs):
    call = [lambda lib=lib: lib.use_deterministic_algorithms(*args, **kwargs) for lib in BOTH]
    if all(isinstance(a, bool) for a in (*args, *kwargs.values())):
        call[0](), call[1]()
        for path in ("are_deterministic_algorithms_enabled",
                     "is_deterministic_algorithms_warn_only_enabled",
                     "get_deterministic_debug_mode"):
            same(path)
    else:
        raises_like(call[1], call[0])


@pytest.mark.parametrize("mode", ["default", "warn", "error", 0, 1, 2, 3, "x", 1.0])
def test_deterministic_debug_mode(mode):
    try:
        torch.set_deterministic_debug_mode(mode)
    except Exception:
        raises_like(lambda: flambeau.set_deterministic_debug_mode(mode),
                    lambda: torch.set_deterministic_debug_mode(mode))
        return
    flambeau.set_deterministic_debug_mode(mode)
    same("get_deterministic_debug_mode")
    same("are_deterministic_algorithms_enabled")


@pytest.mark.parametrize("name", ["get_device_name", "current_device", "synchronize",
                                  "get_device_capability", "mem_get_info", "init",
                                  "get_device_properties"])
def test_cuda_device_calls_without_a_gpu(name):
    if torch.cuda.is_available() or flambeau.cuda.is_available():
        pytest.skip("a GPU is present")
    raises_like(getattr(flambeau.cuda, name), getattr(torch.cuda, name))


@pytest.mark.parametrize("name", ["current_device_index", "synchronize", "empty_cache",
                                  "memory_allocated"])
def test_accelerator_calls_without_one(name):
    if torch.accelerator.is_available() or flambeau.accelerator.is_available():
        pytest.skip("an accelerator is present")
    raises_like(getattr(flambeau.accelerator, name), getattr(torch.accelerator, name))


@pytest.mark.parametrize("name", ["synchronize", "empty_cache", "seed", "get_rng_state",
                                  "current_allocated_memory", "driver_allocated_memory",
                                  "recommended_max_memory"])
def test_mps_calls_without_mps(name):
    raises_like(getattr(flambeau.mps, name), getattr(torch.mps, name))
    assert flambeau.mps.manual_seed(0) is torch.mps.manual_seed(0) is None


def test_scripts_import_the_submodules():
    import flambeau.backends.cudnn as cudnn
    import flambeau.cuda.amp  # noqa: F401
    import flambeau.cpu.amp  # noqa: F401
    cudnn.benchmark = True
    assert flambeau.backends.cudnn.benchmark is True


def test_fresh_interpreter_reaches_every_name():
    import subprocess
    import sys
    names = ["backends.cudnn.benchmark", "backends.mps.is_available", "backends.opt_einsum",
             "backends.mkldnn", "backends.cuda.matmul", "backends.cpu", "accelerator", "mps",
             "cpu.amp.autocast", "cuda.amp.GradScaler", "amp.GradScaler", "autocast", "jit.script",
             "compile", "set_num_threads", "use_deterministic_algorithms",
             "set_float32_matmul_precision", "get_autocast_dtype"]
    code = "import flambeau\nfor n in %r:\n    obj = flambeau\n    for part in n.split('.'):\n" \
           "        obj = getattr(obj, part)\nprint('ok')" % (names,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
