"""v2 containers: Compose, RandomApply, RandomChoice, RandomOrder (any number of inputs)."""
from collections.abc import Sequence

import flambeau
from ._transform import Transform

__all__ = ["Compose", "RandomApply", "RandomChoice", "RandomOrder"]


def _check_transforms(transforms, kinds=Sequence, what="a sequence of callables"):
    if not isinstance(transforms, kinds):
        raise TypeError(f"Argument transforms should be {what}")
    if not transforms:
        raise ValueError("Pass at least one transform")


def _run(transforms, inputs):
    """``inputs`` through each transform (unpacked again when there are several)."""
    several = len(inputs) > 1
    for transform in transforms:
        outputs = transform(*inputs)
        inputs = outputs if several else (outputs,)
    return outputs


class Compose(Transform):
    def __init__(self, transforms):
        super().__init__()
        _check_transforms(transforms)
        self.transforms = transforms

    def forward(self, *inputs):
        return _run(self.transforms, inputs)

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomApply(Compose):
    """All of ``transforms`` with probability ``p`` (one draw)."""

    def __init__(self, transforms, p=0.5):
        Transform.__init__(self)
        _check_transforms(transforms, (Sequence, flambeau.nn.ModuleList),
                          "a sequence of callables or a `nn.ModuleList`")
        self.transforms = transforms
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p

    def forward(self, *inputs):
        if flambeau.rand(1) >= self.p:
            return inputs if len(inputs) > 1 else inputs[0]
        return _run(self.transforms, inputs)


class RandomChoice(Transform):
    """One of ``transforms``, drawn with weights ``p`` (by torch's multinomial)."""

    def __init__(self, transforms, p=None):
        _check_transforms(transforms)
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                             f"{len(transforms)}")
        super().__init__()
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        return self.transforms[int(flambeau.multinomial(flambeau.tensor(self.p), 1))](*inputs)


class RandomOrder(Transform):
    """``transforms`` in a random order (a randperm)."""

    def __init__(self, transforms):
        _check_transforms(transforms)
        super().__init__()
        self.transforms = transforms

    def forward(self, *inputs):
        return _run([self.transforms[k] for k in flambeau.randperm(len(self.transforms)).tolist()],
                    inputs)
