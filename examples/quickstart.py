"""Train a small CNN on the 8x8 handwritten digits that ship with flambeau.

    python -m flambeau run examples/quickstart.py [--epochs N] [--checkpoint PATH]

Plain PyTorch: under `python -m flambeau run`, `import torch` and `import torchvision` give
flambeau. The one flambeau-specific line is the data set: `torchvision.datasets.Digits` is
bundled with flambeau (no download) and real torchvision has no such class, so with real PyTorch
this script stops with a message saying to run it as above. The checkpoint it saves is a
PyTorch checkpoint: real torch loads it into the same `Net`.
"""
import argparse
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

try:  # flambeau's bundled digits; real torchvision has none
    from torchvision.datasets import Digits
except ImportError:
    Digits = None


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def progress(epoch, step, steps, loss, width=30):
    """On a terminal, one line on stderr redrawn in place: the epoch, a bar, the running loss."""
    if not sys.stderr.isatty():
        return
    done = width * step // steps
    sys.stderr.write(f"\repoch {epoch} [{'#' * done}{'.' * (width - done)}] "
                     f"{step}/{steps} loss {loss:.4f}")
    if step == steps:
        sys.stderr.write("\r" + " " * (width + 40) + "\r")
    sys.stderr.flush()


def train(model, loader, criterion, optimizer, epoch):
    model.train()
    total = 0.0
    for step, (images, labels) in enumerate(loader, 1):
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        progress(epoch, step, len(loader), total / step)
    return total / len(loader)


def test(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
    return correct / len(loader.dataset)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default="quickstart.pt")
    args = parser.parse_args()
    if Digits is None:
        sys.exit("the digits data set ships with flambeau: "
                 "python -m flambeau run examples/quickstart.py")

    torch.manual_seed(args.seed)
    train_data, test_data = Digits(train=True), Digits(train=False)
    train_loader = DataLoader(train_data, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_data, batch_size=256)
    print(f"{len(train_data)} training and {len(test_data)} test images, "
          f"{len(train_data.classes)} classes")

    model = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        loss = train(model, train_loader, criterion, optimizer, epoch)
        accuracy = test(model, test_loader)
        scheduler.step()
        print(f"epoch {epoch}: loss {loss:.4f}, test accuracy {accuracy:.1%} "
              f"({time.perf_counter() - start:.1f} s)")

    torch.save(model.state_dict(), args.checkpoint)
    print(f"saved {args.checkpoint}")


if __name__ == "__main__":
    main()
