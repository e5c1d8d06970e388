"""torchvision.ops: box utilities, RoI Align and RoI Pool (and their position-sensitive forms),
deformable convolution, detection losses, DropBlock, the feature pyramid and multi-scale RoI
Align, and the layers torchvision's models are built from."""
from .boxes import (batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image, complete_box_iou,
                    distance_box_iou, generalized_box_iou, masks_to_boxes, nms, remove_small_boxes)
from .deform_conv import DeformConv2d, deform_conv2d
from .drop_block import DropBlock2d, DropBlock3d, drop_block2d, drop_block3d
from .feature_pyramid_network import FeaturePyramidNetwork
from .losses import (complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss,
                     sigmoid_focal_loss)
from .ps_roi_align import PSRoIAlign, ps_roi_align
from .ps_roi_pool import PSRoIPool, ps_roi_pool
from .poolers import MultiScaleRoIAlign
from .misc import Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation
from .roi_align import RoIAlign, roi_align
from .roi_pool import RoIPool, roi_pool
from .stochastic_depth import StochasticDepth, stochastic_depth
from ... import _naming


def __getattr__(name):
    raise _naming.missing_attribute(__name__, name)
