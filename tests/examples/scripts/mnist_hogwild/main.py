"""Hogwild MNIST in the style of pytorch/examples' mnist_hogwild (written for this test suite):
a LeNet whose parameters live in shared memory is trained by several spawned processes at
once, each running its own optimizer on the same weights; the main process then evaluates it."""
import argparse

import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms

from train import test, train


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        x = F.dropout(x, training=self.training)
        return F.log_softmax(self.fc2(x), dim=1)


def parse_args():
    parser = argparse.ArgumentParser(description="Hogwild MNIST")
    parser.add_argument("--batch-size", type=int, default=64, metavar="N")
    parser.add_argument("--test-batch-size", type=int, default=1000, metavar="N")
    parser.add_argument("--epochs", type=int, default=10, metavar="N")
    parser.add_argument("--lr", type=float, default=0.01, metavar="LR")
    parser.add_argument("--momentum", type=float, default=0.5, metavar="M")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--log-interval", type=int, default=10, metavar="N")
    parser.add_argument("--num-processes", type=int, default=2, metavar="N")
    parser.add_argument("--cuda", action="store_true", default=False)
    parser.add_argument("--save_model", action="store_true", default=False)
    parser.add_argument("--dry-run", action="store_true", default=False)
    return parser.parse_args()


if __name__ == "__main__":
    args = parse_args()
    device = torch.device("cuda" if args.cuda and torch.cuda.is_available() else "cpu")
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.1307,), (0.3081,))])
    train_set = datasets.MNIST("../data", train=True, download=True, transform=transform)
    test_set = datasets.MNIST("../data", train=False, transform=transform)
    loader_kwargs = {"batch_size": args.batch_size, "shuffle": True}

    torch.manual_seed(args.seed)
    mp.set_start_method("spawn", force=True)
    model = Net().to(device)
    model.share_memory()  # the processes below all update these very tensors

    workers = [mp.Process(target=train, args=(rank, args, model, device, train_set,
                                              loader_kwargs))
               for rank in range(args.num_processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    if args.save_model:
        torch.save(model.state_dict(), "MNIST_hogwild.pt")
    test(args, model, device, test_set, dict(loader_kwargs, batch_size=args.test_batch_size))
