"""Process-group setup from torchrun's RANK/WORLD_SIZE/LOCAL_RANK, and per-rank sharding."""

import os
from dataclasses import dataclass

import torch
import torch.distributed as torch_dist
from torch.utils.data import DistributedSampler


@dataclass
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: str = "cpu"
    backend: str | None = None  # None: a single process, no process group

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def is_distributed(self) -> bool:
        return self.world_size > 1

    @property
    def device_type(self) -> str:
        return torch.device(self.device).type


def setup_distributed(device: str | None = None) -> DistInfo:
    """Join the process group when launched by torchrun; gloo on CPU, nccl on CUDA."""
    rank = int(os.environ.get("RANK", 0))
    world_size = int(os.environ.get("WORLD_SIZE", 1))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if device is None:
        device = f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu"
    elif device == "cuda":
        device = f"cuda:{local_rank}"
    use_cuda = device.startswith("cuda")
    if use_cuda:
        torch.cuda.set_device(torch.device(device))
    if world_size == 1:
        return DistInfo(0, 1, 0, device, None)
    backend = "nccl" if use_cuda else "gloo"
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend=backend, rank=rank, world_size=world_size)
    return DistInfo(rank, world_size, local_rank, device, backend)


def cleanup_distributed() -> None:
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def shard_indices(
    num_samples: int, dist: DistInfo, *, epoch: int, seed: int, shuffle: bool = True
) -> list[int]:
    """This rank's sample order for `epoch`: a seeded permutation, split evenly across ranks."""
    # The sampler only takes the len() of its dataset, so a range of indices serves.
    sampler: DistributedSampler[int] = DistributedSampler(
        range(num_samples),  # type: ignore[arg-type]
        num_replicas=dist.world_size,
        rank=dist.rank,
        shuffle=shuffle,
        seed=seed,
        drop_last=dist.world_size > 1,
    )
    sampler.set_epoch(epoch)
    return list(sampler)
