"""The Tensor methods and functions declared last (conversions, metadata queries, nonzero,
set_, new_tensor, from_numpy, the in-place samplers) and the operators' bad inputs: each call
below is made under torch and flambeau, and both must agree, on the exception type and message
where torch raises, on the result's values and dtype where it does not. (The generated wrong
calls of every declaration are in test_signatures.py; these are the cases it cannot make.)"""
import operator

import numpy as np
import pytest
import torch

import flambeau

from conftest import assert_same


class Bad:
    """A value of no type torch knows."""


CALLS = [
    # conversions and metadata
    "x.to(1.5)", "x.to(True)", "x.to(3+1j)", "x.to(None)", "x.to(None, None)", "x.to(y)",
    "x.to(tensor=y)", "x.to('cpu', torch.float64)", "x.to(torch.float64, False, True)",
    "x.to(float)", "x.to(dtype=torch.int32, copy=True)", "x.to('cpu', tensor=y)",
    "x.to(dtype=Bad())", "x.to(device=Bad())", "x.to(foo=1)", "x.to(1.5, Bad())",
    "x.to('cpu', torch.float32, False, False, 1)", "x.to(memory_format=None)",
    "x.type()", "x.type(torch.float64)", "x.type('torch.IntTensor')", "x.type(torch.IntTensor)",
    "x.type(float)", "x.type(Bad)", "x.type(Bad())", "x.type(1)", "x.type(torch.float32, None)",
    "x.type(torch.float32, False, False)", "x.type(foo=1)",
    "x.float(1)", "x.double(memory_format=Bad())", "x.half(memory_format=None)",
    "x.cpu(1)", "x.cpu(memory_format=1)", "x.cuda(1.5)", "x.cuda(None, None)",
    "x.contiguous(1)", "x.contiguous(memory_format=None)", "x.is_contiguous(memory_format=1)",
    "x.numpy(1)", "x.numpy(force=1)", "x.tolist(1)", "x.item(a=1)", "x.dim(1)",
    "x.numel(foo=1)", "x.element_size(1)", "x.storage_offset(1)", "x.is_floating_point(1)",
    "x.requires_grad_(1)", "x.requires_grad_(requires_grad=None)", "x.detach_(1)",
    "x.copy_(2)", "x.copy_(1.5)", "x.copy_(True)", "x.copy_(x, None)", "x.copy_(1, 2, 3)",
    "torch.numel(Bad())", "torch.is_complex(Bad())", "torch.is_floating_point(x, 1)",
    "torch.is_inference(Bad())", "torch.detach(Bad())",
    # nonzero, set_, new_tensor, from_numpy
    "x.nonzero()", "x.nonzero(as_tuple=True)", "x.nonzero(1)", "x.nonzero(as_tuple=1)",
    "x.nonzero(foo=1)", "torch.nonzero(x, as_tuple=True)", "torch.nonzero(x, out=Bad())",
    "torch.nonzero(x, as_tuple=True, out=z)", "torch.nonzero(x, out=z)", "torch.nonzero(Bad())",
    "x.set_()", "x.set_(y)", "x.set_(Bad())", "x.set_(x, Bad())", "x.set_(x, 0, (6,), Bad())",
    "x.set_(foo=1)", "x.set_(None)", "x.set_(x.untyped_storage(), 0, (3,), (2,))",
    "x.new_tensor([1, 2])", "x.new_tensor(1, dtype=float)", "x.new_tensor()",
    "x.new_tensor(1, Bad())", "x.new_tensor(1, dtype=Bad())", "x.new_tensor(1, pin_memory=True)",
    "torch.from_numpy(np.ones(2), 1)", "torch.from_numpy()", "torch.from_numpy(a=1)",
    "torch.from_numpy(1)",
    # samplers and fills
    "x.uniform_(Bad())", "x.uniform_(0, 1, Bad())", "x.uniform_(foo=1)", "x.normal_(Bad())",
    "x.random_(Bad())", "x.random_(1.5)", "x.random_(foo=1)", "x.exponential_(Bad())",
    "x.geometric_(Bad())", "x.geometric_(foo=1)", "x.cauchy_(Bad())", "x.log_normal_(Bad())",
    "x.bernoulli(Bad())", "x.bernoulli(generator=1)", "x.bernoulli_(Bad())",
    "torch.bernoulli(x, 0.5, out=z)", "x.multinomial(Bad())", "x.multinomial(2, Bad())",
    "torch.poisson(Bad())", "x.zero_(1)", "torch.zero_(Bad())", "x.fill_(Bad())",
    "x.fill_(1, 2)", "x.fill_(value=Bad())", "torch.fill(x, Bad())",
    # operators and Python protocols
    "1 in x", "x in x", "Bad() in x", "'a' in x", "bool(torch.ones(0))", "x[(0,), (0,)]",
    "x[((0,),)]", "x[(0, 1), (1, 2)]", "x['a']", "x[1:2:1.5]", "x[::0]", "x[::-1]",
    "x[1.5:2]", "x[None, Bad()]", "len(torch.tensor(1.))", "int(x)", "bool(x)",
    "torch.tensor(1.5).__index__()", "x.new_tensor(Bad())",
    "torch.tensor([Bad()], dtype=torch.int64)",
    # functions torch writes in Python, checked as the C functions they call
    "torch.split(x, Bad())", "torch.split(x, 1, Bad())", "torch.split(x, 1.5)", "x.split(Bad())",
    "x.split(1, Bad())", "x.split([1, 2], 1)", "torch.unique(Bad())", "torch.unique(x, Bad())",
    "torch.unique(x, True, Bad())", "torch.unique(x, dim=Bad())", "torch.unique(x, dim=1.5)",
    "x.unique(sorted=Bad())", "torch.unique_consecutive(Bad())",
    "torch.unique_consecutive(x, Bad())", "torch.unique_consecutive(x, dim=Bad())",
    "torch.meshgrid(Bad())", "torch.meshgrid(x, Bad())", "torch.meshgrid(y, indexing=Bad())",
    "torch.meshgrid([y, y], indexing='xy')", "torch.chain_matmul(Bad())",
    "torch.chain_matmul(x, Bad())", "torch.lu(Bad())", "torch.lu(torch.ones(3, 3), Bad())",
    "torch.atleast_1d(Bad())", "torch.atleast_2d(Bad())", "torch.atleast_3d(x, Bad())",
    "torch.atleast_1d(1)", "torch.atleast_2d([x, x])", "torch.atleast_3d(x)",
    "torch.block_diag(Bad())", "torch.block_diag(x, 1)", "torch.cartesian_prod(y, Bad())",
    "torch.broadcast_tensors(Bad())", "torch.broadcast_tensors(x, 1)",
    "torch.broadcast_tensors(x, y[:1])",
    # ints beyond int64 (a Scalar also takes uint64)
    "x.size(2**63)", "x.size(-2**63-1)", "x.stride(2**70)", "x.sum(2**63)", "x.sum((2**63,))",
    "x.view(2**63)", "x.view(-2**63-1, 1)", "x.reshape(2**70, 1)", "x.expand(2**63, 3)",
    "torch.ones(2**63)", "torch.full((2**64,), 1)", "torch.full((2,), 2**64)",
    "torch.full((2,), -2**63-1)", "x.flip(2**63)", "x.permute(2**63, 0)", "x.narrow(0, 2**63, 1)",
    "x.transpose(2**63, 0)", "x.unsqueeze(-2**63-1)", "x.add(2**70)", "x.add(-2**63-1)",
    "x.add(1, alpha=2**70)", "x.clamp(2**64)", "x.fill_(2**70)", "x.add(2**64-1)",
    "x.index_add(0, torch.tensor([0]), torch.ones(1, 3), alpha=2**70)",
]


def _run(lib, source):
    x = lib.arange(6.).reshape(2, 3)
    names = {"x": x, "y": lib.zeros(2, dtype=lib.float64), "z": lib.zeros(0, dtype=lib.int64),
             "torch": lib, "Bad": Bad, "np": np, "operator": operator}
    return eval(source, names)


def _message(error):
    """The message to compare: torch names the class TensorBase, and after an int it cannot
    unpack it prints its C++ stack (flambeau closes the quote at the first line)."""
    return str(error).replace("TensorBase.", "Tensor.").split("\n")[0].rstrip('"')


@pytest.mark.parametrize("source", CALLS)
def test_call_as_torch(source, as_torch):
    try:
        theirs = _run(torch, source)
    except Exception as error:
        with pytest.raises(Exception) as ours:
            _run(flambeau, source)
        assert type(ours.value).__name__ == type(error).__name__, (ours.value, error)
        assert _message(ours.value) == _message(error)
        return
    ours = _run(flambeau, source)
    if isinstance(theirs, torch.Tensor):
        assert_same(ours, theirs)
    elif isinstance(theirs, tuple) and theirs and isinstance(theirs[0], torch.Tensor):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same(o, t)
    else:
        assert ours == theirs


def test_module_to_reads_tensor_to_arguments(as_torch):
    """Module.to checks its arguments with Tensor.to's declaration, as torch's _parse_to."""
    m = flambeau.nn.Linear(2, 2).to("cpu", flambeau.float64)
    assert m.weight.dtype is flambeau.float64
    with pytest.raises(TypeError) as ours:
        flambeau.nn.Linear(2, 2).to(flambeau.float32, Bad())
    with pytest.raises(TypeError) as theirs:
        torch.nn.Linear(2, 2).to(torch.float32, Bad())
    assert str(ours.value) == str(theirs.value)
