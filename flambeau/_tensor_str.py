"""How tensors print: ``repr(tensor)`` and ``str(tensor)``, character for character as PyTorch.

The rules, in the order they apply:

* Tensors with more than ``threshold`` elements are *summarized*: along every dimension only
  the first and last ``edgeitems`` entries are shown, with ``...`` between them.
* One formatter per tensor (two for complex ones: real and imaginary parts) decides, from the
  shown values only, between three float styles: integers (``1.``), fixed point (``1.5000``)
  or scientific (``1.5000e+10``), and the common width every element is padded to.
* Rows wrap at ``linewidth``; nested brackets indent by one space per level.
* Suffixes follow the contents: ``device=``, ``size=``, ``dtype=`` (left out for the default
  dtypes), then ``grad_fn=<...>`` or ``requires_grad=True``.
"""
import contextlib
import dataclasses
import math

import numpy as np

from . import _backend, _dtype, _naming


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None  # None: chosen per tensor; True/False: forced


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print (NumPy's options, under PyTorch's defaults).

    ``profile`` ('default', 'short' or 'full') resets the four numeric options first; the
    others then override it. ``sci_mode`` is always set: leaving it out means "automatic".
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options, as keyword arguments for :func:`set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Within the ``with`` block, print with these options (as :func:`set_printoptions`)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ---- the element formatter -----------------------------------------------------------------

class _Formatter:
    """Chooses the style and the width of the elements from the values that will be shown.

    ``values`` is a NumPy array of the shown elements (after summarizing). The scan is
    vectorised: the longest string always comes from an extreme value of each sign, so only
    those few are formatted to measure the width.
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if values.size == 0:
            return
        if not floating:
            if values.dtype == np.bool_:
                self.width = 4 if values.all() else 5
            else:
                self.width = max(len(str(values.min().item())), len(str(values.max().item())))
            return
        values = values.astype(np.float64, copy=False).ravel()
        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:  # only zeros, nans and infs: integer style, width 1
            return
        magnitude = np.abs(shown)
        smallest, largest = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):
                self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8
                                     or smallest < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        positive, negative = shown[shown > 0], shown[shown < 0]
        extremes = [v for part in (positive, negative) if part.size
                    for v in (part.min().item(), part.max().item())]
        precision = PRINT_OPTS.precision
        if self.sci_mode:
            self.width = max(len(f"{v:.{precision}e}") for v in extremes)
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in extremes)  # +1 for the "."
        else:
            self.width = max(len(f"{v:.{precision}f}") for v in extremes)

    def __call__(self, value):
        """``value`` (a Python scalar) as a string right-aligned to the common width."""
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{PRINT_OPTS.precision}f}"
        return text.rjust(self.width)


def _complex_formatter(real, imag):
    """A function printing a Python complex as ``real+imagj`` with two part formatters."""
    def format_complex(value):
        imag_text = (imag(value.imag) + "j").lstrip()
        sep = "" if imag_text[0] in "+-" else "+"
        return real(value.real) + sep + imag_text
    format_complex.width = real.width + imag.width + 1  # the "j"
    return format_complex


# ---- the nested brackets -------------------------------------------------------------------

def _summarized(values):
    """The elements a summarized print shows: ``edgeitems`` from each end of every dimension.

    Works on the backend array, so only these few elements are ever copied to the host.
    """
    edge = PRINT_OPTS.edgeitems
    xp = _backend.array_module(values)
    for axis, size in enumerate(values.shape):
        if size > 2 * edge:
            head = (slice(None),) * axis + (slice(0, edge),)
            tail = (slice(None),) * axis + (slice(size - edge, size),)
            values = xp.concatenate([values[head], values[tail]], axis=axis)
    return values


def _nested_str(shown, shape, indent, summarize, fmt):
    """The brackets of a tensor of ``shape`` whose printed elements are ``shown``.

    When summarized, a dimension longer than ``2 * edgeitems`` is represented in ``shown`` by
    its first and last ``edgeitems`` entries, and a ``...`` goes between them.
    """
    if not shape:
        return fmt(shown.item())
    edge = PRINT_OPTS.edgeitems
    cut = summarize and shape[0] > 2 * edge
    if len(shape) == 1:
        items = ["..."] if summarize and not edge else [fmt(v) for v in shown.tolist()]
        if cut and edge:
            items.insert(edge, " ...")
        per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_nested_str(row, shape[1:], indent + 1, summarize, fmt) for row in shown]
    if cut:
        rows.insert(edge, "...")
    return "[" + ("," + "\n" * (len(shape) - 1) + " " * (indent + 1)).join(rows) + "]"


def contents_str(t, indent):
    """The bracketed elements of a non-empty tensor, rows indented for column ``indent``."""
    data = t._data
    summarize = data.size > PRINT_OPTS.threshold
    shown = _backend.to_host(_summarized(data) if summarize else data)
    if t._dtype._name == "bfloat16":  # Python cannot format ml_dtypes' bfloat16; float32 holds it
        shown = shown.astype(np.float32)
    if t._dtype.is_complex:
        fmt = _complex_formatter(_Formatter(shown.real, True), _Formatter(shown.imag, True))
    else:
        fmt = _Formatter(shown, t._dtype.is_floating_point)
    return _nested_str(shown, data.shape, indent, summarize, fmt)


# ---- the whole repr ------------------------------------------------------------------------

def _add_suffixes(text, suffixes, indent, force_newline=False):
    """Appends ``, suffix`` items, starting a new line when one would pass ``linewidth`` (and
    for the first one with ``force_newline``)."""
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1  # PyTorch's count, quirks included
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(grad_fn):
    name = getattr(grad_fn, "name", None)
    return name() if callable(name) else type(grad_fn).__name__


def _has_default_dtype(dtype):
    return dtype in (_dtype.get_default_dtype(), _dtype.default_complex_dtype(), _dtype.int64,
                     _dtype.bool)


def _autograd_suffixes(t, suffixes):
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(t._grad_fn)}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")


def sparse_repr(t):
    """``repr`` of a sparse COO tensor: its indices and values, then size, nnz and layout."""
    prefix = "tensor("
    indent = len(prefix)
    suffixes = [f"size={tuple(t.shape)}", f"nnz={t._nnz()}"]
    if not _has_default_dtype(t._dtype):
        suffixes.append(f"dtype={t._dtype!r}")
    parts = []
    for name, part in (("indices", t._indices()), ("values", t._values())):
        head = name + "=tensor("
        body = contents_str(part, indent + len(head)) if part.numel() else \
            f"[], size={tuple(part.shape)}"
        parts.append(head + body + ")")
    suffixes.append(f"layout={t.layout!r}")
    _autograd_suffixes(t, suffixes)
    return _add_suffixes(prefix + (",\n" + " " * indent).join(parts), suffixes, indent,
                         force_newline=True)


def tensor_repr(t, prefix="tensor(", *, tensor_contents=None):
    """``repr(t)``: ``prefix`` + the elements + suffixes + ``)``.

    ``prefix`` lets subclasses print under their own name; ``tensor_contents`` replaces the
    bracketed elements with a given string (the suffixes stay).
    """
    indent = len(prefix)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    dtype = t._dtype
    default = _dtype.get_default_dtype()
    shape = tuple(t._data.shape)
    if t._data.size == 0:
        if len(shape) != 1:  # NumPy shows the shape of empty arrays other than (0,)
            suffixes.append(f"size={shape}")
        if dtype is not default:  # no element tells the dtype
            suffixes.append(f"dtype={dtype!r}")
        body = "[]" if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={shape}")
        if not _has_default_dtype(dtype):
            suffixes.append(f"dtype={dtype!r}")
        body = contents_str(t, indent) if tensor_contents is None else tensor_contents
    _autograd_suffixes(t, suffixes)
    return _add_suffixes(prefix + body, suffixes, indent)


def storage_repr(values, dtype, details):
    """``repr`` of a TypedStorage: one element per line, then a line naming the storage.

    ``values`` is the 1-d NumPy array of elements, ``details`` the ``dtype=..., device=...``
    text.
    """
    if dtype._name == "bfloat16":
        values = values.astype(np.float32)
    lines = " " + "\n ".join(str(v) for v in values.tolist())
    return (f"{lines}\n[{_naming.public_name}.storage.TypedStorage({details}) "
            f"of size {len(values)}]")
