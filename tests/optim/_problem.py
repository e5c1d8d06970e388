"""The shared float64 problem the optimizer tests run torch and flambeau on."""
import numpy as np

SHAPES = [(2, 3), (4,), ()]
_rng = np.random.default_rng(0)
START = [_rng.uniform(-1.5, 1.5, s) for s in SHAPES]
_W = [_rng.uniform(0.5, 3.0, s) for s in SHAPES]
_T = [_rng.uniform(-1.0, 1.0, s) for s in SHAPES]


def loss_and_grads(arrays):
    """A smooth non-quadratic loss (weighted quartic bowl plus a coupling between tensors) and
    its gradient, in NumPy."""
    loss, grads = 0.0, []
    for a, w, t in zip(arrays, _W, _T):
        r = a - t
        loss += float(np.sum(w * r ** 2 + 0.1 * r ** 4))
        grads.append(2 * w * r + 0.4 * r ** 3)
    x, y = arrays[0].reshape(-1), arrays[1]
    loss += float(0.5 * np.sum(x[:4] * y))
    grads[0].reshape(-1)[:4] += 0.5 * y
    grads[1] += 0.5 * x[:4]
    return loss, grads


def to_numpy(t):
    return np.array(t.detach().numpy())


def convert(obj, lib):
    """A state dict with its tensors rebuilt in ``lib`` (through NumPy)."""
    if hasattr(obj, "detach"):
        return lib.tensor(to_numpy(obj))
    if isinstance(obj, dict):
        return {k: convert(v, lib) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(convert(v, lib) for v in obj)
    return obj


def make_params(lib):
    return [lib.tensor(a.copy(), requires_grad=True) for a in START]


def closure_for(lib, params, sign=1):
    """Sets the gradients of ``sign * loss`` (-1: the problem to give ``maximize=True``)."""
    def closure():
        loss, grads = loss_and_grads([to_numpy(p) for p in params])
        for p, g in zip(params, grads):
            p.grad = lib.tensor(sign * g)
        return lib.tensor(sign * loss)
    return closure


def run(lib, cls_name, kwargs, steps=25, groups=None):
    """Parameters after ``steps`` steps of ``lib.optim.<cls_name>(**kwargs)``."""
    params = make_params(lib)
    spec = params if groups is None else [dict(g, params=[params[i] for i in g["params"]])
                                          for g in groups]
    opt = getattr(lib.optim, cls_name)(spec, **kwargs)
    advance(lib, opt, params, steps)
    return params, opt


def advance(lib, opt, params, steps):
    """``steps`` optimizer steps on the problem (``maximize=True``: on its negation)."""
    closure = closure_for(lib, params, -1 if opt.defaults.get("maximize") else 1)
    for _ in range(steps):
        if type(opt).__name__ == "LBFGS":
            opt.step(closure)
        else:
            closure()
            opt.step()
