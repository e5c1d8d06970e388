"""The Optimizer base: parameter groups, state, state dicts, hooks, and the in-place kernels'
helpers.

Optimizers here update parameters and their state in place on the backend arrays (``_data``)
with ufuncs and ``out=``, bumping each written tensor's version counter, so a step makes no
new tensors. With ``differentiable=True`` a step runs torch's for-loop update in flambeau ops
under grad mode instead, so autograd records it.
"""
import functools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

from .. import _backend, _dtype
from .._ops.creation import tensor
from .._tensor import Tensor, make
from ..autograd import grad_mode
from ..autograd.graph import _Handle

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """Marks a hyper-parameter every group must give."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``; it may return
    new ``(args, kwargs)``."""
    return _Handle(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``."""
    return _Handle(_global_optimizer_post_hooks, hook)


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _use_grad_for_differentiable(step):
    """Runs ``step`` under ``no_grad`` (closures re-enable grad themselves), or with grad
    enabled for ``differentiable=True``, with NumPy's floating-point warnings off."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        differentiable = bool(self.defaults.get("differentiable"))
        prev = grad_mode._state.enabled
        grad_mode._state.enabled = differentiable
        token = _backend.silence()  # inf and nan come out silently, as in torch
        try:
            return step(self, *args, **kwargs)
        finally:
            _backend.restore(token)
            grad_mode._state.enabled = prev
    return wrapper


def _closure_loss(closure):
    """The closure's result, computed with grad enabled (None without a closure)."""
    if closure is None:
        return None
    with grad_mode.enable_grad():
        return closure()


def _scalar_dtype():
    """The dtype of scalar state (``step``): float64 when that is the default, else float32."""
    return _dtype.float64 if _dtype.get_default_dtype() is _dtype.float64 else _dtype.float32


def _to_scalar(x):
    """A hyper-parameter as torch uses it: numbers as they are, one-element tensors as 0-d
    tensors, so that scalars computed from them round as torch's do (``float()`` them where
    they meet the arrays)."""
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x


class Optimizer:
    """Base class for all optimizers.

    Args:
        params (iterable): tensors, ``(name, tensor)`` pairs, or dicts defining parameter groups.
        defaults (dict): default hyper-parameters for groups that do not give them.
    """

    # group keys that older pickled optimizers may lack, filled in by __setstate__
    _group_defaults = {}
    # what the capturable-device error names
    _capturable_names = "params and state_steps"
    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone", "xla"]
    # torch's error for a sparse gradient (None in optimizers with a sparse kernel)
    _sparse_error = "{} does not support sparse gradients"

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("step_pre", "step_post", "state_dict_pre", "state_dict_post",
                     "load_state_dict_pre", "load_state_dict_post"):
            self.__dict__.setdefault(f"_optimizer_{name}_hooks", OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._group_defaults.items():
                group.setdefault(key, value)
            for p in group["params"]:
                self._tensorize_state(self.state.get(p, {}), group)

    # scalar state that older checkpoints saved as Python numbers and torch keeps as tensors
    _tensor_state = ("step",)

    def _tensorize_state(self, state, group):
        for key in self._tensor_state:
            if key in state and not isinstance(state[key], Tensor):
                state[key] = new_scalar(float(state[key]), _dtype.float32 if group.get(
                    "fused") or group.get("capturable") else None)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- step and its hooks --------------------------------------------------------------

    @staticmethod
    def profile_hook_step(func):
        """Wraps ``step`` so that the step pre- and post-hooks (global ones included) run."""

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self = args[0]
            if _global_optimizer_pre_hooks or self._optimizer_step_pre_hooks:
                for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                                      self._optimizer_step_pre_hooks.values()):
                    result = pre_hook(self, args, kwargs)
                    if result is not None:
                        if isinstance(result, tuple) and len(result) == 2:
                            args, kwargs = result
                        else:
                            raise RuntimeError(f"{func} must return None or a tuple of "
                                               f"(new_args, new_kwargs), but got {result}.")
            out = func(*args, **kwargs)
            if self._optimizer_step_post_hooks or _global_optimizer_post_hooks:
                for post_hook in chain(self._optimizer_step_post_hooks.values(),
                                       _global_optimizer_post_hooks.values()):
                    post_hook(self, args, kwargs)
            return out
        wrapper.hooked = True
        return wrapper

    def _patch_step_function(self):
        cls = self.__class__
        if not getattr(cls.step, "hooked", False):
            cls.step = self.profile_hook_step(cls.step)

    def step(self, closure=None):
        """Performs one optimization step (``closure`` re-evaluates the model and returns the
        loss)."""
        raise NotImplementedError

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (args, kwargs)`` before each ``step``."""
        return _Handle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        return _Handle(self._optimizer_step_post_hooks, hook)

    @staticmethod
    def _register(hooks, hook, prepend):
        handle = _Handle(hooks, hook)
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` before ``state_dict``."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> state_dict or None`` after ``state_dict``."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> state_dict or None`` before ``load_state_dict``."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` after ``load_state_dict``."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dicts -----------------------------------------------------------------------

    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``, with
        parameters replaced by their position across groups, as torch numbers them."""
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        mapping = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start)
                            if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups,
                                                  key=None):
        """``step`` stays as saved (float32 for fused or capturable groups); other state takes
        the parameter's floating dtype and device."""
        group = next((g for g in param_groups if param_id in g["params"]), {})
        if key == "step":
            if group.get("capturable") or group.get("fused"):
                return value.to(dtype=_dtype.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Loads a state dict made by :meth:`state_dict` (flambeau's or torch's structure)."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v, k)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # ---- parameters --------------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Sets every parameter's ``.grad`` to None (or, with ``set_to_none=False``, zeroes it in
        place)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                    continue
                if g._grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                if g.is_sparse:
                    g.zero_()
                    continue
                g._data[...] = 0
                bump(g)

    def add_param_group(self, param_group):
        """Adds a group of parameters (a dict with ``'params'`` and optional hyper-parameters)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len({id(p) for p in tensors}):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(id(p) for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def _check_capturable(self, group):
        """torch's error for ``capturable=True`` with parameters on the CPU."""
        if group.get("capturable"):
            raise AssertionError(f"If capturable=True, {self._capturable_names} must be on "
                                 f"supported devices: {self._capturable_devices}.")

    def _grads(self, group):
        """``(param, grad)`` for each parameter of the group that has a gradient; torch's
        error for ``capturable=True`` when there is any, as the parameters are on the CPU."""
        params = [(p, p._grad) for p in group["params"] if p._grad is not None]
        if params:
            self._check_capturable(group)
            if self._sparse_error and any(g.is_sparse for _, g in params):
                raise RuntimeError(self._sparse_error.format(type(self).__name__))
        return params


# ---- argument checks shared by optimizers ---------------------------------------------------

def check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_eps(eps):
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")


def check_lr_eps(lr, eps):
    check_lr(lr)
    check_eps(eps)


def check_nonneg(**values):
    """torch's ``Invalid <name> value: <value>`` for a negative hyper-parameter."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name} value: {value}")


def check_fused(fused, foreach, differentiable):
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


# ---- helpers for the in-place kernels -------------------------------------------------------

def bump(t):
    """Marks an in-place write to ``t`` (autograd's saved-tensor checks compare versions)."""
    (t._storage or t._get_storage())._version += 1


def new_scalar(value, dtype=None):
    """A 0-d state tensor (``step``, ``mu_product`` ...), by default in torch's scalar dtype."""
    return tensor(value, dtype=dtype or _scalar_dtype())


def increment(step):
    """``step += 1`` in place; returns the new count as a Python float."""
    data = step._data
    data += 1
    bump(step)
    return float(data)


_scratch = threading.local()  # per thread: {(array type, dtype, k): flat buffer} and views


def scratch(like, k=0):
    """A reusable work array shaped and typed like ``like`` (the ``k``-th of its kind): kernels
    write temporaries here rather than allocating per step. Arrays of one ``k`` share memory,
    so a kernel uses a different ``k`` for each temporary it keeps."""
    try:
        views = _scratch.views
    except AttributeError:
        views, _scratch.buffers = _scratch.views, _scratch.buffers = {}, {}
    key = (type(like), like.dtype, k, like.shape)
    view = views.get(key)
    if view is None:
        buffers = _scratch.buffers
        n = like.size
        buf = buffers.get(key[:3])
        if buf is None or buf.size < n:
            buf = buffers[key[:3]] = _backend.array_module(like).empty(n, like.dtype)
            for old in [v for v in views if v[:3] == key[:3]]:
                del views[old]
        view = views[key] = buf[:n].reshape(like.shape)
    return view


def zeros_state(p, fill=0):
    """A state tensor shaped, typed and laid out like parameter ``p``, filled with ``fill``."""
    data = p._data
    if p._dtype.is_complex:
        fill = complex(fill, fill)
    return make(_backend.array_module(data).full_like(data, fill), p._dtype)


def lerp_(a, end, weight, xp, k):
    """``a.lerp_(end, weight)`` with torch's two formulas (exact at both ends)."""
    t = xp.subtract(end, a, out=scratch(a, k))
    if weight < 0.5:
        t *= weight
        a += t
    else:
        t *= 1 - weight
        xp.subtract(end, t, out=a)


def addcmul_(a, t1, t2, value, xp, k):
    """``a += value * t1 * t2``."""
    t = xp.multiply(t1, value, out=scratch(a, k))
    t *= t2
    a += t


def add_scaled_(a, b, alpha, xp, k, b_is_scratch=False):
    """``a += alpha * b`` (``b`` is overwritten when it is a scratch array)."""
    if alpha == 1:
        a += b
    elif alpha == -1:
        a -= b
    else:
        a += xp.multiply(b, alpha, out=b if b_is_scratch else scratch(a, k))


def effective_grad(p, g, weight_decay, maximize, xp, k=0):
    """The gradient the update uses: ``g``, ``-g`` (maximize), plus ``weight_decay * p``; the
    array itself when nothing changes it, else a scratch array."""
    if weight_decay:
        out = xp.multiply(p, weight_decay, out=scratch(g, k))
        return (xp.subtract if maximize else xp.add)(out, g, out=out)
    if maximize:
        return xp.negative(g, out=scratch(g, k))
    return g


def recorded_grad(p, g, weight_decay, maximize):
    """``differentiable=True``: the gradient torch's for-loop step uses, in flambeau ops
    (``-g`` to maximize, plus ``weight_decay * p``)."""
    g = -g if maximize else g
    return g.add(p, alpha=weight_decay) if weight_decay != 0 else g


def recorded_adam_views(p, g, state, group, lr):
    """``differentiable=True`` in NAdam and RAdam: decoupled weight decay applied to ``p``, then
    real views of ``p``, the gradient torch's step uses, ``exp_avg`` and ``exp_avg_sq``."""
    weight_decay, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
    if weight_decay != 0 and decoupled:
        p.mul_(1 - lr * weight_decay)
    grad = recorded_grad(p, g, 0 if decoupled else weight_decay, group["maximize"])
    return real_views([p, grad, state["exp_avg"], state["exp_avg_sq"]])


def real_views(tensors):
    """``view_as_real`` of each tensor when the first is complex (None stays None)."""
    if not tensors[0].is_complex():
        return tensors
    from .._ops.shape import view_as_real
    return [None if t is None else view_as_real(t) for t in tensors]


def real_view(a):
    """A complex array as real pairs (torch's ``view_as_real``); real arrays pass through."""
    if a.dtype.kind != "c":
        return a
    return a[..., None].view(a.real.dtype)
