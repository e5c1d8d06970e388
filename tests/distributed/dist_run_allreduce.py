"""A torchrun worker: joins through env:// and sums one tensor over all ranks (rank 1 exits
with status 3 when FAIL is set)."""
import os
import sys

import torch
import torch.distributed as dist

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
if os.environ.get("FAIL") and rank == 1:
    sys.exit(3)
t = torch.full((3,), float(rank + 1))
dist.all_reduce(t)
print(f"rank {rank}/{world} local {os.environ['LOCAL_RANK']}/{os.environ['LOCAL_WORLD_SIZE']} "
      f"sum {t.tolist()} threads {os.environ['OMP_NUM_THREADS']}", flush=True)
dist.destroy_process_group()
