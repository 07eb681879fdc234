"""What a model's batch-1 forward really does, per component: FLOPs (torch's FlopCounterMode),
kernels (the aten ops dispatched, views aside) and activations (the elements those ops
write). The references for each arch's `costs` in counts.py."""

from collections import defaultdict
from typing import Any

import torch
from tests.archs.test_archs_counts import CPU_SDPA
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode
from torch.utils.module_tracker import ModuleTracker

# ops that move no data: bookkeeping around autograd and tensor metadata
FREE_OPS = {torch.ops.aten.detach.default, torch.ops.aten.lift_fresh.default}
# the key for ops that the model's own forward runs outside its child modules
TOP_LEVEL = "forward"


def component_of(parents: set[str], root: str) -> str:
    """The top-level child of `root` that the op runs in: "ViT.blocks.0.mlp" -> "blocks"."""
    names = [p.split(".")[1] for p in parents if p.startswith(root + ".")]
    return names[0] if names else TOP_LEVEL


class KernelCounter(TorchDispatchMode):
    """Counts each dispatched aten op that is not a view, and the elements it writes, under
    the component whose forward runs it."""

    def __init__(self, tracker: ModuleTracker, root: str) -> None:
        super().__init__()
        self.tracker, self.root = tracker, root
        self.kernels: dict[str, int] = defaultdict(int)
        self.activations: dict[str, int] = defaultdict(int)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        out = func(*args, **(kwargs or {}))
        if func.is_view or func in FREE_OPS:
            return out
        component = component_of(self.tracker.parents, self.root)
        self.kernels[component] += 1
        results = out if isinstance(out, tuple | list) else [out]
        self.activations[component] += sum(
            t.numel() for t in results if isinstance(t, torch.Tensor)
        )
        return out


def component_flops(by_module: dict[str, dict[Any, int]], root: str) -> dict[str, int]:
    """FLOPs per top-level component from FlopCounterMode's per-module counts, which include
    the nested modules': each module named with no ancestor named is counted (a ModuleList is
    never called itself, nor a submodule whose children the parent calls directly)."""
    names = [name for name in by_module if name.startswith(root + ".")]
    named = set(names)
    flops: dict[str, int] = defaultdict(int)
    for name in names:
        parts = name.split(".")
        if any(".".join(parts[:i]) in named for i in range(2, len(parts))):
            continue  # counted with its ancestor
        flops[parts[1]] += sum(by_module[name].values())
    return dict(flops)


def measured_costs(model: torch.nn.Module, inputs: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{component: {"flops", "kernels", "activations"}} of one forward under no_grad."""
    root = type(model).__name__
    with torch.no_grad(), FlopCounterMode(display=False, custom_mapping=CPU_SDPA) as counter:
        model(**inputs)
    by_module = counter.get_flop_counts()
    with torch.no_grad(), ModuleTracker() as tracker, KernelCounter(tracker, root) as kernels:
        model(**inputs)
    flops = component_flops(by_module, root)
    total = sum(by_module.get(root, by_module.get("Global", {})).values())
    if total - sum(flops.values()):
        flops[TOP_LEVEL] = total - sum(flops.values())
    names = set(flops) | set(kernels.kernels)
    return {
        name: {
            "flops": flops.get(name, 0),
            "kernels": kernels.kernels.get(name, 0),
            "activations": kernels.activations.get(name, 0),
        }
        for name in names
    }
