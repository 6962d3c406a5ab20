"""Process-group plumbing shared by SFT and RL: one process per device under `torchrun`, the model
sharded with FSDP2 (`fully_shard`), full state dicts gathered for saving.

Without `torchrun` (WORLD_SIZE unset or 1) everything here is a no-op and the model is trained as is.
CUDA uses NCCL, CPU uses gloo (which is how the distributed path is tested on a laptop).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist


@dataclass
class Dist:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    owns_group: bool = False  # whether we started the process group (and so end it)

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()

    def sum(self, *values: float) -> list[float]:
        """Sums over all ranks (one collective for several numbers)."""
        if not self.enabled:
            return list(values)
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor)
        return tensor.tolist()

    def close(self) -> None:
        if self.owns_group and dist.is_initialized():
            dist.destroy_process_group()


def setup(device: str = "auto", timeout_s: float = 1800) -> Dist:
    """The process group from torchrun's environment (or a single process), and this rank's device."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    target = torch.device(device)
    if target.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r} but CUDA is not available; use device='cpu'")
        if world_size > 1 or target.index is None:
            target = torch.device("cuda", local_rank)  # one process per GPU under torchrun
        torch.cuda.set_device(target)
    owns = False
    if world_size > 1 and not dist.is_initialized():
        backend = "nccl" if target.type == "cuda" else "gloo"
        dist.init_process_group(backend, timeout=timedelta(seconds=timeout_s))
        owns = True
    return Dist(rank, world_size, local_rank, target, owns)


def shard(model: torch.nn.Module, mixed_precision: torch.dtype | None) -> torch.nn.Module:
    """FSDP2: each decoder layer is one shard unit, the root (embeddings, head, norm) another.
    Parameters stay fp32 (the optimizer's master copy); compute runs in `mixed_precision` if given,
    gradients are reduced in fp32."""
    from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

    policy = MixedPrecisionPolicy(param_dtype=mixed_precision, reduce_dtype=torch.float32)
    layers = getattr(getattr(model, "model", None), "layers", None)
    if layers is None:
        raise ValueError(
            f"{type(model).__name__} has no .model.layers to shard; not a decoder-only transformers LM"
        )
    for layer in layers:
        fully_shard(layer, mp_policy=policy)
    fully_shard(model, mp_policy=policy)
    return model


def full_state_dict(model: torch.nn.Module, d: Dist) -> dict[str, Any]:
    """The unsharded state dict on CPU (a collective: every rank must call it; rank 0 gets the data)."""
    if not d.enabled:
        return {k: v.detach().to("cpu") for k, v in model.state_dict().items()}
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    return get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
