"""v2 Lambda, Normalize, GaussianBlur, ToDtype, SanitizeBoundingBoxes and SanitizeKeyPoints."""
import flambeau
from ..._pil import is_pil_image
from ... import tv_tensors
from ..transforms import GaussianBlur as _GaussianBlurV1, _uniform
from ..transforms import LinearTransformation as _LinearTransformationV1
from . import functional as F
from ._transform import Transform, is_pure_tensor, tree_flatten
from ._utils import get_bounding_boxes, get_keypoints, labels_getter as _parse_labels_getter

__all__ = ["ConvertImageDtype", "GaussianBlur", "GaussianNoise", "Identity", "Lambda",
           "LinearTransformation", "Normalize", "SanitizeBoundingBoxes", "SanitizeKeyPoints",
           "ToDtype", "UniformTemporalSubsample"]


class Identity(Transform):
    def transform(self, inpt, params):
        return inpt


class Lambda(Transform):
    """``lambd`` applied to the inputs of ``types`` (default: all)."""
    _transformed_types = (object,)

    def __init__(self, lambd, *types):
        super().__init__()
        self.lambd, self.types = lambd, types or self._transformed_types

    def transform(self, inpt, params):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt

    def extra_repr(self):
        name = getattr(self.lambd, "__name__", None)
        return ", ".join(([name] if name else []) +
                         [f"types={[t.__name__ for t in self.types]}"])


class Normalize(Transform):
    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = list(mean), list(std), inplace

    def check_inputs(self, flat_inputs):
        if any(is_pil_image(inpt) for inpt in flat_inputs):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        return self._call_kernel(F.normalize, inpt, mean=self.mean, std=self.std,
                                 inplace=self.inplace)


class GaussianBlur(Transform):
    _v1_transform_cls = _GaussianBlurV1

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        checked = _GaussianBlurV1(kernel_size, sigma)
        self.kernel_size = checked.kernel_size
        self.sigma = [float(s) for s in checked.sigma]

    def make_params(self, flat_inputs):
        sigma = _uniform(self.sigma[0], self.sigma[1])
        return dict(sigma=[sigma, sigma])

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_blur, inpt, self.kernel_size, **params)


class ToDtype(Transform):
    """Images and videos (and plain tensors) to ``dtype``, values rescaled when ``scale``; a
    dict gives a dtype per input type (``'others'`` for the rest, None to leave as is)."""
    _transformed_types = (flambeau.Tensor,)

    def __init__(self, dtype, scale=False):
        super().__init__()
        if not isinstance(dtype, (dict, flambeau.dtype)):
            raise ValueError(f"dtype must be a dict or a torch.dtype, got {type(dtype)} instead")
        self.dtype, self.scale = dtype, scale

    def transform(self, inpt, params):
        if isinstance(self.dtype, flambeau.dtype):
            if not (is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image,
                                                              tv_tensors.Video))):
                return inpt
            dtype = self.dtype
        elif type(inpt) in self.dtype:
            dtype = self.dtype[type(inpt)]
        elif "others" in self.dtype:
            dtype = self.dtype["others"]
        else:
            raise ValueError(f"No dtype was specified for type {type(inpt)}. If you only need to "
                             "convert the dtype of images or videos, you can just pass e.g. "
                             "dtype=torch.float32. If you're passing a dict as dtype, you can use "
                             "\"others\" as a catch-all key e.g. dtype={tv_tensors.Mask: "
                             "torch.int64, \"others\": None} to pass-through the rest of the "
                             "inputs.")
        if dtype is None:
            return inpt
        return F.to_dtype(inpt, dtype=dtype, scale=self.scale)


class _Sanitize(Transform):
    """Drops the invalid entries of the sample's boxes or points (``_find``, ``_valid``) and
    the same entries of its labels (``labels_getter``) and of ``_kept`` tv_tensors."""

    def _set_labels_getter(self, labels_getter):
        self.labels_getter = labels_getter
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = self._labels_getter(inputs)
        if labels is not None:
            message = ("The labels in the input to forward() must be a tensor or None, got {} "
                       "instead.")
            if isinstance(labels, flambeau.Tensor):
                labels = (labels,)
            elif isinstance(labels, (tuple, list)):
                for entry in labels:
                    if not isinstance(entry, flambeau.Tensor):
                        raise ValueError(message.format(type(entry)))
            else:
                raise ValueError(message.format(type(labels)))
        flat_inputs, rebuild = tree_flatten(inputs)
        subject = self._find(flat_inputs)
        for label in labels or ():
            if subject.shape[0] != label.shape[0]:
                raise ValueError(self._mismatch.format(subject.shape, label.shape))
        params = dict(valid=self._valid(subject), labels=labels)
        return rebuild([self.transform(inpt, params) for inpt in flat_inputs])

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is label
                                                        for label in params["labels"])
        if not (is_label or isinstance(inpt, self._kept)):
            return inpt
        try:
            output = F._plain(inpt)[params["valid"]]
        except IndexError:
            return inpt
        return output if is_label else tv_tensors.wrap(output, like=inpt)


class SanitizeBoundingBoxes(_Sanitize):
    """Drops the boxes smaller than ``min_size`` / ``min_area`` or outside the canvas, with
    their labels and masks."""
    _kept = (tv_tensors.BoundingBoxes, tv_tensors.Mask)
    _mismatch = ("Number of boxes (shape={}) and must match the number of labels.Found labels "
                 "with shape={}).")

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        super().__init__()
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1, got {min_size}.")
        if min_area < 1:
            raise ValueError(f"min_area must be >= 1, got {min_area}.")
        self.min_size, self.min_area = min_size, min_area
        self._set_labels_getter(labels_getter)

    _find = staticmethod(get_bounding_boxes)

    def _valid(self, boxes):
        return F.sanitize_bounding_boxes(boxes, min_size=self.min_size,
                                         min_area=self.min_area)[1]


class SanitizeKeyPoints(_Sanitize):
    """Drops the points (or, for ``[N, ..., 2]`` points, the groups) outside the canvas, with
    their labels (none unless ``labels_getter`` is given)."""
    _kept = (tv_tensors.KeyPoints,)
    _mismatch = ("Number of kepyoints (shape={}) must match the number of labels.Found labels "
                 "with shape={}).")

    def __init__(self, labels_getter=None):
        super().__init__()
        self._set_labels_getter(labels_getter)

    _find = staticmethod(get_keypoints)

    def _valid(self, points):
        return F.sanitize_keypoints(points)[1]


class ConvertImageDtype(Transform):
    def __init__(self, dtype=flambeau.float32):
        super().__init__()
        self.dtype = dtype

    def transform(self, inpt, params):
        if not (is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image, tv_tensors.Video))):
            return inpt
        return F.to_dtype(inpt, dtype=self.dtype, scale=True)


class LinearTransformation(Transform):
    """``(x.flatten() - mean_vector) @ transformation_matrix`` per image or video frame."""
    _transformed_types = (is_pure_tensor, tv_tensors.Image, tv_tensors.Video)

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        checked = _LinearTransformationV1(transformation_matrix, mean_vector)
        self.transformation_matrix, self.mean_vector = checked.transformation_matrix, \
            checked.mean_vector

    def check_inputs(self, flat_inputs):
        if any(is_pil_image(inpt) for inpt in flat_inputs):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        output = _LinearTransformationV1.forward(self, F._plain(inpt))
        return output if is_pure_tensor(inpt) else tv_tensors.wrap(output, like=inpt)


class GaussianNoise(Transform):
    """Adds ``mean + sigma * N(0, 1)`` noise (on the [0, 1] scale for uint8 images too)."""

    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        super().__init__()
        self.mean, self.sigma, self.clip = mean, sigma, clip

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_noise, inpt, mean=self.mean, sigma=self.sigma,
                                 clip=self.clip)


class UniformTemporalSubsample(Transform):
    """``num_samples`` evenly spaced frames of videos."""
    _transformed_types = (flambeau.Tensor,)

    def __init__(self, num_samples):
        super().__init__()
        self.num_samples = num_samples

    def transform(self, inpt, params):
        return self._call_kernel(F.uniform_temporal_subsample, inpt, self.num_samples)
