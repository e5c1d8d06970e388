"""A DistributedDataParallel training script in the style torchrun launches: env://
rendezvous (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, LOCAL_RANK), DistributedSampler with
set_epoch, losses all-reduced for printing, replicas compared at the end. Written for
PyTorch; test_dist_env_script.py runs it on torch and, unchanged, on flambeau."""
import os

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def main():
    dist.init_process_group("gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.manual_seed(0)
    x = torch.randn(64, 10)
    y = (x.sum(1) > 0).long()
    dataset = TensorDataset(x, y)
    sampler = DistributedSampler(dataset)
    loader = DataLoader(dataset, batch_size=8, sampler=sampler)
    model = DDP(nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 2)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(3):
        sampler.set_epoch(epoch)
        total = torch.zeros(2)
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += torch.tensor([loss.item(), 1.0])
        dist.all_reduce(total)
        if rank == 0:
            print(f"epoch {epoch} loss {total[0] / total[1]:.6f}")
    weight = model.module[0].weight.detach().clone()
    replicas = [torch.zeros_like(weight) for _ in range(world_size)]
    dist.all_gather(replicas, weight)
    print(f"rank {rank} (local {local_rank}): replicas equal "
          f"{all(torch.equal(replicas[0], w) for w in replicas)}, "
          f"weight sum {weight.sum().item():.6f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
