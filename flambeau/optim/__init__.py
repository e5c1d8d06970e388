"""torch.optim: optimizers and learning-rate schedulers, updating parameters in place."""
from .. import _naming
from .. import _naming
from . import lr_scheduler, swa_utils
from ._adafactor import Adafactor
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam

__all__ = ["ASGD", "Adafactor", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS",
           "NAdam", "Optimizer", "RAdam", "RMSprop", "Rprop", "SGD", "SparseAdam", "lr_scheduler",
           "swa_utils"]

Adafactor.__module__ = __name__  # torch prints it as torch.optim.Adafactor
_naming.public_classes([*(globals()[name] for name in __all__ if name[0].isupper()),
                        *(getattr(lr_scheduler, name) for name in lr_scheduler.__all__),
                        swa_utils.AveragedModel, swa_utils.SWALR])


def __getattr__(name):
    """``torch.optim.X`` that flambeau lacks: an AttributeError that says so."""
    raise _naming.missing_attribute(__name__, name)
