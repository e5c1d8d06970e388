"""torchvision.transforms.v2: transforms that take whole samples (any nesting of lists, tuples
and dicts) and apply the same random parameters to the images, videos, masks and bounding
boxes in them; PIL images and plain tensors work as in v1."""
from ... import tv_tensors  # noqa: F401 (torchvision imports it with v2)
from . import functional
from ..functional import InterpolationMode
from .... import _naming
from ._augment import *  # noqa: F401,F403
from ._color import *  # noqa: F401,F403
from ._container import *  # noqa: F401,F403
from ._geometry import *  # noqa: F401,F403
from ._meta import *  # noqa: F401,F403
from ._misc import *  # noqa: F401,F403
from ._transform import Transform, check_type, has_all, has_any, query_chw, query_size
from ._type_conversion import *  # noqa: F401,F403
from ._utils import get_bounding_boxes, get_keypoints
from ._auto_augment import *  # noqa: F401,F403


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
