"""One training step, flambeau vs torch in one run, float32, from the same initial weights
(torch's, copied through NumPy) on the same batches:

- MLP 64x1000x100x10 (ReLU), CrossEntropyLoss, Adam(lr=1e-3), batch 64;
- MLP 784x1024x10 (ReLU), CrossEntropyLoss, SGD(lr=0.01, momentum=0.9), batch 256;
- LeNet-5 (two Conv2d, two max-pools, three Linear), CrossEntropyLoss, SGD(lr=0.01,
  momentum=0.9), batch 64x3x32x32;
- ResNet-18 (torchvision's layout, written here), CrossEntropyLoss, SGD(lr=0.01, momentum=0.9),
  batch 8x3x64x64;
- DCGAN generator (ConvTranspose2d + BatchNorm) and discriminator (Conv2d + BatchNorm), one
  discriminator and one generator update with BCEWithLogitsLoss and Adam(lr=2e-4,
  betas=(0.5, 0.999)), batch 64x1x28x28.

A step is zero_grad, forward, loss, backward, optimizer step. The losses of the first steps are
checked (the benchmark fails if they part), so the timings are of the same computation: both
libraries run those steps in float64 too, whose losses must agree to 1e-9 (the same
computation), and each float32 loss must lie as near the float64 one as torch's float32 loss
does, give or take 1e-3 relative: float32 rounding makes deep batch-normalised networks trained
on random labels drift from the exact losses within a few steps (ResNet-18's fourth loss by
2e-3 in torch at two threads), so a fixed bound between the two float32 runs fails on rounding
alone. Peak memory is the most that three
steps, after two warm-up steps, hold at once of what they allocate (gradients, activations,
temporaries; not the parameters or the optimizer state): counted by tracemalloc for flambeau
(NumPy reports its buffers to it) and by the profiler's memory events for torch.

    python benchmarks/train_step.py [--threads 1] [--repeat 9] [--only LeNet]
"""
import argparse
import tracemalloc

from _timing import compare, print_table, setup

BATCHES = 8
CHECKED = 4  # the steps whose losses must agree
NOISE = 100  # the DCGAN generator's input size


def _mlp(sizes):
    def build(m):
        layers = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            layers += [m.nn.Linear(n_in, n_out), m.nn.ReLU()]
        return m.nn.Sequential(*layers[:-1])
    return build


def _lenet(m):
    nn = m.nn
    return nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120),
                         nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def _resnet18(m):
    nn = m.nn

    class BasicBlock(nn.Module):
        def __init__(self, n_in, n_out, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(n_in, n_out, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(n_out)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(n_out, n_out, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(n_out)
            self.downsample = None if stride == 1 and n_in == n_out else nn.Sequential(
                nn.Conv2d(n_in, n_out, 1, stride, bias=False), nn.BatchNorm2d(n_out))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    for n_in, n_out, stride in ((64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)):
        layers.append(nn.Sequential(BasicBlock(n_in, n_out, stride),
                                    BasicBlock(n_out, n_out, 1)))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))


def _dcgan(m):
    nn = m.nn
    generator = nn.Sequential(
        nn.ConvTranspose2d(NOISE, 128, 7, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU(True),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),
        nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Tanh())
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2, True),
        nn.Conv2d(128, 1, 7, 1, 0, bias=False), nn.Flatten())
    return nn.ModuleDict({"generator": generator, "discriminator": discriminator})


def _classifier(m, net, optimizer, options):
    """A step on a batch (inputs, labels) returning the loss."""
    opt = getattr(m.optim, optimizer)(net.parameters(), **options)
    loss_fn = m.nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def _gan(m, net, optimizer, options):
    """A discriminator update then a generator update on a batch (images, noise); returns the
    sum of their losses."""
    gen, disc = net["generator"], net["discriminator"]
    opt_g = getattr(m.optim, optimizer)(gen.parameters(), **options)
    opt_d = getattr(m.optim, optimizer)(disc.parameters(), **options)
    loss_fn = m.nn.BCEWithLogitsLoss()

    def step(x, z):
        ones, zeros = m.ones(x.shape[0], 1), m.zeros(x.shape[0], 1)
        opt_d.zero_grad()
        fake = gen(z)
        loss_d = loss_fn(disc(x), ones) + loss_fn(disc(fake.detach()), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_g = loss_fn(disc(fake), ones)
        loss_g.backward()
        opt_g.step()
        return loss_d.item() + loss_g.item()
    return step


def _labels(shape, classes):
    return lambda torch: (torch.randn(*shape), torch.randint(0, classes, (shape[0],)))


# name: (network builder, batch maker (torch), step maker, optimizer, options)
SGD_MOMENTUM = ("SGD", {"lr": 0.01, "momentum": 0.9})
MODELS = {
    "MLP 64-1000-100-10 Adam": (_mlp((64, 1000, 100, 10)), _labels((64, 64), 10), _classifier,
                                "Adam", {"lr": 1e-3}),
    "MLP 784-1024-10 SGD mom.": (_mlp((784, 1024, 10)), _labels((256, 784), 10), _classifier,
                                 *SGD_MOMENTUM),
    "LeNet 64x3x32x32 SGD mom.": (_lenet, _labels((64, 3, 32, 32), 10), _classifier,
                                  *SGD_MOMENTUM),
    "ResNet-18 8x3x64x64 SGD": (_resnet18, _labels((8, 3, 64, 64), 10), _classifier,
                                *SGD_MOMENTUM),
    "DCGAN 64x1x28x28 Adam": (_dcgan, lambda torch: (torch.rand(64, 1, 28, 28) * 2 - 1,
                                                     torch.randn(64, NOISE, 1, 1)),
                              _gan, "Adam", {"lr": 2e-4, "betas": (0.5, 0.999)}),
}


def _initial(torch, build, batch):
    """Torch's default initial weights and a few batches, as NumPy arrays."""
    torch.manual_seed(0)
    weights = {k: v.numpy().copy() for k, v in build(torch).state_dict().items()}
    data = [tuple(t.numpy() for t in batch(torch)) for _ in range(BATCHES)]
    return weights, data


def trainer(m, build, stepper, optimizer, options, weights, data):
    """A step function over ``data`` (cycled) and the list it appends each step's loss to."""
    net = build(m)
    net.load_state_dict({k: m.from_numpy(v.copy()) for k, v in weights.items()})
    step_on = stepper(m, net, optimizer, options)
    batches = [tuple(m.from_numpy(a) for a in arrays) for arrays in data]
    losses = []

    def step():
        losses.append(step_on(*batches[len(losses) % BATCHES]))
    return step, losses


def exact_losses(m, build, stepper, optimizer, options, weights, data):
    """The losses of the checked steps computed in float64 from the same weights and batches."""
    wide = {k: v.astype("float64") if v.dtype.kind == "f" else v for k, v in weights.items()}
    batches = [tuple(a.astype("float64") if a.dtype.kind == "f" else a for a in arrays)
               for arrays in data]
    m.set_default_dtype(m.float64)  # for the tensors a step makes (a GAN's labels)
    try:
        step, losses = trainer(m, build, stepper, optimizer, options, wide, batches)
        for _ in range(CHECKED):
            step()
    finally:
        m.set_default_dtype(m.float32)
    return losses


def check_losses(name, losses_f, losses_t, exact_f, exact_t):
    """Raises unless both libraries' float64 losses agree and flambeau's float32 losses are no
    farther from them than torch's (see the module's docstring), over the first steps both
    ran."""
    n = min(len(losses_f), len(losses_t), CHECKED)
    for i, (a, b, e, e_t) in enumerate(zip(losses_f[:n], losses_t[:n], exact_f, exact_t)):
        if abs(e - e_t) > 1e-9 * abs(e_t):
            raise AssertionError(f"{name}: step {i} float64 loss {e} (flambeau) vs {e_t} (torch)")
        if abs(a - e_t) > abs(b - e_t) + 1e-4 + 1e-3 * abs(e_t):
            raise AssertionError(f"{name}: step {i} loss {a} (flambeau) vs {b} (torch), "
                                 f"{e_t} in float64")
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
    parser.add_argument("--only", default="", help="run only the models whose name contains it")
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    cases_f, cases_t, checks, exact = [], [], [], {}
    for name, (build, batch, stepper, optimizer, options) in MODELS.items():
        if args.only not in name:
            continue
        weights, data = _initial(torch, build, batch)
        step_f, losses_f = trainer(flambeau, build, stepper, optimizer, options, weights, data)
        step_t, losses_t = trainer(torch, build, stepper, optimizer, options, weights, data)
        cases_f.append((name, step_f))
        cases_t.append((name, step_t))
        checks.append((name, step_f, losses_f, step_t, losses_t))
        exact[name] = [exact_losses(m, build, stepper, optimizer, options, weights, data)
                       for m in (flambeau, torch)]
    print_table(compare(cases_f, cases_t, args.repeat), args.threads)
    print(f"\n{'case':<28}{'losses agree':>14}{'step peak: flambeau':>22}{'torch':>10}")
    for name, step_f, losses_f, step_t, losses_t in checks:
        steps = check_losses(name, losses_f, losses_t, *exact[name])
        mem_f, mem_t = peak_memory(flambeau, step_f) / 2**20, peak_memory(torch, step_t) / 2**20
        print(f"{name:<28}{f'{steps} steps':>14}{mem_f:>20.2f}MB{mem_t:>8.2f}MB")


if __name__ == "__main__":
    main()
