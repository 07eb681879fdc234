"""Named configurations against their published parameter counts, built on the meta device."""

import pytest
import torch

from metagen.archs.build import build_from_dims
from metagen.blueprint.counts import count_params


def gpt2(d_model: int, n_layers: int, n_heads: int) -> dict:
    return {
        "vocab_size": 50257,
        "context_length": 1024,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": n_heads,
        "d_ff": 4 * d_model,
        "norm": "layernorm",
        "mlp": "gelu",
        "position": "learned",
        "bias": True,
        "tie_embeddings": True,
    }


def vit(d_model: int, n_layers: int, n_heads: int) -> dict:
    return {
        "image_size": 224,
        "patch_size": 16,
        "in_channels": 3,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "d_ff": 4 * d_model,
        "num_classes": 1000,
        "pool": "cls",
    }


def resnet(block: str, layers: list[int]) -> dict:
    return {
        "block": block,
        "layers": layers,
        "width": 64,
        "in_channels": 3,
        "num_classes": 1000,
        "stem": "imagenet",
        "image_size": 224,
    }


LLAMA3_8B = {
    "vocab_size": 128256,
    "context_length": 8192,
    "d_model": 4096,
    "n_layers": 32,
    "n_heads": 32,
    "n_kv_heads": 8,
    "d_ff": 14336,
    "norm": "rmsnorm",
    "mlp": "swiglu",
    "position": "rope",
    "bias": False,
    "tie_embeddings": False,
    "rope_theta": 500000.0,
}


def gnn_cora(conv: str, hidden: int, heads: int) -> dict:
    return {
        "in_features": 1433,
        "hidden": hidden,
        "n_layers": 2,
        "num_outputs": 7,
        "conv": conv,
        "heads": heads,
        "out_heads": 1,
        "readout": "none",
        "nodes_per_graph": 2708,
    }


def policy_cnn(trunk: str, channels: int, size: int, actions: int, hidden: int) -> dict:
    return {
        "in_channels": channels,
        "image_size": size,
        "num_actions": actions,
        "trunk": trunk,
        "head": "actor_critic",
        "d_hidden": hidden,
        "res_blocks": 2,
    }


PUBLISHED = {
    "gpt2": ("decoder_lm", gpt2(768, 12, 12), 124_439_808),
    "gpt2_medium": ("decoder_lm", gpt2(1024, 24, 16), 354_823_168),
    "llama3_8b": ("decoder_lm", LLAMA3_8B, 8_030_261_248),
    "vit_ti_16": ("vit", vit(192, 12, 3), 5_717_416),
    "vit_s_16": ("vit", vit(384, 12, 6), 22_050_664),
    "vit_b_16": ("vit", vit(768, 12, 12), 86_567_656),
    "vit_l_16": ("vit", vit(1024, 24, 16), 304_326_632),
    "resnet18": ("resnet", resnet("basic", [2, 2, 2, 2]), 11_689_512),
    "resnet50": ("resnet", resnet("bottleneck", [3, 4, 6, 3]), 25_557_032),
    # torch-geometric's examples/gcn.py and gat.py on Cora, biases included
    "gcn_cora": ("gnn", gnn_cora("gcn", 16, 1), 23_063),
    "gat_cora": ("gnn", gnn_cora("gat", 64, 8), 92_373),
    # CleanRL's ppo_atari (Nature CNN, 18 actions) and ppo_procgen (IMPALA CNN, 15 actions)
    "nature_cnn": ("policy_cnn", policy_cnn("nature", 4, 84, 18, 512), 1_693_875),
    "impala_cnn": ("policy_cnn", policy_cnn("impala", 3, 64, 15, 256), 626_256),
}


@pytest.mark.parametrize(("arch", "dims", "published"), PUBLISHED.values(), ids=PUBLISHED)
def test_published_parameter_count(arch, dims, published):
    with torch.device("meta"):
        model = build_from_dims(arch, dims)
    assert sum(p.numel() for p in model.parameters()) == published
    assert sum(count_params(arch, dims).values()) == published
