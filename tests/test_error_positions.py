"""Wrong arguments in every position, compared with torch live (issue 9).

For each op of torch's OpInfo database that flambeau has (function and Tensor method), one
valid call is taken from its sample inputs (the one with most arguments that torch accepts),
then each argument in turn is replaced by wrong values (a str, a list of str, None, a float
where an int belongs, dims out of range, negative sizes, a tensor where a number belongs and a
number where a tensor belongs, a bool tensor where a float one belongs); each keyword torch
declares that the sample leaves out is given a str, a float and a list of str; an unknown
keyword and one argument too many are added. Both libraries must then raise the same exception
type with the same message, or both accept the call.

Two differences are tolerated: torch's parser lists keyword arguments in the order of a C++
``unordered_map`` (hashed), flambeau's in the order it binds them, so messages are compared
with the keyword list sorted; and torch's test database may name a method's class
``Tensor.`` where plain torch says ``TensorBase.``. ``KNOWN`` lists the cases that still
differ, per op: the test fails when one is fixed (remove it) or when another appears.
"""
import ast
import functools
import inspect
import itertools
import pathlib
import re
import warnings

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import flambeau
from conftest import resolve
from test_gradcheck import _to_flambeau

# the cases (see _cases for their labels) that still differ from torch, per op
KNOWN = {
    "fn add": "+out=float",
    "fn baddbmm": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor pos2=str pos2=list_str pos2=None "
        "pos2=number_for_tensor beta=str beta=list_str beta=None beta=tensor_for_number "
        "alpha=str alpha=list_str alpha=None alpha=tensor_for_number +batch1=str +batch1=float "
        "+batch1=list_str +batch2=str +batch2=float +batch2=list_str +out=str +out=float "
        "+out=list_str +out_dtype=str +out_dtype=float +out_dtype=list_str +no_such_kw "
        "+extra_arg"),
    "fn bmm": "pos0=bool_tensor",
    "fn bucketize": (
        "pos0=str pos0=list_str pos0=None pos1=str pos1=list_str pos1=None "
        "pos1=number_for_tensor out_int32=str out_int32=list_str out_int32=None "
        "out_int32=int_for_bool right=str right=list_str right=None right=int_for_bool +out=str "
        "+out=float +out=list_str +no_such_kw +extra_arg"),
    "fn cat": "+extra_arg",
    "fn cholesky": "pos0=bool_tensor",
    "fn corrcoef": "pos0=bool_tensor",
    "fn cov": "pos0=bool_tensor",
    "fn cross": "pos0=bool_tensor",
    "fn diag_embed": "+extra_arg",
    "fn diagflat": "+extra_arg",
    "fn diagonal": "+extra_arg",
    "fn diagonal_copy": "+extra_arg",
    "fn div": "+out=float",
    "fn eye": (
        "pos0=str pos0=list_str pos0=None pos0=float_for_int pos0=tensor_for_number pos1=str "
        "pos1=list_str pos1=None pos1=float_for_int pos1=tensor_for_number device=list_str "
        "dtype=str dtype=list_str dtype=int_for_dtype +layout=str +layout=float +layout=list_str "
        "+pin_memory=str +pin_memory=float +pin_memory=list_str +m=str +m=float +m=list_str "
        "+no_such_kw +extra_arg"),
    "fn fft.fft2": "dim=neg_sizes",
    "fn fft.fftn": "dim=neg_sizes",
    "fn fft.hfft2": "dim=neg_sizes",
    "fn fft.hfftn": "dim=neg_sizes",
    "fn fft.ifft2": "dim=neg_sizes",
    "fn fft.ifftn": "dim=neg_sizes",
    "fn fft.ihfft2": "dim=neg_sizes",
    "fn fft.ihfftn": "dim=neg_sizes",
    "fn fft.irfft2": "dim=neg_sizes",
    "fn fft.irfftn": "dim=neg_sizes",
    "fn fft.rfft2": "dim=neg_sizes",
    "fn fft.rfftn": "dim=neg_sizes",
    "fn flatten": "+extra_arg",
    "fn floor_divide": "+out=float",
    "fn gradient": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor dim=str "
        "dim=list_str spacing=str +no_such_kw +extra_arg"),
    "fn grid_sampler_2d": "pos0=bool_tensor",
    "fn grid_sampler_3d": "pos0=bool_tensor",
    "fn histc": "pos0=bool_tensor",
    "fn histogram": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor pos1=str "
        "pos1=list_str pos1=None pos1=float_for_int weight=str weight=list_str density=str "
        "density=list_str density=None density=int_for_bool +out=str +out=float +range=str "
        "+range=float +range=list_str +no_such_kw +extra_arg"),
    "fn histogramdd": "pos1=neg_sizes",
    "fn index_copy": "pos0=bool_tensor pos3=bool_tensor",
    "fn index_put": "pos1=list_str pos1=None",
    "fn istft": "n_fft=dim_100 n_fft=neg_7",
    "fn ldexp": "pos1=bool_tensor",
    "fn lerp": "pos0=bool_tensor pos1=bool_tensor",
    "fn linalg.cholesky_ex": "pos0=bool_tensor",
    "fn linalg.cond": "pos0=bool_tensor +extra_arg",
    "fn linalg.cross": "pos0=bool_tensor pos1=bool_tensor",
    "fn linalg.eig": "pos0=bool_tensor",
    "fn linalg.eigh": "pos0=bool_tensor",
    "fn linalg.eigvals": "pos0=bool_tensor",
    "fn linalg.eigvalsh": "pos0=bool_tensor",
    "fn linalg.inv_ex": "pos0=bool_tensor",
    "fn linalg.ldl_factor": "pos0=bool_tensor",
    "fn linalg.ldl_solve": "pos2=bool_tensor",
    "fn linalg.lstsq": "pos0=bool_tensor pos1=bool_tensor driver=str",
    "fn linalg.lu_solve": "pos0=bool_tensor pos2=bool_tensor",
    "fn linalg.matrix_norm": "pos2=neg_sizes",
    "fn linalg.matrix_rank": "pos0=bool_tensor",
    "fn linalg.norm": "pos1=str",
    "fn linalg.pinv": "pos0=bool_tensor",
    "fn linalg.solve": "pos1=bool_tensor",
    "fn linalg.solve_ex": "pos1=bool_tensor",
    "fn linalg.solve_triangular": "pos0=bool_tensor pos1=bool_tensor",
    "fn linalg.svdvals": "pos0=bool_tensor",
    "fn linalg.tensorinv": "ind=dim_100",
    "fn linalg.tensorsolve": "pos1=bool_tensor",
    "fn linalg.vander": "pos0=bool_tensor",
    "fn linalg.vecdot": "pos0=bool_tensor pos1=bool_tensor dim=dim_100 dim=neg_7",
    "fn logdet": "pos0=bool_tensor",
    "fn lu": "+no_such_kw +extra_arg",
    "fn lu_solve": "pos0=bool_tensor pos1=bool_tensor",
    "fn masked.amax": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.amin": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.argmax": "pos0=str pos0=list_str pos0=None pos0=number_for_tensor",
    "fn masked.argmin": "pos0=str pos0=list_str pos0=None pos0=number_for_tensor",
    "fn masked.cumprod": "pos0=bool_tensor pos1=str pos1=list_str pos1=tensor_for_number",
    "fn masked.cumsum": "pos0=bool_tensor pos1=str pos1=list_str pos1=tensor_for_number",
    "fn masked.log_softmax": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=tensor_for_number"),
    "fn masked.logaddexp": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor"),
    "fn masked.logsumexp": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.mean": "dim=str dim=list_str dim=tensor_for_number",
    "fn masked.median": "pos1=str pos1=list_str pos1=tensor_for_number",
    "fn masked.norm": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.normalize": "pos2=str pos2=list_str pos2=tensor_for_number",
    "fn masked.prod": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.softmax": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=tensor_for_number"),
    "fn masked.softmin": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=tensor_for_number"),
    "fn masked.std": (
        "dim=str dim=list_str dim=tensor_for_number +correction=str +correction=list_str"),
    "fn masked.sum": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor dim=str dim=list_str "
        "dim=tensor_for_number"),
    "fn masked.var": (
        "dim=str dim=list_str dim=tensor_for_number +correction=str +correction=list_str"),
    "fn masked_scatter": "pos0=bool_tensor pos2=bool_tensor",
    "fn median": "pos0=bool_tensor",
    "fn mul": "+out=float",
    "fn nanmedian": "pos0=bool_tensor",
    "fn native_batch_norm": "pos1=bool_tensor pos2=bool_tensor pos3=bool_tensor pos4=bool_tensor",
    "fn nn.functional.adaptive_avg_pool1d": "pos0=bool_tensor",
    "fn nn.functional.adaptive_avg_pool2d": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor"),
    "fn nn.functional.adaptive_avg_pool3d": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=neg_sizes"),
    "fn nn.functional.adaptive_max_pool1d": "pos1=neg_7 +no_such_kw +extra_arg",
    "fn nn.functional.adaptive_max_pool2d": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor +no_such_kw +extra_arg"),
    "fn nn.functional.adaptive_max_pool3d": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor +no_such_kw +extra_arg"),
    "fn nn.functional.avg_pool3d": "pos1=dim_100",
    "fn nn.functional.batch_norm": (
        "pos1=bool_tensor pos2=bool_tensor pos3=bool_tensor pos4=bool_tensor"),
    "fn nn.functional.binary_cross_entropy": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor pos1=str "
        "pos1=list_str pos1=None pos1=number_for_tensor pos1=bool_tensor +weight=str "
        "+weight=float +weight=list_str +extra_arg"),
    "fn nn.functional.binary_cross_entropy_with_logits": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor pos1=str "
        "pos1=list_str pos1=None pos1=number_for_tensor pos1=bool_tensor"),
    "fn nn.functional.conv3d": "pos0=bool_tensor pos2=bool_tensor",
    "fn nn.functional.conv_transpose1d": "pos0=bool_tensor pos2=bool_tensor",
    "fn nn.functional.conv_transpose2d": "pos0=bool_tensor pos1=bool_tensor",
    "fn nn.functional.conv_transpose3d": "pos0=bool_tensor pos1=bool_tensor pos2=bool_tensor",
    "fn nn.functional.cosine_similarity": "pos0=bool_tensor pos1=bool_tensor",
    "fn nn.functional.ctc_loss": "pos0=bool_tensor pos2=neg_sizes pos3=neg_sizes",
    "fn nn.functional.embedding_bag": "per_sample_weights=bool_tensor",
    "fn nn.functional.fractional_max_pool2d": (
        "pos1=neg_7 output_size=neg_7 +no_such_kw +extra_arg"),
    "fn nn.functional.fractional_max_pool3d": (
        "pos1=neg_sizes output_size=dim_100 output_size=neg_7 +no_such_kw +extra_arg"),
    "fn nn.functional.gaussian_nll_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos2=bool_tensor"),
    "fn nn.functional.grid_sample": "pos0=bool_tensor",
    "fn nn.functional.group_norm": "pos0=str pos0=list_str pos0=None pos0=number_for_tensor",
    "fn nn.functional.hinge_embedding_loss": "pos0=bool_tensor",
    "fn nn.functional.huber_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor pos1=str "
        "pos1=list_str pos1=None pos1=number_for_tensor"),
    "fn nn.functional.instance_norm": (
        "running_mean=bool_tensor running_var=bool_tensor weight=bool_tensor bias=bool_tensor"),
    "fn nn.functional.interpolate": (
        "scale_factor=str scale_factor=list_str scale_factor=tensor_for_number"),
    "fn nn.functional.kl_div": "pos0=bool_tensor pos1=bool_tensor",
    "fn nn.functional.l1_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor"),
    "fn nn.functional.linear_cross_entropy": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor +options=str +options=float +options=list_str"),
    "fn nn.functional.local_response_norm": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos0=bool_tensor "
        "pos1=float_for_int pos1=tensor_for_number"),
    "fn nn.functional.margin_ranking_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor pos2=str pos2=list_str pos2=None "
        "pos2=number_for_tensor"),
    "fn nn.functional.max_pool1d": "+no_such_kw +extra_arg",
    "fn nn.functional.max_pool2d": "+no_such_kw +extra_arg",
    "fn nn.functional.max_pool3d": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor +no_such_kw +extra_arg"),
    "fn nn.functional.max_unpool1d": (
        "kernel_size=tensor_for_number stride=tensor_for_number padding=tensor_for_number"),
    "fn nn.functional.max_unpool2d": (
        "kernel_size=tensor_for_number stride=tensor_for_number padding=tensor_for_number"),
    "fn nn.functional.max_unpool3d": (
        "kernel_size=tensor_for_number stride=tensor_for_number padding=tensor_for_number"),
    "fn nn.functional.mse_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor"),
    "fn nn.functional.multi_margin_loss": "+weight=str +weight=float +weight=list_str",
    "fn nn.functional.nll_loss": "weight=bool_tensor",
    "fn nn.functional.normalize": "p=str +out=float",
    "fn nn.functional.pixel_shuffle": "upscale_factor=neg_7",
    "fn nn.functional.pixel_unshuffle": "downscale_factor=neg_7",
    "fn nn.functional.relu6": "pos0=str pos0=list_str pos0=None pos0=number_for_tensor",
    "fn nn.functional.rms_norm": "pos0=bool_tensor",
    "fn nn.functional.smooth_l1_loss": (
        "pos0=str pos0=list_str pos0=None pos0=number_for_tensor pos1=str pos1=list_str "
        "pos1=None pos1=number_for_tensor"),
    "fn nn.functional.soft_margin_loss": "pos0=bool_tensor",
    "fn nn.functional.threshold": "+no_such_kw",
    "fn nn.functional.upsample_bilinear": "size=str size=list_str size=float_list",
    "fn nn.functional.upsample_nearest": "size=str size=float_list",
    "fn norm": "+out=str +out=float +out=list_str",
    "fn permute": "pos1=neg_sizes",
    "fn permute_copy": "pos1=neg_sizes",
    "fn pinverse": "pos0=bool_tensor",
    "fn randn": (
        "pos0=str pos0=list_str pos0=None pos0=float_list dtype=str dtype=list_str "
        "dtype=int_for_dtype device=list_str +generator=str +generator=float +generator=list_str "
        "+out=str +out=float +out=list_str +layout=str +layout=float +layout=list_str "
        "+pin_memory=str +pin_memory=float +pin_memory=list_str +no_such_kw +extra_arg"),
    "fn renorm": "pos0=bool_tensor",
    "fn repeat_interleave": "output_size=dim_100 output_size=neg_7",
    "fn roll": "pos2=dim_100 pos2=neg_7",
    "fn scatter": "reduce=str",
    "fn select_scatter": "pos3=dim_100 pos3=neg_7",
    "fn signal.windows.bartlett": "pos0=float_for_int",
    "fn signal.windows.blackman": "pos0=float_for_int",
    "fn signal.windows.cosine": "pos0=float_for_int",
    "fn signal.windows.exponential": "pos0=float_for_int",
    "fn signal.windows.gaussian": "pos0=float_for_int",
    "fn signal.windows.general_cosine": "pos0=float_for_int a=str a=None",
    "fn signal.windows.general_hamming": "pos0=float_for_int",
    "fn signal.windows.hamming": "pos0=float_for_int",
    "fn signal.windows.hann": "pos0=float_for_int",
    "fn signal.windows.kaiser": "pos0=float_for_int",
    "fn signal.windows.nuttall": "pos0=float_for_int",
    "fn split": "pos0=str pos0=list_str pos0=None pos0=number_for_tensor",
    "fn split_with_sizes": "pos1=neg_sizes",
    "fn split_with_sizes_copy": "pos1=neg_sizes",
    "fn std_mean": "pos0=bool_tensor",
    "fn stft": "pos0=bool_tensor +onesided=str",
    "fn sub": "+out=float",
    "fn tensordot": "+out=str +out=float +out=list_str",
    "fn tril_indices": "device=str",
    "fn triu_indices": "device=str",
    "fn true_divide": "+out=float",
    "fn unflatten": "pos2=neg_sizes",
    "fn unique": "+no_such_kw +extra_arg",
    "fn unique_consecutive": "+no_such_kw +extra_arg",
    "fn var_mean": "pos0=bool_tensor",
    "fn vdot": "pos0=bool_tensor pos1=bool_tensor",
    "method addbmm": "+no_such_kw +extra_arg",
    "method addmv": "+no_such_kw +extra_arg",
    "method baddbmm": "+no_such_kw +extra_arg",
    "method diag_embed": "+extra_arg",
    "method diagflat": "+extra_arg",
    "method diagonal": "+extra_arg",
    "method flatten": "+extra_arg",
    "method histogram": (
        "pos1=str pos1=list_str pos1=None pos1=float_for_int weight=str weight=list_str "
        "density=str density=list_str density=None density=int_for_bool +range=str +range=float "
        "+range=list_str +no_such_kw +extra_arg"),
    "method index_copy": "pos3=bool_tensor",
    "method index_put": "pos1=list_str pos1=None",
    "method istft": "n_fft=dim_100 n_fft=neg_7",
    "method ldexp": "pos1=bool_tensor",
    "method lerp": "pos1=bool_tensor",
    "method lu_solve": "pos1=bool_tensor",
    "method masked_scatter": "pos2=bool_tensor",
    "method permute": "pos1=neg_sizes",
    "method repeat_interleave": "output_size=dim_100 output_size=neg_7",
    "method roll": "pos2=dim_100 pos2=neg_7",
    "method scatter": "reduce=str",
    "method select_scatter": "pos3=dim_100 pos3=neg_7",
    "method split_with_sizes": "pos1=neg_sizes",
    "method sum_to_size": (
        "pos1=str pos1=list_str pos1=None pos1=float_for_int pos1=tensor_for_number"),
    "method to_sparse": (
        "pos1=str pos1=list_str pos1=None pos1=float_for_int pos1=tensor_for_number "
        "+blocksize=str +blocksize=float +blocksize=list_str +dense_dim=str +dense_dim=float "
        "+dense_dim=list_str +sparse_dim=str +sparse_dim=float +sparse_dim=list_str +no_such_kw "
        "+extra_arg"),
    "method unflatten": "pos2=neg_sizes",
    "method vdot": "pos1=bool_tensor",
}


def _resolve(lib, name):
    try:
        return resolve(lib, name)
    except AttributeError:
        return None


def _convertible(value):
    if isinstance(value, (list, tuple)):
        return all(_convertible(v) for v in value)
    if isinstance(value, dict):
        return _convertible(list(value.values()))
    if isinstance(value, torch.Tensor):
        return value.layout == torch.strided and value.dtype is not torch.bfloat16 and \
            not value.is_conj() and not value.is_neg()
    return not isinstance(value, torch.Generator) and not (callable(value) and
                                                           not isinstance(value, type))


def _targets():
    """(kind, name, OpInfo) for each function and method flambeau and torch both have."""
    out, seen = [], set()
    for op in op_db:
        if op.name.startswith("_"):
            continue
        kinds = []
        if _resolve(torch, op.name) is not None and callable(_resolve(flambeau, op.name)):
            kinds.append("fn")
        if op.method_variant is not None and "." not in op.name and \
                hasattr(flambeau.Tensor, op.name) and hasattr(torch.Tensor, op.name):
            kinds.append("method")
        for kind in kinds:
            if (kind, op.name) not in seen:
                seen.add((kind, op.name))
                out.append((kind, op.name, op))
    return out


def _call(kind, name, lib, inp, args, kwargs):
    if kind == "fn":
        return _resolve(lib, name)(inp, *args, **kwargs)
    return getattr(inp, name)(*args, **kwargs)


def _outcome(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 (the error is the result)
        return error
    return None


def _sample(kind, name, op):
    """The sample with most arguments that torch's public callable accepts."""
    torch.manual_seed(0)
    dtypes = op.supported_dtypes("cpu")
    dtype = torch.float32 if torch.float32 in dtypes else min(dtypes, key=str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = [s for s in itertools.islice(op.sample_inputs("cpu", dtype), 8)
                   if _convertible([s.input, *s.args, s.kwargs])]
        for s in sorted(samples, key=lambda s: -(len(s.args) + len(s.kwargs))):
            if _outcome(lambda: _call(kind, name, torch, s.input, s.args, s.kwargs)) is None:
                return s
    return None


def _wrongs(value):
    """(label, maker) of wrong values for an argument whose valid value is ``value``; a maker
    takes the library (torch or flambeau)."""
    out = [("str", lambda lib: "abc"), ("list_str", lambda lib: ["a", "b"])]
    if value is not None:
        out.append(("None", lambda lib: None))
    if isinstance(value, bool):
        out.append(("int_for_bool", lambda lib: 2))
    elif isinstance(value, int):
        out += [("float_for_int", lambda lib: 1.5), ("dim_100", lambda lib: 100),
                ("neg_7", lambda lib: -7), ("tensor_for_number", lambda lib: lib.ones(2))]
    elif isinstance(value, float):
        out.append(("tensor_for_number", lambda lib: lib.ones(2)))
    if isinstance(value, torch.Tensor):
        out.append(("number_for_tensor", lambda lib: 2.5))
        if value.dtype.is_floating_point:
            out.append(("bool_tensor", lambda lib, s=tuple(value.shape):
                        lib.ones(s, dtype=lib.bool)))
    if isinstance(value, (tuple, list)) and value and \
            all(type(v) is int for v in value):
        out += [("neg_sizes", lambda lib, n=len(value): (-2,) * n),
                ("float_list", lambda lib, n=len(value): [1.5] * n)]
    if isinstance(value, torch.dtype):
        out.append(("int_for_dtype", lambda lib: 3))
    return out


_EXTRA = [("str", lambda lib: "abc"), ("float", lambda lib: 1.5),
          ("list_str", lambda lib: ["a"])]
_STUBS = {"": "_VariableFunctions.pyi", "nn.functional": "_nn.pyi"}


@functools.lru_cache
def _stub(name):
    path = pathlib.Path(torch.__file__).parent / "_C" / name
    return ast.parse(path.read_text()).body if path.exists() else []


def _stub_names(stub, cls, name):
    """The parameter names torch's type stub gives ``name`` (in class ``cls`` when given)."""
    body = _stub(stub)
    if cls:
        body = [f for c in body if isinstance(c, ast.ClassDef) and c.name == cls
                for f in c.body]
    names = []
    for f in body:
        if isinstance(f, ast.FunctionDef) and f.name == name:
            for a in f.args.args[1 if cls else 0:] + f.args.kwonlyargs:
                if a.arg not in names:
                    names.append(a.arg)
    return names


def _declared_names(kind, name):
    """torch's parameter names of the function or method."""
    if kind == "method":
        return _stub_names("__init__.pyi", "TensorBase", name)
    namespace, _, short = name.rpartition(".")
    names = _stub_names(_STUBS[namespace], None, short) if namespace in _STUBS else []
    if not names:
        try:
            names = list(inspect.signature(_resolve(torch, name)).parameters)
        except (TypeError, ValueError):
            names = []
    return names


def _cases(kind, name, sample):
    """(label, change) of each wrong call; a change is ``(position, keyword, maker)``."""
    values = [sample.input, *sample.args]
    cases = []
    for i, v in enumerate(values):
        if kind == "fn" or i:
            cases += [(f"pos{i}={label}", (i, None, make)) for label, make in _wrongs(v)]
    for k, v in sample.kwargs.items():
        cases += [(f"{k}={label}", (None, k, make)) for label, make in _wrongs(v)]
    for p in _declared_names(kind, name)[len(values) - (kind == "method"):]:
        if p not in sample.kwargs and p not in ("self", "input", "args", "kwargs"):
            cases += [(f"+{p}={label}", (None, p, make)) for label, make in _EXTRA]
    cases.append(("+no_such_kw", (None, "no_such_kw", lambda lib: 1)))
    cases.append(("+extra_arg", (len(values), None, lambda lib: 0)))
    return cases


def _to_ours(value):
    """A sample's value for flambeau: tensors and dtypes as the gradient tests convert them,
    torch's layouts, memory formats and devices by name."""
    if isinstance(value, (list, tuple)):
        return type(value)(_to_ours(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_ours(v) for k, v in value.items()}
    if isinstance(value, (torch.layout, torch.memory_format)):
        return getattr(flambeau, str(value).split(".")[-1])
    if isinstance(value, torch.device):
        return flambeau.device(str(value))
    return _to_flambeau(value)


def _run(kind, name, sample, change, lib):
    position, keyword, make = change
    convert = (lambda v: v) if lib is torch else _to_ours
    inp = sample.input
    if isinstance(inp, torch.Tensor) and not inp.requires_grad:
        inp = inp.clone()  # (in-place ops)
    values = [convert(inp), *convert(tuple(sample.args))]
    kwargs = dict(convert(dict(sample.kwargs)))
    if keyword is not None:
        kwargs[keyword] = make(lib)
    elif position == len(values):
        values.append(make(lib))
    else:
        values[position] = make(lib)
    return _outcome(lambda: _call(kind, name, lib, values[0], values[1:], kwargs))


_KEYWORD = re.compile(r"!?\b\w+=[\w.]+!?")  # name=type in "got (...)", "!" marking a mismatch
_NAMES = re.compile(r"(keyword arguments: |keywords were incorrect: )(.*)")


def _normalized(message):
    """The message with keyword lists sorted (see the module docstring)."""
    lines = []
    for line in message.replace("TensorBase.", "Tensor.").split("\n"):
        given = iter(sorted(_KEYWORD.findall(line)))
        line = _KEYWORD.sub(lambda m: next(given), line)
        lines.append(_NAMES.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))),
                                line))
    return "\n".join(lines)


def _differs(theirs, ours):
    if theirs is None or ours is None:
        return theirs is not ours
    same_type = type(ours).__name__ == type(theirs).__name__ or isinstance(ours, type(theirs))
    return not same_type or _normalized(str(ours)) != _normalized(str(theirs))


_TARGETS = _targets()


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("kind, name, op", _TARGETS,
                         ids=[f"{kind}-{name}" for kind, name, _ in _TARGETS])
def test_wrong_argument_raises_as_torch(kind, name, op, as_torch):
    sample = _sample(kind, name, op)
    if sample is None:
        pytest.skip("no sample torch's public callable accepts")
    differing = {}
    for label, change in _cases(kind, name, sample):
        theirs = _run(kind, name, sample, change, torch)
        ours = _run(kind, name, sample, change, flambeau)
        if _differs(theirs, ours):
            differing[label] = (repr(theirs)[:200], repr(ours)[:200])
    known = set(KNOWN.get(f"{kind} {name}", "").split())
    assert {k: v for k, v in differing.items() if k not in known} == {}
    assert known - set(differing) == set(), "fixed: remove from KNOWN"


def test_cases_exist():
    assert len(_TARGETS) > 500
