"""Small dims per architecture, shared by the nn and counts tests: every registered arch must
have an entry here, so adding an arch adds it to every parametrized test."""

LM_BASE = {
    "vocab_size": 97,
    "context_length": 24,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "n_kv_heads": 4,
    "d_ff": 48,
    "norm": "rmsnorm",
    "mlp": "swiglu",
    "position": "rope",
    "bias": False,
    "tie_embeddings": False,
    "rope_theta": 10000.0,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
VIT_BASE = {
    "image_size": 32,
    "patch_size": 8,
    "in_channels": 3,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "num_classes": 7,
    "pool": "cls",
    "norm_eps": 1e-6,
    "dropout": 0.0,
}
RESNET_BASE = {
    "block": "basic",
    "layers": [1, 2, 1, 1],
    "width": 8,
    "in_channels": 3,
    "num_classes": 5,
    "stem": "imagenet",
    "image_size": 64,
}

SMALL_DIMS: dict[str, dict[str, dict]] = {
    "decoder_lm": {
        "rope_swiglu_gqa": {**LM_BASE, "n_kv_heads": 2},
        "learned_gelu_layernorm_bias_tied": {
            **LM_BASE,
            "norm": "layernorm",
            "mlp": "gelu",
            "position": "learned",
            "bias": True,
            "tie_embeddings": True,
        },
        "rope_gelu_mqa_bias": {**LM_BASE, "n_kv_heads": 1, "mlp": "gelu", "bias": True},
    },
    "vit": {
        "cls": VIT_BASE,
        "mean_gray": {**VIT_BASE, "pool": "mean", "in_channels": 1, "patch_size": 4},
    },
    "resnet": {
        "basic_imagenet": RESNET_BASE,
        "basic_cifar_odd_size": {**RESNET_BASE, "stem": "cifar", "image_size": 19},
        "bottleneck_imagenet_odd_size": {**RESNET_BASE, "block": "bottleneck", "image_size": 45},
        "bottleneck_cifar": {
            **RESNET_BASE,
            "block": "bottleneck",
            "stem": "cifar",
            "image_size": 16,
        },
    },
}

CASES = [(arch, dims) for arch, by_name in SMALL_DIMS.items() for dims in by_name.values()]
CASE_IDS = [f"{arch}-{name}" for arch, by_name in SMALL_DIMS.items() for name in by_name]


def unique_params_by_name(model, names) -> dict[str, int]:
    """Parameters of model.get_submodule(name) for each name, a shared tensor counted once,
    under the first name that holds it (so a tied LM head counts 0)."""
    seen: set[int] = set()
    counts = {}
    for name in names:
        counts[name] = 0
        for p in model.get_submodule(name).parameters():
            if id(p) not in seen:
                seen.add(id(p))
                counts[name] += p.numel()
    return counts
