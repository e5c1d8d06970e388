"""The ops torch 2.13 refuses for a family of dtypes, with its error, as probed from torch at
development time: its "barebones" unsigned dtypes (uint16, uint32, uint64: storage, copies,
casts and a few ops), named by the kernel its NotImplementedError names
(``"max_all" not implemented for 'UInt32'``), and the complex dtypes (ops on ordered values),
named by a kernel or given as an exception class and message.

Pointwise ops decide in their factories (``pointwise.binary``/``unary``: the promoted dtype
decides, so ``uint32 + 1.5`` computes in float32). The ops listed here decide on their first
argument's dtype (its ``_family``): ``registry.defop`` puts a guard before those ops
(:func:`refusal`).
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .promotion import _not_implemented


def _extremum(reduce_all, reduce_dim):
    def kernel(input, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            return None  # max(a, b) is maximum, which its factory checks
        return reduce_all if dim is None else reduce_dim
    return kernel


def _softmax(name):
    def kernel(input, dim=None, *args, **kwargs):
        dtype = args[0] if args else kwargs.get("dtype")
        if dtype is not None and not dtype._family:
            return None  # (cast first)
        last = dim is None or dim in (-1, input.ndim - 1)
        return f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
    return kernel


def _flip(input, dims):
    """torch flips the barebones dtypes by copying rows of bytes: unless a flipped dim is the
    one whose elements are adjacent (stride 1)."""
    strides = input.stride()
    dims = (dims,) if isinstance(dims, int) else dims
    return "flip_cpu" if any(-len(strides) <= d < len(strides) and strides[d] == 1
                             for d in dims) else None


def _with_dim(all_kernel, dim_kernel):
    """An op whose form without ``dim`` refuses with ``all_kernel``, with one ``dim_kernel``
    (None: computed)."""
    def kernel(input, dim=None, *args, **kwargs):
        return all_kernel if dim is None else dim_kernel
    return kernel


def _inner(input, other):
    if input.ndim and (not isinstance(other, Tensor) or other.ndim):  # (0-d: a product)
        if input.ndim == 1 and other.ndim == 1:
            return "dot"
        return None if 0 in input.shape or 0 in other.shape else "addmm_impl_cpu_"
    return None


def _isin(elements, test_elements, *args, **kwargs):
    """torch's isin sorts (which the barebones dtypes have) unless ``test_elements`` are few:
    then its default kernel compares each pair."""
    if not isinstance(test_elements, Tensor):
        return None
    few = test_elements.numel() < 10.0 * elements.numel() ** 0.145
    return "isin_default_cpu" if few else None


def _product(kernel, first=0):
    """The refusal of a matrix product whose factors are arguments ``first`` and ``first + 1``:
    torch's kernels return an empty product, or one over an empty dim (zeros, or the added
    input times ``beta``), before they look at the dtype; factors that cannot be multiplied
    are left to the op's own error."""
    def refusal(*args, **kwargs):
        a, b = args[first], args[first + 1]
        if not (isinstance(a, Tensor) and isinstance(b, Tensor) and a.ndim and b.ndim):
            return kernel
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            return None
        return None if 0 in a.shape or 0 in b.shape else kernel
    return refusal


def _matmul(input, other):
    if input.ndim == 1 and other.ndim == 1:
        return "dot"
    kernel = "addmv_impl_cpu" if input.ndim == 2 and other.ndim == 1 else \
        "bmm" if input.ndim > 2 and other.ndim > 2 else "addmm_impl_cpu_"
    return _product(kernel)(input, other)


def _clamp(input, min=None, max=None):
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return "clamp_cpu" if min is not None and max is not None else \
            "maximum_cpu" if min is not None else "minimum_cpu"
    return "clamp_scalar_cpu" if min is not None and max is not None else \
        "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu"


def _bound(scalar_kernel, tensor_kernel):
    def kernel(input, bound):
        return tensor_kernel if isinstance(bound, Tensor) else scalar_kernel
    return kernel


BAREBONES = {
    "": {
        # linear algebra
        "mm": _product("addmm_impl_cpu_"), "addmm": _product("addmm_impl_cpu_", 1),
        "addbmm": _product("addmm_impl_cpu_", 1), "baddbmm": _product("baddbmm", 1),
        "bmm": _product("bmm"), "mv": _product("addmv_impl_cpu"),
        "addmv": _product("addmv_impl_cpu", 1),
        "dot": "dot", "vdot": "dot", "inner": _inner, "addr": "addr_cpu", "matmul": _matmul,
        "cross": "cross", "trace": "trace", "tril": "tril", "triu": "triu",
        # reductions, sorting, scans
        "max": _extremum("max_all", "max_cpu"),
        "min": _extremum("min_all", "min_cpu"),
        "amax": "max_values_cpu", "amin": "min_values_cpu", "aminmax": "aminmax_cpu",
        "argmax": "argmax_cpu", "argmin": "argmin_cpu",
        "median": _with_dim("median_cpu", "median_out"),
        "nanmedian": _with_dim("median_cpu", "median_out"), "mode": "mode_cpu", "kthvalue": "kthvalue_cpu",
        "topk": "topk_cpu", "cummax": "cummax_cpu", "cummin": "cummin_cpu",
        "logcumsumexp": "logcumsumexp_out_cpu", "hash_tensor": "xor_sum_cpu",
        "nonzero": "nonzero_count_cpu", "argwhere": "nonzero_count_cpu",
        "count_nonzero": _with_dim("nonzero_count_cpu", None), "histc": "linspace_cpu",
        "bincount": "bincount_cpu", "bucketize": "searchsorted_out_cpu", "isin": _isin,
        "combinations": "masked_select",
        "softmax": _softmax("softmax"), "log_softmax": _softmax("log_softmax"),
        # pointwise ops written by hand (no factory)
        "clamp": _clamp, "clip": _clamp, "clamp_min": _bound("clamp_min_scalar_cpu", "maximum_cpu"),
        "clamp_max": _bound("clamp_max_scalar_cpu", "minimum_cpu"),
        "lerp": "lerp_kernel_scalar", "addcmul": "addcmul_cpu_out", "heaviside": "heaviside_cpu",
        # indexing
        "flip": _flip, "index_select": "index_select", "index_fill": "index_fill_cpu",
        "index_copy": "index_copy_cpu", "index_add": "index_add_", "index_put": "index_put",
        "put": "take_put_cpu", "take": "take_cpu", "masked_fill": "masked_fill",
        "masked_scatter": "masked_scatter", "masked_select": "masked_select",
        # nn kernels
        "relu": "clamp_min_scalar_cpu", "elu": "elu_cpu", "celu": "elu_cpu", "selu": "elu_cpu",
        "gelu": "GeluKernelImpl", "silu": "silu_cpu", "mish": "mish_cpu",
        "hardsigmoid": "hardsigmoid_cpu", "hardswish": "hardswish_cpu",
        "leaky_relu": "leaky_relu_cpu", "softplus": "softplus_cpu", "threshold": "threshold_cpu",
        "hardshrink": "hardshrink_cpu", "softshrink": "softshrink_check",
        "hardtanh": "clamp_scalar_cpu", "glu": "glu_cpu", "log_sigmoid": "log_sigmoid_cpu",
        "layer_norm": "LayerNormKernelImpl", "group_norm": "GroupNormKernelImpl",
        "batch_norm": "batch_norm", "native_batch_norm": "batch_norm",
        "pixel_shuffle": "pixel_shuffle", "pixel_unshuffle": "pixel_unshuffle",
        "channel_shuffle": "channel_shuffle", "mse_loss": "mse_cpu",
        "smooth_l1_loss": "smooth_l1_cpu", "huber_loss": "huber_cpu",
        "nll_loss": "nll_loss_out_frame",
    },
    "linalg": {"cross": "cross"},
}


def _complex(what):
    """An error that does not name a kernel: the op refuses complex input with ``what``
    (``"max()"`` for ``max(): does not support complex input``)."""
    return RuntimeError, what + ": does not support complex input"


def _extremum_of_complex(name):
    def kernel(input, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            return None  # max(a, b) is maximum, which its factory checks
        return f"{name}_all" if dim is None else _complex(f"{name}()")
    return kernel


def _round(input, *, decimals=0):
    return "round_cpu" if decimals else "round_vml_cpu"


def _isin_complex(elements, *args, **kwargs):
    return RuntimeError, \
        f"Unsupported input type encountered for isin(): {elements._dtype._scalar_name}"


_CLAMP = (NotImplementedError, "clamp is not supported for complex types")
_NANSUM = (RuntimeError, "nansum on CPU does not support complex inputs")
_SORT = (RuntimeError, " Sort does not support complex dtypes on CPU")

COMPLEX = {
    "": {
        "max": _extremum_of_complex("max"), "min": _extremum_of_complex("min"),
        "amax": "max_values_cpu", "amin": "min_values_cpu", "aminmax": "aminmax_cpu",
        "argmax": _complex("argmax()"), "argmin": _complex("argmin()"),
        "median": _with_dim("median_cpu", "median_out"),
        "nanmedian": _with_dim("median_cpu", "median_out"), "mode": "mode_cpu",
        "cummax": "cummax_cpu", "cummin": "cummin_cpu", "msort": _SORT,
        "unique": "unique", "unique_consecutive": "unique", "bucketize": "searchsorted_out_cpu",
        "histogram": "histogramdd", "nansum": _NANSUM, "nanmean": _NANSUM, "isin": _isin_complex,
        "clamp": _CLAMP, "clip": _CLAMP, "clamp_min": _bound(_CLAMP, "maximum_cpu"),
        "clamp_max": _bound(_CLAMP, "minimum_cpu"),
        "softmax": _softmax("softmax"), "log_softmax": _softmax("log_softmax"),
        # pointwise
        "sign": (NotImplementedError, "Unlike NumPy, torch.sign is not intended to support "
                 "complex numbers. Please use torch.sgn instead."),
        "floor": (NotImplementedError, "floor is not supported for complex inputs"),
        "ceil": (NotImplementedError, "ceil is not supported for complex inputs"),
        "trunc": (NotImplementedError, "trunc is not supported for complex inputs"),
        "signbit": (NotImplementedError, "signbit is not implemented for complex tensors."),
        "deg2rad": (RuntimeError, "deg2rad is not supported for complex tensors."),
        "rad2deg": (RuntimeError, "rad2deg is not supported for complex tensors."),
        "isposinf": (RuntimeError, "isposinf does not support complex inputs."),
        "isneginf": (RuntimeError, "isneginf does not support complex inputs."),
        "round": _round, "frac": "frac_cpu", "logit": "logit_cpu", "erf": "erf_vml_cpu",
        "erfc": "erfc_vml_cpu", "erfinv": "erfinv_vml_cpu", "lgamma": "lgamma_vml_cpu",
        "digamma": "digamma", "i0": "i0_vml_cpu",
        "heaviside": (RuntimeError, "heaviside is not yet implemented for complex tensors."),
        "mse_loss": "mse_cpu",
        "kl_div": (RuntimeError, "kl_div: Complex inputs not supported."),
    },
    "special": {
        "i0e": "i0e_cpu", "i1": "i1_cpu", "i1e": "i1e_cpu", "ndtr": "erf_vml_cpu",
        "ndtri": "ndtri_cpu", "log_ndtr": "log_ndtr_cpu", "erfcx": "erfcx_cpu",
        "entr": "entr_cpu", "spherical_bessel_j0": "spherical_bessel_j0_cpu",
        "modified_bessel_i0": "modified_bessel_i0_cpu",
        "modified_bessel_i1": "modified_bessel_i1_cpu",
    },
}


def scatter(src, reduce, include_self, dtype):
    """The kernel torch's scatter ops refuse a barebones, bool or complex input with, after
    their checks when the index is not empty, or None: ``src`` is an array or a scalar."""
    if dtype.is_complex:
        return "scatter_gather_tensor_cpu_reduce_" + reduce if reduce in ("amax", "amin") \
            else None
    if dtype is _dtype.bool:
        return "scatter_gather_tensor_cpu_reduce_mean" if reduce == "mean" else None
    if not dtype._barebones:
        return None
    if not include_self:
        return "scatter_reduce_exclude_input_init"
    if reduce in ("mean", "amax", "amin"):
        return "scatter_gather_tensor_cpu_reduce_" + reduce
    return "scatter_gather_tensor_cpu" if isinstance(src, np.ndarray) else \
        "scatter_gather_scalar_cpu"


def index_reduce(input, reduce, include_self, index):
    """The kernel torch's index_reduce refuses a barebones, bool or complex input with, after
    its checks, or None: torch reduces the slices of a matrix with pointwise ops (none for an
    empty index; bool means divide; complex ones add and multiply), and vectors with one
    kernel."""
    dtype = input._dtype
    if not (dtype._family or dtype is _dtype.bool):
        return None
    if not include_self:
        return "index_reduce_func_exclude_input_init"
    if input.ndim <= 1:
        return "index_func_"
    if not index.numel() or reduce != "mean" and (dtype is _dtype.bool or reduce == "prod") \
            or reduce == "mean" and dtype.is_complex:
        return None
    return "div_floor_cpu" if dtype is _dtype.bool else \
        {"mean": "add_stub", "amax": "maximum_cpu", "amin": "minimum_cpu"}[reduce]


def refusal(namespace, name):
    """The kernels (by dtype family: a kernel's name, an exception class and message, or a
    function of the op's arguments giving one or None) torch refuses the op ``name`` with;
    None where torch computes every family."""
    kernels = {family: table[namespace][name]
               for family, table in (("barebones", BAREBONES), ("complex", COMPLEX))
               if name in table.get(namespace, ())}
    return kernels or None


def error(kernel, dtype):
    """torch's error for ``dtype``: a kernel's name, or an exception class and message."""
    if isinstance(kernel, str):
        return _not_implemented(kernel, dtype)
    return kernel[0](kernel[1])


def refuse(kernel, *args, **kwargs):
    """Raises torch's error for the op's arguments (its first is a tensor), unless ``kernel``
    (a function) finds this overload computed."""
    if callable(kernel):
        kernel = kernel(*args, **kwargs)
        if kernel is None:
            return
    raise error(kernel, args[0]._dtype)


def refuse_family(kernels, *args, **kwargs):
    """:func:`refuse` with the kernel of the family of the first argument's dtype, if any."""
    kernel = kernels.get(args[0]._dtype._family)
    if kernel is not None:
        refuse(kernel, *args, **kwargs)
