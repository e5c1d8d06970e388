"""torch's errors from the convolution family's functions: F.pad's argument checks, F.unfold /
F.fold's, the dtypes the pooling, padding and folding kernels refuse, max unpooling's and
fractional max pooling's."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import raises_like


def _as_torch(fn, a):
    """``fn(F, tensor of a)`` gives torch's values, or raises torch's NotImplementedError."""
    def run(lib):
        return fn(lib.nn.functional, lib.from_numpy(a.copy()))
    try:
        expected = run(torch)
    except NotImplementedError:
        raises_like(lambda: run(flambeau), lambda: run(torch))
        return
    got = run(flambeau)
    for g, e in zip(got if isinstance(got, tuple) else (got,),
                    expected if isinstance(expected, tuple) else (expected,)):
        assert str(g.dtype).split(".")[-1] == str(e.dtype).split(".")[-1]
        np.testing.assert_allclose(g.numpy().astype(float), e.numpy().astype(float), rtol=1e-3)


def _same_error(fn, shape=(2, 3, 9, 8), dtype="float32"):
    a = np.zeros(shape, dtype)
    raises_like(lambda: fn(flambeau, flambeau.from_numpy(a.copy())),
                lambda: fn(torch, torch.from_numpy(a.copy())))


@pytest.mark.parametrize("pad,mode,value,shape", [
    ((8, 0), "reflect", None, (2, 3, 9, 8)), ((1,) * 8, "reflect", None, (2, 3, 9, 8)),
    ((1, 1), "foo", None, (2, 3, 9, 8)), ((1, 1, 1), "foo", None, (2, 3, 9, 8)),
    ((1, 1, 1), "reflect", None, (2, 3, 9, 8)), ((1, 1, 1), "constant", None, (2, 3, 9, 8)),
    ((1, 1, 1, 1), "reflect", None, (5,)), ((1,) * 6, "replicate", None, (2, 3)),
    ((1, 1), "circular", None, (5,)), ((1, 1), "reflect", 2.0, (2, 3, 9, 8)),
    ((1,) * 10, "constant", None, (2, 3, 9, 8)), ((1, 1), "reflect", None, (1, 2, 3, 4, 2, 2)),
    ((9, 0, 0, 0), "circular", None, (2, 3, 9, 8))])
def test_pad_errors(pad, mode, value, shape):
    _same_error(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode, value=value), shape)


@pytest.mark.parametrize("options", [
    dict(kernel_size=0), dict(kernel_size=2, dilation=0), dict(kernel_size=2, padding=-1),
    dict(kernel_size=2, stride=0), dict(kernel_size=0, stride=0), dict(kernel_size=10),
    dict(kernel_size=(2, 9), stride=0)])
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (2, 3, 0, 8)])
def test_unfold_errors(options, shape):
    _same_error(lambda lib, x: lib.nn.functional.unfold(x, **options), shape)


@pytest.mark.parametrize("output_size,options", [
    ((4, 5), dict(kernel_size=0)), ((4, 5), dict(kernel_size=(2, 3), dilation=0)),
    ((4, 5), dict(kernel_size=(2, 3), padding=-1)), ((4, 5), dict(kernel_size=(2, 3), stride=0)),
    ((4, 5), dict(kernel_size=(5, 6))), ((1, 1), dict(kernel_size=(2, 3)))])
def test_fold_errors(output_size, options):
    _same_error(lambda lib, x: lib.nn.functional.fold(x, output_size, **options), (2, 12, 12))


OPS = {
    "max_pool1d": (3, lambda F, x: F.max_pool1d(x, 2)),
    "max_pool1d_with_indices": (3, lambda F, x: F.max_pool1d(x, 2, return_indices=True)),
    "max_pool2d": (4, lambda F, x: F.max_pool2d(x, 2)),
    "max_pool3d": (5, lambda F, x: F.max_pool3d(x, 2)),
    "avg_pool1d": (3, lambda F, x: F.avg_pool1d(x, 2)),
    "avg_pool2d": (4, lambda F, x: F.avg_pool2d(x, 2)),
    "avg_pool3d": (5, lambda F, x: F.avg_pool3d(x, 2)),
    "lp_pool2d": (4, lambda F, x: F.lp_pool2d(x, 2, 2)),
    "adaptive_avg_pool1d": (3, lambda F, x: F.adaptive_avg_pool1d(x, 2)),
    "adaptive_avg_pool2d": (4, lambda F, x: F.adaptive_avg_pool2d(x, 2)),
    "adaptive_avg_pool3d": (5, lambda F, x: F.adaptive_avg_pool3d(x, 2)),
    "adaptive_max_pool1d": (3, lambda F, x: F.adaptive_max_pool1d(x, 2)),
    "adaptive_max_pool2d": (4, lambda F, x: F.adaptive_max_pool2d(x, 2)),
    "adaptive_max_pool3d": (5, lambda F, x: F.adaptive_max_pool3d(x, 2)),
    "area": (4, lambda F, x: F.interpolate(x, size=2, mode="area")),
}


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64", "bool", "float16", "float64"])
@pytest.mark.parametrize("name", OPS)
def test_pooling_dtypes_as_torch(name, dtype):
    nd, fn = OPS[name]
    _as_torch(fn, (np.arange(4 ** (nd - 1)) % 7).reshape((1, 4, 4, 4, 4)[:nd]).astype(dtype))


def test_max_unpool_errors():
    def pooled(lib):
        return lib.nn.functional.max_pool2d(lib.arange(72.).reshape(2, 1, 6, 6), 2,
                                            return_indices=True)
    raises_like(lambda: flambeau.nn.functional.max_unpool2d(*pooled(flambeau), 2,
                                                            output_size=(12, 6)),
                lambda: torch.nn.functional.max_unpool2d(*pooled(torch), 2, output_size=(12, 6)))
    raises_like(lambda: flambeau.nn.functional.max_unpool2d(
                    flambeau.ones(1, 1, 2, 2), flambeau.tensor([[[[0, 1], [2, 100]]]]), 2),
                lambda: torch.nn.functional.max_unpool2d(
                    torch.ones(1, 1, 2, 2), torch.tensor([[[[0, 1], [2, 100]]]]), 2))
    o, i = flambeau.nn.functional.max_pool1d(flambeau.arange(12.).reshape(1, 2, 6), 2,
                                             return_indices=True)
    assert flambeau.nn.functional.max_unpool1d(o, i, 2, output_size=(7,)).shape == (1, 2, 7)


def test_fractional_ratio_checked_as_torch():
    samples = np.full((2, 3, 2), 0.5, np.float32)
    for ratio in (0.5, (0.5, 0.5, 0.5)):
        _same_error(lambda lib, x: lib.nn.functional.fractional_max_pool2d(
            x, 2, output_ratio=ratio, _random_samples=lib.from_numpy(samples)))


def test_interpolate_size_length_error_as_torch():
    _same_error(lambda lib, x: lib.nn.functional.interpolate(x, size=(2, 3, 4)))


KERNELS = {
    "conv1d": (lambda F, x: F.conv1d(x, x[:1]), 3),
    "conv2d": (lambda F, x: F.conv2d(x, x[:1]), 4),
    "conv3d": (lambda F, x: F.conv3d(x, x[:1]), 5),
    "conv_transpose1d": (lambda F, x: F.conv_transpose1d(x, x[:2]), 3),
    "conv_transpose3d": (lambda F, x: F.conv_transpose3d(x, x[:2]), 5),
    "unfold": (lambda F, x: F.unfold(x, 2), 4),
    "fold": (lambda F, x: F.fold(x.flatten(2), (3, 2), (2, 1)), 4),
    "reflect": (lambda F, x: F.pad(x, (1, 1), mode="reflect"), 3),
    "replicate": (lambda F, x: F.pad(x, (1,) * 6, mode="replicate"), 5),
    "circular": (lambda F, x: F.pad(x, (1, 1, 1, 1), mode="circular"), 4),
}


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int64", "bool", "float64"])
@pytest.mark.parametrize("name", KERNELS)
def test_kernel_dtypes_as_torch(name, dtype):
    fn, nd = KERNELS[name]
    _as_torch(fn, (np.arange(2 ** nd) % 3).reshape((2, 2, 2, 2, 2)[:nd]).astype(dtype))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64", "bool"])
@pytest.mark.parametrize("shape,mode,antialias", [
    ((1, 2, 5), "linear", False), ((1, 2, 5), "nearest", False),
    ((1, 2, 5), "nearest-exact", False), ((1, 2, 5, 6), "nearest", False),
    ((1, 2, 5, 6), "bilinear", False), ((1, 2, 5, 6), "bicubic", False),
    ((1, 2, 5, 6), "bilinear", True), ((1, 2, 5, 6), "bicubic", True),
    ((1, 2, 3, 5, 6), "trilinear", False), ((1, 2, 3, 5, 6), "nearest", False)])
def test_interpolate_dtypes_as_torch(dtype, shape, mode, antialias):
    _as_torch(lambda F, x: F.interpolate(x, scale_factor=1.7, mode=mode, antialias=antialias),
              np.random.default_rng(1).integers(0, 2 if dtype == "bool" else 100, shape)
              .astype(dtype))


@pytest.mark.parametrize("fn", ["native_channel_shuffle", "nn.functional.native_channel_shuffle"])
def test_native_channel_shuffle_as_torch(fn):
    def call(lib, *args):
        return eval(f"lib.{fn}", {"lib": lib})(*args)
    x = np.arange(16.).reshape(1, 4, 2, 2)
    ours = call(flambeau, flambeau.from_numpy(x.copy()).requires_grad_(), 2)
    theirs = call(torch, torch.from_numpy(x.copy()).requires_grad_(), 2)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    raises_like(lambda: ours.sum().backward(), lambda: theirs.sum().backward())
    for shape, groups in (((1, 4), 2), ((1, 4, 2), 3), ((1, 4, 2), 0)):
        raises_like(lambda: call(flambeau, flambeau.zeros(shape), groups),
                    lambda: call(torch, torch.zeros(shape), groups))


@pytest.mark.parametrize("x,w,dtypes,options", [
    ((2, 3, 9, 8), (2, 3, 3, 3), ("float32", "float64"), {}),
    ((1, 3, 9, 8), (2, 3, 3, 3), ("float32", "float64"), {}),
    ((1, 3, 9, 8), (2, 3, 4, 4), ("float32", "float64"), {}),
    ((1, 4, 100, 100), (2, 4, 3, 3), ("float32", "float64"), {}),
    ((1, 4, 9, 8), (2, 2, 3, 3), ("float32", "float64"), {"groups": 2}),
    ((2, 3, 9, 8), (2, 3, 3, 3), ("float64", "float32"), {}),
    ((2, 3, 9, 8), (2, 3, 3, 3), ("float32", "float16"), {}),
    ((2, 3, 9, 8), (2, 3, 3, 3), ("float32", "bfloat16"), {}),
    ((2, 3, 9, 8), (2, 3, 3, 3), ("float32", "complex64"), {}),
    ((2, 3, 9), (2, 3, 3), ("float32", "float64"), {}),
    ((1, 3, 5, 9), (2, 3, 1, 1), ("float32", "float64"), {"stride": 2}),
    ((1, 3, 4, 4, 4), (2, 3, 3, 3, 3), ("float32", "float64"), {})])
def test_weight_dtype_mismatch_as_torch(x, w, dtypes, options, as_torch):
    def conv(lib):
        return getattr(lib.nn.functional, f"conv{len(x) - 2}d")(
            lib.zeros(x, dtype=getattr(lib, dtypes[0])), lib.zeros(w, dtype=getattr(lib, dtypes[1])),
            **options)
    raises_like(lambda: conv(flambeau), lambda: conv(torch))


@pytest.mark.parametrize("x,w", [((2, 0, 5, 5), (4, 0, 3, 3)), ((2, 0, 5, 5), (4, 0, 1, 1)),
                                 ((0, 0, 5, 5), (4, 0, 3, 3)), ((2, 0, 5), (4, 0, 3))])
def test_conv_of_no_channels_as_torch(x, w):
    results = []
    for lib in (torch, flambeau):
        xs, ws, b = lib.zeros(x), lib.ones(w), lib.ones(w[0])
        for t in (xs, ws, b):
            t.requires_grad_()
        y = getattr(lib.nn.functional, f"conv{len(x) - 2}d")(xs, ws, b)
        y.sum().backward()
        results.append((tuple(y.shape), type(y.grad_fn).__name__, tuple(xs.grad.shape),
                        tuple(ws.grad.shape), b.grad.tolist()))
    assert results[0] == results[1]
