"""torchvision models, flambeau.vision vs torchvision in one run, float32, same seeded initial
weights (flambeau draws torch's) and the same input:

- resnet18 training step without the optimizer (zero_grad, forward in train mode, sum, backward), batch 8x3x64x64;
- resnet18 eval-mode forward under no_grad, same batch.

    python benchmarks/vision_models.py [--threads 1] [--repeat 9]
"""
import importlib

from _timing import main

BATCH = (8, 3, 64, 64)


def cases(m):
    import numpy as np  # after _timing.setup has limited the BLAS threads
    models = importlib.import_module("flambeau.vision.models" if m.__name__ == "flambeau" else "torchvision.models")
    m.manual_seed(0)
    net = models.resnet18()
    x = m.from_numpy(np.random.RandomState(0).randn(*BATCH).astype(np.float32))

    def forward_backward():
        net.train()
        net.zero_grad()
        net(x).sum().backward()

    def forward_eval():
        net.eval()
        with m.no_grad():
            net(x)
    return [("resnet18 fwd+bwd 8x3x64x64", forward_backward), ("resnet18 eval fwd 8x3x64x64", forward_eval)]


if __name__ == "__main__":
    main(__doc__, cases)
