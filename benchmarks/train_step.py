"""One training step (zero_grad, forward, loss, backward, optimizer step), flambeau vs torch in
one run, float32, from the same initial weights (torch's, copied through NumPy) on the same
batches:

- MLP 64x1000x100x10 (ReLU), CrossEntropyLoss, Adam(lr=1e-3), batch 64;
- MLP 784x1024x10 (ReLU), CrossEntropyLoss, SGD(lr=0.01, momentum=0.9), batch 256.

The losses of every step both libraries ran are compared (the benchmark fails if they part), so
the timings are of the same computation. Peak memory is the most that three steps, after two
warm-up steps, hold at once of what they allocate (gradients, activations, temporaries; not the
parameters or the optimizer state): counted by tracemalloc for flambeau (NumPy reports its
buffers to it) and by the profiler's memory events for torch.

    python benchmarks/train_step.py [--threads 1] [--repeat 9]
"""
import argparse
import tracemalloc

from _timing import compare, print_table, setup

BATCHES = 8
MODELS = {"MLP 64-1000-100-10 Adam": ((64, 1000, 100, 10), 64, "Adam", {"lr": 1e-3}),
          "MLP 784-1024-10 SGD mom.": ((784, 1024, 10), 256, "SGD",
                                       {"lr": 0.01, "momentum": 0.9})}


def _initial(torch, sizes, batch):
    """Torch's default initial weights and a few batches, as NumPy arrays."""
    torch.manual_seed(0)
    model = _mlp(torch, sizes)
    weights = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    data = [(torch.randn(batch, sizes[0]).numpy(),
             torch.randint(0, sizes[-1], (batch,)).numpy()) for _ in range(BATCHES)]
    return weights, data


def _mlp(m, sizes):
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [m.nn.Linear(n_in, n_out), m.nn.ReLU()]
    return m.nn.Sequential(*layers[:-1])


def trainer(m, sizes, optimizer, options, weights, data):
    """A step function over ``data`` (cycled) and the list it appends each step's loss to."""
    model = _mlp(m, sizes)
    model.load_state_dict({k: m.from_numpy(v.copy()) for k, v in weights.items()})
    opt = getattr(m.optim, optimizer)(model.parameters(), **options)
    loss_fn = m.nn.CrossEntropyLoss()
    batches = [(m.from_numpy(x), m.from_numpy(y)) for x, y in data]
    losses = []

    def step():
        x, y = batches[len(losses) % BATCHES]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return step, losses


def check_losses(name, losses_f, losses_t):
    """Raises unless both libraries' losses agree over the steps both ran."""
    n = min(len(losses_f), len(losses_t))
    for i, (a, b) in enumerate(zip(losses_f[:n], losses_t[:n])):
        if abs(a - b) > 1e-4 + 1e-3 * abs(b):
            raise AssertionError(f"{name}: step {i} loss {a} (flambeau) vs {b} (torch)")
    return n


def peak_memory(m, step):
    """The peak in bytes of what three calls of ``step`` (warm) allocate and still hold."""
    step(), step()
    if m.__name__ == "flambeau":
        tracemalloc.start()
        for _ in range(3):
            step()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak
    with m.profiler.profile(activities=[m.profiler.ProfilerActivity.CPU],
                            profile_memory=True) as prof:
        for _ in range(3):
            step()
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    held = peak = 0
    for e in sorted(events, key=lambda e: e.start_ns()):
        held += e.nbytes()
        peak = max(peak, held)
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    cases_f, cases_t, checks = [], [], []
    for name, (sizes, batch, optimizer, options) in MODELS.items():
        weights, data = _initial(torch, sizes, batch)
        step_f, losses_f = trainer(flambeau, sizes, optimizer, options, weights, data)
        step_t, losses_t = trainer(torch, sizes, optimizer, options, weights, data)
        cases_f.append((name, step_f))
        cases_t.append((name, step_t))
        checks.append((name, step_f, losses_f, step_t, losses_t))
    print_table(compare(cases_f, cases_t, args.repeat), args.threads)
    print(f"\n{'case':<28}{'losses agree':>14}{'step peak: flambeau':>22}{'torch':>10}")
    for name, step_f, losses_f, step_t, losses_t in checks:
        steps = check_losses(name, losses_f, losses_t)
        mem_f, mem_t = peak_memory(flambeau, step_f) / 2**20, peak_memory(torch, step_t) / 2**20
        print(f"{name:<28}{f'{steps} steps':>14}{mem_f:>20.2f}MB{mem_t:>8.2f}MB")


if __name__ == "__main__":
    main()
