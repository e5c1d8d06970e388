"""Creation and conversion against torch: dtypes inferred, values, shapes, errors."""
import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same, raises_like, same_outcome

DATA = [1, 2.5, True, 1 + 2j, [1, 2, 3], [1.0, 2, 3], [[1, 2], [3, 4]], [True, False],
        [[1.5], [2]], [], [[]], np.arange(4, dtype=np.int32), np.ones((2, 2), np.float64),
        np.float64(3), np.int16(3), [np.float32(1), np.float32(2)]]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_infers_dtype(data):
    assert_same(flambeau.tensor(data), torch.tensor(data))


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "complex64", "uint8", "float16"])
def test_tensor_dtype_argument(dtype):
    data = [[0, 1.5], [2, -3]] if dtype != "uint8" else [[0, 1], [2, 3]]
    assert_same(flambeau.tensor(data, dtype=getattr(flambeau, dtype)),
                torch.tensor(data, dtype=getattr(torch, dtype)))


FACTORIES = [
    lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3)), lambda m: m.zeros([4]),
    lambda m: m.ones(2, 3, dtype=m.int32), lambda m: m.zeros(m.Size([2, 1])),
    lambda m: m.full((2, 2), 7), lambda m: m.full((2,), 1.5), lambda m: m.full((2,), True),
    lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int64)), lambda m: m.ones_like(m.zeros(3)),
    lambda m: m.full_like(m.zeros(2), 4), lambda m: m.ones(2).new_zeros(3),
    lambda m: m.ones(2, dtype=m.float64).new_ones((2, 2)), lambda m: m.ones(2).new_full((2,), 3),
    lambda m: m.ones(2, dtype=m.int32).new_tensor([1, 2]),
    lambda m: m.arange(5), lambda m: m.arange(1, 4), lambda m: m.arange(0, 1, 0.1),
    lambda m: m.arange(1., 2.5, 0.5), lambda m: m.arange(10, 0, -3), lambda m: m.arange(0, 5.5),
    lambda m: m.arange(-1, 1, 0.3, dtype=m.float64), lambda m: m.arange(5, dtype=m.float32),
    lambda m: m.arange(m.tensor(3)),
    lambda m: m.linspace(0, 1, 5), lambda m: m.linspace(-3, 7, 11), lambda m: m.linspace(2, 2, 1),
    lambda m: m.linspace(0, 10, 4, dtype=m.int64), lambda m: m.linspace(0, 1, 0),
    lambda m: m.logspace(0, 2, 3), lambda m: m.logspace(0, 3, 4, base=2),
    lambda m: m.eye(3), lambda m: m.eye(2, 4), lambda m: m.eye(3, dtype=m.int64),
    lambda m: m.empty(2, 3).zero_() if hasattr(m.empty(1), "zero_") else m.zeros(2, 3),
    lambda m: m.scalar_tensor(3), lambda m: m.tensor(5).new_zeros(()),
    lambda m: m.Tensor([1, 2]), lambda m: m.FloatTensor([[1, 2]]), lambda m: m.LongTensor([1]),
    lambda m: m.DoubleTensor([1.5]), lambda m: m.ByteTensor([1, 2]), lambda m: m.IntTensor([3]),
    lambda m: m.BoolTensor([1, 0]), lambda m: m.Tensor(),
    # Python types as dtypes, sizes as torch.Size or by keyword, the generator given
    lambda m: m.zeros(2, dtype=float), lambda m: m.ones(2, 3, dtype=int),
    lambda m: m.full((2,), 1, dtype=bool), lambda m: m.empty(0, dtype=complex),
    lambda m: m.arange(5, dtype=float), lambda m: m.arange(1, 4, 2, dtype=int),
    lambda m: m.tensor([1, 0], dtype=bool), lambda m: m.eye(2, dtype=float),
    lambda m: m.linspace(0, 1, 3, dtype=float), lambda m: m.zeros_like(m.ones(2), dtype=int),
    lambda m: m.ones(m.ones(2, 3).shape), lambda m: m.zeros(size=(2, 3)),
    lambda m: m.arange(start=1, end=3), lambda m: m.arange(end=3),
    lambda m: m.linspace(m.tensor(0.), 1, 3), lambda m: m.full([2], m.tensor(1.5)),
    lambda m: m.randint(3, 9, (4,), generator=m.Generator().manual_seed(1)),
    lambda m: m.rand(2, 3, generator=m.Generator().manual_seed(2), dtype=float),
    lambda m: m.randint_like(m.ones(3), 2, 7, generator=m.Generator().manual_seed(3)),
    lambda m: m.randn_like(m.ones(3), generator=m.Generator().manual_seed(4)),
    lambda m: m.normal(0., 1., (3,), generator=m.Generator().manual_seed(5)),
]


@pytest.mark.parametrize("fn", FACTORIES)
def test_factories(fn):
    assert_same(fn(flambeau), fn(torch), rtol=1e-6, atol=1e-6)


def test_linspace_rounds_as_torch():
    """Each value is one fused multiply-add in the result's dtype, as torch's kernel rounds."""
    rng = np.random.default_rng(0)
    for start, end, steps in zip(rng.uniform(-300, 300, 200), rng.uniform(-300, 300, 200),
                                 rng.integers(2, 70, 200)):
        for dtype in ("float32", "float64"):
            ours = flambeau.linspace(start, end, int(steps), dtype=getattr(flambeau, dtype))
            theirs = torch.linspace(start, end, int(steps), dtype=getattr(torch, dtype))
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_uninitialised_shapes():
    for fn in [lambda m: m.Tensor(2, 3), lambda m: m.empty(4, 2, dtype=m.int64),
               lambda m: m.LongTensor(3), lambda m: m.empty_like(m.zeros(2, 2)),
               lambda m: m.empty_strided((2, 3), (1, 2))]:
        a, b = fn(flambeau), fn(torch)
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype)[-5:] == str(b.dtype)[-5:]
        assert a.stride() == b.stride()


def test_from_numpy_shares_and_keeps_strides():
    array = np.arange(12.).reshape(3, 4)[:, ::2]
    a, b = flambeau.from_numpy(array), torch.from_numpy(array)
    assert a.stride() == b.stride()
    array[0, 0] = 99
    assert a[0, 0].item() == 99 if hasattr(a, "__getitem__") else True


def test_as_tensor_shares_when_it_can():
    array = np.ones(3)
    assert np.shares_memory(flambeau.as_tensor(array).numpy(), array)
    assert not np.shares_memory(flambeau.as_tensor(array, dtype=flambeau.float32).numpy(), array)
    t = flambeau.ones(2)
    assert flambeau.as_tensor(t) is t


def test_legacy_isinstance_and_type():
    t = flambeau.tensor([1.0])
    assert isinstance(t, flambeau.FloatTensor) and not isinstance(t, flambeau.LongTensor)
    assert t.type() == "flambeau.FloatTensor"
    assert t.type(flambeau.DoubleTensor).dtype is flambeau.float64
    assert t.type("torch.LongTensor").dtype is flambeau.int64


CONVERSIONS = [
    lambda t: t.float(), lambda t: t.double(), lambda t: t.long(), lambda t: t.int(),
    lambda t: t.half(), lambda t: t.bool(), lambda t: t.byte(), lambda t: t.short(),
    lambda t: t.char(), lambda t: t.cfloat(), lambda t: t.to(t.new_zeros(1, dtype=t.dtype)),
]


@pytest.mark.parametrize("fn", CONVERSIONS)
def test_conversions(fn):
    data = [[-1.5, 0.0], [2.7, 300.2]]
    assert_same(fn(flambeau.tensor(data)), fn(torch.tensor(data)))


def test_to_returns_self_unless_copy():
    t = flambeau.ones(2)
    assert t.to(flambeau.float32) is t and t.to("cpu") is t and t.cpu() is t
    assert t.to(flambeau.float32, copy=True) is not t
    assert t.to("cpu", flambeau.float64).dtype is flambeau.float64
    assert t.to(device="cpu", dtype=flambeau.int64).dtype is flambeau.int64


def test_device(as_torch):
    assert repr(flambeau.device("cpu")) == repr(torch.device("cpu"))
    assert repr(flambeau.device("cuda:1")) == repr(torch.device("cuda:1"))
    assert str(flambeau.device("cuda", 0)) == str(torch.device("cuda", 0))
    assert flambeau.ones(1).device == flambeau.device("cpu")
    assert flambeau.cuda.is_available() == torch.cuda.is_available()
    raises_like(lambda: flambeau.device("gpu"), lambda: torch.device("gpu"))


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error without a GPU")
def test_cuda_without_gpu_raises_like_torch():
    raises_like(lambda: flambeau.ones(1).cuda(), lambda: torch.ones(1).cuda())
    raises_like(lambda: flambeau.ones(1, device="cuda"), lambda: torch.ones(1, device="cuda"))
    raises_like(lambda: flambeau.ones(1).to("cuda"), lambda: torch.ones(1).to("cuda"))


def test_python_conversions():
    t = flambeau.tensor([[1.5, 2.0]])
    assert t.tolist() == torch.tensor([[1.5, 2.0]]).tolist()
    assert flambeau.tensor(2.5).item() == 2.5 and type(flambeau.tensor(3).item()) is int
    assert float(flambeau.tensor([2.5])) == 2.5 and int(flambeau.tensor(7)) == 7
    assert len(flambeau.zeros(4, 2)) == 4
    assert [x.tolist() for x in flambeau.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert list(range(10))[flambeau.tensor(3)] == 3
    assert flambeau.zeros(2, 3).size() == (2, 3) and flambeau.zeros(2, 3).size(-1) == 3
    assert flambeau.zeros(2, 3).dim() == 2 and flambeau.zeros(2, 3).numel() == 6
    assert flambeau.zeros(2, dtype=flambeau.float64).element_size() == 8


ERRORS = [
    lambda m: m.tensor([[1, 2], [3]]),
    lambda m: m.tensor("abc"),
    lambda m: m.zeros(-1, 2),
    lambda m: m.arange(0, 10, -1),
    lambda m: m.arange(0, 10, 0),
    lambda m: m.tensor([1.5, 2.5]).item(),
    lambda m: bool(m.tensor([1, 2])),
    lambda m: len(m.tensor(1)),
    lambda m: m.zeros(2).size(2),
    lambda m: m.zeros(2, 3).stride(-3),
    lambda m: m.tensor([1, 2]).requires_grad_(),
    lambda m: m.tensor([1.0, 2.0]).numpy() if False else m.ones(2, requires_grad=True).numpy(),
    lambda m: m.eye(-1),
    lambda m: m.linspace(0, 1, -1),
    lambda m: m.tensor([1], requires_grad=True),
    lambda m: m.ones(-1, 2),
    lambda m: m.zeros(2, dtype="float32"), lambda m: m.zeros(2, "x"), lambda m: m.zeros(2.0),
    lambda m: m.arange("a"), lambda m: m.ones((2, 3), 4), lambda m: m.linspace(0, 1, "a"),
    lambda m: m.randn(2, generator=3), lambda m: m.randint(5), lambda m: m.normal(0, 1),
    lambda m: m.tensor(object()), lambda m: m.tensor([1, None]), lambda m: m.tensor({1: 2}),
    lambda m: m.full(2, 1), lambda m: m.eye(2, 3, 4), lambda m: m.empty(2, memory_format=3),
    lambda m: m.randn(2 ** 62), lambda m: m.rand_like(m.ones(2), dtype=m.int64),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors(fn, as_torch):
    raises_like(lambda: fn(flambeau), lambda: fn(torch))


TENSOR_LEAVES = ["[T(1.), T(2.)]", "[T([1.]), T([2.])]", "[[T(1.)], [T(2)]]",
                 "[T([1., 2.]), T([3., 4.])]", "[T([[1.]]), 2.]", "[T(1), T(2)]",
                 "[T(1, dtype=L.int32), 2]", "[T(1, dtype=L.float16), T(1, dtype=L.int64)]",
                 "[1, T([2.5], dtype=L.float64)]", "[T(True), T(False)]", "[T(1 + 2j)]",
                 "[[T([1]), 2], [3, 4]]", "[[T(1.), T(2.)], [T(3.), T(4.)]]", "[T([]), T(1.)]",
                 "[T(300)]", "[T(-1)]"]


@pytest.mark.parametrize("dtype", [None, "bool", "uint8", "int64", "float32", "complex64"])
@pytest.mark.parametrize("data", TENSOR_LEAVES)
def test_tensors_among_the_data_are_numbers(data, dtype):
    """torch.tensor reads a one-element tensor among its data as a number (its dtype joins the
    inference; __index__ for integer dtypes), not as a nested array."""
    same_outcome(lambda L: L.tensor(eval(data, {"T": L.tensor, "L": L}),
                                    dtype=dtype and getattr(L, dtype)))


RAGGED = ["[1, [2]]", "[1., (2.,)]", "[[1, 2], [3, [4]]]", "[[1], [2, 3]]", "[[1.], 2.]",
          "[[T(1.)], T(2.)]", "[T(1.), [2.]]", "[[[1]], [2]]", "[[], [1]]", "[[1], []]",
          "[[2**64 - 1], [1]]", "[[1, None]]", "[1, 'a']", "['a']", "[[1, 2], 'ab']",
          "[[1, 2], [3, 'b']]", "[[[], []], [[], []]]", "[[1], [object()]]"]


@pytest.mark.parametrize("dtype", [None, "int64", "float32", "bool", "uint64", "complex64"])
@pytest.mark.parametrize("data", RAGGED)
def test_misshapen_data_raises_as_torch(data, dtype):
    """The first elements set the shape; a number where they put a sequence, a sequence where
    they put a number, another length or a string raise torch's error, leaves read in torch's
    order; data with a size-0 dim is not read at all."""
    same_outcome(lambda L: L.tensor(eval(data, {"T": L.tensor, "object": object}),
                                    dtype=dtype and getattr(L, dtype)))
