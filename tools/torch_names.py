"""Writes flambeau/_torch_names.py: the public names of torch's (and torchvision's) namespaces,
so that flambeau can tell a torch API it lacks from a name torch does not have either (a typo).

    python tools/torch_names.py        # with the torch and torchvision of the test extra

Run it when the torch version flambeau follows changes; the output is committed.
"""
import importlib
import pathlib
import types

import torch

# the namespaces a program reaches through ``torch.``; submodules found on the way are added
ROOTS = ["torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils",
         "torch.nn.utils.rnn", "torch.nn.utils.parametrize", "torch.nn.attention",
         "torch.linalg", "torch.fft", "torch.special", "torch.autograd",
         "torch.autograd.functional", "torch.autograd.graph", "torch.optim",
         "torch.optim.lr_scheduler", "torch.optim.swa_utils", "torch.utils", "torch.utils.data",
         "torch.utils.checkpoint", "torch.cuda", "torch.cuda.amp", "torch.amp", "torch.random",
         "torch.backends", "torch.distributions", "torch.distributed", "torch.func",
         "torch.signal", "torch.signal.windows", "torch.masked", "torch.sparse", "torch.nested",
         "torch.testing", "torch.jit", "torch.hub", "torch.onnx", "torch.profiler",
         "torch.export", "torch.compiler", "torch.library", "torch.multiprocessing",
         "torch.overrides", "torch.types", "torch.quantization", "torch.ao", "torch.mps",
         "torch.cpu", "torch.xpu", "torch.serialization", "torch.storage", "torch.return_types",
         "torch.version", "torch.backends.cudnn", "torch.backends.mps", "torch.futures",
         "torch.package", "torch.fx", "torch.monitor", "torch.utils.tensorboard",
         # torchvision's, which flambeau.vision stands for
         "torchvision", "torchvision.transforms", "torchvision.transforms.functional",
         "torchvision.transforms.v2", "torchvision.transforms.v2.functional",
         "torchvision.datasets", "torchvision.models", "torchvision.ops", "torchvision.io",
         "torchvision.utils", "torchvision.tv_tensors"]


def public_names(module):
    return sorted(n for n in dir(module) if not n.startswith("_") or n == "__version__")


def main():
    names = {}
    for root in ROOTS:
        try:
            module = importlib.import_module(root)
        except Exception:  # an optional dependency of that namespace is missing
            continue
        names[root] = public_names(module)
        for name in names[root]:  # a submodule listed as a name is a namespace too
            if isinstance(getattr(module, name, None), types.ModuleType):
                names.setdefault(f"{root}.{name}", None)
    out = ['"""torch\'s public names, per namespace (written by tools/torch_names.py from torch',
           f'{torch.__version__}; do not edit)."""', "", f"VERSION = {torch.__version__!r}", "",
           "NAMES = {"]
    for module in sorted(n for n, v in names.items() if v is not None):
        words = " ".join(names[module])
        lines, line = [], ""
        for word in words.split():
            if len(line) + len(word) + 1 > 80:
                lines.append(line)
                line = ""
            line += word + " "
        lines.append(line)
        out.append(f"    {module!r}: (")
        out.extend(f"        {chunk!r}" for chunk in lines)
        out.append("    ),")
    out.append("}")
    target = pathlib.Path(__file__).parents[1] / "flambeau" / "_torch_names.py"
    target.write_text("\n".join(out) + "\n")
    print(f"{target}: {sum(len(v) for v in names.values() if v)} names in {len(names)} modules")


if __name__ == "__main__":
    main()
