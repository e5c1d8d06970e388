"""torch.autocast (CPU op lists, caching, nesting, warnings) and torch.amp.GradScaler, compared
with torch's CPU build."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like, to_numpy

rng = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def keep_global_generators():
    """The tests seed the global generators; later tests find them as they were."""
    states = flambeau.get_rng_state(), torch.get_rng_state()
    yield
    flambeau.set_rng_state(states[0])
    torch.set_rng_state(states[1])


def pair(*shape, dtype="float32"):
    a = rng.standard_normal(shape).astype(np.float32)
    return (flambeau.tensor(a).to(getattr(flambeau, dtype)),
            torch.tensor(a).to(getattr(torch, dtype)))


def both(fn, *shapes, dtype="float32", **kwargs):
    """``fn(lib, *tensors)`` under CPU autocast in each library: (flambeau's, torch's)."""
    inputs = [pair(*s, dtype=dtype) for s in shapes]
    results = []
    for i, lib in enumerate((flambeau, torch)):
        with lib.autocast("cpu", **kwargs):
            results.append(fn(lib, *[t[i] for t in inputs]))
    return results


def assert_close(ours, theirs, tol=2e-2):
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1], (ours, theirs)
    np.testing.assert_allclose(to_numpy(ours.float()), to_numpy(theirs.float()), rtol=tol,
                               atol=tol)


OPS = {  # name: (fn(lib, *inputs), input shapes)
    "mm": (lambda L, a, b: L.mm(a, b), [(4, 5), (5, 3)]),
    "matmul": (lambda L, a, b: L.matmul(a, b), [(2, 4, 5), (5, 3)]),
    "operator @": (lambda L, a, b: a @ b, [(4, 5), (5, 3)]),
    "method mm": (lambda L, a, b: a.mm(b), [(4, 5), (5, 3)]),
    "bmm": (lambda L, a, b: L.bmm(a, b), [(2, 4, 5), (2, 5, 3)]),
    "addmm": (lambda L, c, a, b: L.addmm(c, a, b), [(4, 3), (4, 5), (5, 3)]),
    "baddbmm": (lambda L, c, a, b: L.baddbmm(c, a, b), [(2, 4, 3), (2, 4, 5), (2, 5, 3)]),
    "addbmm": (lambda L, c, a, b: L.addbmm(c, a, b), [(4, 3), (2, 4, 5), (2, 5, 3)]),
    "linear": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [(2, 3, 5), (4, 5), (4,)]),
    "conv1d": (lambda L, x, w: L.nn.functional.conv1d(x, w), [(2, 3, 8), (4, 3, 3)]),
    "conv2d": (lambda L, x, w: L.nn.functional.conv2d(x, w, padding=1),
               [(2, 3, 6, 6), (4, 3, 3, 3)]),
    "conv3d": (lambda L, x, w: L.nn.functional.conv3d(x, w), [(1, 2, 4, 4, 4), (3, 2, 2, 2, 2)]),
    "conv_transpose2d": (lambda L, x, w: L.nn.functional.conv_transpose2d(x, w),
                         [(1, 3, 4, 4), (3, 2, 3, 3)]),
    "prelu": (lambda L, x, w: L.nn.functional.prelu(x, w), [(2, 3, 4), (3,)]),
    "convolution (not listed)": (
        lambda L, x, w: L.convolution(x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
        [(1, 2, 5, 5), (3, 2, 3, 3)]),
    "add (not listed)": (lambda L, a, b: a + b, [(3,), (3,)]),
    "softmax (not listed)": (lambda L, a: L.softmax(a, 1), [(3, 4)]),
    "prod": (lambda L, a: L.prod(a.to(L.bfloat16)), [(3, 4)]),
    "batch_norm after conv2d": (lambda L, x, w: L.nn.functional.batch_norm(
        L.nn.functional.conv2d(x, w), None, None, training=True), [(2, 2, 5, 5), (3, 2, 2, 2)]),
    "layer_norm after linear": (lambda L, x, w, b: L.nn.functional.layer_norm(
        L.nn.functional.linear(x, w), [4], b, b), [(3, 5), (4, 5), (4,)]),
    "group_norm after conv1d": (lambda L, x, w: L.nn.functional.group_norm(
        L.nn.functional.conv1d(x, w), 2), [(2, 3, 6), (4, 3, 2)]),
    "max_pool2d (not listed)": (lambda L, x, w: L.nn.functional.max_pool2d(
        L.nn.functional.conv2d(x, w), 2), [(1, 2, 7, 7), (3, 2, 2, 2)]),
    "cat": (lambda L, a, b: L.cat([a.to(L.bfloat16), b]), [(2, 3), (2, 3)]),
    "stack of halves": (lambda L, a, b: L.stack([a.to(L.bfloat16), b.to(L.bfloat16)]),
                        [(2, 3), (2, 3)]),
    "linalg.inv": (lambda L, a: L.linalg.inv(a.to(L.bfloat16) + 4 * L.eye(3)), [(3, 3)]),
    "fft.rfft": (lambda L, a: L.fft.rfft(a.to(L.bfloat16)).abs(), [(8,)]),
    "mse_loss": (lambda L, a, b: L.nn.functional.mse_loss(a @ b, a @ b * 2), [(4, 4), (4, 4)]),
    "l1_loss": (lambda L, a, b: L.nn.functional.l1_loss(a.to(L.bfloat16), b), [(4,), (4,)]),
    "smooth_l1_loss": (lambda L, a, b: L.nn.functional.smooth_l1_loss(a.to(L.bfloat16), b),
                       [(4,), (4,)]),
    "bce_with_logits": (lambda L, a, b: L.nn.functional.binary_cross_entropy_with_logits(
        a.to(L.bfloat16), b.sigmoid()), [(4,), (4,)]),
    "kl_div": (lambda L, a, b: L.nn.functional.kl_div(a.to(L.bfloat16), b.softmax(0),
                                                      reduction="batchmean"), [(4,), (4,)]),
    "cross_entropy": (lambda L, a, b: L.nn.functional.cross_entropy(
        a @ b, L.tensor([0, 1, 2, 1])), [(4, 5), (5, 3)]),
    "nll_loss": (lambda L, a: L.nn.functional.nll_loss(
        a.to(L.bfloat16).log_softmax(1), L.tensor([0, 1, 2, 1])), [(4, 3)]),
    "double stays": (lambda L, a, b: L.mm(a.double(), b.double()), [(4, 5), (5, 3)]),
    "half input": (lambda L, a, b: L.mm(a.half(), b.half()), [(4, 5), (5, 3)]),
    "in-place stays": (lambda L, c, a, b: c.clone().addmm_(a, b), [(4, 3), (4, 5), (5, 3)]),
}


@pytest.mark.parametrize("name", OPS)
def test_dtypes_and_values_as_torch(name):
    fn, shapes = OPS[name]
    ours, theirs = both(fn, *shapes)
    assert_close(ours, theirs)


def test_float16_autocast():
    (a, ta), (b, tb) = pair(4, 5), pair(5, 3)
    with flambeau.autocast("cpu", dtype=flambeau.float16):
        ours = flambeau.mm(a, b)
    with torch.autocast("cpu", dtype=torch.float16):
        theirs = torch.mm(ta, tb)
    assert_close(ours, theirs)


def test_training_step_gradients_stay_float32():
    results = []
    for lib in (flambeau, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.BatchNorm2d(3), lib.nn.ReLU(),
                                  lib.nn.Flatten(), lib.nn.Linear(12, 4), lib.nn.LayerNorm(4))
        x = lib.ones(5, 2, 4, 4)
        with lib.autocast("cpu"):
            out = model(x)
            loss = lib.nn.functional.cross_entropy(out, lib.tensor([0, 1, 2, 3, 0]))
        loss.backward()
        results.append((out.dtype, loss.dtype, [p.grad.dtype for p in model.parameters()]))
    assert repr(results[0]).replace("flambeau", "torch") == repr(results[1])


def test_weight_cast_is_cached_until_the_outermost_exit():
    for lib in (flambeau, torch):
        x = lib.ones(3, 3, requires_grad=True)
        with lib.autocast("cpu"):
            first = lib.mm(x, x).grad_fn.next_functions[0][0]
            with lib.autocast("cpu"):
                again = lib.mm(x, x).grad_fn.next_functions[1][0]
            assert first is again
        with lib.autocast("cpu"):
            assert lib.mm(x, x).grad_fn.next_functions[0][0] is not first
        with lib.autocast("cpu", cache_enabled=False):
            y = lib.mm(x, x).grad_fn.next_functions
            assert y[0][0] is not y[1][0]


def test_classes_print_as_torchs(as_torch):
    assert repr(flambeau.amp.autocast) == repr(torch.amp.autocast)
    assert repr(flambeau.amp.GradScaler) == repr(torch.amp.GradScaler)
    assert repr(flambeau.cpu.amp.autocast) == "<class 'torch.cpu.amp.autocast'>"


def test_state_queries(as_torch):
    for lib in (flambeau, torch):
        assert not lib.is_autocast_enabled("cpu")
        with lib.autocast("cpu"):
            assert lib.is_autocast_enabled("cpu") and not lib.is_autocast_enabled()
            assert lib.get_autocast_dtype("cpu") is lib.bfloat16
            with lib.autocast("cpu", enabled=False):
                assert lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype is lib.float32
            assert lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype is lib.bfloat16
        assert lib.get_autocast_dtype("cuda") is lib.float16
        assert lib.is_autocast_cache_enabled()
        assert lib.amp.is_autocast_available("cuda") and lib.amp.is_autocast_available("mps")
    for call in (lambda L: L.is_autocast_enabled("xyz"), lambda L: L.get_autocast_dtype("xyz"),
                 lambda L: L.amp.is_autocast_available("xyz"),
                 lambda L: L.autocast(L.device("cpu"))):
        raises_like(lambda: call(flambeau), lambda: call(torch))


def warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message).replace("flambeau", "torch")) for w in caught]


@pytest.mark.parametrize("make", [
    lambda L: L.autocast("cpu", dtype=L.float32),
    lambda L: L.autocast("cuda"),
    lambda L: L.cuda.amp.autocast(),
    lambda L: L.cpu.amp.autocast(),
    lambda L: L.amp.GradScaler("cuda"),
    lambda L: L.cuda.amp.GradScaler(),
    lambda L: L.cpu.amp.GradScaler(),
])
def test_warnings_as_torch(make):
    def enter(lib):
        made = make(lib)
        if hasattr(made, "__enter__"):
            with made:
                assert not lib.is_autocast_enabled("cuda")
    assert warnings_of(lambda: enter(flambeau)) == warnings_of(lambda: enter(torch))


def test_decorator_and_custom_fwd():
    for lib in (flambeau, torch):
        @lib.autocast("cpu")
        def product(a, b):
            return a @ b
        assert product(lib.ones(2, 2), lib.ones(2, 2)).dtype is lib.bfloat16

        class Double(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
            def forward(ctx, x):
                return (x @ x) * 2

            @staticmethod
            @lib.amp.custom_bwd(device_type="cpu")
            def backward(ctx, g):
                return g
        with lib.autocast("cpu"):
            assert Double.apply(lib.ones(2, 2, dtype=lib.bfloat16)).dtype is lib.float32
    raises_like(lambda: flambeau.autocast("cpu")(3), lambda: torch.autocast("cpu")(3))


# ---- GradScaler ----------------------------------------------------------------------------

def scaler_run(lib, poison, **options):
    """A few steps of SGD with a GradScaler; ``poison[i]`` puts an inf into step i's loss."""
    lib.manual_seed(0)
    weight = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0]))
    opt = lib.optim.SGD([weight], lr=0.1)
    scaler = lib.amp.GradScaler("cpu", **options)
    history = []
    for bad in poison:
        opt.zero_grad()
        loss = (weight * weight).sum() * (float("inf") if bad else 1.0)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        grad = weight.grad.clone()
        scaler.step(opt)
        scaler.update()
        history.append((scaler.get_scale(), scaler.state_dict(), weight.tolist(),
                        np.isfinite(to_numpy(grad)).all() and grad.tolist()))
    return history


@pytest.mark.parametrize("options", [{}, {"growth_interval": 2, "init_scale": 8.0},
                                     {"enabled": False},
                                     {"growth_interval": 1, "init_scale": 3e38}])
def test_grad_scaler_steps_as_torch(options):
    poison = [False, True, False, False, True, False, False, False]
    assert repr(scaler_run(flambeau, poison, **options)) == \
        repr(scaler_run(torch, poison, **options))


@pytest.mark.parametrize("misuse", ["unscale twice", "step twice", "update first",
                                    "unscale after step", "closure", "bad factors",
                                    "bad new_scale", "fp16 grads", "scale a string"])
def test_grad_scaler_errors_as_torch(misuse):
    def run(lib):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1)
        scaler = lib.amp.GradScaler("cpu")
        if misuse == "bad factors":
            lib.amp.GradScaler("cpu", backoff_factor=1.5)
        if misuse == "update first":
            scaler.update()
        if misuse == "scale a string":
            scaler.scale(3)
        scaler.scale(w.sum()).backward()
        if misuse == "fp16 grads":
            w.grad = w.grad.half()
        scaler.unscale_(opt)
        if misuse == "unscale twice":
            scaler.unscale_(opt)
        if misuse == "closure":
            scaler.step(opt, closure=lambda: 0)
        scaler.step(opt)
        if misuse == "step twice":
            scaler.step(opt)
        if misuse == "unscale after step":
            scaler.unscale_(opt)
        if misuse == "bad new_scale":
            scaler.update(lib.ones(2))
    raises_like(lambda: run(flambeau), lambda: run(torch))


def test_grad_scaler_state_dict_and_pickle():
    for lib in (flambeau, torch):
        scaler = lib.amp.GradScaler("cpu", init_scale=4.0)
        scaler.scale(lib.ones(1))
        other = lib.amp.GradScaler("cpu")
        other.load_state_dict(scaler.state_dict())
        assert other.state_dict() == scaler.state_dict()
        copy = pickle.loads(pickle.dumps(scaler))
        assert copy.get_scale() == 4.0
        scaler.update(2.0)
        assert scaler.get_scale() == 2.0
        raises_like(lambda: other.load_state_dict({}),
                    lambda: torch.amp.GradScaler("cpu").load_state_dict({}))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", ["mm", "addmm", "conv2d"])
def test_half_products_accumulate_in_float32_as_torch(op, dtype):
    """NumPy's own half matmul accumulates in half precision: nearly every element would
    differ from torch's; computed in float32 and rounded once, they agree but for ties."""
    calls = {"mm": (lambda L, a, b, c: L.mm(a, b), [(32, 64), (64, 16), (16,)]),
             "addmm": (lambda L, a, b, c: L.addmm(c, a, b), [(32, 64), (64, 16), (16,)]),
             "conv2d": (lambda L, x, w, c: L.nn.functional.conv2d(x, w), [(2, 3, 9, 9),
                                                                          (4, 3, 3, 3), (1,)])}
    fn, shapes = calls[op]
    inputs = [pair(*s, dtype=dtype) for s in shapes]
    ours, theirs = (to_numpy(fn(lib, *[t[i] for t in inputs]).float())
                    for i, lib in enumerate((flambeau, torch)))
    assert (ours != theirs).mean() < 0.01


def test_fresh_interpreter_reaches_torch_amp():
    import subprocess
    import sys
    code = ("import flambeau; s = flambeau.amp.GradScaler('cpu'); print(s.get_scale(), "
            "flambeau.is_autocast_enabled('cpu'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["65536.0", "False"], out.stderr
