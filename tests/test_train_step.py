"""The training step of benchmarks/train_step.py: losses follow torch's, and the fast paths it
relies on (gradient layouts, buffers kept by .grad) keep torch's semantics."""
import os
import sys

import numpy as np
import pytest
import torch

import flambeau
from conftest import assert_same

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
import train_step  # noqa: E402


@pytest.mark.parametrize("name", list(train_step.MODELS))
def test_benchmark_losses_follow_torch(name):
    build, batch, stepper, optimizer, options = train_step.MODELS[name]
    weights, data = train_step._initial(torch, build, batch)
    steps = [train_step.trainer(m, build, stepper, optimizer, options, weights, data)
             for m in (flambeau, torch)]
    learns = name.startswith(("MLP", "LeNet"))  # on random labels the deeper nets' loss wanders
    for _ in range(12 if learns else train_step.CHECKED):
        for step, _ in steps:
            step()
    exact = [train_step.exact_losses(m, build, stepper, optimizer, options, weights, data)
             for m in (flambeau, torch)]
    assert train_step.check_losses(name, steps[0][1], steps[1][1], *exact) == train_step.CHECKED
    if learns:
        assert steps[0][1][-1] < steps[0][1][0]


def _leaves(m, dtype, transposed_a, transposed_b):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) + (1j * rng.standard_normal(s) if dtype == "complex128"
                                        else 0) for s in ((3, 4), (5, 4), (5,))]
    a, w, bias = [m.tensor(x.astype(dtype), requires_grad=True) for x in arrays]
    x = a.detach().t().contiguous().t().requires_grad_() if transposed_a else a
    return x, w, bias, (w.t() if transposed_b else w.t().contiguous())


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("transposed_a", [False, True])
@pytest.mark.parametrize("transposed_b", [False, True])
@pytest.mark.parametrize("op", ["mm", "addmm", "matmul"])
def test_product_gradients_values_and_layouts(op, dtype, transposed_a, transposed_b):
    grads = []
    for m in (flambeau, torch):
        x, w, bias, y = _leaves(m, dtype, transposed_a, transposed_b)
        out = m.addmm(bias, x, y) if op == "addmm" else getattr(m, op)(x, y)
        g = m.ones_like(out)
        out.backward(g)
        grads.append((x.grad, w.grad, bias.grad if op == "addmm" else None))
    for ours, theirs in zip(*grads):
        if theirs is not None:
            assert_same(ours, theirs, rtol=1e-5, atol=1e-5, check_stride=True)


def test_linear_weight_grad_is_contiguous_and_its_own():
    layer = flambeau.nn.Linear(4, 3)
    x = flambeau.randn(2, 4)
    layer(x).sum().backward()
    for p in layer.parameters():
        assert p.grad.is_contiguous() and p.grad.shape == p.shape
        assert p.grad.data_ptr() != p.data_ptr()
    first = layer.weight.grad.clone()
    layer(x).sum().backward()  # accumulates into the kept buffer
    assert_same(layer.weight.grad, torch.from_numpy(2 * first.numpy()))
