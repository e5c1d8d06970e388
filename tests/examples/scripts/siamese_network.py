"""A siamese network in the style of pytorch/examples' siamese_network (written for this test
suite): a torchvision ResNet-18 with a one-channel stem and its classifier removed embeds both
images of a pair; a small head on the concatenated embeddings says whether the two MNIST
digits are of the same class. BCELoss, Adadelta and StepLR, as there."""
import argparse

import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets, transforms


class SiameseNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.resnet = torchvision.models.resnet18(weights=None)
        self.resnet.conv1 = nn.Conv2d(1, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3),
                                      bias=False)
        self.fc_in_features = self.resnet.fc.in_features
        self.resnet = nn.Sequential(*(list(self.resnet.children())[:-1]))
        self.fc = nn.Sequential(nn.Linear(self.fc_in_features * 2, 256), nn.ReLU(inplace=True),
                                nn.Linear(256, 1))
        self.sigmoid = nn.Sigmoid()
        self.resnet.apply(self.init_weights)
        self.fc.apply(self.init_weights)

    def init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    def forward_once(self, x):
        return self.resnet(x).view(x.size(0), -1)

    def forward(self, input1, input2):
        both = torch.cat((self.forward_once(input1), self.forward_once(input2)), 1)
        return self.sigmoid(self.fc(both))


class PairsDataset(Dataset):
    """Pairs of MNIST images: every other pair of one class, the rest of two classes."""

    def __init__(self, root, train, pairs):
        mnist = datasets.MNIST(root, train=train, download=True)
        self.images = mnist.data.unsqueeze(1).float() / 255
        self.images = transforms.Normalize((0.1307,), (0.3081,))(self.images)
        self.targets = mnist.targets
        self.by_class = {int(c): torch.nonzero(self.targets == c).flatten()
                         for c in self.targets.unique()}
        classes = sorted(self.by_class)
        self.pairs = []
        for i in range(pairs):
            first = torch.randint(len(self.images), ()).item()
            c = int(self.targets[first])
            if i % 2 == 0:
                pool = self.by_class[c]
            else:
                other = classes[(classes.index(c) + 1 + torch.randint(len(classes) - 1, ()).item())
                                % len(classes)]
                pool = self.by_class[other]
            second = pool[torch.randint(len(pool), ())].item()
            self.pairs.append((first, second, float(i % 2 == 0)))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        first, second, same = self.pairs[index]
        return self.images[first], self.images[second], torch.tensor(same)


def train(args, model, loader, optimizer, epoch):
    model.train()
    criterion = nn.BCELoss()
    for batch_idx, (images_1, images_2, targets) in enumerate(loader):
        optimizer.zero_grad()
        outputs = model(images_1, images_2).squeeze()
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                epoch, batch_idx * len(images_1), len(loader.dataset),
                100. * batch_idx / len(loader), loss.item()))
            if args.dry_run:
                break


def test(model, loader):
    model.eval()
    test_loss, correct = 0, 0
    criterion = nn.BCELoss()
    with torch.no_grad():
        for images_1, images_2, targets in loader:
            outputs = model(images_1, images_2).squeeze()
            test_loss += criterion(outputs, targets).sum().item()
            pred = torch.where(outputs > 0.5, 1, 0)
            correct += pred.eq(targets.view_as(pred)).sum().item()
    test_loss /= len(loader.dataset)
    print("\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
        test_loss, correct, len(loader.dataset), 100. * correct / len(loader.dataset)))


def main():
    parser = argparse.ArgumentParser(description="PyTorch Siamese network Example")
    parser.add_argument("--batch-size", type=int, default=64, metavar="N")
    parser.add_argument("--test-batch-size", type=int, default=1000, metavar="N")
    parser.add_argument("--epochs", type=int, default=14, metavar="N")
    parser.add_argument("--lr", type=float, default=1.0, metavar="LR")
    parser.add_argument("--gamma", type=float, default=0.7, metavar="M")
    parser.add_argument("--pairs", type=int, default=60000)
    parser.add_argument("--dry-run", action="store_true", default=False)
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--log-interval", type=int, default=10, metavar="N")
    parser.add_argument("--save-model", action="store_true", default=False)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    train_loader = DataLoader(PairsDataset("../data", True, args.pairs),
                              batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(PairsDataset("../data", False, args.pairs // 4),
                             batch_size=args.test_batch_size)
    model = SiameseNetwork()
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, train_loader, optimizer, epoch)
        test(model, test_loader)
        scheduler.step()
    if args.save_model:
        torch.save(model.state_dict(), "siamese_network.pt")


if __name__ == "__main__":
    main()
