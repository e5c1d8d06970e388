"""Tensor.share_memory_ / is_shared and Module.share_memory: processes started afterwards
(fork or spawn) update the same memory, as in torch (checked side by side with torch)."""
import multiprocessing

import pytest
import torch

import flambeau


def add_rank(tensors, rank):
    for t in tensors:
        t.detach().add_(rank + 1)


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("lib", [flambeau, torch], ids=["flambeau", "torch"])
def test_children_update_shared_tensors(lib, method):
    lib.manual_seed(0)
    model = lib.nn.Linear(3, 2)
    base = lib.zeros(4, 3)
    view = base[1:, ::2]  # a strided view: its whole storage is moved
    assert not (base.is_shared() or model.weight.is_shared())
    assert view.share_memory_() is view and model.share_memory() is model
    assert view.is_shared() and model.weight.is_shared() and model.bias.data.is_shared()
    assert view.untyped_storage().is_shared()
    before = [p.detach().clone() for p in model.parameters()]
    context = multiprocessing.get_context(method)
    children = [context.Process(target=add_rank, args=([view, *model.parameters()], rank))
                for rank in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0
    assert view.tolist() == [[3.0, 3.0]] * 3
    for param, old in zip(model.parameters(), before):
        assert type(param) is lib.nn.Parameter and param.requires_grad
        assert lib.equal(param, old + 3)


def test_share_memory_keeps_values_and_layout():
    t = flambeau.arange(12.0).view(3, 4).t()
    old_stride, old_offset = t.stride(), t.storage_offset()
    t.share_memory_()
    assert t.is_shared() and t.stride() == old_stride and t.storage_offset() == old_offset
    assert t.tolist() == torch.arange(12.0).view(3, 4).t().tolist()
    data_ptr = t.data_ptr()
    assert t.share_memory_().data_ptr() == data_ptr  # already shared: a no-op
