"""The per-process training loop and the evaluation of main.py."""
import os

import torch
import torch.nn.functional as F
import torch.optim as optim


def train(rank, args, model, device, dataset, loader_kwargs):
    torch.manual_seed(args.seed + rank)
    loader = torch.utils.data.DataLoader(dataset, **loader_kwargs)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    for epoch in range(1, args.epochs + 1):
        model.train()
        for step, (data, target) in enumerate(loader):
            optimizer.zero_grad()
            loss = F.nll_loss(model(data.to(device)), target.to(device))
            loss.backward()
            optimizer.step()
            if step % args.log_interval == 0:
                print(f"{os.getpid()}\tTrain Epoch: {epoch} [{step * len(data)}/"
                      f"{len(loader.dataset)} ({100. * step / len(loader):.0f}%)]\t"
                      f"Loss: {loss.item():.6f}", flush=True)
                if args.dry_run:
                    break


def test(args, model, device, dataset, loader_kwargs):
    torch.manual_seed(args.seed)
    loader = torch.utils.data.DataLoader(dataset, **loader_kwargs)
    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            output = model(data.to(device))
            total += F.nll_loss(output, target.to(device), reduction="sum").item()
            correct += output.argmax(1).eq(target.to(device)).sum().item()
    size = len(loader.dataset)
    print(f"\nTest set: Average loss: {total / size:.4f}, Accuracy: {correct}/{size} "
          f"({100. * correct / size:.0f}%)\n")
