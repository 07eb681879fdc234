"""Exact parameter counts, forward FLOPs and KV-cache sizes of any arch, from dims alone.

Pure Python: `metagen plan` runs without torch. Each arch's own counts live beside its model
(archs/<arch>/counts.py, built from the shared pieces in blueprint/counting.py); this module
checks the dims and dispatches. The tests check every number against the built module
(`sum(p.numel())` per submodule) and against `torch.utils.flop_counter.FlopCounterMode`.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.registry import Arch, arch
from metagen.blueprint.cost import Cost

Dims = dict[str, Any]


def _counted(name: str, dims: Dims) -> Arch:
    """The arch's row, once its dims hold every structural field of its config (its counts
    read them all; floats such as dropout change no count)."""
    row = arch(name)
    missing = [key for key in row.structural_fields() if key not in dims]
    if missing:
        raise ValueError(f"{name} dims lack {missing}")
    return row


def count_layer_params(arch_name: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per layer, keyed by the layer's module path in the built model
    ("token_embedding", "blocks.0", ..., "stage2.1", "head"). A tied LM head counts 0."""
    return _counted(arch_name, dims).layers(dims)


def count_params(arch_name: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per component (the model's top-level submodules, the first part of
    each layer's path), in model order."""
    components: dict[str, int] = {}
    for name, n in count_layer_params(arch_name, dims).items():
        component = name.split(".")[0]
        components[component] = components.get(component, 0) + n
    return components


def count_flops(
    arch_name: str, dims: Dims, *, seq_len: int | None = None, image_size: int | None = None
) -> int:
    """Forward FLOPs for one sample: a sequence of seq_len tokens (default context_length) for
    an LM; one image for image models (image_size overrides the dims' image_size)."""
    if image_size is not None:
        dims = {**dims, "image_size": image_size}
    return _counted(arch_name, dims).flops(dims, seq_len)


def count_costs(
    arch_name: str, dims: Dims, *, seq_len: int | None = None, image_size: int | None = None
) -> dict[str, Cost]:
    """FLOPs, kernels and activations per component of one sample's forward (as count_flops
    reads its arguments); "forward" holds what the model's own forward runs outside them."""
    if image_size is not None:
        dims = {**dims, "image_size": image_size}
    return _counted(arch_name, dims).costs(dims, seq_len)


def count_kv_cache_bytes(
    dims: Dims, context_length: int, bytes_per_element: int, batch_size: int = 1
) -> int:
    """Bytes of a decoder_lm's KV cache holding context_length positions of batch_size rows."""
    head_dim = dims["d_model"] // dims["n_heads"]
    per_position = 2 * dims["n_layers"] * dims["n_kv_heads"] * head_dim  # keys and values
    return batch_size * context_length * per_position * bytes_per_element
