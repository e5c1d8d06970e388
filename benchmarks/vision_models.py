"""torchvision models, flambeau.vision vs torchvision in one run, float32, same seeded initial
weights (flambeau draws torch's) and the same input:

- resnet18, mobilenet_v2 and efficientnet_b0 training steps without the optimizer (zero_grad,
  forward in train mode, sum, backward), batch 8x3x64x64 (the last two: depthwise convolutions);
- resnet18 eval-mode forward under no_grad, same batch.

    python benchmarks/vision_models.py [--threads 1] [--repeat 9]
"""
import importlib

from _timing import main

BATCH = (8, 3, 64, 64)


def cases(m):
    import numpy as np  # after _timing.setup has limited the BLAS threads
    models = importlib.import_module("flambeau.vision.models" if m.__name__ == "flambeau" else "torchvision.models")
    x = m.from_numpy(np.random.RandomState(0).randn(*BATCH).astype(np.float32))
    out = []
    for name in ("resnet18", "mobilenet_v2", "efficientnet_b0"):
        m.manual_seed(0)
        net = getattr(models, name)()

        def forward_backward(net=net):
            net.train()
            net.zero_grad()
            net(x).sum().backward()
        out.append((f"{name} fwd+bwd", forward_backward))
        if name == "resnet18":
            def forward_eval(net=net):
                net.eval()
                with m.no_grad():
                    net(x)
            out.append(("resnet18 eval fwd", forward_eval))
    return out


if __name__ == "__main__":
    main(__doc__, cases)
