"""DistributedDataParallel: one replica of a module per process; gradients averaged over the
processes after each backward, so every replica takes the same optimizer steps.

As torch: the construction broadcasts rank 0's parameters and buffers; the buffers are
broadcast again before each forward (``broadcast_buffers``); ``no_sync()`` lets gradients
accumulate locally; ``find_unused_parameters`` finds the parameters the output does not
depend on; state dict keys start with ``module.``. What differs: no buckets, no overlap of
communication with backward: when the last expected gradient of a backward has been
accumulated, all gradients go in one all-reduce, on the calling thread (the bucket, device
and static-graph arguments are accepted and change nothing); there are no communication
hooks (``register_comm_hook``) and no ``join`` for uneven inputs."""
import contextlib

import numpy as np

from ... import _naming, distributed as dist
from ...autograd import grad_mode
from ...distributed import distributed_c10d as c10d
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


def _used_parameters(outputs):
    """The ids of the leaves the autograd graphs of ``outputs`` accumulate into."""
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen, used = set(), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None:
            used.add(id(variable))
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return used


def _tensors(value):
    """The tensors in an output (nested in tuples, lists and dicts)."""
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return [value] if hasattr(value, "grad_fn") else []


class DistributedDataParallel(Module):
    """Wraps ``module`` for data-parallel training over ``process_group`` (the default
    group): each process runs it on its share of the batch, and ``backward`` leaves in every
    process the gradients averaged over all of them."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        group = c10d._group(process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError("device_ids can only be None or contain a single element.")
        self.module = module
        self.process_group = group
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._params = params
        self._expected = None  # ids of the gradients this backward still waits for
        self._arrived = False  # whether some gradient of this backward has come
        if group.size() > 1:
            self._check_same_shapes()
            if init_sync:
                self._broadcast([*module.parameters(), *module.buffers()])
        for p in params:
            p.register_post_accumulate_grad_hook(self._gradient_ready)

    def _check_same_shapes(self):
        shapes = [tuple(p.shape) for p in self._params]
        everyone = [None] * self.process_group.size()
        dist.all_gather_object(everyone, shapes, group=self.process_group)
        for rank, theirs in enumerate(everyone):
            if theirs != shapes:
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank "
                                   f"{self.process_group.rank()} has {len(shapes)} params, "
                                   f"while rank {rank} has inconsistent {len(theirs)} params.")

    def _broadcast(self, tensors):
        """Rank 0's values of ``tensors`` in every rank's, in one message."""
        group = self.process_group
        arrays = group._bcast(0, [t._data for t in tensors])
        if group.rank() != 0:
            for t, a in zip(tensors, arrays):
                c10d._write(t, a)

    @contextlib.contextmanager
    def no_sync(self):
        """Within it, backward passes accumulate gradients without averaging them; the first
        backward after it (of a forward run outside it) averages what was accumulated."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def forward(self, *inputs, **kwargs):
        if self._expected and self._arrived:
            self._unfinished_reduction()
        buffers = list(self.module.buffers()) if self.process_group.size() > 1 else []
        if self.require_forward_param_sync and self.broadcast_buffers and buffers:
            with grad_mode.no_grad():
                self._broadcast(buffers)
        output = self.module(*inputs, **kwargs)
        sync = grad_mode.is_grad_enabled() and self.require_backward_grad_sync
        self.require_forward_param_sync = sync
        self._expected = None
        if sync:
            used = _used_parameters(_tensors(output)) if self.find_unused_parameters else None
            self._expected = {id(p) for p in self._params if used is None or id(p) in used}
            self._arrived = False
            if not self._expected:
                self._average()
        return output

    def _unfinished_reduction(self):
        missing = " ".join(str(i) for i, p in enumerate(self._params) if id(p) in self._expected)
        raise RuntimeError(
            "Expected to have finished reduction in the prior iteration before starting a new "
            "one. This error indicates that your module has parameters that were not used in "
            "producing loss. You can enable unused parameter detection by passing the keyword "
            f"argument `find_unused_parameters=True` to `{_naming.public_name}.nn.parallel."
            "DistributedDataParallel`, and by \nmaking sure all `forward` function outputs "
            "participate in calculating loss. \nIf you already have done the above, then the "
            "distributed data parallel module wasn't able to locate the output tensors in the "
            "return value of your module's `forward` function. Please include the loss "
            "function and the structure of the return value of `forward` of your module when "
            "reporting this issue (e.g. list, dict, iterable).\nParameter indices which did "
            f"not receive grad for rank {self.process_group.rank()}: {missing}\n In addition, "
            "you can set the environment variable TORCH_DISTRIBUTED_DEBUG to either INFO or "
            "DETAIL to print out information about which particular parameters did not receive "
            "gradient on this rank as part of this error")

    def _gradient_ready(self, param):
        if not self._expected:
            return
        self._arrived = True
        self._expected.discard(id(param))
        if not self._expected:
            self._expected = None
            self._average()

    def _average(self):
        """Every gradient replaced by its mean over the ranks; a parameter no rank used
        keeps no gradient."""
        group = self.process_group
        if group.size() == 1:
            return
        arrays = [p.grad._data if p.grad is not None else np.zeros(p.shape, p._data.dtype)
                  for p in self._params]
        arrays.append(np.array([p.grad is not None for p in self._params], np.int64))
        summed = c10d._all_reduce_arrays(group, arrays, dist.ReduceOp.SUM, inplace=True)
        used = summed.pop()
        for p, total, count in zip(self._params, summed, used):
            if count == 0:
                continue
            if p.grad is None:
                p.grad = p.new_zeros(p.shape)
            np.divide(total, group.size(), out=p.grad._data, casting="unsafe")
            p.grad._bump_version()


_naming.public_classes([DistributedDataParallel])
