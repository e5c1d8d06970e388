"""FakeData: random images, the same for an index whatever the global seed."""
import flambeau
from ..transforms import ToPILImage
from .vision import VisionDataset


class FakeData(VisionDataset):
    """Item ``i`` is drawn after ``manual_seed(i + random_offset)``; the global generator's state
    is restored afterwards."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = image_size, random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = flambeau.get_rng_state()
        flambeau.manual_seed(index + self.random_offset)
        img = flambeau.randn(*self.image_size)
        target = flambeau.randint(0, self.num_classes, size=(1,), dtype=flambeau.long)[0]
        flambeau.set_rng_state(state)
        img, target = self._apply(ToPILImage()(img), target)
        return img, target.item()

    def __len__(self):
        return self.size
